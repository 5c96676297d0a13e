/*
 * notify_store: fill locd's SQLite store with N persisted subscriptions
 * for the restart benchmark (issue 6, bench/notify_bench.sh), through
 * locd/store.h rather than N SUBSCRIBEs.
 *
 *   notify_store [-1] [-d] [-F] DB N [TARGETS]
 *
 * DB must hold at least one subscription written by locd itself (the
 * script subscribes through SIP and stops locd with SIGTERM, which keeps
 * subscriptions persisted). The first one is the template: every clone
 * copies its dialog, filter document and opaque evaluation and scheduler
 * state, with its own Call-ID (unique across runs: it carries the run's
 * time and pid) and tags and target t(i % TARGETS) (default 1000).
 * Filters: identical documents by default (locd shares one filter; the
 * store, schema 3, keeps the document once and the rows reference it);
 * with -d every clone's document is distinct (one stored document per
 * row): the template's movedHoriz
 * value becomes 1.0000000 + i / 10^7 m (a movedHoriz element is then
 * required), so nothing is shared. Fixes: every target t0..t{TARGETS-1}
 * gets the template target's stored position (when it has one) as its
 * newest fix (time: now), so a clone's target is where the clone's last
 * NOTIFY said, as after a real shutdown, and the restart is quiet (no
 * trigger fires); -F leaves the fixes alone (clones
 * on targets without a fix then tell "location unknown" at restart,
 * a NOTIFY to every such subscriber). Clones are written 20,000
 * per transaction; the total stored count is N (-1: every stored
 * subscription but the template is deleted first, so all N - 1 others
 * are clones). Prints the insert rate.
 * Exit: 0, 1 (store error, no template, -d without movedHoriz), 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "locd/store.h"

#define NS_STR_MAX 512
#define NS_BATCH 20000
#define NS_BODY_MAX (65536 + 64)

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

/*
 * The template's filter blob (locd/persist.c: "LEN\n" then the document,
 * one document) with the movedHoriz value made distinct for clone i,
 * into out (NS_BODY_MAX). Returns its length, 0 when the blob has no
 * single document with a movedHoriz element.
 */
static size_t body_distinct(const struct locd_store_blob *b, uint64_t i,
			    char *out)
{
	const char *p = b->data, *doc, *m, *v, *e;
	char num[32], *end;
	size_t l, dl, pre;
	unsigned long ul;
	int n;

	if (!p || !b->len)
		return 0;
	ul = strtoul(p, &end, 10);
	if (end == p || *end != '\n' ||
	    (size_t)(end + 1 - p) + ul != b->len)
		return 0;
	doc = end + 1;
	dl = ul;
	m = memmem(doc, dl, "movedHoriz", 10);
	v = m ? memchr(m, '>', dl - (size_t)(m - doc)) : NULL;
	e = v ? memchr(v, '<', dl - (size_t)(v - doc)) : NULL;
	if (!e)
		return 0;
	snprintf(num, sizeof(num), "1.%07llu",
		 (unsigned long long)(i % 10000000));
	pre = (size_t)(v + 1 - doc);
	l = pre + strlen(num) + (dl - (size_t)(e - doc));
	n = snprintf(out, NS_BODY_MAX, "%zu\n", l);
	if (n < 0 || (size_t)n + l >= NS_BODY_MAX)
		return 0;
	memcpy(out + n, doc, pre);
	memcpy(out + n + pre, num, strlen(num));
	memcpy(out + n + pre + strlen(num), e, dl - (size_t)(e - doc));
	return (size_t)n + l;
}

/* Ids of stored subscriptions other than the template's. */
struct ns_ids {
	int64_t tmpl;
	int64_t *v;
	size_t n, cap;
};

static int id_h(const struct locd_store_sub *sub, void *arg)
{
	struct ns_ids *ids = arg;

	if (sub->id == ids->tmpl)
		return 0;
	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 1024;
		int64_t *v = realloc(ids->v, cap * sizeof(*v));
		if (!v)
			return ENOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = sub->id;
	return 0;
}

/* -1: delete every subscription but the template, in one transaction. */
static int only_template(struct locd_store *st, int64_t tmpl)
{
	struct ns_ids ids = {tmpl, NULL, 0, 0};
	size_t i;
	int err = locd_store_sub_load_all(st, id_h, &ids);

	if (!err && ids.n) {
		err = locd_store_begin(st);
		for (i = 0; !err && i < ids.n; i++)
			err = locd_store_sub_delete(st, ids.v[i]);
		if (!err)
			err = locd_store_commit(st);
		else
			(void)locd_store_rollback(st);
	}
	free(ids.v);
	return err;
}

/* Every target t0..t{ntg-1} gets the template target's fix (if any). */
static int fixes_copy(struct locd_store *st, const char *tmpl_target,
		      uint64_t ntg, uint64_t *copied)
{
	struct locd_store_fix f;
	char tgt[128];
	uint64_t i;
	int err;

	*copied = 0;
	if (!tmpl_target || locd_store_fix_get(st, tmpl_target, &f))
		return 0; /* no fix to copy */
	/* the same place, as of now: newer than any fix stored (the store
	 * keeps the newest) */
	f.time = (double)time(NULL);
	f.received_at = f.time;
	err = locd_store_begin(st);
	for (i = 0; !err && i < ntg; i++) {
		snprintf(tgt, sizeof(tgt), "sip:t%llu@localhost",
			 (unsigned long long)i);
		f.target = tgt;
		err = locd_store_fix_put(st, &f);
		if (err == ESTALE)
			err = 0; /* a newer one is there */
		else if (!err)
			(*copied)++;
	}
	if (!err)
		return locd_store_commit(st);
	(void)locd_store_rollback(st);
	return err;
}

int main(int argc, char **argv)
{
	struct locd_store_opts o = {0};
	struct locd_store *st = NULL;
	struct ns_tmpl t;
	uint64_t n, have = 0, ntg = 1000, i, fixes = 0;
	char emsg[256], cid[NS_STR_MAX], ltag[64], rtag[64], tgt[128];
	char *body = NULL;
	bool distinct = false, keep_fixes = false, only = false;
	unsigned long run;
	double t0;
	int err = 0, rc = 1, opt;

	memset(&t, 0, sizeof(t));
	while ((opt = getopt(argc, argv, "1dF")) != -1) {
		if (opt == '1')
			only = true;
		else if (opt == 'd')
			distinct = true;
		else if (opt == 'F')
			keep_fixes = true;
		else
			goto usage;
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > 3 || parse_count(argv[1], 10000000, &n) ||
	    (argc == 3 && parse_count(argv[2], 10000000, &ntg)))
		goto usage;
	o.path = argv[0];
	o.sync = LOCD_STORE_SYNC_NORMAL;
	if (locd_store_open(&st, &o, emsg, sizeof(emsg))) {
		fprintf(stderr, "notify_store: %s: %s\n", argv[0], emsg);
		return 1;
	}
	err = locd_store_sub_load_all(st, first_h, &t);
	if ((err && err != 1) || !t.have) {
		fprintf(stderr, "notify_store: no template subscription in "
			"%s\n", argv[0]);
		goto out;
	}
	if ((only && only_template(st, t.s.id)) ||
	    locd_store_sub_count(st, &have)) {
		fprintf(stderr, "notify_store: %s\n", locd_store_errmsg(st));
		goto out;
	}
	body = malloc(NS_BODY_MAX);
	if (!body || (distinct && !body_distinct(&t.s.filter_body, 0,
						  body))) {
		fprintf(stderr, "notify_store: %s\n",
			body ? "-d: the template filter has no movedHoriz"
			     : "out of memory");
		goto out;
	}
	if (!keep_fixes &&
	    (err = fixes_copy(st, t.s.target, ntg, &fixes)) != 0) {
		fprintf(stderr, "notify_store: fixes: %s\n",
			locd_store_errmsg(st));
		goto out;
	}
	err = 0;
	/* Call-IDs unique across runs (rows may have been deleted since) */
	run = ((unsigned long)time(NULL) << 20) ^ (unsigned long)getpid();
	t0 = now_s();
	for (i = have; i < n; i++) {
		struct locd_store_sub s = t.s;
		if ((i - have) % NS_BATCH == 0 &&
		    (err = locd_store_begin(st)) != 0)
			break;
		snprintf(cid, sizeof(cid), "c%llu.%lx-%s",
			 (unsigned long long)i, run,
			 t.s.call_id ? t.s.call_id : "");
		snprintf(ltag, sizeof(ltag), "l%llu.%lx",
			 (unsigned long long)i, run);
		snprintf(rtag, sizeof(rtag), "r%llu", (unsigned long long)i);
		snprintf(tgt, sizeof(tgt), "sip:t%llu@localhost",
			 (unsigned long long)(i % ntg));
		s.id = 0;
		s.call_id = cid;
		s.local_tag = ltag;
		s.remote_tag = rtag;
		s.target = tgt;
		if (distinct) {
			s.filter_body.data = body;
			s.filter_body.len =
				body_distinct(&t.s.filter_body, i, body);
		}
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
		uint64_t added = n > have ? n - have : 0;
		printf("stored subscriptions=%llu (added %llu in %.2f s, "
		       "%.0f/s), filters %s, fixes copied to %llu targets\n",
		       (unsigned long long)(n > have ? n : have),
		       (unsigned long long)added, el,
		       el > 0 ? (double)added / el : 0.0,
		       distinct ? "distinct" : "identical",
		       (unsigned long long)fixes);
	}
	rc = 0;
out:
	free(body);
	for (i = 0; i < 4; i++)
		free(t.blob[i]);
	locd_store_close(st);
	return rc;
usage:
	fprintf(stderr, "usage: notify_store [-1] [-d] [-F] DB N [TARGETS]\n");
	return 2;
}
