/*
 * test_ptree.c: geo/ptree.c, the packed bounding-box tree shared by
 * fence sets and regions (issue 6). For item counts around the node
 * size and its powers (1, 2, 16, 17, 256, 257, 5000) and random boxes,
 * points and query boxes (degenerate ones and ones touching items
 * exactly, ends inclusive): the tree visits exactly the items a brute
 * force scan finds, each once; a callback returning false stops the
 * walk; the sort is a permutation.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_int.h"
#include "tests/unit/geo/geo_cover.h"

struct titem {
	struct geo_box b;
	size_t id;
};

struct visit {
	unsigned char *seen;
	size_t n, stop_after;
};

static bool visit_h(size_t i, void *arg)
{
	struct visit *v = arg;

	v->seen[i]++;       /* check_query asserts it is 1 */
	v->n++;
	return v->stop_after == 0 || v->n < v->stop_after;
}

static void rnd_box(struct geo_box *b, uint64_t *s)
{
	double x = -10 + 20 * gt_rnd(s), y = -10 + 20 * gt_rnd(s);
	double w = gt_rnd(s) < 0.1 ? 0 : 2 * gt_rnd(s);

	b->minx = x;
	b->miny = y;
	b->maxx = x + w;
	b->maxy = y + (gt_rnd(s) < 0.1 ? 0 : 2 * gt_rnd(s));
}

static void check_query(const struct geo_ptree *t, const struct titem *it,
			size_t n, const struct geo_box *q, unsigned char *seen)
{
	struct visit v = { seen, 0, 0 };
	size_t i, want = 0, bad = 0;

	memset(seen, 0, n ? n : 1);
	ck_assert(geo__ptree_query(t, q, visit_h, &v));
	/* brute force: the items whose box meets q, each seen once */
	for (i = 0; i < n; i++) {
		bool m = q->maxx >= it[i].b.minx && q->minx <= it[i].b.maxx &&
			 q->maxy >= it[i].b.miny && q->miny <= it[i].b.maxy;
		want += m;
		bad += seen[i] != (unsigned char)m;
	}
	ck_assert_uint_eq(v.n, want);
	ck_assert_uint_eq(bad, 0);
}

START_TEST(test_ptree_vs_brute)
{
	static const size_t sizes[] = { 0, 1, 2, 16, 17, 256, 257, 5000 };
	uint64_t s = 77;
	size_t k, i, j;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t n = sizes[k];
		struct titem *it = calloc(n ? n : 1, sizeof(*it));
		unsigned char *seen = malloc(n ? n : 1);
		size_t *ids = calloc(n ? n : 1, sizeof(*ids));
		struct geo_ptree t;

		ck_assert(it && seen && ids);
		for (i = 0; i < n; i++) {
			rnd_box(&it[i].b, &s);
			it[i].id = i;
		}
		ck_assert_int_eq(geo__ptree_sort(it, n, sizeof(*it)), 0);
		for (i = 0; i < n; i++)
			ids[it[i].id]++;
		for (i = 0; i < n; i++)
			ck_assert_uint_eq(ids[i], 1);
		ck_assert_int_eq(geo__ptree_build(&t, it, n, sizeof(*it)),
				 0);
		if (n > GEO_PTREE_NODE)
			ck_assert_uint_gt(geo__ptree_bytes(&t), 0);
		for (j = 0; j < 400; j++) {
			struct geo_box q;
			if (j % 2) {
				rnd_box(&q, &s);
			} else {
				q.minx = q.maxx = -11 + 22 * gt_rnd(&s);
				q.miny = q.maxy = -11 + 22 * gt_rnd(&s);
			}
			check_query(&t, it, n, &q, seen);
		}
		/* exactly on an item's corners and edges: inclusive */
		for (i = 0; i < n; i += 1 + n / 50) {
			const struct geo_box *b = &it[i].b;
			struct geo_box q = { b->maxx, b->maxy, b->maxx,
					     b->maxy };
			check_query(&t, it, n, &q, seen);
			ck_assert_uint_eq(seen[i], 1);
			q.minx = b->maxx;
			q.maxx = b->maxx + 1;
			q.miny = q.maxy = b->miny;
			check_query(&t, it, n, &q, seen);
			ck_assert_uint_eq(seen[i], 1);
		}
		/* stop after the first hit */
		if (n) {
			struct geo_box all = { -100, -100, 100, 100 };
			struct visit v = { seen, 0, 1 };
			memset(seen, 0, n);
			ck_assert(!geo__ptree_query(&t, &all, visit_h, &v));
			ck_assert_uint_eq(v.n, 1);
		}
		geo__ptree_reset(&t);
		ck_assert_uint_eq(t.n, 0);
		ck_assert_ptr_null(t.box);
		free(it);
		free(seen);
		free(ids);
	}
}
END_TEST

START_TEST(test_ptree_errors)
{
	struct titem it[2];
	struct geo_ptree t;
	struct geo_box q = { 0, 0, 1, 1 };
	struct visit v = { NULL, 0, 0 };

	memset(it, 0, sizeof(it));
	ck_assert_int_eq(geo__ptree_build(&t, it, 2, 8), EINVAL);
	ck_assert_int_eq(geo__ptree_build(&t, NULL, 2, sizeof(*it)), EINVAL);
	ck_assert_int_eq(geo__ptree_sort(it, 2, 8), EINVAL);
	/* an empty tree visits nothing */
	ck_assert_int_eq(geo__ptree_build(&t, NULL, 0, sizeof(*it)), 0);
	ck_assert(geo__ptree_query(&t, &q, visit_h, &v));
	ck_assert_uint_eq(v.n, 0);
	geo__ptree_reset(&t);
	geo__ptree_reset(NULL);
}
END_TEST

TCase *tcase_ptree(void);
TCase *tcase_ptree(void)
{
	TCase *tc = tcase_create("ptree");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_ptree_vs_brute);
	tcase_add_test(tc, test_ptree_errors);
	return tc;
}
