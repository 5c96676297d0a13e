/*
 * test_config.c: locd/config.c and locd/config_tls.c.
 *
 * Defaults serve on loopback only; data/locd.conf parses to exactly the
 * defaults and names every option; each bad line gives its own error code
 * and "file:line: reason"; overrides; the self-signed TLS pair (EC P-256,
 * key 0600, directory 0700, certificate matches key) and the nonce
 * secret (SEC-6).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ini.h>

#include "locd/config.h"
#include "tests/unit/testutil.h"

static char tmpdir[64];

static void setup(void)
{
	ck_assert_int_eq(tu_tmpdir_make(tmpdir, sizeof(tmpdir),
					"locd-config"), 0);
}

static void teardown(void)
{
	tu_tmpdir_remove(tmpdir);
}

/* Write text to <tmpdir>/name; path into buf. */
static void write_file(char *buf, size_t sz, const char *name,
		       const char *text)
{
	FILE *f;

	snprintf(buf, sz, "%s/%s", tmpdir, name);
	f = fopen(buf, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_defaults)
{
	struct locd_config c;
	struct locd_config_err err;

	locd_config_init(&c);
	/* loopback only, the ports of the task */
	ck_assert_uint_eq(c.sip_udp.n, 1);
	ck_assert_str_eq(c.sip_udp.a[0].host, "127.0.0.1");
	ck_assert_uint_eq(c.sip_udp.a[0].port, 5060);
	ck_assert_int_eq(c.sip_udp.a[0].family, AF_INET);
	ck_assert_uint_eq(c.sip_tcp.n, 1);
	ck_assert_uint_eq(c.sip_tcp.a[0].port, 5060);
	ck_assert_str_eq(c.sip_tls.a[0].host, "127.0.0.1");
	ck_assert_uint_eq(c.sip_tls.a[0].port, 5061);
	ck_assert_str_eq(c.http_listen.a[0].host, "127.0.0.1");
	ck_assert_uint_eq(c.http_listen.a[0].port, 8080);
	ck_assert_str_eq(c.tls_cert, "var/tls/cert.pem");
	ck_assert_str_eq(c.tls_key, "var/tls/key.pem");
	ck_assert_int_eq(c.tls_verify, LOCD_TLS_VERIFY_NONE);
	ck_assert_str_eq(c.db_path, "var/locd.db");
	ck_assert_int_eq(c.store_sync, LOCD_STORE_SYNC_NORMAL);
	ck_assert_str_eq(c.domain, "localhost");
	ck_assert_str_eq(c.users_file, "data/demo/users");
	ck_assert_str_eq(c.policy_file, "data/demo/policy.ini");
	/* issue 5 item 8: the demo device map, so `make run` takes HTTP
	 * updates from the demo devices with their tokens */
	ck_assert_str_eq(c.device_map, "data/demo/devices.ini");
	ck_assert_str_eq(c.features_dir, "data/features/");
	ck_assert_str_eq(c.nonce_secret, "var/nonce.key");
	ck_assert(c.auth);
	/* RFC 3261 timers, SEC-18 sizes */
	ck_assert_uint_eq(c.t1_ms, 500);
	ck_assert_uint_eq(c.t2_ms, 4000);
	ck_assert_uint_eq(c.t4_ms, 5000);
	ck_assert_uint_eq(c.max_body, 65536);
	/* EV-11: one hour */
	ck_assert_uint_eq(c.sub_default_expires, 3600);
	ck_assert_uint_eq(c.pub_default_expires, 3600);
	/* RC-1, RC-2, RC-3/Q-26, RC-4/Q-23 */
	ck_assert_uint_eq(c.quarantine_ms, 500);
	ck_assert_uint_eq(c.burst_n, 10);
	ck_assert_uint_eq(c.burst_period_ms, 1000);
	ck_assert_uint_eq(c.window_n, 30);
	ck_assert_uint_eq(c.window_period_s, 30);
	ck_assert_double_eq(c.presence_max_rate, 0.2);
	ck_assert(!c.terminate_on_shutdown);
	ck_assert(!c.rfc_containment);
	ck_assert_uint_eq(c.max_future_skew_s, 300);
	ck_assert_uint_eq(c.max_vertices, 10000);
	/* geo's catalog caps (struct geo_limits, issue 6) */
	ck_assert_uint_eq(c.max_catalog_shapes, 100000);
	ck_assert_uint_eq(c.max_catalog_vertices, 2000000);
	ck_assert_uint_eq(c.max_catalog_bytes, 64u << 20);
	ck_assert_int_eq(locd_config_check(&c, &err), 0);
	ck_assert_str_eq(locd_log_level_name(c.log_level), "info");
	ck_assert_str_eq(locd_store_sync_name(c.store_sync), "normal");
	ck_assert_str_eq(locd_tls_verify_name(c.tls_verify), "none");
	locd_config_reset(&c);
	locd_config_reset(NULL);
}
END_TEST

/* Is "key =" present inside "[section]" of text? */
static bool conf_has(const char *text, const char *option)
{
	char sec[48], key[64];
	const char *dot = strchr(option, '.'), *p, *end, *k;
	size_t kl;

	snprintf(sec, sizeof(sec), "\n[%.*s]\n", (int)(dot - option),
		 option);
	p = strstr(text, sec);
	if (!p)
		return false;
	p += strlen(sec) - 1;
	end = strstr(p, "\n[");
	if (!end)
		end = p + strlen(p);
	kl = (size_t)snprintf(key, sizeof(key), "\n%s =", dot + 1);
	k = strstr(p, key);
	return k && k < end && kl > 3;
}

START_TEST(test_shipped_file)
{
	struct locd_config c, d;
	struct locd_config_err err;
	char *text;
	size_t i;
	int rc;

	locd_config_init(&c);
	locd_config_init(&d);
	rc = locd_config_load(&c, "data/locd.conf", &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert(locd_config_equal(&c, &d));
	/* every option is written out, none left implicit */
	text = tu_read_file("data/locd.conf", NULL);
	ck_assert_ptr_nonnull(text);
	for (i = 0; locd_config_option(i); i++)
		ck_assert_msg(conf_has(text, locd_config_option(i)),
			      "%s missing from data/locd.conf",
			      locd_config_option(i));
	ck_assert_uint_ge(i, 40);
	free(text);
	locd_config_reset(&c);
	locd_config_reset(&d);
}
END_TEST

START_TEST(test_write_roundtrip)
{
	struct locd_config c, d;
	struct locd_config_err err;
	char path[128];
	FILE *f;

	locd_config_init(&c);
	ck_assert_int_eq(locd_config_set(&c, "sip.udp",
					 "[::1]:5070, 10.0.0.1:5060", &err),
			 0);
	ck_assert_int_eq(locd_config_set(&c, "sip.tls", "", &err), 0);
	ck_assert_int_eq(
		locd_config_set(&c, "notify.presence_max_rate", "1.5", &err),
		0);
	ck_assert_int_eq(locd_config_set(&c, "store.db", "/x/y.db", &err),
			 0);
	ck_assert_int_eq(locd_config_set(&c, "store.sync", "full", &err), 0);
	ck_assert_int_eq(locd_config_set(&c, "auth.enabled", "no", &err), 0);
	ck_assert_int_eq(locd_config_set(&c, "tls.ca", "ca.pem", &err), 0);
	ck_assert_int_eq(locd_config_set(&c, "geo.max_catalog_bytes",
					 "2147483647", &err), 0);
	ck_assert_int_eq(locd_config_set(&c, "geo.max_catalog_shapes", "7",
					 &err), 0);
	snprintf(path, sizeof(path), "%s/w.conf", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(locd_config_write(&c, f), 0);
	ck_assert_int_eq(fclose(f), 0);
	locd_config_init(&d);
	ck_assert(!locd_config_equal(&c, &d));
	ck_assert_int_eq(locd_config_load(&d, path, &err), 0);
	ck_assert(locd_config_equal(&c, &d));
	ck_assert_uint_eq(d.sip_tls.n, 0);
	ck_assert_uint_eq(d.sip_udp.n, 2);
	ck_assert_int_eq(d.sip_udp.a[0].family, AF_INET6);
	ck_assert_str_eq(d.sip_udp.a[0].host, "::1");
	ck_assert_uint_eq(d.sip_udp.a[1].port, 5060);
	ck_assert_double_eq(d.presence_max_rate, 1.5);
	ck_assert_uint_eq(d.max_catalog_bytes, 2147483647u);
	ck_assert_uint_eq(d.max_catalog_shapes, 7);
	ck_assert_uint_eq(d.max_catalog_vertices, 2000000);
	locd_config_reset(&c);
	locd_config_reset(&d);
}
END_TEST

struct bad_case {
	const char *text;
	int rc;
	unsigned line;   /* 0: not tied to a line */
	const char *why; /* substring of the message */
};

static const struct bad_case bad[] = {
	{"[sip]\nt1_ms = abc\n", EINVAL, 2, "sip.t1_ms: not an unsigned"},
	{"[sip]\nt1_ms = 50\n", ERANGE, 2, "out of range (100..10000)"},
	{"[sip]\nt1_ms = -5\n", EINVAL, 2, "sip.t1_ms"},
	{"[sip]\nt1_ms = 99999999999999999999999\n", ERANGE, 2, "range"},
	{"[sip]\nt1_ms = 5 00\n", EINVAL, 2, "not an unsigned"},
	{"[sip]\nudp = 127.0.0.1:70000\n", ERANGE, 2, "port out of range"},
	{"[sip]\nudp = 127.0.0.1:0\n", ERANGE, 2, "port out of range"},
	{"[sip]\nudp = 127.0.0.1\n", EINVAL, 2, "expected address:port"},
	{"[sip]\nudp = ::1:5060\n", EINVAL, 2, "IPv6 goes in brackets"},
	{"[sip]\nudp = [::1]5060\n", EINVAL, 2, "expected [IPv6]:port"},
	{"[sip]\nudp = [1.2.3.4]:5060\n", EINVAL, 2, "not an IPv6"},
	{"[sip]\nudp = localhost:5060\n", EINVAL, 2, "not an IPv4"},
	{"[sip]\nudp = 127.0.0.1:http\n", EINVAL, 2, "port is not a number"},
	{"[sip]\nudp = 127.0.0.1:1,127.0.0.1:2,127.0.0.1:3,127.0.0.1:4,"
	 "127.0.0.1:5,127.0.0.1:6,127.0.0.1:7,127.0.0.1:8,127.0.0.1:9\n",
	 EOVERFLOW, 2, "too many addresses"},
	{"[auth]\nenabled = maybe\n", EINVAL, 2, "not a boolean"},
	{"[http]\nlisten = 127.0.0.1:80, 127.0.0.1:80\n", EEXIST, 2,
	 "http.listen: address listed twice"},
	{"[sip]\nmax_body = 100\n", ERANGE, 2, "(1024..1048576)"},
	{"[nope]\nx = 1\n", ENOENT, 2, "unknown section [nope]"},
	{"[sip]\nnope = 1\n", ENOENT, 2, "unknown key 'nope' in [sip]"},
	{"domain = x\n", ENOENT, 1, "outside a [section]"},
	{"[server]\ndomain = a\ndomain = b\n", EEXIST, 3, "given twice"},
	{"[server]\nthis is not ini\n", EBADMSG, 2, "malformed line"},
	{"[server\n", EBADMSG, 1, "malformed line"},
	{"[notify]\npresence_max_rate = 0\n", ERANGE, 2, "out of range"},
	{"[notify]\npresence_max_rate = 101\n", ERANGE, 2, "<= 100"},
	{"[notify]\npresence_max_rate = nan\n", EINVAL, 2, "not a decimal"},
	{"[notify]\npresence_max_rate = 0.2x\n", EINVAL, 2, "not a decimal"},
	{"[notify]\nburst = 33\n", ERANGE, 2, "notify.burst"},
	{"[notify]\nquarantine_ms = 5001\n", ERANGE, 2, "(0..5000)"},
	{"[notify]\nterminate_on_shutdown = 2\n", EINVAL, 2, "boolean"},
	{"[store]\nsync = sometimes\n", EINVAL, 2, "off|normal|full|extra"},
	{"[server]\nlog_level = loud\n", EINVAL, 2, "server.log_level"},
	{"[tls]\nverify_client = maybe\n", EINVAL, 2, "none|optional"},
	{"[server]\ndomain =\n", EINVAL, 2, "must not be empty"},
	{"[server]\ndomain = a b\n", EINVAL, 2, "server.domain: not a host"},
	{"[server]\ndomain = a..b\n", EINVAL, 2, "not a host name"},
	{"[server]\ndomain = [::x]\n", EINVAL, 2, "not an IPv6"},
	{"[auth]\nrealm = a\"b\n", EINVAL, 2, "auth.realm: control"},
	{"[store]\ndb =\n", EINVAL, 2, "store.db: must not be empty"},
	{"# comment\n\n; another\n[sip]\nt2_ms = x\n", EINVAL, 5, "t2_ms"},
	{"[sip]\nt1_ms = x\nfoo\n", EINVAL, 2, "t1_ms"},
	{"[sip]\nfoo\nt1_ms = x\n", EBADMSG, 2, "malformed"},
	{"[sip]\nt1_ms = 1000\n  2000\n", EEXIST, 3, "indented line"},
	{"[subscribe]\nmin_expires = 7200\n", ERANGE, 0,
	 "min_expires <= default_expires"},
	{"[publish]\nmax_expires = 60\n", ERANGE, 0, "[publish]"},
	{"[sip]\nt1_ms = 5000\nt2_ms = 4000\n", ERANGE, 0, "t1_ms <= t2_ms"},
	{"[sip]\nmax_body = 70000\n", ERANGE, 0, "max_body <= max_message"},
	{"[tls]\nverify_client = require\n", EINVAL, 0, "needs a ca file"},
	{"[ingest]\ndevice_map =\nrequire_token = yes\n", EINVAL, 0,
	 "needs a device_map"},
	{"[geo]\nmax_vertices = 3\n", ERANGE, 2, "(4..1000000)"},
	{"[geo]\nmax_catalog_shapes = 0\n", ERANGE, 2,
	 "geo.max_catalog_shapes: out of range (1..10000000)"},
	{"[geo]\nmax_catalog_vertices = 100000001\n", ERANGE, 2,
	 "geo.max_catalog_vertices: out of range (4..100000000)"},
	{"[geo]\nmax_catalog_bytes = 1023\n", ERANGE, 2,
	 "geo.max_catalog_bytes: out of range (1024..2147483647)"},
	{"[geo]\nmax_catalog_bytes = 2147483648\n", ERANGE, 2,
	 "(1024..2147483647)"},
	{"[geo]\nmax_catalog_bytes = 64M\n", EINVAL, 2, "not an unsigned"},
};

START_TEST(test_bad_values)
{
	const struct bad_case *b = &bad[_i];
	struct locd_config c, d;
	struct locd_config_err err;
	char path[128], want[200];
	int rc;

	write_file(path, sizeof(path), "bad.conf", b->text);
	locd_config_init(&c);
	locd_config_init(&d);
	memset(&err, 0, sizeof(err));
	rc = locd_config_load(&c, path, &err);
	ck_assert_msg(rc == b->rc, "case %d: rc %d, want %d (%s)", _i, rc,
		      b->rc, err.msg);
	ck_assert_uint_eq(err.line, b->line);
	if (b->line)
		snprintf(want, sizeof(want), "%s:%u: ", path, b->line);
	else
		snprintf(want, sizeof(want), "%s: ", path);
	ck_assert_msg(strncmp(err.msg, want, strlen(want)) == 0,
		      "case %d: '%s' does not start with '%s'", _i, err.msg,
		      want);
	ck_assert_msg(strstr(err.msg, b->why), "case %d: '%s' lacks '%s'",
		      _i, err.msg, b->why);
	ck_assert_ptr_null(strchr(err.msg, '\n'));
	/* all or nothing: nothing of the file was applied */
	ck_assert(locd_config_equal(&c, &d));
	ck_assert_uint_eq(c.owned_, 0);
	locd_config_reset(&c);
}
END_TEST

START_TEST(test_load_errors)
{
	struct locd_config c;
	struct locd_config_err err;
	char path[128], line[400];

	locd_config_init(&c);
	/* missing file: fopen's errno, the path in the message */
	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	ck_assert_int_eq(locd_config_load(&c, path, &err), ENOENT);
	ck_assert_ptr_nonnull(strstr(err.msg, "absent.conf"));
	ck_assert_int_eq(locd_config_load(&c, NULL, &err), EINVAL);
	/* over-long line: EOVERFLOW at its line, not silent truncation */
	memset(line, 'a', sizeof(line));
	memcpy(line, "[server]\ndomain = ", 18);
	line[sizeof(line) - 2] = '\n';
	line[sizeof(line) - 1] = '\0';
	write_file(path, sizeof(path), "long.conf", line);
	ck_assert_int_eq(locd_config_load(&c, path, &err), EOVERFLOW);
	ck_assert_uint_eq(err.line, 2);
	ck_assert_ptr_nonnull(strstr(err.msg, "line longer than"));
	/* err may be NULL */
	ck_assert_int_eq(locd_config_load(&c, path, NULL), EOVERFLOW);
	ck_assert_str_eq(c.domain, "localhost");
	/* the boundary: ini_max_line - 1 bytes fit, one more does not */
	ck_assert_int_lt(ini_max_line, (int)sizeof(line) - 12);
	memset(line, 'b', sizeof(line));
	memcpy(line, "[server]\ndomain = ", 18);
	line[9 + ini_max_line - 1] = '\n';
	line[9 + ini_max_line] = '\0';
	write_file(path, sizeof(path), "fit.conf", line);
	ck_assert_int_eq(locd_config_load(&c, path, &err), 0);
	ck_assert_uint_eq(strlen(c.domain), (size_t)ini_max_line - 1 - 9);
	line[9 + ini_max_line - 1] = 'b';
	line[9 + ini_max_line] = '\n';
	line[9 + ini_max_line + 1] = '\0';
	write_file(path, sizeof(path), "over.conf", line);
	ck_assert_int_eq(locd_config_load(&c, path, &err), EOVERFLOW);
	ck_assert_uint_eq(err.line, 2);
	locd_config_reset(&c);
}
END_TEST

START_TEST(test_load_over_overrides)
{
	struct locd_config c;
	struct locd_config_err err;
	char path[128];

	locd_config_init(&c);
	ck_assert_int_eq(locd_config_set(&c, "server.domain", "a.example",
					 &err),
			 0);
	ck_assert_int_eq(locd_config_set(&c, "store.db", "one.db", &err), 0);
	/* a file without those keys keeps them; its own keys apply */
	write_file(path, sizeof(path), "p.conf",
		   "[store]\ndb = two.db\n[auth]\nrealm = r.example\n");
	ck_assert_int_eq(locd_config_load(&c, path, &err), 0);
	ck_assert_str_eq(c.domain, "a.example");
	ck_assert_str_eq(c.db_path, "two.db");
	ck_assert_str_eq(c.realm, "r.example");
	/* a failing file leaves every string valid and unchanged */
	write_file(path, sizeof(path), "q.conf",
		   "[store]\ndb = three.db\n[sip]\nt1_ms = x\n");
	ck_assert_int_eq(locd_config_load(&c, path, &err), EINVAL);
	ck_assert_str_eq(c.db_path, "two.db");
	ck_assert_str_eq(c.domain, "a.example");
	/* reset frees and returns to the defaults */
	locd_config_reset(&c);
	ck_assert_str_eq(c.domain, "localhost");
	ck_assert_uint_eq(c.owned_, 0);
}
END_TEST

START_TEST(test_set)
{
	struct locd_config c;
	struct locd_config_err err;
	static const char *const yes[] = {"yes", "true", "1", "on", "YES"};
	static const char *const no[] = {"no", "false", "0", "off", "False"};
	size_t i;

	locd_config_init(&c);
	/* --sip-listen, --http-listen, --db, --domain, --no-auth, -v */
	ck_assert_int_eq(locd_config_set(&c, "sip.udp", "0.0.0.0:5080",
					 &err),
			 0);
	ck_assert_str_eq(c.sip_udp.a[0].host, "0.0.0.0");
	ck_assert_uint_eq(c.sip_udp.a[0].port, 5080);
	ck_assert_int_eq(locd_config_set(&c, "http.listen", "[::]:8081",
					 &err),
			 0);
	ck_assert_int_eq(c.http_listen.a[0].family, AF_INET6);
	ck_assert_int_eq(locd_config_set(&c, "store.db", "/tmp/x.db", &err),
			 0);
	ck_assert_str_eq(c.db_path, "/tmp/x.db");
	ck_assert_int_eq(locd_config_set(&c, "store.db", "/tmp/y.db", &err),
			 0);
	ck_assert_str_eq(c.db_path, "/tmp/y.db");
	ck_assert_int_eq(locd_config_set(&c, "server.log_level", "debug",
					 &err),
			 0);
	ck_assert_int_eq(c.log_level, LOCD_LOG_DEBUG);
	ck_assert_int_eq(locd_config_set(&c, "server.domain", "[2001:db8::1]",
					 &err),
			 0);
	ck_assert_int_eq(locd_config_set(&c, "server.domain", "192.0.2.7",
					 &err),
			 0);
	ck_assert_int_eq(locd_config_set(&c, "server.domain", "Loc.Example",
					 &err),
			 0);
	ck_assert_str_eq(c.domain, "Loc.Example");
	ck_assert_int_eq(locd_config_set(&c, "auth.realm", "a\tb", &err),
			 EINVAL);
	for (i = 0; i < 5; i++) {
		ck_assert_int_eq(locd_config_set(&c, "auth.enabled", no[i],
						 &err),
				 0);
		ck_assert(!c.auth);
		ck_assert_int_eq(locd_config_set(&c, "auth.enabled", yes[i],
						 &err),
				 0);
		ck_assert(c.auth);
	}
	/* errors name the option, no file:line */
	ck_assert_int_eq(locd_config_set(&c, "nodot", "1", &err), ENOENT);
	ck_assert_str_eq(err.msg, "nodot: expected section.key");
	ck_assert_int_eq(locd_config_set(&c, "sip.nope", "1", &err), ENOENT);
	ck_assert_str_eq(err.msg, "sip.nope: unknown key");
	ck_assert_int_eq(locd_config_set(&c, "nope.x", "1", &err), ENOENT);
	ck_assert_str_eq(err.msg, "nope.x: unknown section");
	ck_assert_int_eq(locd_config_set(&c, "sip.t1_ms", "x", &err),
			 EINVAL);
	ck_assert_str_eq(err.msg,
			 "sip.t1_ms: not an unsigned decimal number "
			 "(100..10000)");
	ck_assert_uint_eq(c.t1_ms, 500);
	ck_assert_int_eq(locd_config_set(&c, "sip.t1_ms", NULL, &err),
			 EINVAL);
	/* relations are checked separately, after all overrides */
	ck_assert_int_eq(locd_config_set(&c, "subscribe.min_expires",
					 "4000", &err),
			 0);
	ck_assert_int_eq(locd_config_check(&c, &err), ERANGE);
	ck_assert_int_eq(locd_config_set(&c, "subscribe.default_expires",
					 "4000", &err),
			 0);
	ck_assert_int_eq(locd_config_check(&c, &err), 0);
	locd_config_reset(&c);
}
END_TEST

static mode_t mode_of(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return st.st_mode & 07777;
}

START_TEST(test_tls_selfsigned)
{
	char cert[160], key[160], dir[128], cn[80];
	X509 *x;
	EVP_PKEY *pk;
	FILE *f;
	char *pem1, *pem2;

	snprintf(dir, sizeof(dir), "%s/var/tls", tmpdir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, key, "localhost"),
			 0);
	ck_assert_uint_eq(mode_of(dir), 0700);
	ck_assert_uint_eq(mode_of(key), 0600);
	f = fopen(cert, "r");
	ck_assert_ptr_nonnull(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	f = fopen(key, "r");
	ck_assert_ptr_nonnull(f);
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(pk);
	ck_assert_int_eq(X509_check_private_key(x, pk), 1);
	ck_assert_int_eq(X509_verify(x, pk), 1); /* self-signed */
	ck_assert_int_eq(EVP_PKEY_get_base_id(pk), EVP_PKEY_EC);
	ck_assert_int_eq(EVP_PKEY_get_bits(pk), 256);
	ck_assert_int_gt(X509_NAME_get_text_by_NID(X509_get_subject_name(x),
						   NID_commonName, cn,
						   sizeof(cn)),
			 0);
	ck_assert_str_eq(cn, "localhost");
	ck_assert_int_eq(X509_check_host(x, "localhost", 0, 0, NULL), 1);
	X509_free(x);
	EVP_PKEY_free(pk);
	/* an existing pair is kept */
	pem1 = tu_read_file(cert, NULL);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, key, "localhost"),
			 0);
	pem2 = tu_read_file(cert, NULL);
	ck_assert_str_eq(pem1, pem2);
	free(pem2);
	/* a lone certificate gets a new pair that matches */
	ck_assert_int_eq(unlink(key), 0);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, key, "127.0.0.1"),
			 0);
	pem2 = tu_read_file(cert, NULL);
	ck_assert_str_ne(pem1, pem2);
	free(pem1);
	free(pem2);
	f = fopen(cert, "r");
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	f = fopen(key, "r");
	pk = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(pk);
	ck_assert_int_eq(X509_check_private_key(x, pk), 1);
	ck_assert_int_eq(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	ck_assert_uint_eq(mode_of(key), 0600);
	X509_free(x);
	EVP_PKEY_free(pk);
	/* a bracketed IPv6 domain */
	ck_assert_int_eq(unlink(cert), 0);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, key, "[::1]"), 0);
	f = fopen(cert, "r");
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(X509_check_ip_asc(x, "::1", 0), 1);
	X509_free(x);
	/* bad arguments */
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, key, "a b"),
			 EINVAL);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, key, ""), EINVAL);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(cert, cert, "x"), EINVAL);
	ck_assert_int_eq(locd_tls_ensure_selfsigned(NULL, key, "x"), EINVAL);
}
END_TEST

START_TEST(test_secret)
{
	unsigned char a[LOCD_SECRET_LEN], b[LOCD_SECRET_LEN];
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/var/nonce.key", tmpdir);
	ck_assert_int_eq(locd_secret_ensure(path, a), 0);
	ck_assert_uint_eq(mode_of(path), 0600);
	ck_assert_int_eq(locd_secret_ensure(path, b), 0);
	ck_assert_int_eq(memcmp(a, b, sizeof(a)), 0);
	/* readable by others: refused */
	ck_assert_int_eq(chmod(path, 0644), 0);
	ck_assert_int_eq(locd_secret_ensure(path, b), EPERM);
	/* wrong size: refused */
	ck_assert_int_eq(chmod(path, 0600), 0);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("short", f);
	fclose(f);
	ck_assert_int_eq(locd_secret_ensure(path, b), EBADMSG);
	ck_assert_int_eq(locd_secret_ensure(NULL, b), EINVAL);
}
END_TEST

START_TEST(test_dir_ensure)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/a/b/c", tmpdir);
	ck_assert_int_eq(locd_dir_ensure(path), 0);
	ck_assert_uint_eq(mode_of(path), 0700);
	ck_assert_int_eq(locd_dir_ensure(path), 0);
	snprintf(path, sizeof(path), "%s/file", tmpdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/file/sub", tmpdir);
	ck_assert_int_eq(locd_dir_ensure(path), ENOTDIR);
	ck_assert_int_eq(locd_dir_ensure(""), EINVAL);
}
END_TEST

TCase *tcase_config(void);

TCase *tcase_config(void)
{
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_shipped_file);
	tcase_add_test(tc, test_write_roundtrip);
	tcase_add_loop_test(tc, test_bad_values, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_load_errors);
	tcase_add_test(tc, test_load_over_overrides);
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_tls_selfsigned);
	tcase_add_test(tc, test_secret);
	tcase_add_test(tc, test_dir_ensure);
	return tc;
}
