/*
 * test_frame.c: sip/frame.c, stream framing by Content-Length with the
 * cap checked before waiting for a body (SEC-19), and RFC 5626 CRLF
 * keep-alives.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "sip/sip.h"

#define MSG(cl, body)                                                         \
	"NOTIFY sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"   \
	"From: <sip:x@y>;tag=1\r\nTo: <sip:a@b>;tag=2\r\nCall-ID: c\r\n"      \
	"CSeq: 2 NOTIFY\r\n" cl "\r\n" body

struct frame_case {
	const char *in;
	int err;
	enum sip_frame_kind kind;
	size_t skip, len; /* len: SIZE_MAX means strlen(in) - skip */
	const char *reason;
};

static const struct frame_case cases[] = {
	{MSG("Content-Length: 5\r\n", "hello"), 0, SIP_FRAME_MSG, 0,
	 SIZE_MAX, NULL},
	{MSG("l:0\r\n", ""), 0, SIP_FRAME_MSG, 0, SIZE_MAX, NULL},
	{MSG("content-length :\r\n 3\r\n", "abc"), 0, SIP_FRAME_MSG, 0,
	 SIZE_MAX, NULL},
	{MSG("Content-Length: 5\r\nl: 5\r\n", "hello"), 0, SIP_FRAME_MSG, 0,
	 SIZE_MAX, NULL},
	/* need more: partial headers, partial body */
	{"NOTIFY sip:a@b SIP/2.0\r\nVia: x", ENODATA},
	{MSG("Content-Length: 6\r\n", "hello"), ENODATA},
	{"", ENODATA},
	/* keep-alives */
	{"\r\n\r\n", 0, SIP_FRAME_PING, 4, 0, NULL},
	{"\r\n\r\nNOTIFY", 0, SIP_FRAME_PING, 4, 0, NULL},
	{"\r\nNOTIFY", 0, SIP_FRAME_CRLF, 2, 0, NULL},
	{"\r\n", ENODATA},
	{"\r\n\r", ENODATA},
	{"\r", ENODATA},
	{"\rX", EBADMSG, 0, 0, 0, "bad framing"},
	/* framing errors: close the connection */
	{MSG("", ""), EBADMSG, 0, 0, 0, "missing Content-Length"},
	{MSG("Content-Length: -1\r\n", ""), EBADMSG, 0, 0, 0,
	 "bad Content-Length"},
	{MSG("Content-Length: 1x\r\n", ""), EBADMSG, 0, 0, 0,
	 "bad Content-Length"},
	{MSG("Content-Length: 1\r\nl: 2\r\n", "a"), EBADMSG, 0, 0, 0,
	 "bad Content-Length"},
	{MSG("Content-Length: 99999999999\r\n", ""), EBADMSG, 0, 0, 0,
	 "bad Content-Length"},
	/* declared body over the cap: refused before it arrives */
	{MSG("Content-Length: 65536\r\n", ""), EOVERFLOW, 0, 0, 0,
	 "message too large"},
};

#define NCASES ((int)(sizeof(cases) / sizeof(cases[0])))

START_TEST(test_frame_table)
{
	const struct frame_case *c = &cases[_i];
	struct sip_frame fr;
	struct sip_err err = {0};
	size_t len = strlen(c->in);
	int e;

	e = sip_frame_stream(c->in, len, NULL, &fr, &err);
	ck_assert_msg(e == c->err, "case %d: got %d want %d", _i, e, c->err);
	if (c->reason)
		ck_assert_str_eq(err.reason, c->reason);
	if (e)
		return;
	ck_assert_int_eq(fr.kind, c->kind);
	ck_assert_uint_eq(fr.skip, c->skip);
	ck_assert_uint_eq(fr.len, c->len == SIZE_MAX ? len - c->skip : c->len);
}
END_TEST

/* Two messages back to back, fed byte by byte, then parsed. */
START_TEST(test_frame_stream_feed)
{
	static const char two[] = "\r\n" MSG("Content-Length: 3\r\n", "abc")
		MSG("l: 2\r\n", "de") "\r\n\r\n";
	size_t off = 0, n, got = 0, pings = 0;
	struct sip_frame fr;
	struct sip_msg *m;

	for (n = 1; off < sizeof(two) - 1 && n <= sizeof(two) - 1 - off;) {
		int e = sip_frame_stream(two + off, n, NULL, &fr, NULL);
		if (e == ENODATA) {
			n++;
			continue;
		}
		ck_assert_int_eq(e, 0);
		if (fr.kind == SIP_FRAME_MSG) {
			ck_assert_int_eq(sip_msg_parse(&m, two + off + fr.skip,
						       fr.len,
						       SIP_PARSE_STREAM, NULL,
						       NULL), 0);
			ck_assert_uint_eq(m->body.l, got == 0 ? 3 : 2);
			sip_msg_free(m);
			got++;
		} else if (fr.kind == SIP_FRAME_PING) {
			pings++;
		}
		off += fr.skip + fr.len;
		n = 1;
	}
	ck_assert_uint_eq(got, 2);
	ck_assert_uint_eq(pings, 1);
	ck_assert_uint_eq(off, sizeof(two) - 1);
}
END_TEST

/* Limits: headers that never end, start line too long. */
START_TEST(test_frame_limits)
{
	struct sip_limits lim;
	struct sip_frame fr;
	struct sip_err err = {0};
	static const char m[] = MSG("Content-Length: 5\r\n", "hello");
	char junk[200];

	sip_limits_init(&lim);
	lim.max_msg = 100;
	memset(junk, 'a', sizeof(junk));
	ck_assert_int_eq(sip_frame_stream(junk, 99, &lim, &fr, &err),
			 ENODATA);
	lim.max_startline = 50;
	ck_assert_int_eq(sip_frame_stream(junk, 99, &lim, &fr, &err),
			 EOVERFLOW);
	ck_assert_str_eq(err.reason, "start line too long");
	lim.max_startline = 8192;
	ck_assert_int_eq(sip_frame_stream(junk, 100, &lim, &fr, &err),
			 EOVERFLOW);
	ck_assert_str_eq(err.reason, "message too large");
	/* the whole message must fit */
	lim.max_msg = sizeof(m) - 2;
	ck_assert_int_eq(sip_frame_stream(m, sizeof(m) - 6, &lim, &fr, &err),
			 EOVERFLOW);
	lim.max_msg = sizeof(m) - 1;
	ck_assert_int_eq(sip_frame_stream(m, sizeof(m) - 1, &lim, &fr, &err),
			 0);
	ck_assert_int_eq(sip_frame_stream(NULL, 3, &lim, &fr, &err), EINVAL);
}
END_TEST

/*
 * A start line of exactly max_startline bytes whose CRLF is split across
 * two TCP reads: the prefix ending in the CR needs more bytes (the CR is
 * not part of the line), one more byte past the limit is refused, and the
 * whole message frames (SEC-19; fuzz finding 1, crashes/sip_frame_fuzz/
 * startline-cr-split.bin).
 */
START_TEST(test_frame_startline_cr_split)
{
	static const char m[] = MSG("Content-Length: 5\r\n", "hello");
	static const char sl[] = "NOTIFY sip:a@b SIP/2.0";
	struct sip_limits lim;
	struct sip_frame fr;
	struct sip_err err = {0};
	size_t n = sizeof(sl) - 1;

	sip_limits_init(&lim);
	lim.max_startline = n;
	/* "...SIP/2.0\r": the line is n bytes so far */
	ck_assert_int_eq(sip_frame_stream(m, n + 1, &lim, &fr, &err),
			 ENODATA);
	ck_assert_int_eq(sip_frame_stream(m, n + 2, &lim, &fr, &err),
			 ENODATA);
	ck_assert_int_eq(sip_frame_stream(m, sizeof(m) - 1, &lim, &fr, &err),
			 0);
	ck_assert_uint_eq(fr.len, sizeof(m) - 1);
	/* n bytes and no CR yet: still fine */
	ck_assert_int_eq(sip_frame_stream(m, n, &lim, &fr, &err), ENODATA);
	/* a line one byte over the limit: refused with or without its CR */
	lim.max_startline = n - 1;
	ck_assert_int_eq(sip_frame_stream(m, n - 1, &lim, &fr, &err),
			 ENODATA);
	ck_assert_int_eq(sip_frame_stream(m, n, &lim, &fr, &err), EOVERFLOW);
	ck_assert_str_eq(err.reason, "start line too long");
	ck_assert_int_eq(sip_frame_stream(m, n + 1, &lim, &fr, &err),
			 EOVERFLOW);
	ck_assert_str_eq(err.reason, "start line too long");
	ck_assert_int_eq(sip_frame_stream(m, sizeof(m) - 1, &lim, &fr, &err),
			 EOVERFLOW);
}
END_TEST

TCase *tcase_frame(void);
TCase *tcase_frame(void)
{
	TCase *tc = tcase_create("frame");
	tcase_add_loop_test(tc, test_frame_table, 0, NCASES);
	tcase_add_test(tc, test_frame_stream_feed);
	tcase_add_test(tc, test_frame_limits);
	tcase_add_test(tc, test_frame_startline_cr_split);
	return tc;
}
