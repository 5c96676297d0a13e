/*
 * progs_common.h: helpers shared by the test programs in tests/progs/
 * (every tests/progs/NAME.c is a program of its own, so they share a header
 * of static inline functions, not a .c).
 *
 * progs_parse_secs: a whole number of seconds in 1..max (EINVAL).
 * progs_print_ready: "ready PROTO ADDR" for each of the first ntp
 *   transports (UDP, TCP, TLS) the stack listens on, v4 then v6.
 * progs_listen_all: sip_stack_listen every SPEC in argv[first..argc);
 *   on failure prints "NAME: listen SPEC: error" and returns 2.
 * progs_stop_arm / progs_stop_free: SIGTERM, SIGINT and a timer after tv
 *   all end the event loop (event_base_loopbreak).
 */
#ifndef PROGS_COMMON_H
#define PROGS_COMMON_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/event.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

struct progs_stop {
	struct event *term;
	struct event *intr;
	struct event *timer;
};

static inline int progs_parse_secs(const char *s, unsigned long max,
				   unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > max)
		return EINVAL;
	*out = (unsigned)v;
	return 0;
}

static inline void progs_print_ready(struct sip_stack *st, size_t ntp)
{
	static const enum sip_transp tps[] = {
		SIP_TRANSP_UDP, SIP_TRANSP_TCP, SIP_TRANSP_TLS
	};
	static const int afs[] = {AF_INET, AF_INET6};
	char buf[SIP_SA_STRMAX];
	struct sip_sa sa;
	size_t i, j;

	for (i = 0; i < ntp && i < 3; i++)
		for (j = 0; j < 2; j++)
			if (!sip_stack_laddr(st, tps[i], afs[j], &sa) &&
			    !sip_sa_print(&sa, buf, sizeof(buf)))
				printf("ready %s %s\n",
				       sip_transp_name(tps[i]), buf);
	fflush(stdout);
}

static inline int progs_listen_all(struct sip_stack *st, const char *name,
				   int argc, char **argv, int first)
{
	int i, err;

	for (i = first; i < argc; i++) {
		err = sip_stack_listen(st, argv[i]);
		if (err) {
			fprintf(stderr, "%s: listen %s: %s\n", name, argv[i],
				strerror(err));
			return 2;
		}
	}
	return 0;
}

static inline void progs_stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static inline int progs_stop_arm(struct progs_stop *ps,
				 struct event_base *base,
				 const struct timeval *tv)
{
	ps->term = evsignal_new(base, SIGTERM, progs_stop_cb, base);
	ps->intr = evsignal_new(base, SIGINT, progs_stop_cb, base);
	ps->timer = evtimer_new(base, progs_stop_cb, base);
	if (!ps->term || !ps->intr || !ps->timer ||
	    evsignal_add(ps->term, NULL) || evsignal_add(ps->intr, NULL) ||
	    evtimer_add(ps->timer, tv))
		return EIO;
	return 0;
}

static inline void progs_stop_free(struct progs_stop *ps)
{
	if (ps->timer)
		event_free(ps->timer);
	if (ps->intr)
		event_free(ps->intr);
	if (ps->term)
		event_free(ps->term);
	ps->timer = ps->intr = ps->term = NULL;
}

#endif
