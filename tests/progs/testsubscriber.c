/*
 * testsubscriber: the client side of sip/sip_event.h on the SIP stack,
 * for the event integration tests: subscribes to x-test at TARGET, and
 * on the first NOTIFY publishes "pos-B" there; when a NOTIFY carries
 * pos-B it unsubscribes; when the final NOTIFY (terminated;reason=
 * timeout) came it removes the publication; then it exits 0.
 *
 *   testsubscriber [-t SECONDS] SPEC... TARGET
 *
 * SPEC as sip_stack_listen (where NOTIFYs arrive); TARGET a SIP URI
 * ("sip:alice@127.0.0.1:5060;transport=tcp").  Prints one line per
 * step.  Exit 0 done, 1 usage, 2 listen failed, 3 other errors, 4 a step
 * failed or SECONDS (default 20) passed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "sip/sip.h"
#include "sip/sip_event.h"
#include "sip/sip_stack.h"
#include "tests/progs/progs_common.h"

enum stage { ST_SUBSCRIBING, ST_PUBLISHING, ST_UNSUBSCRIBING, ST_REMOVING,
	     ST_DONE, ST_FAILED };

struct app {
	struct event_base *base;
	struct sip_evt_node *node;
	struct sip_subscriber *s;
	struct sip_publisher *p;
	enum stage stage;
	int notifies;
};

static void finish(struct app *a, enum stage st, const char *why)
{
	a->stage = st;
	printf("%s: %s\n", st == ST_DONE ? "done" : "failed", why);
	fflush(stdout);
	event_base_loopbreak(a->base);
}

static void on_notify(struct sip_subscriber *s, enum sip_substate st,
		      const struct sip_pl *reason, const struct sip_pl *ctype,
		      const struct sip_pl *body, void *arg)
{
	struct app *a = arg;
	uint64_t now = sip_evt_node_now(a->node);

	(void)s;
	(void)ctype;
	a->notifies++;
	printf("notify %s%s%.*s body=%.*s", sip_substate_name(st),
	       reason->l ? " " : "", (int)reason->l,
	       reason->p ? reason->p : "", (int)body->l,
	       body->p ? body->p : "");
	fflush(stdout);
	if (a->stage == ST_SUBSCRIBING && st == SIP_SUBSTATE_ACTIVE) {
		a->stage = ST_PUBLISHING;
		if (sip_publisher_publish(a->p, "text/plain", "pos-B", 5,
					  now))
			finish(a, ST_FAILED, "publish not sent");
	} else if (a->stage == ST_PUBLISHING && body->l &&
		   memmem(body->p, body->l, "pos-B", 5)) {
		a->stage = ST_UNSUBSCRIBING;
		if (sip_subscriber_unsubscribe(a->s, now))
			finish(a, ST_FAILED, "unsubscribe not sent");
	}
	sip_evt_node_kick(a->node);
}

static void on_close(struct sip_subscriber *s, enum sip_sub_reason reason,
		     uint16_t scode, void *arg)
{
	struct app *a = arg;

	(void)s;
	printf("closed %s %u\n", sip_sub_reason_name(reason),
	       (unsigned)scode);
	fflush(stdout);
	if (a->stage != ST_UNSUBSCRIBING ||
	    reason != SIP_SUB_REASON_TIMEOUT) {
		finish(a, ST_FAILED, "subscription ended early");
		return;
	}
	a->stage = ST_REMOVING;
	if (sip_publisher_remove(a->p, sip_evt_node_now(a->node)))
		finish(a, ST_FAILED, "remove not sent");
	sip_evt_node_kick(a->node);
}

static void on_result(struct sip_publisher *p, uint16_t scode,
		      const char *etag, void *arg)
{
	struct app *a = arg;

	(void)p;
	printf("published %u %s\n", (unsigned)scode, etag ? etag : "-");
	fflush(stdout);
	if (scode != 200)
		finish(a, ST_FAILED, "PUBLISH refused");
	else if (a->stage == ST_REMOVING && !etag)
		finish(a, ST_DONE, "subscribed, published, notified, "
				   "unsubscribed, removed");
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	finish(arg, ST_FAILED, "timeout");
}

int main(int argc, char **argv)
{
	struct event_base *base = NULL;
	struct event *timer = NULL;
	struct sip_stack *st = NULL;
	struct sip_stack_conf conf;
	struct sip_evt_node_conf nc = {.client = true};
	struct sip_subscriber_conf sc;
	struct sip_publisher_conf pc;
	struct timeval tv = {20, 0};
	struct app app;
	const char *target;
	unsigned secs;
	int opt, err, rc = 3;

	memset(&app, 0, sizeof(app));
	sip_stack_conf_init(&conf);
	conf.user_agent = "locd-testsubscriber";
	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't' || progs_parse_secs(optarg, 3600, &secs))
			goto usage;
		tv.tv_sec = (time_t)secs;
	}
	if (argc - optind < 2)
		goto usage;
	target = argv[argc - 1];
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!base)
		goto out;
	app.base = base;
	err = sip_stack_alloc(&st, base, &conf);
	if (!err)
		err = sip_evt_node_alloc(&app.node, st, &nc);
	if (err) {
		fprintf(stderr, "testsubscriber: %s\n", strerror(err));
		goto out;
	}
	for (; optind < argc - 1; optind++) {
		err = sip_stack_listen(st, argv[optind]);
		if (err) {
			fprintf(stderr, "testsubscriber: listen %s: %s\n",
				argv[optind], strerror(err));
			rc = 2;
			goto out;
		}
	}
	memset(&sc, 0, sizeof(sc));
	sc.c.target = target;
	sc.c.from = "sip:watcher@example.net";
	sc.c.contact_user = "w";
	sc.c.event = "x-test";
	sc.c.expires = 120;
	sc.accept = "text/plain";
	sc.ctype = "application/x-filter";
	sc.body = "any filter";
	sc.body_len = 10;
	sc.notifyh = on_notify;
	sc.closeh = on_close;
	sc.harg = &app;
	memset(&pc, 0, sizeof(pc));
	pc.c.target = target;
	pc.c.from = "sip:alice@example.net";
	pc.c.event = "x-test";
	pc.c.expires = 120;
	pc.resulth = on_result;
	pc.harg = &app;
	err = sip_evt_node_subscriber_alloc(app.node, &sc, &app.s);
	if (!err)
		err = sip_evt_node_publisher_alloc(app.node, &pc, &app.p);
	if (!err)
		err = sip_subscriber_start(app.s, sip_evt_node_now(app.node));
	if (err) {
		fprintf(stderr, "testsubscriber: start: %s\n",
			strerror(err));
		goto out;
	}
	sip_evt_node_kick(app.node);
	timer = evtimer_new(base, stop_cb, &app);
	if (!timer || evtimer_add(timer, &tv))
		goto out;
	event_base_dispatch(base);
	rc = app.stage == ST_DONE ? 0 : 4;
out:
	if (timer)
		event_free(timer);
	sip_evt_node_free(app.node); /* before the stack */
	sip_stack_free(st);
	if (base)
		event_base_free(base);
	return rc;
usage:
	fprintf(stderr, "usage: testsubscriber [-t SECONDS] SPEC... "
			"TARGET\n");
	return 1;
}
