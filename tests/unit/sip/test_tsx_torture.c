/*
 * test_tsx_torture.c: the 49 RFC 4475 torture messages through the
 * stack (fake transport, UDP, with SUBSCRIBE/NOTIFY/PUBLISH handlers as
 * locd registers them), each with the one answer RFC 4475 and RFC 3261
 * §8.2 lead to: 3.1.1 valid requests get 200 (OPTIONS), 405 (known
 * methods nobody serves, with Allow) or 501 (unknown methods); 3.1.2
 * invalid ones a stateless 400 (505 for badvers) when their Via can be
 * read, else nothing; responses matching no transaction are dropped;
 * 3.3: 416 for unknown Request-URI schemes, 420 listing both Require
 * tags, OPTIONS with Max-Forwards 0 answered (SEC-19).  Skipped when
 * ../shared is absent.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"
#include "tests/unit/sip/test_tsx_fake.h"
#include "tests/unit/testutil.h"

struct expect {
	const char *name;
	uint16_t scode;     /* 0: no answer */
};

static const struct expect cases[] = {
	/* 3.1.1 valid */
	{"wsinv", 405}, {"intmeth", 501}, {"esc01", 405}, {"escnull", 405},
	{"esc02", 501}, {"lwsdisp", 200}, {"longreq", 405}, {"dblreq", 405},
	{"semiuri", 200}, {"transports", 200}, {"mpart01", 405},
	{"unreason", 0}, {"noreason", 0},
	/* 3.1.2 invalid */
	{"badinv01", 0}, {"clerr", 400}, {"scalar02", 400}, {"scalarlg", 0},
	{"quotbal", 400}, {"ltgtruri", 400}, {"lwsruri", 400},
	{"lwsstart", 400}, {"trws", 400}, {"escruri", 400}, {"baddate", 400},
	{"regbadct", 400}, {"badaspec", 400}, {"baddn", 400},
	{"badvers", 505}, {"mismatch01", 400}, {"mismatch02", 400},
	{"bigcode", 0}, {"ncl", 400},
	/* 3.2 */
	{"badbranch", 200},
	/* 3.3 */
	{"insuf", 400}, {"unkscm", 416}, {"novelsc", 416}, {"unksm2", 405},
	{"bext01", 420}, {"invut", 405}, {"regaut01", 405}, {"multi01", 400},
	{"mcl01", 400}, {"bcast", 0}, {"zeromf", 200}, {"cparam01", 405},
	{"cparam02", 405}, {"regescrt", 405}, {"sdp01", 405},
	/* 3.4 */
	{"inv2543", 405},
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

static void ok_h(struct sip_strans *t, const struct sip_msg *req,
		 void *arg)
{
	(void)req;
	(void)arg;
	ck_assert_int_eq(sip_reply_status(t, 200, NULL), 0);
}

START_TEST(torture_answer)
{
	const struct expect *e = &cases[_i];
	char path[512], rel[64], val[512];
	struct sip_peer src;
	struct fake f;
	size_t len;
	char *buf;

	snprintf(rel, sizeof(rel), "rfc4475/msgs/%s.dat", e->name);
	if (!tu_shared_path(path, sizeof(path), rel) ||
	    !(buf = tu_read_file(path, &len))) {
		TU_SKIP_NO_SHARED("rfc4475/msgs");
		return;
	}
	fake_init(&f);
	ck_assert_int_eq(sip_stack_handler_add(f.st, "SUBSCRIBE", ok_h, NULL),
			 0);
	ck_assert_int_eq(sip_stack_handler_add(f.st, "NOTIFY", ok_h, NULL),
			 0);
	ck_assert_int_eq(sip_stack_handler_add(f.st, "PUBLISH", ok_h, NULL),
			 0);
	src.tp = SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&src.sa, "192.0.2.99", 5060), 0);
	(void)sip_stack_recv(f.st, &src, NULL, buf, len);
	ck_assert_msg(f.n == (e->scode ? 1u : 0u), "%s: %zu answers",
		      e->name, f.n);
	if (e->scode) {
		unsigned got = 0;
		ck_assert_msg(sscanf(f.v[0].buf, "SIP/2.0 %u ", &got) == 1,
			      "%s: not a response", e->name);
		ck_assert_msg(got == e->scode, "%s: %u, want %u", e->name,
			      got, (unsigned)e->scode);
		ck_assert_ptr_nonnull(strstr(f.v[0].buf,
					     "received=192.0.2.99"));
	}
	if (!strcmp(e->name, "bext01")) {
		fake_hdr_id(&f, 0, SIP_HDR_UNSUPPORTED, val, sizeof(val));
		ck_assert_str_eq(val, "nothingSupportsThis, "
				      "nothingSupportsThisEither");
	}
	if (!strcmp(e->name, "longreq")) {
		struct sip_msg *m = fake_msg(&f, 0);
		/* all 34 Via values come back, in order */
		ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_VIA), 34);
		sip_msg_free(m);
		fake_hdr_id(&f, 0, SIP_HDR_ALLOW, val, sizeof(val));
		ck_assert_str_eq(val, "SUBSCRIBE, NOTIFY, PUBLISH, OPTIONS");
	}
	free(buf);
	fake_reset(&f);
}
END_TEST

TCase *tcase_tsx_torture(void);
TCase *tcase_tsx_torture(void)
{
	TCase *tc = tcase_create("tsx_torture");

	tcase_add_loop_test(tc, torture_answer, 0, NCASES);
	return tc;
}
