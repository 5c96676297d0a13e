/*
 * store.c: the SQLite store: open, schema migrations, transactions,
 * subscriptions, publications, last fixes, counters.
 *
 * All SQL is constant text in this file; every value is bound. The
 * statements are prepared once at open (SQLITE_PREPARE_PERSISTENT), reset
 * after each use and finalized at close.
 */
#include "locd/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "locd/config.h"

#define ERRMSG_MAX 256
#define STR_(x) #x
#define STR(x) STR_(x)
#define BUSY_TIMEOUT_DEFAULT 5000

/*
 * Schema steps: steps[i] takes user_version i to i + 1, inside one
 * transaction together with the user_version update. Never edit a
 * released step: add a new one and bump LOCD_STORE_VERSION.
 */
static const char *const steps[] = {
	/* 0 -> 1: subscriptions and publications */
	"CREATE TABLE subscriptions ("
	" id INTEGER PRIMARY KEY,"
	" target TEXT NOT NULL,"
	" subscriber TEXT,"
	" package TEXT NOT NULL,"
	" event_id TEXT,"
	" mode INTEGER NOT NULL DEFAULT 0,"
	" call_id TEXT, local_tag TEXT, remote_tag TEXT,"
	" local_uri TEXT, remote_uri TEXT, remote_target TEXT,"
	" route_set TEXT,"
	" local_cseq INTEGER NOT NULL DEFAULT 0,"
	" remote_cseq INTEGER NOT NULL DEFAULT 0,"
	" secure INTEGER NOT NULL DEFAULT 0,"
	" transport INTEGER NOT NULL DEFAULT 0,"
	" peer TEXT,"
	" filter_type TEXT, filter_body BLOB,"
	" eval_state BLOB, sched_state BLOB,"
	" expires_at INTEGER NOT NULL,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"CREATE TABLE publications ("
	" target TEXT NOT NULL,"
	" etag TEXT NOT NULL,"
	" expires_at INTEGER NOT NULL,"
	" content_type TEXT,"
	" body BLOB,"
	" received_at REAL NOT NULL,"
	" PRIMARY KEY (target, etag)) WITHOUT ROWID;"
	"PRAGMA user_version = 1;",

	/* 1 -> 2: flow tokens, negotiated rates, last fixes, counters */
	"ALTER TABLE subscriptions ADD COLUMN flow_token BLOB;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" max_rate REAL NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" min_rate REAL NOT NULL DEFAULT 0;"
	"ALTER TABLE subscriptions ADD COLUMN"
	" adaptive_min_rate REAL NOT NULL DEFAULT 0;"
	"CREATE INDEX subscriptions_expires ON subscriptions (expires_at);"
	"CREATE INDEX publications_expires ON publications (expires_at);"
	"CREATE TABLE fixes ("
	" target TEXT PRIMARY KEY,"
	" lat REAL NOT NULL, lon REAL NOT NULL, alt REAL,"
	" time REAL NOT NULL,"
	" speed REAL,"
	" source TEXT NOT NULL,"
	" received_at REAL NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE counters ("
	" name TEXT PRIMARY KEY,"
	" value INTEGER NOT NULL) WITHOUT ROWID;"
	"PRAGMA user_version = 2;",

	/* 2 -> 3 (issue 6): filter documents stored once, in filter_docs,
	 * one row per distinct (type, body); a subscription references
	 * its document by id. A merged RFC 6447 set is one document (the
	 * caller's packed blob), as filter_body held it. Documents are
	 * found by a hash seeded per database (store_meta.seed, random)
	 * and compared exactly; the last reference gone, the document goes
	 * (triggers). What every NOTIFY changes (CSeqs, evaluation and
	 * schedule state, expiry, update time) moves to sub_state, one
	 * small row per subscription, so the per-NOTIFY update rewrites
	 * ~300 bytes, not the dialog (or the document). Existing rows are
	 * moved over here: subscriptions is rebuilt once (not a rewrite
	 * per dropped column). */
	"CREATE TABLE store_meta (seed INTEGER NOT NULL);"
	"INSERT INTO store_meta (seed) VALUES (random());"
	"CREATE TABLE filter_docs ("
	" id INTEGER PRIMARY KEY,"
	" hash INTEGER NOT NULL,"
	" type TEXT,"
	" body BLOB NOT NULL);"
	"CREATE INDEX filter_docs_hash ON filter_docs (hash);"
	"INSERT INTO filter_docs (hash, type, body)"
	" SELECT locd_doc_hash((SELECT seed FROM store_meta), filter_type,"
	" filter_body), filter_type, filter_body FROM subscriptions"
	" WHERE filter_body IS NOT NULL"
	" GROUP BY filter_type, filter_body ORDER BY min(id);"
	"CREATE TABLE sub_state ("
	" id INTEGER PRIMARY KEY,"
	" local_cseq INTEGER NOT NULL DEFAULT 0,"
	" remote_cseq INTEGER NOT NULL DEFAULT 0,"
	" eval_state BLOB, sched_state BLOB,"
	" expires_at INTEGER NOT NULL,"
	" updated INTEGER NOT NULL);"
	"INSERT INTO sub_state (id, local_cseq, remote_cseq, eval_state,"
	" sched_state, expires_at, updated) SELECT id, local_cseq,"
	" remote_cseq, eval_state, sched_state, expires_at, updated"
	" FROM subscriptions;"
	"CREATE TABLE subscriptions_3 ("
	" id INTEGER PRIMARY KEY,"
	" target TEXT NOT NULL,"
	" subscriber TEXT,"
	" package TEXT NOT NULL,"
	" event_id TEXT,"
	" mode INTEGER NOT NULL DEFAULT 0,"
	" call_id TEXT, local_tag TEXT, remote_tag TEXT,"
	" local_uri TEXT, remote_uri TEXT, remote_target TEXT,"
	" route_set TEXT,"
	" secure INTEGER NOT NULL DEFAULT 0,"
	" transport INTEGER NOT NULL DEFAULT 0,"
	" peer TEXT,"
	" flow_token BLOB,"
	" filter_doc INTEGER,"
	" max_rate REAL NOT NULL DEFAULT 0,"
	" min_rate REAL NOT NULL DEFAULT 0,"
	" adaptive_min_rate REAL NOT NULL DEFAULT 0,"
	" created INTEGER NOT NULL);"
	"INSERT INTO subscriptions_3 SELECT s.id, s.target, s.subscriber,"
	" s.package, s.event_id, s.mode, s.call_id, s.local_tag,"
	" s.remote_tag, s.local_uri, s.remote_uri, s.remote_target,"
	" s.route_set, s.secure, s.transport, s.peer, s.flow_token,"
	" (SELECT d.id FROM filter_docs d WHERE d.hash ="
	" locd_doc_hash((SELECT seed FROM store_meta), s.filter_type,"
	" s.filter_body) AND d.type IS s.filter_type"
	" AND d.body = s.filter_body),"
	" s.max_rate, s.min_rate, s.adaptive_min_rate, s.created"
	" FROM subscriptions s;"
	"DROP TABLE subscriptions;"
	"ALTER TABLE subscriptions_3 RENAME TO subscriptions;"
	"CREATE INDEX subscriptions_filter_doc ON subscriptions (filter_doc);"
	"CREATE INDEX sub_state_expires ON sub_state (expires_at);"
	"CREATE TRIGGER subscriptions_gone AFTER DELETE ON subscriptions"
	" BEGIN"
	" DELETE FROM sub_state WHERE id = OLD.id;"
	" DELETE FROM filter_docs WHERE id = OLD.filter_doc AND NOT EXISTS"
	" (SELECT 1 FROM subscriptions WHERE filter_doc = OLD.filter_doc);"
	" END;"
	"CREATE TRIGGER filter_docs_change AFTER UPDATE OF filter_doc ON"
	" subscriptions WHEN OLD.filter_doc IS NOT NEW.filter_doc"
	" AND OLD.filter_doc IS NOT NULL BEGIN"
	" DELETE FROM filter_docs WHERE id = OLD.filter_doc AND NOT EXISTS"
	" (SELECT 1 FROM subscriptions WHERE filter_doc = OLD.filter_doc);"
	" END;"
	"PRAGMA user_version = 3;",
};

_Static_assert(sizeof(steps) / sizeof(steps[0]) == LOCD_STORE_VERSION,
	       "one migration step per schema version");

/*
 * A subscription is two rows (schema 3): subscriptions (dialog, filter
 * document reference, rates) and sub_state (what every NOTIFY changes).
 * SUB_COLS are the first's columns but its id; the SELECT adds the
 * second's and the joined document's (enum sub_col: column numbers of
 * the SELECT; the main row's bind index is the column number + 1, the
 * state row's SC_x - SC_STATE + 2, after its id).
 */
#define SUB_COLS_REST                                                         \
	" target, subscriber, package, event_id, mode, call_id,"             \
	" local_tag, remote_tag, local_uri, remote_uri, remote_target,"       \
	" route_set, secure, transport, peer, flow_token, filter_doc,"        \
	" max_rate, min_rate, adaptive_min_rate, created"
#define STATE_COLS_REST                                                       \
	" local_cseq, remote_cseq, eval_state, sched_state, expires_at,"      \
	" updated"

enum sub_col {
	SC_ID, SC_TARGET, SC_SUBSCRIBER, SC_PACKAGE, SC_EVENT_ID, SC_MODE,
	SC_CALL_ID, SC_LOCAL_TAG, SC_REMOTE_TAG, SC_LOCAL_URI, SC_REMOTE_URI,
	SC_REMOTE_TARGET, SC_ROUTE_SET, SC_SECURE, SC_TRANSPORT, SC_PEER,
	SC_FLOW_TOKEN, SC_FILTER_DOC, SC_MAX_RATE, SC_MIN_RATE,
	SC_ADAPTIVE_MIN_RATE, SC_CREATED,
	SC_STATE, /* sub_state's columns from here */
	SC_LOCAL_CSEQ = SC_STATE, SC_REMOTE_CSEQ, SC_EVAL_STATE,
	SC_SCHED_STATE, SC_EXPIRES_AT, SC_UPDATED,
	SC_DOC_TYPE, SC_DOC_BODY /* the document's */
};

enum stmt_id {
	ST_BEGIN, ST_COMMIT, ST_ROLLBACK,
	ST_SUB_UPSERT, ST_STATE_UPSERT, ST_SUB_UPDATE, ST_SUB_EXPIRY,
	ST_SUB_DELETE, ST_SUB_ALL, ST_SUB_COUNT,
	ST_SUB_EXPIRE, ST_DOC_FIND, ST_DOC_ADD, ST_DOC_DROP, ST_DOC_GC,
	ST_PUB_PUT, ST_PUB_DELETE, ST_PUB_ALL, ST_PUB_EXPIRE,
	ST_FIX_PUT, ST_FIX_GET, ST_FIX_ALL,
	ST_CNT_ADD, ST_CNT_GET,
	ST_N
};

static const char *const stmt_sql[ST_N] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SUB_UPSERT] =
		"INSERT INTO subscriptions (id," SUB_COLS_REST ") VALUES (?1,"
		" ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)"
		" ON CONFLICT (id) DO UPDATE SET"
		" target = ?2, subscriber = ?3, package = ?4, event_id = ?5,"
		" mode = ?6, call_id = ?7, local_tag = ?8, remote_tag = ?9,"
		" local_uri = ?10, remote_uri = ?11, remote_target = ?12,"
		" route_set = ?13, secure = ?14, transport = ?15, peer = ?16,"
		" flow_token = ?17, filter_doc = ?18, max_rate = ?19,"
		" min_rate = ?20, adaptive_min_rate = ?21, created = ?22",
	[ST_STATE_UPSERT] =
		"INSERT INTO sub_state (id," STATE_COLS_REST ") VALUES (?1,"
		" ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET"
		" local_cseq = ?2, remote_cseq = ?3, eval_state = ?4,"
		" sched_state = ?5, expires_at = ?6, updated = ?7",
	[ST_SUB_UPDATE] =
		"UPDATE sub_state SET local_cseq = ?2, remote_cseq = ?3,"
		" eval_state = ?4, sched_state = ?5, updated = ?6"
		" WHERE id = ?1",
	/* the expiry apart: its index is rewritten only when it moved */
	[ST_SUB_EXPIRY] =
		"UPDATE sub_state SET expires_at = ?2 WHERE id = ?1"
		" AND abs(expires_at - ?2) > " STR(LOCD_STORE_EXPIRY_SLACK),
	[ST_SUB_DELETE] = "DELETE FROM subscriptions WHERE id = ?1",
	[ST_SUB_ALL] = "SELECT s.id," SUB_COLS_REST "," STATE_COLS_REST ","
		       " d.type, d.body FROM subscriptions s"
		       " LEFT JOIN sub_state USING (id)"
		       " LEFT JOIN filter_docs d ON d.id = s.filter_doc"
		       " ORDER BY s.id",
	[ST_SUB_COUNT] = "SELECT count(*) FROM subscriptions",
	[ST_SUB_EXPIRE] = "DELETE FROM subscriptions WHERE id IN (SELECT id"
			  " FROM sub_state WHERE expires_at < ?1)",
	/* the index, whatever the statistics say (PRAGMA optimize at
	 * close may have seen one document: a scan is then planned) */
	[ST_DOC_FIND] = "SELECT id FROM filter_docs INDEXED BY"
			" filter_docs_hash WHERE hash = ?1"
			" AND type IS ?2 AND body = ?3",
	[ST_DOC_ADD] = "INSERT INTO filter_docs (hash, type, body)"
		       " VALUES (?1, ?2, ?3)",
	[ST_DOC_DROP] = "DELETE FROM filter_docs WHERE id = ?1 AND NOT EXISTS"
			" (SELECT 1 FROM subscriptions WHERE filter_doc = ?1)",
	[ST_DOC_GC] = "DELETE FROM filter_docs WHERE NOT EXISTS (SELECT 1"
		      " FROM subscriptions s WHERE s.filter_doc ="
		      " filter_docs.id)",
	[ST_PUB_PUT] =
		"INSERT INTO publications (target, etag, expires_at,"
		" content_type, body, received_at) VALUES (?1, ?2, ?3, ?4, ?5,"
		" ?6) ON CONFLICT (target, etag) DO UPDATE SET"
		" expires_at = ?3, content_type = ?4, body = ?5,"
		" received_at = ?6",
	[ST_PUB_DELETE] =
		"DELETE FROM publications WHERE target = ?1 AND etag = ?2",
	[ST_PUB_ALL] =
		"SELECT target, etag, expires_at, content_type, body,"
		" received_at FROM publications ORDER BY target, etag",
	[ST_PUB_EXPIRE] = "DELETE FROM publications WHERE expires_at < ?1",
	[ST_FIX_PUT] =
		"INSERT INTO fixes (target, lat, lon, alt, time, speed,"
		" source, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
		" ON CONFLICT (target) DO UPDATE SET lat = ?2, lon = ?3,"
		" alt = ?4, time = ?5, speed = ?6, source = ?7,"
		" received_at = ?8 WHERE ?5 >= fixes.time",
	[ST_FIX_GET] =
		"SELECT target, lat, lon, alt, time, speed, source,"
		" received_at FROM fixes WHERE target = ?1",
	[ST_FIX_ALL] =
		"SELECT target, lat, lon, alt, time, speed, source,"
		" received_at FROM fixes ORDER BY target",
	[ST_CNT_ADD] =
		"INSERT INTO counters (name, value) VALUES (?1, ?2)"
		" ON CONFLICT (name) DO UPDATE SET value = value + ?2"
		" RETURNING value",
	[ST_CNT_GET] = "SELECT value FROM counters WHERE name = ?1",
};

struct locd_store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_N];
	unsigned depth; /* begin/commit nesting */
	int version;
	int64_t seed;   /* store_meta.seed: the document hash's */
	char msg[ERRMSG_MAX];
};

static int errno_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return 0;
	case SQLITE_NOMEM:
		return ENOMEM;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EBUSY;
	case SQLITE_READONLY:
		return EROFS;
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return EACCES;
	case SQLITE_CANTOPEN:
		return EACCES;
	case SQLITE_FULL:
		return ENOSPC;
	case SQLITE_TOOBIG:
		return EOVERFLOW;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return EINVAL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_FORMAT:
		return EBADMSG;
	default:
		return EIO;
	}
}

static void msg_set(struct locd_store *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void msg_set(struct locd_store *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->msg, sizeof(st->msg), fmt, ap);
	va_end(ap);
}

/* Record SQLite's reason for rc during what; return its errno. */
static int fail(struct locd_store *st, int rc, const char *what)
{
	msg_set(st, "store: %s: %s", what, st->db ? sqlite3_errmsg(st->db)
						  : sqlite3_errstr(rc));
	return errno_of(rc) ? errno_of(rc) : EIO;
}

const char *locd_store_errmsg(const struct locd_store *st)
{
	return st ? st->msg : "store: not open";
}

int locd_store_version(const struct locd_store *st)
{
	return st ? st->version : 0;
}

const char *locd_store_sync_name(enum locd_store_sync s)
{
	switch (s) {
	case LOCD_STORE_SYNC_OFF:
		return "off";
	case LOCD_STORE_SYNC_NORMAL:
		return "normal";
	case LOCD_STORE_SYNC_FULL:
		return "full";
	case LOCD_STORE_SYNC_EXTRA:
		return "extra";
	}
	return "?";
}

/* Bind helpers: NULL strings and empty blobs become SQL NULL. */
static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
	size_t n;

	if (!v)
		return sqlite3_bind_null(s, i) == SQLITE_OK ? 0 : EIO;
	n = strlen(v);
	if (n > LOCD_STORE_BLOB_MAX)
		return EOVERFLOW;
	return sqlite3_bind_text(s, i, v, (int)n, SQLITE_STATIC) == SQLITE_OK
		       ? 0
		       : EIO;
}

static int bind_blob(sqlite3_stmt *s, int i, const struct locd_store_blob *b)
{
	if (b->len == 0)
		return sqlite3_bind_null(s, i) == SQLITE_OK ? 0 : EIO;
	if (!b->data)
		return EINVAL;
	if (b->len > LOCD_STORE_BLOB_MAX)
		return EOVERFLOW;
	return sqlite3_bind_blob(s, i, b->data, (int)b->len, SQLITE_STATIC) ==
			       SQLITE_OK
		       ? 0
		       : EIO;
}

static int bind_i64(sqlite3_stmt *s, int i, int64_t v)
{
	return sqlite3_bind_int64(s, i, v) == SQLITE_OK ? 0 : EIO;
}

static int bind_dbl(sqlite3_stmt *s, int i, double v)
{
	return sqlite3_bind_double(s, i, v) == SQLITE_OK ? 0 : EIO;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

static struct locd_store_blob col_blob(sqlite3_stmt *s, int i)
{
	struct locd_store_blob b;

	b.data = sqlite3_column_blob(s, i);
	b.len = b.data ? (size_t)sqlite3_column_bytes(s, i) : 0;
	return b;
}

/* Step a statement that returns no rows; reset it. */
static int run(struct locd_store *st, enum stmt_id id, const char *what)
{
	sqlite3_stmt *s = st->st[id];
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = fail(st, rc, what);
		sqlite3_reset(s);
		return rc;
	}
	sqlite3_reset(s);
	return 0;
}

/* A bind failure: reset the statement and say which. */
static int bind_fail(struct locd_store *st, enum stmt_id id, int rc,
		     const char *what)
{
	sqlite3_reset(st->st[id]);
	sqlite3_clear_bindings(st->st[id]);
	if (rc == EOVERFLOW)
		msg_set(st, "store: %s: value longer than %d bytes", what,
			LOCD_STORE_BLOB_MAX);
	else if (rc == EINVAL)
		msg_set(st, "store: %s: blob without data", what);
	else
		msg_set(st, "store: %s: cannot bind a value", what);
	return rc;
}

/* Run one constant SQL text (DDL, pragmas) outside the statement cache. */
static int exec(struct locd_store *st, const char *sql, const char *what)
{
	char *e = NULL;
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, &e);

	if (rc != SQLITE_OK) {
		msg_set(st, "store: %s: %s", what,
			e ? e : sqlite3_errstr(rc));
		sqlite3_free(e);
		return errno_of(rc) ? errno_of(rc) : EIO;
	}
	return 0;
}

/* Read a one-integer query's 64-bit value. */
static int pragma_int64(struct locd_store *st, const char *sql, int64_t *out)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int64(s, 0);
			rc = SQLITE_OK;
		} else if (rc == SQLITE_DONE) {
			msg_set(st, "store: %s: no row", sql);
			sqlite3_finalize(s);
			return EBADMSG;
		}
	}
	if (rc != SQLITE_OK) {
		rc = fail(st, rc, sql);
		sqlite3_finalize(s);
		return rc;
	}
	sqlite3_finalize(s);
	return 0;
}

/* Read a one-integer pragma such as user_version. */
static int pragma_int(struct locd_store *st, const char *sql, int *out)
{
	int64_t v;
	int rc = pragma_int64(st, sql, &v);

	if (!rc)
		*out = (int)v;
	return rc;
}

static int wal_enable(struct locd_store *st)
{
	sqlite3_stmt *s = NULL;
	const char *mode;
	int rc = sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1,
				    &s, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		mode = (const char *)sqlite3_column_text(s, 0);
		rc = (mode && strcmp(mode, "wal") == 0) ? SQLITE_OK
							: SQLITE_ERROR;
		if (rc != SQLITE_OK) {
			msg_set(st, "store: cannot switch to WAL (mode %s)",
				mode ? mode : "?");
			sqlite3_finalize(s);
			return EIO;
		}
	}
	if (rc != SQLITE_OK)
		rc = fail(st, rc, "journal_mode");
	sqlite3_finalize(s);
	return rc;
}

/*
 * The document hash (filter_docs.hash): 64 bits over the type (or a
 * marker for none) and the body, seeded by the database's
 * store_meta.seed, so the same document hashes alike in SQL (the 2 -> 3
 * migration) and here. It only narrows the search: documents are
 * compared exactly. Not cryptographic; the random seed keeps colliding
 * bodies from being chosen without reading the database.
 */
#define DH_P1 0x9e3779b185ebca87ull
#define DH_P2 0xc2b2ae3d27d4eb4full

static uint64_t dh_bytes(uint64_t h, const unsigned char *p, size_t n)
{
	uint64_t w;
	size_t i;

	for (; n >= 8; p += 8, n -= 8) {
		for (w = 0, i = 0; i < 8; i++)
			w |= (uint64_t)p[i] << (8 * i);
		h ^= w * DH_P2;
		h = ((h << 31) | (h >> 33)) * DH_P1;
	}
	for (; n; p++, n--) {
		h ^= *p * DH_P1;
		h = ((h << 11) | (h >> 53)) * DH_P2;
	}
	return h;
}

static int64_t doc_hash(int64_t seed, const char *type, const void *body,
			size_t len)
{
	uint64_t h = (uint64_t)seed ^ DH_P1;

	if (type)
		h = dh_bytes(h, (const unsigned char *)type, strlen(type));
	h = dh_bytes(h, (const unsigned char *)(type ? "\1" : "\2"), 1);
	h = dh_bytes(h ^ (uint64_t)len, body, len);
	h ^= h >> 33;
	h *= DH_P2;
	h ^= h >> 29;
	return (int64_t)h;
}

/* SQL locd_doc_hash(seed, type, body), for the migration. */
static void sql_doc_hash(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	const char *type;
	const void *body;
	size_t len;

	(void)argc;
	type = (const char *)sqlite3_value_text(v[1]);
	body = sqlite3_value_blob(v[2]);
	len = body ? (size_t)sqlite3_value_bytes(v[2]) : 0;
	sqlite3_result_int64(cx, doc_hash(sqlite3_value_int64(v[0]), type,
					  body, len));
}

/*
 * After the 2 -> 3 step rebuilt the subscriptions of an existing store,
 * the old rows' pages are free but still in the file (1,000,000 rows:
 * 1.36 GB of 1.87 GB): VACUUM gives them back once. Best effort: it
 * needs free disk space as large as the store; on failure the free
 * pages just wait to be reused.
 */
static void shrink_after_rebuild(struct locd_store *st)
{
	int nfree = 0, npages = 0;

	if (pragma_int(st, "PRAGMA freelist_count", &nfree) ||
	    pragma_int(st, "PRAGMA page_count", &npages))
		return;
	if (nfree > 256 && nfree > npages / 4)
		(void)exec(st, "VACUUM", "vacuum");
}

static int migrate(struct locd_store *st)
{
	int v = 0, from, rc;

	rc = pragma_int(st, "PRAGMA user_version", &v);
	if (rc)
		return rc;
	if (v > LOCD_STORE_VERSION) {
		msg_set(st,
			"store: database schema version %d is newer than "
			"this locd's (%d); use a newer locd",
			v, LOCD_STORE_VERSION);
		return EPROTO;
	}
	if (v < 0) {
		msg_set(st, "store: bad schema version %d", v);
		return EBADMSG;
	}
	if (v < LOCD_STORE_VERSION &&
	    sqlite3_create_function_v2(st->db, "locd_doc_hash", 3,
				       SQLITE_UTF8 | SQLITE_DETERMINISTIC |
					       SQLITE_DIRECTONLY,
				       NULL, sql_doc_hash, NULL, NULL,
				       NULL) != SQLITE_OK)
		return fail(st, SQLITE_ERROR, "locd_doc_hash");
	for (from = v; v < LOCD_STORE_VERSION; v++) {
		rc = exec(st, "BEGIN IMMEDIATE", "migration");
		if (rc)
			return rc;
		rc = exec(st, steps[v], "migration");
		if (rc) {
			char keep[ERRMSG_MAX];

			memcpy(keep, st->msg, sizeof(keep));
			(void)exec(st, "ROLLBACK", "migration");
			memcpy(st->msg, keep, sizeof(keep));
			return rc;
		}
		rc = exec(st, "COMMIT", "migration");
		if (rc)
			return rc;
	}
	st->version = v;
	if (from > 0 && from < 3)
		shrink_after_rebuild(st);
	return pragma_int64(st, "SELECT seed FROM store_meta", &st->seed);
}

static int settings(struct locd_store *st, const struct locd_store_opts *o)
{
	static const char *const sync_sql[] = {
		[LOCD_STORE_SYNC_OFF] = "PRAGMA synchronous = OFF",
		[LOCD_STORE_SYNC_NORMAL] = "PRAGMA synchronous = NORMAL",
		[LOCD_STORE_SYNC_FULL] = "PRAGMA synchronous = FULL",
		[LOCD_STORE_SYNC_EXTRA] = "PRAGMA synchronous = EXTRA",
	};
	int rc;

	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, o->busy_timeout_ms
					     ? (int)o->busy_timeout_ms
					     : BUSY_TIMEOUT_DEFAULT);
	if ((rc = wal_enable(st)) != 0)
		return rc;
	if ((rc = exec(st, sync_sql[o->sync], "synchronous")) != 0)
		return rc;
	/* the WAL file shrinks back to this after a checkpoint */
	if ((rc = exec(st, "PRAGMA journal_size_limit = 67108864",
		       "journal_size_limit")) != 0)
		return rc;
	return exec(st, "PRAGMA foreign_keys = ON", "foreign_keys");
}

static int prepare_all(struct locd_store *st)
{
	int i, rc;

	for (i = 0; i < ST_N; i++) {
		rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1,
					SQLITE_PREPARE_PERSISTENT, &st->st[i],
					NULL);
		if (rc != SQLITE_OK)
			return fail(st, rc, "prepare");
	}
	return 0;
}

static void store_free(struct locd_store *st)
{
	int i;

	for (i = 0; i < ST_N; i++)
		sqlite3_finalize(st->st[i]);
	sqlite3_close(st->db);
	free(st);
}

/* Create the directory holding path, if any. */
static int parent_dir(struct locd_store *st, const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;
	int rc;

	if (!slash || slash == path)
		return 0;
	n = (size_t)(slash - path);
	if (n >= sizeof(dir)) {
		msg_set(st, "store: path too long");
		return ENAMETOOLONG;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	rc = locd_dir_ensure(dir);
	if (rc)
		msg_set(st, "store: cannot create %.200s: %s", dir,
			strerror(rc));
	return rc;
}

/*
 * Positions are personal data: create a new database file 0600 before
 * SQLite opens it (an empty file is a valid empty database); SQLite gives
 * its -wal and -shm files the mode of the database file.
 */
static int file_private(struct locd_store *st, const char *path)
{
	int fd, rc;

	if (strcmp(path, ":memory:") == 0)
		return 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	rc = errno;
	msg_set(st, "store: cannot create %.200s: %s", path, strerror(rc));
	return rc;
}

int locd_store_open(struct locd_store **stp,
		    const struct locd_store_opts *opts, char *errmsg,
		    size_t errmsg_sz)
{
	struct locd_store *st;
	int rc;

	if (!stp || !opts || !opts->path || !*opts->path ||
	    (unsigned)opts->sync > LOCD_STORE_SYNC_EXTRA) {
		if (errmsg && errmsg_sz)
			snprintf(errmsg, errmsg_sz, "store: bad arguments");
		return EINVAL;
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		if (errmsg && errmsg_sz)
			snprintf(errmsg, errmsg_sz, "store: out of memory");
		return ENOMEM;
	}
	rc = parent_dir(st, opts->path);
	if (rc)
		goto out;
	rc = file_private(st, opts->path);
	if (rc)
		goto out;
	rc = sqlite3_open_v2(opts->path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
				     SQLITE_OPEN_NOMUTEX,
			     NULL);
	if (rc != SQLITE_OK) {
		rc = fail(st, rc, opts->path);
		goto out;
	}
	if ((rc = settings(st, opts)) != 0 || (rc = migrate(st)) != 0 ||
	    (rc = prepare_all(st)) != 0 ||
	    (rc = run(st, ST_DOC_GC, "filter document sweep")) != 0)
		goto out;
	msg_set(st, "store: ok");
	*stp = st;
	return 0;
out:
	if (errmsg && errmsg_sz)
		snprintf(errmsg, errmsg_sz, "%s", st->msg);
	store_free(st);
	return rc;
}

void locd_store_close(struct locd_store *st)
{
	if (!st)
		return;
	if (st->depth)
		(void)run(st, ST_ROLLBACK, "rollback");
	(void)exec(st, "PRAGMA optimize", "optimize");
	store_free(st);
}

int locd_store_begin(struct locd_store *st)
{
	int rc;

	if (!st)
		return EINVAL;
	if (st->depth == 0 && (rc = run(st, ST_BEGIN, "begin")) != 0)
		return rc;
	st->depth++;
	return 0;
}

int locd_store_commit(struct locd_store *st)
{
	int rc;

	if (!st || st->depth == 0)
		return EINVAL;
	if (st->depth > 1) {
		st->depth--;
		return 0;
	}
	rc = run(st, ST_COMMIT, "commit");
	/* a failed COMMIT may leave the transaction open for a rollback */
	if (!rc || sqlite3_get_autocommit(st->db))
		st->depth = 0;
	return rc;
}

int locd_store_rollback(struct locd_store *st)
{
	int rc;

	if (!st || st->depth == 0)
		return EINVAL;
	st->depth = 0;
	if (sqlite3_get_autocommit(st->db))
		return 0; /* SQLite already rolled back */
	rc = run(st, ST_ROLLBACK, "rollback");
	return rc;
}

static int sub_bind(sqlite3_stmt *s, const struct locd_store_sub *u,
		    int64_t doc)
{
	int rc;

	if (u->id)
		rc = bind_i64(s, SC_ID + 1, u->id);
	else
		rc = sqlite3_bind_null(s, SC_ID + 1) == SQLITE_OK ? 0 : EIO;
#define T(col, f)                                                             \
	if (!rc)                                                              \
		rc = bind_text(s, col + 1, u->f)
#define I(col, v)                                                             \
	if (!rc)                                                              \
		rc = bind_i64(s, col + 1, v)
#define DB(col, f)                                                            \
	if (!rc)                                                              \
		rc = bind_dbl(s, col + 1, u->f)
	T(SC_TARGET, target);
	T(SC_SUBSCRIBER, subscriber);
	T(SC_PACKAGE, package);
	T(SC_EVENT_ID, event_id);
	I(SC_MODE, u->mode);
	T(SC_CALL_ID, call_id);
	T(SC_LOCAL_TAG, local_tag);
	T(SC_REMOTE_TAG, remote_tag);
	T(SC_LOCAL_URI, local_uri);
	T(SC_REMOTE_URI, remote_uri);
	T(SC_REMOTE_TARGET, remote_target);
	T(SC_ROUTE_SET, route_set);
	I(SC_SECURE, u->secure ? 1 : 0);
	I(SC_TRANSPORT, u->transport);
	T(SC_PEER, peer);
	if (!rc)
		rc = bind_blob(s, SC_FLOW_TOKEN + 1, &u->flow_token);
	if (!rc)
		rc = doc ? bind_i64(s, SC_FILTER_DOC + 1, doc)
			 : (sqlite3_bind_null(s, SC_FILTER_DOC + 1) == SQLITE_OK
				    ? 0
				    : EIO);
	DB(SC_MAX_RATE, max_rate);
	DB(SC_MIN_RATE, min_rate);
	DB(SC_ADAPTIVE_MIN_RATE, adaptive_min_rate);
	I(SC_CREATED, u->created);
#undef T
#undef I
#undef DB
	return rc;
}

/* The sub_state row of u (id ?1 bound by the caller's u->id). */
static int state_bind(sqlite3_stmt *s, const struct locd_store_sub *u)
{
	int rc = bind_i64(s, 1, u->id);

#define SB(col) (col - SC_STATE + 2)
	if (!rc)
		rc = bind_i64(s, SB(SC_LOCAL_CSEQ), u->local_cseq);
	if (!rc)
		rc = bind_i64(s, SB(SC_REMOTE_CSEQ), u->remote_cseq);
	if (!rc)
		rc = bind_blob(s, SB(SC_EVAL_STATE), &u->eval_state);
	if (!rc)
		rc = bind_blob(s, SB(SC_SCHED_STATE), &u->sched_state);
	if (!rc)
		rc = bind_i64(s, SB(SC_EXPIRES_AT), u->expires_at);
	if (!rc)
		rc = bind_i64(s, SB(SC_UPDATED), u->updated);
#undef SB
	return rc;
}

/* Bind (hash, type, body) as ?1 to ?3 of ST_DOC_FIND or ST_DOC_ADD. */
static int doc_bind(struct locd_store *st, enum stmt_id id, int64_t h,
		    const char *type, const struct locd_store_blob *body)
{
	sqlite3_stmt *s = st->st[id];
	int rc = bind_i64(s, 1, h);

	if (!rc)
		rc = bind_text(s, 2, type);
	if (!rc)
		rc = bind_blob(s, 3, body);
	return rc ? bind_fail(st, id, rc, "filter document") : 0;
}

/*
 * The id of the stored document (type, body), added when new (*added).
 * 0 for no body.
 */
static int doc_ref(struct locd_store *st, const char *type,
		   const struct locd_store_blob *body, int64_t *id,
		   bool *added)
{
	sqlite3_stmt *s;
	int64_t h;
	int rc;

	*id = 0;
	*added = false;
	if (!body->len)
		return 0;
	if (!body->data)
		return bind_fail(st, ST_DOC_FIND, EINVAL, "filter document");
	if (body->len > LOCD_STORE_BLOB_MAX)
		return bind_fail(st, ST_DOC_FIND, EOVERFLOW,
				 "filter document");
	h = doc_hash(st->seed, type, body->data, body->len);
	s = st->st[ST_DOC_FIND];
	rc = doc_bind(st, ST_DOC_FIND, h, type, body);
	if (rc)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return fail(st, rc, "filter document find");
	rc = doc_bind(st, ST_DOC_ADD, h, type, body);
	if (rc)
		return rc;
	rc = run(st, ST_DOC_ADD, "filter document add");
	if (rc)
		return rc;
	*id = sqlite3_last_insert_rowid(st->db);
	*added = true;
	return 0;
}

/* Leave a transaction opened by locd_store_begin after a failure: the
 * outermost is rolled back, an inner one just closed. */
static void txn_abort(struct locd_store *st)
{
	if (st->depth == 1)
		(void)locd_store_rollback(st);
	else if (st->depth)
		st->depth--;
}

int locd_store_sub_upsert(struct locd_store *st, struct locd_store_sub *sub)
{
	char keep[ERRMSG_MAX];
	bool added;
	int64_t doc;
	int rc;

	if (!st || !sub || !sub->target || !sub->package || sub->id < 0)
		return EINVAL;
	/* the document and the row together */
	rc = locd_store_begin(st);
	if (rc)
		return rc;
	rc = doc_ref(st, sub->filter_type, &sub->filter_body, &doc, &added);
	/* both rows bound before either is written: a bad value writes
	 * neither */
	if (!rc && (rc = sub_bind(st->st[ST_SUB_UPSERT], sub, doc)) != 0)
		rc = bind_fail(st, ST_SUB_UPSERT, rc, "subscription");
	if (!rc && (rc = state_bind(st->st[ST_STATE_UPSERT], sub)) != 0) {
		sqlite3_clear_bindings(st->st[ST_SUB_UPSERT]);
		rc = bind_fail(st, ST_STATE_UPSERT, rc, "subscription");
	}
	if (!rc) {
		rc = run(st, ST_SUB_UPSERT, "subscription upsert");
		if (rc)
			sqlite3_clear_bindings(st->st[ST_STATE_UPSERT]);
	}
	if (!rc) {
		int64_t id = sub->id ? sub->id
				     : sqlite3_last_insert_rowid(st->db);

		rc = bind_i64(st->st[ST_STATE_UPSERT], 1, id);
		if (rc)
			rc = bind_fail(st, ST_STATE_UPSERT, rc,
				       "subscription");
		else
			rc = run(st, ST_STATE_UPSERT, "subscription state");
		if (!rc)
			sub->id = id;
	}
	if (rc) {
		/* inside a caller's transaction: no orphan left behind */
		if (added && st->depth > 1 &&
		    !bind_i64(st->st[ST_DOC_DROP], 1, doc)) {
			memcpy(keep, st->msg, sizeof(keep));
			(void)run(st, ST_DOC_DROP, "filter document drop");
			memcpy(st->msg, keep, sizeof(keep));
		}
		txn_abort(st);
		return rc;
	}
	sub->filter_doc = doc;
	return locd_store_commit(st);
}

int locd_store_sub_update(struct locd_store *st,
			  const struct locd_store_sub_state *u)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !u || u->id <= 0)
		return EINVAL;
	s = st->st[ST_SUB_UPDATE];
	rc = bind_i64(s, 1, u->id);
	if (!rc)
		rc = bind_i64(s, 2, u->local_cseq);
	if (!rc)
		rc = bind_i64(s, 3, u->remote_cseq);
	if (!rc)
		rc = bind_blob(s, 4, &u->eval_state);
	if (!rc)
		rc = bind_blob(s, 5, &u->sched_state);
	if (!rc)
		rc = bind_i64(s, 6, u->updated);
	if (rc)
		return bind_fail(st, ST_SUB_UPDATE, rc, "subscription update");
	rc = run(st, ST_SUB_UPDATE, "subscription update");
	if (!rc && sqlite3_changes(st->db) == 0) {
		msg_set(st, "store: no subscription %lld", (long long)u->id);
		return ENOENT;
	}
	if (rc)
		return rc;
	s = st->st[ST_SUB_EXPIRY];
	rc = bind_i64(s, 1, u->id);
	if (!rc)
		rc = bind_i64(s, 2, u->expires_at);
	if (rc)
		return bind_fail(st, ST_SUB_EXPIRY, rc, "subscription expiry");
	return run(st, ST_SUB_EXPIRY, "subscription expiry");
}

int locd_store_sub_delete(struct locd_store *st, int64_t id)
{
	int rc;

	if (!st || id <= 0)
		return EINVAL;
	rc = bind_i64(st->st[ST_SUB_DELETE], 1, id);
	if (rc)
		return bind_fail(st, ST_SUB_DELETE, rc, "subscription delete");
	rc = run(st, ST_SUB_DELETE, "subscription delete");
	if (!rc && sqlite3_changes(st->db) == 0) {
		msg_set(st, "store: no subscription %lld", (long long)id);
		return ENOENT;
	}
	return rc;
}

static void sub_row(sqlite3_stmt *s, struct locd_store_sub *u)
{
	u->id = sqlite3_column_int64(s, SC_ID);
	u->target = col_text(s, SC_TARGET);
	u->subscriber = col_text(s, SC_SUBSCRIBER);
	u->package = col_text(s, SC_PACKAGE);
	u->event_id = col_text(s, SC_EVENT_ID);
	u->mode = sqlite3_column_int(s, SC_MODE);
	u->call_id = col_text(s, SC_CALL_ID);
	u->local_tag = col_text(s, SC_LOCAL_TAG);
	u->remote_tag = col_text(s, SC_REMOTE_TAG);
	u->local_uri = col_text(s, SC_LOCAL_URI);
	u->remote_uri = col_text(s, SC_REMOTE_URI);
	u->remote_target = col_text(s, SC_REMOTE_TARGET);
	u->route_set = col_text(s, SC_ROUTE_SET);
	u->local_cseq = (uint32_t)sqlite3_column_int64(s, SC_LOCAL_CSEQ);
	u->remote_cseq = (uint32_t)sqlite3_column_int64(s, SC_REMOTE_CSEQ);
	u->secure = sqlite3_column_int(s, SC_SECURE) != 0;
	u->transport = sqlite3_column_int(s, SC_TRANSPORT);
	u->peer = col_text(s, SC_PEER);
	u->flow_token = col_blob(s, SC_FLOW_TOKEN);
	u->filter_doc = sqlite3_column_int64(s, SC_FILTER_DOC);
	u->filter_type = col_text(s, SC_DOC_TYPE);
	u->filter_body = col_blob(s, SC_DOC_BODY);
	u->eval_state = col_blob(s, SC_EVAL_STATE);
	u->sched_state = col_blob(s, SC_SCHED_STATE);
	u->max_rate = sqlite3_column_double(s, SC_MAX_RATE);
	u->min_rate = sqlite3_column_double(s, SC_MIN_RATE);
	u->adaptive_min_rate = sqlite3_column_double(s, SC_ADAPTIVE_MIN_RATE);
	u->expires_at = sqlite3_column_int64(s, SC_EXPIRES_AT);
	u->created = sqlite3_column_int64(s, SC_CREATED);
	u->updated = sqlite3_column_int64(s, SC_UPDATED);
}

/* Step a SELECT, turning each row into a callback through conv. */
typedef int (row_h)(sqlite3_stmt *s, void *h, void *arg);

static int scan(struct locd_store *st, enum stmt_id id, row_h *conv,
		void *h, void *arg, const char *what)
{
	sqlite3_stmt *s = st->st[id];
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int hr = conv(s, h, arg);

		if (hr) {
			sqlite3_reset(s);
			return hr;
		}
	}
	if (rc != SQLITE_DONE)
		rc = fail(st, rc, what);
	else
		rc = 0;
	sqlite3_reset(s);
	return rc;
}

static int sub_conv(sqlite3_stmt *s, void *h, void *arg)
{
	struct locd_store_sub u;

	sub_row(s, &u);
	return ((locd_store_sub_h *)h)(&u, arg);
}

int locd_store_sub_load_all(struct locd_store *st, locd_store_sub_h *h,
			    void *arg)
{
	if (!st || !h)
		return EINVAL;
	return scan(st, ST_SUB_ALL, sub_conv, (void *)h, arg,
		    "subscription load");
}

int locd_store_sub_count(struct locd_store *st, uint64_t *n)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !n)
		return EINVAL;
	s = st->st[ST_SUB_COUNT];
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = (uint64_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : fail(st, rc, "subscription count");
}

int locd_store_pub_put(struct locd_store *st,
		       const struct locd_store_pub *pub)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !pub || !pub->target || !pub->etag)
		return EINVAL;
	s = st->st[ST_PUB_PUT];
	rc = bind_text(s, 1, pub->target);
	if (!rc)
		rc = bind_text(s, 2, pub->etag);
	if (!rc)
		rc = bind_i64(s, 3, pub->expires_at);
	if (!rc)
		rc = bind_text(s, 4, pub->content_type);
	if (!rc)
		rc = bind_blob(s, 5, &pub->body);
	if (!rc)
		rc = bind_dbl(s, 6, pub->received_at);
	if (rc)
		return bind_fail(st, ST_PUB_PUT, rc, "publication");
	return run(st, ST_PUB_PUT, "publication put");
}

int locd_store_pub_delete(struct locd_store *st, const char *target,
			  const char *etag)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !target || !etag)
		return EINVAL;
	s = st->st[ST_PUB_DELETE];
	rc = bind_text(s, 1, target);
	if (!rc)
		rc = bind_text(s, 2, etag);
	if (rc)
		return bind_fail(st, ST_PUB_DELETE, rc, "publication delete");
	rc = run(st, ST_PUB_DELETE, "publication delete");
	if (!rc && sqlite3_changes(st->db) == 0) {
		msg_set(st, "store: no such publication");
		return ENOENT;
	}
	return rc;
}

static int pub_conv(sqlite3_stmt *s, void *h, void *arg)
{
	struct locd_store_pub p;

	p.target = col_text(s, 0);
	p.etag = col_text(s, 1);
	p.expires_at = sqlite3_column_int64(s, 2);
	p.content_type = col_text(s, 3);
	p.body = col_blob(s, 4);
	p.received_at = sqlite3_column_double(s, 5);
	return ((locd_store_pub_h *)h)(&p, arg);
}

int locd_store_pub_load_all(struct locd_store *st, locd_store_pub_h *h,
			    void *arg)
{
	if (!st || !h)
		return EINVAL;
	return scan(st, ST_PUB_ALL, pub_conv, (void *)h, arg,
		    "publication load");
}

static int expire(struct locd_store *st, enum stmt_id id, int64_t now,
		  uint64_t *count)
{
	int rc = bind_i64(st->st[id], 1, now);

	if (rc)
		return bind_fail(st, id, rc, "expire");
	rc = run(st, id, "expire");
	if (!rc && count)
		*count = (uint64_t)sqlite3_changes64(st->db);
	return rc;
}

int locd_store_pub_expire(struct locd_store *st, int64_t now,
			  uint64_t *count)
{
	if (!st)
		return EINVAL;
	return expire(st, ST_PUB_EXPIRE, now, count);
}

int locd_store_delete_expired(struct locd_store *st, int64_t now,
			      uint64_t *subs, uint64_t *pubs)
{
	int rc;

	if (!st)
		return EINVAL;
	rc = locd_store_begin(st);
	if (rc)
		return rc;
	rc = expire(st, ST_SUB_EXPIRE, now, subs);
	if (!rc)
		rc = expire(st, ST_PUB_EXPIRE, now, pubs);
	if (rc) {
		txn_abort(st);
		return rc;
	}
	return locd_store_commit(st);
}

int locd_store_fix_put(struct locd_store *st,
		       const struct locd_store_fix *fix)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !fix || !fix->target)
		return EINVAL;
	if (!memchr(fix->source, '\0', sizeof(fix->source))) {
		msg_set(st, "store: fix source not terminated");
		return EOVERFLOW;
	}
	s = st->st[ST_FIX_PUT];
	rc = bind_text(s, 1, fix->target);
	if (!rc)
		rc = bind_dbl(s, 2, fix->lat);
	if (!rc)
		rc = bind_dbl(s, 3, fix->lon);
	if (!rc)
		rc = fix->has_alt ? bind_dbl(s, 4, fix->alt)
				  : (sqlite3_bind_null(s, 4) ? EIO : 0);
	if (!rc)
		rc = bind_dbl(s, 5, fix->time);
	if (!rc)
		rc = fix->has_speed ? bind_dbl(s, 6, fix->speed)
				    : (sqlite3_bind_null(s, 6) ? EIO : 0);
	if (!rc)
		rc = bind_text(s, 7, fix->source);
	if (!rc)
		rc = bind_dbl(s, 8, fix->received_at);
	if (rc)
		return bind_fail(st, ST_FIX_PUT, rc, "fix");
	rc = run(st, ST_FIX_PUT, "fix put");
	if (!rc && sqlite3_changes(st->db) == 0) {
		msg_set(st, "store: a newer fix is stored");
		return ESTALE;
	}
	return rc;
}

static void fix_row(sqlite3_stmt *s, struct locd_store_fix *f)
{
	const char *src = col_text(s, 6);

	f->lat = sqlite3_column_double(s, 1);
	f->lon = sqlite3_column_double(s, 2);
	f->has_alt = sqlite3_column_type(s, 3) != SQLITE_NULL;
	f->alt = f->has_alt ? sqlite3_column_double(s, 3) : 0;
	f->time = sqlite3_column_double(s, 4);
	f->has_speed = sqlite3_column_type(s, 5) != SQLITE_NULL;
	f->speed = f->has_speed ? sqlite3_column_double(s, 5) : 0;
	snprintf(f->source, sizeof(f->source), "%s", src ? src : "");
	f->received_at = sqlite3_column_double(s, 7);
}

int locd_store_fix_get(struct locd_store *st, const char *target,
		       struct locd_store_fix *fix)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !target || !fix)
		return EINVAL;
	s = st->st[ST_FIX_GET];
	rc = bind_text(s, 1, target);
	if (rc)
		return bind_fail(st, ST_FIX_GET, rc, "fix get");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		fix_row(s, fix);
		fix->target = target;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		msg_set(st, "store: no fix for that target");
		return ENOENT;
	}
	return rc == SQLITE_ROW ? 0 : fail(st, rc, "fix get");
}

static int fix_conv(sqlite3_stmt *s, void *h, void *arg)
{
	struct locd_store_fix f;

	fix_row(s, &f);
	f.target = col_text(s, 0);
	return ((locd_store_fix_h *)h)(&f, arg);
}

int locd_store_fix_load_all(struct locd_store *st, locd_store_fix_h *h,
			    void *arg)
{
	if (!st || !h)
		return EINVAL;
	return scan(st, ST_FIX_ALL, fix_conv, (void *)h, arg, "fix load");
}

int locd_store_counter_add(struct locd_store *st, const char *name,
			   int64_t delta, int64_t *value)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !name)
		return EINVAL;
	s = st->st[ST_CNT_ADD];
	rc = bind_text(s, 1, name);
	if (!rc)
		rc = bind_i64(s, 2, delta);
	if (rc)
		return bind_fail(st, ST_CNT_ADD, rc, "counter");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && value)
		*value = sqlite3_column_int64(s, 0);
	if (rc == SQLITE_ROW)
		rc = sqlite3_step(s); /* finish the statement */
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? 0 : fail(st, rc, "counter add");
}

int locd_store_counter_get(struct locd_store *st, const char *name,
			   int64_t *value)
{
	sqlite3_stmt *s;
	int rc;

	if (!st || !name || !value)
		return EINVAL;
	s = st->st[ST_CNT_GET];
	rc = bind_text(s, 1, name);
	if (rc)
		return bind_fail(st, ST_CNT_GET, rc, "counter");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_DONE) {
		msg_set(st, "store: no such counter");
		return ENOENT;
	}
	return rc == SQLITE_ROW ? 0 : fail(st, rc, "counter get");
}
