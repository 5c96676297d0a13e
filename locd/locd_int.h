/*
 * locd_int.h: private to the daemon's files (daemon.c, sipio.c,
 * package.c, notifier.c, ingest.c, target.c, persist.c).
 *
 * Objects: struct locd (one per process) holds the contexts; a struct
 * locd_target per AOR holds the current fix and the subscriptions
 * watching it; a struct locd_lsub per subscription holds the filter,
 * its evaluation state (lf_state), its schedule (lf_sched), one timer
 * armed at lf_sched_due, and the policy decision for its subscriber.
 * Times: `now` in the stack's milliseconds (monotonic) for SIP and the
 * schedule (seconds = ms / 1000); fixes and the store in UNIX seconds.
 */
#ifndef LOCD_LOCD_INT_H
#define LOCD_LOCD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filters/lf.h"
#include "filters/lf_sched.h"
#include "geo/geo.h"
#include "locd/config.h"
#include "locd/http.h"
#include "locd/locd.h"
#include "locd/metrics.h"
#include "locd/policy.h"
#include "locd/store.h"
#include "locd/users.h"
#include "pidf/pidf.h"
#include "sip/sip_auth.h"
#include "sip/sip_event.h"
#include "sip/sip_stack.h"

#define LOCD_ETAG_MAX 64

/*
 * Added to each dialog's stored local CSeq on restore (issue 5 item 7):
 * the CSeq reaches the store at the end of the loop iteration that sent
 * the NOTIFY, so after a kill -9 in that window the stored value may lag
 * what the subscriber saw.  RFC 3261 12.2.1.1 only asks for a larger
 * CSeq, so a jump is fine; 1,000 covers far more NOTIFYs than one
 * iteration sends to one dialog.  Saturates below 2^31 (RFC 3261 8.1.1.5).
 */
#define LOCD_RESTORE_CSEQ_BUMP 1000u
#define LOCD_CSEQ_LIMIT 0x7fffffffu

/* A position as locd keeps it (a point; the fix's time and speed). */
struct locd_pos {
	struct geo_point pt;
	double time;        /* UNIX s of the fix */
	double speed;       /* m/s when has_speed */
	double heading;     /* degrees from north when has_heading */
	bool has_speed;
	bool has_heading;
	/* a civic address only (PIDF-LO without a geodetic shape, issue 5
	 * item 5): pt is meaningless, containment undefined, movement
	 * never fires; the address is in the publication's locd_loc */
	bool civic_only;
};

struct locd_lsub;

/*
 * A published location beyond its point (issue 5 item 5): the parsed
 * PIDF-LO whose doc->loc gives the shape, confidence and civic address.
 * Shared, counted: held by its publication, by the target while it is
 * the current location, and by each subscription that evaluated a
 * precise view of it.  struct locd_pos keeps the representative point
 * (RFC 7459 5.1.1) for movement, coarsening and the store.
 */
struct locd_loc {
	unsigned refs;
	struct pidf_doc *doc;       /* owned */
};

/* Wrap doc (taken, also on failure); NULL on ENOMEM. */
struct locd_loc *locd_loc_new(struct pidf_doc *doc);
struct locd_loc *locd_loc_hold(struct locd_loc *l);  /* NULL is fine */
void locd_loc_drop(struct locd_loc *l);              /* NULL is fine */
/* *slot = l (held), the previous one dropped. */
void locd_loc_set(struct locd_loc **slot, struct locd_loc *l);

/* One live publication's position. */
struct locd_pub {
	struct locd_pub *next;
	char etag[LOCD_ETAG_MAX];
	struct locd_pos pos;
	struct locd_loc *loc;       /* its shape etc.; NULL: the point */
	uint64_t seq;               /* arrival order */
};

struct locd_target {
	struct locd_target *next;   /* hash chain */
	char *aor;                  /* sip:user@domain */
	bool has_fix;
	struct locd_pos fix;        /* current location (newest, Q-31) */
	struct locd_loc *loc;       /* its shape etc.; NULL: the point */
	/* sources of the current location: live publications and the
	 * newest other fix (HTTP, or the one restored from the store) */
	struct locd_pub *pubs;
	bool has_other;
	struct locd_pos other;
	uint64_t other_seq;
	struct locd_lsub *subs;     /* watching subscriptions */
	bool queued;                /* in the evaluation queue */
	struct locd_target *qnext;
	/* recency list: least recently updated first (issue 5 item 6) */
	struct locd_target *lru_prev, *lru_next;
};

struct locd_targets {
	struct locd_target **tab;
	size_t nb, n;
	struct locd_target *lru_old, *lru_new;
	size_t max;                 /* cap (ingest.max_targets); 0: none */
};

/*
 * The filter documents of a subscription whose filter in force is a
 * merge of several (RFC 6447 filter changes, EV-10): parsing doc[0] and
 * merging doc[1..n-1] in order rebuilds it (persisted).  One allocation
 * (the struct, then the bodies, each NUL-terminated).  A subscription
 * whose filter is one parsed filter keeps none: lf_filter_source() gives
 * its body.
 */
struct locd_fdocs {
	size_t n;                          /* 2..LOCD_FILTER_DOCS_MAX */
	const char *doc[LOCD_FILTER_DOCS_MAX];
	size_t len[LOCD_FILTER_DOCS_MAX];
};

/*
 * Containment positions of the newest evaluation, packed: 2 bits per
 * feature (enum geo_position), feature i at bits 2i..2i+1.
 */
_Static_assert(LF_FEATURES_MAX * 2 <= 64, "positions fit a uint64_t");
_Static_assert(GEO_POS_OUTSIDE < 4, "a position fits 2 bits");

/*
 * One subscription of the location package (either form).  Sized by use
 * (issue 6): one per live subscription, up to subscribe.max_subscriptions
 * (1,000,000 by default); fixed-size arrays stay out of it.  The filter
 * is shared with every subscription of an identical body (d->fcache);
 * the Call-ID is the dialog's (locd_lsub_callid).
 */
struct locd_lsub {
	struct locd *d;
	struct sip_sub *sub;
	struct locd_target *tgt;
	struct locd_lsub *prev, *next;     /* in tgt->subs */
	struct locd_lsub *dnext;           /* dirty list */
	char *subscriber;                  /* AOR, NULL: anonymous */
	/* filter in force (a held reference) and, when it is a merge, the
	 * documents that made it (NULL: lf_filter_source); persisted with
	 * the mode's content type (locd_lsub_ctype) */
	struct lf_filter *filter;
	struct locd_fdocs *docs;
	struct lf_state *st;
	struct locd_loc *vloc;             /* shape of view (precise) */
	int64_t store_id;                  /* persistence; 0: none yet */
	struct lf_sched sched;
	struct sip_timer timer;
	struct locd_policy_decision dec;
	/* newest evaluation: view, and the containment per feature of the
	 * filter (lf_filter_nfeatures), packed 2 bits each */
	struct locd_pos view;              /* authorised view evaluated */
	uint64_t cont;
	/* what the last NOTIFY carried (the trigger reference) */
	struct locd_pos sent;
	uint32_t hidden;                   /* features it may not see */
	uint32_t last_changed;
	enum lf_mode mode;
	bool secure;                       /* subscribed over TLS */
	bool located;                      /* a geodetic view is allowed */
	bool have_eval;
	bool have_sent;
	bool resync;                       /* full state next time */
	bool dirty, need_upsert;           /* persistence */
	uint8_t nretry;                    /* NOTIFYs not sent in a row */
};

struct locd_sipio;

struct locd {
	const struct locd_config *cfg;
	const struct locd_log *log;
	const struct locd_hooks *hooks; /* tests, NULL */
	struct event_base *base;
	struct geo_ctx *geo;
	struct geo_catalog *catalog;
	struct lf_opts lfo;
	/* filter interning: made at start, freed after every subscription */
	struct lf_cache *fcache;
	struct locd_users *users;
	struct sip_auth *auth;
	struct locd_policy *policy;
	struct locd_store *store;
	struct locd_metrics *metrics;
	struct locd_metrics_std std;
	struct locd_metric *targets_evicted; /* issue 5 item 6 */
	struct locd_devices *devices;
	struct locd_http *http;
	struct sip_stack *st;
	struct locd_sipio *io;
	struct pidf_builder *pb;
	struct locd_targets targets;
	/* the request being handled (set around sip_notifier_subscribe
	 * and sip_esc_publish): who sent it, over TLS or not */
	const char *cur_user;
	bool cur_secure;
	const struct sip_pl *cur_callid;
	/* loop-iteration work: targets to evaluate, subs to persist */
	struct sip_timer work;
	struct locd_target *queue;
	struct locd_lsub *dirty;
	uint64_t retrans_seen;
	uint64_t arrivals;         /* sequence of positions received */
	double mono_to_wall;       /* wall s = mono s + this */
	void *pkg_args[2];         /* package callback args */
	char warnbuf[PIDF_WARN_MAX];
	/* a SUBSCRIBE refusal's Warning text: the stack copies it after
	 * the package callback returns, so it may not live on its stack */
	char pkgwarn[LF_WARN_MAX];
	struct locd_http_addr haddrs[LOCD_HTTP_ADDRS_MAX];
	char ebuf[LOCD_AOR_MAX + 160]; /* the document without location */
	bool draining;
	/* NOTIFY failures logged in second nlog_sec, and not (notifier.c) */
	uint64_t nlog_sec;
	unsigned nlog_n;
	uint64_t nlog_dropped;
	/* Q-24 global token bucket (notify.global_rate; issue 5 item 9) */
	double bucket_tokens;
	double bucket_at;          /* monotonic s of the last refill */
	struct locd_metric *global_limited;
};

/* --- daemon.c */
/*
 * Subscriptions evaluated per run of the work timer, whole targets at a
 * time (issue 6): a restart queues every restored target at once (up to
 * 1,000,000 subscriptions); in batches the loop polls its sockets (SIP,
 * /healthz) between them, and the NOTIFYs they trigger fall due batch
 * by batch instead of all at one instant.  The rest runs 1 ms later.
 */
#define LOCD_EVAL_BATCH 4096
double locd_wall(void);
double locd_now_s(const struct locd *d);    /* monotonic seconds */
uint64_t locd_now_ms(const struct locd *d);
/* Run the work timer at the end of this loop iteration. */
void locd_kick(struct locd *d);
/* "sip:user@domain" for a URI's user part into out. 0, EINVAL. */
int locd_aor_of(const struct locd *d, const struct sip_uri *uri, char *out,
		size_t sz) __attribute__((warn_unused_result));

/* --- sipio.c: the notifier and the ESC on the stack, with Digest. */
int locd_sipio_alloc(struct locd *d) __attribute__((warn_unused_result));
void locd_sipio_free(struct locd *d);
struct sip_notifier *locd_sipio_notifier(const struct locd *d);
struct sip_esc *locd_sipio_esc(const struct locd *d);
/* Re-arm the notifier/ESC expiry timer. */
void locd_sipio_rearm(struct locd *d);

/* --- target.c */
void locd_targets_init(struct locd_targets *t);
void locd_targets_reset(struct locd_targets *t);
/*
 * Find (create when asked) the target for aor; with create it also
 * becomes the most recently used.  At the cap (targets.max) a new target
 * first evicts the least recently used one without subscriptions,
 * publications or pending evaluation (counted in targets_evicted).
 * 0, ENOENT, ENOSPC (at the cap and every target in use), ENOMEM.
 */
int locd_target_get(struct locd *d, const char *aor, bool create,
		    struct locd_target **tp)
	__attribute__((warn_unused_result));
/*
 * the current location is the newest by location time among live
 * publications and the other fix (ties: the later arrival).  Recompute
 * it; true when it changed (then store and evaluate it).
 */
bool locd_target_current(struct locd_target *t);
/* Publications: add (or replace old_etag by) etag at p with loc (held;
 * may be NULL); rename; remove. 0 or ENOMEM. */
int locd_target_pub_put(struct locd *d, struct locd_target *t,
			const char *old_etag, const char *etag,
			const struct locd_pos *p, struct locd_loc *loc)
	__attribute__((warn_unused_result));
void locd_target_pub_rename(struct locd_target *t, const char *old_etag,
			    const char *etag);
void locd_target_pub_del(struct locd_target *t, const char *etag);
/* The publication etag of t, NULL when unknown. */
struct locd_pub *locd_target_pub(struct locd_target *t, const char *etag);
void locd_target_link(struct locd_target *t, struct locd_lsub *ls);
void locd_target_unlink(struct locd_lsub *ls);
/* Queue t for evaluation at the end of this loop iteration. */
void locd_target_queue(struct locd *d, struct locd_target *t);

/* --- package.c: the event package callbacks. */
int locd_package_register(struct locd *d)
	__attribute__((warn_unused_result));
/* Policy, hidden features and rates for ls (at subscribe and restore);
 * returns the SIP refusal (403) or 0. */
uint16_t locd_package_authorize(struct locd_lsub *ls);
/*
 * The filter of docs[0..ndocs-1] (each through d->fcache: identical
 * bodies share one filter; the first parsed, the rest merged in order),
 * labelled ctype; every one must be of mode's form (EPROTONOSUPPORT).
 * *fp gets a held reference.  0 or an errno with *le.
 */
int locd_package_filter_build(struct locd *d, enum lf_mode mode,
			      const char *ctype, const char *const *docs,
			      const size_t *docl, size_t ndocs,
			      struct lf_filter **fp, struct lf_err *le)
	__attribute__((warn_unused_result));
void locd_lsub_free(struct locd_lsub *ls);
/* ls's Call-ID for log lines: its dialog's, "-" without one. */
const char *locd_lsub_callid(const struct locd_lsub *ls);
/* The content type of ls's filter documents (static, by mode). */
const char *locd_lsub_ctype(const struct locd_lsub *ls);
/* The i-th filter document of ls (i < locd_lsub_ndocs). */
size_t locd_lsub_ndocs(const struct locd_lsub *ls);
const char *locd_lsub_doc(const struct locd_lsub *ls, size_t i,
			  size_t *len);
/*
 * A locd_fdocs holding docs[0..n-1] (copied), for a merged filter; NULL
 * on ENOMEM or n outside 2..LOCD_FILTER_DOCS_MAX.  free() it.
 */
struct locd_fdocs *locd_fdocs_new(const char *const *docs,
				  const size_t *len, size_t n);
/* Schedule configuration for a mode and the agreed rates. */
void locd_package_sched_cfg(const struct locd *d, enum lf_mode mode,
			    const struct sip_rates *r, double remaining,
			    struct lf_sched_cfg *cfg, struct sip_rates *out);

/* --- notifier.c */
/* Evaluate the target's current fix for ls (latch, arm the timer). */
void locd_notifier_update(struct locd_lsub *ls, double now);
/* Build the NOTIFY body for ls's current state into the builder (or the
 * empty presence document); *all: every feature. Records the send
 * (schedule, trigger reference).  Returns 0 or an errno. */
int locd_notifier_body(struct locd_lsub *ls, bool all, double now,
		       const char **body, size_t *len);
/* Arm ls's timer at lf_sched_due (cancel when nothing is due). */
void locd_notifier_arm(struct locd_lsub *ls);
/* After a restart: make sent (an authorised view; have false: a NOTIFY
 * without location) the trigger reference again. */
void locd_notifier_restore_ref(struct locd_lsub *ls, bool have,
			       const struct locd_pos *sent);
/* Fill the Q-24 global bucket (at start). */
void locd_notifier_bucket_init(struct locd *d);
/* Record the outcome of a NOTIFY (resync on failure). */
void locd_notifier_result(struct locd_lsub *ls, int err, uint16_t scode);

/* --- ingest.c */
/*
 * A new position for aor from source: checked (finite, in range, not
 * ahead of the clock by max_future_skew_s, newer than the current fix),
 * stored as the last fix, queued for evaluation.  Returns 0, ERANGE
 * (out of range / future: *why), EALREADY / ESTALE (not newer), ENOMEM
 * or a store error; *why and *reason are set on refusal.
 */
/* Plausibility alone (finite, in range, not in the future). */
int locd_ingest_check(struct locd *d, const struct locd_pos *p,
		      enum locd_refuse *why, const char **reason)
	__attribute__((warn_unused_result));
int locd_ingest_pos(struct locd *d, const char *aor,
		    const struct locd_pos *p, enum locd_source src,
		    enum locd_refuse *why, const char **reason)
	__attribute__((warn_unused_result));
int locd_ingest_register(struct locd *d)
	__attribute__((warn_unused_result));
int locd_ingest_http_start(struct locd *d)
	__attribute__((warn_unused_result));

/* --- persist.c */
void locd_persist_mark(struct locd_lsub *ls, bool full);
void locd_persist_forget(struct locd_lsub *ls);
/* Write every marked subscription in one transaction. */
void locd_persist_flush(struct locd *d);
/* After start: publications, fixes, then subscriptions. */
int locd_persist_restore(struct locd *d)
	__attribute__((warn_unused_result));
int locd_persist_pub(struct locd *d, const struct sip_pub_event *ev,
		     const char *aor) __attribute__((warn_unused_result));
int locd_persist_fix(struct locd *d, const char *aor,
		     const struct locd_pos *p, enum locd_source src)
	__attribute__((warn_unused_result));
/* The local CSeq a restored dialog continues from (stored + bump). */
uint32_t locd_persist_cseq_bump(uint32_t stored);
/* Serialise / restore a schedule with its times moved to wall clock. */
void locd_sched_to_wall(const struct lf_sched *in, double shift,
			struct lf_sched *out);
/*
 * The eval state (the last sent view) as a blob of *len bytes in buf (sz
 * >= 52 always fits; EOVERFLOW otherwise): version 2, binary ("v2b", a
 * flags byte, six little-endian doubles); parse also reads the version 1
 * text rows of older stores ("v1 0", "v1 1 lat lon ...").  Parse: 0 or
 * EBADMSG (malformed, or a point or time out of range).
 */
int locd_evalstate_print(const struct locd_lsub *ls, char *buf, size_t sz,
			 size_t *len) __attribute__((warn_unused_result));
int locd_evalstate_parse(const char *s, size_t len, bool *have,
			 struct locd_pos *p)
	__attribute__((warn_unused_result));

#endif
