/*
 * notify_store: fill locd's SQLite store with N persisted subscriptions
 * for the restart benchmark (issue 6, bench/notify_bench.sh), through
 * locd/store.h rather than N SUBSCRIBEs.
 *
 *   notify_store DB N [TARGETS]
 *
 * DB must hold at least one subscription written by locd itself (the
 * script subscribes once through SIP and stops locd with SIGTERM, which
 * keeps subscriptions persisted). The first one is the template: every
 * clone copies its dialog, filter document and opaque evaluation and
 * scheduler state, with its own Call-ID and tags and target t(i %
 * TARGETS) (default 1000), so the filter documents are identical (geo
 * may intern them). Clones are written 20,000 per transaction; the
 * total stored count is N. Prints the insert rate.
 * Exit: 0, 1 (store error, no template), 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "locd/store.h"

#define NS_STR_MAX 512
#define NS_BATCH 20000

struct ns_tmpl {
	bool have;
	struct locd_store_sub s;
	/* copies of the strings and blobs of the template */
	char str[13][NS_STR_MAX];
	void *blob[4];
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *str_keep(char *dst, const char *src)
{
	if (!src)
		return NULL;
	snprintf(dst, NS_STR_MAX, "%s", src);
	return dst;
}

static int blob_keep(void **mem, struct locd_store_blob *b)
{
	if (!b->len) {
		b->data = NULL;
		return 0;
	}
	*mem = malloc(b->len);
	if (!*mem)
		return ENOMEM;
	memcpy(*mem, b->data, b->len);
	b->data = *mem;
	return 0;
}

static int first_h(const struct locd_store_sub *sub, void *arg)
{
	struct ns_tmpl *t = arg;
	struct locd_store_sub *s = &t->s;

	*s = *sub;
	s->target = str_keep(t->str[0], sub->target);
	s->subscriber = str_keep(t->str[1], sub->subscriber);
	s->package = str_keep(t->str[2], sub->package);
	s->event_id = str_keep(t->str[3], sub->event_id);
	s->call_id = str_keep(t->str[4], sub->call_id);
	s->local_tag = str_keep(t->str[5], sub->local_tag);
	s->remote_tag = str_keep(t->str[6], sub->remote_tag);
	s->local_uri = str_keep(t->str[7], sub->local_uri);
	s->remote_uri = str_keep(t->str[8], sub->remote_uri);
	s->remote_target = str_keep(t->str[9], sub->remote_target);
	s->route_set = str_keep(t->str[10], sub->route_set);
	s->peer = str_keep(t->str[11], sub->peer);
	s->filter_type = str_keep(t->str[12], sub->filter_type);
	if (blob_keep(&t->blob[0], &s->flow_token) ||
	    blob_keep(&t->blob[1], &s->filter_body) ||
	    blob_keep(&t->blob[2], &s->eval_state) ||
	    blob_keep(&t->blob[3], &s->sched_state))
		return ENOMEM;
	t->have = true;
	return 1; /* stop after the first row */
}

static int parse_count(const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno || end == s || *end || x < 1 || x > max)
		return EINVAL;
	*v = x;
	return 0;
}

int main(int argc, char **argv)
{
	struct locd_store_opts o = {0};
	struct locd_store *st = NULL;
	struct ns_tmpl t;
	uint64_t n, have = 0, ntg = 1000, i;
	char emsg[256], cid[NS_STR_MAX], ltag[64], rtag[64], tgt[128];
	double t0;
	int err = 0, rc = 1;

	memset(&t, 0, sizeof(t));
	if (argc < 3 || argc > 4 || parse_count(argv[2], 10000000, &n) ||
	    (argc == 4 && parse_count(argv[3], 10000000, &ntg))) {
		fprintf(stderr, "usage: notify_store DB N [TARGETS]\n");
		return 2;
	}
	o.path = argv[1];
	o.sync = LOCD_STORE_SYNC_NORMAL;
	if (locd_store_open(&st, &o, emsg, sizeof(emsg))) {
		fprintf(stderr, "notify_store: %s: %s\n", argv[1], emsg);
		return 1;
	}
	err = locd_store_sub_load_all(st, first_h, &t);
	if ((err && err != 1) || !t.have ||
	    locd_store_sub_count(st, &have)) {
		fprintf(stderr, "notify_store: no template subscription in "
			"%s\n", argv[1]);
		goto out;
	}
	err = 0;
	t0 = now_s();
	for (i = have; i < n; i++) {
		struct locd_store_sub s = t.s;
		if ((i - have) % NS_BATCH == 0 &&
		    (err = locd_store_begin(st)) != 0)
			break;
		snprintf(cid, sizeof(cid), "c%llu-%s", (unsigned long long)i,
			 t.s.call_id ? t.s.call_id : "");
		snprintf(ltag, sizeof(ltag), "l%llu", (unsigned long long)i);
		snprintf(rtag, sizeof(rtag), "r%llu", (unsigned long long)i);
		snprintf(tgt, sizeof(tgt), "sip:t%llu@localhost",
			 (unsigned long long)(i % ntg));
		s.id = 0;
		s.call_id = cid;
		s.local_tag = ltag;
		s.remote_tag = rtag;
		s.target = tgt;
		err = locd_store_sub_upsert(st, &s);
		if (!err && ((i - have) % NS_BATCH == NS_BATCH - 1 ||
			     i + 1 == n))
			err = locd_store_commit(st);
		if (err)
			break;
	}
	if (err) {
		fprintf(stderr, "notify_store: %s\n", locd_store_errmsg(st));
		goto out;
	}
	{
		double el = now_s() - t0;
		printf("stored subscriptions=%llu (added %llu in %.2f s, "
		       "%.0f/s)\n", (unsigned long long)n,
		       (unsigned long long)(n > have ? n - have : 0), el,
		       el > 0 ? (double)(n - have) / el : 0.0);
	}
	rc = 0;
out:
	for (i = 0; i < 4; i++)
		free(t.blob[i]);
	locd_store_close(st);
	return rc;
}
