/*
 * config.c: option table, INI reader (libinih), overrides, checks.
 *
 * Every option is one row of opts[]: section, key, type, where it lives
 * in struct locd_config and its range. Reading a file goes through
 * ini_parse_stream() with our own line reader, so every handler call
 * knows its line number and over-long lines are errors, not truncation.
 */
#include "locd/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum opt_type {
	OPT_STR,    /* const char *, must not be empty */
	OPT_STR0,   /* const char *, may be empty */
	OPT_UINT,   /* unsigned in [min, max] */
	OPT_DBL,    /* double in (0, dmax] */
	OPT_BOOL,   /* bool */
	OPT_LISTEN, /* struct locd_listen */
	OPT_ENUM,   /* int-sized enum, names in names[] */
};

struct enum_name {
	const char *name;
	int value;
};

struct opt {
	const char *section;
	const char *key;
	const char *name; /* "section.key" */
	enum opt_type type;
	size_t off;
	unsigned min, max;
	double dmax;
	const struct enum_name *names;
	/* extra check of a string value; NULL reason when fine */
	const char *(*valid)(const char *v);
};

/* A SIP domain: a host name or a numeric address (RFC 3261 host). */
static const char *valid_domain(const char *v)
{
	unsigned char buf[16];
	size_t i, n = strlen(v);

	if (n > 253)
		return "longer than 253 bytes";
	if (v[0] == '[' && n > 2 && v[n - 1] == ']') {
		char h[LOCD_HOST_MAX];

		if (n - 2 >= sizeof(h))
			return "not an IPv6 address";
		memcpy(h, v + 1, n - 2);
		h[n - 2] = '\0';
		if (inet_pton(AF_INET6, h, buf) != 1)
			return "not an IPv6 address";
		return NULL;
	}
	for (i = 0; i < n; i++) {
		char ch = v[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.'))
			return "not a host name (letters, digits, '-', '.')";
	}
	if (v[0] == '.' || v[0] == '-' || strstr(v, ".."))
		return "not a host name";
	return NULL;
}

/* A Digest realm goes into a quoted-string: printable, no quote or \. */
static const char *valid_realm(const char *v)
{
	for (; *v; v++) {
		if ((unsigned char)*v < 0x20 || *v == 0x7f || *v == '"' ||
		    *v == '\\')
			return "control characters, '\"' and '\\' are not "
			       "allowed";
	}
	return NULL;
}

static const struct enum_name log_names[] = {
	{"err", LOCD_LOG_ERR},         {"warning", LOCD_LOG_WARNING},
	{"notice", LOCD_LOG_NOTICE},   {"info", LOCD_LOG_INFO},
	{"debug", LOCD_LOG_DEBUG},     {"error", LOCD_LOG_ERR},
	{"warn", LOCD_LOG_WARNING},    {NULL, 0},
};

static const struct enum_name verify_names[] = {
	{"none", LOCD_TLS_VERIFY_NONE},
	{"optional", LOCD_TLS_VERIFY_OPTIONAL},
	{"require", LOCD_TLS_VERIFY_REQUIRE},
	{NULL, 0},
};

static const struct enum_name sync_names[] = {
	{"off", LOCD_STORE_SYNC_OFF},
	{"normal", LOCD_STORE_SYNC_NORMAL},
	{"full", LOCD_STORE_SYNC_FULL},
	{"extra", LOCD_STORE_SYNC_EXTRA},
	{NULL, 0},
};

#define OFF(f) offsetof(struct locd_config, f)
#define OPT(sec, key, t, f, lo, hi, dh, n)                                    \
	{sec, key, sec "." key, t, OFF(f), lo, hi, dh, n, NULL}
#define SV(sec, key, f, fn)                                                   \
	{sec, key, sec "." key, OPT_STR, OFF(f), 0, 0, 0, NULL, fn}
#define S(sec, key, f) OPT(sec, key, OPT_STR, f, 0, 0, 0, NULL)
#define S0(sec, key, f) OPT(sec, key, OPT_STR0, f, 0, 0, 0, NULL)
#define U(sec, key, f, lo, hi) OPT(sec, key, OPT_UINT, f, lo, hi, 0, NULL)
#define D(sec, key, f, hi) OPT(sec, key, OPT_DBL, f, 0, 0, hi, NULL)
#define B(sec, key, f) OPT(sec, key, OPT_BOOL, f, 0, 0, 0, NULL)
#define L(sec, key, f) OPT(sec, key, OPT_LISTEN, f, 0, 0, 0, NULL)
#define E(sec, key, f, n) OPT(sec, key, OPT_ENUM, f, 0, 0, 0, n)

/* The order here is the order of locd_config_write() and locd.conf. */
static const struct opt opts[] = {
	SV("server", "domain", domain, valid_domain),
	E("server", "log_level", log_level, log_names),
	L("sip", "udp", sip_udp),
	L("sip", "tcp", sip_tcp),
	L("sip", "tls", sip_tls),
	U("sip", "t1_ms", t1_ms, 100, 10000),
	U("sip", "t2_ms", t2_ms, 1000, 60000),
	U("sip", "t4_ms", t4_ms, 1000, 60000),
	U("sip", "max_message", max_message, 1024, 1048576),
	U("sip", "max_body", max_body, 1024, 1048576),
	U("sip", "tcp_idle_s", tcp_idle_s, 1, 86400),
	U("sip", "max_connections", max_connections, 1, 1000000),
	S("tls", "cert", tls_cert),
	S("tls", "key", tls_key),
	S0("tls", "ca", tls_ca),
	E("tls", "verify_client", tls_verify, verify_names),
	L("http", "listen", http_listen),
	B("auth", "enabled", auth),
	SV("auth", "realm", realm, valid_realm),
	S("auth", "users", users_file),
	U("auth", "nonce_lifetime_s", nonce_lifetime_s, 10, 86400),
	S("auth", "nonce_secret", nonce_secret),
	S0("policy", "file", policy_file),
	U("subscribe", "default_expires", sub_default_expires, 1, 31536000),
	U("subscribe", "min_expires", sub_min_expires, 1, 31536000),
	U("subscribe", "max_expires", sub_max_expires, 1, 31536000),
	U("subscribe", "max_subscriptions", max_subscriptions, 1, 100000000),
	U("publish", "default_expires", pub_default_expires, 1, 31536000),
	U("publish", "min_expires", pub_min_expires, 1, 31536000),
	U("publish", "max_expires", pub_max_expires, 1, 31536000),
	U("notify", "quarantine_ms", quarantine_ms, 0, 5000),
	U("notify", "burst", burst_n, 0, 32),
	U("notify", "burst_period_ms", burst_period_ms, 1, 60000),
	U("notify", "window", window_n, 0, 32),
	U("notify", "window_period_s", window_period_s, 1, 3600),
	D("notify", "presence_max_rate", presence_max_rate, 100.0),
	U("notify", "global_rate", global_rate, 0, 1000000),
	U("notify", "global_burst", global_burst, 1, 1000000),
	B("notify", "terminate_on_shutdown", terminate_on_shutdown),
	B("notify", "rfc_containment", rfc_containment),
	U("ingest", "max_future_skew_s", max_future_skew_s, 0, 86400),
	S0("ingest", "device_map", device_map),
	B("ingest", "require_token", require_token),
	U("ingest", "max_targets", max_targets, 1, 100000000),
	S("store", "db", db_path),
	E("store", "sync", store_sync, sync_names),
	S("geo", "features_dir", features_dir),
	U("geo", "max_vertices", max_vertices, 4, 1000000),
	U("geo", "max_catalog_shapes", max_catalog_shapes, 1, 10000000),
	U("geo", "max_catalog_vertices", max_catalog_vertices, 4, 100000000),
	U("geo", "max_catalog_bytes", max_catalog_bytes, 1024, INT_MAX),
};

#define NOPTS (sizeof(opts) / sizeof(opts[0]))
_Static_assert(NOPTS <= 64, "owned_ is a 64-bit mask");

#define SECTION_MAX 32

static void err_set(struct locd_config_err *err, unsigned line,
		    const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void err_set(struct locd_config_err *err, unsigned line,
		    const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static void listen_set1(struct locd_listen *l, const char *host,
			uint16_t port)
{
	memset(l, 0, sizeof(*l));
	snprintf(l->a[0].host, sizeof(l->a[0].host), "%s", host);
	l->a[0].port = port;
	l->a[0].family = AF_INET;
	l->n = 1;
}

void locd_config_init(struct locd_config *c)
{
	memset(c, 0, sizeof(*c));
	c->domain = "localhost";
	c->log_level = LOCD_LOG_INFO;
	listen_set1(&c->sip_udp, "127.0.0.1", 5060);
	listen_set1(&c->sip_tcp, "127.0.0.1", 5060);
	listen_set1(&c->sip_tls, "127.0.0.1", 5061);
	c->t1_ms = 500;
	c->t2_ms = 4000;
	c->t4_ms = 5000;
	c->max_message = 65536;
	c->max_body = 65536;
	c->tcp_idle_s = 300;
	c->max_connections = 1024;
	c->tls_cert = "var/tls/cert.pem";
	c->tls_key = "var/tls/key.pem";
	c->tls_ca = "";
	c->tls_verify = LOCD_TLS_VERIFY_NONE;
	listen_set1(&c->http_listen, "127.0.0.1", 8080);
	c->auth = true;
	c->realm = "localhost";
	c->users_file = "data/demo/users";
	c->nonce_lifetime_s = 300;
	c->nonce_secret = "var/nonce.key";
	c->policy_file = "data/demo/policy.ini";
	c->sub_default_expires = 3600;
	c->sub_min_expires = 60;
	c->sub_max_expires = 86400;
	c->max_subscriptions = 1000000;
	c->pub_default_expires = 3600;
	c->pub_min_expires = 60;
	c->pub_max_expires = 86400;
	c->quarantine_ms = 500;
	c->burst_n = 10;
	c->burst_period_ms = 1000;
	c->window_n = 30;
	c->window_period_s = 30;
	c->presence_max_rate = 0.2;
	c->global_rate = 0;
	c->global_burst = 1000;
	c->terminate_on_shutdown = false;
	c->rfc_containment = false;
	c->max_future_skew_s = 300;
	c->device_map = "data/demo/devices.ini";
	c->require_token = false;
	c->max_targets = 100000;
	c->db_path = "var/locd.db";
	c->store_sync = LOCD_STORE_SYNC_NORMAL;
	c->features_dir = "data/features/";
	c->max_vertices = 10000;
	c->max_catalog_shapes = 100000;
	c->max_catalog_vertices = 2000000;
	c->max_catalog_bytes = 64u << 20;
	c->owned_ = 0;
}

static const char **str_field(struct locd_config *c, size_t i)
{
	return (const char **)(void *)((char *)c + opts[i].off);
}

static void strings_free(struct locd_config *c, uint64_t mask)
{
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		if (mask & ((uint64_t)1 << i))
			free((void *)(uintptr_t)*str_field(c, i));
	}
}

void locd_config_reset(struct locd_config *c)
{
	if (!c)
		return;
	strings_free(c, c->owned_);
	locd_config_init(c);
}

static const struct opt *opt_find(const char *section, const char *key,
				  size_t *idx, bool *section_known)
{
	size_t i;

	*section_known = false;
	for (i = 0; i < NOPTS; i++) {
		if (strcmp(opts[i].section, section) != 0)
			continue;
		*section_known = true;
		if (strcmp(opts[i].key, key) == 0) {
			*idx = i;
			return &opts[i];
		}
	}
	return NULL;
}

static int parse_uint(const char *v, unsigned long long *out)
{
	unsigned long long x = 0;
	const char *p = v;

	if (*p < '0' || *p > '9')
		return EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (x > (ULLONG_MAX - 9) / 10)
			return ERANGE;
		x = x * 10 + (unsigned)(*p - '0');
	}
	if (*p)
		return EINVAL;
	*out = x;
	return 0;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const t[] = {"yes", "true", "1", "on"};
	static const char *const f[] = {"no", "false", "0", "off"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, t[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, f[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return EINVAL;
}

/* One "host:port" or "[v6]:port" of length len. */
static int parse_addr(const char *s, size_t len, struct locd_addr *a,
		      const char **why)
{
	char host[LOCD_HOST_MAX], port[8];
	const char *colon, *h;
	size_t hl, pl;
	unsigned long long p;
	unsigned char buf[16];

	if (s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb || (size_t)(rb - s) + 1 >= len || rb[1] != ':') {
			*why = "expected [IPv6]:port";
			return EINVAL;
		}
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
		a->family = AF_INET6;
	} else {
		colon = memrchr(s, ':', len);
		if (!colon) {
			*why = "expected address:port";
			return EINVAL;
		}
		h = s;
		hl = (size_t)(colon - s);
		a->family = AF_INET;
	}
	pl = len - (size_t)(colon + 1 - s);
	if (hl == 0 || hl >= sizeof(host) || pl == 0 || pl >= sizeof(port)) {
		*why = "address or port malformed";
		return EINVAL;
	}
	memcpy(host, h, hl);
	host[hl] = '\0';
	memcpy(port, colon + 1, pl);
	port[pl] = '\0';
	if (inet_pton(a->family, host, buf) != 1) {
		*why = a->family == AF_INET6 ? "not an IPv6 address"
					     : "not an IPv4 address "
					       "(IPv6 goes in brackets)";
		return EINVAL;
	}
	if (parse_uint(port, &p) != 0) {
		*why = "port is not a number";
		return EINVAL;
	}
	if (p < 1 || p > 65535) {
		*why = "port out of range 1..65535";
		return ERANGE;
	}
	memcpy(a->host, host, hl + 1);
	a->port = (uint16_t)p;
	return 0;
}

/* Comma- and/or blank-separated addresses; empty disables. */
static int parse_listen(const char *v, struct locd_listen *l,
			const char **why)
{
	struct locd_listen tmp;
	const char *p = v;
	unsigned i;
	int rc;

	memset(&tmp, 0, sizeof(tmp));
	for (;;) {
		size_t n;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		n = strcspn(p, " \t,");
		if (tmp.n == LOCD_LISTEN_MAX) {
			*why = "too many addresses (at most 8)";
			return EOVERFLOW;
		}
		rc = parse_addr(p, n, &tmp.a[tmp.n], why);
		if (rc)
			return rc;
		for (i = 0; i < tmp.n; i++) {
			if (tmp.a[i].port == tmp.a[tmp.n].port &&
			    strcmp(tmp.a[i].host, tmp.a[tmp.n].host) == 0) {
				*why = "address listed twice";
				return EEXIST;
			}
		}
		tmp.n++;
		p += n;
	}
	*l = tmp;
	return 0;
}

static int parse_enum(const struct enum_name *names, const char *v, int *out)
{
	for (; names->name; names++) {
		if (strcasecmp(names->name, v) == 0) {
			*out = names->value;
			return 0;
		}
	}
	return EINVAL;
}

static const char *enum_name(const struct enum_name *names, int v)
{
	for (; names->name; names++) {
		if (names->value == v)
			return names->name;
	}
	return "?";
}

static int set_str(struct locd_config *c, size_t i, const char *value)
{
	const char **f = str_field(c, i);
	uint64_t bit = (uint64_t)1 << i;
	char *s = strdup(value);

	if (!s)
		return ENOMEM;
	if (c->owned_ & bit)
		free((void *)(uintptr_t)*f);
	*f = s;
	c->owned_ |= bit;
	return 0;
}

/* Set option i from value; *why gets the reason on failure. */
static int opt_apply(struct locd_config *c, size_t i, const char *value,
		     const char **why)
{
	const struct opt *o = &opts[i];
	void *f = (char *)c + o->off;
	unsigned long long u;
	double d;
	char *end;
	bool b;
	int rc, e;

	if (strlen(value) >= LOCD_CONFIG_VALUE_MAX) {
		*why = "value too long";
		return EOVERFLOW;
	}
	switch (o->type) {
	case OPT_STR:
		if (!*value) {
			*why = "must not be empty";
			return EINVAL;
		}
		/* fall through */
	case OPT_STR0:
		if (o->valid && (*why = o->valid(value)) != NULL)
			return EINVAL;
		rc = set_str(c, i, value);
		*why = "out of memory";
		return rc;
	case OPT_UINT:
		rc = parse_uint(value, &u);
		if (rc == EINVAL) {
			*why = "not an unsigned decimal number";
			return EINVAL;
		}
		if (rc || u < o->min || u > o->max) {
			*why = "out of range";
			return ERANGE;
		}
		*(unsigned *)f = (unsigned)u;
		return 0;
	case OPT_DBL:
		errno = 0;
		d = strtod(value, &end);
		if (!*value || *end || end == value || value[0] == ' ' ||
		    !isfinite(d)) {
			*why = "not a decimal number";
			return EINVAL;
		}
		if (errno == ERANGE || d <= 0 || d > o->dmax) {
			*why = "out of range";
			return ERANGE;
		}
		*(double *)f = d;
		return 0;
	case OPT_BOOL:
		if (parse_bool(value, &b)) {
			*why = "not a boolean (yes/no/true/false/1/0)";
			return EINVAL;
		}
		*(bool *)f = b;
		return 0;
	case OPT_LISTEN:
		return parse_listen(value, (struct locd_listen *)f, why);
	case OPT_ENUM:
		if (parse_enum(o->names, value, &e)) {
			*why = "not one of the allowed words";
			return EINVAL;
		}
		*(int *)f = e;
		return 0;
	}
	*why = "internal: bad option type";
	return EINVAL;
}

/* Range text for messages. */
static void opt_range(const struct opt *o, char *buf, size_t sz)
{
	const struct enum_name *n;
	size_t len = 0;

	buf[0] = '\0';
	switch (o->type) {
	case OPT_UINT:
		snprintf(buf, sz, " (%u..%u)", o->min, o->max);
		break;
	case OPT_DBL:
		snprintf(buf, sz, " (> 0, <= %g)", o->dmax);
		break;
	case OPT_ENUM:
		for (n = o->names; n->name && len + 1 < sz; n++) {
			int w = snprintf(buf + len, sz - len, "%s%s",
					 len ? "|" : " (", n->name);
			if (w < 0 || (size_t)w >= sz - len)
				break;
			len += (size_t)w;
		}
		if (len && len + 2 <= sz)
			memcpy(buf + len, ")", 2);
		break;
	default:
		break;
	}
}

/* Parse context for one file. */
struct load_ctx {
	struct locd_config *c;
	FILE *f;
	const char *path;
	unsigned line;       /* line just read */
	unsigned err_line;   /* first error's line, 0: none */
	int err;
	struct locd_config_err *e;
	uint64_t seen;       /* options set by this file */
};

static void ctx_fail(struct load_ctx *x, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ctx_fail(struct load_ctx *x, int code, const char *fmt, ...)
{
	char reason[LOCD_CONFIG_ERR_MAX];
	va_list ap;

	if (x->err)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	x->err = code;
	x->err_line = x->line;
	err_set(x->e, x->line, "%s:%u: %s", x->path, x->line, reason);
}

/* fgets-like; counts lines; an over-long line is an error, skipped. */
static char *load_reader(char *str, int num, void *stream)
{
	struct load_ctx *x = stream;
	size_t len;
	int ch;

	if (!fgets(str, num, x->f))
		return NULL;
	x->line++;
	len = strlen(str);
	if (len > 0 && str[len - 1] == '\n')
		return str;
	ch = fgetc(x->f);
	if (ch == EOF || ch == '\n')
		return str; /* the line just fit */
	/* no newline within num - 1 bytes: swallow the rest of the line */
	while ((ch = fgetc(x->f)) != EOF && ch != '\n')
		;
	ctx_fail(x, EOVERFLOW, "line longer than %d bytes", num - 1);
	snprintf(str, (size_t)num, ";\n");
	return str;
}

static int load_handler(void *user, const char *section, const char *name,
			const char *value)
{
	struct load_ctx *x = user;
	const struct opt *o;
	const char *why = "";
	bool sec_known;
	size_t i = 0;
	char range[160];
	int rc;

	if (x->err)
		return 1; /* report the first error only */
	if (!*section) {
		ctx_fail(x, ENOENT, "'%.40s' outside a [section]", name);
		return 0;
	}
	o = opt_find(section, name, &i, &sec_known);
	if (!o) {
		if (sec_known)
			ctx_fail(x, ENOENT, "unknown key '%.40s' in [%.40s]",
				 name, section);
		else
			ctx_fail(x, ENOENT, "unknown section [%.40s]",
				 section);
		return 0;
	}
	if (x->seen & ((uint64_t)1 << i)) {
		ctx_fail(x, EEXIST,
			 "%s.%s given twice (or continued on an "
			 "indented line)", o->section, o->key);
		return 0;
	}
	x->seen |= (uint64_t)1 << i;
	rc = opt_apply(x->c, i, value, &why);
	if (rc) {
		opt_range(o, range, sizeof(range));
		ctx_fail(x, rc, "%s.%s: %s%s", o->section, o->key, why,
			 range);
		return 0;
	}
	return 1;
}

/* Install the strings of the loaded copy n over c. */
static void config_adopt(struct locd_config *c, struct locd_config *n)
{
	uint64_t replaced = n->owned_;
	uint64_t keep = c->owned_ & ~replaced;

	strings_free(c, c->owned_ & replaced);
	n->owned_ = replaced | keep;
	*c = *n;
}

int locd_config_load(struct locd_config *c, const char *path,
		     struct locd_config_err *err)
{
	struct locd_config n;
	struct load_ctx x;
	int rc;

	if (!c || !path) {
		err_set(err, 0, "config: no path");
		return EINVAL;
	}
	n = *c;
	n.owned_ = 0; /* c's strings are borrowed until adopted */
	memset(&x, 0, sizeof(x));
	x.c = &n;
	x.path = path;
	x.e = err;
	x.f = fopen(path, "r");
	if (!x.f) {
		rc = errno;
		err_set(err, 0, "%s: %s", path, strerror(rc));
		return rc;
	}
	rc = ini_parse_stream(load_reader, &x, load_handler, &x);
	fclose(x.f);
	if (rc == -2 && !x.err) {
		err_set(err, 0, "%s: out of memory", path);
		x.err = ENOMEM;
	} else if (rc > 0 && (!x.err || (unsigned)rc < x.err_line)) {
		x.err = EBADMSG;
		err_set(err, (unsigned)rc,
			"%s:%d: malformed line (expected [section] or "
			"key = value)", path, rc);
	}
	if (!x.err && (rc = locd_config_check(&n, err)) != 0) {
		char tmp[LOCD_CONFIG_ERR_MAX];

		x.err = rc;
		if (err) {
			int w = snprintf(tmp, sizeof(tmp), "%s: %s", path,
					 err->msg);

			if (w > 0)
				memcpy(err->msg, tmp, sizeof(tmp));
		}
	}
	if (x.err) {
		strings_free(&n, n.owned_);
		return x.err;
	}
	config_adopt(c, &n);
	return 0;
}

int locd_config_set(struct locd_config *c, const char *name,
		    const char *value, struct locd_config_err *err)
{
	char section[SECTION_MAX], range[160];
	const char *dot, *why = "";
	const struct opt *o;
	bool sec_known;
	size_t i = 0, sl;
	int rc;

	if (!c || !name || !value) {
		err_set(err, 0, "config: missing option name or value");
		return EINVAL;
	}
	dot = strchr(name, '.');
	sl = dot ? (size_t)(dot - name) : 0;
	if (!dot || sl == 0 || sl >= sizeof(section)) {
		err_set(err, 0, "%.60s: expected section.key", name);
		return ENOENT;
	}
	memcpy(section, name, sl);
	section[sl] = '\0';
	o = opt_find(section, dot + 1, &i, &sec_known);
	if (!o) {
		err_set(err, 0, "%.60s: unknown %s", name,
			sec_known ? "key" : "section");
		return ENOENT;
	}
	rc = opt_apply(c, i, value, &why);
	if (rc) {
		opt_range(o, range, sizeof(range));
		err_set(err, 0, "%s.%s: %s%s", o->section, o->key, why,
			range);
	}
	return rc;
}

static int check_expires(const char *sec, unsigned dflt, unsigned min,
			 unsigned max, struct locd_config_err *err)
{
	if (min > dflt || dflt > max) {
		err_set(err, 0,
			"[%s] needs min_expires <= default_expires <= "
			"max_expires (%u, %u, %u)", sec, min, dflt, max);
		return ERANGE;
	}
	return 0;
}

int locd_config_check(const struct locd_config *c,
		      struct locd_config_err *err)
{
	int rc;

	if (!c)
		return EINVAL;
	if (c->t1_ms > c->t2_ms) {
		err_set(err, 0, "[sip] needs t1_ms <= t2_ms (%u > %u)",
			c->t1_ms, c->t2_ms);
		return ERANGE;
	}
	if (c->max_body > c->max_message) {
		err_set(err, 0, "[sip] needs max_body <= max_message");
		return ERANGE;
	}
	if (c->tls_verify != LOCD_TLS_VERIFY_NONE && !*c->tls_ca) {
		err_set(err, 0, "[tls] verify_client = %s needs a ca file",
			locd_tls_verify_name(c->tls_verify));
		return EINVAL;
	}
	if (c->require_token && !*c->device_map) {
		err_set(err, 0,
			"[ingest] require_token needs a device_map with the "
			"tokens");
		return EINVAL;
	}
	rc = check_expires("subscribe", c->sub_default_expires,
			   c->sub_min_expires, c->sub_max_expires, err);
	if (rc)
		return rc;
	return check_expires("publish", c->pub_default_expires,
			     c->pub_min_expires, c->pub_max_expires, err);
}

static bool listen_equal(const struct locd_listen *a,
			 const struct locd_listen *b)
{
	unsigned i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++) {
		if (a->a[i].port != b->a[i].port ||
		    a->a[i].family != b->a[i].family ||
		    strcmp(a->a[i].host, b->a[i].host) != 0)
			return false;
	}
	return true;
}

bool locd_config_equal(const struct locd_config *a,
		       const struct locd_config *b)
{
	size_t i;

	for (i = 0; i < NOPTS; i++) {
		const void *fa = (const char *)a + opts[i].off;
		const void *fb = (const char *)b + opts[i].off;

		switch (opts[i].type) {
		case OPT_STR:
		case OPT_STR0:
			if (strcmp(*(const char *const *)fa,
				   *(const char *const *)fb) != 0)
				return false;
			break;
		case OPT_UINT:
			if (*(const unsigned *)fa != *(const unsigned *)fb)
				return false;
			break;
		case OPT_DBL:
			if (*(const double *)fa != *(const double *)fb)
				return false;
			break;
		case OPT_BOOL:
			if (*(const bool *)fa != *(const bool *)fb)
				return false;
			break;
		case OPT_LISTEN:
			if (!listen_equal(fa, fb))
				return false;
			break;
		case OPT_ENUM:
			if (*(const int *)fa != *(const int *)fb)
				return false;
			break;
		}
	}
	return true;
}

/* Shortest %g spelling that reads back as d. */
static void dbl_print(double d, char *buf, size_t sz)
{
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

static int listen_write(const struct locd_listen *l, FILE *f)
{
	unsigned i;

	for (i = 0; i < l->n; i++) {
		const struct locd_addr *a = &l->a[i];
		bool v6 = a->family == AF_INET6;

		if (fprintf(f, "%s%s%s%s:%u", i ? ", " : "", v6 ? "[" : "",
			    a->host, v6 ? "]" : "", a->port) < 0)
			return EIO;
	}
	return 0;
}

int locd_config_write(const struct locd_config *c, FILE *f)
{
	const char *sec = "";
	char num[40];
	size_t i;

	if (!c || !f)
		return EINVAL;
	for (i = 0; i < NOPTS; i++) {
		const struct opt *o = &opts[i];
		const void *fv = (const char *)c + o->off;
		int rc = 0;

		if (strcmp(sec, o->section) != 0) {
			sec = o->section;
			if (fprintf(f, "%s[%s]\n", i ? "\n" : "", sec) < 0)
				return EIO;
		}
		if (fprintf(f, "%s = ", o->key) < 0)
			return EIO;
		switch (o->type) {
		case OPT_STR:
		case OPT_STR0:
			rc = fputs(*(const char *const *)fv, f) < 0 ? EIO : 0;
			break;
		case OPT_UINT:
			rc = fprintf(f, "%u", *(const unsigned *)fv) < 0 ? EIO
									 : 0;
			break;
		case OPT_DBL:
			dbl_print(*(const double *)fv, num, sizeof(num));
			rc = fputs(num, f) < 0 ? EIO : 0;
			break;
		case OPT_BOOL:
			rc = fputs(*(const bool *)fv ? "yes" : "no", f) < 0
				     ? EIO
				     : 0;
			break;
		case OPT_LISTEN:
			rc = listen_write(fv, f);
			break;
		case OPT_ENUM:
			rc = fputs(enum_name(o->names, *(const int *)fv), f) <
					     0
				     ? EIO
				     : 0;
			break;
		}
		if (rc || fputc('\n', f) == EOF)
			return EIO;
	}
	return 0;
}

const char *locd_config_option(size_t i)
{
	return i < NOPTS ? opts[i].name : NULL;
}

const char *locd_log_level_name(enum locd_log_level l)
{
	return enum_name(log_names, (int)l);
}

const char *locd_tls_verify_name(enum locd_tls_verify v)
{
	return enum_name(verify_names, (int)v);
}
