/*
 * live.c: locreplay's live mode (live.h).  One fix in flight at a time;
 * a timer paces the fixes; two sinks: SIP PUBLISH (sip/sip_event.h's
 * publisher wired to a struct sip_stack here, so the Warning of a
 * refusal is visible) and OsmAnd HTTP GET (libevent's evhttp client).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include "pidf/pidf.h"
#include "tools/locreplay/sim.h"
#include "sip/sip.h"
#include "sip/sip_event.h"
#include "sip/sip_stack.h"
#include "tools/locreplay/live.h"

#define URI_MAX 512
#define WARN_MAX 256
#define QUERY_MAX 1024
#define HTTP_TIMEOUT_S 10
#define KNOT_MPS (1852.0 / 3600.0)
#define CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct live {
	const struct rp_live_opts *o;
	struct event_base *base;
	struct event *next_ev;
	struct geo_fix *fixes;
	size_t n;
	size_t next;          /* index of the next fix to send */
	size_t cur;           /* index of the fix in flight */
	bool in_flight, due, done;
	bool answered;        /* the last request got a response */
	int rc;
	/* publish */
	struct sip_stack *st;
	struct sip_publisher *pub;
	struct sip_ctrans *ct;
	struct sip_timer timer;
	struct pidf_builder *pb;
	char aor[URI_MAX], pres[URI_MAX], route[URI_MAX + 8];
	char reason[64], warning[WARN_MAX];
	/* http */
	struct evhttp_connection *conn;
	char host[256], path[URI_MAX], device[128];
	int port;
};

static double wall_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static void finish(struct live *l, int rc)
{
	if (l->done)
		return;
	l->done = true;
	l->rc = rc;
	event_base_loopbreak(l->base);
}

/* Seconds to wait after fix i before fix i + 1 (live.h: timing). */
static double wait_after(const struct live *l, size_t i)
{
	const struct geo_fix *a = &l->fixes[i], *b = &l->fixes[i + 1];
	double gap = 1.0, w;

	if (a->has_time && b->has_time && b->time > a->time)
		gap = b->time - a->time;
	w = gap / l->o->speed;
	return w > l->o->max_gap ? l->o->max_gap : w;
}

static int send_fix(struct live *l, size_t i);

static void send_next(struct live *l)
{
	size_t i = l->next;
	int err;

	l->due = false;
	err = send_fix(l, i);
	if (err == EBUSY) {
		l->due = true; /* sent when the refresh is answered */
		return;
	}
	if (err)
		return; /* finish() was called */
	l->cur = i;
	l->next = i + 1;
	l->in_flight = true;
	if (l->next < l->n) {
		double w = wait_after(l, i);
		struct timeval tv;

		tv.tv_sec = (time_t)w;
		tv.tv_usec = (suseconds_t)((w - (double)tv.tv_sec) * 1e6);
		if (evtimer_add(l->next_ev, &tv)) {
			fprintf(stderr, "locreplay: timer failed\n");
			finish(l, 3);
		}
	}
}

static void next_cb(evutil_socket_t fd, short what, void *arg)
{
	struct live *l = arg;

	(void)fd;
	(void)what;
	if (l->in_flight)
		l->due = true; /* sent once the fix in flight is answered */
	else
		send_next(l);
}

/* A fix was answered: status (0: no answer) and why. */
static void fix_done(struct live *l, unsigned status, const char *why)
{
	const struct geo_fix *f = &l->fixes[l->cur];
	char tbuf[40] = "-";

	l->in_flight = false;
	if (l->o->verbose) {
		if (f->has_time &&
		    pidf_time_format(f->time, tbuf, sizeof(tbuf)) != 0)
			snprintf(tbuf, sizeof(tbuf), "?");
		fprintf(stderr, "locreplay: fix %zu/%zu %s %.7f,%.7f -> %u%s%s"
				"\n", l->cur + 1, l->n, tbuf, f->pt.lat,
			f->pt.lon, status, why && *why ? " " : "",
			why ? why : "");
	}
	if (!l->answered) {
		fprintf(stderr, "locreplay: fix %zu (line %u): no answer from "
				"%s (%s)\n", l->cur + 1, f->line, l->o->to,
			why && *why ? why : "?");
		finish(l, 1);
		return;
	}
	if (status < 200 || status >= 300) {
		fprintf(stderr, "locreplay: fix %zu (line %u) refused by %s: "
				"%u %s\n", l->cur + 1, f->line, l->o->to,
			status, why && *why ? why : "");
		finish(l, 1);
		return;
	}
	if (l->next >= l->n)
		finish(l, 0);
	else if (l->due)
		send_next(l);
}

/* ------------------------------------------------------------------ */
/* SIP PUBLISH                                                         */

static void copy_clean(char *buf, size_t sz, const struct sip_pl *pl)
{
	size_t i, n = 0;

	for (i = 0; pl->p && i < pl->l && n + 1 < sz; i++) {
		unsigned char ch = (unsigned char)pl->p[i];
		buf[n++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[n] = '\0';
}

static void pub_timer_h(void *arg);

static void pub_rearm(struct live *l)
{
	uint64_t due = sip_publisher_next_due(l->pub);
	uint64_t now = sip_stack_now(l->st);

	if (due == UINT64_MAX) {
		sip_timer_cancel(&l->timer);
		return;
	}
	if (sip_timer_start(l->st, &l->timer, due > now ? due - now : 0,
			    pub_timer_h, l))
		sip_timer_cancel(&l->timer);
}

static void pub_timer_h(void *arg)
{
	struct live *l = arg;

	sip_publisher_tick(l->pub, sip_stack_now(l->st));
	pub_rearm(l);
}

static void pub_resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		       void *arg)
{
	struct live *l = arg;
	const struct sip_hdr *w;
	struct sip_pl t;
	size_t q;

	if (!err && scode < 200)
		return;
	l->ct = NULL;
	l->reason[0] = l->warning[0] = '\0';
	l->answered = resp != NULL;
	if (resp) {
		copy_clean(l->reason, sizeof(l->reason), &resp->reason);
		w = sip_msg_hdr(resp, SIP_HDR_WARNING, NULL);
		if (w) {
			t = w->val; /* 399 host "text": keep the text */
			q = sip_pl_chr(&t, '"');
			if (q < t.l) {
				t.p += q + 1;
				t.l -= q + 1;
				if (t.l && t.p[t.l - 1] == '"')
					t.l--;
			}
			copy_clean(l->warning, sizeof(l->warning), &t);
		}
	} else {
		snprintf(l->reason, sizeof(l->reason), "%s",
			 err == ETIMEDOUT ? "timeout" : strerror(err));
	}
	sip_publisher_response(l->pub, err, scode, resp, sip_stack_now(l->st));
	pub_rearm(l);
}

static int pub_send_h(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	struct live *l = arg;

	(void)ctx;
	if (l->ct)
		return EBUSY;
	return sip_request_send(l->st, rd, pub_resp_h, l, &l->ct);
}

static int pub_reply_h(void *txn, const struct sip_reply_desc *rd,
		       void *arg)
{
	(void)arg;
	return sip_reply(txn, rd);
}

static void pub_result_h(struct sip_publisher *p, uint16_t scode,
			 const char *etag, void *arg)
{
	struct live *l = arg;
	char why[WARN_MAX + 80];

	(void)p;
	if (!l->in_flight) {
		/* a refresh between fixes */
		if (scode >= 300) {
			fprintf(stderr, "locreplay: refreshing the "
					"publication: %u %s\n",
				(unsigned)scode, l->reason);
			finish(l, 1);
		} else if (l->due) {
			send_next(l);
		}
		return;
	}
	if (scode >= 200 && scode < 300)
		snprintf(why, sizeof(why), "etag=%s", etag ? etag : "-");
	else
		snprintf(why, sizeof(why), "%s%s%s%s",
			 l->reason[0] ? l->reason : sip_reason_phrase(scode),
			 l->warning[0] ? " (Warning: " : "", l->warning,
			 l->warning[0] ? ")" : "");
	fix_done(l, scode, why);
}

/* sip:alice@host or pres:alice@host -> both forms. */
static int entity_forms(struct live *l)
{
	const char *e = l->o->entity;
	const char *rest;
	int n1, n2;

	if (strncmp(e, "pres:", 5) == 0)
		rest = e + 5;
	else if (strncmp(e, "sip:", 4) == 0)
		rest = e + 4;
	else if (strncmp(e, "sips:", 5) == 0)
		rest = e + 5;
	else
		return EINVAL;
	if (!*rest || strpbrk(rest, ";?<> \"") || !strchr(rest, '@'))
		return EINVAL;
	n1 = snprintf(l->aor, sizeof(l->aor), "%s", e);
	if (strncmp(e, "pres:", 5) == 0)
		n1 = snprintf(l->aor, sizeof(l->aor), "sip:%s", rest);
	n2 = snprintf(l->pres, sizeof(l->pres), "pres:%s", rest);
	if (n1 < 0 || (size_t)n1 >= sizeof(l->aor) || n2 < 0 ||
	    (size_t)n2 >= sizeof(l->pres))
		return EOVERFLOW;
	return 0;
}

/* The builder and the publisher on l->st (route and entity set). */
static int pub_attach(struct live *l)
{
	struct sip_publisher_conf pc;
	const char *routev[1];
	int err;

	err = pidf_builder_alloc(&l->pb);
	if (err)
		return err;
	sip_timer_init(&l->timer);
	routev[0] = l->route;
	memset(&pc, 0, sizeof(pc));
	pc.c.target = l->aor;
	pc.c.from = l->aor;
	pc.c.event = l->o->event ? l->o->event : "presence";
	pc.c.user = l->o->user;
	pc.c.password = l->o->password;
	pc.c.routev = routev;
	pc.c.routec = 1;
	pc.c.expires = RP_LIVE_EXPIRES;
	pc.c.sendh = pub_send_h;
	pc.c.replyh = pub_reply_h;
	pc.c.arg = l;
	pc.resulth = pub_result_h;
	pc.harg = l;
	return sip_publisher_alloc(&l->pub, &pc); /* copies the strings */
}

static int pub_setup(struct live *l)
{
	struct sip_stack_conf conf;
	struct sip_uri uri;
	struct sip_pl pl;
	bool tls;
	int n, err;

	sip_pl_set_str(&pl, l->o->to);
	if (sip_uri_parse(&uri, &pl) != 0 ||
	    (uri.scheme != SIP_SCHEME_SIP && uri.scheme != SIP_SCHEME_SIPS)) {
		fprintf(stderr, "locreplay: --to '%s' is not a sip: or sips: "
				"URI (--via http wants http://HOST:PORT)\n",
			l->o->to);
		return 2;
	}
	if (entity_forms(l)) {
		fprintf(stderr, "locreplay: --entity '%s' is not "
				"sip:user@domain\n", l->o->entity);
		return 2;
	}
	n = snprintf(l->route, sizeof(l->route), "<%s;lr>", l->o->to);
	if (n < 0 || (size_t)n >= sizeof(l->route)) {
		fprintf(stderr, "locreplay: --to URI too long\n");
		return 2;
	}
	tls = uri.scheme == SIP_SCHEME_SIPS;
	if (!tls) {
		struct sip_pl tp;
		tls = sip_param_get(&uri.params, SIP_PARAM_URI, "transport",
				    &tp) == 0 &&
		      sip_pl_casecmp_str(&tp, "tls") == 0;
	}
	sip_stack_conf_init(&conf);
	conf.user_agent = "locreplay";
	if (tls && !l->o->insecure) {
		conf.tls_ca = l->o->ca ? l->o->ca : CA_BUNDLE;
		conf.tls_verify_peer = true;
	}
	err = sip_stack_alloc(&l->st, l->base, &conf);
	if (!err)
		err = sip_stack_listen(l->st, uri.host_v6 ? "udp:[::1]:0"
							 : "udp:127.0.0.1:0");
	if (err) {
		fprintf(stderr, "locreplay: SIP stack: %s\n", strerror(err));
		return 3;
	}
	err = pub_attach(l);
	if (err) {
		fprintf(stderr, "locreplay: publisher: %s\n", strerror(err));
		return err == EINVAL ? 2 : 3;
	}
	return 0;
}

static int pub_fix(struct live *l, const struct geo_fix *f)
{
	struct pidf_build_in in;
	struct pidf_location loc;
	struct geo_shape pt;
	struct pidf_err perr;
	const char *body;
	size_t len;
	int err;

	rp_fix_location(f, &pt, &loc);
	memset(&in, 0, sizeof(in));
	in.entity = l->pres;
	in.loc = &loc;
	in.now = wall_now();
	in.with_dynamic = true;
	in.with_method = true;
	memset(&perr, 0, sizeof(perr));
	err = pidf_build(l->pb, &in, &perr);
	if (err) {
		fprintf(stderr, "locreplay: fix at line %u: %s\n", f->line,
			perr.msg[0] ? perr.msg : strerror(err));
		return err;
	}
	body = pidf_builder_body(l->pb, &len);
	err = sip_publisher_publish(l->pub, "application/pidf+xml", body, len,
				    sip_stack_now(l->st));
	if (err == EBUSY)
		return err; /* a refresh is in flight: retried after it */
	if (err)
		fprintf(stderr, "locreplay: PUBLISH to %s: %s\n", l->o->to,
			strerror(err));
	pub_rearm(l);
	return err;
}

/* ------------------------------------------------------------------ */
/* HTTP (OsmAnd)                                                       */

static void http_done(struct evhttp_request *req, void *arg)
{
	struct live *l = arg;
	struct evbuffer *b;
	char why[WARN_MAX];
	unsigned code = 0;
	size_t n = 0, i;

	why[0] = '\0';
	l->answered = req && evhttp_request_get_response_code(req) > 0;
	if (req) {
		code = (unsigned)evhttp_request_get_response_code(req);
		b = evhttp_request_get_input_buffer(req);
		if (b) {
			ev_ssize_t r = evbuffer_copyout(b, why,
							sizeof(why) - 1);
			n = r > 0 ? (size_t)r : 0;
		}
		why[n] = '\0';
		for (i = 0; i < n; i++)
			if ((unsigned char)why[i] < 0x20 ||
			    (unsigned char)why[i] >= 0x7f)
				why[i] = i + 1 == n ? '\0' : ' ';
	}
	fix_done(l, code, code ? why : "connection failed");
}

static int http_setup(struct live *l)
{
	struct evhttp_uri *u = evhttp_uri_parse(l->o->to);
	const char *s, *h, *p;
	int n;

	s = u ? evhttp_uri_get_scheme(u) : NULL;
	h = u ? evhttp_uri_get_host(u) : NULL;
	if (!s || strcmp(s, "http") != 0 || !h || !*h ||
	    strlen(h) >= sizeof(l->host)) {
		fprintf(stderr, "locreplay: --to '%s' is not an "
				"http://HOST:PORT URL\n", l->o->to);
		evhttp_uri_free(u);
		return 2;
	}
	snprintf(l->host, sizeof(l->host), "%s", h);
	l->port = evhttp_uri_get_port(u);
	if (l->port < 0)
		l->port = 80;
	p = evhttp_uri_get_path(u);
	n = snprintf(l->path, sizeof(l->path), "%s", p && *p ? p : "/");
	evhttp_uri_free(u);
	if (n < 0 || (size_t)n >= sizeof(l->path)) {
		fprintf(stderr, "locreplay: --to URL too long\n");
		return 2;
	}
	if (l->o->device) {
		n = snprintf(l->device, sizeof(l->device), "%s",
			     l->o->device);
	} else {
		/* the user part of sip:user@domain */
		const char *e = strchr(l->o->entity, ':');
		const char *at = e ? strchr(e + 1, '@') : NULL;
		n = at && at > e + 1 ? snprintf(l->device, sizeof(l->device),
						"%.*s", (int)(at - e - 1),
						e + 1) : -1;
	}
	if (n <= 0 || (size_t)n >= sizeof(l->device)) {
		fprintf(stderr, "locreplay: no device id: give --device ID "
				"or --entity sip:user@domain\n");
		return 2;
	}
	l->conn = evhttp_connection_base_new(l->base, NULL, l->host,
					     (unsigned short)l->port);
	if (!l->conn) {
		fprintf(stderr, "locreplay: HTTP connection setup failed\n");
		return 3;
	}
	evhttp_connection_set_timeout(l->conn, HTTP_TIMEOUT_S);
	return 0;
}

/* Append "&name=value" (value URI-encoded) to q. */
static int q_add(char *q, size_t sz, const char *name, const char *val)
{
	char *enc = evhttp_encode_uri(val);
	size_t len = strlen(q);
	int n;

	if (!enc)
		return ENOMEM;
	n = snprintf(q + len, sz - len, "%s%s=%s", len ? "&" : "", name, enc);
	free(enc);
	return n < 0 || (size_t)n >= sz - len ? EOVERFLOW : 0;
}

/* "PATH?id=..&lat=..": the OsmAnd request for f into uri (sz bytes). */
static int http_query(const struct live *l, const struct geo_fix *f,
		      char *uri, size_t sz)
{
	char q[QUERY_MAX], v[64];
	int err, n;

	q[0] = '\0';
	err = q_add(q, sizeof(q), "id", l->device);
	snprintf(v, sizeof(v), "%.7f", f->pt.lat);
	if (!err)
		err = q_add(q, sizeof(q), "lat", v);
	snprintf(v, sizeof(v), "%.7f", f->pt.lon);
	if (!err)
		err = q_add(q, sizeof(q), "lon", v);
	if (!err && f->has_time) {
		snprintf(v, sizeof(v), "%.3f", f->time);
		err = q_add(q, sizeof(q), "timestamp", v);
	}
	if (!err && f->has_speed) {
		snprintf(v, sizeof(v), "%.4f", f->speed / KNOT_MPS);
		err = q_add(q, sizeof(q), "speed", v);
	}
	if (!err && f->pt.has_alt) {
		snprintf(v, sizeof(v), "%.2f", f->pt.alt);
		err = q_add(q, sizeof(q), "altitude", v);
	}
	if (!err && f->has_course) {
		snprintf(v, sizeof(v), "%.1f", f->course);
		err = q_add(q, sizeof(q), "bearing", v);
	}
	if (!err && l->o->token)
		err = q_add(q, sizeof(q), "token", l->o->token);
	if (err)
		return err;
	n = snprintf(uri, sz, "%s?%s", l->path, q);
	return n < 0 || (size_t)n >= sz ? EOVERFLOW : 0;
}

static int http_fix(struct live *l, const struct geo_fix *f)
{
	struct evhttp_request *req;
	char uri[URI_MAX + QUERY_MAX + 2];
	int err;

	err = http_query(l, f, uri, sizeof(uri));
	if (err) {
		fprintf(stderr, "locreplay: HTTP query: %s\n", strerror(err));
		return err;
	}
	req = evhttp_request_new(http_done, l);
	if (!req)
		return ENOMEM;
	if (evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
			      l->host) ||
	    evhttp_make_request(l->conn, req, EVHTTP_REQ_GET, uri)) {
		/* evhttp_make_request frees req on failure */
		fprintf(stderr, "locreplay: HTTP GET to %s failed\n",
			l->o->to);
		return EIO;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

static int send_fix(struct live *l, size_t i)
{
	int err = l->o->via == RP_VIA_HTTP ? http_fix(l, &l->fixes[i])
					   : pub_fix(l, &l->fixes[i]);

	if (err && err != EBUSY)
		finish(l, err == EINVAL || err == EBADMSG ? 1 : 3);
	return err;
}

static int read_trace(struct live *l, const char *path)
{
	struct geo_trace_opts topts;
	struct geo_trace *tr = NULL;
	struct geo_err ge;
	int err;

	memset(&ge, 0, sizeof(ge));
	geo_trace_opts_init(&topts);
	topts.format = l->o->in_fmt;
	topts.waypoints = l->o->waypoints;
	err = geo_trace_open_path(&tr, path, &topts, &ge);
	if (!err)
		err = geo_trace_read_all(tr, &l->fixes, &l->n, &ge);
	geo_trace_free(tr);
	if (err) {
		fprintf(stderr, "locreplay: %s: %s\n", path,
			ge.msg[0] ? ge.msg : strerror(err));
		return err == ENOMEM ? 3 : 1;
	}
	if (!l->n) {
		fprintf(stderr, "locreplay: %s: no fixes\n", path);
		return 1;
	}
	return 0;
}

int rp_live_run(const struct rp_live_opts *o, const char *path)
{
	struct live l;
	int rc;

	if (!o || !o->to || !o->entity || !path || !(o->speed > 0) ||
	    !(o->max_gap >= 0))
		return 2;
	memset(&l, 0, sizeof(l));
	l.o = o;
	l.rc = 3;
	rc = read_trace(&l, path);
	if (rc)
		goto out;
	l.base = event_base_new();
	l.next_ev = l.base ? evtimer_new(l.base, next_cb, &l) : NULL;
	if (!l.next_ev) {
		fprintf(stderr, "locreplay: event loop setup failed\n");
		rc = 3;
		goto out;
	}
	rc = o->via == RP_VIA_HTTP ? http_setup(&l) : pub_setup(&l);
	if (rc)
		goto out;
	send_next(&l);
	if (!l.done)
		event_base_dispatch(l.base);
	rc = l.done ? l.rc : 3;
	if (o->verbose && rc == 0)
		fprintf(stderr, "locreplay: %zu fixes sent to %s\n", l.n,
			o->to);
out:
	if (l.pub) {
		sip_ctrans_cancel(l.ct);
		sip_timer_cancel(&l.timer);
		sip_publisher_free(l.pub);
	}
	pidf_builder_free(l.pb);
	sip_stack_free(l.st);
	if (l.conn)
		evhttp_connection_free(l.conn);
	if (l.next_ev)
		event_free(l.next_ev);
	if (l.base)
		event_base_free(l.base);
	free(l.fixes);
	return rc;
}
