/*
 * locsub: subscribe to a target's location at a locd server and print
 * every notification as it arrives.
 *
 *   locsub [--server URI] --filter FILE [--user U --password P]
 *          [--expires S] [--count N] [--format pidf|jsonl]
 *          [--listen HOST:PORT] [--ca FILE] [--insecure] [--from URI]
 *          [--event PACKAGE] [-v] TARGET-AOR
 *
 * The filter's root element picks the package: a draft location-filter
 * subscribes to Event: location, an RFC 6447 filter-set to Event:
 * presence (application/simple-filter+xml).  The server URI is the first
 * hop (a pre-loaded Route), its transport that of the URI (";transport=
 * tcp", sips: TLS).  Digest (401/407), 423 (Min-Expires) and refreshes
 * are handled by sip/sip_event.h's subscriber.  On SIGINT/SIGTERM or
 * after --count notifications locsub unsubscribes (the final NOTIFY is
 * not printed) and exits 0.  Exit 1: the subscription was refused or
 * failed (the status and the Warning text are printed), or the server
 * ended it; 2: usage or a bad filter file; 3: other errors.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "geo/geo.h"
#include "tools/common.h"
#include "tools/locsub/locsub.h"

#define DEFAULT_SERVER "sip:127.0.0.1:5060"
#define DEFAULT_EXPIRES 3600u
/* After the unsubscribe, wait this long for the final NOTIFY (ms). */
#define UNSUB_WAIT_MS 5000
/* Retry an unsubscribe while a refresh is in flight (ms). */
#define UNSUB_RETRY_MS 100
#define URI_MAX 512
#define CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

struct opts {
	const char *server, *filter, *user, *password, *listen, *ca;
	const char *from, *event, *target;
	bool insecure, verbose;
	unsigned long expires, count;
	enum ls_format fmt;
};

struct app {
	struct opts o;
	struct event_base *base;
	struct sip_stack *st;
	struct ls_client *cl;
	struct geo_ctx *geo;
	struct event *stop_ev;    /* unsubscribe retry / final wait */
	unsigned long seen;
	enum { STOP_NONE, STOP_RETRY, STOP_WAIT } stop;
	bool stopping, done;
	bool tls, tls_verify;     /* TLS to --server; certificate checked */
	int rc;
};

static void usage(FILE *f)
{
	fputs("usage: locsub [--server URI] --filter FILE [--user U "
	      "--password P]\n"
	      "              [--expires S] [--count N] [--format "
	      "pidf|jsonl]\n"
	      "              [--listen HOST:PORT] [--ca FILE] [--insecure] "
	      "[--from URI]\n"
	      "              [--event PACKAGE] [-v] TARGET-AOR\n"
	      "Subscribes to TARGET-AOR's location with the filter and "
	      "prints every\nnotification; unsubscribes on SIGINT/SIGTERM "
	      "or after N notifications.\n", f);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{"server", required_argument, NULL, 's'},
		{"filter", required_argument, NULL, 'f'},
		{"user", required_argument, NULL, 'u'},
		{"password", required_argument, NULL, 'p'},
		{"expires", required_argument, NULL, 'e'},
		{"count", required_argument, NULL, 'n'},
		{"format", required_argument, NULL, 'F'},
		{"listen", required_argument, NULL, 'l'},
		{"ca", required_argument, NULL, 'C'},
		{"insecure", no_argument, NULL, 'k'},
		{"from", required_argument, NULL, 'r'},
		{"event", required_argument, NULL, 'E'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->server = DEFAULT_SERVER;
	o->expires = DEFAULT_EXPIRES;
	while ((c = getopt_long(argc, argv, "s:f:u:p:e:n:F:l:C:kr:E:vh",
				lopts, NULL)) != -1) {
		switch (c) {
		case 's': o->server = optarg; break;
		case 'f': o->filter = optarg; break;
		case 'u': o->user = optarg; break;
		case 'p': o->password = optarg; break;
		case 'l': o->listen = optarg; break;
		case 'C': o->ca = optarg; break;
		case 'k': o->insecure = true; break;
		case 'r': o->from = optarg; break;
		case 'E': o->event = optarg; break;
		case 'v': o->verbose = true; break;
		case 'e':
			if (tools_parse_ulong(optarg, 1, 86400 * 7,
					      &o->expires)) {
				fprintf(stderr, "locsub: --expires wants "
						"1..604800 seconds\n");
				return 2;
			}
			break;
		case 'n':
			if (tools_parse_ulong(optarg, 1, 1000000000,
					      &o->count)) {
				fprintf(stderr, "locsub: --count wants a "
						"positive number\n");
				return 2;
			}
			break;
		case 'F':
			if (strcmp(optarg, "pidf") == 0) {
				o->fmt = LS_FMT_PIDF;
			} else if (strcmp(optarg, "jsonl") == 0) {
				o->fmt = LS_FMT_JSONL;
			} else {
				fprintf(stderr, "locsub: unknown format "
						"'%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o->filter || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	if (!o->user != !o->password) {
		fprintf(stderr, "locsub: --user and --password go "
				"together\n");
		return 2;
	}
	o->target = argv[optind];
	return 0;
}

static void finish(struct app *a, int rc)
{
	if (a->done)
		return;
	a->done = true;
	a->rc = rc;
	event_base_loopbreak(a->base);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg);

/* Unsubscribe; stop_ev then retries it or bounds the final wait. */
static void begin_stop(struct app *a)
{
	struct timeval retry = {0, UNSUB_RETRY_MS * 1000};
	struct timeval wait = {UNSUB_WAIT_MS / 1000, 0};
	int err;

	a->stopping = true;
	err = ls_client_unsubscribe(a->cl);
	if (err == EAGAIN) {
		a->stop = STOP_RETRY; /* a refresh is in flight */
		evtimer_add(a->stop_ev, &retry);
		return;
	}
	if (err) {
		if (err != ENOENT)
			fprintf(stderr, "locsub: unsubscribe: %s\n",
				strerror(err));
		finish(a, 0);
		return;
	}
	if (a->o.verbose)
		fprintf(stderr, "locsub: unsubscribing\n");
	a->stop = STOP_WAIT;
	evtimer_add(a->stop_ev, &wait);
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	struct app *a = arg;

	(void)fd;
	(void)what;
	if (a->stop == STOP_RETRY) {
		begin_stop(a);
		return;
	}
	if (a->o.verbose)
		fprintf(stderr, "locsub: no final NOTIFY; exiting\n");
	finish(a, 0);
}

static void sig_cb(evutil_socket_t fd, short what, void *arg)
{
	struct app *a = arg;

	(void)fd;
	(void)what;
	if (a->stopping) {
		finish(a, 0); /* second signal: do not wait */
		return;
	}
	begin_stop(a);
}

static void on_notify(const struct ls_note *n, void *arg)
{
	struct app *a = arg;
	int err;

	if (a->o.verbose)
		fprintf(stderr, "locsub: NOTIFY %.*s\n", (int)n->substate.l,
			n->substate.p ? n->substate.p : "");
	if (a->stopping)
		return;
	err = ls_print_note(stdout, a->o.fmt, a->geo, n);
	if (err) {
		fprintf(stderr, "locsub: writing output: %s\n",
			strerror(err));
		finish(a, 3);
		return;
	}
	a->seen++;
	if (a->o.count && a->seen >= a->o.count)
		begin_stop(a);
}

static void on_close(enum sip_sub_reason reason, uint16_t scode, void *arg)
{
	struct app *a = arg;
	const char *rp, *warn;
	bool answered;
	uint16_t fs;

	if (a->o.verbose)
		fprintf(stderr, "locsub: subscription ended (%s %u)\n",
			sip_sub_reason_name(reason), (unsigned)scode);
	if (a->stopping) {
		finish(a, 0);
		return;
	}
	if (reason != SIP_SUB_REASON_FAILED) {
		fprintf(stderr, "locsub: the server ended the subscription"
				"%s%s\n", reason ? ": " : "",
			sip_sub_reason_name(reason));
		finish(a, 1);
		return;
	}
	fs = ls_client_failure(a->cl, &rp, &warn, &answered);
	if (fs == scode && !answered &&
	    ls_client_tls_failed(a->cl, a->tls)) {
		fprintf(stderr, "locsub: SUBSCRIBE to %s: %s: TLS handshake "
				"failed (%s)\n", a->o.target, a->o.server,
			a->tls_verify ? "certificate verification?" : rp);
		if (a->tls_verify)
			fprintf(stderr, "locsub: check --ca (the server's "
					"CA) and that --server names the "
					"certificate's host\n");
	} else if (fs == scode && !answered) {
		fprintf(stderr, "locsub: SUBSCRIBE to %s: no answer from %s "
				"(%s)\n", a->o.target, a->o.server, rp);
	} else {
		fprintf(stderr, "locsub: SUBSCRIBE to %s refused: %u %s%s%s%s"
				"\n", a->o.target, (unsigned)scode,
			fs == scode && *rp ? rp : sip_reason_phrase(scode),
			*warn ? " (Warning: " : "", warn, *warn ? ")" : "");
		if ((scode == 401 || scode == 407) && !a->o.user)
			fprintf(stderr, "locsub: the server wants "
					"--user and --password\n");
	}
	finish(a, 1);
}

/* "<server;lr>" as the pre-loaded route; the listen specs. */
static int setup_stack(struct app *a, char *route, size_t rsz)
{
	struct sip_stack_conf conf;
	struct sip_uri uri;
	struct sip_pl pl, tp;
	const char *host;
	char spec[URI_MAX];
	bool tcp = false, tls = false;
	int n, err;

	sip_pl_set_str(&pl, a->o.server);
	if (sip_uri_parse(&uri, &pl) != 0 ||
	    (uri.scheme != SIP_SCHEME_SIP && uri.scheme != SIP_SCHEME_SIPS)) {
		fprintf(stderr, "locsub: --server '%s' is not a sip: or sips: "
				"URI\n", a->o.server);
		return 2;
	}
	if (uri.scheme == SIP_SCHEME_SIPS) {
		tls = true;
	} else if (sip_param_get(&uri.params, SIP_PARAM_URI, "transport",
				 &tp) == 0) {
		tcp = sip_pl_casecmp_str(&tp, "tcp") == 0;
		tls = sip_pl_casecmp_str(&tp, "tls") == 0;
	}
	n = snprintf(route, rsz, "<%s;lr>", a->o.server);
	if (n < 0 || (size_t)n >= rsz) {
		fprintf(stderr, "locsub: --server URI too long\n");
		return 2;
	}
	sip_stack_conf_init(&conf);
	conf.user_agent = "locsub";
	if (tls && !a->o.insecure) {
		conf.tls_ca = a->o.ca ? a->o.ca : CA_BUNDLE;
		conf.tls_verify_peer = true;
	}
	a->tls = tls;
	a->tls_verify = conf.tls_verify_peer;
	err = sip_stack_alloc(&a->st, a->base, &conf);
	if (err) {
		fprintf(stderr, "locsub: SIP stack: %s%s\n", strerror(err),
			err == EPROTO ? " (--ca file?)" : "");
		return 3;
	}
	host = uri.host_v6 ? "[::1]:0" : "127.0.0.1:0";
	if (a->o.listen)
		host = a->o.listen;
	n = snprintf(spec, sizeof(spec), "udp:%s", host);
	err = n > 0 && (size_t)n < sizeof(spec) ?
	      sip_stack_listen(a->st, spec) : EINVAL;
	if (!err && tcp) {
		snprintf(spec, sizeof(spec), "tcp:%s", host);
		err = sip_stack_listen(a->st, spec);
	}
	if (err) {
		fprintf(stderr, "locsub: listen %s: %s\n", host,
			strerror(err));
		return err == EINVAL ? 2 : 3;
	}
	return 0;
}

/* Default From: sip:USER@host-of-target (or locsub@...). */
static int default_from(const struct opts *o, char *buf, size_t sz)
{
	struct sip_uri uri;
	struct sip_pl pl;
	int n;

	sip_pl_set_str(&pl, o->target);
	if (sip_uri_parse(&uri, &pl) != 0 ||
	    (uri.scheme != SIP_SCHEME_SIP && uri.scheme != SIP_SCHEME_SIPS))
		return EINVAL;
	n = snprintf(buf, sz, "sip:%s@%s%.*s%s", o->user ? o->user : "locsub",
		     uri.host_v6 ? "[" : "", (int)uri.host.l, uri.host.p,
		     uri.host_v6 ? "]" : "");
	return n > 0 && (size_t)n < sz ? 0 : EOVERFLOW;
}

static int run(struct app *a)
{
	struct ls_client_conf cc;
	enum ls_filter_kind kind;
	char route[URI_MAX + 8], from[URI_MAX], why[200];
	const char *routev[1];
	struct event *sig_int, *sig_term;
	char *body;
	size_t len = 0;
	int err, rc;

	body = tools_file_read("locsub", a->o.filter, LS_FILTER_MAX, &len);
	if (!body)
		return 2;
	err = ls_filter_kind(body, len, &kind, why, sizeof(why));
	if (err) {
		fprintf(stderr, "locsub: %s: %s\n", a->o.filter, why);
		free(body);
		return 2;
	}
	if (!a->o.from && default_from(&a->o, from, sizeof(from))) {
		fprintf(stderr, "locsub: TARGET-AOR '%s' is not a sip: or "
				"sips: URI\n", a->o.target);
		free(body);
		return 2;
	}
	rc = setup_stack(a, route, sizeof(route));
	if (rc) {
		free(body);
		return rc;
	}
	routev[0] = route;
	memset(&cc, 0, sizeof(cc));
	cc.sc.c.target = a->o.target;
	cc.sc.c.from = a->o.from ? a->o.from : from;
	cc.sc.c.contact_user = "locsub";
	cc.sc.c.event = a->o.event ? a->o.event : ls_filter_event(kind);
	cc.sc.c.user = a->o.user;
	cc.sc.c.password = a->o.password;
	cc.sc.c.routev = routev;
	cc.sc.c.routec = 1;
	cc.sc.c.expires = (uint32_t)a->o.expires;
	cc.sc.accept = "application/pidf+xml";
	cc.sc.ctype = ls_filter_ctype(kind);
	cc.sc.body = body;
	cc.sc.body_len = len;
	cc.notifyh = on_notify;
	cc.closeh = on_close;
	cc.arg = a;
	err = ls_client_alloc(&a->cl, a->st, &cc);
	free(body); /* copied */
	if (!err)
		err = ls_client_start(a->cl);
	if (err) {
		fprintf(stderr, "locsub: SUBSCRIBE to %s via %s: %s\n",
			a->o.target, a->o.server, strerror(err));
		return err == EINVAL ? 2 : 3;
	}
	if (a->o.verbose)
		fprintf(stderr, "locsub: SUBSCRIBE %s (Event: %s) via %s\n",
			a->o.target, cc.sc.c.event, a->o.server);
	sig_int = evsignal_new(a->base, SIGINT, sig_cb, a);
	sig_term = evsignal_new(a->base, SIGTERM, sig_cb, a);
	a->stop_ev = evtimer_new(a->base, stop_cb, a);
	if (!sig_int || !sig_term || !a->stop_ev ||
	    evsignal_add(sig_int, NULL) || evsignal_add(sig_term, NULL)) {
		fprintf(stderr, "locsub: event loop setup failed\n");
		a->rc = 3;
	} else {
		event_base_dispatch(a->base);
	}
	if (sig_int)
		event_free(sig_int);
	if (sig_term)
		event_free(sig_term);
	return a->rc;
}

int main(int argc, char **argv)
{
	struct app a;
	int rc;

	memset(&a, 0, sizeof(a));
	rc = parse_args(argc, argv, &a.o);
	if (rc)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	a.base = event_base_new();
	if (!a.base || geo_ctx_alloc(&a.geo, NULL) != 0) {
		fprintf(stderr, "locsub: cannot start (out of memory?)\n");
		rc = 3;
	} else {
		rc = run(&a);
	}
	ls_client_free(a.cl); /* before the stack */
	sip_stack_free(a.st);
	if (a.stop_ev)
		event_free(a.stop_ev);
	geo_ctx_free(a.geo);
	if (a.base)
		event_base_free(a.base);
	return rc;
}
