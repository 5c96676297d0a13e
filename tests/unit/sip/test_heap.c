/*
 * test_heap.c: the expiry min-heap of sip/event_util.c that gives
 * sip_notifier_next_due and sip_esc_next_due in O(1) (issue 6, EV-12,
 * EV-31: expiry times): push, update (earlier and later), remove from
 * the middle and the top, back-indices kept, growth past the first
 * array, against a brute-force minimum.
 */
#include <check.h>
#include <stdint.h>

#include "sip/event_int.h"

#define ITEMS 300

struct item {
	uint64_t key;
	size_t idx;
	int in;
};

static uint64_t brute_min(const struct item *v, size_t n)
{
	uint64_t m = UINT64_MAX;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].in && v[i].key < m)
			m = v[i].key;
	return m;
}

/* Back-indices right, keys match, heap order: the first bad slot. */
static size_t bad_slot(const struct evt_heap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		const struct item *it = h->v[i].item;
		if (it->idx != i || it->key != h->v[i].key ||
		    (i && h->v[(i - 1) / 2].key > h->v[i].key))
			return i;
	}
	return SIZE_MAX;
}

START_TEST(test_heap_ops)
{
	static struct item v[ITEMS];
	struct evt_heap h = {0};
	uint32_t x = 12345;
	size_t i, live = 0;

	ck_assert_uint_eq(evt_heap_min(&h), UINT64_MAX);
	ck_assert_ptr_null(evt_heap_top(&h));
	for (i = 0; i < ITEMS; i++) {
		x = x * 1103515245u + 12345u;
		v[i].key = x % 5000;
		v[i].in = 1;
		ck_assert_int_eq(evt_heap_push(&h, v[i].key, &v[i],
					       &v[i].idx), 0);
		live++;
	}
	ck_assert_uint_eq(h.n, ITEMS);
	ck_assert_uint_ge(h.cap, ITEMS);
	ck_assert_uint_eq(bad_slot(&h), SIZE_MAX);
	ck_assert_uint_eq(evt_heap_min(&h), brute_min(v, ITEMS));
	for (i = 0; i < ITEMS; i++) {
		x = x * 1103515245u + 12345u;
		if (i % 3 == 0) {
			/* remove, sometimes the top */
			struct item *it = i % 9 == 0 ?
					  evt_heap_top(&h) : &v[i];
			if (!it->in)
				continue;
			evt_heap_remove(&h, it->idx);
			ck_assert_uint_eq(it->idx, EVT_HEAP_NONE);
			it->in = 0;
			live--;
		} else if (v[i].in) {
			/* a refresh: later or earlier */
			v[i].key = x % 10000;
			evt_heap_update(&h, v[i].idx, v[i].key);
		}
		ck_assert_uint_eq(bad_slot(&h), SIZE_MAX);
		ck_assert_uint_eq(h.n, live);
		ck_assert_uint_eq(evt_heap_min(&h), brute_min(v, ITEMS));
	}
	/* draining by the top yields keys in order */
	{
		uint64_t last = 0;
		while (h.n) {
			struct item *it = evt_heap_top(&h);
			ck_assert_uint_ge(it->key, last);
			last = it->key;
			evt_heap_remove(&h, it->idx);
			it->in = 0;
		}
	}
	ck_assert_uint_eq(evt_heap_min(&h), UINT64_MAX);
	/* reset marks the items still in it as out */
	ck_assert_int_eq(evt_heap_push(&h, 7, &v[0], &v[0].idx), 0);
	evt_heap_reset(&h);
	ck_assert_uint_eq(v[0].idx, EVT_HEAP_NONE);
	ck_assert_ptr_null(h.v);
	/* out-of-range index is ignored */
	evt_heap_remove(&h, 3);
	evt_heap_update(&h, 3, 1);
	ck_assert_uint_eq(h.n, 0);
}
END_TEST

TCase *tcase_heap(void);
TCase *tcase_heap(void)
{
	TCase *tc = tcase_create("heap");

	tcase_add_test(tc, test_heap_ops);
	return tc;
}
