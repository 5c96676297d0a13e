/*
 * config.h: locd's configuration: every option, its default, the INI file
 * reader and command-line overrides; plus the first-start helpers that
 * create the self-signed TLS certificate and the Digest nonce secret.
 *
 * locd_config_init() fills in defaults under which locd, started with no
 * arguments, serves on loopback only (SIP 127.0.0.1:5060 UDP+TCP, TLS
 * 127.0.0.1:5061, HTTP 127.0.0.1:8080, state in var/locd.db, demo users,
 * policy and features under data/). data/locd.conf documents every option
 * and parses to exactly these defaults.
 *
 * Strings in struct locd_config are read-only for users; those set from a
 * file or an override are owned by the struct and freed by
 * locd_config_reset(); a string replaced by load or set is freed at once,
 * so copy what must outlive that. Listen lists and numbers are inline.
 * Values are checked on entry (ranges, ports, rates, booleans, host
 * names); relations between options (min <= default <= max, T1 <= T2,
 * ...) by locd_config_check(), which locd_config_load() runs and the
 * daemon runs again after the command-line overrides. No globals; not
 * thread-safe (one owner).
 */
#ifndef LOCD_CONFIG_H
#define LOCD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "locd/store.h"

#define LOCD_LISTEN_MAX 8   /* addresses per listen list */
#define LOCD_HOST_MAX 48    /* an IPv6 literal and its NUL */
#define LOCD_CONFIG_ERR_MAX 320
#define LOCD_CONFIG_VALUE_MAX 1024 /* longest value accepted (paths) */

/* One listen address: a numeric IPv4 or IPv6 literal and a port. */
struct locd_addr {
	char host[LOCD_HOST_MAX]; /* without brackets */
	uint16_t port;            /* 1..65535 */
	int family;               /* AF_INET or AF_INET6 */
};

/* A listen list; n == 0 disables that listener. */
struct locd_listen {
	struct locd_addr a[LOCD_LISTEN_MAX];
	unsigned n;
};

enum locd_tls_verify {
	LOCD_TLS_VERIFY_NONE = 0, /* no client certificate requested */
	LOCD_TLS_VERIFY_OPTIONAL, /* requested, checked if sent */
	LOCD_TLS_VERIFY_REQUIRE,  /* handshake fails without one */
};

/* Syslog severities. */
enum locd_log_level {
	LOCD_LOG_ERR = 3,
	LOCD_LOG_WARNING = 4,
	LOCD_LOG_NOTICE = 5,
	LOCD_LOG_INFO = 6,
	LOCD_LOG_DEBUG = 7,
};

struct locd_config {
	/* [server] */
	const char *domain;          /* "localhost" */
	enum locd_log_level log_level; /* info */

	/* [sip] */
	struct locd_listen sip_udp;  /* 127.0.0.1:5060 */
	struct locd_listen sip_tcp;  /* 127.0.0.1:5060 */
	struct locd_listen sip_tls;  /* 127.0.0.1:5061 */
	unsigned t1_ms;              /* 500 (RFC 3261 T1) */
	unsigned t2_ms;              /* 4000 */
	unsigned t4_ms;              /* 5000 */
	unsigned max_message;        /* 65536 bytes per SIP message */
	unsigned max_body;           /* 65536 bytes per body (SEC-18) */
	unsigned tcp_idle_s;         /* 300: close idle TCP/TLS flows */
	unsigned max_connections;    /* 1024 TCP+TLS connections */

	/* [tls] */
	const char *tls_cert;        /* var/tls/cert.pem */
	const char *tls_key;         /* var/tls/key.pem */
	const char *tls_ca;          /* "": no CA file */
	enum locd_tls_verify tls_verify; /* none */

	/* [http] */
	struct locd_listen http_listen; /* 127.0.0.1:8080 */

	/* [auth] */
	bool auth;                   /* true: Digest (SEC-6) */
	const char *realm;           /* "localhost" */
	const char *users_file;      /* data/demo/users */
	unsigned nonce_lifetime_s;   /* 300 */
	const char *nonce_secret;    /* var/nonce.key */

	/* [policy] */
	const char *policy_file;     /* data/demo/policy.ini */

	/* [subscribe] (EV-11, EV-13) */
	unsigned sub_default_expires; /* 3600 */
	unsigned sub_min_expires;     /* 60 */
	unsigned sub_max_expires;     /* 86400 */
	unsigned max_subscriptions;   /* 1000000; publications too */

	/* [publish] (EV-31) */
	unsigned pub_default_expires; /* 3600 */
	unsigned pub_min_expires;     /* 60 */
	unsigned pub_max_expires;     /* 86400 */

	/* [notify] (RC-1..RC-4, Q-23, Q-26) */
	unsigned quarantine_ms;      /* 500 */
	unsigned burst_n;            /* 10 ... */
	unsigned burst_period_ms;    /* ... per 1000 ms */
	unsigned window_n;           /* 30 ... */
	unsigned window_period_s;    /* ... per 30 s */
	double presence_max_rate;    /* 0.2 per second */
	unsigned global_rate;        /* 0: off; NOTIFYs/s, whole process */
	unsigned global_burst;       /* 1000: the bucket's depth */
	bool terminate_on_shutdown;  /* false */
	bool rfc_containment;        /* false */

	/* [ingest] */
	unsigned max_future_skew_s;  /* 300 */
	const char *device_map;      /* "": none */
	bool require_token;          /* false */
	unsigned max_targets;        /* 100000 targets kept in memory */

	/* [store] */
	const char *db_path;         /* var/locd.db */
	enum locd_store_sync store_sync; /* normal */

	/* [geo] (struct geo_limits) */
	const char *features_dir;    /* data/features/ */
	unsigned max_vertices;       /* 10000 positions per ring, any GML */
	unsigned max_catalog_shapes;   /* 100000 per catalog feature */
	unsigned max_catalog_vertices; /* 2000000 per catalog feature */
	unsigned max_catalog_bytes;    /* 67108864 (64 MiB) per file */

	uint64_t owned_; /* private: which strings are heap copies */
};

/* An error: "file:line: reason" or "section.key: reason". */
struct locd_config_err {
	unsigned line; /* 0 when not tied to a line */
	char msg[LOCD_CONFIG_ERR_MAX];
};

/*
 * Command line (locd/main.c), in this order: init; -c FILE: load;
 * --sip-listen L: set sip.udp and sip.tcp; --http-listen L: http.listen;
 * --db PATH: store.db; --domain D: server.domain; --no-auth:
 * auth.enabled = no; -v: server.log_level = debug; then check.
 * First start: locd_tls_ensure_selfsigned(tls_cert, tls_key, domain),
 * locd_secret_ensure(nonce_secret), store opened at db_path.
 */

/* Fill in every default. Cannot fail; no allocation. */
void locd_config_init(struct locd_config *c);

/* Free owned strings and return to the defaults. NULL is accepted. */
void locd_config_reset(struct locd_config *c);

/*
 * Read the INI file at path over c (options not in the file keep their
 * current values), then run locd_config_check(). All or nothing: on error
 * c is unchanged and err (if not NULL) says "path:line: reason".
 * Errors: errno of fopen (ENOENT, EACCES, ...); EBADMSG malformed line;
 * ENOENT unknown section or key; EEXIST key given twice; EINVAL bad value;
 * ERANGE value out of range; EOVERFLOW line, value or list too long;
 * ENOMEM; and those of locd_config_check() (line 0).
 */
int locd_config_load(struct locd_config *c, const char *path,
		     struct locd_config_err *err)
	__attribute__((warn_unused_result));

/*
 * Set one option, "section.key" = value (command-line overrides). Same
 * validation and error codes as a file line; relations are not checked
 * here (call locd_config_check() after the last override).
 */
int locd_config_set(struct locd_config *c, const char *name,
		    const char *value, struct locd_config_err *err)
	__attribute__((warn_unused_result));

/*
 * Relations between options: ERANGE unless min <= default <= max Expires,
 * T1 <= T2 and max_body <= max_message; EINVAL when client certificate
 * checks lack a CA file or require_token lacks a device map.
 */
int locd_config_check(const struct locd_config *c,
		      struct locd_config_err *err)
	__attribute__((warn_unused_result));

/* True when every option of a equals that of b. */
bool locd_config_equal(const struct locd_config *a,
		       const struct locd_config *b);

/* Write c as an INI file that locd_config_load() reads back equal. */
int locd_config_write(const struct locd_config *c, FILE *f)
	__attribute__((warn_unused_result));

/* The i-th option's "section.key", NULL past the last. */
const char *locd_config_option(size_t i);

/* Names for printing. */
const char *locd_log_level_name(enum locd_log_level l);
const char *locd_tls_verify_name(enum locd_tls_verify v);

/*
 * First start. Create the directory path (and missing parents) with mode
 * 0700; existing directories are left as they are. 0 or errno.
 */
int locd_dir_ensure(const char *path) __attribute__((warn_unused_result));

/*
 * If cert or key is missing, make a fresh EC P-256 key and a self-signed
 * X.509 v3 certificate for cn (subject CN; subjectAltName DNS, or IP
 * for an address, "[::1]" included; valid for 10 years; SHA-256) and
 * write both as PEM: the key with mode 0600, the parent directories
 * created with 0700. Existing pairs are left alone. Errors: EINVAL (bad
 * arguments, cn longer than 64 bytes), errno of the file system, EIO
 * (OpenSSL failure), ENOMEM.
 */
int locd_tls_ensure_selfsigned(const char *cert, const char *key,
			       const char *cn)
	__attribute__((warn_unused_result));

#define LOCD_SECRET_LEN 32

/*
 * Read the LOCD_SECRET_LEN-byte secret at path (the Digest nonce key),
 * creating it from the OpenSSL RNG with mode 0600 (parents 0700) if
 * absent. Errors: EBADMSG when the file is not exactly that size, EPERM
 * when group or others may read it, EIO (RNG), errno of the file system.
 */
int locd_secret_ensure(const char *path, unsigned char out[LOCD_SECRET_LEN])
	__attribute__((warn_unused_result));

#endif
