/*
 * test_http.c: locd/http.c, the device map and the evhttp server, driven
 * over 127.0.0.1 by a libevent HTTP client in a bounded event loop
 * (issue 5 part 1).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "locd/http.h"

#define NOW 1700000000.0

/* --- Device map. */

START_TEST(test_http_devices_demo)
{
	struct locd_devices *d = NULL;
	enum locd_device_auth res;
	char aor[LOCD_AOR_MAX + 1];
	unsigned line = 9;
	const char *reason = "x";

	ck_assert_int_eq(locd_devices_load(&d, "data/demo/devices.ini", &line,
					   &reason),
			 0);
	ck_assert_ptr_null(reason);
	ck_assert_uint_eq(locd_devices_count(d), 3);
	/* right token */
	ck_assert_int_eq(locd_devices_auth(d, "alice-phone",
					   "demo-alice-7f3c9a", true,
					   "localhost", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_OK);
	ck_assert_str_eq(aor, "sip:alice@localhost");
	/* wrong token, another device's token, no token: whatever the
	 * require_token setting, a device with a token must send it */
	ck_assert_int_eq(locd_devices_auth(d, "alice-phone",
					   "demo-alice-7f3c9b", false,
					   "localhost", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_DENIED);
	ck_assert_int_eq(locd_devices_auth(d, "alice-phone",
					   "demo-bob-51d2e8", false,
					   "localhost", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_DENIED);
	ck_assert_int_eq(locd_devices_auth(d, "alice-phone", "", false,
					   "localhost", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_NO_TOKEN);
	/* unmapped: sip:ID@domain without required tokens (--no-auth) */
	ck_assert_int_eq(locd_devices_auth(d, "zed.1", NULL, false,
					   "example.org", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_OK);
	ck_assert_str_eq(aor, "sip:zed.1@example.org");
	ck_assert_int_eq(locd_devices_auth(d, "zed.1", "whatever1", true,
					   "example.org", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_UNKNOWN);
	ck_assert_int_eq(locd_devices_auth(d, "zed.1", NULL, true,
					   "example.org", &res, aor),
			 0);
	ck_assert_int_eq(res, LOCD_DEVICE_NO_TOKEN);
	ck_assert_int_eq(locd_devices_auth(NULL, "zed", NULL, false, "",
					   &res, aor),
			 EINVAL);
	locd_devices_free(d);
}
END_TEST

static const struct {
	const char *text;
	int err;
	unsigned line;
	const char *reason;
} bad_dev[] = {
	{"[device a]\ntoken = 12345678\n", ENOENT, 1, "device without aor"},
	{"[device a]\naor = sip:a@h\n\n[device b]\n[device c]\naor=sip:c@h\n",
	 ENOENT, 4, "device without aor"},
	{"[device a]\naor = sip:a@h\n[device b]\naor = sip:b@h\n"
	 "[device a]\naor = sip:c@h\n",
	 EEXIST, 5, "device given twice"},
	{"[phone a]\n", ENOENT, 1, "section is not [device ID]"},
	{"[device a/b]\n", EINVAL, 1,
	 "device id has a character outside [A-Za-z0-9._-]"},
	{"[device "
	 "01234567890123456789012345678901234567890123456789012345678901234]"
	 "\n",
	 EOVERFLOW, 1, "device id too long"},
	{"[device a]\naor = alice@h\n", EINVAL, 2,
	 "aor is not a sip: or sips: AOR"},
	{"[device a]\naor = sip:@h\n", EINVAL, 2,
	 "aor is not a sip: or sips: AOR"},
	{"[device a]\naor = sip:a@h\naor = sip:b@h\n", EEXIST, 3,
	 "key given twice"},
	{"[device a]\ntoken = short\n", EINVAL, 2,
	 "token length out of range (8..128)"},
	{"[device a]\ntoken = 1234567\x01\n", EINVAL, 2,
	 "token has a space or control byte"},
	{"[device a]\ntoken = 12345678\ntoken = 12345678\n", EEXIST, 3,
	 "key given twice"},
	{"[device a]\nowner = me\n", ENOENT, 2, "unknown key in a device"},
	{"aor = sip:a@h\n", EBADMSG, 1, "key outside a section"},
};

START_TEST(test_http_devices_errors)
{
	struct locd_devices *d = NULL;
	unsigned line = 0;
	const char *reason = NULL;
	int err;

	err = locd_devices_parse(&d, bad_dev[_i].text,
				 strlen(bad_dev[_i].text), &line, &reason);
	ck_assert_msg(err == bad_dev[_i].err, "case %d: %d (%s)", _i, err,
		      reason);
	ck_assert_uint_eq(line, bad_dev[_i].line);
	ck_assert_str_eq(reason, bad_dev[_i].reason);
	ck_assert_ptr_null(d);
}
END_TEST

/* --- Server round trips. */

struct fixture {
	struct event_base *base;
	struct locd_http *h;
	struct locd_metrics *m;
	struct locd_metrics_std std;
	struct locd_devices *dev;
	uint16_t port;
	int ingested;
	char aor[LOCD_AOR_MAX + 1];
	struct locd_fix fix;
	bool has_last;
	double last;
	int fail;
};

struct rt {
	struct event_base *base;
	int code;
	char body[8192];
	char www[128];
	char allow[64];
	char ctype[128];
};

static double fx_clock(void *arg)
{
	(void)arg;
	return NOW;
}

static int fx_ingest(const struct locd_http_update *u, void *arg)
{
	struct fixture *fx = arg;

	if (fx->fail)
		return EIO;
	fx->ingested++;
	snprintf(fx->aor, sizeof(fx->aor), "%s", u->aor);
	fx->fix = *u->fix;
	fx->has_last = true;
	fx->last = u->fix->time;
	return 0;
}

static int fx_last(const char *aor, double *t, void *arg)
{
	struct fixture *fx = arg;

	if (!fx->has_last || strcmp(aor, fx->aor) != 0)
		return ENOENT;
	*t = fx->last;
	return 0;
}

static void fx_open_conf(struct fixture *fx, bool require_token,
			 bool auth_off)
{
	static const struct locd_http_addr addr = {"127.0.0.1", 0};
	struct locd_http_conf conf;

	memset(fx, 0, sizeof(*fx));
	fx->base = event_base_new();
	ck_assert_ptr_nonnull(fx->base);
	ck_assert_int_eq(locd_metrics_alloc(&fx->m), 0);
	ck_assert_int_eq(locd_metrics_std_register(fx->m, &fx->std), 0);
	ck_assert_int_eq(locd_devices_load(&fx->dev, "data/demo/devices.ini",
					   NULL, NULL),
			 0);
	memset(&conf, 0, sizeof(conf));
	conf.addrs = &addr;
	conf.n_addrs = 1;
	conf.domain = "localhost";
	conf.require_token = require_token;
	conf.devices = fx->dev;
	conf.metrics = fx->m;
	conf.std = &fx->std;
	conf.lasth = fx_last;
	conf.clockh = fx_clock;
	conf.auth_off = auth_off;
	ck_assert_int_eq(locd_http_alloc(&fx->h, fx->base, &conf, fx_ingest,
					 fx),
			 0);
	ck_assert_int_eq(locd_http_port(fx->h, 0, &fx->port), 0);
	ck_assert_uint_gt(fx->port, 0);
}

static void fx_open(struct fixture *fx, bool require_token)
{
	fx_open_conf(fx, require_token, false);
}

static void fx_close(struct fixture *fx)
{
	locd_http_free(fx->h);
	locd_devices_free(fx->dev);
	locd_metrics_free(fx->m);
	event_base_free(fx->base);
}

static void hdr_copy(struct evkeyvalq *h, const char *name, char *out,
		     size_t size)
{
	const char *v = evhttp_find_header(h, name);

	snprintf(out, size, "%s", v ? v : "");
}

static void done_cb(struct evhttp_request *req, void *arg)
{
	struct rt *r = arg;
	struct evbuffer *in;
	size_t n;

	event_base_loopbreak(r->base);
	if (!req || evhttp_request_get_response_code(req) == 0) {
		r->code = -1;
		return;
	}
	r->code = evhttp_request_get_response_code(req);
	in = evhttp_request_get_input_buffer(req);
	n = evbuffer_copyout(in, r->body, sizeof(r->body) - 1);
	r->body[n > 0 ? n : 0] = '\0';
	hdr_copy(evhttp_request_get_input_headers(req), "WWW-Authenticate",
		 r->www, sizeof(r->www));
	hdr_copy(evhttp_request_get_input_headers(req), "Allow", r->allow,
		 sizeof(r->allow));
	hdr_copy(evhttp_request_get_input_headers(req), "Content-Type",
		 r->ctype, sizeof(r->ctype));
}

static void timeout_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

/* One request on a fresh connection; the loop runs at most 5 s. */
static int fx_req(struct fixture *fx, enum evhttp_cmd_type cmd,
		  const char *uri, const char *ctype, const char *body,
		  size_t body_len, const char *auth, struct rt *r)
{
	struct evhttp_connection *conn;
	struct evhttp_request *req;
	struct timeval tv = {5, 0};
	struct event *timer;

	memset(r, 0, sizeof(*r));
	r->base = fx->base;
	r->code = -2;	/* no answer within the bound */
	conn = evhttp_connection_base_new(fx->base, NULL, "127.0.0.1",
					  fx->port);
	ck_assert_ptr_nonnull(conn);
	req = evhttp_request_new(done_cb, r);
	ck_assert_ptr_nonnull(req);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
			  "127.0.0.1");
	if (ctype)
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Content-Type", ctype);
	if (auth)
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "Authorization", auth);
	if (body)
		evbuffer_add(evhttp_request_get_output_buffer(req), body,
			     body_len);
	ck_assert_int_eq(evhttp_make_request(conn, req, cmd, uri), 0);
	timer = evtimer_new(fx->base, timeout_cb, fx->base);
	evtimer_add(timer, &tv);
	event_base_dispatch(fx->base);
	event_free(timer);
	evhttp_connection_free(conn);
	return r->code;
}

#define FORM "application/x-www-form-urlencoded"

/* GET and POST ingest, junk, tokens, plausibility, /healthz, /metrics,
 * 404, 405. */
START_TEST(test_http_roundtrip)
{
	struct fixture fx;
	struct rt r;
	const char *body;

	fx_open(&fx, false);
	/* GET with the token in the query */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=47.3769&lon=8.5417"
				"&timestamp=1699999990&speed=10"
				"&token=demo-alice-7f3c9a",
				NULL, NULL, 0, NULL, &r),
			 200);
	ck_assert_str_eq(r.body, "ok\n");
	ck_assert_int_eq(fx.ingested, 1);
	ck_assert_str_eq(fx.aor, "sip:alice@localhost");
	ck_assert(fx.fix.pos.lat == 47.3769 && fx.fix.time == NOW - 10);
	ck_assert(fx.fix.speed == 10 * LOCD_KNOT_MS);
	/* POST form with a Bearer token */
	body = "id=alice-phone&lat=47.38&lon=8.54&timestamp=1699999995";
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/", FORM, body,
				strlen(body), "Bearer demo-alice-7f3c9a", &r),
			 200);
	ck_assert_int_eq(fx.ingested, 2);
	ck_assert(fx.fix.pos.lat == 47.38);
	/* POST with the parameters in the query and no body */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST,
				"/?id=bob-phone&lat=-1.25&lon=2.5"
				"&timestamp=2023-11-14T22:13:00Z"
				"&token=demo-bob-51d2e8",
				NULL, NULL, 0, NULL, &r),
			 200);
	ck_assert_str_eq(fx.aor, "sip:bob@localhost");
	ck_assert(fx.fix.pos.lon == 2.5 && fx.fix.time == NOW - 20);
	ck_assert_int_eq(fx.ingested, 3);
	/* alice's fix again: fx_last remembers only bob's AOR now, so it
	 * is taken; sent once more it is a duplicate: 200, not ingested */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/", FORM, body,
				strlen(body), "Bearer demo-alice-7f3c9a", &r),
			 200);
	ck_assert_str_eq(r.body, "ok\n");
	ck_assert_int_eq(fx.ingested, 4);
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/", FORM, body,
				strlen(body), "Bearer demo-alice-7f3c9a", &r),
			 200);
	ck_assert_str_eq(r.body, "duplicate\n");
	ck_assert_int_eq(fx.ingested, 4);
	/* older than the last fix */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2"
				"&timestamp=1699999900"
				"&token=demo-alice-7f3c9a",
				NULL, NULL, 0, NULL, &r),
			 400);
	ck_assert_str_eq(r.body, "timestamp older than the last fix\n");
	/* in the future beyond the skew (300 s) */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2"
				"&timestamp=1700000301"
				"&token=demo-alice-7f3c9a",
				NULL, NULL, 0, NULL, &r),
			 400);
	ck_assert_str_eq(r.body, "timestamp too far in the future\n");
	/* junk */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=91&lon=2", NULL, NULL, 0,
				NULL, &r),
			 400);
	ck_assert_str_eq(r.body, "lat out of range\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/", NULL, NULL, 0,
				NULL, &r),
			 400);
	ck_assert_str_eq(r.body, "id missing\n");
	/* tokens: none, wrong, two different, not Bearer */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2", NULL, NULL, 0,
				NULL, &r),
			 401);
	ck_assert_str_eq(r.www, "Bearer realm=\"locd\"");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2&token=demo-bob-"
				"51d2e8",
				NULL, NULL, 0, NULL, &r),
			 403);
	ck_assert_str_eq(r.body, "forbidden\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2&token=abcdefgh",
				NULL, NULL, 0, "Bearer demo-alice-7f3c9a", &r),
			 400);
	ck_assert_str_eq(r.body, "two different tokens\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2", NULL, NULL, 0,
				"Basic YTpi", &r),
			 400);
	ck_assert_str_eq(r.body, "Authorization is not a Bearer token\n");
	ck_assert_int_eq(fx.ingested, 4);
	/* unmapped device without required tokens: sip:ID@domain */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=zed&lat=-1&lon=-2", NULL, NULL, 0, NULL,
				&r),
			 200);
	ck_assert_str_eq(fx.aor, "sip:zed@localhost");
	ck_assert(!fx.fix.has_time && fx.fix.time == NOW);
	/* body of another type; parameters in both places */
	body = "id=zed&lat=1&lon=1";
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/", "text/plain", body,
				strlen(body), NULL, &r),
			 415);
	ck_assert_str_eq(r.body, "body is neither a form nor JSON\n");
	/* Traccar Client JSON, the token in the query */
	body = "{\"device_id\": \"carol-tracker\", \"location\": {"
	       "\"timestamp\": \"2023-11-14T22:13:19.500Z\", \"coords\": {"
	       "\"latitude\": 48.85, \"longitude\": 2.35, \"speed\": 1.5,"
	       "\"heading\": -1, \"accuracy\": 8, \"altitude\": 35}},"
	       "\"is_moving\": true, \"battery\": {\"level\": 0.5}}";
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST,
				"/?token=demo-carol-c0ffee",
				"application/json; charset=utf-8", body,
				strlen(body), NULL, &r),
			 200);
	ck_assert_str_eq(fx.aor, "sip:carol@localhost");
	ck_assert(fx.fix.speed == 1.5 && !fx.fix.has_bearing);
	ck_assert(fx.fix.time == NOW - 0.5 && fx.fix.accuracy == 8);
	ck_assert_int_eq(fx.ingested, 6);
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/?id=zed",
				"application/json", body, strlen(body), NULL,
				&r),
			 400);
	ck_assert_str_eq(r.body, "only token= may come with a JSON body\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/", "application/json",
				body, strlen(body), NULL, &r),
			 401);
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/?id=zed", FORM, body,
				strlen(body), NULL, &r),
			 400);
	ck_assert_str_eq(r.body,
			 "parameters in both the query and the body\n");
	/* the ingest callback failing */
	fx.fail = 1;
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=zed&lat=1&lon=1&timestamp=1700000002",
				NULL, NULL, 0, NULL, &r),
			 503);
	fx.fail = 0;
	/* health, paths, methods */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/healthz", NULL, NULL,
				0, NULL, &r),
			 200);
	ck_assert_str_eq(r.body, "ok\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_HEAD, "/healthz", NULL, NULL,
				0, NULL, &r),
			 200);
	ck_assert_str_eq(r.body, "");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/nope", NULL, NULL, 0,
				NULL, &r),
			 404);
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_PUT, "/?id=zed", NULL, NULL, 0,
				NULL, &r),
			 405);
	ck_assert_str_eq(r.allow, "GET, POST");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/healthz", NULL, NULL,
				0, NULL, &r),
			 405);
	ck_assert_str_eq(r.allow, "GET, HEAD");
	/* /metrics counts what happened above */
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/metrics", NULL, NULL,
				0, NULL, &r),
			 200);
	ck_assert_str_eq(r.ctype, LOCD_METRICS_CONTENT_TYPE);
	ck_assert_ptr_nonnull(strstr(
		r.body, "locd_updates_ingested_total{source=\"http\"} 6\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
				     "locd_updates_refused_total{source=\""
				     "http\",reason=\"auth\"} 5\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
				     "locd_updates_refused_total{source=\""
				     "http\",reason=\"order\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
				     "locd_updates_refused_total{source=\""
				     "http\",reason=\"future\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
				     "locd_updates_refused_total{source=\""
				     "http\",reason=\"range\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(r.body,
				     "locd_updates_refused_total{source=\""
				     "http\",reason=\"malformed\"} 4\n"));
	ck_assert_ptr_nonnull(strstr(r.body, "# TYPE locd_evaluation_seconds "
					     "histogram\n"));
	fx_close(&fx);
}
END_TEST

/* Required tokens: unknown devices are refused with the same 403 as a
 * wrong token; sizes: 414 long query, 413 long body. */
START_TEST(test_http_limits)
{
	static char uri[LOCD_OSMAND_QUERY_MAX + 64];
	static char body[LOCD_OSMAND_QUERY_MAX + 64];
	static char big[9000], huge[17000];
	struct fixture fx;
	struct rt r;
	size_t n;

	fx_open(&fx, true);
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=zed&lat=1&lon=2&token=abcdefgh", NULL,
				NULL, 0, NULL, &r),
			 403);
	ck_assert_str_eq(r.body, "forbidden\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/?id=zed&lat=1&lon=2",
				NULL, NULL, 0, NULL, &r),
			 401);
	/* query: 2048 bytes pass the size check, 2049 do not */
	n = (size_t)snprintf(uri, sizeof(uri), "/?id=zed&lat=1&lon=2&p=");
	memset(uri + n, 'x', LOCD_OSMAND_QUERY_MAX + 2 - n);
	uri[LOCD_OSMAND_QUERY_MAX + 2] = '\0';
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, uri, NULL, NULL, 0, NULL,
				&r),
			 401);
	uri[LOCD_OSMAND_QUERY_MAX + 2] = 'x';
	uri[LOCD_OSMAND_QUERY_MAX + 3] = '\0';
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, uri, NULL, NULL, 0, NULL,
				&r),
			 414);
	/* body over the cap: evhttp answers 413 itself */
	memset(body, 'x', sizeof(body));
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_POST, "/", FORM, body,
				sizeof(body), NULL, &r),
			 413);
	/* a header block over 8 KiB */
	memset(big, 'h', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/?id=zed", NULL, NULL,
				0, big, &r),
			 431);
	ck_assert_str_eq(r.body, "headers too large\n");
	/* over twice the cap evhttp drops the request itself (400) */
	memset(huge, 'h', sizeof(huge) - 1);
	huge[sizeof(huge) - 1] = '\0';
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/?id=zed", NULL, NULL,
				0, huge, &r),
			 400);
	ck_assert_int_eq(fx.ingested, 0);
	fx_close(&fx);
}
END_TEST

/* Configuration errors. */
START_TEST(test_http_conf)
{
	struct event_base *base = event_base_new();
	struct locd_http_addr bad = {"not-an-address", 0};
	struct locd_http_addr ok = {"127.0.0.1", 0};
	struct locd_http_conf conf;
	struct locd_http *h = NULL, *h2;
	uint16_t port;

	memset(&conf, 0, sizeof(conf));
	conf.domain = "localhost";
	ck_assert_int_eq(locd_http_alloc(&h, base, &conf, fx_ingest, NULL),
			 EINVAL);
	conf.addrs = &bad;
	conf.n_addrs = 1;
	/* numeric literals only: no name lookups */
	ck_assert_int_eq(locd_http_alloc(&h, base, &conf, fx_ingest, NULL),
			 EINVAL);
	ck_assert_ptr_null(h);
	conf.addrs = &ok;
	conf.domain = NULL;
	ck_assert_int_eq(locd_http_alloc(&h, base, &conf, fx_ingest, NULL),
			 EINVAL);
	conf.domain = "localhost";
	conf.body_max = LOCD_OSMAND_QUERY_CAP + 1;
	ck_assert_int_eq(locd_http_alloc(&h, base, &conf, fx_ingest, NULL),
			 EINVAL);
	conf.body_max = 0;
	ck_assert_int_eq(locd_http_alloc(&h, base, &conf, NULL, NULL),
			 EINVAL);
	ck_assert_int_eq(locd_http_alloc(&h, base, &conf, fx_ingest, NULL),
			 0);
	ck_assert_int_eq(locd_http_port(h, 1, &port), ENOENT);
	/* the same port twice */
	ck_assert_int_eq(locd_http_port(h, 0, &port), 0);
	ok.port = port;
	h2 = h;
	ck_assert_int_eq(locd_http_alloc(&h2, base, &conf, fx_ingest, NULL),
			 EADDRINUSE);
	ck_assert_ptr_eq(h2, h);
	locd_http_free(h);
	locd_http_free(NULL);
	event_base_free(base);
}
END_TEST

/* Issue 5 item 8: with authentication off /healthz says so loudly;
 * mapped devices still resolve to their AOR (issue 5 item 4). */
START_TEST(test_http_health_noauth)
{
	struct fixture fx;
	struct rt r;

	fx_open_conf(&fx, false, true);
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/healthz", NULL, NULL,
				0, NULL, &r),
			 200);
	ck_assert_str_eq(r.body, "ok (WARNING: authentication disabled)\n");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET,
				"/?id=alice-phone&lat=1&lon=2"
				"&token=demo-alice-7f3c9a",
				NULL, NULL, 0, NULL, &r),
			 200);
	ck_assert_str_eq(fx.aor, "sip:alice@localhost");
	ck_assert_int_eq(fx_req(&fx, EVHTTP_REQ_GET, "/?id=zed&lat=1&lon=2",
				NULL, NULL, 0, NULL, &r),
			 200);
	ck_assert_str_eq(fx.aor, "sip:zed@localhost");
	fx_close(&fx);
}
END_TEST

TCase *tcase_http(void);
TCase *tcase_http(void)
{
	TCase *tc = tcase_create("http");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_http_devices_demo);
	tcase_add_loop_test(tc, test_http_devices_errors, 0,
			    (int)(sizeof(bad_dev) / sizeof(bad_dev[0])));
	tcase_add_test(tc, test_http_roundtrip);
	tcase_add_test(tc, test_http_limits);
	tcase_add_test(tc, test_http_conf);
	tcase_add_test(tc, test_http_health_noauth);
	return tc;
}
