/*
 * test_print.c: sip/print.c and sip/buf.c: building requests and
 * responses (RFC 3261 §8.2.6), the capped buffer, and parse -> print ->
 * parse round trips that keep every field.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "sip/sip.h"

#define PL_EQ(pl, s)                                                          \
	ck_assert_msg(sip_pl_eq_str(&(pl), (s)), "%s: '%.*s' != '%s'", #pl,  \
		      (int)(pl).l, (pl).p ? (pl).p : "", (s))

static const char sub[] =
	"SUBSCRIBE sip:target@example.com SIP/2.0\r\n"
	"v: SIP/2.0/UDP 192.0.2.7:5080;branch=z9hG4bKa1;rport, "
	"SIP/2.0/TCP p.example.com;branch=z9hG4bKb2\r\n"
	"Via: SIP/2.0/UDP [2001:db8::2];branch=z9hG4bKc3\r\n"
	"f: \"T\" <sip:t@example.net>;tag=ft1\r\n"
	"t: <sip:target@example.com>\r\n"
	"i: abc@192.0.2.7\r\n"
	"CSeq: 12 SUBSCRIBE\r\n"
	"Max-Forwards: 70\r\n"
	"Event: location;id=1\r\n"
	"Expires: 600\r\n"
	"m: <sip:t@192.0.2.7:5080>\r\n"
	"X-Custom:   odd\r\n   folded value\r\n"
	"c: application/location-filter+xml\r\n"
	"l: 4\r\n"
	"\r\n"
	"<a/>";

static struct sip_msg *parse(const char *p, size_t l)
{
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_msg(sip_msg_parse(&m, p, l, SIP_PARSE_STREAM, NULL,
				    &err) == 0,
		      "%s", err.reason);
	return m;
}

/* Round trip: every header keeps id, order and value (LF/PL agnostic). */
START_TEST(test_print_roundtrip)
{
	struct sip_msg *m = parse(sub, sizeof(sub) - 1), *m2;
	struct sip_buf b;
	size_t i;

	sip_buf_init(&b, SIP_MSG_MAX);
	ck_assert_int_eq(sip_msg_print(&b, m), 0);
	/* canonical names, one value per line, no folding */
	ck_assert_ptr_nonnull(strstr(b.p, "\r\nVia: SIP/2.0/TCP p.example.com"
					  ";branch=z9hG4bKb2\r\n"));
	ck_assert_ptr_nonnull(strstr(b.p, "\r\nCall-ID: abc@192.0.2.7\r\n"));
	ck_assert_ptr_nonnull(
		strstr(b.p, "\r\nX-Custom: odd     folded value\r\n"));
	ck_assert_ptr_nonnull(
		strstr(b.p, "\r\nContent-Length: 4\r\n\r\n<a/>"));
	m2 = parse(b.p, b.len);
	ck_assert_uint_eq(m2->hdrc, m->hdrc);
	for (i = 0; i < m->hdrc; i++) {
		ck_assert_int_eq(m2->hdrv[i].id, m->hdrv[i].id);
		ck_assert(sip_pl_eq(&m2->hdrv[i].val, &m->hdrv[i].val));
	}
	ck_assert(sip_pl_eq(&m2->method, &m->method));
	ck_assert(sip_pl_eq(&m2->ruri_pl, &m->ruri_pl));
	ck_assert(sip_pl_eq(&m2->via.branch, &m->via.branch));
	ck_assert(m2->via.rport);
	ck_assert(sip_pl_eq(&m2->from.tag, &m->from.tag));
	ck_assert(sip_pl_eq(&m2->from.dname, &m->from.dname));
	ck_assert(sip_pl_eq(&m2->callid, &m->callid));
	ck_assert_uint_eq(m2->cseq.num, m->cseq.num);
	ck_assert_uint_eq(m2->expires, 600);
	ck_assert(sip_pl_eq(&m2->event.id, &m->event.id));
	ck_assert(sip_pl_eq(&m2->ctype.subtype, &m->ctype.subtype));
	ck_assert(sip_pl_eq(&m2->body, &m->body));
	/* printing the reprint gives the same bytes */
	{
		struct sip_buf b2;
		sip_buf_init(&b2, SIP_MSG_MAX);
		ck_assert_int_eq(sip_msg_print(&b2, m2), 0);
		ck_assert_uint_eq(b2.len, b.len);
		ck_assert(memcmp(b2.p, b.p, b.len) == 0);
		sip_buf_reset(&b2);
	}
	sip_msg_free(m2);
	sip_msg_free(m);
	sip_buf_reset(&b);
}
END_TEST

/* RFC 3261 §8.2.6.2: Via (all, in order), From, To (+tag), Call-ID, CSeq. */
START_TEST(test_print_response)
{
	struct sip_msg *req = parse(sub, sizeof(sub) - 1), *rsp;
	struct sip_pl tag = SIP_PL("srv77");
	struct sip_buf b;
	const struct sip_hdr *h;

	sip_buf_init(&b, 4096);
	ck_assert_int_eq(sip_print_response(&b, req, 200, "OK", &tag), 0);
	ck_assert_int_eq(sip_print_hdr_u32(&b, SIP_HDR_EXPIRES, 300), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	ck_assert(strncmp(b.p, "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP "
			       "192.0.2.7:5080;branch=z9hG4bKa1;rport\r\n",
			  55) == 0);
	rsp = parse(b.p, b.len);
	ck_assert(!rsp->req);
	ck_assert_uint_eq(rsp->scode, 200);
	PL_EQ(rsp->reason, "OK");
	ck_assert_uint_eq(sip_msg_hdr_count(rsp, SIP_HDR_VIA), 3);
	h = sip_msg_hdr(rsp, SIP_HDR_VIA, NULL);
	h = sip_msg_hdr(rsp, SIP_HDR_VIA, h);
	h = sip_msg_hdr(rsp, SIP_HDR_VIA, h);
	PL_EQ(h->val, "SIP/2.0/UDP [2001:db8::2];branch=z9hG4bKc3");
	PL_EQ(rsp->from.tag, "ft1");
	PL_EQ(rsp->from.dname, "T");
	PL_EQ(rsp->to.tag, "srv77");
	PL_EQ(rsp->to.uri.all, "sip:target@example.com");
	PL_EQ(rsp->callid, "abc@192.0.2.7");
	ck_assert_uint_eq(rsp->cseq.num, 12);
	PL_EQ(rsp->cseq.method, "SUBSCRIBE");
	ck_assert_uint_eq(rsp->expires, 300);
	ck_assert_uint_eq(rsp->clen, 0);
	/* nothing else was copied */
	ck_assert_uint_eq(rsp->hdrc, 3 + 4 + 1 + 1);
	sip_msg_free(rsp);

	/* a To that already has a tag keeps it */
	sip_buf_clear(&b);
	ck_assert_int_eq(sip_print_response(&b, req, 100, "Trying", NULL), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	rsp = parse(b.p, b.len);
	ck_assert_uint_eq(rsp->to.tag.l, 0);
	ck_assert_uint_eq(rsp->scode, 100);
	sip_msg_free(rsp);

	/* bad arguments */
	ck_assert_int_eq(sip_print_response(&b, req, 99, "x", NULL), EINVAL);
	ck_assert_int_eq(sip_print_response(&b, req, 200, "a\r\nX: y", NULL),
			 EINVAL);
	tag = SIP_PL("bad tag");
	ck_assert_int_eq(sip_print_response(&b, req, 200, "OK", &tag),
			 EINVAL);
	sip_msg_free(req);
	sip_buf_reset(&b);
}
END_TEST

/* Building a NOTIFY from pieces (EV-21), then parsing it back. */
START_TEST(test_print_request)
{
	struct sip_pl met = SIP_PL("NOTIFY"), ruri = SIP_PL("sip:t@192.0.2.7");
	struct sip_pl ct = SIP_PL("application/pidf+xml");
	static const char body[] = "<presence/>";
	struct sip_buf b;
	struct sip_msg *m;
	struct sip_pl v;

	sip_buf_init(&b, 2048);
	ck_assert_int_eq(sip_print_request_line(&b, &met, &ruri), 0);
	v = SIP_PL("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKn1");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_VIA, NULL, &v), 0);
	v = SIP_PL("<sip:target@example.com>;tag=srv77");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_FROM, NULL, &v), 0);
	v = SIP_PL("<sip:t@example.net>;tag=ft1");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_TO, NULL, &v), 0);
	v = SIP_PL("abc@192.0.2.7");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_CALL_ID, NULL, &v), 0);
	v = SIP_PL("1 NOTIFY");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_CSEQ, NULL, &v), 0);
	ck_assert_int_eq(sip_print_hdr_u32(&b, SIP_HDR_MAX_FORWARDS, 70), 0);
	v = SIP_PL("location");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_EVENT, NULL, &v), 0);
	v = SIP_PL("active;expires=599");
	ck_assert_int_eq(
		sip_print_hdr(&b, SIP_HDR_SUBSCRIPTION_STATE, NULL, &v), 0);
	v = SIP_PL("x");
	ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_OTHER, "X-Seq", &v), 0);
	ck_assert_int_eq(sip_print_body(&b, &ct, body, sizeof(body) - 1), 0);
	m = parse(b.p, b.len);
	PL_EQ(m->method, "NOTIFY");
	PL_EQ(m->substate.value, "active");
	ck_assert_uint_eq(m->substate.expires, 599);
	PL_EQ(m->ctype.subtype, "pidf+xml");
	PL_EQ(m->body, "<presence/>");
	ck_assert_uint_eq(m->max_forwards, 70);
	PL_EQ(sip_msg_hdr_name(m, "x-seq")->val, "x");
	sip_msg_free(m);

	/* injection and bad names are refused, buffer unchanged */
	{
		size_t len = b.len;
		v = SIP_PL("a\r\nVia: evil");
		ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_SUBJECT, NULL, &v),
				 EINVAL);
		v = SIP_PL("x");
		ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_OTHER, "Bad Name",
					       &v), EINVAL);
		ck_assert_int_eq(sip_print_hdr(&b, SIP_HDR_OTHER, NULL, &v),
				 EINVAL);
		met = SIP_PL("NO TIFY");
		ck_assert_int_eq(sip_print_request_line(&b, &met, &ruri),
				 EINVAL);
		met = SIP_PL("NOTIFY");
		ruri = SIP_PL("sip:a b");
		ck_assert_int_eq(sip_print_request_line(&b, &met, &ruri),
				 EINVAL);
		ck_assert_uint_eq(b.len, len);
	}
	sip_buf_reset(&b);
}
END_TEST

/* The buffer's cap: EOVERFLOW and the content unchanged. */
START_TEST(test_print_buf_cap)
{
	struct sip_buf b;
	char big[300];
	int i;

	memset(big, 'x', sizeof(big));
	sip_buf_init(&b, 10);
	ck_assert_ptr_null(b.p);
	ck_assert_int_eq(sip_buf_append_str(&b, "0123456789"), 0);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_int_eq(sip_buf_append(&b, "a", 1), EOVERFLOW);
	ck_assert_int_eq(sip_buf_printf(&b, "%d", 1), EOVERFLOW);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_str_eq(b.p, "0123456789");
	sip_buf_clear(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(sip_print_status_line(&b, 200, "OK"), EOVERFLOW);
	sip_buf_reset(&b);
	ck_assert_ptr_null(b.p);

	sip_buf_init(&b, 1000);
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(sip_buf_append(&b, big, sizeof(big)), 0);
	ck_assert_int_eq(sip_buf_append(&b, big, sizeof(big)), EOVERFLOW);
	ck_assert_int_eq(sip_buf_printf(&b, "%.*s", 100, big), 0);
	ck_assert_uint_eq(b.len, 1000);
	ck_assert_int_eq(sip_buf_printf(&b, "%s", ""), 0);
	ck_assert_int_eq(sip_buf_printf(&b, "%s", "y"), EOVERFLOW);
	ck_assert_int_eq(sip_buf_append(NULL, "a", 1), EINVAL);
	sip_buf_reset(&b);

	/* long printf output takes the second path */
	sip_buf_init(&b, 1000);
	ck_assert_int_eq(sip_buf_printf(&b, "%.*s!", 250, big), 0);
	ck_assert_uint_eq(b.len, 251);
	ck_assert_int_eq(b.p[250], '!');
	sip_buf_reset(&b);
}
END_TEST

/*
 * Parse -> print -> parse succeeds for whatever parsed (SEC-19; fuzz
 * finding 2, crashes/sip_msg_fuzz/128-headers-no-clen.dat): a datagram
 * with exactly SIP_HDRS_MAX header values and no Content-Length gains one
 * when printed, and the reserved Content-Length slot lets it parse again;
 * a second Content-Length or one more value is still refused; a compact
 * header at the line limit is refused by the printer (EOVERFLOW), which
 * never prints a line the parser would refuse.
 */
#define HDRS_HEAD                                                             \
	"OPTIONS sip:a@example.com SIP/2.0\r\n"                              \
	"Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK9\r\n"                  \
	"From: <sip:x@example.com>;tag=1\r\nTo: <sip:a@example.com>\r\n"      \
	"Call-ID: c1\r\nCSeq: 1 OPTIONS\r\n"

static size_t hdrs_msg(char *p, size_t sz, size_t extra, const char *tail)
{
	size_t n = sizeof(HDRS_HEAD) - 1, i;

	ck_assert_uint_lt(n + extra * 9 + strlen(tail), sz);
	memcpy(p, HDRS_HEAD, n);
	for (i = 0; i < extra; i++, n += 9)
		memcpy(p + n, "X-A: 12\r\n", 9);
	memcpy(p + n, tail, strlen(tail));
	return n + strlen(tail);
}

START_TEST(test_print_hdr_limits)
{
	static char p[4096], line[SIP_HDRLINE_MAX + 512];
	struct sip_msg *m = NULL, *m2 = NULL;
	struct sip_err err = {0};
	struct sip_buf b;
	size_t n;

	sip_buf_init(&b, SIP_MSG_MAX);
	/* 5 + 123 = 128 values, no Content-Length */
	n = hdrs_msg(p, sizeof(p), SIP_HDRS_MAX - 5, "\r\n");
	ck_assert_int_eq(sip_msg_parse(&m, p, n, SIP_PARSE_DGRAM, NULL, &err),
			 0);
	ck_assert_uint_eq(m->hdrc, SIP_HDRS_MAX);
	ck_assert(!m->has_clen);
	ck_assert_int_eq(sip_msg_print(&b, m), 0);
	ck_assert_msg(sip_msg_parse(&m2, b.p, b.len, SIP_PARSE_STREAM, NULL,
				    &err) == 0, "%s", err.reason);
	ck_assert_uint_eq(m2->hdrc, SIP_HDRS_MAX + 1);
	ck_assert(m2->has_clen);
	ck_assert_uint_eq(m2->clen, 0);
	sip_msg_free(m2);
	sip_msg_free(m);
	/* 128 values and a Content-Length: the same */
	n = hdrs_msg(p, sizeof(p), SIP_HDRS_MAX - 5, "l: 0\r\n\r\n");
	ck_assert_int_eq(sip_msg_parse(&m, p, n, SIP_PARSE_STREAM, NULL,
				       &err), 0);
	ck_assert_uint_eq(m->hdrc, SIP_HDRS_MAX + 1);
	sip_msg_free(m);
	m = NULL;
	/* 129 values, or 128 and two Content-Lengths: too many */
	n = hdrs_msg(p, sizeof(p), SIP_HDRS_MAX - 4, "l: 0\r\n\r\n");
	ck_assert_int_eq(sip_msg_parse(&m, p, n, SIP_PARSE_STREAM, NULL,
				       &err), EOVERFLOW);
	ck_assert_str_eq(err.reason, "too many headers");
	n = hdrs_msg(p, sizeof(p), SIP_HDRS_MAX - 5,
		     "l: 0\r\nContent-Length: 0\r\n\r\n");
	ck_assert_int_eq(sip_msg_parse(&m, p, n, SIP_PARSE_STREAM, NULL,
				       &err), EOVERFLOW);
	ck_assert_str_eq(err.reason, "too many headers");
	n = hdrs_msg(p, sizeof(p), SIP_HDRS_MAX - 6,
		     "l: 0\r\nContent-Length: 0\r\n\r\n");
	ck_assert_int_eq(sip_msg_parse(&m, p, n, SIP_PARSE_STREAM, NULL,
				       &err), EBADMSG);
	ck_assert_ptr_null(m);
	/* "s:" + value at the line limit: "Subject: " would exceed it */
	n = hdrs_msg(line, sizeof(line), 0, "s:");
	ck_assert_uint_lt(n + SIP_HDRLINE_MAX + 8, sizeof(line));
	memset(line + n, 'a', SIP_HDRLINE_MAX - 2);
	n += SIP_HDRLINE_MAX - 2;
	memcpy(line + n, "\r\nl: 0\r\n\r\n", 10);
	n += 10;
	ck_assert_int_eq(sip_msg_parse(&m, line, n, SIP_PARSE_STREAM, NULL,
				       &err), 0);
	sip_buf_clear(&b);
	ck_assert_int_eq(sip_msg_print(&b, m), EOVERFLOW);
	sip_msg_free(m);
	sip_buf_reset(&b);
}
END_TEST

TCase *tcase_print(void);
TCase *tcase_print(void)
{
	TCase *tc = tcase_create("print");
	tcase_add_test(tc, test_print_roundtrip);
	tcase_add_test(tc, test_print_response);
	tcase_add_test(tc, test_print_request);
	tcase_add_test(tc, test_print_buf_cap);
	tcase_add_test(tc, test_print_hdr_limits);
	return tc;
}
