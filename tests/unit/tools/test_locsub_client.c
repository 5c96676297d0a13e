/*
 * test_locsub_client.c: locsub's subscriber wiring (tools/locsub/
 * client.c) on the SIP stack with the fake transport and clock of the
 * sip tests: the SUBSCRIBE goes to the --server route with the filter
 * body; 401 -> the same SUBSCRIBE with Digest credentials (EV-16); a
 * refusal keeps its status, reason phrase and Warning text for the
 * message locsub prints (489, EV-3); a NOTIFY reaches the handler with
 * the raw Subscription-State (EV-21) and is answered 200; unsubscribe
 * waits while a SUBSCRIBE is in flight, then sends Expires: 0 (EV-23);
 * no answer at all ends the subscription with 408 (timer F).
 * Tools are programs, not libraries: the file under test is compiled in.
 */
#include "tests/unit/sip/test_tsx_fake.h"

#include "filters/lf.h"
#include "tools/locsub/client.c"

struct seen {
	int notifies, closes;
	enum sip_sub_reason reason;
	uint16_t scode;
	char substate[128];
	char body[128];
	enum sip_substate state;
};

static void on_n(const struct ls_note *n, void *arg)
{
	struct seen *s = arg;

	s->notifies++;
	s->state = n->state;
	ck_assert_int_eq(sip_pl_strcpy(&n->substate, s->substate,
				       sizeof(s->substate)), 0);
	ck_assert_int_eq(sip_pl_strcpy(&n->body, s->body, sizeof(s->body)),
			 0);
}

static void on_c(enum sip_sub_reason reason, uint16_t scode, void *arg)
{
	struct seen *s = arg;

	s->closes++;
	s->reason = reason;
	s->scode = scode;
}

static const char filter[] = "<location-filter/>";

static struct ls_client *client_mk(struct fake *f, struct seen *s,
				   const char *user)
{
	static const char *const routev[] = {"<sip:127.0.0.1:5060;lr>"};
	struct ls_client_conf cc;
	struct ls_client *c = NULL;

	memset(s, 0, sizeof(*s));
	fake_init(f);
	memset(&cc, 0, sizeof(cc));
	cc.sc.c.target = "sip:alice@localhost";
	cc.sc.c.from = "sip:alice@localhost";
	cc.sc.c.contact_user = "locsub";
	cc.sc.c.event = "location";
	cc.sc.c.user = user;
	cc.sc.c.password = user ? "alice-demo" : NULL;
	cc.sc.c.routev = routev;
	cc.sc.c.routec = 1;
	cc.sc.c.expires = 600;
	cc.sc.accept = "application/pidf+xml";
	cc.sc.ctype = LF_CTYPE_DRAFT;
	cc.sc.body = filter;
	cc.sc.body_len = sizeof(filter) - 1;
	cc.notifyh = on_n;
	cc.closeh = on_c;
	cc.arg = s;
	ck_assert_int_eq(ls_client_alloc(&c, f->st, &cc), 0);
	ck_assert_int_eq(ls_client_start(c), 0);
	ck_assert_int_eq(ls_client_state(c), SIP_SUBR_TRYING);
	return c;
}

/* Answer sent request i with scode, a To tag and extra header lines. */
static void answer(struct fake *f, size_t i, uint16_t scode,
		   const char *reason, const char *extra)
{
	struct sip_msg *m = fake_msg(f, i);
	struct sip_pl tag = SIP_PL("n1");
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX);
	ck_assert_int_eq(sip_print_response(&b, m, scode, reason, &tag), 0);
	ck_assert_int_eq(sip_buf_append_str(&b, extra), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	ck_assert_int_eq(sip_buf_append(&b, "", 1), 0);
	ck_assert_int_eq(fake_recv(f, SIP_TRANSP_UDP, "127.0.0.1", 5060, b.p),
			 0);
	sip_buf_reset(&b);
	sip_msg_free(m);
}

START_TEST(digest_then_refused)
{
	struct fake f;
	struct seen s;
	struct ls_client *c = client_mk(&f, &s, "alice");
	const char *rp, *w;
	bool answered = false;
	struct sip_msg *m;
	char v[512];

	ck_assert_uint_eq(f.n, 1);
	/* the route is the first hop; the filter is the body */
	ck_assert_uint_eq(sip_sa_port(&f.v[0].dst.sa), 5060);
	ck_assert_int_eq(f.v[0].dst.tp, SIP_TRANSP_UDP);
	m = fake_msg(&f, 0);
	ck_assert(sip_pl_eq_str(&m->ruri_pl, "sip:alice@localhost"));
	ck_assert(sip_pl_eq_str(&m->event.package, "location"));
	ck_assert(sip_pl_eq_str(&m->body, filter));
	ck_assert_uint_eq(m->expires, 600);
	sip_msg_free(m);
	fake_hdr(&f, 0, "Content-Type", v, sizeof(v));
	ck_assert_str_eq(v, LF_CTYPE_DRAFT);
	fake_hdr(&f, 0, "Route", v, sizeof(v));
	ck_assert_str_eq(v, "<sip:127.0.0.1:5060;lr>");

	answer(&f, 0, 401, NULL,
	       "WWW-Authenticate: Digest realm=\"localhost\", "
	       "nonce=\"abc123\", algorithm=SHA-256, qop=\"auth\"\r\n");
	ck_assert_uint_eq(f.n, 2);
	fake_hdr(&f, 1, "Authorization", v, sizeof(v));
	ck_assert_ptr_nonnull(strstr(v, "username=\"alice\""));
	ck_assert_ptr_nonnull(strstr(v, "algorithm=SHA-256"));
	ck_assert_int_eq(s.closes, 0);

	answer(&f, 1, 489, "Bad Event",
	       "Warning: 399 locd \"package location disabled\"\r\n");
	ck_assert_int_eq(s.closes, 1);
	ck_assert_int_eq(s.reason, SIP_SUB_REASON_FAILED);
	ck_assert_uint_eq(s.scode, 489);
	ck_assert_uint_eq(ls_client_failure(c, &rp, &w, &answered), 489);
	ck_assert(answered);
	ck_assert_str_eq(rp, "Bad Event");
	ck_assert_str_eq(w, "package location disabled");
	ck_assert_int_eq(ls_client_state(c), SIP_SUBR_TERMINATED);
	ls_client_free(c);
	fake_reset(&f);
}
END_TEST

START_TEST(notify_and_unsubscribe)
{
	static const char body[] = "<presence/>";
	struct fake f;
	struct seen s;
	struct ls_client *c = client_mk(&f, &s, NULL);
	struct sip_msg *m;
	char callid[128], ftag[64], req[2048];
	int n;

	/* the initial SUBSCRIBE is in flight: later */
	ck_assert_int_eq(ls_client_unsubscribe(c), EAGAIN);
	answer(&f, 0, 200, NULL,
	       "Contact: <sip:locd@127.0.0.1:5060>\r\nExpires: 600\r\n");
	ck_assert_int_eq(ls_client_state(c), SIP_SUBR_ACTIVE);
	m = fake_msg(&f, 0);
	ck_assert_int_eq(sip_pl_strcpy(&m->callid, callid, sizeof(callid)),
			 0);
	ck_assert_int_eq(sip_pl_strcpy(&m->from.tag, ftag, sizeof(ftag)), 0);
	sip_msg_free(m);
	n = snprintf(req, sizeof(req),
		     "NOTIFY sip:locsub@127.0.0.1:5070 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKn1\r\n"
		     "Max-Forwards: 70\r\n"
		     "From: <sip:alice@localhost>;tag=n1\r\n"
		     "To: <sip:alice@localhost>;tag=%s\r\n"
		     "Call-ID: %s\r\nCSeq: 1 NOTIFY\r\n"
		     "Contact: <sip:locd@127.0.0.1:5060>\r\n"
		     "Event: location\r\n"
		     "Subscription-State: active;expires=599\r\n"
		     "Content-Type: application/pidf+xml\r\n"
		     "Content-Length: %zu\r\n\r\n%s",
		     ftag, callid, sizeof(body) - 1, body);
	ck_assert(n > 0 && (size_t)n < sizeof(req));
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "127.0.0.1", 5060,
				   req), 0);
	ck_assert_int_eq(s.notifies, 1);
	ck_assert_str_eq(s.substate, "active;expires=599");
	ck_assert_str_eq(s.body, body);
	ck_assert_int_eq(s.state, SIP_SUBSTATE_ACTIVE);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(fake_scode(&f, 1), 200);
	/* a NOTIFY for another dialog: 481, not ours */
	req[strlen("NOTIFY sip:locsub@127.0.0.1:5070 SIP/2.0\r\n"
		   "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKn")] = '2';
	{
		char *cid = strstr(req, "Call-ID: ") + strlen("Call-ID: ");
		*cid = *cid == 'x' ? 'y' : 'x';
	}
	ck_assert_int_eq(fake_recv(&f, SIP_TRANSP_UDP, "127.0.0.1", 5060,
				   req), 0);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_uint_eq(fake_scode(&f, 2), 481);
	ck_assert_int_eq(s.notifies, 1);

	/* EV-23: Expires 0 in the dialog, no filter body */
	ck_assert_int_eq(ls_client_unsubscribe(c), 0);
	ck_assert_uint_eq(f.n, 4);
	m = fake_msg(&f, 3);
	ck_assert(sip_pl_eq_str(&m->method, "SUBSCRIBE"));
	ck_assert(m->has_expires);
	ck_assert_uint_eq(m->expires, 0);
	ck_assert_uint_eq(m->body.l, 0);
	ck_assert(sip_pl_eq_str(&m->to.tag, "n1"));
	sip_msg_free(m);
	/* in flight: try again later */
	ck_assert_int_eq(ls_client_unsubscribe(c), EAGAIN);
	ck_assert_int_eq(s.closes, 0);
	ls_client_free(c);
	fake_reset(&f);
}
END_TEST

START_TEST(no_answer)
{
	struct fake f;
	struct seen s;
	struct ls_client *c = client_mk(&f, &s, NULL);
	const char *rp, *w;
	bool answered = false;

	fake_advance(&f, 31000);
	ck_assert_int_eq(s.closes, 0);
	fake_advance(&f, 2000); /* timer F: 64 * T1 */
	ck_assert_int_eq(s.closes, 1);
	ck_assert_int_eq(s.reason, SIP_SUB_REASON_FAILED);
	ck_assert_uint_eq(s.scode, 408);
	ck_assert_uint_eq(ls_client_failure(c, &rp, &w, &answered), 408);
	ck_assert(!answered);
	ck_assert_str_eq(rp, "timeout");
	ck_assert_str_eq(w, "");
	ls_client_free(c);
	fake_reset(&f);
}
END_TEST

/*
 * A TLS handshake the server's certificate fails (SEC-3) reaches the
 * client as a transport error without response: ECONNRESET (or EPROTO)
 * with 503.  ls_client_tls_failed tells locsub to say so instead of
 * "no answer (Connection reset by peer)"; not over TCP/UDP, not for a
 * timeout, not once the server has answered on the connection.  The
 * stack's report is injected through resp_h (client.c is compiled in)
 * after cancelling the real transaction.
 */
static void transport_fail(struct ls_client *c, int err)
{
	sip_ctrans_cancel(c->ct);
	resp_h(err, 503, NULL, c);
}

START_TEST(tls_handshake_failed)
{
	static const int errs[] = {ECONNRESET, EPROTO};
	struct fake f;
	struct seen s;
	struct ls_client *c;
	const char *rp, *w;
	bool answered = true;
	size_t i;

	for (i = 0; i < 2; i++) {
		c = client_mk(&f, &s, NULL);
		transport_fail(c, errs[i]);
		ck_assert_int_eq(s.closes, 1);
		ck_assert_int_eq(s.reason, SIP_SUB_REASON_FAILED);
		ck_assert_uint_eq(ls_client_failure(c, &rp, &w, &answered),
				  503);
		ck_assert(!answered);
		ck_assert_str_eq(rp, strerror(errs[i]));
		ck_assert(ls_client_tls_failed(c, true));
		ck_assert(!ls_client_tls_failed(c, false));
		ls_client_free(c);
		fake_reset(&f);
	}
	/* a timeout is no handshake failure */
	c = client_mk(&f, &s, NULL);
	fake_advance(&f, 33000);
	ck_assert_uint_eq(ls_client_failure(c, NULL, NULL, NULL), 408);
	ck_assert(!ls_client_tls_failed(c, true));
	ls_client_free(c);
	fake_reset(&f);
	/* nor a reset after the server answered (401 then reset) */
	c = client_mk(&f, &s, "alice");
	answer(&f, 0, 401, "Unauthorized",
	       "WWW-Authenticate: Digest realm=\"locd\", nonce=\"n1\", "
	       "algorithm=MD5, qop=\"auth\"\r\n");
	ck_assert_uint_eq(f.n, 2); /* the SUBSCRIBE with credentials */
	transport_fail(c, ECONNRESET);
	ck_assert_int_eq(s.closes, 1);
	ck_assert_uint_eq(ls_client_failure(c, NULL, NULL, &answered), 503);
	ck_assert(!answered);
	ck_assert(!ls_client_tls_failed(c, true));
	ls_client_free(c);
	fake_reset(&f);
	ck_assert(!ls_client_tls_failed(NULL, true));
}
END_TEST

TCase *tcase_locsub_client(void);
TCase *tcase_locsub_client(void)
{
	TCase *tc = tcase_create("locsub_client");

	tcase_add_test(tc, digest_then_refused);
	tcase_add_test(tc, notify_and_unsubscribe);
	tcase_add_test(tc, no_answer);
	tcase_add_test(tc, tls_handshake_failed);
	return tc;
}
