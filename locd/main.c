/*
 * main.c: locd's entry point: command line, signals, the loop.
 *
 *   locd [-c FILE] [--sip-listen ADDR]... [--tls-listen ADDR|none]...
 *        [--http-listen ADDR] [--db PATH] [--domain NAME] [--var DIR]
 *        [--no-auth] [-v]
 *
 * SIGTERM and SIGINT drain (locd_drain) and exit 0.  Exit 1: usage or
 * configuration error; 2: a listener could not be opened; 3: other
 * start-up failures.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "locd/locd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: locd [-c FILE] [--sip-listen ADDR]... "
		"[--tls-listen ADDR|none]...\n"
		"            [--http-listen ADDR] [--db PATH] "
		"[--domain NAME] [--var DIR]\n"
		"            [--no-auth] [-v]\n"
		"ADDR is HOST:PORT ([v6]:PORT). See locd(8).\n");
}

static void stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
	struct locd_config cfg;
	struct locd_config_err cerr;
	struct locd_cli cli;
	struct locd_log lg = {LOCD_LOG_INFO, NULL};
	struct event_base *base = NULL;
	struct event *sig_term = NULL, *sig_int = NULL;
	struct timeval grace = {0, 300000};
	struct locd *d = NULL;
	int err, rc = 3;

	locd_config_init(&cfg);
	err = locd_cli_parse(&cli, &cfg, argc, argv, &cerr);
	if (err) {
		fprintf(stderr, "locd: %s\n", cerr.msg[0] ? cerr.msg
							  : strerror(err));
		usage(stderr);
		locd_config_reset(&cfg);
		return 1;
	}
	if (cli.help || cli.version) {
		if (cli.help)
			usage(stdout);
		else
			printf("locd 0.1\n");
		locd_config_reset(&cfg);
		return 0;
	}
	lg.level = cfg.log_level;
	signal(SIGPIPE, SIG_IGN);
	base = event_base_new();
	if (!base)
		goto out;
	err = locd_alloc(&d, base, &cfg, &lg);
	if (err) {
		rc = err == EADDRINUSE || err == EACCES ||
				     err == EADDRNOTAVAIL
			     ? 2
			     : err == ENOENT || err == EINVAL ||
					       err == EBADMSG
				       ? 1
				       : 3;
		goto out;
	}
	sig_term = evsignal_new(base, SIGTERM, stop_cb, base);
	sig_int = evsignal_new(base, SIGINT, stop_cb, base);
	if (!sig_term || !sig_int || evsignal_add(sig_term, NULL) ||
	    evsignal_add(sig_int, NULL))
		goto out;
	event_base_dispatch(base);
	locd_drain(d);
	/* let final NOTIFYs leave */
	event_base_loopexit(base, &grace);
	event_base_dispatch(base);
	rc = 0;
out:
	if (sig_int)
		event_free(sig_int);
	if (sig_term)
		event_free(sig_term);
	locd_free(d);
	if (base)
		event_base_free(base);
	locd_config_reset(&cfg);
	return rc;
}
