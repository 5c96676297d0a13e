/*
 * sipecho: a minimal UAS on the SIP stack for integration tests.  It
 * answers OPTIONS (Allow, Accept, Allow-Events, Supported), rejects
 * INVITE (405 with Allow; timers G/H over UDP), answers what RFC 3261
 * §8.2 says for everything else, and accepts MESSAGE with 200 to show a
 * handler.
 *
 *   sipecho [-t SECONDS] [-c CERT -k KEY] SPEC...
 *
 * SPEC as sip_stack_listen ("udp:127.0.0.1:5060", "tcp:[::1]:5070",
 * "tls:127.0.0.1:5061").  Prints "ready PROTO ADDR" per listener, then
 * runs until SIGTERM/SIGINT or SECONDS (default 120) have passed.  Exit
 * 0, 1 usage, 2 a listener failed (e.g. port in use), 3 other errors.
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
#include "sip/sip_stack.h"

static void message_h(struct sip_strans *t, const struct sip_msg *req,
		      void *arg)
{
	(void)req;
	(void)arg;
	if (sip_reply_status(t, 200, NULL))
		fprintf(stderr, "sipecho: reply failed\n");
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static int parse_secs(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || v == 0 || v > 86400)
		return EINVAL;
	*out = (unsigned)v;
	return 0;
}

static void print_ready(struct sip_stack *st)
{
	static const enum sip_transp tps[] = {
		SIP_TRANSP_UDP, SIP_TRANSP_TCP, SIP_TRANSP_TLS
	};
	static const int afs[] = {AF_INET, AF_INET6};
	char buf[SIP_SA_STRMAX];
	struct sip_sa sa;
	size_t i, j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 2; j++)
			if (!sip_stack_laddr(st, tps[i], afs[j], &sa) &&
			    !sip_sa_print(&sa, buf, sizeof(buf)))
				printf("ready %s %s\n",
				       sip_transp_name(tps[i]), buf);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	struct event_base *base = NULL;
	struct event *sig_term = NULL, *sig_int = NULL, *timer = NULL;
	struct sip_stack *st = NULL;
	struct sip_stack_conf conf;
	struct timeval tv = {120, 0};
	unsigned secs = 120;
	int opt, err, rc = 3;

	sip_stack_conf_init(&conf);
	conf.user_agent = "locd-sipecho";
	while ((opt = getopt(argc, argv, "t:c:k:")) != -1) {
		switch (opt) {
		case 't':
			if (parse_secs(optarg, &secs))
				goto usage;
			tv.tv_sec = (time_t)secs;
			break;
		case 'c':
			conf.tls_cert = optarg;
			break;
		case 'k':
			conf.tls_key = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc)
		goto usage;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!base)
		goto out;
	err = sip_stack_alloc(&st, base, &conf);
	if (err) {
		fprintf(stderr, "sipecho: stack: %s\n", strerror(err));
		goto out;
	}
	if (sip_stack_handler_add(st, "MESSAGE", message_h, NULL) ||
	    sip_stack_event_add(st, "presence") ||
	    sip_stack_accept_add(st, "application/pidf+xml") ||
	    sip_stack_supported_add(st, "outbound"))
		goto out;
	for (; optind < argc; optind++) {
		err = sip_stack_listen(st, argv[optind]);
		if (err) {
			fprintf(stderr, "sipecho: listen %s: %s\n",
				argv[optind], strerror(err));
			rc = 2;
			goto out;
		}
	}
	sig_term = evsignal_new(base, SIGTERM, stop_cb, base);
	sig_int = evsignal_new(base, SIGINT, stop_cb, base);
	timer = evtimer_new(base, stop_cb, base);
	if (!sig_term || !sig_int || !timer || evsignal_add(sig_term, NULL) ||
	    evsignal_add(sig_int, NULL) || evtimer_add(timer, &tv))
		goto out;
	print_ready(st);
	event_base_dispatch(base);
	rc = 0;
out:
	if (timer)
		event_free(timer);
	if (sig_int)
		event_free(sig_int);
	if (sig_term)
		event_free(sig_term);
	sip_stack_free(st);
	if (base)
		event_base_free(base);
	return rc;
usage:
	fprintf(stderr, "usage: sipecho [-t SECONDS] [-c CERT -k KEY] "
			"SPEC...\n");
	return 1;
}
