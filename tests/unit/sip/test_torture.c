/*
 * test_torture.c: the 49 RFC 4475 torture messages (byte-exact files in
 * ../shared/rfc4475/msgs/), parsed with datagram rules as they were sent.
 *
 * Each entry says what RFC 4475 expects and what we decided:
 * 3.1.1 (valid): parse, with field values asserted below.
 * 3.1.2 (invalid): rejected with EBADMSG (or EPROTONOSUPPORT for badvers,
 *   505) and a reason for the 400; responses get status 0 (drop).
 *   The RFC lets an element be liberal with ltgtruri, lwsruri, lwsstart,
 *   trws, escruri, baddate, regbadct, badaspec, baddn: we reject them all
 *   (a location server has no reason to guess, SEC-19).
 *   baddate: we check only the "GMT" suffix of Date (RFC 3261 §25.1).
 *   mismatch02: the parser answers 400 ("CSeq method mismatch"); the RFC
 *   prefers 501 for an unknown method, which the transaction layer, knowing
 *   its methods, may choose instead.
 * 3.2 badbranch: accepted (the RFC allows falling back to RFC 2543
 *   matching); the branch is kept as "z9hG4bK".
 * 3.3: insuf (no Call-ID/From/To), multi01 (two CSeq, Call-ID, To, From)
 *   and mcl01 (two Content-Length) are rejected by the parser; the other
 *   3.3 messages are syntactically valid and parse (their semantics are
 *   for the layers above: unknown schemes, Require, Accept, Content-Type,
 *   Authorization scheme, broadcast Via, Max-Forwards 0, Contact params).
 * 3.4 inv2543 (RFC 2543 syntax: no branch, no Max-Forwards, no tag, no
 *   Content-Length on UDP): accepted.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "tests/unit/testutil.h"

struct torture {
	const char *name;
	int err;
	uint16_t status;    /* when err != 0 */
	const char *reason; /* when err != 0 */
	void (*check)(const struct sip_msg *msg);
};

#define PL_EQ(pl, s)                                                          \
	ck_assert_msg(sip_pl_eq_str(&(pl), (s)), "%s: '%.*s' != '%s'", #pl,  \
		      (int)(pl).l, (pl).p ? (pl).p : "", (s))

static const struct sip_hdr *nth_hdr(const struct sip_msg *msg,
				     enum sip_hdr_id id, size_t n)
{
	const struct sip_hdr *h = NULL;
	do {
		h = sip_msg_hdr(msg, id, h);
	} while (h && n--);
	return h;
}

static void check_wsinv(const struct sip_msg *m)
{
	const struct sip_hdr *h;
	struct sip_via v;
	struct sip_contact c;
	struct sip_pl val;

	ck_assert(m->req);
	PL_EQ(m->method, "INVITE");
	ck_assert_int_eq(m->ruri.scheme, SIP_SCHEME_SIP);
	PL_EQ(m->ruri.user, "vivekg");
	PL_EQ(m->ruri.host, "chair-dnrc.example.com");
	PL_EQ(m->ruri.params, ";unknownparam");
	/* "TO :" with LWS, folding, spaces around '=' */
	PL_EQ(m->to.uri.host, "chair-dnrc.example.com");
	PL_EQ(m->to.tag, "1918181833n");
	ck_assert(!m->to.name_addr);
	ck_assert(m->from.dname_quoted);
	PL_EQ(m->from.dname, "J Rosenberg \\\\\\\"");
	PL_EQ(m->from.tag, "98asjd8");
	ck_assert(m->has_max_forwards);
	ck_assert_uint_eq(m->max_forwards, 68);
	PL_EQ(m->callid, "wsinv.ndaksdj@192.0.2.1");
	ck_assert_uint_eq(m->clen, 150);
	ck_assert_uint_eq(m->body.l, 150);
	ck_assert_uint_eq(m->cseq.num, 9);
	PL_EQ(m->cseq.method, "INVITE");
	/* three Via values: "Via  : SIP  /   2.0 /UDP" folded, then "v:" x2 */
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_VIA), 3);
	PL_EQ(m->via.transport, "UDP");
	PL_EQ(m->via.host, "192.0.2.2");
	PL_EQ(m->via.branch, "390skdjuw");
	h = nth_hdr(m, SIP_HDR_VIA, 1);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(sip_via_parse(&v, &h->val), 0);
	PL_EQ(v.transport, "TCP");
	PL_EQ(v.host, "spindle.example.com");
	PL_EQ(v.branch, "z9hG4bK9ikj8");
	h = nth_hdr(m, SIP_HDR_VIA, 2);
	ck_assert_int_eq(sip_via_parse(&v, &h->val), 0);
	PL_EQ(v.host, "192.168.255.111");
	PL_EQ(v.branch, "z9hG4bK30239");
	/* m: compact Contact with quoted escapes, q = 0.33 */
	h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);
	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	PL_EQ(c.addr.dname, "Quoted string \\\"\\\"");
	ck_assert(c.has_q);
	ck_assert_uint_eq(c.q, 330);
	ck_assert_int_eq(sip_param_get(&c.addr.params, SIP_PARAM_HDR,
				       "newparam", &val), 0);
	PL_EQ(val, "newvalue");
	ck_assert_int_eq(sip_param_get(&c.addr.params, SIP_PARAM_HDR,
				       "secondparam", &val), 0);
	ck_assert_uint_eq(val.l, 0);
	/* s : (Subject, compact) with an empty value */
	h = sip_msg_hdr(m, SIP_HDR_SUBJECT, NULL);
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->val.l, 0);
	h = sip_msg_hdr_name(m, "newfangledheader");
	ck_assert_ptr_nonnull(h);
	PL_EQ(h->val, "newfangled value   continued newfangled value");
	h = sip_msg_hdr_name(m, "UnknownHeaderWithUnusualValue");
	ck_assert_ptr_nonnull(h);
	PL_EQ(h->val, ";;,,;;,;");
	PL_EQ(m->ctype.type, "application");
	PL_EQ(m->ctype.subtype, "sdp");
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ROUTE), 1);
}

static void check_intmeth(const struct sip_msg *m)
{
	static const char user[] =
		"1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*";
	const struct sip_hdr *h;

	PL_EQ(m->method, "!interesting-Method0123456789_*+`.%indeed'~");
	PL_EQ(m->cseq.method, "!interesting-Method0123456789_*+`.%indeed'~");
	ck_assert_uint_eq(m->cseq.num, 139122385);
	PL_EQ(m->ruri.user, user);
	PL_EQ(m->ruri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
	PL_EQ(m->ruri.host, "example.com");
	ck_assert_uint_eq(m->max_forwards, 255);
	/* quoted-pairs with BEL, NUL and DEL inside the display name */
	ck_assert_uint_eq(m->to.dname.l, 20);
	ck_assert_int_eq(m->to.dname.p[12], '\0');
	PL_EQ(m->to.uri.user, user);
	PL_EQ(m->from.dname, "token1~` token2'+_ token3*%!.-");
	PL_EQ(m->callid, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
	PL_EQ(m->via.branch, "z9hG4bK-.!%66*_+`'~");
	h = sip_msg_hdr_name(m, "extensionHeader-!.%*+_`'~");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->val.l, 12); /* UTF-8 bytes */
}

static void check_esc01(const struct sip_msg *m)
{
	const struct sip_hdr *h;
	struct sip_contact c;

	PL_EQ(m->ruri.user, "sips%3Auser%40example.com");
	PL_EQ(m->ruri.host, "example.net");
	PL_EQ(m->to.uri.user, "%75se%72");
	PL_EQ(m->from.uri.user, "I%20have%20spaces");
	PL_EQ(m->callid, "esc01.239409asdfakjkn23onasd0-3234");
	PL_EQ(m->ctype.subtype, "sdp"); /* "C:" compact, upper case */
	h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	PL_EQ(c.addr.uri.user, "cal%6Cer");
	PL_EQ(c.addr.uri.params, ";%6C%72;n%61me=v%61lue%25%34%31");
}

static void check_escnull(const struct sip_msg *m)
{
	PL_EQ(m->method, "REGISTER");
	PL_EQ(m->to.uri.user, "null-%00-null");
	PL_EQ(m->from.uri.user, "null-%00-null");
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_CONTACT), 2);
	ck_assert_uint_eq(m->clen, 0); /* "L:0" */
}

static void check_esc02(const struct sip_msg *m)
{
	PL_EQ(m->method, "RE%47IST%45R");
	PL_EQ(m->cseq.method, "RE%47IST%45R");
	PL_EQ(m->to.dname, "%Z%45");
	PL_EQ(m->via.branch, "z9hG4bK209%fzsnel234");
	/* C%6Fntact is an unknown header, not a third Contact */
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_CONTACT), 2);
	ck_assert_ptr_nonnull(sip_msg_hdr_name(m, "C%6Fntact"));
}

static void check_lwsdisp(const struct sip_msg *m)
{
	PL_EQ(m->from.dname, "caller");
	ck_assert(!m->from.dname_quoted);
	ck_assert(m->from.name_addr);
	PL_EQ(m->from.tag, "323");
	PL_EQ(m->from.uri.user, "caller");
}

static void check_longreq(const struct sip_msg *m)
{
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_VIA), 34);
	PL_EQ(m->via.host, "sip33.example.com");
	ck_assert_uint_eq(m->to.uri.port, 6000);
	ck_assert_uint_eq(m->from.tag.l, 155);
	ck_assert_uint_eq(m->cseq.num, 3882340);
	ck_assert_uint_eq(m->body.l, 150);
}

static void check_dblreq(const struct sip_msg *m)
{
	PL_EQ(m->method, "REGISTER");
	PL_EQ(m->callid, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
	ck_assert_uint_eq(m->body.l, 0);
	/* the INVITE after it is extra bytes in the datagram: ignored */
	ck_assert_uint_lt(m->len, 400);
}

static void check_semiuri(const struct sip_msg *m)
{
	PL_EQ(m->ruri.user, "user;par=u%40example.net");
	PL_EQ(m->ruri.host, "example.com");
	ck_assert_uint_eq(m->ruri.params.l, 0);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_ACCEPT), 6);
	PL_EQ(nth_hdr(m, SIP_HDR_ACCEPT, 5)->val, "message/sipfrag");
}

static void check_transports(const struct sip_msg *m)
{
	static const char *tp[] = {"UDP", "SCTP", "TLS", "UNKNOWN", "TCP"};
	const struct sip_hdr *h = NULL;
	struct sip_via v;
	size_t i;

	for (i = 0; i < 5; i++) {
		h = sip_msg_hdr(m, SIP_HDR_VIA, h);
		ck_assert_ptr_nonnull(h);
		ck_assert_int_eq(sip_via_parse(&v, &h->val), 0);
		PL_EQ(v.transport, tp[i]);
	}
}

static void check_mpart01(const struct sip_msg *m)
{
	struct sip_pl b;

	PL_EQ(m->method, "MESSAGE");
	PL_EQ(m->ctype.type, "multipart");
	PL_EQ(m->ctype.subtype, "mixed");
	ck_assert_int_eq(sip_param_get(&m->ctype.params, SIP_PARAM_HDR,
				       "boundary", &b), 0);
	PL_EQ(b, "7a9cbec02ceef655");
	ck_assert_uint_eq(m->body.l, 553);
	ck_assert(m->via.rport);
	ck_assert_uint_eq(m->via.port, 5070);
}

static void check_unreason(const struct sip_msg *m)
{
	ck_assert(!m->req);
	ck_assert_uint_eq(m->scode, 200);
	ck_assert_uint_ge(m->reason.l, 20);
	ck_assert(memcmp(m->reason.p, "= 2**3 * 5**2 ", 14) == 0);
	ck_assert_uint_eq(m->body.l, 154);
}

static void check_noreason(const struct sip_msg *m)
{
	ck_assert(!m->req);
	ck_assert_uint_eq(m->scode, 100);
	ck_assert_uint_eq(m->reason.l, 0);
}

static void check_badbranch(const struct sip_msg *m)
{
	PL_EQ(m->via.branch, "z9hG4bK");
}

static void check_bcast(const struct sip_msg *m)
{
	struct sip_via v;

	ck_assert_uint_eq(m->scode, 200);
	ck_assert_int_eq(sip_via_parse(&v, &nth_hdr(m, SIP_HDR_VIA, 1)->val),
			 0);
	PL_EQ(v.host, "255.255.255.255");
}

static void check_zeromf(const struct sip_msg *m)
{
	ck_assert(m->has_max_forwards);
	ck_assert_uint_eq(m->max_forwards, 0);
}

static void check_unkscm(const struct sip_msg *m)
{
	ck_assert_int_eq(m->ruri.scheme, SIP_SCHEME_OTHER);
	PL_EQ(m->ruri.scheme_pl, "nobodyKnowsThisScheme");
	PL_EQ(m->ruri.opaque, "totallyopaquecontent");
}

static void check_novelsc(const struct sip_msg *m)
{
	ck_assert_int_eq(m->ruri.scheme, SIP_SCHEME_OTHER);
	PL_EQ(m->ruri.scheme_pl, "soap.beep");
}

static void check_unksm2(const struct sip_msg *m)
{
	PL_EQ(m->to.uri.scheme_pl, "isbn");
	PL_EQ(m->from.uri.scheme_pl, "http");
	PL_EQ(m->from.tag, "3234233");
}

static void check_cparam01(const struct sip_msg *m)
{
	struct sip_contact c;

	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	/* addr-spec: ;unknownparam belongs to the header, not the URI */
	ck_assert(!c.addr.name_addr);
	PL_EQ(c.addr.params, ";unknownparam");
	ck_assert_uint_eq(c.addr.uri.params.l, 0);
}

static void check_cparam02(const struct sip_msg *m)
{
	struct sip_contact c;

	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	ck_assert(c.addr.name_addr);
	PL_EQ(c.addr.uri.params, ";unknownparam");
	ck_assert_uint_eq(c.addr.params.l, 0);
}

static void check_regescrt(const struct sip_msg *m)
{
	struct sip_contact c;

	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_CONTACT, NULL);

	ck_assert_ptr_nonnull(h);
	ck_assert_int_eq(sip_contact_parse(&c, &h->val), 0);
	PL_EQ(c.addr.uri.headers, "Route=%3Csip:sip.example.com%3E");
}

static void check_regaut01(const struct sip_msg *m)
{
	/* Authorization stays a raw view; sip/auth parses it */
	PL_EQ(sip_msg_hdr(m, SIP_HDR_AUTHORIZATION, NULL)->val,
	      "NoOneKnowsThisScheme opaque-data=here");
}

static void check_bext01(const struct sip_msg *m)
{
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_REQUIRE), 2);
	ck_assert_uint_eq(sip_msg_hdr_count(m, SIP_HDR_PROXY_REQUIRE), 2);
	PL_EQ(nth_hdr(m, SIP_HDR_REQUIRE, 1)->val,
	      "nothingSupportsThisEither");
}

static void check_inv2543(const struct sip_msg *m)
{
	ck_assert(!m->has_max_forwards);
	ck_assert_uint_eq(m->via.branch.l, 0);
	ck_assert_uint_eq(m->from.tag.l, 0);
	ck_assert_uint_gt(m->body.l, 0); /* the rest of the datagram */
}

static const struct torture cases[] = {
	/* 3.1.1 valid */
	{"wsinv", 0, 0, NULL, check_wsinv},
	{"intmeth", 0, 0, NULL, check_intmeth},
	{"esc01", 0, 0, NULL, check_esc01},
	{"escnull", 0, 0, NULL, check_escnull},
	{"esc02", 0, 0, NULL, check_esc02},
	{"lwsdisp", 0, 0, NULL, check_lwsdisp},
	{"longreq", 0, 0, NULL, check_longreq},
	{"dblreq", 0, 0, NULL, check_dblreq},
	{"semiuri", 0, 0, NULL, check_semiuri},
	{"transports", 0, 0, NULL, check_transports},
	{"mpart01", 0, 0, NULL, check_mpart01},
	{"unreason", 0, 0, NULL, check_unreason},
	{"noreason", 0, 0, NULL, check_noreason},
	/* 3.1.2 invalid */
	{"badinv01", EBADMSG, 400, "bad Via", NULL},
	{"clerr", EBADMSG, 400, "Content-Length larger than message", NULL},
	{"ncl", EBADMSG, 400, "bad Content-Length", NULL},
	{"scalar02", EBADMSG, 400, "bad CSeq", NULL},
	{"scalarlg", EBADMSG, 0, "bad CSeq", NULL},
	{"quotbal", EBADMSG, 400, "bad To", NULL},
	{"ltgtruri", EBADMSG, 400, "bad Request-URI", NULL},
	{"lwsruri", EBADMSG, 400, "bad Request-URI", NULL},
	{"lwsstart", EBADMSG, 400, "bad Request-URI", NULL},
	{"trws", EBADMSG, 400, "bad SIP version", NULL},
	{"escruri", EBADMSG, 400, "headers in Request-URI", NULL},
	{"baddate", EBADMSG, 400, "bad Date", NULL},
	{"regbadct", EBADMSG, 400, "bad Contact", NULL},
	{"badaspec", EBADMSG, 400, "bad To", NULL},
	/* our copy lacks the final blank line; test_torture_baddn adds it */
	{"baddn", EBADMSG, 400, "no end of headers", NULL},
	{"badvers", EPROTONOSUPPORT, 505, "unsupported SIP version", NULL},
	{"mismatch01", EBADMSG, 400, "CSeq method mismatch", NULL},
	{"mismatch02", EBADMSG, 400, "CSeq method mismatch", NULL},
	{"bigcode", EBADMSG, 0, "bad status code", NULL},
	/* 3.2 */
	{"badbranch", 0, 0, NULL, check_badbranch},
	/* 3.3 */
	{"insuf", EBADMSG, 400, "missing From", NULL},
	{"unkscm", 0, 0, NULL, check_unkscm},
	{"novelsc", 0, 0, NULL, check_novelsc},
	{"unksm2", 0, 0, NULL, check_unksm2},
	{"bext01", 0, 0, NULL, check_bext01},
	{"invut", 0, 0, NULL, NULL},
	{"regaut01", 0, 0, NULL, check_regaut01},
	{"multi01", EBADMSG, 400, "duplicate CSeq", NULL},
	{"mcl01", EBADMSG, 400, "duplicate Content-Length", NULL},
	{"bcast", 0, 0, NULL, check_bcast},
	{"zeromf", 0, 0, NULL, check_zeromf},
	{"cparam01", 0, 0, NULL, check_cparam01},
	{"cparam02", 0, 0, NULL, check_cparam02},
	{"regescrt", 0, 0, NULL, check_regescrt},
	{"sdp01", 0, 0, NULL, NULL},
	/* 3.4 */
	{"inv2543", 0, 0, NULL, check_inv2543},
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

static char *load(const char *name, size_t *len)
{
	char rel[128], path[512];
	char *buf;

	snprintf(rel, sizeof(rel), "rfc4475/msgs/%s.dat", name);
	if (!tu_shared_path(path, sizeof(path), rel))
		return NULL;
	buf = tu_read_file(path, len);
	ck_assert_msg(buf != NULL, "cannot read %s", path);
	return buf;
}

/* Every message: the expected result; valid ones round-trip too. */
START_TEST(test_torture_msg)
{
	const struct torture *t = &cases[_i];
	struct sip_msg *msg = NULL, *msg2 = NULL;
	struct sip_err err = {0};
	struct sip_buf b;
	size_t len;
	char *buf = load(t->name, &len);
	int e;

	if (!buf) {
		TU_SKIP_NO_SHARED("rfc4475/msgs");
		return;
	}
	e = sip_msg_parse(&msg, buf, len, SIP_PARSE_DGRAM, NULL, &err);
	ck_assert_msg(e == t->err, "%s: got %d (%s), want %d", t->name, e,
		      e ? err.reason : "", t->err);
	if (e) {
		ck_assert_ptr_null(msg);
		ck_assert_int_eq(err.code, t->err);
		ck_assert_uint_eq(err.status, t->status);
		ck_assert_str_eq(err.reason, t->reason);
		free(buf);
		return;
	}
	if (t->check)
		t->check(msg);
	/* parse -> print -> parse gives the same fields */
	sip_buf_init(&b, SIP_MSG_MAX);
	ck_assert_int_eq(sip_msg_print(&b, msg), 0);
	ck_assert_int_eq(sip_msg_parse(&msg2, b.p, b.len, SIP_PARSE_STREAM,
				       NULL, &err), 0);
	ck_assert_uint_eq(msg2->hdrc, msg->hdrc + (msg->has_clen ? 0 : 1));
	ck_assert(sip_pl_eq(&msg2->method, &msg->method));
	ck_assert(sip_pl_eq(&msg2->callid, &msg->callid));
	ck_assert(sip_pl_eq(&msg2->from.tag, &msg->from.tag));
	ck_assert(sip_pl_eq(&msg2->via.branch, &msg->via.branch));
	ck_assert(sip_pl_eq(&msg2->body, &msg->body));
	if (t->check)
		t->check(msg2);
	sip_msg_free(msg2);
	sip_buf_reset(&b);
	sip_msg_free(msg);
	free(buf);
}
END_TEST

/* baddn with the blank line the RFC's archive has: bad From. */
START_TEST(test_torture_baddn)
{
	struct sip_msg *msg = NULL;
	struct sip_err err = {0};
	size_t len;
	char *buf = load("baddn", &len), *b2;

	if (!buf) {
		TU_SKIP_NO_SHARED("rfc4475/msgs");
		return;
	}
	b2 = malloc(len + 2);
	memcpy(b2, buf, len);
	memcpy(b2 + len, "\r\n", 2);
	ck_assert_int_eq(sip_msg_parse(&msg, b2, len + 2, SIP_PARSE_DGRAM,
				       NULL, &err), EBADMSG);
	ck_assert_str_eq(err.reason, "bad From");
	free(b2);
	free(buf);
}
END_TEST

/* clerr over a stream: the framer waits for the body (3.1.2.2). */
START_TEST(test_torture_clerr_stream)
{
	struct sip_frame fr;
	struct sip_err err = {0};
	size_t len;
	char *buf = load("clerr", &len);

	if (!buf) {
		TU_SKIP_NO_SHARED("rfc4475/msgs");
		return;
	}
	ck_assert_int_eq(sip_frame_stream(buf, len, NULL, &fr, &err),
			 ENODATA);
	free(buf);
	buf = load("ncl", &len);
	ck_assert_int_eq(sip_frame_stream(buf, len, NULL, &fr, &err),
			 EBADMSG);
	ck_assert_str_eq(err.reason, "bad Content-Length");
	free(buf);
	buf = load("mcl01", &len);
	ck_assert_int_eq(sip_frame_stream(buf, len, NULL, &fr, &err),
			 EBADMSG);
	free(buf);
}
END_TEST

/* dblreq: the bytes after the first request hold the INVITE. */
START_TEST(test_torture_dblreq_second)
{
	struct sip_msg *msg = NULL, *msg2 = NULL;
	struct sip_err err = {0};
	size_t len;
	char *buf = load("dblreq", &len);

	if (!buf) {
		TU_SKIP_NO_SHARED("rfc4475/msgs");
		return;
	}
	ck_assert_int_eq(sip_msg_parse(&msg, buf, len, SIP_PARSE_DGRAM, NULL,
				       &err), 0);
	/* the leading CRLF is skipped (RFC 3261 §7.5) */
	ck_assert_int_eq(sip_msg_parse(&msg2, buf + msg->len, len - msg->len,
				       SIP_PARSE_DGRAM, NULL, &err),
			 0);
	PL_EQ(msg2->method, "INVITE");
	ck_assert_uint_eq(msg2->body.l, 150);
	PL_EQ(msg2->to.uri.user, "joe");
	sip_msg_free(msg2);
	sip_msg_free(msg);
	free(buf);
}
END_TEST

/* xorshift64: a fixed sequence, so failures reproduce. */
static unsigned mut_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (unsigned)*s;
}

/*
 * Mutated torture messages (SEC-19): every outcome is either an error
 * with a reason and no message, or a message that prints and parses
 * back with the same header count, Call-ID, tags and body.
 */
START_TEST(test_torture_mutations)
{
	static const char *names[] = {"wsinv", "intmeth", "esc01", "longreq",
				      "mpart01", "semiuri", "unreason",
				      "regescrt", "cparam01", "inv2543"};
	static const char special[] = " \t\r\n;,:<>\"\\@%=?/[]*.0";
	unsigned long long seed = 88172645463325252ull;
	char *msgs[10], *b;
	size_t lens[10], ok = 0, bad = 0;
	int i, n;

	for (i = 0; i < 10; i++) {
		msgs[i] = load(names[i], &lens[i]);
		if (!msgs[i]) {
			TU_SKIP_NO_SHARED("rfc4475/msgs");
			return;
		}
	}
	b = malloc(SIP_MSG_MAX);
	ck_assert_ptr_nonnull(b);
	for (n = 0; n < 20000; n++) {
		struct sip_msg *m = NULL, *m2 = NULL;
		struct sip_err err = {0};
		struct sip_buf out;
		int k = (int)(mut_rand(&seed) % 10), j, e;
		size_t l = lens[k], pos;

		memcpy(b, msgs[k], l);
		for (j = 0; j < 1 + (int)(mut_rand(&seed) % 3) && l > 1; j++) {
			pos = mut_rand(&seed) % l;
			switch (mut_rand(&seed) % 4) {
			case 0:
				b[pos] = special[mut_rand(&seed) %
						 (sizeof(special) - 1)];
				break;
			case 1:
				b[pos] = (char)mut_rand(&seed);
				break;
			case 2:
				memmove(b + pos, b + pos + 1, l - pos - 1);
				l--;
				break;
			default:
				l = pos + 1;
				break;
			}
		}
		e = sip_msg_parse(&m, b, l, (enum sip_parse_flags)(n & 1),
				  NULL, &err);
		if (e) {
			ck_assert_ptr_null(m);
			ck_assert_int_eq(err.code, e);
			ck_assert(err.reason[0] != '\0');
			bad++;
			continue;
		}
		ok++;
		sip_buf_init(&out, SIP_MSG_MAX);
		ck_assert_int_eq(sip_msg_print(&out, m), 0);
		ck_assert_int_eq(sip_msg_parse(&m2, out.p, out.len,
					       SIP_PARSE_STREAM, NULL, &err),
				 0);
		ck_assert_uint_eq(m2->hdrc, m->hdrc + (m->has_clen ? 0 : 1));
		ck_assert(sip_pl_eq(&m2->callid, &m->callid));
		ck_assert(sip_pl_eq(&m2->from.tag, &m->from.tag));
		ck_assert(sip_pl_eq(&m2->to.tag, &m->to.tag));
		ck_assert(sip_pl_eq(&m2->body, &m->body));
		sip_msg_free(m2);
		sip_msg_free(m);
		sip_buf_reset(&out);
	}
	/* both outcomes were exercised */
	ck_assert_uint_gt(ok, 100);
	ck_assert_uint_gt(bad, 100);
	free(b);
	for (i = 0; i < 10; i++)
		free(msgs[i]);
}
END_TEST

TCase *tcase_torture(void);
TCase *tcase_torture(void)
{
	TCase *tc = tcase_create("torture");
	tcase_add_loop_test(tc, test_torture_msg, 0, NCASES);
	tcase_add_test(tc, test_torture_baddn);
	tcase_add_test(tc, test_torture_clerr_stream);
	tcase_add_test(tc, test_torture_dblreq_second);
	tcase_add_test(tc, test_torture_mutations);
	tcase_set_timeout(tc, 60);
	return tc;
}
