/*
 * test_evtstack.c: sip/event_stack.c, the notifier and the ESC on the
 * real stack with its fake transport and clock (test_tsx_fake.h):
 * SUBSCRIBE -> 200 with Contact and Expires, NOTIFY as a client
 * transaction over the request's flow, expiry by the stack timer
 * (EV-23), a NOTIFY timing out (Timer F) ends the subscription (EV-24),
 * PUBLISH -> 200 with SIP-ETag (EV-34), Allow-Events (EV-3).
 */
#include "test_tsx_fake.h"

#include "sip/sip_event.h"

struct pkgseen {
	int accepts, closes;
	enum sip_sub_reason reason;
	uint16_t scode;
	int pubs;
};

static void acc(struct sip_sub *sub, const struct sip_sub_req *req,
		struct sip_sub_answer *ans, void *arg)
{
	(void)sub;
	(void)req;
	(void)ans;
	((struct pkgseen *)arg)->accepts++;
}

static int body(struct sip_sub *sub, void *state, enum sip_sub_reason r,
		struct sip_buf *b, const char **ctype, void *arg)
{
	(void)sub;
	(void)state;
	(void)r;
	(void)arg;
	*ctype = "text/plain";
	return sip_buf_append_str(b, "hello");
}

static void closed(struct sip_sub *sub, void *state, enum sip_sub_reason r,
		   uint16_t scode, void *arg)
{
	struct pkgseen *p = arg;

	(void)sub;
	(void)state;
	p->closes++;
	p->reason = r;
	p->scode = scode;
}

static uint16_t pubh(const struct sip_pub_event *ev, const char **w,
		     void *arg)
{
	(void)ev;
	(void)w;
	((struct pkgseen *)arg)->pubs++;
	return 200;
}

static struct sip_evt_node *node_mk(struct fake *f, struct pkgseen *ps)
{
	struct sip_evt_node_conf nc = {
		.notifier = true, .esc = true, .contact_user = "locd"};
	struct sip_evt_pkg p = {
		.name = "x-test", .expires_default = 600, .expires_min = 60,
		.accepth = acc, .bodyh = body, .closeh = closed, .arg = ps};
	struct sip_esc_pkg ep = {
		.name = "presence", .expires_default = 600,
		.expires_min = 60, .pubh = pubh, .arg = ps};
	struct sip_evt_node *node = NULL;

	memset(ps, 0, sizeof(*ps));
	fake_init(f);
	ck_assert_int_eq(sip_evt_node_alloc(&node, f->st, &nc), 0);
	ck_assert_int_eq(sip_evt_node_pkg_add(node, &p), 0);
	ck_assert_int_eq(sip_evt_node_esc_pkg_add(node, &ep), 0);
	ck_assert_ptr_nonnull(sip_evt_node_notifier(node));
	ck_assert_ptr_nonnull(sip_evt_node_esc(node));
	ck_assert_uint_eq(sip_evt_node_now(node), f->now);
	return node;
}

/* Feed txt from 127.0.0.1:5080 (UDP) that reached us at :5060. */
static void recv_udp(struct fake *f, const char *txt)
{
	struct sip_peer src;
	struct sip_flow fl;

	memset(&fl, 0, sizeof(fl));
	src.tp = SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&src.sa, "127.0.0.1", 5080), 0);
	fl.tp = SIP_TRANSP_UDP;
	fl.peer = src.sa;
	ck_assert_int_eq(sip_sa_set(&fl.local, "127.0.0.1", 5060), 0);
	ck_assert_int_eq(sip_stack_recv(f->st, &src, &fl, txt, strlen(txt)),
			 0);
}

static const char subscribe[] =
	"SUBSCRIBE sip:alice@127.0.0.1:5060 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKs1\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:w@127.0.0.1>;tag=w1\r\n"
	"To: <sip:alice@127.0.0.1>\r\n"
	"Call-ID: es1@127.0.0.1\r\n"
	"CSeq: 1 SUBSCRIBE\r\n"
	"Contact: <sip:w@127.0.0.1:5080>\r\n"
	"Event: x-test\r\n"
	"Expires: 60\r\n"
	"Content-Length: 0\r\n\r\n";

/* Answer sent message i (a request) with scode. */
static void answer(struct fake *f, size_t i, uint16_t scode)
{
	struct sip_msg *m = fake_msg(f, i);
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX);
	ck_assert_int_eq(sip_print_response(&b, m, scode, "X", NULL), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	ck_assert_int_eq(sip_buf_append(&b, "", 1), 0);
	recv_udp(f, b.p);
	sip_buf_reset(&b);
	sip_msg_free(m);
}

START_TEST(test_evtstack_subscribe)
{
	struct fake f;
	struct pkgseen ps;
	struct sip_evt_node *node = node_mk(&f, &ps);
	struct sip_msg *m;
	char v[256];

	recv_udp(&f, subscribe);
	ck_assert_int_eq(ps.accepts, 1);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(fake_scode(&f, 0), 200);
	fake_hdr(&f, 0, "Contact", v, sizeof(v));
	ck_assert_str_eq(v, "<sip:locd@127.0.0.1:5060>");
	fake_hdr(&f, 0, "Expires", v, sizeof(v));
	ck_assert_str_eq(v, "60");
	m = fake_msg(&f, 1);
	ck_assert(sip_pl_eq_str(&m->method, "NOTIFY"));
	ck_assert(sip_pl_eq_str(&m->ruri_pl, "sip:w@127.0.0.1:5080"));
	ck_assert(sip_pl_eq_str(&m->substate.value, "active"));
	ck_assert_uint_eq(m->substate.expires, 60);
	ck_assert(sip_pl_eq_str(&m->body, "hello"));
	ck_assert(sip_pl_eq_str(&m->to.tag, "w1"));
	sip_msg_free(m);
	fake_hdr(&f, 1, "Contact", v, sizeof(v));
	ck_assert_str_eq(v, "<sip:locd@127.0.0.1:5060>");
	answer(&f, 1, 200);
	ck_assert_uint_eq(sip_notifier_count(sip_evt_node_notifier(node)), 1);

	/* the stack timer ends it at 60 s: final NOTIFY */
	fake_advance(&f, 59990);
	ck_assert_uint_eq(f.n, 2);
	fake_advance(&f, 20);
	ck_assert_uint_eq(f.n, 3);
	m = fake_msg(&f, 2);
	ck_assert(sip_pl_eq_str(&m->substate.value, "terminated"));
	ck_assert(sip_pl_eq_str(&m->substate.reason, "timeout"));
	sip_msg_free(m);
	ck_assert_int_eq(ps.closes, 1);
	ck_assert_int_eq(ps.reason, SIP_SUB_REASON_TIMEOUT);
	answer(&f, 2, 200);
	sip_evt_node_free(node);
	fake_reset(&f);
}
END_TEST

/* A configured Contact host wins over the (maybe wildcard) local one. */
START_TEST(test_evtstack_contact_host)
{
	struct fake f;
	struct pkgseen ps;
	struct sip_evt_node_conf nc = {
		.notifier = true, .contact_user = "locd",
		.contact_host = "locd.example.com:5070"};
	struct sip_evt_pkg p = {
		.name = "x-test", .expires_default = 600, .expires_min = 60,
		.accepth = acc, .bodyh = body, .closeh = closed, .arg = &ps};
	struct sip_evt_node *node = NULL;
	char v[256];

	memset(&ps, 0, sizeof(ps));
	fake_init(&f);
	ck_assert_int_eq(sip_evt_node_alloc(&node, f.st, &nc), 0);
	ck_assert_int_eq(sip_evt_node_pkg_add(node, &p), 0);
	ck_assert_ptr_null(sip_evt_node_esc(node));
	recv_udp(&f, subscribe);
	fake_hdr(&f, 0, "Contact", v, sizeof(v));
	ck_assert_str_eq(v, "<sip:locd@locd.example.com:5070>");
	sip_evt_node_free(node);
	fake_reset(&f);
}
END_TEST

/* EV-24: the NOTIFY times out (Timer F, 64*T1): subscription dropped. */
START_TEST(test_evtstack_notify_timeout)
{
	struct fake f;
	struct pkgseen ps;
	struct sip_evt_node *node = node_mk(&f, &ps);

	recv_udp(&f, subscribe);
	ck_assert_uint_eq(f.n, 2);
	fake_advance(&f, 64 * SIP_T1_MS + 100);
	ck_assert_int_eq(ps.closes, 1);
	ck_assert_int_eq(ps.reason, SIP_SUB_REASON_FAILED);
	ck_assert_uint_eq(ps.scode, 408);
	ck_assert_uint_eq(sip_notifier_count(sip_evt_node_notifier(node)), 0);
	sip_evt_node_free(node);
	fake_reset(&f);
}
END_TEST

/* Freeing the node with a NOTIFY in flight: no callback, no leak. */
START_TEST(test_evtstack_free_inflight)
{
	struct fake f;
	struct pkgseen ps;
	struct sip_evt_node *node = node_mk(&f, &ps);

	recv_udp(&f, subscribe);
	ck_assert_uint_eq(f.n, 2);
	sip_evt_node_free(node);
	fake_advance(&f, 64 * SIP_T1_MS + 100);
	ck_assert_int_eq(ps.closes, 0);
	fake_reset(&f);
}
END_TEST

START_TEST(test_evtstack_publish)
{
	static const char publish[] =
		"PUBLISH sip:alice@127.0.0.1:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKp1\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:alice@127.0.0.1>;tag=p1\r\n"
		"To: <sip:alice@127.0.0.1>\r\n"
		"Call-ID: ep1@127.0.0.1\r\n"
		"CSeq: 1 PUBLISH\r\n"
		"Event: presence\r\n"
		"Expires: 120\r\n"
		"Content-Type: application/pidf+xml\r\n"
		"Content-Length: 4\r\n\r\n<p/>";
	static const char unknown[] =
		"SUBSCRIBE sip:alice@127.0.0.1:5060 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5080;branch=z9hG4bKs9\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:w@127.0.0.1>;tag=w1\r\n"
		"To: <sip:alice@127.0.0.1>\r\n"
		"Call-ID: es9@127.0.0.1\r\n"
		"CSeq: 1 SUBSCRIBE\r\n"
		"Contact: <sip:w@127.0.0.1:5080>\r\n"
		"Event: dialog\r\n"
		"Content-Length: 0\r\n\r\n";
	struct fake f;
	struct pkgseen ps;
	struct sip_evt_node *node = node_mk(&f, &ps);
	char v[128];

	recv_udp(&f, publish);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(fake_scode(&f, 0), 200);
	fake_hdr(&f, 0, "SIP-ETag", v, sizeof(v));
	ck_assert_uint_gt(strlen(v), 8);
	fake_hdr(&f, 0, "Expires", v, sizeof(v));
	ck_assert_str_eq(v, "120");
	ck_assert_int_eq(ps.pubs, 1);
	ck_assert_uint_eq(sip_esc_count(sip_evt_node_esc(node)), 1);
	fake_advance(&f, 120010);
	ck_assert_uint_eq(sip_esc_count(sip_evt_node_esc(node)), 0);
	ck_assert_int_eq(ps.pubs, 2); /* the EXPIRE */

	recv_udp(&f, unknown);
	ck_assert_uint_eq(fake_scode(&f, 1), 489);
	fake_hdr(&f, 1, "Allow-Events", v, sizeof(v));
	ck_assert_str_eq(v, "x-test");
	sip_evt_node_free(node);
	fake_reset(&f);
}
END_TEST

struct clseen {
	int notifies, closes, results;
	enum sip_substate st;
	enum sip_sub_reason reason;
	uint16_t scode;
	char body[64];
};

static void cl_notify(struct sip_subscriber *s, enum sip_substate st,
		      const struct sip_pl *reason, const struct sip_pl *ctype,
		      const struct sip_pl *b, void *arg)
{
	struct clseen *c = arg;

	(void)s;
	(void)reason;
	(void)ctype;
	c->notifies++;
	c->st = st;
	snprintf(c->body, sizeof(c->body), "%.*s", (int)b->l, b->p);
}

static void cl_close(struct sip_subscriber *s, enum sip_sub_reason r,
		     uint16_t scode, void *arg)
{
	struct clseen *c = arg;

	(void)s;
	c->closes++;
	c->reason = r;
	c->scode = scode;
}

static void cl_result(struct sip_publisher *p, uint16_t scode,
		      const char *etag, void *arg)
{
	struct clseen *c = arg;

	(void)p;
	(void)etag;
	c->results++;
	c->scode = scode;
}

/* Feed every message the stack sent back into it (loopback). */
static void loop_back(struct fake *f, size_t *done)
{
	int guard = 0;

	while (*done < f->n) {
		recv_udp(f, f->v[(*done)++].buf);
		ck_assert_int_lt(++guard, 40);
	}
}

/* Tools on the node: a subscriber and a publisher talk to the node's
 * own notifier and ESC through the stack (EV-19, EV-23, EV-34). */
START_TEST(test_evtstack_client)
{
	struct fake f;
	struct pkgseen ps;
	struct sip_evt_node *node;
	struct sip_evt_node_conf nc = {
		.notifier = true, .esc = true, .client = true,
		.contact_user = "locd"};
	struct sip_evt_pkg p = {
		.name = "x-test", .expires_default = 600, .expires_min = 60,
		.accepth = acc, .bodyh = body, .closeh = closed};
	struct sip_esc_pkg ep = {
		.name = "presence", .expires_default = 600,
		.expires_min = 60, .pubh = pubh};
	struct clseen cs;
	struct sip_subscriber_conf sc = {
		.c = {.target = "sip:alice@127.0.0.1:5060",
		      .from = "sip:w@127.0.0.1", .contact_user = "w",
		      .event = "x-test", .expires = 120},
		.notifyh = cl_notify, .closeh = cl_close, .harg = &cs};
	struct sip_publisher_conf pc = {
		.c = {.target = "sip:alice@127.0.0.1:5060",
		      .from = "sip:alice@127.0.0.1", .event = "presence",
		      .expires = 120},
		.resulth = cl_result, .harg = &cs};
	struct sip_subscriber *s = NULL;
	struct sip_publisher *pb = NULL;
	size_t done = 0;

	memset(&ps, 0, sizeof(ps));
	memset(&cs, 0, sizeof(cs));
	p.arg = &ps;
	ep.arg = &ps;
	fake_init(&f);
	ck_assert_int_eq(sip_evt_node_alloc(&node, f.st, &nc), 0);
	ck_assert_int_eq(sip_evt_node_pkg_add(node, &p), 0);
	ck_assert_int_eq(sip_evt_node_esc_pkg_add(node, &ep), 0);
	ck_assert_int_eq(sip_evt_node_subscriber_alloc(node, &sc, &s), 0);
	ck_assert_int_eq(sip_evt_node_publisher_alloc(node, &pc, &pb), 0);

	ck_assert_int_eq(sip_subscriber_start(s, sip_evt_node_now(node)), 0);
	sip_evt_node_kick(node);
	loop_back(&f, &done);
	ck_assert_int_eq(ps.accepts, 1);
	ck_assert_int_eq(cs.notifies, 1);
	ck_assert_str_eq(cs.body, "hello");
	ck_assert_int_eq(sip_subscriber_state(s), SIP_SUBR_ACTIVE);

	ck_assert_int_eq(sip_publisher_publish(pb, "application/pidf+xml",
					       "<p/>", 4,
					       sip_evt_node_now(node)), 0);
	loop_back(&f, &done);
	ck_assert_int_eq(cs.results, 1);
	ck_assert_uint_eq(cs.scode, 200);
	ck_assert_ptr_nonnull(sip_publisher_etag(pb));
	ck_assert_int_eq(ps.pubs, 1);

	/* the refresh comes from the node's timer, 32 s ahead */
	fake_advance(&f, 88000 - 10);
	ck_assert_uint_eq(done, f.n);
	fake_advance(&f, 20);
	ck_assert_uint_gt(f.n, done);
	loop_back(&f, &done);
	ck_assert_int_eq(cs.notifies, 2);
	ck_assert_int_eq(ps.pubs, 2); /* the publisher refreshed too */

	ck_assert_int_eq(sip_subscriber_unsubscribe(s,
		sip_evt_node_now(node)), 0);
	loop_back(&f, &done);
	ck_assert_int_eq(cs.closes, 1);
	ck_assert_int_eq(cs.reason, SIP_SUB_REASON_TIMEOUT);
	ck_assert_int_eq(ps.closes, 1);
	sip_evt_node_subscriber_free(node, s);
	/* the publisher goes with the node */
	sip_evt_node_free(node);
	fake_reset(&f);
}
END_TEST

TCase *tcase_evtstack(void);
TCase *tcase_evtstack(void)
{
	TCase *tc = tcase_create("evtstack");

	tcase_add_test(tc, test_evtstack_subscribe);
	tcase_add_test(tc, test_evtstack_notify_timeout);
	tcase_add_test(tc, test_evtstack_free_inflight);
	tcase_add_test(tc, test_evtstack_publish);
	tcase_add_test(tc, test_evtstack_client);
	tcase_add_test(tc, test_evtstack_contact_host);
	return tc;
}
