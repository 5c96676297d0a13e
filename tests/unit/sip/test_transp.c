/*
 * test_transp.c: real loopback exchanges between two stacks on one
 * event_base: UDP and TCP over 127.0.0.1 and ::1 (ephemeral ports read
 * back with sip_stack_laddr), TLS with a key and certificate made at run
 * time (SEC-3, SEC-4), RFC 5626 flow reuse (the NOTIFY goes back over
 * the subscriber's connection, whatever its Contact says) and CRLF
 * keep-alive pong, framing errors and the Content-Length cap closing the
 * connection (SEC-19), idle timeout, max connections.  Every loop is
 * bounded by a timer.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

/* Bound on any single wait. */
#define WAIT_MS 5000

struct node {
	struct sip_stack *st;
	int reqs;
	struct sip_flow flow;
	struct sip_peer src;
	char via[256];
	int closed;
	int close_err;
};

struct waiter {
	struct event_base *base;
	int n;
	int err;
	uint16_t scode;
};

static void node_req_h(struct sip_strans *t, const struct sip_msg *req,
		       void *arg)
{
	struct node *n = arg;
	const struct sip_hdr *v = sip_msg_hdr(req, SIP_HDR_VIA, NULL);

	n->reqs++;
	sip_strans_flow(t, &n->flow);
	n->src = *sip_strans_peer(t);
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(sip_pl_strcpy(&v->val, n->via, sizeof(n->via)), 0);
	ck_assert_int_eq(sip_reply_status(t, 200, NULL), 0);
}

static void node_flow_h(const struct sip_flow *fl, int err, void *arg)
{
	struct node *n = arg;

	ck_assert(sip_transp_reliable(fl->tp));
	n->closed++;
	n->close_err = err;
}

static void resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		   void *arg)
{
	struct waiter *w = arg;

	(void)resp;
	w->n++;
	w->err = err;
	w->scode = scode;
	if (scode >= 200)
		event_base_loopbreak(w->base);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* Run the loop until something breaks it or ms pass. */
static void run(struct event_base *base, unsigned ms)
{
	struct event *ev = evtimer_new(base, stop_cb, base);
	struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

	ck_assert_ptr_nonnull(ev);
	evtimer_add(ev, &tv);
	event_base_dispatch(base);
	event_free(ev);
}

static void node_init(struct node *n, struct event_base *base,
		      struct sip_stack_conf *c)
{
	struct sip_stack_conf def;

	memset(n, 0, sizeof(*n));
	if (!c) {
		sip_stack_conf_init(&def);
		c = &def;
	}
	c->user_agent = "locd-test";
	c->flow_h = node_flow_h;
	c->flow_arg = n;
	ck_assert_int_eq(sip_stack_alloc(&n->st, base, c), 0);
	ck_assert_int_eq(sip_stack_handler_add(n->st, "NOTIFY", node_req_h,
					       n), 0);
	ck_assert_int_eq(sip_stack_handler_add(n->st, "SUBSCRIBE",
					       node_req_h, n), 0);
}

static void desc(struct sip_req_desc *rd, const char *method,
		 const char *ruri)
{
	static const struct sip_hdr_out ev[] = {
		{SIP_HDR_EVENT, NULL, {"presence", 8}},
	};

	memset(rd, 0, sizeof(*rd));
	rd->method = method;
	rd->ruri = ruri;
	rd->from = "<sip:a@example.com>;tag=1";
	rd->to = "<sip:b@example.com>";
	rd->callid = "loop-1";
	rd->cseq = 1;
	rd->hdrv = ev;
	rd->hdrc = 1;
}

/* "sip:x@HOST:PORT;transport=tp" for listener tp/af of st. */
static void target(const struct node *n, enum sip_transp tp, int af,
		   char *buf, size_t sz)
{
	struct sip_sa sa;
	char hp[SIP_SA_STRMAX];

	ck_assert_int_eq(sip_stack_laddr(n->st, tp, af, &sa), 0);
	ck_assert_uint_ne(sip_sa_port(&sa), 0);
	ck_assert_int_eq(sip_sa_print(&sa, hp, sizeof(hp)), 0);
	snprintf(buf, sz, "%s:x@%s%s", tp == SIP_TRANSP_TLS ? "sips" : "sip",
		 hp, tp == SIP_TRANSP_TCP ? ";transport=tcp" : "");
}

/* One request client -> server over tp/af; 0 or skip (EAFNOSUPPORT). */
static int exchange(enum sip_transp tp, const char *host)
{
	struct event_base *base = event_base_new();
	struct node srv, cli;
	struct waiter w = {0};
	struct sip_req_desc rd;
	char spec[64], ruri[128];
	int af = strchr(host, ':') ? AF_INET6 : AF_INET;
	int err;

	ck_assert_ptr_nonnull(base);
	w.base = base;
	node_init(&srv, base, NULL);
	node_init(&cli, base, NULL);
	snprintf(spec, sizeof(spec), "%s:%s%s%s:0",
		 tp == SIP_TRANSP_UDP ? "udp" : "tcp",
		 af == AF_INET6 ? "[" : "", host, af == AF_INET6 ? "]" : "");
	err = sip_stack_listen(srv.st, spec);
	if (err) {
		fprintf(stderr, "test_transp: %s: skipped (error %d)\n", spec,
			err);
		goto out;
	}
	ck_assert_int_eq(sip_stack_listen(cli.st, spec), 0);
	target(&srv, tp, af, ruri, sizeof(ruri));
	desc(&rd, "SUBSCRIBE", ruri);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_int_eq(w.err, 0);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(srv.reqs, 1);
	ck_assert_int_eq(srv.src.tp, tp);
	ck_assert_int_eq(sip_sa_af(&srv.src.sa), af);
	/* the request carried rport (RFC 3581) */
	ck_assert_ptr_nonnull(strstr(srv.via, ";rport"));
	if (tp == SIP_TRANSP_TCP) {
		/* RFC 5626 flow reuse: NOTIFY back over the subscriber's
		 * connection although its address is unreachable */
		struct sip_stack_stats s;
		w.n = 0;
		desc(&rd, "NOTIFY", "sip:cli@192.0.2.1:5060");
		rd.flow = &srv.flow;
		ck_assert(sip_flow_alive(srv.st, &srv.flow));
		ck_assert_int_eq(sip_request_send(srv.st, &rd, resp_h, &w,
						  NULL), 0);
		run(base, WAIT_MS);
		ck_assert_int_eq(w.n, 1);
		ck_assert_uint_eq(w.scode, 200);
		ck_assert_int_eq(cli.reqs, 1);
		ck_assert_int_eq(cli.src.tp, SIP_TRANSP_TCP);
		sip_stack_stats_get(srv.st, &s);
		ck_assert_uint_eq(s.conns, 1);
		sip_stack_stats_get(cli.st, &s);
		ck_assert_uint_eq(s.conns, 1);
		/* a new request to the same peer reuses the connection */
		w.n = 0;
		desc(&rd, "SUBSCRIBE", ruri);
		ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w,
						  NULL), 0);
		run(base, WAIT_MS);
		ck_assert_uint_eq(w.scode, 200);
		ck_assert_int_eq(srv.reqs, 2);
		sip_stack_stats_get(srv.st, &s);
		ck_assert_uint_eq(s.conns, 1);
		sip_stack_stats_get(cli.st, &s);
		ck_assert_uint_eq(s.conns, 1);
	}
out:
	sip_stack_free(cli.st);
	sip_stack_free(srv.st);
	event_base_free(base);
	return err;
}

START_TEST(loop_udp_v4)
{
	ck_assert_int_eq(exchange(SIP_TRANSP_UDP, "127.0.0.1"), 0);
}
END_TEST

START_TEST(loop_tcp_v4)
{
	ck_assert_int_eq(exchange(SIP_TRANSP_TCP, "127.0.0.1"), 0);
}
END_TEST

START_TEST(loop_udp_v6)
{
	int err = exchange(SIP_TRANSP_UDP, "::1");
	ck_assert(err == 0 || err == EADDRNOTAVAIL || err == EAFNOSUPPORT);
}
END_TEST

START_TEST(loop_tcp_v6)
{
	int err = exchange(SIP_TRANSP_TCP, "::1");
	ck_assert(err == 0 || err == EADDRNOTAVAIL || err == EAFNOSUPPORT);
}
END_TEST

/*
 * Wildcard listeners: flows and Via name the real local address. Returns
 * the status code of the response the client got (asserted 200 here).
 */
static unsigned wildcard(enum sip_transp tp)
{
	struct event_base *base = event_base_new();
	struct node srv, cli;
	struct waiter w = {0};
	struct sip_req_desc rd;
	struct sip_sa sa;
	char ruri[128], host[SIP_SA_STRMAX], spec[32];
	const char *p = tp == SIP_TRANSP_UDP ? "udp" : "tcp";

	w.base = base;
	node_init(&srv, base, NULL);
	node_init(&cli, base, NULL);
	snprintf(spec, sizeof(spec), "%s:0.0.0.0:0", p);
	ck_assert_int_eq(sip_stack_listen(srv.st, spec), 0);
	ck_assert_int_eq(sip_stack_listen(cli.st, spec), 0);
	ck_assert_int_eq(sip_stack_laddr(srv.st, tp, AF_INET, &sa), 0);
	snprintf(ruri, sizeof(ruri), "sip:x@127.0.0.1:%u%s",
		 (unsigned)sip_sa_port(&sa),
		 tp == SIP_TRANSP_TCP ? ";transport=tcp" : "");
	desc(&rd, "SUBSCRIBE", ruri);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(sip_sa_host(&srv.flow.local, host, sizeof(host)), 0);
	ck_assert_str_eq(host, "127.0.0.1");
	ck_assert_uint_eq(sip_sa_port(&srv.flow.local), sip_sa_port(&sa));
	ck_assert_ptr_nonnull(strstr(srv.via, " 127.0.0.1:"));
	sip_stack_free(cli.st);
	sip_stack_free(srv.st);
	event_base_free(base);
	return w.scode;
}

START_TEST(loop_wildcard)
{
	ck_assert_uint_eq(wildcard(SIP_TRANSP_UDP), 200);
	ck_assert_uint_eq(wildcard(SIP_TRANSP_TCP), 200);
}
END_TEST

START_TEST(tcp_refused_503)
{
	/* §8.1.3.1: a connection that cannot be made is a 503 */
	struct event_base *base = event_base_new();
	struct sip_req_desc rd;
	struct waiter w = {0};
	struct node cli, tmp;
	struct sip_sa sa;
	char ruri[128];

	w.base = base;
	/* a port that was just free: listen, read it back, close */
	node_init(&tmp, base, NULL);
	ck_assert_int_eq(sip_stack_listen(tmp.st, "tcp:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_laddr(tmp.st, SIP_TRANSP_TCP, AF_INET,
					 &sa), 0);
	sip_stack_free(tmp.st);
	snprintf(ruri, sizeof(ruri), "sip:x@127.0.0.1:%u;transport=tcp",
		 (unsigned)sip_sa_port(&sa));
	node_init(&cli, base, NULL);
	desc(&rd, "SUBSCRIBE", ruri);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_int_ne(w.err, 0);
	ck_assert_uint_eq(w.scode, 503);
	ck_assert_int_eq(cli.closed, 1);
	sip_stack_free(cli.st);
	event_base_free(base);
}
END_TEST

START_TEST(dns_localhost)
{
	/* a name as target: resolved (A/AAAA, /etc/hosts) then sent */
	struct event_base *base = event_base_new();
	struct sip_req_desc rd;
	struct waiter w = {0};
	struct node srv, cli;
	struct sip_sa sa;
	struct sip_ctrans *ct = NULL;
	char ruri[128];

	w.base = base;
	node_init(&srv, base, NULL);
	node_init(&cli, base, NULL);
	ck_assert_int_eq(sip_stack_listen(srv.st, "udp:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tcp:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_listen(cli.st, "udp:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_laddr(srv.st, SIP_TRANSP_UDP, AF_INET,
					 &sa), 0);
	snprintf(ruri, sizeof(ruri), "sip:x@localhost:%u",
		 (unsigned)sip_sa_port(&sa));
	desc(&rd, "SUBSCRIBE", ruri);
	rd.contact_user = "cli";
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(srv.src.tp, SIP_TRANSP_UDP);
	ck_assert_ptr_nonnull(strstr(srv.via, "SIP/2.0/UDP 127.0.0.1:"));
	/* over TCP too */
	ck_assert_int_eq(sip_stack_laddr(srv.st, SIP_TRANSP_TCP, AF_INET,
					 &sa), 0);
	snprintf(ruri, sizeof(ruri), "sip:x@localhost:%u;transport=tcp",
		 (unsigned)sip_sa_port(&sa));
	desc(&rd, "SUBSCRIBE", ruri);
	rd.cseq = 2; /* else a merged request (§8.2.2.2): 482 */
	w.n = 0;
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(srv.src.tp, SIP_TRANSP_TCP);
	/* a lookup still running when the transaction is cancelled and
	 * the stack freed: nothing reported, nothing leaked */
	desc(&rd, "SUBSCRIBE", "sip:x@unresolvable.invalid");
	w.n = 0;
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, &ct), 0);
	sip_ctrans_cancel(ct);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	sip_stack_free(cli.st);
	run(base, 50);
	ck_assert_int_eq(w.n, 0);
	sip_stack_free(srv.st);
	event_base_free(base);
}
END_TEST

START_TEST(sa_helpers)
{
	struct sip_sa a, b;
	char buf[SIP_SA_STRMAX];

	ck_assert_int_eq(sip_sa_set(&a, "192.0.2.1", 5060), 0);
	ck_assert_int_eq(sip_sa_print(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "192.0.2.1:5060");
	ck_assert_int_eq(sip_sa_set(&b, "[2001:db8::1]", 5061), 0);
	ck_assert_int_eq(sip_sa_af(&b), AF_INET6);
	ck_assert_int_eq(sip_sa_print(&b, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[2001:db8::1]:5061");
	ck_assert_int_eq(sip_sa_host(&b, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2001:db8::1");
	ck_assert_int_eq(sip_sa_host(&b, buf, 4), EOVERFLOW);
	ck_assert(!sip_sa_eq(&a, &b));
	ck_assert_int_eq(sip_sa_set(&b, "192.0.2.1", 5060), 0);
	ck_assert(sip_sa_eq(&a, &b));
	ck_assert_int_eq(sip_sa_set(&b, "192.0.2.1", 5062), 0);
	ck_assert(!sip_sa_eq(&a, &b));
	ck_assert_int_eq(sip_sa_set(&b, "example.com", 5060), EINVAL);
	ck_assert_int_eq(sip_sa_set(&b, "1.2.3.4.5", 5060), EINVAL);
	ck_assert_int_eq(sip_sa_set(NULL, "1.2.3.4", 1), EINVAL);
}
END_TEST

START_TEST(flow_token)
{
	/* RFC 5626 flow token kept with a dialog: round trip */
	struct sip_flow a, b;
	char tok[SIP_FLOW_TOKEN_MAX];

	memset(&a, 0, sizeof(a));
	a.tp = SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&a.local, "192.0.2.5", 5060), 0);
	ck_assert_int_eq(sip_sa_set(&a.peer, "2001:db8::7", 40000), 0);
	ck_assert_int_eq(sip_flow_token_print(&a, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, "UDP;192.0.2.5:5060;[2001:db8::7]:40000;0");
	ck_assert_int_eq(sip_flow_token_parse(&b, tok), 0);
	ck_assert_int_eq(b.tp, SIP_TRANSP_UDP);
	ck_assert(sip_sa_eq(&a.local, &b.local));
	ck_assert(sip_sa_eq(&a.peer, &b.peer));
	ck_assert_uint_eq(b.conn_id, 0);
	a.tp = SIP_TRANSP_TLS;
	a.conn_id = 1234567890123ull;
	memset(&a.local, 0, sizeof(a.local));
	ck_assert_int_eq(sip_flow_token_print(&a, tok, sizeof(tok)), 0);
	ck_assert_str_eq(tok, "TLS;-;[2001:db8::7]:40000;1234567890123");
	ck_assert_int_eq(sip_flow_token_parse(&b, tok), 0);
	ck_assert_int_eq(b.tp, SIP_TRANSP_TLS);
	ck_assert_uint_eq(b.local.len, 0);
	ck_assert_uint_eq(b.conn_id, 1234567890123ull);
	ck_assert_int_eq(sip_flow_token_print(&a, tok, 10), EOVERFLOW);
	ck_assert_int_eq(sip_flow_token_parse(&b, "SCTP;-;1.2.3.4:5;0"),
			 EINVAL);
	ck_assert_int_eq(sip_flow_token_parse(&b, "UDP;-;1.2.3.4:5"), EINVAL);
	ck_assert_int_eq(sip_flow_token_parse(&b, "UDP;-;1.2.3.4:5;0;1"),
			 EINVAL);
	ck_assert_int_eq(sip_flow_token_parse(&b, "UDP;-;host:5;0"), EINVAL);
	ck_assert_int_eq(sip_flow_token_parse(&b, "UDP;-;1.2.3.4:5;x"),
			 EINVAL);
}
END_TEST

START_TEST(listen_bad_spec)
{
	struct event_base *base = event_base_new();
	struct node n;

	node_init(&n, base, NULL);
	ck_assert_int_eq(sip_stack_listen(n.st, "sctp:127.0.0.1:0"), EINVAL);
	ck_assert_int_eq(sip_stack_listen(n.st, "udp:localhost:0"), EINVAL);
	ck_assert_int_eq(sip_stack_listen(n.st, "udp:127.0.0.1:99999"),
			 EINVAL);
	ck_assert_int_eq(sip_stack_listen(n.st, "udp:[::1:0"), EINVAL);
	/* no certificate configured */
	ck_assert_int_eq(sip_stack_listen(n.st, "tls:127.0.0.1:0"), EPROTO);
	sip_stack_free(n.st);
	event_base_free(base);
}
END_TEST

/* ---- raw TCP peers ---- */

struct raw {
	int fd;
	char buf[256];
	size_t len;
	bool eof;
	struct event_base *base;
};

static void raw_cb(evutil_socket_t fd, short what, void *arg)
{
	struct raw *r = arg;
	ssize_t n;

	(void)what;
	n = read(fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
	if (n > 0)
		r->len += (size_t)n;
	else if (n == 0 || (errno != EAGAIN && errno != EINTR))
		r->eof = true;
	r->buf[r->len] = '\0';
	event_base_loopbreak(r->base);
}

static void raw_connect(struct raw *r, struct event_base *base,
			const struct sip_sa *sa)
{
	memset(r, 0, sizeof(*r));
	r->base = base;
	r->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(r->fd, 0);
	ck_assert_int_eq(connect(r->fd, &sa->u.sa, sa->len), 0);
	ck_assert_int_eq(fcntl(r->fd, F_SETFL, O_NONBLOCK), 0);
}

/* Send txt, then run the loop until the peer answers or closes. */
static void raw_talk(struct raw *r, const char *txt)
{
	struct event *ev = event_new(r->base, r->fd, EV_READ, raw_cb, r);

	ck_assert_int_eq(write(r->fd, txt, strlen(txt)), (ssize_t)strlen(txt));
	event_add(ev, NULL);
	run(r->base, WAIT_MS);
	event_free(ev);
}

START_TEST(tcp_ping_and_caps)
{
	struct event_base *base = event_base_new();
	struct sip_stack_stats s;
	struct sip_sa sa;
	struct node srv;
	struct raw r;

	node_init(&srv, base, NULL);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tcp:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_laddr(srv.st, SIP_TRANSP_TCP, AF_INET, &sa),
			 0);
	/* RFC 5626 §4.4.1: CRLFCRLF ping -> CRLF pong */
	raw_connect(&r, base, &sa);
	raw_talk(&r, "\r\n\r\n");
	ck_assert_uint_eq(r.len, 2);
	ck_assert_str_eq(r.buf, "\r\n");
	ck_assert(!r.eof);
	/* framing error (bad Content-Length): closed */
	raw_talk(&r, "OPTIONS sip:x@127.0.0.1 SIP/2.0\r\n"
		     "Content-Length: abc\r\n\r\n");
	ck_assert(r.eof);
	close(r.fd);
	/* SEC-19: Content-Length over the cap: closed before the body */
	raw_connect(&r, base, &sa);
	raw_talk(&r, "NOTIFY sip:x@127.0.0.1 SIP/2.0\r\n"
		     "Content-Length: 10000000\r\n\r\n");
	ck_assert(r.eof);
	close(r.fd);
	run(base, 50);
	sip_stack_stats_get(srv.st, &s);
	ck_assert_uint_eq(s.rx_bad, 2);
	ck_assert_uint_eq(s.conns, 0);
	ck_assert_int_eq(srv.closed, 2);
	sip_stack_free(srv.st);
	event_base_free(base);
}
END_TEST

START_TEST(tcp_idle_and_max_conns)
{
	struct event_base *base = event_base_new();
	struct sip_stack_conf c;
	struct sip_req_desc rd;
	struct waiter w = {0};
	struct node srv, cli;
	struct sip_sa sa;
	struct raw r;
	char ruri[128];

	w.base = base;
	sip_stack_conf_init(&c);
	c.idle_ms = 200;
	c.max_conns = 1;
	node_init(&srv, base, &c);
	node_init(&cli, base, NULL);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tcp:127.0.0.1:0"), 0);
	target(&srv, SIP_TRANSP_TCP, AF_INET, ruri, sizeof(ruri));
	desc(&rd, "SUBSCRIBE", ruri);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_uint_eq(w.scode, 200);
	/* a second connection is over max_conns: closed at once */
	ck_assert_int_eq(sip_stack_laddr(srv.st, SIP_TRANSP_TCP, AF_INET, &sa),
			 0);
	raw_connect(&r, base, &sa);
	raw_talk(&r, "\r\n\r\n");
	ck_assert(r.eof);
	close(r.fd);
	/* idle: the server closes the subscriber's connection */
	run(base, 600);
	ck_assert_int_eq(srv.closed, 1);
	ck_assert_int_eq(srv.close_err, 0);
	ck_assert(!sip_flow_alive(srv.st, &srv.flow));
	desc(&rd, "NOTIFY", "sip:cli@192.0.2.1");
	rd.flow = &srv.flow;
	ck_assert_int_eq(sip_request_send(srv.st, &rd, resp_h, &w, NULL),
			 ENOTCONN);
	sip_stack_free(cli.st);
	sip_stack_free(srv.st);
	event_base_free(base);
}
END_TEST

/* ---- TLS ---- */

/* Self-signed P-256 certificate with subjectAltName san into
 * dir/{key,cert}.pem. */
static void make_cert_san(const char *dir, char *key, char *crt, size_t sz,
			  const char *san)
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *nm;
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	FILE *f;

	ck_assert_ptr_nonnull(pk);
	ck_assert_ptr_nonnull(x);
	snprintf(key, sz, "%s/key.pem", dir);
	snprintf(crt, sz, "%s/cert.pem", dir);
	ck_assert_int_eq(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	ck_assert_int_eq(X509_set_pubkey(x, pk), 1);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
				   (const unsigned char *)"locd-test", -1, -1,
				   0);
	ck_assert_int_eq(X509_set_issuer_name(x, nm), 1);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name, san);
	ck_assert_ptr_nonnull(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints,
				  "critical,CA:TRUE");
	ck_assert_ptr_nonnull(ext);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ck_assert_int_gt(X509_sign(x, pk, EVP_sha256()), 0);
	f = fopen(key, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL,
					      NULL), 1);
	fclose(f);
	f = fopen(crt, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(PEM_write_X509(f, x), 1);
	fclose(f);
	X509_free(x);
	EVP_PKEY_free(pk);
}

static void make_cert(const char *dir, char *key, char *crt, size_t sz)
{
	make_cert_san(dir, key, crt, sz, "IP:127.0.0.1");
}

START_TEST(loop_tls)
{
	struct event_base *base = event_base_new();
	struct sip_stack_conf sc, cc;
	struct sip_req_desc rd;
	struct waiter w = {0};
	struct node srv, cli, bad;
	char dir[] = "/tmp/locd-tls-XXXXXX", key[128], crt[128], ruri[128];

	w.base = base;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	make_cert(dir, key, crt, sizeof(key));
	sip_stack_conf_init(&sc);
	sc.tls_cert = crt;
	sc.tls_key = key;
	node_init(&srv, base, &sc);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tls:127.0.0.1:0"), 0);
	/* client verifies the server against the CA (its own cert) */
	sip_stack_conf_init(&cc);
	cc.tls_ca = crt;
	cc.tls_verify_peer = true;
	node_init(&cli, base, &cc);
	target(&srv, SIP_TRANSP_TLS, AF_INET, ruri, sizeof(ruri));
	desc(&rd, "SUBSCRIBE", ruri);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(srv.reqs, 1);
	ck_assert_int_eq(srv.src.tp, SIP_TRANSP_TLS);
	ck_assert_ptr_nonnull(strstr(srv.via, "SIP/2.0/TLS "));
	/* a client that trusts another CA fails the handshake: 503 */
	sip_stack_conf_init(&cc);
	cc.tls_ca = "/nonexistent/ca.pem";
	cc.tls_verify_peer = true;
	memset(&bad, 0, sizeof(bad));
	ck_assert_int_eq(sip_stack_alloc(&bad.st, base, &cc), EPROTO);
	sip_stack_conf_init(&cc);
	cc.tls_ca = "/etc/ssl/certs/ca-certificates.crt";
	cc.tls_verify_peer = true;
	if (access(cc.tls_ca, R_OK) == 0) {
		node_init(&bad, base, &cc);
		w.n = 0;
		ck_assert_int_eq(sip_request_send(bad.st, &rd, resp_h, &w,
						  NULL), 0);
		run(base, WAIT_MS);
		ck_assert_int_eq(w.n, 1);
		ck_assert_uint_eq(w.scode, 503);
		ck_assert_int_eq(srv.reqs, 1);
		sip_stack_free(bad.st);
	}
	sip_stack_free(cli.st);
	sip_stack_free(srv.st);
	event_base_free(base);
	unlink(key);
	unlink(crt);
	rmdir(dir);
}
END_TEST

START_TEST(loop_tls_client_cert)
{
	/* optional client-certificate verification: required here */
	struct event_base *base = event_base_new();
	struct sip_stack_conf sc, cc;
	struct sip_req_desc rd;
	struct waiter w = {0};
	struct node srv, anon, known;
	char dir[] = "/tmp/locd-tls-XXXXXX", key[128], crt[128], ruri[128];

	w.base = base;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	make_cert(dir, key, crt, sizeof(key));
	sip_stack_conf_init(&sc);
	sc.tls_cert = crt;
	sc.tls_key = key;
	sc.tls_ca = crt;
	sc.tls_verify_peer = true;
	node_init(&srv, base, &sc);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tls:127.0.0.1:0"), 0);
	target(&srv, SIP_TRANSP_TLS, AF_INET, ruri, sizeof(ruri));
	desc(&rd, "SUBSCRIBE", ruri);
	/* no client certificate: refused, reported as 503 */
	sip_stack_conf_init(&cc);
	cc.tls_ca = crt;
	cc.tls_verify_peer = true;
	node_init(&anon, base, &cc);
	ck_assert_int_eq(sip_request_send(anon.st, &rd, resp_h, &w, NULL),
			 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 503);
	ck_assert_int_eq(srv.reqs, 0);
	/* with a certificate the server trusts: 200 */
	cc.tls_cert = crt;
	cc.tls_key = key;
	node_init(&known, base, &cc);
	w.n = 0;
	ck_assert_int_eq(sip_request_send(known.st, &rd, resp_h, &w, NULL),
			 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(srv.reqs, 1);
	sip_stack_free(known.st);
	sip_stack_free(anon.st);
	sip_stack_free(srv.st);
	/* optional: a client without a certificate is let in */
	sc.tls_verify_peer = false;
	sc.tls_client = SIP_TLS_CLIENT_OPTIONAL;
	node_init(&srv, base, &sc);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tls:127.0.0.1:0"), 0);
	target(&srv, SIP_TRANSP_TLS, AF_INET, ruri, sizeof(ruri));
	desc(&rd, "SUBSCRIBE", ruri);
	cc.tls_cert = NULL;
	cc.tls_key = NULL;
	node_init(&anon, base, &cc);
	w.n = 0;
	ck_assert_int_eq(sip_request_send(anon.st, &rd, resp_h, &w, NULL),
			 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 200);
	sip_stack_free(anon.st);
	sip_stack_free(srv.st);
	/* asking for client certificates needs a CA */
	sc.tls_ca = NULL;
	ck_assert_int_eq(sip_stack_alloc(&srv.st, base, &sc), EINVAL);
	event_base_free(base);
	unlink(key);
	unlink(crt);
	rmdir(dir);
}
END_TEST

START_TEST(loop_tls_name)
{
	/* sips:name: SNI and the certificate checked against the name */
	struct event_base *base = event_base_new();
	struct sip_stack_conf sc, cc;
	struct sip_req_desc rd;
	struct waiter w = {0};
	struct node srv, cli;
	struct sip_sa sa;
	char dir[] = "/tmp/locd-tls-XXXXXX", key[128], crt[128], ruri[128];

	w.base = base;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	make_cert_san(dir, key, crt, sizeof(key), "DNS:localhost");
	sip_stack_conf_init(&sc);
	sc.tls_cert = crt;
	sc.tls_key = key;
	node_init(&srv, base, &sc);
	ck_assert_int_eq(sip_stack_listen(srv.st, "tls:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_laddr(srv.st, SIP_TRANSP_TLS, AF_INET,
					 &sa), 0);
	sip_stack_conf_init(&cc);
	cc.tls_ca = crt;
	cc.tls_verify_peer = true;
	node_init(&cli, base, &cc);
	snprintf(ruri, sizeof(ruri), "sips:x@localhost:%u",
		 (unsigned)sip_sa_port(&sa));
	desc(&rd, "SUBSCRIBE", ruri);
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 200);
	ck_assert_int_eq(srv.reqs, 1);
	sip_stack_free(cli.st);
	/* by address, the same certificate (no IP in it) fails: 503 */
	node_init(&cli, base, &cc);
	snprintf(ruri, sizeof(ruri), "sips:x@127.0.0.1:%u",
		 (unsigned)sip_sa_port(&sa));
	desc(&rd, "SUBSCRIBE", ruri);
	w.n = 0;
	ck_assert_int_eq(sip_request_send(cli.st, &rd, resp_h, &w, NULL), 0);
	run(base, WAIT_MS);
	ck_assert_int_eq(w.n, 1);
	ck_assert_uint_eq(w.scode, 503);
	ck_assert_int_eq(srv.reqs, 1);
	sip_stack_free(cli.st);
	sip_stack_free(srv.st);
	event_base_free(base);
	unlink(key);
	unlink(crt);
	rmdir(dir);
}
END_TEST

TCase *tcase_transp(void);
TCase *tcase_transp(void)
{
	TCase *tc = tcase_create("transp");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, loop_udp_v4);
	tcase_add_test(tc, loop_tcp_v4);
	tcase_add_test(tc, loop_udp_v6);
	tcase_add_test(tc, loop_tcp_v6);
	tcase_add_test(tc, loop_wildcard);
	tcase_add_test(tc, listen_bad_spec);
	tcase_add_test(tc, tcp_refused_503);
	tcase_add_test(tc, dns_localhost);
	tcase_add_test(tc, sa_helpers);
	tcase_add_test(tc, flow_token);
	tcase_add_test(tc, tcp_ping_and_caps);
	tcase_add_test(tc, tcp_idle_and_max_conns);
	tcase_add_test(tc, loop_tls);
	tcase_add_test(tc, loop_tls_client_cert);
	tcase_add_test(tc, loop_tls_name);
	return tc;
}
