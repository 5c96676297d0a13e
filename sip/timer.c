/*
 * timer.c: the stack's timers: a min-heap of caller-owned struct
 * sip_timer ordered by due time, driven by one libevent timer event (or,
 * with manual_timers, by sip_stack_timers_run under a fake clock).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "sip/sip_stack.h"
#include "sip/stack_int.h"

uint64_t sip_stack_now(const struct sip_stack *st)
{
	struct timespec ts;

	if (st && st->conf.clock_h)
		return st->conf.clock_h(st->conf.clock_arg);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void sip_timer_init(struct sip_timer *t)
{
	if (!t)
		return;
	t->st = NULL;
	t->due = 0;
	t->idx = SIZE_MAX;
	t->h = NULL;
	t->arg = NULL;
}

bool sip_timer_pending(const struct sip_timer *t)
{
	return t && t->idx != SIZE_MAX;
}

static void heap_set(struct sip_stack *st, size_t i, struct sip_timer *t)
{
	st->heap[i] = t;
	t->idx = i;
}

static void sift_up(struct sip_stack *st, size_t i)
{
	struct sip_timer *t = st->heap[i];

	while (i > 0) {
		size_t p = (i - 1) / 2;
		if (st->heap[p]->due <= t->due)
			break;
		heap_set(st, i, st->heap[p]);
		i = p;
	}
	heap_set(st, i, t);
}

static void sift_down(struct sip_stack *st, size_t i)
{
	struct sip_timer *t = st->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= st->heapc)
			break;
		if (c + 1 < st->heapc &&
		    st->heap[c + 1]->due < st->heap[c]->due)
			c++;
		if (t->due <= st->heap[c]->due)
			break;
		heap_set(st, i, st->heap[c]);
		i = c;
	}
	heap_set(st, i, t);
}

/* Re-arm the libevent timer for the earliest due time. */
static void rearm(struct sip_stack *st)
{
	struct timeval tv;
	uint64_t now, wait;

	if (!st->tmr_ev)
		return;
	if (!st->heapc) {
		evtimer_del(st->tmr_ev);
		return;
	}
	now = sip_stack_now(st);
	wait = st->heap[0]->due > now ? st->heap[0]->due - now : 0;
	tv.tv_sec = (time_t)(wait / 1000u);
	tv.tv_usec = (suseconds_t)(wait % 1000u) * 1000;
	evtimer_add(st->tmr_ev, &tv);
}

static void heap_remove(struct sip_stack *st, struct sip_timer *t)
{
	size_t i = t->idx;
	struct sip_timer *last;

	st->heapc--;
	last = st->heap[st->heapc];
	t->idx = SIZE_MAX;
	if (i == st->heapc)
		return;
	heap_set(st, i, last);
	if (i > 0 && st->heap[(i - 1) / 2]->due > last->due)
		sift_up(st, i);
	else
		sift_down(st, i);
}

void sip_timer_cancel(struct sip_timer *t)
{
	struct sip_stack *st;
	bool was_top;

	if (!t || t->idx == SIZE_MAX || !t->st)
		return;
	st = t->st;
	was_top = t->idx == 0;
	heap_remove(st, t);
	if (was_top)
		rearm(st);
}

int sip_timer_start(struct sip_stack *st, struct sip_timer *t, uint64_t ms,
		    sip_timer_h *h, void *arg)
{
	if (!st || !t || !h)
		return EINVAL;
	sip_timer_cancel(t);
	if (st->heapc == st->heapsz) {
		size_t n = st->heapsz ? st->heapsz * 2 : 64;
		struct sip_timer **nh = realloc(st->heap, n * sizeof(*nh));
		if (!nh)
			return ENOMEM;
		st->heap = nh;
		st->heapsz = n;
	}
	t->st = st;
	t->due = sip_stack_now(st) + ms;
	t->h = h;
	t->arg = arg;
	st->heap[st->heapc] = t;
	t->idx = st->heapc++;
	sift_up(st, t->idx);
	if (t->idx == 0)
		rearm(st);
	return 0;
}

/*
 * Fire timers due at the start, earliest first, at most max (0: no
 * limit), then re-arm: when some are still due the libevent timer is
 * armed at 0, so the loop polls the sockets before the next batch.
 */
static size_t timers_run(struct sip_stack *st, size_t max)
{
	size_t n = 0;
	uint64_t now = sip_stack_now(st);

	while (st->heapc && st->heap[0]->due <= now && (!max || n < max)) {
		struct sip_timer *t = st->heap[0];
		heap_remove(st, t);
		n++;
		t->h(t->arg);
	}
	rearm(st);
	return n;
}

size_t sip_stack_timers_run(struct sip_stack *st)
{
	return st ? timers_run(st, 0) : 0;
}

static void tmr_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sip_stack *st = arg;

	(void)fd;
	(void)what;
	timers_run(st, st->conf.timer_batch);
}

int sip_timers_init(struct sip_stack *st)
{
	if (st->conf.manual_timers || !st->base)
		return 0;
	st->tmr_ev = evtimer_new(st->base, tmr_cb, st);
	return st->tmr_ev ? 0 : ENOMEM;
}

void sip_timers_close(struct sip_stack *st)
{
	size_t i;

	for (i = 0; i < st->heapc; i++)
		st->heap[i]->idx = SIZE_MAX;
	st->heapc = 0;
	free(st->heap);
	st->heap = NULL;
	st->heapsz = 0;
	if (st->tmr_ev)
		event_free(st->tmr_ev);
	st->tmr_ev = NULL;
}
