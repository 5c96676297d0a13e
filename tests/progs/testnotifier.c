/*
 * testnotifier: a minimal RFC 6665 notifier and RFC 3903 ESC on the SIP
 * stack for the event integration tests.  Package "x-test": SUBSCRIBE
 * with any body is accepted (Expires default 600, minimum -m, maximum
 * 7200); NOTIFY bodies are "x-test <n> <last published body>" as
 * text/plain; PUBLISH of x-test with any body is accepted and notified
 * to every subscription (right after the 200 to the PUBLISH); with -n
 * SECONDS every subscription is notified on that period as well.
 *
 *   testnotifier [-t SECONDS] [-m MIN_EXPIRES] [-n SECONDS] SPEC...
 *
 * SPEC as sip_stack_listen.  Prints "ready PROTO ADDR" per listener and
 * one line per event ("subscribe", "close REASON SCODE", "publish OP").
 * Runs until SIGTERM/SIGINT or -t SECONDS (default 120).  Exit 0, 1
 * usage, 2 a listener failed (port in use), 3 other errors.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "sip/sip.h"
#include "sip/sip_event.h"
#include "sip/sip_stack.h"
#include "tests/progs/progs_common.h"

#define SUBS_MAX 64
#define STATE_MAX 512

struct app {
	struct event_base *base;
	struct sip_evt_node *node;
	struct sip_sub *subs[SUBS_MAX];
	size_t nsubs;
	unsigned seq;
	char state[STATE_MAX];
};

static void sub_accept(struct sip_sub *sub, const struct sip_sub_req *req,
		       struct sip_sub_answer *ans, void *arg)
{
	struct app *a = arg;
	size_t i;

	(void)req;
	ans->state = a;
	if (req->refresh) {
		printf("refresh %u\n", (unsigned)req->expires);
	} else if (!req->fetch) {
		if (a->nsubs == SUBS_MAX) {
			ans->scode = 503;
			ans->warning = "testnotifier full";
			return;
		}
		for (i = 0; i < a->nsubs && a->subs[i] != sub; i++)
			;
		if (i == a->nsubs)
			a->subs[a->nsubs++] = sub;
		printf("subscribe %u\n", (unsigned)req->expires);
	} else {
		printf("fetch\n");
	}
	fflush(stdout);
}

static int sub_body(struct sip_sub *sub, void *state,
		    enum sip_sub_reason reason, struct sip_buf *body,
		    const char **ctype, void *arg)
{
	struct app *a = arg;

	(void)sub;
	(void)state;
	(void)reason;
	*ctype = "text/plain";
	return sip_buf_printf(body, "x-test %u %s\r\n", ++a->seq, a->state);
}

static void sub_close(struct sip_sub *sub, void *state,
		      enum sip_sub_reason reason, uint16_t scode, void *arg)
{
	struct app *a = arg;
	size_t i;

	(void)state;
	for (i = 0; i < a->nsubs; i++) {
		if (a->subs[i] == sub) {
			a->subs[i] = a->subs[--a->nsubs];
			break;
		}
	}
	printf("close %s %u\n", sip_sub_reason_name(reason),
	       (unsigned)scode);
	fflush(stdout);
}

static void notify_all(struct app *a)
{
	char body[STATE_MAX + 32];
	uint64_t now = sip_evt_node_now(a->node);
	size_t i;
	int n;

	for (i = 0; i < a->nsubs; i++) {
		n = snprintf(body, sizeof(body), "x-test %u %s\r\n", ++a->seq,
			     a->state);
		if (n > 0 && sip_sub_notify(a->subs[i], body, (size_t)n,
					    "text/plain", now))
			fprintf(stderr, "testnotifier: notify failed\n");
	}
}

static void later_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	notify_all(arg);
}

static uint16_t pub_h(const struct sip_pub_event *ev, const char **warning,
		      void *arg)
{
	struct app *a = arg;
	size_t l;

	(void)warning;
	printf("publish %s\n", sip_pub_op_name(ev->op));
	fflush(stdout);
	if (ev->op != SIP_PUB_NEW && ev->op != SIP_PUB_MODIFY)
		return 200;
	/* keep printable bytes of the body as the state */
	for (l = 0; l < ev->body.l && l + 1 < sizeof(a->state); l++) {
		char c = ev->body.p[l];
		a->state[l] = (c >= 0x20 && c < 0x7f) ? c : '.';
	}
	a->state[l] = '\0';
	/* notify once the PUBLISH has its 200 (easier for SIPp to follow) */
	if (event_base_once(a->base, -1, EV_TIMEOUT, later_cb, a, NULL))
		notify_all(a);
	return 200;
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	notify_all(arg);
}

int main(int argc, char **argv)
{
	struct event_base *base = NULL;
	struct progs_stop stop = {NULL, NULL, NULL};
	struct event *tick = NULL;
	struct sip_stack *st = NULL;
	struct sip_stack_conf conf;
	struct sip_evt_node_conf nc = {
		.notifier = true, .esc = true, .contact_user = "locd",
		.warn_host = "testnotifier"};
	struct sip_evt_pkg pkg = {
		.name = "x-test", .expires_default = 600, .expires_min = 60,
		.expires_max = 7200, .accepth = sub_accept,
		.bodyh = sub_body, .closeh = sub_close};
	struct sip_esc_pkg epkg = {
		.name = "x-test", .expires_default = 600, .expires_min = 60,
		.expires_max = 7200, .pubh = pub_h};
	struct timeval tv = {120, 0}, ntv = {0, 0};
	struct app app;
	unsigned secs = 120, v;
	int opt, err, rc = 3;

	memset(&app, 0, sizeof(app));
	sip_stack_conf_init(&conf);
	conf.user_agent = "locd-testnotifier";
	while ((opt = getopt(argc, argv, "t:m:n:")) != -1) {
		switch (opt) {
		case 't':
			if (progs_parse_secs(optarg, 86400, &secs))
				goto usage;
			tv.tv_sec = (time_t)secs;
			break;
		case 'm':
			if (progs_parse_secs(optarg, 86400, &v))
				goto usage;
			pkg.expires_min = v;
			epkg.expires_min = v;
			break;
		case 'n':
			if (progs_parse_secs(optarg, 86400, &v))
				goto usage;
			ntv.tv_sec = (time_t)v;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	pkg.arg = &app;
	epkg.arg = &app;
	base = event_base_new();
	if (!base)
		goto out;
	app.base = base;
	err = sip_stack_alloc(&st, base, &conf);
	if (err) {
		fprintf(stderr, "testnotifier: stack: %s\n", strerror(err));
		goto out;
	}
	err = sip_evt_node_alloc(&app.node, st, &nc);
	if (!err)
		err = sip_evt_node_pkg_add(app.node, &pkg);
	if (!err)
		err = sip_evt_node_esc_pkg_add(app.node, &epkg);
	if (err) {
		fprintf(stderr, "testnotifier: events: %s\n", strerror(err));
		goto out;
	}
	if (progs_listen_all(st, "testnotifier", argc, argv, optind)) {
		rc = 2;
		goto out;
	}
	if (progs_stop_arm(&stop, base, &tv))
		goto out;
	if (ntv.tv_sec) {
		tick = event_new(base, -1, EV_PERSIST, tick_cb, &app);
		if (!tick || evtimer_add(tick, &ntv))
			goto out;
	}
	progs_print_ready(st, 2);
	event_base_dispatch(base);
	rc = 0;
out:
	if (tick)
		event_free(tick);
	progs_stop_free(&stop);
	sip_evt_node_free(app.node); /* before the stack */
	sip_stack_free(st);
	if (base)
		event_base_free(base);
	return rc;
usage:
	fprintf(stderr, "usage: testnotifier [-t SECONDS] [-m MIN_EXPIRES] "
			"[-n SECONDS] SPEC...\n");
	return 1;
}
