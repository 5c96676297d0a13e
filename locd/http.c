/*
 * http.c: the device map (devices.ini) and the evhttp server for OsmAnd
 * ingest, /healthz and /metrics.
 *
 * Order of checks for an ingest request: path (404), method (405), sizes
 * (431 headers, 414 query, 413 body; evhttp itself answers 413 for a
 * body and 400 for headers over twice the cap), content type (415: a
 * form or Traccar Client JSON),
 * parameters (400), token (401/403),
 * plausibility (400; a same-time resend is 200), then the ingest callback
 * (200, or 503 when it fails). Every refusal after the size checks bumps
 * locd_updates_refused_total{source="http",reason=...}.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "locd/http.h"
#include "locd/policy.h"

/* Header block cap: a tracker sends a few hundred bytes. */
#define HEADERS_MAX_DEFAULT 8192
#define TIMEOUT_DEFAULT 30
#define SKEW_DEFAULT 300.0
#define DEVICES_FILE_MAX (1024 * 1024)
#define DEVICES_MAX 100000

/* --- Device map. */

struct device {
	char id[LOCD_DEVICE_ID_MAX + 1];
	char *aor;
	bool has_token;
	unsigned char digest[32];	/* SHA-256 of the token */
	unsigned line;
};

struct locd_devices {
	struct device *d;
	size_t n, cap;
	bool blame_section;
};

void locd_devices_free(struct locd_devices *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->d[i].aor);
		OPENSSL_cleanse(d->d[i].digest, sizeof(d->d[i].digest));
	}
	free(d->d);
	free(d);
}

size_t locd_devices_count(const struct locd_devices *d)
{
	return d ? d->n : 0;
}

static int sha256(const char *p, size_t n, unsigned char out[32])
{
	unsigned int len = 0;

	if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return EIO;
	return 0;
}

static bool id_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > LOCD_DEVICE_ID_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

static int device_end(struct locd_devices *d, const char **why)
{
	struct device *dev;

	if (!d->n)
		return 0;
	dev = &d->d[d->n - 1];
	if (!dev->aor) {
		d->blame_section = true;
		*why = "device without aor";
		return ENOENT;
	}
	return 0;
}

static int device_start(struct locd_devices *d, const char *sec,
			unsigned line, const char **why)
{
	const char *id;
	size_t n;
	struct device *dev;

	if (strncmp(sec, "device", 6) != 0 ||
	    (sec[6] != ' ' && sec[6] != '\t')) {
		*why = "section is not [device ID]";
		return ENOENT;
	}
	id = sec + 6 + strspn(sec + 6, " \t");
	n = strlen(id);
	if (!id_ok(id, n)) {
		*why = n > LOCD_DEVICE_ID_MAX
			       ? "device id too long"
			       : "device id has a character outside "
				 "[A-Za-z0-9._-]";
		return n > LOCD_DEVICE_ID_MAX ? EOVERFLOW : EINVAL;
	}
	if (d->n >= DEVICES_MAX) {
		*why = "too many devices";
		return EOVERFLOW;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		dev = realloc(d->d, cap * sizeof(*dev));
		if (!dev) {
			*why = "out of memory";
			return ENOMEM;
		}
		d->d = dev;
		d->cap = cap;
	}
	dev = &d->d[d->n++];
	memset(dev, 0, sizeof(*dev));
	memcpy(dev->id, id, n + 1);
	dev->line = line;
	return 0;
}

static int device_key(struct device *dev, const char *k, const char *v,
		      const char **why)
{
	size_t i, n = strlen(v);

	if (strcmp(k, "aor") == 0) {
		if (dev->aor) {
			*why = "key given twice";
			return EEXIST;
		}
		if (!locd_aor_valid(v)) {
			*why = "aor is not a sip: or sips: AOR";
			return EINVAL;
		}
		dev->aor = malloc(n + 1);
		if (!dev->aor) {
			*why = "out of memory";
			return ENOMEM;
		}
		memcpy(dev->aor, v, n + 1);
		return 0;
	}
	if (strcmp(k, "token") == 0) {
		if (dev->has_token) {
			*why = "key given twice";
			return EEXIST;
		}
		if (n < LOCD_TOKEN_MIN || n > LOCD_TOKEN_MAX) {
			*why = "token length out of range (8..128)";
			return EINVAL;
		}
		for (i = 0; i < n; i++) {
			if (v[i] <= 0x20 || v[i] >= 0x7f) {
				*why = "token has a space or control byte";
				return EINVAL;
			}
		}
		if (sha256(v, n, dev->digest)) {
			*why = "cannot hash the token";
			return EIO;
		}
		dev->has_token = true;
		return 0;
	}
	*why = "unknown key in a device";
	return ENOENT;
}

static int devices_item(const struct locd_ini_item *it, void *arg,
			const char **why)
{
	struct locd_devices *d = arg;
	int err;

	switch (it->kind) {
	case LOCD_INI_SECTION:
		err = device_end(d, why);
		return err ? err : device_start(d, it->section, it->line, why);
	case LOCD_INI_KEY:
		return device_key(&d->d[d->n - 1], it->key, it->value, why);
	default:
		return device_end(d, why);
	}
}

static int device_cmp(const void *a, const void *b)
{
	return strcmp(((const struct device *)a)->id,
		      ((const struct device *)b)->id);
}

/* Sort by id for bsearch; a duplicate is blamed on its later section. */
static int devices_sort(struct locd_devices *d, unsigned *line,
			const char **why)
{
	size_t i;

	if (d->n > 1)
		qsort(d->d, d->n, sizeof(*d->d), device_cmp);
	for (i = 1; i < d->n; i++) {
		if (strcmp(d->d[i - 1].id, d->d[i].id) == 0) {
			*line = d->d[i - 1].line > d->d[i].line
					? d->d[i - 1].line
					: d->d[i].line;
			*why = "device given twice";
			return EEXIST;
		}
	}
	return 0;
}

int locd_devices_parse(struct locd_devices **dp, const char *text,
		       size_t len, unsigned *linep, const char **reason)
{
	struct locd_devices *d;
	const char *why = NULL;
	unsigned line = 0;
	int err;

	if (!dp || (!text && len)) {
		why = "bad argument";
		err = EINVAL;
		goto out;
	}
	if (len > DEVICES_FILE_MAX) {
		why = "devices file too large";
		err = EOVERFLOW;
		goto out;
	}
	d = calloc(1, sizeof(*d));
	if (!d) {
		why = "out of memory";
		err = ENOMEM;
		goto out;
	}
	err = locd_ini_parse(text, len, devices_item, d, &line, &why);
	if (err && d->blame_section)
		line = d->d[d->n - 1].line;
	if (!err)
		err = devices_sort(d, &line, &why);
	if (err) {
		locd_devices_free(d);
		goto out;
	}
	*dp = d;
out:
	if (linep)
		*linep = err ? line : 0;
	if (reason)
		*reason = err ? why : NULL;
	return err;
}

int locd_devices_load(struct locd_devices **dp, const char *path,
		      unsigned *linep, const char **reason)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	if (linep)
		*linep = 0;
	err = locd_file_read(path, DEVICES_FILE_MAX, &buf, &len);
	if (err) {
		if (reason)
			*reason = err == EOVERFLOW ? "devices file too large"
						   : "cannot read the devices "
						     "file";
		return err;
	}
	err = locd_devices_parse(dp, buf, len, linep, reason);
	free(buf);
	return err;
}

int locd_devices_auth(const struct locd_devices *d, const char *id,
		      const char *token, bool require_token,
		      const char *domain, enum locd_device_auth *res,
		      char *aor)
{
	const struct device *dev = NULL;
	unsigned char digest[32];
	bool has = token && *token;
	size_t n;
	int err;

	if (!id || !res || !aor || !domain || !*domain)
		return EINVAL;
	if (d && d->n) {
		struct device key;
		size_t kl = strlen(id);
		if (kl <= LOCD_DEVICE_ID_MAX) {
			memcpy(key.id, id, kl + 1);
			dev = bsearch(&key, d->d, d->n, sizeof(*d->d),
				      device_cmp);
		}
	}
	if (dev && dev->has_token) {
		if (!has) {
			*res = LOCD_DEVICE_NO_TOKEN;
			return 0;
		}
		err = sha256(token, strlen(token), digest);
		if (err)
			return err;
		*res = CRYPTO_memcmp(digest, dev->digest, 32) == 0
			       ? LOCD_DEVICE_OK
			       : LOCD_DEVICE_DENIED;
		OPENSSL_cleanse(digest, sizeof(digest));
	} else if (require_token) {
		/* no token to compare with: never accepted */
		*res = !has ? LOCD_DEVICE_NO_TOKEN
		       : dev ? LOCD_DEVICE_DENIED
			     : LOCD_DEVICE_UNKNOWN;
	} else {
		*res = LOCD_DEVICE_OK;
	}
	if (*res != LOCD_DEVICE_OK)
		return 0;
	if (dev) {
		n = strlen(dev->aor);
		memcpy(aor, dev->aor, n + 1);
		return 0;
	}
	if (!id_ok(id, strlen(id)) ||
	    4 + strlen(id) + 1 + strlen(domain) > LOCD_AOR_MAX)
		return EINVAL;
	n = 0;
	memcpy(aor, "sip:", 4);
	n += 4;
	memcpy(aor + n, id, strlen(id));
	n += strlen(id);
	aor[n++] = '@';
	memcpy(aor + n, domain, strlen(domain) + 1);
	return 0;
}

/* --- Server. */

struct locd_http {
	struct evhttp *http;
	struct evhttp_bound_socket *socks[LOCD_HTTP_ADDRS_MAX];
	size_t n_socks;
	struct locd_http_conf conf;
	size_t body_max;
	size_t headers_max;
	locd_http_ingest_h *ingesth;
	void *arg;
};

static double now_get(const struct locd_http *h)
{
	struct timespec ts;

	if (h->conf.clockh)
		return h->conf.clockh(h->conf.clock_arg);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void reply(struct evhttp_request *req, int code, const char *phrase,
		  const char *text)
{
	struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	evhttp_add_header(hdr, "Content-Type", "text/plain; charset=utf-8");
	evhttp_add_header(hdr, "Cache-Control", "no-store");
	evbuffer_add_printf(out, "%s\n", text);
	evhttp_send_reply(req, code, phrase, NULL);
}

static void refuse(struct locd_http *h, struct evhttp_request *req,
		   enum locd_refuse why, int code, const char *phrase,
		   const char *text)
{
	if (h->conf.std)
		locd_metric_inc(h->conf.std->refused[LOCD_SOURCE_HTTP][why]);
	reply(req, code, phrase, text);
}

static int evbuf_write(const char *p, size_t len, void *arg)
{
	return evbuffer_add(arg, p, len) == 0 ? 0 : ENOMEM;
}

static void serve_metrics(struct locd_http *h, struct evhttp_request *req)
{
	struct evbuffer *out = evhttp_request_get_output_buffer(req);

	if (locd_metrics_write(h->conf.metrics, evbuf_write, out)) {
		evbuffer_drain(out, evbuffer_get_length(out));
		reply(req, 500, "Internal Server Error", "metrics failed");
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(req),
			  "Content-Type", LOCD_METRICS_CONTENT_TYPE);
	evhttp_send_reply(req, 200, "OK", NULL);
}

/* Token from "Authorization: Bearer X"; NULL without; *bad when the
 * header is there but not a usable bearer token. */
static const char *bearer(struct evhttp_request *req, bool *bad)
{
	const char *v = evhttp_find_header(
		evhttp_request_get_input_headers(req), "Authorization");
	size_t i, n;

	*bad = false;
	if (!v)
		return NULL;
	if (strncasecmp(v, "Bearer ", 7) != 0) {
		*bad = true;
		return NULL;
	}
	v += 7;
	while (*v == ' ')
		v++;
	n = strlen(v);
	while (n && v[n - 1] == ' ')
		n--;
	if (n == 0 || n > LOCD_TOKEN_MAX)
		*bad = true;
	for (i = 0; i < n && !*bad; i++)
		if (v[i] <= 0x20 || v[i] >= 0x7f)
			*bad = true;
	return *bad ? NULL : v;
}

static bool ctype_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	return ct && strncasecmp(ct, type, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* The parameters: query, or form body, or JSON body (*json; then *q is
 * the query, for a token). On refusal the reply is sent and an errno
 * returned. */
static int params_get(struct locd_http *h, struct evhttp_request *req,
		      const char **p, size_t *len, bool *json,
		      const char **qp)
{
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *q = uri ? evhttp_uri_get_query(uri) : NULL;
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t ql = q ? strlen(q) : 0, bl = evbuffer_get_length(in);
	const char *ct;

	if (ql > h->body_max) {
		refuse(h, req, LOCD_REFUSE_LIMIT, 414, "URI Too Long",
		       "query too large");
		return EOVERFLOW;
	}
	if (bl > h->body_max) {
		refuse(h, req, LOCD_REFUSE_LIMIT, 413, "Payload Too Large",
		       "body too large");
		return EOVERFLOW;
	}
	*json = false;
	*qp = q ? q : "";
	if (bl == 0) {
		*p = *qp;
		*len = ql;
		return 0;
	}
	ct = evhttp_find_header(evhttp_request_get_input_headers(req),
				"Content-Type");
	*json = ctype_is(ct, "application/json");
	if (!*json && !ctype_is(ct, "application/x-www-form-urlencoded")) {
		refuse(h, req, LOCD_REFUSE_MALFORMED, 415,
		       "Unsupported Media Type",
		       "body is neither a form nor JSON");
		return EPROTO;
	}
	if (ql && !*json) {
		refuse(h, req, LOCD_REFUSE_MALFORMED, 400, "Bad Request",
		       "parameters in both the query and the body");
		return EBADMSG;
	}
	*p = (const char *)evbuffer_pullup(in, -1);
	*len = bl;
	if (!*p) {
		reply(req, 500, "Internal Server Error", "out of memory");
		return ENOMEM;
	}
	return 0;
}

static void auth_refuse(struct locd_http *h, struct evhttp_request *req,
			enum locd_device_auth res)
{
	if (res == LOCD_DEVICE_NO_TOKEN) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
				  "WWW-Authenticate", "Bearer realm=\"locd\"");
		refuse(h, req, LOCD_REFUSE_AUTH, 401, "Unauthorized",
		       "token required");
		return;
	}
	/* one answer for a wrong token and an unknown device */
	refuse(h, req,
	       res == LOCD_DEVICE_UNKNOWN ? LOCD_REFUSE_UNKNOWN_DEVICE
					  : LOCD_REFUSE_AUTH,
	       403, "Forbidden", "forbidden");
}

/* Bytes of the request's header fields as sent ("name: value\r\n"). */
static size_t headers_size(struct evhttp_request *req)
{
	struct evkeyvalq *hdr = evhttp_request_get_input_headers(req);
	struct evkeyval *kv;
	size_t n = 0;

	for (kv = hdr->tqh_first; kv; kv = kv->next.tqe_next)
		n += strlen(kv->key) + strlen(kv->value) + 4;
	return n;
}

static void serve_ingest(struct locd_http *h, struct evhttp_request *req)
{
	struct locd_osmand_limits lim = {h->body_max, 0};
	struct locd_fix_check chk;
	struct locd_http_update upd;
	enum locd_device_auth res;
	enum locd_refuse why;
	struct locd_fix fix;
	char aor[LOCD_AOR_MAX + 1];
	const char *p = NULL, *q = NULL, *reason = NULL, *tok;
	char qtok[LOCD_TOKEN_MAX + 1];
	bool bad, json = false;
	size_t len = 0;
	int err;

	if (headers_size(req) > h->headers_max) {
		refuse(h, req, LOCD_REFUSE_LIMIT, 431,
		       "Request Header Fields Too Large", "headers too large");
		return;
	}
	if (params_get(h, req, &p, &len, &json, &q))
		return;
	chk.now = now_get(h);
	if (json) {
		err = locd_osmand_query_token(q, strlen(q), qtok, &reason);
		if (err) {
			refuse(h, req, LOCD_REFUSE_MALFORMED, 400,
			       "Bad Request", reason);
			return;
		}
		err = locd_osmand_parse_json(p, len, &lim, chk.now, &fix,
					     &why, &reason);
		if (!err)
			memcpy(fix.token, qtok, strlen(qtok) + 1);
	} else {
		err = locd_osmand_parse(p, len, &lim, chk.now, &fix, &why,
					&reason);
	}
	if (err) {
		refuse(h, req, why, 400, "Bad Request", reason);
		return;
	}
	tok = bearer(req, &bad);
	if (bad || (tok && fix.token[0] && strcmp(tok, fix.token) != 0)) {
		refuse(h, req, LOCD_REFUSE_AUTH, 400, "Bad Request",
		       bad ? "Authorization is not a Bearer token"
			   : "two different tokens");
		return;
	}
	if (!tok)
		tok = fix.token;
	err = locd_devices_auth(h->conf.devices, fix.device, tok,
				h->conf.require_token, h->conf.domain, &res,
				aor);
	if (err) {
		refuse(h, req, LOCD_REFUSE_UNKNOWN_DEVICE, 403, "Forbidden",
		       "forbidden");
		return;
	}
	if (res != LOCD_DEVICE_OK) {
		auth_refuse(h, req, res);
		return;
	}
	chk.max_skew = h->conf.max_skew;
	chk.has_last = h->conf.lasth &&
		       h->conf.lasth(aor, &chk.last_time, h->arg) == 0;
	err = locd_fix_check(&fix, &chk, &why, &reason);
	if (err == EALREADY) {
		refuse(h, req, why, 200, "OK", "duplicate");
		return;
	}
	if (err) {
		refuse(h, req, why, 400, "Bad Request", reason);
		return;
	}
	upd.aor = aor;
	upd.fix = &fix;
	if (h->ingesth(&upd, h->arg)) {
		reply(req, 503, "Service Unavailable",
		      "cannot take the update now");
		return;
	}
	if (h->conf.std)
		locd_metric_inc(h->conf.std->ingested[LOCD_SOURCE_HTTP]);
	reply(req, 200, "OK", "ok");
}

static void method_refuse(struct evhttp_request *req, const char *allow)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Allow",
			  allow);
	reply(req, 405, "Method Not Allowed", "method not allowed");
}

static void http_cb(struct evhttp_request *req, void *arg)
{
	struct locd_http *h = arg;
	enum evhttp_cmd_type cmd = evhttp_request_get_command(req);
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	bool get = cmd == EVHTTP_REQ_GET || cmd == EVHTTP_REQ_HEAD;

	if (!path || !*path)
		path = "/";
	if (strcmp(path, "/") == 0) {
		if (cmd != EVHTTP_REQ_GET && cmd != EVHTTP_REQ_POST)
			method_refuse(req, "GET, POST");
		else
			serve_ingest(h, req);
	} else if (strcmp(path, "/healthz") == 0) {
		if (!get)
			method_refuse(req, "GET, HEAD");
		else
			reply(req, 200, "OK",
			      h->conf.auth_off ? LOCD_HTTP_HEALTH_NOAUTH
					       : "ok");
	} else if (strcmp(path, "/metrics") == 0 && h->conf.metrics) {
		if (!get)
			method_refuse(req, "GET, HEAD");
		else
			serve_metrics(h, req);
	} else {
		reply(req, 404, "Not Found", "not found");
	}
}

void locd_http_free(struct locd_http *h)
{
	if (!h)
		return;
	if (h->http)
		evhttp_free(h->http);
	free(h);
}

static int conf_check(const struct locd_http_conf *c)
{
	unsigned char a[sizeof(struct in6_addr)];
	size_t i;

	if (!c->addrs || c->n_addrs == 0 ||
	    c->n_addrs > LOCD_HTTP_ADDRS_MAX || !c->domain || !*c->domain ||
	    c->body_max > LOCD_OSMAND_QUERY_CAP || !(c->max_skew >= 0))
		return EINVAL;
	/* numeric literals only: binding never waits for a name lookup */
	for (i = 0; i < c->n_addrs; i++)
		if (!c->addrs[i].host ||
		    (inet_pton(AF_INET, c->addrs[i].host, a) != 1 &&
		     inet_pton(AF_INET6, c->addrs[i].host, a) != 1))
			return EINVAL;
	return 0;
}

int locd_http_alloc(struct locd_http **hp, struct event_base *base,
		    const struct locd_http_conf *conf,
		    locd_http_ingest_h *ingesth, void *arg)
{
	struct locd_http *h;
	size_t i;
	int err;

	if (!hp || !base || !conf || !ingesth || conf_check(conf))
		return EINVAL;
	h = calloc(1, sizeof(*h));
	if (!h)
		return ENOMEM;
	h->conf = *conf;
	h->body_max = conf->body_max ? conf->body_max : LOCD_OSMAND_QUERY_MAX;
	if (!h->conf.max_skew)
		h->conf.max_skew = SKEW_DEFAULT;
	h->ingesth = ingesth;
	h->arg = arg;
	h->http = evhttp_new(base);
	if (!h->http) {
		err = ENOMEM;
		goto out;
	}
	evhttp_set_max_body_size(h->http, (ev_ssize_t)h->body_max);
	/* evhttp drops header blocks over twice the cap (with a bare 400);
	 * below that the callback answers 431 with a reason */
	h->headers_max = conf->headers_max ? conf->headers_max
					   : HEADERS_MAX_DEFAULT;
	evhttp_set_max_headers_size(h->http, (ev_ssize_t)(2 * h->headers_max));
	evhttp_set_timeout(h->http, conf->timeout_s ? (int)conf->timeout_s
						    : TIMEOUT_DEFAULT);
	/* accept every method, so that the callback answers 405 (evhttp
	 * itself would say 501) */
	evhttp_set_allowed_methods(
		h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
				 EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
				 EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
				 EVHTTP_REQ_CONNECT | EVHTTP_REQ_PATCH);
	evhttp_set_gencb(h->http, http_cb, h);
	for (i = 0; i < conf->n_addrs; i++) {
		const struct locd_http_addr *a = &conf->addrs[i];
		errno = 0;
		h->socks[i] = evhttp_bind_socket_with_handle(h->http, a->host,
							     a->port);
		if (!h->socks[i]) {
			err = errno ? errno : EADDRNOTAVAIL;
			goto out;
		}
		h->n_socks++;
	}
	*hp = h;
	return 0;
out:
	locd_http_free(h);
	return err;
}

int locd_http_port(const struct locd_http *h, size_t i, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	evutil_socket_t fd;

	if (!h || !port)
		return EINVAL;
	if (i >= h->n_socks)
		return ENOENT;
	fd = evhttp_bound_socket_get_fd(h->socks[i]);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return errno;
	if (ss.ss_family == AF_INET)
		*port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	else if (ss.ss_family == AF_INET6)
		*port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	else
		return EINVAL;
	return 0;
}
