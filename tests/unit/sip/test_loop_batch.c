/*
 * test_loop_batch.c: work per event-loop turn (issue 6, NOTIFY storms):
 * on a real event_base the stack fires at most timer_batch due timers
 * per turn (the rest on the next turns, after the sockets were polled;
 * sip_stack_timers_run still fires all), reads at most udp_batch
 * datagrams per readable UDP socket per turn, and asks the kernel for
 * the configured SO_RCVBUF / SO_SNDBUF (reporting what it granted,
 * capped by net.core.rmem_max).  Turns are run with EVLOOP_ONCE and
 * EVLOOP_NONBLOCK: nothing sleeps.
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

#define NTIMERS 35

struct fired {
	int n;
};

static void count_h(void *arg)
{
	((struct fired *)arg)->n++;
}

static struct sip_stack *mk(struct event_base *base,
			    struct sip_stack_conf *c)
{
	struct sip_stack *st = NULL;

	ck_assert_int_eq(sip_stack_alloc(&st, base, c), 0);
	return st;
}

/* 35 timers due now, a batch of 10: 10, 20, 30, 35 over four turns. */
START_TEST(timer_batch_per_turn)
{
	struct event_base *base = event_base_new();
	struct sip_timer t[NTIMERS];
	struct sip_stack_conf c;
	struct sip_stack *st;
	struct fired f = {0};
	int i;

	ck_assert_ptr_nonnull(base);
	sip_stack_conf_init(&c);
	ck_assert_uint_eq(c.timer_batch, SIP_TIMER_BATCH);
	c.timer_batch = 10;
	st = mk(base, &c);
	for (i = 0; i < NTIMERS; i++) {
		sip_timer_init(&t[i]);
		ck_assert_int_eq(sip_timer_start(st, &t[i], 0, count_h, &f), 0);
	}
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(f.n, 10);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(f.n, 20);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(f.n, 30);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	ck_assert_int_eq(f.n, NTIMERS);
	for (i = 0; i < NTIMERS; i++)
		ck_assert(!sip_timer_pending(&t[i]));
	/* nothing left: the loop has no more events */
	ck_assert_int_eq(event_base_loop(base, EVLOOP_NONBLOCK), 1);

	/* called directly, every due timer fires at once */
	f.n = 0;
	for (i = 0; i < NTIMERS; i++)
		ck_assert_int_eq(sip_timer_start(st, &t[i], 0, count_h, &f), 0);
	ck_assert_uint_eq(sip_stack_timers_run(st), NTIMERS);
	ck_assert_int_eq(f.n, NTIMERS);
	sip_stack_free(st);
	event_base_free(base);
}
END_TEST

/* 12 datagrams waiting, a batch of 5: 5, 10, 12 over three turns. */
START_TEST(udp_batch_per_turn)
{
	static const char resp[] =
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnomatch\r\n"
		"From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\n"
		"Call-ID: batch@127.0.0.1\r\nCSeq: 1 NOTIFY\r\n"
		"Content-Length: 0\r\n\r\n";
	struct event_base *base = event_base_new();
	struct sip_stack_stats ss;
	struct sip_stack_conf c;
	struct sip_stack *st;
	struct sip_sa la;
	int fd, i;

	ck_assert_ptr_nonnull(base);
	sip_stack_conf_init(&c);
	ck_assert_uint_eq(c.udp_batch, SIP_UDP_BATCH);
	c.udp_batch = 5;
	st = mk(base, &c);
	ck_assert_int_eq(sip_stack_listen(st, "udp:127.0.0.1:0"), 0);
	ck_assert_int_eq(sip_stack_laddr(st, SIP_TRANSP_UDP, AF_INET, &la),
			 0);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < 12; i++)
		ck_assert_int_eq(sendto(fd, resp, sizeof(resp) - 1, 0,
					&la.u.sa, la.len),
				 (ssize_t)(sizeof(resp) - 1));
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	sip_stack_stats_get(st, &ss);
	ck_assert_uint_eq(ss.rx_msgs, 5);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	sip_stack_stats_get(st, &ss);
	ck_assert_uint_eq(ss.rx_msgs, 10);
	ck_assert_int_eq(event_base_loop(base, EVLOOP_ONCE), 0);
	sip_stack_stats_get(st, &ss);
	ck_assert_uint_eq(ss.rx_msgs, 12);
	close(fd);
	sip_stack_free(st);
	event_base_free(base);
}
END_TEST

static long sysctl_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Socket buffers: asked, granted (the kernel reports twice), capped. */
START_TEST(udp_socket_buffers)
{
	struct event_base *base = event_base_new();
	long rmax = sysctl_long("/proc/sys/net/core/rmem_max");
	struct sip_stack_stats ss;
	struct sip_stack_conf c;
	struct sip_stack *st;

	ck_assert_ptr_nonnull(base);
	sip_stack_conf_init(&c);
	ck_assert_uint_eq(c.udp_rcvbuf, SIP_UDP_RCVBUF);
	ck_assert_uint_eq(c.udp_sndbuf, SIP_UDP_SNDBUF);
	c.udp_rcvbuf = 65536;
	c.udp_sndbuf = 32768;
	st = mk(base, &c);
	sip_stack_stats_get(st, &ss);
	ck_assert_uint_eq(ss.udp_rcvbuf, 0); /* no UDP socket yet */
	ck_assert_int_eq(sip_stack_listen(st, "udp:127.0.0.1:0"), 0);
	sip_stack_stats_get(st, &ss);
	ck_assert_uint_eq(ss.udp_rcvbuf, 2 * 65536);
	ck_assert_uint_eq(ss.udp_sndbuf, 2 * 32768);
	sip_stack_free(st);

	/* 0: the kernel's default, untouched */
	c.udp_rcvbuf = 0;
	c.udp_sndbuf = 0;
	st = mk(base, &c);
	ck_assert_int_eq(sip_stack_listen(st, "udp:127.0.0.1:0"), 0);
	sip_stack_stats_get(st, &ss);
	ck_assert_uint_gt(ss.udp_rcvbuf, 0);
	ck_assert_uint_gt(ss.udp_sndbuf, 0);
	sip_stack_free(st);

	/* more than net.core.rmem_max: capped to it */
	if (rmax > 0) {
		c.udp_rcvbuf = (size_t)rmax + 65536;
		st = mk(base, &c);
		ck_assert_int_eq(sip_stack_listen(st, "udp:127.0.0.1:0"), 0);
		sip_stack_stats_get(st, &ss);
		ck_assert_uint_eq(ss.udp_rcvbuf, 2 * (size_t)rmax);
		sip_stack_free(st);
	}
	event_base_free(base);
}
END_TEST

TCase *tcase_loop_batch(void);
TCase *tcase_loop_batch(void)
{
	TCase *tc = tcase_create("loop_batch");

	tcase_add_test(tc, timer_batch_per_turn);
	tcase_add_test(tc, udp_batch_per_turn);
	tcase_add_test(tc, udp_socket_buffers);
	return tc;
}
