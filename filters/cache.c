/*
 * cache.c: interning of parsed filters (lf.h, lf_cache_*): one shared,
 * reference-counted filter per identical (resolved content type, body).
 *
 * A chained hash table of filters (intrusive: struct lf_filter carries
 * cache, cnext and hash), power-of-two buckets, doubled when the filters
 * outnumber the buckets. The cache holds no reference of its own: the
 * last lf_filter_free takes a filter out (lf_cache_unlink), and
 * lf_cache_free only detaches the filters still held.
 *
 * The hash covers the body bytes only, seeded per cache: a body that
 * parses as one type cannot parse as the other (the root element decides,
 * LF-1/LF-12), so at most one type per body is ever cached and a match
 * also compares the type. The mix is XXH64-style (64-bit multiply and
 * rotate over 8-byte words); it is fast, not a cryptographic defence
 * against hash flooding (the random seed only makes collisions hard to
 * precompute).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "filters/lf_int.h"

#define CACHE_BUCKETS_MIN 64

struct lf_cache {
	struct geo_ctx *geo;
	const struct lf_opts *opts;
	uint64_t seed;
	size_t count;           /* filters in the table */
	size_t mask;            /* buckets - 1 */
	struct lf_filter **bucket;
};

/* ------------------------------------------------------------------ */
/* Hash                                                                */

#define P1 0x9E3779B185EBCA87ULL
#define P2 0xC2B2AE3D27D4EB4FULL
#define P3 0x165667B19E3779F9ULL
#define P4 0x85EBCA77C2B2AE63ULL
#define P5 0x27D4EB2F165667C5ULL

static uint64_t rotl(uint64_t x, unsigned r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t mix(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl(acc, 31);
	return acc * P1;
}

static uint64_t merge(uint64_t h, uint64_t v)
{
	h ^= mix(0, v);
	return h * P1 + P4;
}

static uint64_t body_hash(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data, *end = p + len;
	uint64_t h;

	if (len >= 32) {
		uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed;
		uint64_t v4 = seed - P1;

		do {
			v1 = mix(v1, rd64(p));
			v2 = mix(v2, rd64(p + 8));
			v3 = mix(v3, rd64(p + 16));
			v4 = mix(v4, rd64(p + 24));
			p += 32;
		} while (end - p >= 32);
		h = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18);
		h = merge(h, v1);
		h = merge(h, v2);
		h = merge(h, v3);
		h = merge(h, v4);
	} else {
		h = seed + P5;
	}
	h += (uint64_t)len;
	for (; end - p >= 8; p += 8) {
		h ^= mix(0, rd64(p));
		h = rotl(h, 27) * P1 + P4;
	}
	if (end - p >= 4) {
		h ^= (uint64_t)rd32(p) * P1;
		h = rotl(h, 23) * P2 + P3;
		p += 4;
	}
	for (; p < end; p++) {
		h ^= (uint64_t)*p * P5;
		h = rotl(h, 11) * P1;
	}
	h ^= h >> 33;
	h *= P2;
	h ^= h >> 29;
	h *= P3;
	h ^= h >> 32;
	return h;
}

/* getrandom(2); without it (old kernel, seccomp) a clock and address
 * mix: still per process, just guessable. */
static uint64_t seed_new(const void *salt)
{
	struct timespec ts;
	uint64_t s;

	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) == (ssize_t)sizeof(s))
		return s;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return body_hash((uint64_t)(uintptr_t)salt ^ (uint64_t)ts.tv_nsec,
			 &ts, sizeof(ts));
}

/* ------------------------------------------------------------------ */
/* Table                                                               */

int lf_cache_new(struct geo_ctx *geo, const struct lf_opts *opts,
		 struct lf_cache **cp)
{
	struct lf_cache *c;

	if (!geo || !cp)
		return EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->bucket = calloc(CACHE_BUCKETS_MIN, sizeof(*c->bucket));
	if (!c->bucket) {
		free(c);
		return ENOMEM;
	}
	c->mask = CACHE_BUCKETS_MIN - 1;
	c->geo = geo;
	c->opts = opts;
	c->seed = seed_new(c);
	*cp = c;
	return 0;
}

void lf_cache_free(struct lf_cache *c)
{
	struct lf_filter *f, *next;
	size_t i;

	if (!c)
		return;
	for (i = 0; i <= c->mask; i++) {
		for (f = c->bucket[i]; f; f = next) {
			next = f->cnext;
			f->cache = NULL;
			f->cnext = NULL;
		}
	}
	free(c->bucket);
	free(c);
}

size_t lf_cache_count(const struct lf_cache *c)
{
	return c ? c->count : 0;
}

void lf_cache_unlink(struct lf_cache *c, struct lf_filter *f)
{
	struct lf_filter **pp;

	for (pp = &c->bucket[f->hash & c->mask]; *pp; pp = &(*pp)->cnext) {
		if (*pp == f) {
			*pp = f->cnext;
			c->count--;
			break;
		}
	}
	f->cache = NULL;
	f->cnext = NULL;
}

/* Double the buckets; on ENOMEM keep the old table (longer chains). */
static void grow(struct lf_cache *c)
{
	size_t n = (c->mask + 1) * 2, i;
	struct lf_filter **nb, *f, *next;

	if (n > SIZE_MAX / sizeof(*nb))
		return;
	nb = calloc(n, sizeof(*nb));
	if (!nb)
		return;
	for (i = 0; i <= c->mask; i++) {
		for (f = c->bucket[i]; f; f = next) {
			next = f->cnext;
			f->cnext = nb[f->hash & (n - 1)];
			nb[f->hash & (n - 1)] = f;
		}
	}
	free(c->bucket);
	c->bucket = nb;
	c->mask = n - 1;
}

/* The cached filter for (mode, body) or NULL; any mode if !by_mode. */
static struct lf_filter *lookup(const struct lf_cache *c, uint64_t h,
				bool by_mode, enum lf_mode mode,
				const char *body, size_t len)
{
	struct lf_filter *f;

	for (f = c->bucket[h & c->mask]; f; f = f->cnext)
		if (f->hash == h && f->srclen == len &&
		    (!by_mode || f->mode == mode) &&
		    memcmp(f->src, body, len) == 0)
			return f;
	return NULL;
}

static void insert(struct lf_cache *c, struct lf_filter *f, uint64_t h)
{
	size_t b = h & c->mask;

	f->cache = c;
	f->hash = h;
	f->cnext = c->bucket[b];
	c->bucket[b] = f;
	if (++c->count > c->mask + 1)
		grow(c);
}

int lf_cache_parse(struct lf_cache *c, const char *ctype, const char *body,
		   size_t len, struct lf_filter **fp, struct lf_err *err)
{
	struct lf_filter *f = NULL, *hit;
	enum lf_mode mode = LF_MODE_DRAFT;
	uint64_t h;
	int e;

	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
	if (!c || !body || !fp)
		return lf_err_set(err, EINVAL, "bad argument");
	if (ctype && lf_ctype_mode(ctype, &mode))
		return lf_err_set(err, EPROTONOSUPPORT,
				  "unsupported filter type");
	h = body_hash(c->seed, body, len);
	/* NULL ctype: a cached body parsed as the type its root decides,
	 * which is what lf_filter_parse would decide again. */
	hit = lookup(c, h, ctype != NULL, mode, body, len);
	if (hit) {
		*fp = lf_filter_hold(hit);
		return 0;
	}
	e = lf_filter_parse(c->geo, ctype, body, len, c->opts, &f, err);
	if (e)
		return e;
	insert(c, f, h);
	*fp = f;
	return 0;
}
