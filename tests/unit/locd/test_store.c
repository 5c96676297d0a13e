/*
 * test_store.c: locd/store.c.
 *
 * Migrations (empty DB, hand-made version 1 and 2 DBs with rows,
 * refusal of a newer schema), filter documents stored once and deleted
 * with their last row, round trip of every subscription field (blobs with NUL bytes,
 * long route sets, NULLs), the per-NOTIFY update, publications (EV-30,
 * EV-31: expiry), last fixes (newest kept), counters, transactions,
 * 100,000 subscriptions, reopen, and a writer killed with SIGKILL that
 * loses nothing committed.
 */
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filters/lf_sched.h"
#include "locd/store.h"
#include "tests/unit/testutil.h"

static char tmpdir[64];
static char dbpath[128];

static void setup(void)
{
	ck_assert_int_eq(tu_tmpdir_make(tmpdir, sizeof(tmpdir),
					"locd-store"), 0);
	/* a missing parent directory is created (0700) */
	snprintf(dbpath, sizeof(dbpath), "%s/var/locd.db", tmpdir);
}

static void teardown(void)
{
	tu_tmpdir_remove(tmpdir);
}

static struct locd_store *store_open(void)
{
	struct locd_store_opts o = {dbpath, LOCD_STORE_SYNC_NORMAL, 0};
	struct locd_store *st = NULL;
	char msg[256];
	int rc = locd_store_open(&st, &o, msg, sizeof(msg));

	ck_assert_msg(rc == 0, "open: %d %s", rc, msg);
	return st;
}

/* Run SQL on the file directly, outside the store. */
static void raw_exec(const char *sql)
{
	sqlite3 *db = NULL;
	char *e = NULL;
	int rc;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	rc = sqlite3_exec(db, sql, NULL, NULL, &e);
	ck_assert_msg(rc == SQLITE_OK, "%s", e ? e : "?");
	sqlite3_close(db);
}

static int raw_int(const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int v;

	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

static void sub_fill(struct locd_store_sub *u, const char *target,
		     int64_t expires_at)
{
	memset(u, 0, sizeof(*u));
	u->target = target;
	u->subscriber = "sip:watcher@localhost";
	u->package = "location";
	u->call_id = "c1@host";
	u->local_tag = "lt";
	u->remote_tag = "rt";
	u->expires_at = expires_at;
	u->created = 1000;
	u->updated = 1000;
}

/* Collect rows: count, a copy of the last row's fields we check. */
struct collect {
	uint64_t n;
	uint64_t id_sum;
	int stop_at;
	struct locd_store_sub last;
	char *strs[16];
	void *blobs[4];
};

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void *blob_dup(const struct locd_store_blob *b)
{
	void *p;

	if (!b->len)
		return NULL;
	p = malloc(b->len);
	ck_assert_ptr_nonnull(p);
	memcpy(p, b->data, b->len);
	return p;
}

static void collect_free(struct collect *c)
{
	size_t i;

	for (i = 0; i < 16; i++)
		free(c->strs[i]);
	for (i = 0; i < 4; i++)
		free(c->blobs[i]);
	memset(c->strs, 0, sizeof(c->strs));
	memset(c->blobs, 0, sizeof(c->blobs));
}

static int collect_h(const struct locd_store_sub *u, void *arg)
{
	struct collect *c = arg;
	struct locd_store_sub *l = &c->last;

	c->n++;
	c->id_sum += (uint64_t)u->id;
	if (c->stop_at && c->n == (uint64_t)c->stop_at)
		return 42;
	collect_free(c);
	*l = *u;
	l->target = c->strs[0] = dup_or_null(u->target);
	l->subscriber = c->strs[1] = dup_or_null(u->subscriber);
	l->package = c->strs[2] = dup_or_null(u->package);
	l->event_id = c->strs[3] = dup_or_null(u->event_id);
	l->call_id = c->strs[4] = dup_or_null(u->call_id);
	l->local_tag = c->strs[5] = dup_or_null(u->local_tag);
	l->remote_tag = c->strs[6] = dup_or_null(u->remote_tag);
	l->local_uri = c->strs[7] = dup_or_null(u->local_uri);
	l->remote_uri = c->strs[8] = dup_or_null(u->remote_uri);
	l->remote_target = c->strs[9] = dup_or_null(u->remote_target);
	l->route_set = c->strs[10] = dup_or_null(u->route_set);
	l->peer = c->strs[11] = dup_or_null(u->peer);
	l->filter_type = c->strs[12] = dup_or_null(u->filter_type);
	l->flow_token.data = c->blobs[0] = blob_dup(&u->flow_token);
	l->filter_body.data = c->blobs[1] = blob_dup(&u->filter_body);
	l->eval_state.data = c->blobs[2] = blob_dup(&u->eval_state);
	l->sched_state.data = c->blobs[3] = blob_dup(&u->sched_state);
	return 0;
}

static void blob_eq(const struct locd_store_blob *a,
		    const struct locd_store_blob *b)
{
	ck_assert_uint_eq(a->len, b->len);
	if (a->len)
		ck_assert_int_eq(memcmp(a->data, b->data, a->len), 0);
}

static void str_eq(const char *a, const char *b)
{
	if (!a || !b)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

START_TEST(test_migrate_empty)
{
	struct locd_store *st = store_open();
	struct stat sb;
	char dir[128], wal[160];

	ck_assert_int_eq(locd_store_version(st), LOCD_STORE_VERSION);
	locd_store_close(st);
	snprintf(dir, sizeof(dir), "%s/var", tmpdir);
	ck_assert_int_eq(stat(dir, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0700);
	/* personal data: the database is private even under umask 022 */
	ck_assert_int_eq(stat(dbpath, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), 3);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'table' AND name IN ('subscriptions',"
				 " 'publications', 'fixes', 'counters',"
				 " 'filter_docs', 'store_meta')"),
			 6);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'index' AND name LIKE '%_expires'"),
			 2);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sqlite_master WHERE "
				 "type = 'trigger'"),
			 2);
	/* the row references its document: no body in it */
	ck_assert_int_eq(raw_int("SELECT count(*) FROM pragma_table_info("
				 "'subscriptions') WHERE name LIKE 'filter%'"),
			 1);
	/* WAL is persistent in the file */
	ck_assert_int_eq(raw_int("SELECT journal_mode = 'wal' FROM "
				 "pragma_journal_mode"),
			 1);
	/* reopening a current database migrates nothing */
	st = store_open();
	ck_assert_int_eq(locd_store_version(st), 3);
	ck_assert_int_eq(locd_store_counter_add(st, "x", 1, NULL), 0);
	snprintf(wal, sizeof(wal), "%s-wal", dbpath);
	ck_assert_int_eq(stat(wal, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	locd_store_close(st);
}
END_TEST

/* Version 1, written by hand as a locd of that version would have. */
static const char v1_schema[] =
	"CREATE TABLE subscriptions ("
	" id INTEGER PRIMARY KEY, target TEXT NOT NULL, subscriber TEXT,"
	" package TEXT NOT NULL, event_id TEXT,"
	" mode INTEGER NOT NULL DEFAULT 0,"
	" call_id TEXT, local_tag TEXT, remote_tag TEXT,"
	" local_uri TEXT, remote_uri TEXT, remote_target TEXT,"
	" route_set TEXT, local_cseq INTEGER NOT NULL DEFAULT 0,"
	" remote_cseq INTEGER NOT NULL DEFAULT 0,"
	" secure INTEGER NOT NULL DEFAULT 0,"
	" transport INTEGER NOT NULL DEFAULT 0, peer TEXT,"
	" filter_type TEXT, filter_body BLOB, eval_state BLOB,"
	" sched_state BLOB, expires_at INTEGER NOT NULL,"
	" created INTEGER NOT NULL, updated INTEGER NOT NULL);"
	"CREATE TABLE publications (target TEXT NOT NULL,"
	" etag TEXT NOT NULL, expires_at INTEGER NOT NULL,"
	" content_type TEXT, body BLOB, received_at REAL NOT NULL,"
	" PRIMARY KEY (target, etag)) WITHOUT ROWID;"
	"INSERT INTO subscriptions (id, target, package, call_id,"
	" local_cseq, eval_state, expires_at, created, updated)"
	" VALUES (7, 'sip:alice@localhost', 'presence', 'cid', 12,"
	" x'00ff00', 5000, 10, 20);"
	"INSERT INTO publications VALUES ('sip:alice@localhost', 'e1',"
	" 6000, 'application/pidf+xml', x'3c3e', 1.5);"
	"PRAGMA user_version = 1;";

static int pub_count_h(const struct locd_store_pub *p, void *arg)
{
	(void)p;
	(*(int *)arg)++;
	return 0;
}

START_TEST(test_migrate_v1)
{
	struct locd_store *st;
	struct collect c = {0};
	struct locd_store_fix fx = {0};
	int npub = 0;
	uint64_t n;

	snprintf(dbpath, sizeof(dbpath), "%s/v1.db", tmpdir);
	raw_exec(v1_schema);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), 1);
	st = store_open();
	ck_assert_int_eq(locd_store_version(st), 3);
	/* version 1 rows survive, new columns have their defaults */
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	ck_assert_int_eq(c.last.id, 7);
	ck_assert_str_eq(c.last.target, "sip:alice@localhost");
	ck_assert_str_eq(c.last.package, "presence");
	ck_assert_uint_eq(c.last.local_cseq, 12);
	ck_assert_uint_eq(c.last.eval_state.len, 3);
	ck_assert_int_eq(memcmp(c.last.eval_state.data, "\0\xff\0", 3), 0);
	ck_assert_uint_eq(c.last.flow_token.len, 0);
	ck_assert_double_eq(c.last.max_rate, 0);
	ck_assert_int_eq(c.last.expires_at, 5000);
	collect_free(&c);
	ck_assert_int_eq(locd_store_pub_load_all(st, pub_count_h, &npub), 0);
	ck_assert_int_eq(npub, 1);
	/* and the version 2 tables work */
	fx.target = "sip:alice@localhost";
	fx.time = 1;
	snprintf(fx.source, sizeof(fx.source), "http");
	ck_assert_int_eq(locd_store_fix_put(st, &fx), 0);
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 1);
	locd_store_close(st);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), 3);
}
END_TEST

/* Version 2 as a locd of that version wrote it (the 1 -> 2 step on
 * top of v1_schema's tables), with rows: two sharing a document, one
 * with the same body under another type, a packed two-document set, one
 * without a filter. */
static const char v2_rows[] =
	"ALTER TABLE subscriptions ADD COLUMN flow_token BLOB;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" max_rate REAL NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" min_rate REAL NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" adaptive_min_rate REAL NOT NULL DEFAULT 0;"
	"CREATE INDEX subscriptions_expires ON subscriptions (expires_at);"
	"CREATE INDEX publications_expires ON publications (expires_at);"
	"CREATE TABLE fixes (target TEXT PRIMARY KEY,"
	" lat REAL NOT NULL, lon REAL NOT NULL, alt REAL,"
	" time REAL NOT NULL, speed REAL, source TEXT NOT NULL,"
	" received_at REAL NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE counters (name TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO subscriptions (id, target, package, call_id,"
	" filter_type, filter_body, eval_state, max_rate, expires_at,"
	" created, updated) VALUES"
	" (10, 'sip:a@x', 'location', 'c10', 'application/lf+xml',"
	"  x'330a3c613e00', x'01', 0.5, 5000, 1, 2),"
	" (11, 'sip:b@x', 'location', 'c11', 'application/lf+xml',"
	"  x'330a3c613e00', x'02', 0, 5001, 1, 2),"
	" (12, 'sip:c@x', 'presence', 'c12', 'application/other',"
	"  x'330a3c613e00', NULL, 0, 5002, 1, 2),"
	" (13, 'sip:d@x', 'presence', 'c13', 'application/other',"
	"  x'320a3c623e320a3c633e', NULL, 0, 5003, 1, 2),"
	" (14, 'sip:e@x', 'location', 'c14', NULL, NULL, NULL, 0, 5004,"
	"  1, 2);"
	"PRAGMA user_version = 2;";

/* Rows by id: type and body as loaded, and the document id. */
struct docrows {
	int n;
	int64_t id[16], doc[16];
	char *type[16];
	void *body[16];
	size_t len[16];
};

static int docrows_h(const struct locd_store_sub *u, void *arg)
{
	struct docrows *r = arg;

	ck_assert_int_lt(r->n, 16);
	r->id[r->n] = u->id;
	r->doc[r->n] = u->filter_doc;
	r->type[r->n] = dup_or_null(u->filter_type);
	r->body[r->n] = blob_dup(&u->filter_body);
	r->len[r->n] = u->filter_body.len;
	r->n++;
	return 0;
}

static void docrows_free(struct docrows *r)
{
	int i;

	for (i = 0; i < r->n; i++) {
		free(r->type[i]);
		free(r->body[i]);
	}
	memset(r, 0, sizeof(*r));
}

START_TEST(test_migrate_v2)
{
	struct locd_store *st;
	struct docrows r = {0};
	struct collect c = {0};

	snprintf(dbpath, sizeof(dbpath), "%s/v2.db", tmpdir);
	raw_exec(v1_schema);
	raw_exec("DELETE FROM subscriptions;");
	raw_exec(v2_rows);
	ck_assert_int_eq(raw_int("PRAGMA user_version"), 2);
	st = store_open();
	ck_assert_int_eq(locd_store_version(st), 3);
	ck_assert_int_eq(locd_store_sub_load_all(st, docrows_h, &r), 0);
	ck_assert_int_eq(r.n, 5);
	/* the same subscriptions, with the same documents */
	ck_assert_int_eq(r.id[0], 10);
	ck_assert_str_eq(r.type[0], "application/lf+xml");
	ck_assert_uint_eq(r.len[0], 6);
	ck_assert_int_eq(memcmp(r.body[0], "3\n<a>\0", 6), 0);
	ck_assert_str_eq(r.type[1], "application/lf+xml");
	ck_assert_uint_eq(r.len[1], 6);
	ck_assert_int_eq(memcmp(r.body[1], "3\n<a>\0", 6), 0);
	ck_assert_str_eq(r.type[2], "application/other");
	ck_assert_uint_eq(r.len[2], 6);
	ck_assert_int_eq(memcmp(r.body[2], "3\n<a>\0", 6), 0);
	ck_assert_uint_eq(r.len[3], 10);
	ck_assert_int_eq(memcmp(r.body[3], "2\n<b>2\n<c>", 10), 0);
	ck_assert_ptr_null(r.type[4]);
	ck_assert_uint_eq(r.len[4], 0);
	/* stored once per distinct (type, body) */
	ck_assert_int_gt(r.doc[0], 0);
	ck_assert_int_eq(r.doc[0], r.doc[1]);
	ck_assert_int_ne(r.doc[0], r.doc[2]);
	ck_assert_int_ne(r.doc[2], r.doc[3]);
	ck_assert_int_eq(r.doc[4], 0);
	docrows_free(&r);
	/* the other columns came along */
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_uint_eq(c.n, 5);
	ck_assert_str_eq(c.last.call_id, "c14");
	ck_assert_int_eq(c.last.expires_at, 5004);
	collect_free(&c);
	locd_store_close(st);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM filter_docs"), 3);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM subscriptions JOIN "
				 "sub_state USING (id) WHERE id = 10 AND "
				 "max_rate = 0.5 AND eval_state = x'01' AND "
				 "expires_at = 5000 AND updated = 2"),
			 1);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sub_state"), 5);
	/* the per-NOTIFY columns live in sub_state only */
	ck_assert_int_eq(raw_int("SELECT count(*) FROM pragma_table_info("
				 "'subscriptions') WHERE name IN ("
				 "'eval_state', 'sched_state', 'expires_at',"
				 " 'local_cseq', 'filter_body')"),
			 0);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM pragma_integrity_check"
				 " WHERE integrity_check = 'ok'"),
			 1);
	/* a found document is the same row: hashes agree with SQL's */
	st = store_open();
	{
		struct locd_store_sub u;

		sub_fill(&u, "sip:f@x", 6000);
		u.filter_type = "application/lf+xml";
		u.filter_body.data = "3\n<a>";
		u.filter_body.len = 6; /* with the NUL */
		ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
		ck_assert_int_eq(locd_store_sub_load_all(st, docrows_h, &r),
				 0);
		ck_assert_int_eq(u.filter_doc, r.doc[0]);
		ck_assert_int_eq(r.doc[5], r.doc[0]);
		docrows_free(&r);
	}
	locd_store_close(st);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM filter_docs"), 3);
}
END_TEST

/* A version 2 store whose rows carried 3,000 copies of one 2 KB
 * document: after the migration the file keeps no free pages (VACUUM
 * once) and is much smaller. */
START_TEST(test_migrate_v2_shrinks)
{
	struct locd_store *st;
	uint64_t n = 0;
	int before, after;

	snprintf(dbpath, sizeof(dbpath), "%s/v2big.db", tmpdir);
	raw_exec(v1_schema);
	raw_exec("DELETE FROM subscriptions;");
	raw_exec(v2_rows);
	raw_exec("WITH RECURSIVE k(i) AS (SELECT 100 UNION ALL SELECT i + 1"
		 " FROM k WHERE i < 3099) INSERT INTO subscriptions (id,"
		 " target, package, call_id, filter_type, filter_body,"
		 " expires_at, created, updated) SELECT i, 'sip:t@x',"
		 " 'location', 'c' || i, 't', zeroblob(2000), 9000, 1, 2"
		 " FROM k;");
	before = raw_int("PRAGMA page_count");
	ck_assert_int_gt(before, 1500);
	st = store_open();
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 3005);
	locd_store_close(st);
	after = raw_int("PRAGMA page_count");
	ck_assert_int_lt(raw_int("PRAGMA freelist_count"), 8);
	ck_assert_int_lt(after, before / 4);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM filter_docs"), 4);
}
END_TEST

static int doc_count(void)
{
	return raw_int("SELECT count(*) FROM filter_docs");
}

/* Documents are stored once and go with their last row: deleted,
 * expired, or moved to another document; leftovers go at open; the
 * per-NOTIFY update leaves the document alone. */
START_TEST(test_filter_docs)
{
	static const char body_a[] = "5\n<abc>", body_b[] = "5\n<xyz>";
	struct locd_store *st = store_open();
	struct locd_store_sub u;
	struct locd_store_sub_state hs;
	int64_t ids[6], doc_a;
	uint64_t nsub = 0;
	int i;

	for (i = 0; i < 4; i++) {
		sub_fill(&u, "sip:bob@localhost", i < 3 ? 500 : 5000);
		u.filter_type = "t1";
		u.filter_body.data = body_a;
		u.filter_body.len = sizeof(body_a) - 1;
		ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
		ids[i] = u.id;
		if (i == 0)
			doc_a = u.filter_doc;
		ck_assert_int_eq(u.filter_doc, doc_a);
	}
	ck_assert_int_eq(doc_count(), 1);
	/* same body, another type: another document; no body: none */
	sub_fill(&u, "sip:bob@localhost", 5000);
	u.filter_type = "t2";
	u.filter_body.data = body_a;
	u.filter_body.len = sizeof(body_a) - 1;
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	ck_assert_int_ne(u.filter_doc, doc_a);
	ids[4] = u.id;
	sub_fill(&u, "sip:bob@localhost", 5000);
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	ck_assert_int_eq(u.filter_doc, 0);
	ids[5] = u.id;
	ck_assert_int_eq(doc_count(), 2);

	/* the hot update writes its sub_state row only: neither the
	 * document nor the subscription row */
	raw_exec("CREATE TABLE writes (n INTEGER, m INTEGER);"
		 "INSERT INTO writes VALUES (0, 0);"
		 "CREATE TRIGGER t_dw AFTER UPDATE ON filter_docs BEGIN"
		 " UPDATE writes SET n = n + 1; END;"
		 "CREATE TRIGGER t_sw AFTER UPDATE ON subscriptions BEGIN"
		 " UPDATE writes SET n = n + 1; END;"
		 "CREATE TRIGGER t_hw AFTER UPDATE ON sub_state BEGIN"
		 " UPDATE writes SET m = m + 1; END;");
	memset(&hs, 0, sizeof(hs));
	hs.id = ids[0];
	hs.local_cseq = 9;
	hs.expires_at = 400;
	ck_assert_int_eq(locd_store_sub_update(st, &hs), 0);
	ck_assert_int_eq(raw_int("SELECT n FROM writes"), 0);
	ck_assert_int_eq(raw_int("SELECT m FROM writes"), 2); /* + expiry */
	raw_exec("DROP TRIGGER t_dw; DROP TRIGGER t_sw; DROP TRIGGER t_hw;"
		 " DROP TABLE writes;");

	/* a row deleted: the document stays while others use it */
	ck_assert_int_eq(locd_store_sub_delete(st, ids[1]), 0);
	ck_assert_int_eq(doc_count(), 2);
	/* the t2 row moves to body_b: its old document goes */
	sub_fill(&u, "sip:bob@localhost", 5000);
	u.id = ids[4];
	u.filter_type = "t2";
	u.filter_body.data = body_b;
	u.filter_body.len = sizeof(body_b) - 1;
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	ck_assert_int_eq(doc_count(), 2);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM filter_docs WHERE "
				 "type = 't2' AND body = CAST('5' || "
				 "char(10) || '<xyz>' AS BLOB)"),
			 1);
	/* two rows of body_a expire, the third is deleted: body_a goes */
	ck_assert_int_eq(locd_store_delete_expired(st, 1000, &nsub, NULL),
			 0);
	ck_assert_uint_eq(nsub, 2);
	ck_assert_int_eq(doc_count(), 2);
	ck_assert_int_eq(locd_store_sub_delete(st, ids[3]), 0);
	ck_assert_int_eq(doc_count(), 1);
	/* ...and inside a rolled back transaction nothing changes */
	ck_assert_int_eq(locd_store_begin(st), 0);
	ck_assert_int_eq(locd_store_sub_delete(st, ids[4]), 0);
	ck_assert_int_eq(locd_store_rollback(st), 0);
	ck_assert_int_eq(doc_count(), 1);
	/* a failed upsert in a caller's transaction leaves no document */
	ck_assert_int_eq(locd_store_begin(st), 0);
	sub_fill(&u, "sip:bob@localhost", 5000);
	u.filter_type = "t3";
	u.filter_body.data = body_b;
	u.filter_body.len = sizeof(body_b) - 1;
	u.eval_state.len = 3; /* no data: refused */
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), EINVAL);
	ck_assert_int_eq(locd_store_commit(st), 0);
	ck_assert_int_eq(doc_count(), 1);
	ck_assert_int_eq(locd_store_sub_delete(st, ids[4]), 0);
	ck_assert_int_eq(locd_store_sub_delete(st, ids[5]), 0);
	ck_assert_int_eq(doc_count(), 0);
	/* state rows went with their subscriptions (delete, expiry) */
	ck_assert_int_eq(raw_int("SELECT count(*) FROM sub_state"), 0);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM subscriptions"), 0);
	locd_store_close(st);
	/* a document nothing references (written around the store) goes
	 * at open */
	raw_exec("INSERT INTO filter_docs (hash, type, body) VALUES"
		 " (1, 'x', x'00');");
	ck_assert_int_eq(doc_count(), 1);
	st = store_open();
	ck_assert_int_eq(doc_count(), 0);
	locd_store_close(st);
}
END_TEST

START_TEST(test_refuse_newer)
{
	struct locd_store_opts o = {dbpath, LOCD_STORE_SYNC_NORMAL, 0};
	struct locd_store *st = NULL;
	char msg[256];

	snprintf(dbpath, sizeof(dbpath), "%s/new.db", tmpdir);
	raw_exec("CREATE TABLE future (x); PRAGMA user_version = 4;");
	ck_assert_int_eq(locd_store_open(&st, &o, msg, sizeof(msg)), EPROTO);
	ck_assert_ptr_null(st);
	ck_assert_str_eq(msg,
			 "store: database schema version 4 is newer than "
			 "this locd's (3); use a newer locd");
	/* the file is left as it was */
	ck_assert_int_eq(raw_int("PRAGMA user_version"), 4);
}
END_TEST

START_TEST(test_open_errors)
{
	struct locd_store_opts o = {dbpath, LOCD_STORE_SYNC_NORMAL, 0};
	struct locd_store *st = NULL;
	char msg[256];
	FILE *f;
	int i;

	snprintf(dbpath, sizeof(dbpath), "%s/junk.db", tmpdir);
	f = fopen(dbpath, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 200; i++)
		fputs("this is not a database file. ", f);
	fclose(f);
	ck_assert_int_eq(locd_store_open(&st, &o, msg, sizeof(msg)), EBADMSG);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(msg, "not a database"));
	o.path = NULL;
	ck_assert_int_eq(locd_store_open(&st, &o, msg, sizeof(msg)), EINVAL);
	o.path = dbpath;
	o.sync = (enum locd_store_sync)9;
	ck_assert_int_eq(locd_store_open(&st, &o, msg, sizeof(msg)), EINVAL);
	ck_assert_ptr_null(st);
	locd_store_close(NULL);
}
END_TEST

START_TEST(test_sub_roundtrip)
{
	static const unsigned char eval[] = {0, 1, 0, 2, 0xff, 0};
	static const unsigned char flow[] = {9, 0, 9};
	static const char filter[] = "<filter>\0tail";
	struct locd_store *st = store_open();
	struct locd_store_sub u, v;
	struct collect c = {0};
	struct lf_sched ls, ls2;
	struct lf_sched_cfg lcfg;
	char *routes, line[256];
	size_t i, off = 0, cap = 100 * 240;
	uint64_t n;

	routes = malloc(cap);
	ck_assert_ptr_nonnull(routes);
	for (i = 0; i < 100; i++) {
		memset(line, 'r', 200);
		line[200] = '\0';
		off += (size_t)snprintf(routes + off, cap - off,
					"<sip:proxy%zu.example;lr;x=%s>\n", i,
					line);
		ck_assert_uint_lt(off, cap);
	}
	memset(&u, 0, sizeof(u));
	u.target = "sip:bob@localhost";
	u.subscriber = "sip:alice@localhost";
	u.package = "presence";
	u.event_id = "e7";
	u.mode = 2;
	u.call_id = "a84b4c76e66710@pc33.atlanta.com";
	u.local_tag = "1928301774";
	u.remote_tag = "a6c85cf";
	u.local_uri = "sip:bob@localhost";
	u.remote_uri = "sip:alice@localhost";
	u.remote_target = "sip:alice@192.0.2.4:5070;transport=tcp";
	u.route_set = routes;
	u.local_cseq = 4294967295u;
	u.remote_cseq = 314159;
	u.secure = true;
	u.transport = 3;
	u.peer = "[2001:db8::1]:5061";
	u.flow_token.data = flow;
	u.flow_token.len = sizeof(flow);
	u.filter_type = "application/location-delta-filter+xml";
	u.filter_body.data = filter;
	u.filter_body.len = sizeof(filter);
	u.eval_state.data = eval;
	u.eval_state.len = sizeof(eval);
	/* the scheduler state as the notifier stores it: raw bytes */
	memset(&ls, 0, sizeof(ls));
	lf_sched_cfg_init(&lcfg);
	lf_sched_init(&ls, &lcfg, 12.5);
	lf_sched_latch(&ls, 13.0, 1, 0);
	u.sched_state.data = &ls;
	u.sched_state.len = sizeof(ls);
	u.max_rate = 0.2;
	u.min_rate = 0.0333333333333;
	u.adaptive_min_rate = 0.1;
	u.expires_at = 1800000000;
	u.created = 1700000000;
	u.updated = 1700000001;
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	ck_assert_int_gt(u.id, 0);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_uint_eq(c.n, 1);
	v = c.last;
	ck_assert_int_eq(v.id, u.id);
	str_eq(v.target, u.target);
	str_eq(v.subscriber, u.subscriber);
	str_eq(v.package, u.package);
	str_eq(v.event_id, u.event_id);
	ck_assert_int_eq(v.mode, 2);
	str_eq(v.call_id, u.call_id);
	str_eq(v.local_tag, u.local_tag);
	str_eq(v.remote_tag, u.remote_tag);
	str_eq(v.local_uri, u.local_uri);
	str_eq(v.remote_uri, u.remote_uri);
	str_eq(v.remote_target, u.remote_target);
	str_eq(v.route_set, routes);
	ck_assert_uint_eq(strlen(v.route_set), off);
	ck_assert_uint_eq(v.local_cseq, 4294967295u);
	ck_assert_uint_eq(v.remote_cseq, 314159);
	ck_assert(v.secure);
	ck_assert_int_eq(v.transport, 3);
	str_eq(v.peer, u.peer);
	blob_eq(&v.flow_token, &u.flow_token);
	str_eq(v.filter_type, u.filter_type);
	blob_eq(&v.filter_body, &u.filter_body);
	blob_eq(&v.eval_state, &u.eval_state);
	blob_eq(&v.sched_state, &u.sched_state);
	memcpy(&ls2, v.sched_state.data, sizeof(ls2));
	ck_assert(ls2.pending);
	ck_assert_double_eq(ls2.first_latch, 13.0);
	ck_assert_double_eq(ls2.cfg.quarantine, lcfg.quarantine);
	ck_assert_double_eq(v.max_rate, 0.2);
	ck_assert_double_eq(v.min_rate, 0.0333333333333);
	ck_assert_double_eq(v.adaptive_min_rate, 0.1);
	ck_assert_int_eq(v.expires_at, 1800000000);
	ck_assert_int_eq(v.created, 1700000000);
	ck_assert_int_eq(v.updated, 1700000001);
	collect_free(&c);

	/* upsert by id replaces; NULL strings and empty blobs come back so */
	sub_fill(&v, "sip:carol@localhost", 99);
	v.id = u.id;
	v.subscriber = NULL;
	v.call_id = NULL;
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), 0);
	ck_assert_int_eq(v.id, u.id);
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 1);
	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_str_eq(c.last.target, "sip:carol@localhost");
	ck_assert_ptr_null(c.last.subscriber);
	ck_assert_ptr_null(c.last.call_id);
	ck_assert_ptr_null(c.last.route_set);
	ck_assert_ptr_null(c.last.eval_state.data);
	ck_assert_uint_eq(c.last.eval_state.len, 0);
	ck_assert(!c.last.secure);
	collect_free(&c);

	/* explicit ids are kept; a second row gets its own */
	sub_fill(&v, "sip:dave@localhost", 5);
	v.id = 1000;
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), 0);
	sub_fill(&v, "sip:erin@localhost", 5);
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), 0);
	ck_assert_int_eq(v.id, 1001);

	/* missing required fields, oversized blobs */
	sub_fill(&v, NULL, 5);
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), EINVAL);
	sub_fill(&v, "sip:x@localhost", 5);
	v.package = NULL;
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), EINVAL);
	sub_fill(&v, "sip:x@localhost", 5);
	v.eval_state.data = routes;
	v.eval_state.len = LOCD_STORE_BLOB_MAX + 1;
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), EOVERFLOW);
	ck_assert_ptr_nonnull(strstr(locd_store_errmsg(st), "longer than"));
	v.eval_state.data = NULL;
	v.eval_state.len = 3;
	ck_assert_int_eq(locd_store_sub_upsert(st, &v), EINVAL);
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 3);

	/* a callback's non-zero return stops the scan and is returned */
	memset(&c, 0, sizeof(c));
	c.stop_at = 2;
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 42);
	ck_assert_uint_eq(c.n, 2);
	collect_free(&c);
	free(routes);
	locd_store_close(st);
}
END_TEST

START_TEST(test_sub_update_delete)
{
	struct locd_store *st = store_open();
	struct locd_store_sub u;
	struct locd_store_sub_state s;
	struct collect c = {0};
	static const unsigned char blob[] = {0, 0, 7};

	sub_fill(&u, "sip:bob@localhost", 500);
	u.local_cseq = 1;
	u.remote_cseq = 2;
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	memset(&s, 0, sizeof(s));
	s.id = u.id;
	s.local_cseq = 77;
	s.remote_cseq = 3;
	s.eval_state.data = blob;
	s.eval_state.len = sizeof(blob);
	s.sched_state.data = blob + 1;
	s.sched_state.len = 2;
	s.expires_at = 900;
	s.updated = 1234;
	ck_assert_int_eq(locd_store_sub_update(st, &s), 0);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_uint_eq(c.last.local_cseq, 77);
	ck_assert_uint_eq(c.last.remote_cseq, 3);
	blob_eq(&c.last.eval_state, &s.eval_state);
	blob_eq(&c.last.sched_state, &s.sched_state);
	ck_assert_int_eq(c.last.expires_at, 900);
	ck_assert_int_eq(c.last.updated, 1234);
	/* the rest is untouched */
	ck_assert_str_eq(c.last.call_id, "c1@host");
	ck_assert_int_eq(c.last.created, 1000);
	collect_free(&c);
	/* the expiry moves only beyond LOCD_STORE_EXPIRY_SLACK (1 s) */
	s.expires_at = 901;
	s.local_cseq = 78;
	ck_assert_int_eq(locd_store_sub_update(st, &s), 0);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_int_eq(c.last.expires_at, 900);
	ck_assert_uint_eq(c.last.local_cseq, 78);
	collect_free(&c);
	s.expires_at = 899;
	ck_assert_int_eq(locd_store_sub_update(st, &s), 0);
	s.expires_at = 902;
	ck_assert_int_eq(locd_store_sub_update(st, &s), 0);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_int_eq(c.last.expires_at, 902);
	collect_free(&c);
	s.expires_at = 100;
	ck_assert_int_eq(locd_store_sub_update(st, &s), 0);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_int_eq(c.last.expires_at, 100);
	collect_free(&c);
	s.id = u.id + 1;
	ck_assert_int_eq(locd_store_sub_update(st, &s), ENOENT);
	s.id = 0;
	ck_assert_int_eq(locd_store_sub_update(st, &s), EINVAL);
	ck_assert_int_eq(locd_store_sub_delete(st, u.id), 0);
	ck_assert_int_eq(locd_store_sub_delete(st, u.id), ENOENT);
	ck_assert_int_eq(locd_store_sub_delete(st, -1), EINVAL);
	locd_store_close(st);
}
END_TEST

static void pub_fill(struct locd_store_pub *p, const char *target,
		     const char *etag, int64_t expires_at)
{
	memset(p, 0, sizeof(*p));
	p->target = target;
	p->etag = etag;
	p->expires_at = expires_at;
	p->content_type = "application/pidf+xml";
	p->body.data = "<presence/>";
	p->body.len = 11;
	p->received_at = 1700000000.25;
}

struct pub_seen {
	int n;
	char etags[8][16];
	int64_t exp[8];
	size_t body_len[8];
	double received_at;
};

static int pub_h(const struct locd_store_pub *p, void *arg)
{
	struct pub_seen *s = arg;

	ck_assert_int_lt(s->n, 8);
	snprintf(s->etags[s->n], 16, "%s", p->etag);
	s->exp[s->n] = p->expires_at;
	s->body_len[s->n] = p->body.len;
	ck_assert_str_eq(p->content_type, "application/pidf+xml");
	s->received_at = p->received_at;
	s->n++;
	return 0;
}

START_TEST(test_publications)
{
	static const char evil[] = "x'); DROP TABLE publications;--";
	struct locd_store *st = store_open();
	struct locd_store_pub p;
	struct pub_seen s;
	uint64_t n = 99;

	pub_fill(&p, "sip:bob@localhost", "e1", 100);
	ck_assert_int_eq(locd_store_pub_put(st, &p), 0);
	pub_fill(&p, "sip:bob@localhost", "e2", 300);
	ck_assert_int_eq(locd_store_pub_put(st, &p), 0);
	/* refresh of e1 (EV-31): same key, new expiry and body */
	pub_fill(&p, "sip:bob@localhost", "e1", 250);
	p.body.len = 5;
	ck_assert_int_eq(locd_store_pub_put(st, &p), 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(locd_store_pub_load_all(st, pub_h, &s), 0);
	ck_assert_int_eq(s.n, 2);
	ck_assert_str_eq(s.etags[0], "e1");
	ck_assert_int_eq(s.exp[0], 250);
	ck_assert_uint_eq(s.body_len[0], 5);
	ck_assert_double_eq(s.received_at, 1700000000.25);
	/* expires_at < now goes */
	ck_assert_int_eq(locd_store_pub_expire(st, 250, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(locd_store_pub_expire(st, 251, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(locd_store_pub_delete(st, "sip:bob@localhost", "e1"),
			 ENOENT);
	ck_assert_int_eq(locd_store_pub_delete(st, "sip:bob@localhost", "e2"),
			 0);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(locd_store_pub_load_all(st, pub_h, &s), 0);
	ck_assert_int_eq(s.n, 0);
	/* values are bound, never formatted into SQL */
	pub_fill(&p, "sip:bob@localhost", evil, 500);
	ck_assert_int_eq(locd_store_pub_put(st, &p), 0);
	ck_assert_int_eq(locd_store_pub_delete(st, "sip:bob@localhost", evil),
			 0);
	p.etag = NULL;
	ck_assert_int_eq(locd_store_pub_put(st, &p), EINVAL);
	locd_store_close(st);
}
END_TEST

START_TEST(test_delete_expired)
{
	struct locd_store *st = store_open();
	struct locd_store_sub u;
	struct locd_store_pub p;
	struct collect c = {0};
	uint64_t ns = 0, np = 0;

	sub_fill(&u, "sip:a@localhost", 100);
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	sub_fill(&u, "sip:b@localhost", 200);
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	sub_fill(&u, "sip:c@localhost", 300);
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	pub_fill(&p, "sip:a@localhost", "x", 100);
	ck_assert_int_eq(locd_store_pub_put(st, &p), 0);
	pub_fill(&p, "sip:a@localhost", "y", 300);
	ck_assert_int_eq(locd_store_pub_put(st, &p), 0);
	ck_assert_int_eq(locd_store_delete_expired(st, 200, &ns, &np), 0);
	ck_assert_uint_eq(ns, 1);
	ck_assert_uint_eq(np, 1);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert_str_eq(c.last.target, "sip:c@localhost");
	collect_free(&c);
	ck_assert_int_eq(locd_store_delete_expired(st, 1000, NULL, NULL), 0);
	ck_assert_int_eq(locd_store_sub_count(st, &ns), 0);
	ck_assert_uint_eq(ns, 0);
	locd_store_close(st);
}
END_TEST

static int fix_count_h(const struct locd_store_fix *f, void *arg)
{
	ck_assert_ptr_nonnull(f->target);
	(*(int *)arg)++;
	return 0;
}

START_TEST(test_fixes)
{
	struct locd_store *st = store_open();
	struct locd_store_fix f, g;
	int n = 0;

	memset(&f, 0, sizeof(f));
	f.target = "sip:bob@localhost";
	f.lat = 48.2082;
	f.lon = 16.3738;
	f.alt = 171.5;
	f.has_alt = true;
	f.time = 1700000000.5;
	f.speed = 1.25;
	f.has_speed = true;
	snprintf(f.source, sizeof(f.source), "publish");
	f.received_at = 1700000001.0;
	ck_assert_int_eq(locd_store_fix_put(st, &f), 0);
	ck_assert_int_eq(locd_store_fix_get(st, "sip:bob@localhost", &g), 0);
	ck_assert_str_eq(g.target, "sip:bob@localhost");
	ck_assert_double_eq(g.lat, 48.2082);
	ck_assert_double_eq(g.lon, 16.3738);
	ck_assert(g.has_alt);
	ck_assert_double_eq(g.alt, 171.5);
	ck_assert_double_eq(g.time, 1700000000.5);
	ck_assert(g.has_speed);
	ck_assert_double_eq(g.speed, 1.25);
	ck_assert_str_eq(g.source, "publish");
	ck_assert_double_eq(g.received_at, 1700000001.0);
	/* an older fix does not replace the newest */
	f.time = 1699999999.0;
	f.lat = 0;
	ck_assert_int_eq(locd_store_fix_put(st, &f), ESTALE);
	ck_assert_int_eq(locd_store_fix_get(st, "sip:bob@localhost", &g), 0);
	ck_assert_double_eq(g.lat, 48.2082);
	/* a newer one does, optional fields absent */
	f.time = 1700000010.0;
	f.lat = -33.5;
	f.has_alt = false;
	f.has_speed = false;
	snprintf(f.source, sizeof(f.source), "http");
	ck_assert_int_eq(locd_store_fix_put(st, &f), 0);
	ck_assert_int_eq(locd_store_fix_get(st, "sip:bob@localhost", &g), 0);
	ck_assert_double_eq(g.lat, -33.5);
	ck_assert(!g.has_alt);
	ck_assert(!g.has_speed);
	ck_assert_str_eq(g.source, "http");
	ck_assert_int_eq(locd_store_fix_get(st, "sip:nobody@localhost", &g),
			 ENOENT);
	f.target = "sip:carol@localhost";
	ck_assert_int_eq(locd_store_fix_put(st, &f), 0);
	ck_assert_int_eq(locd_store_fix_load_all(st, fix_count_h, &n), 0);
	ck_assert_int_eq(n, 2);
	memset(f.source, 'x', sizeof(f.source));
	ck_assert_int_eq(locd_store_fix_put(st, &f), EOVERFLOW);
	locd_store_close(st);
}
END_TEST

START_TEST(test_counters_txn)
{
	struct locd_store *st = store_open();
	struct locd_store_sub u;
	int64_t v = 0;
	uint64_t n;

	ck_assert_int_eq(locd_store_counter_get(st, "notify", &v), ENOENT);
	ck_assert_int_eq(locd_store_counter_add(st, "notify", 5, &v), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(locd_store_counter_add(st, "notify", -2, NULL), 0);
	ck_assert_int_eq(locd_store_counter_get(st, "notify", &v), 0);
	ck_assert_int_eq(v, 3);

	/* rollback undoes everything since the outermost begin */
	ck_assert_int_eq(locd_store_begin(st), 0);
	sub_fill(&u, "sip:a@localhost", 10);
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	ck_assert_int_eq(locd_store_begin(st), 0);
	ck_assert_int_eq(locd_store_counter_add(st, "notify", 1, NULL), 0);
	ck_assert_int_eq(locd_store_commit(st), 0); /* inner: no commit */
	ck_assert_int_eq(locd_store_rollback(st), 0);
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(locd_store_counter_get(st, "notify", &v), 0);
	ck_assert_int_eq(v, 3);
	/* nested commit commits at the outermost */
	ck_assert_int_eq(locd_store_begin(st), 0);
	ck_assert_int_eq(locd_store_begin(st), 0);
	u.id = 0;
	ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
	ck_assert_int_eq(locd_store_commit(st), 0);
	ck_assert_int_eq(locd_store_commit(st), 0);
	ck_assert_int_eq(locd_store_commit(st), EINVAL);
	ck_assert_int_eq(locd_store_rollback(st), EINVAL);
	locd_store_close(st);
	st = store_open();
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 1);
	/* close with an open transaction rolls it back */
	ck_assert_int_eq(locd_store_begin(st), 0);
	ck_assert_int_eq(locd_store_sub_delete(st, u.id), 0);
	locd_store_close(st);
	st = store_open();
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, 1);
	locd_store_close(st);
}
END_TEST

#define BULK 100000

START_TEST(test_bulk_reopen)
{
	static const unsigned char state[64] = {1, 0, 2, 0, 3};
	struct locd_store *st = store_open();
	struct locd_store_sub u;
	struct collect c = {0};
	char target[64];
	uint64_t n, want = 0;
	int i;

	ck_assert_int_eq(locd_store_begin(st), 0);
	for (i = 1; i <= BULK; i++) {
		snprintf(target, sizeof(target), "sip:t%d@localhost", i % 997);
		sub_fill(&u, target, 1800000000);
		u.eval_state.data = state;
		u.eval_state.len = sizeof(state);
		u.sched_state.data = state;
		u.sched_state.len = sizeof(state);
		ck_assert_int_eq(locd_store_sub_upsert(st, &u), 0);
		ck_assert_int_eq(u.id, i);
		want += (uint64_t)i;
	}
	ck_assert_int_eq(locd_store_commit(st), 0);
	locd_store_close(st);
	/* reopen: every row back, streamed */
	st = store_open();
	ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
	ck_assert_uint_eq(n, BULK);
	ck_assert_int_eq(locd_store_sub_load_all(st, collect_h, &c), 0);
	ck_assert_uint_eq(c.n, BULK);
	ck_assert_uint_eq(c.id_sum, want);
	ck_assert_int_eq(c.last.id, BULK);
	blob_eq(&c.last.sched_state, &u.sched_state);
	collect_free(&c);
	locd_store_close(st);
}
END_TEST

/*
 * A child commits rows one transaction at a time, reporting each commit
 * over a pipe, then leaves a transaction open and is killed with SIGKILL.
 * Every committed row must be there, the uncommitted ones not.
 */
START_TEST(test_kill9)
{
	int fds[2], status;
	pid_t pid;
	uint64_t n;
	int committed = 0, b;
	char msg[8];

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct locd_store_opts o = {dbpath, LOCD_STORE_SYNC_NORMAL,
					    0};
		struct locd_store *st = NULL;
		struct locd_store_sub u;

		close(fds[0]);
		if (locd_store_open(&st, &o, NULL, 0))
			_exit(1);
		for (b = 0; b < 50; b++) {
			int k;

			if (locd_store_begin(st))
				_exit(2);
			for (k = 0; k < 20; k++) {
				sub_fill(&u, "sip:k@localhost", 1800000000);
				if (locd_store_sub_upsert(st, &u))
					_exit(3);
			}
			if (locd_store_commit(st))
				_exit(4);
			if (write(fds[1], "c", 1) != 1)
				_exit(5);
		}
		/* uncommitted tail */
		if (locd_store_begin(st))
			_exit(6);
		for (b = 0; b < 500; b++) {
			sub_fill(&u, "sip:lost@localhost", 1800000000);
			if (locd_store_sub_upsert(st, &u))
				_exit(7);
		}
		if (write(fds[1], "r", 1) != 1)
			_exit(8);
		for (;;)
			pause();
	}
	close(fds[1]);
	while (read(fds[0], msg, 1) == 1) {
		if (msg[0] == 'c')
			committed++;
		if (msg[0] == 'r')
			break;
	}
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(fds[0]);
	ck_assert(WIFSIGNALED(status));
	ck_assert_int_eq(WTERMSIG(status), SIGKILL);
	ck_assert_int_eq(committed, 50);
	{
		struct locd_store *st = store_open();

		ck_assert_int_eq(locd_store_sub_count(st, &n), 0);
		ck_assert_uint_eq(n, 50 * 20);
		locd_store_close(st);
	}
	ck_assert_int_eq(raw_int("SELECT count(*) FROM subscriptions WHERE "
				 "target = 'sip:lost@localhost'"),
			 0);
	ck_assert_int_eq(raw_int("SELECT count(*) FROM pragma_integrity_check"
				 " WHERE integrity_check = 'ok'"),
			 1);
}
END_TEST

TCase *tcase_store(void);

TCase *tcase_store(void)
{
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_migrate_empty);
	tcase_add_test(tc, test_migrate_v1);
	tcase_add_test(tc, test_migrate_v2);
	tcase_add_test(tc, test_migrate_v2_shrinks);
	tcase_add_test(tc, test_filter_docs);
	tcase_add_test(tc, test_refuse_newer);
	tcase_add_test(tc, test_open_errors);
	tcase_add_test(tc, test_sub_roundtrip);
	tcase_add_test(tc, test_sub_update_delete);
	tcase_add_test(tc, test_publications);
	tcase_add_test(tc, test_delete_expired);
	tcase_add_test(tc, test_fixes);
	tcase_add_test(tc, test_counters_txn);
	tcase_add_test(tc, test_bulk_reopen);
	tcase_add_test(tc, test_kill9);
	return tc;
}
