/*
 * test_lsub.c: per-subscription state sized by use (issue 6): identical
 * filter bodies share one filter (the daemon's filter cache) at
 * SUBSCRIBE, refresh and restore; a subscription whose filter is one
 * parsed filter keeps no copy of its document (the filter's source is
 * what is persisted), a merged RFC 6447 set keeps the documents that
 * rebuild it; containment is reported per feature from the packed
 * positions; the Call-ID comes from the dialog; rows whose schedule
 * blob has another layout (an older locd) are still restored, and so
 * are the rows of a version 2 store (filter documents in the rows),
 * whose documents then are stored once.
 */
#include <check.h>
#include <math.h>
#include <sqlite3.h>

#include "tests/unit/locd/locd_fake.h"

static const char moved50[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\">"
	"<movedHoriz uom=\"#meters\">50</movedHoriz></location-filter>";

/* Two features: the building, and a yard 400 m north-west of it. */
static const char two_fences[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\""
	" xmlns:gml=\"http://www.opengis.net/gml\""
	" xmlns:my=\"urn:example:my\"><enterOrExit>"
	"<my:Building gml:id=\"b10\"><gml:name>Building 10</gml:name>"
	"<gml:extentOf><gml:Polygon><gml:exterior><gml:LinearRing>"
	"<gml:posList srsName=\"http://www.opengis.net/gml/srs/epsg.xml/"
	"#4979\">37.41188 -121.93243 0 37.41188 -121.93132 0 37.41142 "
	"-121.93132 0 37.41142 -121.93242 0 37.41188 -121.93243 0"
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	"</gml:extentOf></my:Building></enterOrExit><enterOrExit>"
	"<my:Yard gml:id=\"y1\"><gml:name>Yard</gml:name>"
	"<gml:extentOf><gml:Polygon><gml:exterior><gml:LinearRing>"
	"<gml:posList srsName=\"http://www.opengis.net/gml/srs/epsg.xml/"
	"#4979\">37.4155 -121.9355 0 37.4155 -121.9345 0 37.4145 "
	"-121.9345 0 37.4145 -121.9355 0 37.4155 -121.9355 0"
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	"</gml:extentOf></my:Yard></enterOrExit></location-filter>";

static const char rfc_fmt[] =
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\""
	" xmlns:lf=\"urn:ietf:params:xml:ns:location-filter\">"
	"<filter id=\"a\"><trigger><lf:moved>%u</lf:moved>"
	"</trigger></filter></filter-set>";

static double t0(void)
{
	return floor(locd_wall()) - 60;
}

/* The live subscription of callid (to alice), NULL when none. */
static struct locd_lsub *ls_of(struct lf_env *e, const char *callid)
{
	struct locd_target *t;
	struct locd_lsub *ls;

	if (locd_target_get(e->d, "sip:alice@localhost", false, &t))
		return NULL;
	for (ls = t->subs; ls; ls = ls->next)
		if (strcmp(locd_lsub_callid(ls), callid) == 0)
			return ls;
	return NULL;
}

static bool doc_is(const struct locd_lsub *ls, size_t i, const char *want)
{
	size_t l = 0;
	const char *d = locd_lsub_doc(ls, i, &l);

	return d && l == strlen(want) && memcmp(d, want, l) == 0 &&
	       d[l] == '\0';
}

/* Stored rows: count, and how many have exactly ctype and the one
 * document body. */
struct rows {
	size_t n, match;
	const char *ctype, *body;
};

static int row_h(const struct locd_store_sub *s, void *arg)
{
	struct rows *r = arg;
	char want[512];
	int n = snprintf(want, sizeof(want), "%zu\n%s", strlen(r->body),
			 r->body);

	r->n++;
	if (s->filter_type && strcmp(s->filter_type, r->ctype) == 0 &&
	    n > 0 && s->filter_body.len == (size_t)n &&
	    memcmp(s->filter_body.data, want, (size_t)n) == 0)
		r->match++;
	return 0;
}

static void rows_count(const struct lf_env *e, struct rows *r)
{
	struct locd_store_opts o = {0};
	struct locd_store *st = NULL;
	char path[128], msg[128];

	snprintf(path, sizeof(path), "%s/locd.db", e->dir);
	o.path = path;
	ck_assert_int_eq(locd_store_open(&st, &o, msg, sizeof(msg)), 0);
	r->n = r->match = 0;
	ck_assert_int_eq(locd_store_sub_load_all(st, row_h, r), 0);
	locd_store_close(st);
}

/* Identical bodies share one filter; the filter's own body is what is
 * stored (no copy in the subscription); after a restart they share
 * again; a filter leaves the cache with its last subscription. */
START_TEST(test_filter_shared)
{
	struct lf_env e = {0};
	struct locd_lsub *a, *b, *c;
	struct rows r = {0, 0, LF_CTYPE_DRAFT, moved50};
	char tag[64];

	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "s1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "s2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "s3", 1, NULL, "location",
				       LF_CTYPE_DRAFT, moved50, 600), 200);
	a = ls_of(&e, "s1");
	b = ls_of(&e, "s2");
	c = ls_of(&e, "s3");
	ck_assert(a && b && c);
	ck_assert_ptr_eq(a->filter, b->filter);
	ck_assert_ptr_ne(a->filter, c->filter);
	ck_assert_uint_eq(lf_cache_count(e.d->fcache), 2);
	ck_assert_ptr_null(a->docs);
	ck_assert_uint_eq(locd_lsub_ndocs(a), 1);
	ck_assert(doc_is(a, 0, lf_b10));
	ck_assert(doc_is(c, 0, moved50));
	ck_assert_ptr_null(locd_lsub_doc(a, 1, &(size_t){0}));
	ck_assert_str_eq(locd_lsub_ctype(a), LF_CTYPE_DRAFT);
	ck_assert_str_eq(locd_lsub_callid(NULL), "-");

	/* a draft refresh replaces s2's filter by the shared moved one */
	lf_totag(&e, "s2", tag, sizeof(tag));
	ck_assert_uint_eq(lf_subscribe(&e, "s2", 2, tag, "location",
				       LF_CTYPE_DRAFT, moved50, 600), 200);
	ck_assert_ptr_eq(b->filter, c->filter);
	ck_assert_ptr_null(b->docs);
	ck_assert_uint_eq(lf_cache_count(e.d->fcache), 2);
	/* s1 ends: the building filter leaves the cache */
	lf_totag(&e, "s1", tag, sizeof(tag));
	ck_assert_uint_eq(lf_subscribe(&e, "s1", 2, tag, "location", NULL,
				       NULL, 0), 200);
	lf_advance(&e, 100);
	ck_assert_ptr_null(ls_of(&e, "s1"));
	ck_assert_uint_eq(lf_cache_count(e.d->fcache), 1);
	lf_stop(&e);

	rows_count(&e, &r);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_uint_eq(r.match, 2);
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 2);
	b = ls_of(&e, "s2");
	c = ls_of(&e, "s3");
	ck_assert(b && c);
	ck_assert_ptr_eq(b->filter, c->filter);
	ck_assert_ptr_null(b->docs);
	ck_assert(doc_is(b, 0, moved50));
	ck_assert_uint_eq(lf_cache_count(e.d->fcache), 1);
	lf_end(&e);
}
END_TEST

/* RFC 6447 changes in the dialog (EV-10): the merged filter keeps every
 * document that rebuilds it, in order, up to LOCD_FILTER_DOCS_MAX; the
 * restart restores the same list. */
START_TEST(test_merged_docs)
{
	struct lf_env e = {0};
	char f[LOCD_FILTER_DOCS_MAX + 1][256], tag[64];
	struct locd_lsub *ls;
	size_t i;

	for (i = 0; i <= LOCD_FILTER_DOCS_MAX; i++)
		snprintf(f[i], sizeof(f[i]), rfc_fmt,
			 (unsigned)(1000 * (i + 1)));
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "m1", 1, NULL, "presence",
				       LF_CTYPE_RFC, f[0], 600), 200);
	ls = ls_of(&e, "m1");
	ck_assert_ptr_nonnull(ls);
	ck_assert_ptr_null(ls->docs);
	lf_totag(&e, "m1", tag, sizeof(tag));
	for (i = 1; i < LOCD_FILTER_DOCS_MAX; i++) {
		size_t k;
		ck_assert_uint_eq(lf_subscribe(&e, "m1", (unsigned)i + 1, tag,
					       "presence", LF_CTYPE_RFC, f[i],
					       600), 200);
		ck_assert_ptr_nonnull(ls->docs);
		ck_assert_ptr_null(lf_filter_source(ls->filter, NULL, NULL));
		ck_assert_uint_eq(locd_lsub_ndocs(ls), i + 1);
		for (k = 0; k <= i; k++)
			ck_assert(doc_is(ls, k, f[k]));
	}
	/* one more: refused, the filter in force stays */
	ck_assert_uint_eq(lf_subscribe(&e, "m1", 20, tag, "presence",
				       LF_CTYPE_RFC, f[LOCD_FILTER_DOCS_MAX],
				       600), 488);
	ck_assert_uint_eq(locd_lsub_ndocs(ls), LOCD_FILTER_DOCS_MAX);
	lf_advance(&e, 100);
	lf_stop(&e);

	lf_start(&e, false);
	ls = ls_of(&e, "m1");
	ck_assert_ptr_nonnull(ls);
	ck_assert_ptr_nonnull(ls->docs);
	ck_assert_uint_eq(locd_lsub_ndocs(ls), LOCD_FILTER_DOCS_MAX);
	for (i = 0; i < LOCD_FILTER_DOCS_MAX; i++)
		ck_assert(doc_is(ls, i, f[i]));
	lf_end(&e);
}
END_TEST

/* SQL on the test's store file, outside the store; the first column of
 * the first row as an integer (-1: no row). */
static int raw_sql(const struct lf_env *e, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	const char *tail = sql;
	char path[128];
	int v = -1, rc;

	snprintf(path, sizeof(path), "%s/locd.db", e->dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	while (tail && *tail) {
		rc = sqlite3_prepare_v2(db, tail, -1, &s, &tail);
		ck_assert_msg(rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
		if (!s)
			break;
		rc = sqlite3_step(s);
		ck_assert_msg(rc == SQLITE_ROW || rc == SQLITE_DONE, "%s",
			      sqlite3_errmsg(db));
		if (rc == SQLITE_ROW)
			v = sqlite3_column_int(s, 0);
		sqlite3_finalize(s);
		s = NULL;
	}
	sqlite3_close(db);
	return v;
}

/* A version 3 store turned back into what a version 2 locd wrote: the
 * documents and the per-NOTIFY state in the rows, no filter_docs or
 * sub_state. */
static const char to_v2[] =
	"DROP TRIGGER subscriptions_gone; DROP TRIGGER filter_docs_change;"
	"DROP INDEX subscriptions_filter_doc; DROP INDEX sub_state_expires;"
	"ALTER TABLE subscriptions ADD COLUMN filter_type TEXT;"
	"ALTER TABLE subscriptions ADD COLUMN filter_body BLOB;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" local_cseq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" remote_cseq INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN eval_state BLOB;"
	"ALTER TABLE subscriptions ADD COLUMN sched_state BLOB;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" expires_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" updated INTEGER NOT NULL DEFAULT 0;"
	"UPDATE subscriptions SET (filter_type, filter_body) = (SELECT type,"
	" body FROM filter_docs WHERE id = filter_doc);"
	"UPDATE subscriptions SET (local_cseq, remote_cseq, eval_state,"
	" sched_state, expires_at, updated) = (SELECT local_cseq,"
	" remote_cseq, eval_state, sched_state, expires_at, updated FROM"
	" sub_state h WHERE h.id = subscriptions.id);"
	"ALTER TABLE subscriptions DROP COLUMN filter_doc;"
	"CREATE INDEX subscriptions_expires ON subscriptions (expires_at);"
	"DROP TABLE filter_docs; DROP TABLE store_meta; DROP TABLE sub_state;"
	"PRAGMA user_version = 2;";

/* A version 2 store with rows (two sharing a document, another, a
 * merged RFC 6447 set) is migrated at start and restores the same
 * subscriptions, sharing as before; the documents are then stored once,
 * and one goes with its last subscription. */
START_TEST(test_restore_v2_store)
{
	struct lf_env e = {0};
	char f0[256], f1[256], tag[64], tag3[64];
	struct locd_lsub *a, *b, *c, *m;

	snprintf(f0, sizeof(f0), rfc_fmt, 1000u);
	snprintf(f1, sizeof(f1), rfc_fmt, 2000u);
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "v1", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "v2", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "v3", 1, NULL, "location",
				       LF_CTYPE_DRAFT, moved50, 600), 200);
	ck_assert_uint_eq(lf_subscribe(&e, "vm", 1, NULL, "presence",
				       LF_CTYPE_RFC, f0, 600), 200);
	lf_totag(&e, "vm", tag, sizeof(tag));
	ck_assert_uint_eq(lf_subscribe(&e, "vm", 2, tag, "presence",
				       LF_CTYPE_RFC, f1, 600), 200);
	lf_totag(&e, "v3", tag3, sizeof(tag3)); /* the dialog survives */
	lf_advance(&e, 100);
	lf_stop(&e);
	ck_assert_int_eq(raw_sql(&e, "SELECT count(*) FROM filter_docs"), 3);
	raw_sql(&e, to_v2);
	ck_assert_int_eq(raw_sql(&e, "SELECT count(*) FROM subscriptions"
				     " WHERE filter_body IS NOT NULL AND"
				     " expires_at > 0 AND local_cseq > 0 AND"
				     " eval_state IS NOT NULL"),
			 4);

	lf_start(&e, false);
	ck_assert_int_eq(raw_sql(&e, "PRAGMA user_version"), 3);
	ck_assert_uint_eq(locd_sub_count(e.d), 4);
	a = ls_of(&e, "v1");
	b = ls_of(&e, "v2");
	c = ls_of(&e, "v3");
	ck_assert(a && b && c);
	ck_assert_ptr_eq(a->filter, b->filter);
	ck_assert_ptr_ne(a->filter, c->filter);
	ck_assert(doc_is(a, 0, lf_b10));
	ck_assert(doc_is(c, 0, moved50));
	ck_assert_ptr_null(a->docs);
	m = NULL;
	{
		struct locd_target *t;
		struct locd_lsub *ls;
		ck_assert_int_eq(locd_target_get(e.d, "sip:alice@localhost",
						 false, &t), 0);
		for (ls = t->subs; ls; ls = ls->next)
			if (strcmp(locd_lsub_callid(ls), "vm") == 0)
				m = ls;
	}
	ck_assert_ptr_nonnull(m);
	ck_assert_ptr_nonnull(m->docs);
	ck_assert_uint_eq(locd_lsub_ndocs(m), 2);
	ck_assert(doc_is(m, 0, f0));
	ck_assert(doc_is(m, 1, f1));
	/* the building and moved50 (the merged set, RFC filters without
	 * enterOrExit, keeps copies, not its parsed documents) */
	ck_assert_uint_eq(lf_cache_count(e.d->fcache), 2);
	ck_assert_int_eq(raw_sql(&e, "SELECT count(*) FROM filter_docs"), 3);
	ck_assert_int_eq(raw_sql(&e, "SELECT count(DISTINCT filter_doc)"
				     " FROM subscriptions"),
			 3);
	/* v3 ends: moved50's document goes with it */
	ck_assert_uint_eq(lf_subscribe(&e, "v3", 2, tag3, "location", NULL,
				       NULL, 0), 200);
	lf_advance(&e, 100);
	ck_assert_ptr_null(ls_of(&e, "v3"));
	lf_stop(&e);
	ck_assert_int_eq(raw_sql(&e, "SELECT count(*) FROM filter_docs"), 2);
	ck_assert_int_eq(raw_sql(&e, "SELECT count(*) FROM subscriptions"),
			 3);
	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 3);
	ck_assert_ptr_eq(ls_of(&e, "v1")->filter, ls_of(&e, "v2")->filter);
	lf_end(&e);
}
END_TEST

/* locd_fdocs_new: 2..LOCD_FILTER_DOCS_MAX documents of at most
 * LF_BODY_MAX bytes, copied NUL-terminated. */
START_TEST(test_fdocs_bounds)
{
	const char *docs[LOCD_FILTER_DOCS_MAX + 1];
	size_t len[LOCD_FILTER_DOCS_MAX + 1], i;
	struct locd_fdocs *fd;
	char buf[8] = "abcdefg";

	for (i = 0; i <= LOCD_FILTER_DOCS_MAX; i++) {
		docs[i] = buf;
		len[i] = i % 7;
	}
	ck_assert_ptr_null(locd_fdocs_new(docs, len, 0));
	ck_assert_ptr_null(locd_fdocs_new(docs, len, 1));
	ck_assert_ptr_null(locd_fdocs_new(docs, len,
					  LOCD_FILTER_DOCS_MAX + 1));
	len[1] = LF_BODY_MAX + 1;
	ck_assert_ptr_null(locd_fdocs_new(docs, len, 2));
	len[1] = 3;
	fd = locd_fdocs_new(docs, len, LOCD_FILTER_DOCS_MAX);
	ck_assert_ptr_nonnull(fd);
	ck_assert_uint_eq(fd->n, LOCD_FILTER_DOCS_MAX);
	buf[0] = 'X'; /* copies, not views */
	for (i = 0; i < LOCD_FILTER_DOCS_MAX; i++) {
		ck_assert_uint_eq(fd->len[i], len[i]);
		ck_assert_int_eq(memcmp(fd->doc[i], "abcdefg", len[i]), 0);
		ck_assert_int_eq(fd->doc[i][len[i]], '\0');
	}
	free(fd);
}
END_TEST

/* Two features: each NOTIFY reports each feature's own position (the
 * packed containment), and after the first only the one that flipped. */
START_TEST(test_two_features)
{
	struct lf_env e = {0};
	size_t last = 0, from;
	double t = t0();
	struct locd_lsub *ls;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "two", 1, NULL, "location",
				       LF_CTYPE_DRAFT, two_fences, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "two", &last), 1);
	ck_assert(lf_has(&e.m[last], "gml:id=\"b10\""));
	ck_assert(lf_has(&e.m[last], "gml:id=\"y1\""));
	ls = ls_of(&e, "two");
	ck_assert_ptr_nonnull(ls);
	ck_assert_uint_eq(ls->cont, (uint64_t)GEO_POS_INSIDE |
				    (uint64_t)GEO_POS_OUTSIDE << 2);
	/* into the yard: out of b10, into y1; both flipped */
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, 37.4150, -121.9350, t + 1), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, from, "two", &last), 1);
	ck_assert_uint_eq(ls->cont, (uint64_t)GEO_POS_OUTSIDE |
				    (uint64_t)GEO_POS_INSIDE << 2);
	ck_assert(lf_has(&e.m[last], "gml:id=\"b10\""));
	ck_assert(lf_has(&e.m[last], "gml:id=\"y1\""));
	/* elsewhere outside both: only y1 flipped */
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 2),
			 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, from, "two", &last), 1);
	ck_assert(!lf_has(&e.m[last], "gml:id=\"b10\""));
	ck_assert(lf_has(&e.m[last], "gml:id=\"y1\""));
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	ck_assert(!lf_has(&e.m[last], "position=\"inside\""));
	lf_end(&e);
}
END_TEST

/* A row whose schedule blob has another size (written by a locd with
 * another struct lf_sched) is restored with a new schedule and works. */
struct resched {
	struct locd_store_sub s;
	char cid[64], ltag[64], rtag[64], tgt[64], luri[128], ruri[128];
	char rt[128], pkg[32], ft[64], sbr[64];
	char body[1024], eval[256], sched[512];
	bool have;
};

static const char *keep(char *dst, size_t sz, const char *src)
{
	if (!src)
		return NULL;
	snprintf(dst, sz, "%s", src);
	return dst;
}

static int first_row(const struct locd_store_sub *s, void *arg)
{
	struct resched *r = arg;

	r->s = *s;
	r->s.call_id = keep(r->cid, sizeof(r->cid), s->call_id);
	r->s.local_tag = keep(r->ltag, sizeof(r->ltag), s->local_tag);
	r->s.remote_tag = keep(r->rtag, sizeof(r->rtag), s->remote_tag);
	r->s.target = keep(r->tgt, sizeof(r->tgt), s->target);
	r->s.local_uri = keep(r->luri, sizeof(r->luri), s->local_uri);
	r->s.remote_uri = keep(r->ruri, sizeof(r->ruri), s->remote_uri);
	r->s.remote_target = keep(r->rt, sizeof(r->rt), s->remote_target);
	r->s.package = keep(r->pkg, sizeof(r->pkg), s->package);
	r->s.filter_type = keep(r->ft, sizeof(r->ft), s->filter_type);
	r->s.subscriber = keep(r->sbr, sizeof(r->sbr), s->subscriber);
	r->s.event_id = NULL;
	r->s.route_set = NULL;
	r->s.peer = NULL;
	r->s.flow_token.data = NULL;
	r->s.flow_token.len = 0;
	ck_assert_uint_lt(s->filter_body.len, sizeof(r->body));
	memcpy(r->body, s->filter_body.data, s->filter_body.len);
	r->s.filter_body.data = r->body;
	ck_assert_uint_lt(s->eval_state.len, sizeof(r->eval));
	memcpy(r->eval, s->eval_state.data, s->eval_state.len);
	r->s.eval_state.data = r->eval;
	ck_assert_uint_lt(s->sched_state.len, sizeof(r->sched));
	memcpy(r->sched, s->sched_state.data, s->sched_state.len);
	r->s.sched_state.data = r->sched;
	r->have = true;
	return 1;
}

/* Open the stopped daemon's store (o->path set to path, a buffer of
 * psz bytes) and read its first subscription into r. */
static struct locd_store *open_first(const struct lf_env *e,
				     struct locd_store_opts *o, char *path,
				     size_t psz, struct resched *r)
{
	struct locd_store *st = NULL;
	char msg[128];

	snprintf(path, psz, "%s/locd.db", e->dir);
	o->path = path;
	ck_assert_int_eq(locd_store_open(&st, o, msg, sizeof(msg)), 0);
	ck_assert_int_eq(locd_store_sub_load_all(st, first_row, r), 1);
	return st;
}

START_TEST(test_restore_other_sched)
{
	struct lf_env e = {0};
	struct locd_store_opts o = {0};
	struct locd_store *st = NULL;
	struct resched *r = calloc(1, sizeof(*r));
	char path[128];
	size_t from, last = 0;
	double t = t0();

	ck_assert_ptr_nonnull(r);
	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "os", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	lf_advance(&e, 100);
	lf_stop(&e);

	st = open_first(&e, &o, path, sizeof(path), r);
	ck_assert(r->have);
	r->s.sched_state.data = "old";
	r->s.sched_state.len = 3;
	ck_assert_int_eq(locd_store_sub_upsert(st, &r->s), 0);
	locd_store_close(st);

	lf_start(&e, false);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 5), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, from, "os", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	lf_end(&e);
	free(r);
}
END_TEST


/* Subscribe "sk" and have it notified five times (a history to keep):
 * the initial NOTIFY, then four containment flips 2 s apart. */
static void sched_history(struct lf_env *e)
{
	double t = t0();
	size_t last = 0, i;

	lf_start(e, true);
	ck_assert_int_eq(lf_fix(e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(e, "sk", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	for (i = 1; i <= 4; i++) {
		ck_assert_int_eq(lf_fix(e, i % 2 ? LF_INSIDE_LAT :
					   LF_OUTSIDE_LAT,
					i % 2 ? LF_INSIDE_LON : LF_OUTSIDE_LON,
					t + (double)i), 0);
		lf_advance(e, 2000);
	}
	ck_assert_uint_eq(lf_notifies(e, 0, "sk", &last), 5);
}

/* The schedule is persisted in its encoding and restored whole: the send
 * history that the rate limits count (RC-1, RC-2, RC-8) survives. */
START_TEST(test_restore_sched_kept)
{
	struct lf_env e = {0};
	struct locd_store_opts o = {0};
	struct locd_store *st = NULL;
	struct resched *r = calloc(1, sizeof(*r));
	struct locd_lsub *ls;
	struct lf_sched w0, w1, stored;
	char path[128];
	size_t from, last = 0;

	ck_assert_ptr_nonnull(r);
	sched_history(&e);
	ls = ls_of(&e, "sk");
	ck_assert_ptr_nonnull(ls);
	ck_assert_uint_eq(ls->sched.hist_len, 5);
	locd_sched_to_wall(&ls->sched, e.d->mono_to_wall, &w0);
	lf_stop(&e);

	st = open_first(&e, &o, path, sizeof(path), r);
	ck_assert(r->have);
	locd_store_close(st);
	/* on disk: the encoding, wall-clock times, no raw struct */
	ck_assert_uint_eq(r->s.sched_state.len, LF_SCHED_ENC_MAX);
	ck_assert_uint_eq((unsigned char)r->sched[0], LF_SCHED_ENC_MAGIC);
	ck_assert_int_eq(lf_sched_decode(&stored,
					 (const unsigned char *)r->sched,
					 r->s.sched_state.len), 0);
	ck_assert(stored.last == w0.last);
	ck_assert_uint_eq(stored.hist_len, 5);
	ck_assert_mem_eq(stored.hist_ms, w0.hist_ms, sizeof(w0.hist_ms));

	lf_start(&e, false);
	ls = ls_of(&e, "sk");
	ck_assert_ptr_nonnull(ls);
	locd_sched_to_wall(&ls->sched, e.d->mono_to_wall, &w1);
	ck_assert_uint_eq(w1.hist_len, 5);
	ck_assert_uint_eq(w1.hist_head, w0.hist_head);
	ck_assert_mem_eq(w1.hist_ms, w0.hist_ms, sizeof(w0.hist_ms));
	ck_assert_mem_eq(&w1.cfg, &w0.cfg, sizeof(w0.cfg));
	ck_assert_uint_eq(w1.n_latched, w0.n_latched);
	ck_assert(fabs(w1.last - w0.last) < 1e-6);
	ck_assert(fabs(w1.base - w0.base) < 1e-6);
	/* and it goes on working */
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t0() + 9),
			 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, from, "sk", &last), 1);
	ck_assert_uint_eq(ls->sched.hist_len, 6);
	lf_end(&e);
	free(r);
}
END_TEST

/* A schedule blob that does not decode (an older locd's raw struct
 * lf_sched, the same padded to the encoding's length, another version)
 * starts a fresh schedule, and the subscription works. */
START_TEST(test_restore_raw_sched)
{
	unsigned k;

	for (k = 0; k < 3; k++) {
		struct lf_env e = {0};
		struct locd_store_opts o = {0};
		struct locd_store *st = NULL;
		struct resched *r = calloc(1, sizeof(*r));
		struct locd_lsub *ls;
		struct lf_sched w0;
		char path[128];
		size_t from, last = 0, len = 0;

		ck_assert_ptr_nonnull(r);
		sched_history(&e);
		ls = ls_of(&e, "sk");
		ck_assert_ptr_nonnull(ls);
		locd_sched_to_wall(&ls->sched, e.d->mono_to_wall, &w0);
		lf_stop(&e);

		st = open_first(&e, &o, path, sizeof(path), r);
		memset(r->sched, 0, sizeof(r->sched));
		if (k < 2) {
			/* what locd wrote before the encoding */
			memcpy(r->sched, &w0, sizeof(w0));
			len = k ? LF_SCHED_ENC_MAX : sizeof(w0);
		} else {
			ck_assert_int_eq(lf_sched_encode(&w0,
				(unsigned char *)r->sched, sizeof(r->sched),
				&len), 0);
			r->sched[1] = (char)(LF_SCHED_ENC_VERSION + 1);
		}
		r->s.sched_state.data = r->sched;
		r->s.sched_state.len = len;
		ck_assert_int_eq(locd_store_sub_upsert(st, &r->s), 0);
		locd_store_close(st);

		lf_start(&e, false);
		ck_assert_uint_eq(locd_sub_count(e.d), 1);
		ls = ls_of(&e, "sk");
		ck_assert_ptr_nonnull(ls);
		ck_assert_uint_eq(ls->sched.hist_len, 0);  /* fresh */
		ck_assert_uint_eq(ls->sched.n_latched, 0);
		from = e.n;
		ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON,
					t0() + 9), 0);
		lf_advance(&e, 2000);
		ck_assert_uint_eq(lf_notifies(&e, from, "sk", &last), 1);
		ck_assert(lf_has(&e.m[last], "position=\"inside\""));
		lf_end(&e);
		free(r);
	}
}
END_TEST

/* After a restart the queued targets are evaluated LOCD_EVAL_BATCH
 * subscriptions per loop turn, the rest 1 ms later (issue 6), and the
 * dropped rows of a restore go in one transaction. */
START_TEST(test_restore_batches)
{
	struct lf_env e = {0};
	struct locd_store_opts o = {0};
	struct locd_store *st = NULL;
	struct resched *r = calloc(1, sizeof(*r));
	struct locd_target *t;
	char path[128], msg[128], cid[32], ltag[32], tgt[64];
	size_t n = LOCD_EVAL_BATCH + 904, i, queued = 0;
	uint64_t count = 0;

	ck_assert_ptr_nonnull(r);
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "bt", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	lf_advance(&e, 100);
	lf_stop(&e);

	st = open_first(&e, &o, path, sizeof(path), r);
	ck_assert_int_eq(locd_store_begin(st), 0);
	for (i = 1; i < n + 10; i++) {
		struct locd_store_sub s = r->s;
		snprintf(cid, sizeof(cid), "bt%zu", i);
		snprintf(ltag, sizeof(ltag), "l%zu", i);
		snprintf(tgt, sizeof(tgt), "sip:u%zu@localhost", i);
		s.id = 0;
		s.call_id = cid;
		s.local_tag = ltag;
		s.target = tgt;
		if (i >= n)
			s.package = "nosuch"; /* 10 rows dropped */
		ck_assert_int_eq(locd_store_sub_upsert(st, &s), 0);
	}
	ck_assert_int_eq(locd_store_commit(st), 0);
	locd_store_close(st);

	lf_start(&e, false); /* runs the timers due now, not 1 ms later */
	ck_assert_uint_eq(locd_sub_count(e.d), n);
	for (t = e.d->queue; t; t = t->qnext)
		queued++;
	ck_assert_uint_eq(queued, n - LOCD_EVAL_BATCH);
	lf_advance(&e, 10);
	ck_assert_ptr_null(e.d->queue);
	lf_stop(&e);

	ck_assert_int_eq(locd_store_open(&st, &o, msg, sizeof(msg)), 0);
	ck_assert_int_eq(locd_store_sub_count(st, &count), 0);
	ck_assert_uint_eq(count, n);
	locd_store_close(st);
	lf_end(&e);
	free(r);
}
END_TEST

/* A NOTIFY that cannot leave (ENOBUFS: the stack's transaction cap or
 * a full socket buffer) is sent again 1 to 2 s later with the newest
 * state, without a new fix. */
START_TEST(test_notify_retry)
{
	struct lf_env e = {0};
	size_t from, last = 0;
	double t = t0();

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "rt", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 600), 200);
	ck_assert_uint_eq(lf_notifies(&e, 0, "rt", NULL), 1);
	e.send_fail = ENOBUFS;
	from = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 1), 0);
	lf_advance(&e, 600); /* quarantine 500 ms */
	ck_assert_double_eq(locd_metric_value(e.d->std.notify_failures), 1);
	ck_assert_uint_eq(lf_notifies(&e, from, "rt", NULL), 0);
	e.send_fail = 0;
	lf_advance(&e, 800); /* the retry: 1.5 to 2.5 s after the fix */
	ck_assert_uint_eq(lf_notifies(&e, from, "rt", NULL), 0);
	lf_advance(&e, 1300);
	ck_assert_uint_eq(lf_notifies(&e, from, "rt", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"inside\""));
	lf_advance(&e, 3000);
	ck_assert_uint_eq(lf_notifies(&e, from, "rt", NULL), 1);
	/* failures in a row back off: 1-2 s, then 2-4 s, then 4-8 s; from
	 * the fix (T): failure at T+0.5, retries at T+1.5..2.5, then
	 * T+3.5..6.5, then T+7.5..14.5 */
	e.send_fail = ENOBUFS;
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 9),
			 0);
	lf_advance(&e, 2600);
	ck_assert_double_eq(locd_metric_value(e.d->std.notify_failures), 3);
	lf_advance(&e, 4800); /* T+7.4 */
	ck_assert_double_eq(locd_metric_value(e.d->std.notify_failures), 4);
	e.send_fail = 0;
	from = e.n;
	lf_advance(&e, 7700); /* T+15.1 */
	ck_assert_uint_eq(lf_notifies(&e, from, "rt", &last), 1);
	ck_assert(lf_has(&e.m[last], "position=\"outside\""));
	ck_assert_uint_eq(ls_of(&e, "rt")->nretry, 0);
	lf_end(&e);
}
END_TEST

static size_t count_of(const char *s, const char *what)
{
	size_t n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* At most 10 NOTIFY failures are logged per second; the next line tells
 * how many were not. */
START_TEST(test_failure_log_limit)
{
	struct lf_env e = {0};
	char cid[16], *text = NULL;
	size_t len = 0, i;
	double t = t0();
	FILE *f;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	for (i = 0; i < 12; i++) {
		snprintf(cid, sizeof(cid), "ll%zu", i);
		ck_assert_uint_eq(lf_subscribe(&e, cid, 1, NULL, "location",
					       LF_CTYPE_DRAFT, lf_b10, 600),
				  200);
	}
	lf_advance(&e, 1000);
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	e.lg.f = f;
	e.lg.level = LOCD_LOG_NOTICE;
	e.notify_answer = 500;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 1), 0);
	lf_advance(&e, 1500);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t + 3),
			 0);
	lf_advance(&e, 1500);
	ck_assert_double_eq(locd_metric_value(e.d->std.notify_failures), 24);
	e.lg.f = NULL;
	fclose(f);
	ck_assert_uint_eq(count_of(text, "NOTIFY answered 500"), 20);
	ck_assert_uint_eq(count_of(text, "2 more NOTIFY failures not logged"),
			  1);
	free(text);
	lf_end(&e);
}
END_TEST

TCase *tcase_lsub(void);
TCase *tcase_lsub(void)
{
	TCase *tc = tcase_create("lsub");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_filter_shared);
	tcase_add_test(tc, test_merged_docs);
	tcase_add_test(tc, test_restore_v2_store);
	tcase_add_test(tc, test_fdocs_bounds);
	tcase_add_test(tc, test_two_features);
	tcase_add_test(tc, test_restore_other_sched);
	tcase_add_test(tc, test_restore_sched_kept);
	tcase_add_test(tc, test_restore_raw_sched);
	tcase_add_test(tc, test_restore_batches);
	tcase_add_test(tc, test_notify_retry);
	tcase_add_test(tc, test_failure_log_limit);
	return tc;
}
