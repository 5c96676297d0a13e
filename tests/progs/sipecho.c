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
#include "tests/progs/progs_common.h"

static void message_h(struct sip_strans *t, const struct sip_msg *req,
		      void *arg)
{
	(void)req;
	(void)arg;
	if (sip_reply_status(t, 200, NULL))
		fprintf(stderr, "sipecho: reply failed\n");
}

int main(int argc, char **argv)
{
	struct event_base *base = NULL;
	struct progs_stop stop = {NULL, NULL, NULL};
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
			if (progs_parse_secs(optarg, 86400, &secs))
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
	if (progs_listen_all(st, "sipecho", argc, argv, optind)) {
		rc = 2;
		goto out;
	}
	if (progs_stop_arm(&stop, base, &tv))
		goto out;
	progs_print_ready(st, 3);
	event_base_dispatch(base);
	rc = 0;
out:
	progs_stop_free(&stop);
	sip_stack_free(st);
	if (base)
		event_base_free(base);
	return rc;
usage:
	fprintf(stderr, "usage: sipecho [-t SECONDS] [-c CERT -k KEY] "
			"SPEC...\n");
	return 1;
}
