/*
 * sip_udp_bench: NOTIFY transaction rate over UDP on loopback.  Two
 * stacks on one event_base (one thread): the sender keeps a window of
 * NOTIFYs (600-byte PIDF-LO-sized body) in flight; the receiver answers
 * each with 200 from its handler.  Prints completed non-INVITE client
 * transactions per second, i.e. the NOTIFY send rate with the full
 * transaction machinery (build, send, parse, match, timers) on both
 * sides.  A program, not a test; bounded by -n and a 60 s cap.
 * With -s (send only) the receiver is a bare UDP socket that never
 * answers: the sender calls sip_request_send COUNT times in a row
 * (build, branch, client transaction with timers E/F, sendto) and the
 * rate of that is printed.
 *
 *   sip_udp_bench [-s] [-n COUNT] [-w WINDOW]   (defaults 20000, 32)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

#define BODY_LEN 600
#define MAX_SECONDS 60

struct bench {
	struct event_base *base;
	struct sip_stack *tx, *rx;
	char ruri[128];
	char body[BODY_LEN];
	unsigned long count, sent, done, ok, failed;
};

static void notify_h(struct sip_strans *t, const struct sip_msg *req,
		     void *arg)
{
	(void)req;
	(void)arg;
	if (sip_reply_status(t, 200, NULL))
		fprintf(stderr, "sip_udp_bench: reply failed\n");
}

static int send_one(struct bench *b);

static void resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		   void *arg)
{
	struct bench *b = arg;

	(void)resp;
	if (scode < 200)
		return;
	b->done++;
	if (!err && scode == 200)
		b->ok++;
	else
		b->failed++;
	if (b->sent < b->count && send_one(b))
		b->failed++;
	if (b->done >= b->sent)
		event_base_loopbreak(b->base);
}

static int send_one(struct bench *b)
{
	static const struct sip_hdr_out hv[] = {
		{SIP_HDR_EVENT, NULL, {"presence", 8}},
		{SIP_HDR_SUBSCRIPTION_STATE, NULL,
		 {"active;expires=3600", 19}},
	};
	struct sip_req_desc rd;
	char callid[32];
	int err;

	snprintf(callid, sizeof(callid), "bench-%lu", b->sent);
	memset(&rd, 0, sizeof(rd));
	rd.method = "NOTIFY";
	rd.ruri = b->ruri;
	rd.from = "<sip:target@example.com>;tag=srv";
	rd.to = "<sip:watcher@example.com>;tag=cli";
	rd.callid = callid;
	rd.cseq = (uint32_t)(b->sent + 1);
	rd.hdrv = hv;
	rd.hdrc = 2;
	rd.ctype = "application/pidf+xml";
	rd.body = b->body;
	rd.body_len = sizeof(b->body);
	err = sip_request_send(b->tx, &rd, resp_h, b, NULL);
	if (!err)
		b->sent++;
	return err;
}

static void cap_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(arg);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) of this process. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	       ((double)ru.ru_utime.tv_usec + (double)ru.ru_stime.tv_usec) /
		       1e6;
}

static int parse_ul(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s || !v || v > max)
		return EINVAL;
	*out = v;
	return 0;
}

/* -s: COUNT sends to a socket that never answers. */
static int send_only(struct bench *b)
{
	struct sip_stack_conf conf;
	struct sip_sa sa;
	char hp[SIP_SA_STRMAX];
	int fd, rc = 1;
	double t0, c0, dt, dc;
	unsigned long i, fails = 0;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || sip_sa_set(&sa, "127.0.0.1", 0) ||
	    bind(fd, &sa.u.sa, sa.len))
		goto out;
	sa.len = sizeof(sa.u);
	if (getsockname(fd, &sa.u.sa, &sa.len) ||
	    sip_sa_print(&sa, hp, sizeof(hp)))
		goto out;
	snprintf(b->ruri, sizeof(b->ruri), "sip:watcher@%s", hp);
	sip_stack_conf_init(&conf);
	conf.max_trans = b->count + 16;
	if (sip_stack_alloc(&b->tx, b->base, &conf) ||
	    sip_stack_listen(b->tx, "udp:127.0.0.1:0"))
		goto out;
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < b->count; i++)
		if (send_one(b))
			fails++;
	dt = now_s() - t0;
	dc = cpu_s() - c0;
	printf("sip_udp_bench -s: %lu NOTIFY (%d-byte body) sent, %lu "
	       "failed: %.3f s wall, %.3f s CPU; %.0f sends/s wall, %.0f "
	       "per CPU second\n", b->sent, BODY_LEN, fails, dt, dc,
	       dt > 0 ? (double)b->sent / dt : 0.0,
	       dc > 0 ? (double)b->sent / dc : 0.0);
	rc = fails ? 1 : 0;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	struct sip_stack_conf conf;
	struct bench b;
	struct sip_sa sa;
	struct event *cap = NULL;
	struct timeval tv = {MAX_SECONDS, 0};
	char hp[SIP_SA_STRMAX];
	unsigned long window = 32, i;
	double t0, dt, c0, dc;
	int opt, rc = 1;
	bool sonly = false;

	memset(&b, 0, sizeof(b));
	b.count = 20000;
	while ((opt = getopt(argc, argv, "sn:w:")) != -1) {
		if (opt == 's') {
			sonly = true;
			continue;
		}
		if (opt == 'n' && !parse_ul(optarg, 10000000, &b.count))
			continue;
		if (opt == 'w' && !parse_ul(optarg, 4096, &window))
			continue;
		fprintf(stderr,
			"usage: sip_udp_bench [-s] [-n COUNT] [-w WINDOW]\n");
		return 1;
	}
	memset(b.body, 'x', sizeof(b.body));
	b.base = event_base_new();
	if (sonly) {
		rc = b.base ? send_only(&b) : 1;
		goto out;
	}
	sip_stack_conf_init(&conf);
	conf.max_trans = b.count + window + 16;
	if (!b.base || sip_stack_alloc(&b.tx, b.base, &conf) ||
	    sip_stack_alloc(&b.rx, b.base, &conf) ||
	    sip_stack_listen(b.tx, "udp:127.0.0.1:0") ||
	    sip_stack_listen(b.rx, "udp:127.0.0.1:0") ||
	    sip_stack_handler_add(b.rx, "NOTIFY", notify_h, NULL) ||
	    sip_stack_laddr(b.rx, SIP_TRANSP_UDP, AF_INET, &sa) ||
	    sip_sa_print(&sa, hp, sizeof(hp))) {
		fprintf(stderr, "sip_udp_bench: setup failed\n");
		goto out;
	}
	snprintf(b.ruri, sizeof(b.ruri), "sip:watcher@%s", hp);
	cap = evtimer_new(b.base, cap_cb, b.base);
	if (!cap || evtimer_add(cap, &tv))
		goto out;
	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < window && b.sent < b.count; i++)
		if (send_one(&b))
			goto out;
	event_base_dispatch(b.base);
	dt = now_s() - t0;
	dc = cpu_s() - c0;
	printf("sip_udp_bench: %lu NOTIFY (%d-byte body) -> %lu x 200, "
	       "%lu failed, window %lu: %.3f s wall, %.3f s CPU; "
	       "%.0f transactions/s wall, %.0f per CPU second\n",
	       b.done, BODY_LEN, b.ok, b.failed, window, dt, dc,
	       dt > 0 ? (double)b.done / dt : 0.0,
	       dc > 0 ? (double)b.done / dc : 0.0);
	rc = b.done == b.count && !b.failed ? 0 : 1;
out:
	if (cap)
		event_free(cap);
	sip_stack_free(b.tx);
	sip_stack_free(b.rx);
	if (b.base)
		event_base_free(b.base);
	return rc;
}
