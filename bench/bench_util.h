/*
 * bench_util.h: small helpers shared by the bench/ programs (static
 * inline; every bench/NAME.c is its own program, so no shared .c here).
 *
 * bench_cpu_now: this thread's CPU time in seconds, so figures are per
 *   core even when the machine is shared (wall-clock rates would include
 *   time other processes ran).
 * bench_rnd: xorshift64 step; a uniform double in [0, 1). Seeded by the
 *   caller (*s != 0), so every run measures the same inputs.
 * bench_heap_used: heap bytes held (glibc mallinfo2: in-use bytes
 *   including malloc's own overhead, plus mmap'd chunks).
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

static inline double bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static inline double bench_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(*s >> 11) / 9007199254740992.0;
}

static inline size_t bench_heap_used(void)
{
	struct mallinfo2 m = mallinfo2();

	return m.uordblks + m.hblkhd;
}

#endif
