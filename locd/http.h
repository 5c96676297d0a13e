/*
 * http.h: position ingest over HTTP (the OsmAnd / Traccar client
 * protocol), the device map, and /healthz and /metrics.
 *
 * What it does: osmand.c parses one request's parameters
 *   id=DEVICE&lat=..&lon=..&timestamp=..&speed=..&altitude=..
 *   &accuracy=..&bearing=..&hdop=..
 * (query string or application/x-www-form-urlencoded body), or the JSON
 * body of Traccar Client 9+, into a struct locd_fix, with explicit
 * limits, percent-decoding and range checks, and checks a fix for
 * plausibility against the clock and the device's last fix. http.c maps device ids to AORs (devices.ini), checks per-device
 * tokens in constant time, and serves all of it with libevent's evhttp.
 * What it does not do: store positions, evaluate filters or build PIDF-LO;
 * an accepted fix goes to the caller's ingest callback.
 * Units: speed arrives in knots in the query form (Traccar's OsmAnd
 * decoder reads it so, convertSpeed(value, "kn")) and in m/s in JSON;
 * it leaves in m/s; altitude and accuracy in metres; bearing in degrees;
 * times are UNIX seconds (UTC, fractional).
 * Ownership: structs locd_devices and locd_http are heap (x_alloc/x_free);
 * a struct locd_fix is plain data.
 * Threads: the server runs on the caller's event_base thread.
 * Limits: query or body LOCD_OSMAND_QUERY_MAX bytes (configurable up to
 * LOCD_OSMAND_QUERY_CAP), LOCD_OSMAND_PARAMS_MAX parameters, device id
 * LOCD_DEVICE_ID_MAX bytes of [A-Za-z0-9._-], token LOCD_TOKEN_MAX.
 * Errors: 0 or a positive errno; parse and check functions also give a
 * static one-line reason and the enum locd_refuse counted in metrics.
 */
#ifndef LOCD_HTTP_H
#define LOCD_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "geo/geo.h"
#include "locd/metrics.h"

/* Default cap on a query string or form body: a full OsmAnd request is
 * about 200 bytes. */
#define LOCD_OSMAND_QUERY_MAX 2048
/* Hard ceiling for the configured cap. */
#define LOCD_OSMAND_QUERY_CAP 65536
/* Parameters per request, known or not (OsmAnd sends about 10). */
#define LOCD_OSMAND_PARAMS_MAX 32
#define LOCD_DEVICE_ID_MAX 64
#define LOCD_TOKEN_MAX 128
#define LOCD_TOKEN_MIN 8
/* AOR of a device (sip:user@host). */
#define LOCD_AOR_MAX 256

/* One knot in m/s (1852 m per hour). */
#define LOCD_KNOT_MS (1852.0 / 3600.0)

/* Limits for the parser; zeros give the defaults above. */
struct locd_osmand_limits {
	size_t query_max;	/* bytes of query or body */
	size_t params_max;	/* parameters */
};

/* One position update from a device. */
struct locd_fix {
	char device[LOCD_DEVICE_ID_MAX + 1];
	struct geo_point pos;	/* has_alt when altitude was sent */
	double time;		/* UNIX seconds, UTC */
	bool has_time;		/* false: no timestamp, time = receipt */
	double speed;		/* m/s (converted from knots) */
	bool has_speed;
	double bearing;		/* degrees, 0..360 */
	bool has_bearing;
	double accuracy;	/* metres, horizontal (a circle's radius) */
	bool has_accuracy;
	double hdop;
	bool has_hdop;
	char token[LOCD_TOKEN_MAX + 1];	/* token= parameter, "" if none */
};

/*
 * Parse an OsmAnd query string or form body (len bytes, without '?';
 * NUL not needed) into *fix. now (UNIX seconds) stands in for a missing
 * timestamp. Parameters: id (or deviceid), lat, lon, timestamp (UNIX
 * seconds; milliseconds when above 1e12; or ISO 8601
 * YYYY-MM-DD[T ]hh:mm[:ss[.f]][Z|+hh[:mm]|-hh[:mm]], UTC without a zone),
 * speed (knots), altitude (or alt), accuracy, bearing (or heading), hdop,
 * valid (true/false/1/0), token; unknown ones are ignored; a known one
 * twice is an error. Returns 0, EBADMSG (malformed: *why MALFORMED),
 * EOVERFLOW (a limit: LIMIT), ERANGE (a value out of range: RANGE, NAN or
 * NOFIX), EINVAL (bad argument). *why and *reason (either may be NULL)
 * are set on error only.
 */
int locd_osmand_parse(const char *q, size_t len,
		      const struct locd_osmand_limits *lim, double now,
		      struct locd_fix *fix, enum locd_refuse *why,
		      const char **reason) __attribute__((warn_unused_result));

/*
 * Parse a Traccar Client JSON body (Traccar Client 9 and later):
 *   {"device_id": "ID",
 *    "location": {"timestamp": "2023-11-14T22:13:20.000Z",
 *                 "coords": {"latitude": .., "longitude": ..,
 *                            "accuracy": m, "speed": m/s,
 *                            "heading": deg, "altitude": m}, ...}}
 * timestamp may also be a number (UNIX seconds, or milliseconds above
 * 1e12). Speed is m/s here (no knots). A negative speed, heading or
 * accuracy is the clients' "not available" and leaves that field absent.
 * Other members are ignored; duplicate keys are refused. Same limits,
 * codes, refusal classes and argument rules as locd_osmand_parse.
 */
int locd_osmand_parse_json(const char *body, size_t len,
			   const struct locd_osmand_limits *lim, double now,
			   struct locd_fix *fix, enum locd_refuse *why,
			   const char **reason)
	__attribute__((warn_unused_result));

/*
 * The query string that may come with a JSON body: nothing, or token=
 * alone. Decodes the token into out (LOCD_TOKEN_MAX + 1 bytes; "" when
 * absent). Returns 0, EBADMSG (another parameter, bad encoding or bytes),
 * EOVERFLOW (token too long), EINVAL; *reason as above.
 */
int locd_osmand_query_token(const char *q, size_t len, char *out,
			    const char **reason)
	__attribute__((warn_unused_result));

/* What a fix is checked against. */
struct locd_fix_check {
	double now;		/* UNIX seconds */
	double max_skew;	/* seconds a fix may be ahead of now */
	bool has_last;
	double last_time;	/* the device's last accepted fix */
};

/*
 * Plausibility of a parsed fix. Returns 0, ERANGE (time more than
 * max_skew ahead: FUTURE; older than the last fix: ORDER), EALREADY (same
 * time as the last fix: ORDER; a client resending after a lost answer),
 * EINVAL. why and reason as above.
 */
int locd_fix_check(const struct locd_fix *fix,
		   const struct locd_fix_check *c, enum locd_refuse *why,
		   const char **reason) __attribute__((warn_unused_result));

/* UNIX seconds of an ISO 8601 time as above (exported for tests).
 * Returns 0, EBADMSG, ERANGE (a field out of range). */
int locd_iso8601_parse(const char *s, size_t len, double *t)
	__attribute__((warn_unused_result));

/* --- Device map (devices.ini).
 *
 *     [device phone-alice]
 *     aor = sip:alice@localhost
 *     token = 0123456789abcdef      ; optional, LOCD_TOKEN_MIN..MAX
 *
 * Device ids as above; aor a sip: or sips: URI without spaces; token
 * printable ASCII without spaces. Tokens are kept only as SHA-256
 * digests and compared in constant time. */

struct locd_devices;

int locd_devices_parse(struct locd_devices **dp, const char *text,
		       size_t len, unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));
int locd_devices_load(struct locd_devices **dp, const char *path,
		      unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));
void locd_devices_free(struct locd_devices *d);
size_t locd_devices_count(const struct locd_devices *d);

enum locd_device_auth {
	LOCD_DEVICE_OK = 0,
	LOCD_DEVICE_NO_TOKEN,	/* a token is needed and none was sent */
	LOCD_DEVICE_DENIED,	/* wrong token, or no token to check */
	LOCD_DEVICE_UNKNOWN,	/* not mapped, and tokens are required */
};

/*
 * Decide whether device id, presenting token (NULL or "" for none), may
 * update, and for which AOR (into aor, LOCD_AOR_MAX + 1 bytes).
 * A mapped device with a token must present it. A mapped device without
 * one, or an unmapped device (AOR sip:ID@domain), is accepted only when
 * require_token is false. d may be NULL (no map). Returns 0 with *res set
 * (aor filled when OK), EINVAL (bad arguments, or the AOR would be too
 * long), EIO (hash failure).
 */
int locd_devices_auth(const struct locd_devices *d, const char *id,
		      const char *token, bool require_token,
		      const char *domain, enum locd_device_auth *res,
		      char *aor) __attribute__((warn_unused_result));

/* --- The server. */

struct event_base;
struct locd_http;

/* An accepted update: the device's AOR and its fix (valid during the
 * call only). */
struct locd_http_update {
	const char *aor;
	const struct locd_fix *fix;
};

/*
 * Called for each plausible, authorised update. Return 0 (answered 200)
 * or an errno (answered 503, counted nowhere here).
 */
typedef int(locd_http_ingest_h)(const struct locd_http_update *u,
				void *arg);

/*
 * The last accepted fix time of aor, for the order check: return 0 with
 * *t set, or ENOENT when there is none.
 */
typedef int(locd_http_last_h)(const char *aor, double *t, void *arg);

/* Clock: UNIX seconds. */
typedef double(locd_http_clock_h)(void *arg);

/* One address to listen on: a numeric IPv4 or IPv6 literal; port 0
 * picks an ephemeral port (see locd_http_port). */
struct locd_http_addr {
	const char *host;
	uint16_t port;
};

#define LOCD_HTTP_ADDRS_MAX 8

/* /healthz body with authentication off (issue 5 item 8). */
#define LOCD_HTTP_HEALTH_NOAUTH "ok (WARNING: authentication disabled)"

struct locd_http_conf {
	const struct locd_http_addr *addrs;	/* at least one */
	size_t n_addrs;				/* <= LOCD_HTTP_ADDRS_MAX */
	size_t body_max;	/* 0: LOCD_OSMAND_QUERY_MAX */
	size_t headers_max;	/* 0: 8192 bytes */
	unsigned timeout_s;	/* connection timeout; 0: 30 s */
	double max_skew;	/* 0: 300 s */
	bool require_token;	/* false: --no-auth behaviour, see above */
	const char *domain;	/* for sip:ID@domain; required */
	const struct locd_devices *devices;	/* may be NULL */
	struct locd_metrics *metrics;		/* /metrics; NULL: 404 */
	const struct locd_metrics_std *std;	/* counters; may be NULL */
	locd_http_last_h *lasth;		/* NULL: no order check */
	locd_http_clock_h *clockh;		/* NULL: CLOCK_REALTIME */
	void *clock_arg;
	/* /healthz says so loudly when authentication is off (--no-auth) */
	bool auth_off;
};

/*
 * Serve on base:
 *   GET|POST /?id=..   OsmAnd ingest (query or form body; or a Traccar
 *                      Client JSON body, with at most ?token= in the
 *                      query); 200 "ok", 400 with the reason, 401
 *                      (no token; WWW-Authenticate: Bearer), 403 (wrong
 *                      token or unknown device), 413 body too large, 414
 *                      query too large, 415 body not a form or JSON, 431
 *                      header fields over headers_max (evhttp drops
 *                      blocks over twice that with a 400), 503 when
 *                      ingesth fails; a same-time resend is 200 and not
 *                      ingested again.
 *   GET /healthz       200 "ok", or with conf->auth_off
 *                      "ok (WARNING: authentication disabled)"
 *   GET /metrics       Prometheus text from conf->metrics
 *   other paths 404, other methods 405 (with Allow).
 * The token comes from token= or "Authorization: Bearer TOKEN". conf's
 * pointers must outlive the server; strings are used in place. Returns 0
 * (*hp set), EINVAL (bad conf), EADDRINUSE / errno of bind, ENOMEM.
 */
int locd_http_alloc(struct locd_http **hp, struct event_base *base,
		    const struct locd_http_conf *conf,
		    locd_http_ingest_h *ingesth, void *arg)
	__attribute__((warn_unused_result));

/* Stop serving and free (NULL is fine); open connections are closed. */
void locd_http_free(struct locd_http *h);

/* The port the i-th address is bound to. Returns 0, EINVAL, ENOENT. */
int locd_http_port(const struct locd_http *h, size_t i, uint16_t *port)
	__attribute__((warn_unused_result));

#endif
