/*
 * store.h: locd's persistent state in SQLite: subscriptions (with their
 * dialog state and the caller's opaque filter/scheduler blobs),
 * publications (RFC 3903), the last fix per target, and counters.
 *
 * One connection per struct locd_store, used from the daemon's loop
 * thread only. The database runs in WAL mode with foreign keys on and a
 * busy timeout; every statement is prepared once and values are bound,
 * never formatted into SQL. The schema is versioned (PRAGMA user_version)
 * and migrated forward on open, each step in a transaction; a database
 * written by a newer locd is refused. With synchronous=NORMAL (the
 * default) a killed process loses nothing committed; only a power loss
 * can drop the last transactions.
 *
 * Writes outside locd_store_begin/commit each commit on their own; the
 * daemon groups one loop iteration's writes in one begin/commit pair.
 * Structs passed in are read during the call only. Structs passed to
 * load callbacks point into SQLite's row buffers: valid during that
 * callback only; copy what must outlive it. Times are UNIX seconds.
 * Blobs and strings above LOCD_STORE_BLOB_MAX are refused (EOVERFLOW).
 * Errors are errno values; locd_store_errmsg() gives a one-line reason.
 */
#ifndef LOCD_STORE_H
#define LOCD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOCD_STORE_VERSION 3              /* schema written by this code */
#define LOCD_STORE_BLOB_MAX (1024 * 1024) /* per string or blob */
#define LOCD_STORE_SOURCE_MAX 64          /* fix source, with NUL */

enum locd_store_sync {
	LOCD_STORE_SYNC_OFF = 0,
	LOCD_STORE_SYNC_NORMAL,
	LOCD_STORE_SYNC_FULL,
	LOCD_STORE_SYNC_EXTRA,
};

struct locd_store;

/* An opaque byte string (may contain NUL bytes; NULL when len is 0). */
struct locd_store_blob {
	const void *data;
	size_t len;
};

/*
 * One subscription. Strings may be NULL (stored as SQL NULL, loaded back
 * as NULL). mode and transport are the caller's enumerations, stored as
 * given.
 */
struct locd_store_sub {
	int64_t id;             /* 0 on upsert: assign a new one */
	const char *target;     /* target AOR (required) */
	const char *subscriber; /* subscriber AOR */
	const char *package;    /* "location" or "presence" (required) */
	const char *event_id;   /* Event id parameter, or NULL */
	int mode;               /* caller's mode (draft / RFC 6447) */
	/* dialog */
	const char *call_id;
	const char *local_tag;
	const char *remote_tag;
	const char *local_uri;
	const char *remote_uri;
	const char *remote_target;
	const char *route_set;  /* one route per line */
	uint32_t local_cseq;
	uint32_t remote_cseq;
	bool secure;
	/* where the subscriber is reached */
	int transport;
	const char *peer;       /* "address:port" */
	struct locd_store_blob flow_token;
	/*
	 * Filter document: stored once per distinct (filter_type,
	 * filter_body) in its own table and referenced by the row (issue 6:
	 * the per-NOTIFY update does not rewrite it; a million rows with one
	 * body store it once). filter_doc is that document's id: set by
	 * upsert (0: no body) and on load, where rows with equal ids have
	 * equal documents (a restore parses each id once); ignored as an
	 * input. A document no row references any more is deleted with its
	 * last row (and any left over at open).
	 */
	const char *filter_type;
	struct locd_store_blob filter_body;
	int64_t filter_doc;
	/* opaque caller state */
	struct locd_store_blob eval_state;
	struct locd_store_blob sched_state;
	/* negotiated RFC 6446 rates, per second; 0 = none */
	double max_rate;
	double min_rate;
	double adaptive_min_rate;
	int64_t expires_at;
	int64_t created;
	int64_t updated;
};

/*
 * What changes on every NOTIFY: the cheap update. It writes the
 * subscription's state row only (schema 3: sub_state, ~300 bytes), not
 * its dialog row or filter document. expires_at is written
 * only when it differs from the stored one by more than
 * LOCD_STORE_EXPIRY_SLACK seconds (a refresh), not for the +-1 s a
 * caller's wall clock + remaining seconds jitters by, so its index is
 * not rewritten on every NOTIFY (issue 6): a stored expiry is at most
 * that far from the last one given.
 */
#define LOCD_STORE_EXPIRY_SLACK 1
struct locd_store_sub_state {
	int64_t id;
	uint32_t local_cseq;
	uint32_t remote_cseq;
	struct locd_store_blob eval_state;
	struct locd_store_blob sched_state;
	int64_t expires_at;
	int64_t updated;
};

/* One publication (RFC 3903), keyed by target and ETag. */
struct locd_store_pub {
	const char *target;      /* required */
	const char *etag;        /* required */
	int64_t expires_at;
	const char *content_type;
	struct locd_store_blob body;
	double received_at;
};

/* The newest fix of a target. */
struct locd_store_fix {
	const char *target;      /* required */
	double lat, lon;         /* degrees, WGS 84 */
	double alt;              /* metres, when has_alt */
	bool has_alt;
	double time;             /* fix time */
	double speed;            /* m/s, when has_speed */
	bool has_speed;
	char source[LOCD_STORE_SOURCE_MAX]; /* "publish", "http", ... */
	double received_at;
};

/*
 * Row callbacks for the load-all functions: non-zero stops the scan and
 * becomes the load function's return value. A callback must not write to
 * the store (collect, then write after the scan).
 */
typedef int (locd_store_sub_h)(const struct locd_store_sub *sub, void *arg);
typedef int (locd_store_pub_h)(const struct locd_store_pub *pub, void *arg);
typedef int (locd_store_fix_h)(const struct locd_store_fix *fix, void *arg);

struct locd_store_opts {
	const char *path;          /* database file (required) */
	enum locd_store_sync sync; /* LOCD_STORE_SYNC_NORMAL */
	unsigned busy_timeout_ms;  /* 0: 5000 */
};

/*
 * Open (creating if needed: the file 0600, parent directories 0700) and
 * migrate. On
 * error *stp is untouched and errmsg (if not NULL, errmsg_sz bytes) says
 * why. Errors: EINVAL, EPROTO (schema newer than LOCD_STORE_VERSION),
 * EBADMSG (not a database or corrupt), EACCES/EROFS/ENOSPC, EIO, ENOMEM.
 */
int locd_store_open(struct locd_store **stp,
		    const struct locd_store_opts *opts, char *errmsg,
		    size_t errmsg_sz) __attribute__((warn_unused_result));

/* Close; an open transaction is rolled back. NULL is accepted. */
void locd_store_close(struct locd_store *st);

/* The reason for the last error of st (never NULL). */
const char *locd_store_errmsg(const struct locd_store *st);

/* Schema version of the open database (LOCD_STORE_VERSION). */
int locd_store_version(const struct locd_store *st);

/*
 * Group writes. begin/commit nest (only the outermost commit commits);
 * rollback undoes the whole outermost transaction. EINVAL on commit or
 * rollback without begin.
 */
int locd_store_begin(struct locd_store *st)
	__attribute__((warn_unused_result));
int locd_store_commit(struct locd_store *st)
	__attribute__((warn_unused_result));
int locd_store_rollback(struct locd_store *st);

/*
 * Insert or replace by id; id 0 assigns one and writes it to sub->id;
 * sub->filter_doc is set to the document's id. The document and the row
 * are written in one transaction (the caller's, when one is open).
 */
int locd_store_sub_upsert(struct locd_store *st, struct locd_store_sub *sub)
	__attribute__((warn_unused_result));

/* The per-NOTIFY update. ENOENT when no such subscription. */
int locd_store_sub_update(struct locd_store *st,
			  const struct locd_store_sub_state *u)
	__attribute__((warn_unused_result));

/* ENOENT when no such subscription. */
int locd_store_sub_delete(struct locd_store *st, int64_t id)
	__attribute__((warn_unused_result));

/* Stream every subscription, in id order, through h. */
int locd_store_sub_load_all(struct locd_store *st, locd_store_sub_h *h,
			    void *arg) __attribute__((warn_unused_result));

/* Number of stored subscriptions. */
int locd_store_sub_count(struct locd_store *st, uint64_t *n)
	__attribute__((warn_unused_result));

/* Insert or replace by (target, etag). */
int locd_store_pub_put(struct locd_store *st,
		       const struct locd_store_pub *pub)
	__attribute__((warn_unused_result));

/* ENOENT when no such publication. */
int locd_store_pub_delete(struct locd_store *st, const char *target,
			  const char *etag)
	__attribute__((warn_unused_result));

/* Stream every publication through h. */
int locd_store_pub_load_all(struct locd_store *st, locd_store_pub_h *h,
			    void *arg) __attribute__((warn_unused_result));

/* Delete publications with expires_at < now; count (may be NULL). */
int locd_store_pub_expire(struct locd_store *st, int64_t now,
			  uint64_t *count) __attribute__((warn_unused_result));

/*
 * Keep fix as its target's last fix, unless the stored one has a later
 * time: then nothing changes and ESTALE is returned. EOVERFLOW when
 * source does not fit (no NUL within LOCD_STORE_SOURCE_MAX).
 */
int locd_store_fix_put(struct locd_store *st,
		       const struct locd_store_fix *fix)
	__attribute__((warn_unused_result));

/* Fill *fix (target is set to the argument). ENOENT when none. */
int locd_store_fix_get(struct locd_store *st, const char *target,
		       struct locd_store_fix *fix)
	__attribute__((warn_unused_result));

/* Stream every last fix through h. */
int locd_store_fix_load_all(struct locd_store *st, locd_store_fix_h *h,
			    void *arg) __attribute__((warn_unused_result));

/*
 * Delete subscriptions and publications with expires_at < now; counts
 * (each may be NULL).
 */
int locd_store_delete_expired(struct locd_store *st, int64_t now,
			      uint64_t *subs, uint64_t *pubs)
	__attribute__((warn_unused_result));

/* Counters (e.g. NOTIFYs sent, a persistent ETag sequence). */
int locd_store_counter_add(struct locd_store *st, const char *name,
			   int64_t delta, int64_t *value)
	__attribute__((warn_unused_result));
int locd_store_counter_get(struct locd_store *st, const char *name,
			   int64_t *value) __attribute__((warn_unused_result));

const char *locd_store_sync_name(enum locd_store_sync s);

#endif
