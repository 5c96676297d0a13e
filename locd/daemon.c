/*
 * daemon.c: build the daemon's contexts in order and free them in
 * reverse; the loop-iteration work (evaluate queued targets, write the
 * store, metrics); the command line.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "locd/locd_int.h"

#define D_LOG "daemon"
#define SPEC_MAX (LOCD_HOST_MAX + 16)

double locd_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

uint64_t locd_now_ms(const struct locd *d)
{
	return sip_stack_now(d->st);
}

double locd_now_s(const struct locd *d)
{
	return (double)sip_stack_now(d->st) / 1000.0;
}

int locd_aor_of(const struct locd *d, const struct sip_uri *uri, char *out,
		size_t sz)
{
	int n;

	if ((uri->scheme != SIP_SCHEME_SIP &&
	     uri->scheme != SIP_SCHEME_SIPS) || !uri->user.l || uri->user.l > LOCD_DEVICE_ID_MAX * 2)
		return EINVAL;
	n = snprintf(out, sz, "sip:%.*s@%s", (int)uri->user.l, uri->user.p,
		     d->cfg->domain);
	if (n < 0 || (size_t)n >= sz || !locd_aor_valid(out))
		return EINVAL;
	return 0;
}

static void work_h(void *arg)
{
	struct locd *d = arg;
	struct sip_stack_stats ss;
	struct locd_target *t;
	struct locd_lsub *ls, *next;
	double now = locd_now_s(d);
	size_t n = 0;

	while ((t = d->queue) != NULL) {
		/* the rest in a later loop turn (1 ms: after the sockets);
		 * without a timer, all now */
		if (n >= LOCD_EVAL_BATCH &&
		    !sip_timer_start(d->st, &d->work, 1, work_h, d))
			break;
		d->queue = t->qnext;
		t->queued = false;
		for (ls = t->subs; ls; ls = next) {
			next = ls->next;
			locd_notifier_update(ls, now);
			n++;
		}
	}
	locd_persist_flush(d);
	sip_stack_stats_get(d->st, &ss);
	if (ss.retrans_tx > d->retrans_seen) {
		locd_metric_add(d->std.retransmissions,
				ss.retrans_tx - d->retrans_seen);
		d->retrans_seen = ss.retrans_tx;
	}
	locd_metric_set(d->std.active_subscriptions,
			(double)sip_notifier_count(locd_sipio_notifier(d)));
}

void locd_kick(struct locd *d)
{
	if (sip_timer_pending(&d->work))
		return;
	if (sip_timer_start(d->st, &d->work, 0, work_h, d))
		work_h(d);
}

size_t locd_sub_count(const struct locd *d)
{
	return d ? sip_notifier_count(locd_sipio_notifier(d)) : 0;
}

static void stack_log_h(int level, const char *msg, void *arg)
{
	struct locd *d = arg;

	if (level < LOCD_LOG_ERR)
		level = LOCD_LOG_ERR;
	if (level > LOCD_LOG_DEBUG)
		level = LOCD_LOG_DEBUG;
	locd_log(d->log, (enum locd_log_level)level, "sip", NULL, "%s", msg);
}

/* Make the parent directory of path (0700). */
static int parent_ensure(const char *path)
{
	char dir[LOCD_CONFIG_VALUE_MAX + 1];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	return locd_dir_ensure(dir);
}

static int listen_all(struct locd *d, const char *tp,
		      const struct locd_listen *l)
{
	char spec[SPEC_MAX];
	unsigned i;
	int err;

	for (i = 0; i < l->n; i++) {
		const struct locd_addr *a = &l->a[i];
		snprintf(spec, sizeof(spec),
			 strchr(a->host, ':') ? "%s:[%s]:%u" : "%s:%s:%u",
			 tp, a->host, (unsigned)a->port);
		err = sip_stack_listen(d->st, spec);
		if (err) {
			locd_log(d->log, LOCD_LOG_ERR, D_LOG, NULL,
				 "cannot listen on %s: %s", spec,
				 strerror(err));
			return err;
		}
		locd_log(d->log, LOCD_LOG_NOTICE, D_LOG, NULL,
			 "listening on %s", spec);
	}
	return 0;
}

static int fail(struct locd *d, int err, const char *what,
		const char *detail)
{
	locd_log(d->log, LOCD_LOG_ERR, D_LOG, NULL, "%s: %s", what,
		 detail ? detail : strerror(err));
	return err;
}

static int build_security(struct locd *d)
{
	const struct locd_config *c = d->cfg;
	unsigned char secret[LOCD_SECRET_LEN];
	struct sip_auth_conf ac;
	const char *reason = NULL;
	unsigned line = 0;
	int err;

	if (c->policy_file && *c->policy_file) {
		err = locd_policy_load(&d->policy, c->policy_file, &line,
				       &reason);
		if (err) {
			locd_log(d->log, LOCD_LOG_ERR, D_LOG, NULL,
				 "%s:%u: %s", c->policy_file, line,
				 reason ? reason : strerror(err));
			return err;
		}
	}
	if (!c->auth)
		return 0;
	err = locd_users_load(&d->users, c->users_file, c->realm, &line,
			      &reason);
	if (err) {
		locd_log(d->log, LOCD_LOG_ERR, D_LOG, NULL, "%s:%u: %s",
			 c->users_file, line,
			 reason ? reason : strerror(err));
		return err;
	}
	err = locd_secret_ensure(c->nonce_secret, secret);
	if (err)
		return fail(d, err, c->nonce_secret, NULL);
	memset(&ac, 0, sizeof(ac));
	ac.realm = c->realm;
	ac.secret = secret;
	ac.secret_len = sizeof(secret);
	ac.nonce_lifetime = c->nonce_lifetime_s;
	ac.ha1h = locd_users_ha1_h;
	ac.arg = d->users;
	err = sip_auth_alloc(&d->auth, &ac);
	memset(secret, 0, sizeof(secret));
	return err ? fail(d, err, "digest", NULL) : 0;
}

static int build_stack(struct locd *d)
{
	const struct locd_config *c = d->cfg;
	struct sip_stack_conf sc;
	int err;

	if (c->sip_tls.n) {
		err = locd_tls_ensure_selfsigned(c->tls_cert, c->tls_key,
						 c->domain);
		if (err)
			return fail(d, err, "TLS certificate", NULL);
	}
	sip_stack_conf_init(&sc);
	sc.t1_ms = c->t1_ms;
	sc.t2_ms = c->t2_ms;
	sc.t4_ms = c->t4_ms;
	sc.lim.max_msg = c->max_message;
	sc.max_conns = c->max_connections;
	sc.idle_ms = c->tcp_idle_s * 1000u;
	sc.user_agent = "locd";
	sc.domain = c->domain;
	if (c->sip_tls.n) {
		sc.tls_cert = c->tls_cert;
		sc.tls_key = c->tls_key;
		sc.tls_ca = c->tls_ca && *c->tls_ca ? c->tls_ca : NULL;
		sc.tls_client = c->tls_verify == LOCD_TLS_VERIFY_REQUIRE
					? SIP_TLS_CLIENT_REQUIRE
				: c->tls_verify == LOCD_TLS_VERIFY_OPTIONAL
					? SIP_TLS_CLIENT_OPTIONAL
					: SIP_TLS_CLIENT_NONE;
	}
	sc.log_h = stack_log_h;
	sc.log_arg = d;
	if (d->hooks) {
		sc.send_h = d->hooks->send_h;
		sc.send_arg = d->hooks->send_arg;
		sc.clock_h = d->hooks->clock_h;
		sc.clock_arg = d->hooks->clock_arg;
		sc.manual_timers = true;
	}
	err = sip_stack_alloc(&d->st, d->base, &sc);
	if (err)
		return fail(d, err, "SIP stack", NULL);
	d->mono_to_wall = locd_wall() - locd_now_s(d);
	sip_timer_init(&d->work);
	err = locd_sipio_alloc(d);
	if (!err)
		err = locd_package_register(d);
	if (!err)
		err = locd_ingest_register(d);
	if (err)
		return fail(d, err, "event packages", NULL);
	err = listen_all(d, "udp", &c->sip_udp);
	if (!err)
		err = listen_all(d, "tcp", &c->sip_tcp);
	if (!err)
		err = listen_all(d, "tls", &c->sip_tls);
	return err;
}

struct sip_stack *locd_stack(const struct locd *d)
{
	return d ? d->st : NULL;
}

int locd_alloc(struct locd **dp, struct event_base *base,
	       const struct locd_config *c, const struct locd_log *lg)
{
	return locd_alloc_hooks(dp, base, c, lg, NULL);
}

int locd_alloc_hooks(struct locd **dp, struct event_base *base,
		     const struct locd_config *c, const struct locd_log *lg,
		     const struct locd_hooks *hooks)
{
	struct locd_store_opts so;
	struct geo_limits gl;
	struct geo_err ge = {0};
	char msg[256];
	struct locd *d;
	struct stat sb;
	int err;

	if (!dp || !c || !lg || (!base && (!hooks || c->http_listen.n)))
		return EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->cfg = c;
	d->log = lg;
	d->hooks = hooks;
	d->base = base;
	locd_targets_init(&d->targets);
	d->targets.max = c->max_targets;
	if (!c->auth)
		locd_log(lg, LOCD_LOG_WARNING, D_LOG, NULL,
			 "WARNING: authentication is OFF (--no-auth): anyone "
			 "may subscribe and publish; for tests and "
			 "benchmarks only");
	/* [geo]: every GML locd reads (filters, catalog, PUBLISH) */
	geo_limits_init(&gl);
	gl.max_vertices = c->max_vertices;
	gl.max_catalog_shapes = c->max_catalog_shapes;
	gl.max_catalog_vertices = c->max_catalog_vertices;
	gl.max_catalog_bytes = c->max_catalog_bytes;
	err = geo_ctx_alloc(&d->geo, &gl);
	if (err) {
		fail(d, err, "geo", NULL);
		goto out;
	}
	if (c->features_dir && *c->features_dir &&
	    stat(c->features_dir, &sb) == 0) {
		err = geo_catalog_load(d->geo, c->features_dir, &d->catalog,
				       &ge);
		if (err) {
			fail(d, err, c->features_dir, ge.msg);
			goto out;
		}
	}
	d->lfo.catalog = d->catalog;
	d->lfo.remote_href = LF_HREF_UNDEFINED;
	d->lfo.max_body = c->max_body;
	/* filters keep of each feature element only what the containment
	 * echo reads (pidf_build: QName, gml:id, xlink:href, gml:name);
	 * locd reads no feature geometry back from the node (issue 6) */
	d->lfo.echo_only = true;
	err = lf_cache_new(d->geo, &d->lfo, &d->fcache);
	if (err) {
		fail(d, err, "filter cache", NULL);
		goto out;
	}
	err = build_security(d);
	if (err)
		goto out;
	err = parent_ensure(c->db_path);
	if (err) {
		fail(d, err, c->db_path, NULL);
		goto out;
	}
	memset(&so, 0, sizeof(so));
	so.path = c->db_path;
	so.sync = c->store_sync;
	err = locd_store_open(&d->store, &so, msg, sizeof(msg));
	if (err) {
		fail(d, err, c->db_path, msg);
		goto out;
	}
	err = locd_metrics_alloc(&d->metrics);
	if (!err)
		err = locd_metrics_std_register(d->metrics, &d->std);
	if (!err) {
		static const struct locd_metric_desc ev = {
			LOCD_METRIC_COUNTER, "locd_targets_evicted_total",
			"Targets forgotten at ingest.max_targets (least "
			"recently updated, unwatched)", NULL, NULL, 0};
		static const struct locd_metric_desc glim = {
			LOCD_METRIC_COUNTER,
			"locd_notifications_global_limited_total",
			"NOTIFYs held by the process-wide bucket "
			"(notify.global_rate, Q-24)", NULL, NULL, 0};
		err = locd_metrics_add(d->metrics, &ev, &d->targets_evicted);
		if (!err)
			err = locd_metrics_add(d->metrics, &glim,
					       &d->global_limited);
	}
	if (!err)
		err = pidf_builder_alloc(&d->pb);
	if (err) {
		fail(d, err, "metrics", NULL);
		goto out;
	}
	err = build_stack(d);
	if (err)
		goto out;
	locd_notifier_bucket_init(d); /* needs the stack's clock */
	err = locd_ingest_http_start(d);
	if (err) {
		fail(d, err, "HTTP", NULL);
		goto out;
	}
	err = locd_persist_restore(d);
	if (err)
		goto out;
	locd_sipio_rearm(d);
	locd_kick(d);
	locd_log(lg, LOCD_LOG_NOTICE, D_LOG, NULL,
		 "ready: domain %s, %zu subscriptions", c->domain,
		 locd_sub_count(d));
	*dp = d;
	return 0;
out:
	locd_free(d);
	return err;
}

/* Free every live subscription's package state (no callbacks). */
static void subs_free_all(struct locd *d)
{
	size_t i;

	for (i = 0; i < d->targets.nb; i++) {
		struct locd_target *t;
		for (t = d->targets.tab[i]; t; t = t->next)
			while (t->subs)
				locd_lsub_free(t->subs);
	}
}

void locd_drain(struct locd *d)
{
	size_t i;
	uint64_t now;

	if (!d || d->draining)
		return;
	d->draining = true;
	locd_persist_flush(d);
	if (!d->cfg->terminate_on_shutdown) {
		locd_log(d->log, LOCD_LOG_NOTICE, D_LOG, NULL,
			 "stopping; %zu subscriptions kept in the store",
			 locd_sub_count(d));
		return;
	}
	now = locd_now_ms(d);
	for (i = 0; i < d->targets.nb; i++) {
		struct locd_target *t;
		for (t = d->targets.tab[i]; t; t = t->next) {
			while (t->subs) {
				struct locd_lsub *ls = t->subs;
				enum sip_sub_reason r =
					SIP_SUB_REASON_DEACTIVATED;
				if (sip_sub_terminate(ls->sub, r, 0, now))
					locd_lsub_free(ls);
			}
		}
	}
	locd_log(d->log, LOCD_LOG_NOTICE, D_LOG, NULL,
		 "stopping; subscriptions terminated");
}

void locd_free(struct locd *d)
{
	if (!d)
		return;
	locd_http_free(d->http);
	if (d->st)
		sip_timer_cancel(&d->work);
	subs_free_all(d);
	locd_sipio_free(d);
	sip_stack_free(d->st);
	free(d->pkg_args[0]);
	free(d->pkg_args[1]);
	locd_devices_free(d->devices);
	pidf_builder_free(d->pb);
	locd_metrics_free(d->metrics);
	locd_store_close(d->store);
	sip_auth_free(d->auth);
	locd_users_free(d->users);
	locd_policy_free(d->policy);
	locd_targets_reset(&d->targets);
	lf_cache_free(d->fcache); /* after every subscription's filter */
	geo_catalog_free(d->catalog);
	geo_ctx_free(d->geo);
	free(d);
}

/* --- Command line. */

enum {
	OPT_SIP = 256, OPT_TLS, OPT_HTTP, OPT_DB, OPT_DOMAIN, OPT_VAR,
	OPT_NOAUTH, OPT_VERSION
};

static int set1(struct locd_config *c, const char *name, const char *v,
		struct locd_config_err *err)
{
	return locd_config_set(c, name, v, err);
}

/* Append ADDR to a comma list kept in buf. */
static int list_add(char *buf, size_t sz, const char *v)
{
	size_t l = strlen(buf);
	int n = snprintf(buf + l, sz - l, "%s%s", l ? "," : "", v);

	return n < 0 || (size_t)n >= sz - l ? EOVERFLOW : 0;
}

int locd_cli_parse(struct locd_cli *cli, struct locd_config *c, int argc,
		   char **argv, struct locd_config_err *err)
{
	static const struct option lo[] = {
		{"sip-listen", required_argument, NULL, OPT_SIP},
		{"tls-listen", required_argument, NULL, OPT_TLS},
		{"http-listen", required_argument, NULL, OPT_HTTP},
		{"db", required_argument, NULL, OPT_DB},
		{"domain", required_argument, NULL, OPT_DOMAIN},
		{"var", required_argument, NULL, OPT_VAR},
		{"no-auth", no_argument, NULL, OPT_NOAUTH},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION},
		{NULL, 0, NULL, 0},
	};
	char sip[LOCD_CONFIG_VALUE_MAX] = "", tls[LOCD_CONFIG_VALUE_MAX] = "";
	char path[LOCD_CONFIG_VALUE_MAX];
	const char *http = NULL, *db = NULL, *domain = NULL;
	bool noauth = false, verbose = false, tls_set = false;
	int opt, rc = 0;

	memset(cli, 0, sizeof(*cli));
	memset(err, 0, sizeof(*err));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:vh", lo, NULL)) != -1) {
		switch (opt) {
		case 'c':
			cli->conf_file = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			cli->help = true;
			return 0;
		case OPT_VERSION:
			cli->version = true;
			return 0;
		case OPT_SIP:
			rc = list_add(sip, sizeof(sip), optarg);
			break;
		case OPT_TLS:
			tls_set = true;
			if (strcmp(optarg, "none") != 0)
				rc = list_add(tls, sizeof(tls), optarg);
			break;
		case OPT_HTTP:
			http = optarg;
			break;
		case OPT_DB:
			db = optarg;
			break;
		case OPT_DOMAIN:
			domain = optarg;
			break;
		case OPT_VAR:
			cli->var_dir = optarg;
			break;
		case OPT_NOAUTH:
			noauth = true;
			break;
		default:
			snprintf(err->msg, sizeof(err->msg), "bad usage");
			return EINVAL;
		}
		if (rc) {
			snprintf(err->msg, sizeof(err->msg),
				 "too many listen addresses");
			return rc;
		}
	}
	if (optind < argc) {
		snprintf(err->msg, sizeof(err->msg), "unexpected argument %s",
			 argv[optind]);
		return EINVAL;
	}
	if (cli->conf_file) {
		rc = locd_config_load(c, cli->conf_file, err);
		if (rc)
			return rc;
	}
	if (cli->var_dir) {
		static const char *const keys[][2] = {
			{"tls.cert", "tls/cert.pem"},
			{"tls.key", "tls/key.pem"},
			{"auth.nonce_secret", "nonce.key"},
			{"store.db", "locd.db"},
		};
		/* --var moves only what still has its var/ default: a path
		 * the configuration file set explicitly is kept. */
		struct locd_config d;
		const char *cur[4] = {c->tls_cert, c->tls_key,
				      c->nonce_secret, c->db_path};
		const char *def[4];
		size_t i;
		locd_config_init(&d);
		def[0] = d.tls_cert;
		def[1] = d.tls_key;
		def[2] = d.nonce_secret;
		def[3] = d.db_path;
		for (i = 0; i < 4 && !rc; i++) {
			if (cur[i] && def[i] && strcmp(cur[i], def[i]) != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", cli->var_dir,
				 keys[i][1]);
			rc = set1(c, keys[i][0], path, err);
		}
		locd_config_reset(&d);
	}
	if (!rc && sip[0])
		rc = set1(c, "sip.udp", sip, err);
	if (!rc && sip[0])
		rc = set1(c, "sip.tcp", sip, err);
	if (!rc && tls_set)
		rc = set1(c, "sip.tls", tls, err);
	if (!rc && http)
		rc = set1(c, "http.listen", http, err);
	if (!rc && db)
		rc = set1(c, "store.db", db, err);
	if (!rc && domain)
		rc = set1(c, "server.domain", domain, err);
	if (!rc && noauth)
		rc = set1(c, "auth.enabled", "no", err);
	if (!rc && verbose)
		rc = set1(c, "server.log_level", "debug", err);
	if (!rc)
		rc = locd_config_check(c, err);
	return rc;
}
