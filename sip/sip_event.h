/*
 * sip_event.h: SIP-specific event notification (RFC 6665) and event
 * state publication (RFC 3903), both sides.
 *
 * What it does: the notifier keeps subscriptions (dialogs from
 * sip/sip_dialog.h) and answers SUBSCRIBE (Expires negotiation, 423, 489,
 * 481, fetch, refresh, unsubscribe; never 202, EV-14), sends NOTIFY with
 * Subscription-State (expires=, reason=, RFC 6446 rate echo, EV-21,
 * RC-7), ends subscriptions on expiry or on a NOTIFY failure (EV-24);
 * the subscriber and publisher sides serve the tools; the ESC
 * (pub.c) answers PUBLISH (SIP-ETag, SIP-If-Match, 412, 423, 489).
 * What it does not do: bodies (bytes plus a content type; packages such
 * as locd's location package build and judge them), authorization
 * policy, transports. Every state machine is pure: time is an argument
 * (`now`, milliseconds of the stack's clock), responses go out through a
 * reply callback and requests through a send callback taking the
 * sip/sip_stack.h descriptors, so tests drive them with a fake clock and
 * a fake sender; sip/event_stack.c wires them to a struct sip_stack.
 * Ownership: notifier, subscriptions, ESC, subscriber and publisher are
 * heap objects of this module; callbacks get views valid during the call.
 * A struct sip_sub stays valid from its accept callback until its close
 * callback returns (later NOTIFY results for it are handled internally);
 * one the package refuses, only during the accept callback.
 * Threads: single-threaded, like the stack; no global state.
 * Limits: subscriptions and publications (conf, 503 beyond), Event id and
 * ETag lengths, NOTIFY body SIP_EVT_BODY_MAX.  No request, restore or
 * expiry walks every subscription or publication: hash tables (dialog
 * Call-ID and local tag; entity-tag; entity) grown with the count, and
 * min-heaps of expiry times (issue 6: 1,000,000 subscriptions).
 * Errors: 0 or a positive errno (EINVAL, ENOMEM, ENOENT, EEXIST,
 * EOVERFLOW, EALREADY); SIP answers carry a one-line Warning where
 * helpful.
 */
#ifndef SIP_EVENT_H
#define SIP_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"
#include "sip/sip_auth.h"
#include "sip/sip_dialog.h"
#include "sip/sip_stack.h"

/* NOTIFY / PUBLISH body bytes we send (PIDF-LO is capped at 64 KiB). */
#define SIP_EVT_BODY_MAX 65536u
/* Event package names and Event id values, bytes. */
#define SIP_EVT_NAME_MAX 64u
#define SIP_EVT_ID_MAX 128u
/* Registered packages per notifier or ESC. */
#define SIP_EVT_PKGS_MAX 8u
/* Default subscription / publication caps (conf 0 gives these). */
#define SIP_EVT_SUBS_MAX 10000u
#define SIP_EVT_PUBS_MAX 10000u
#define SIP_EVT_PUBS_PER_ENTITY 16u

/*
 * Callbacks shared by all sides.  reply: answer the server transaction
 * txn (opaque, from the caller of sip_notifier_subscribe and friends);
 * exactly one final reply per request.  send: start a client transaction
 * for rd; the caller later reports its outcome to the object that sent
 * it (sip_sub_notify_result, sip_subscriber_response,
 * sip_publisher_response) with ctx passed back.  Return 0 or an errno.
 */
typedef int (sip_evt_reply_h)(void *txn, const struct sip_reply_desc *rd,
			      void *arg);
typedef int (sip_evt_send_h)(const struct sip_req_desc *rd, void *ctx,
			     void *arg);
/*
 * Tag maker for tests and fuzzing: write a fresh token (letters and
 * digits, NUL-ended, at most size - 1 bytes) into buf; return 0 or an
 * errno.  NULL in a conf: SIP_DIALOG_TAG_LEN random hex characters.
 */
typedef int (sip_evt_tag_h)(char *buf, size_t size, void *arg);

/* ------------------------------------------------------------------ */
/* Notifier side (sip/sub.c).                                          */

enum sip_sub_state {
	SIP_SUB_PENDING = 0,
	SIP_SUB_ACTIVE,
	SIP_SUB_TERMINATED
};

/* "pending", "active", "terminated"; "?" otherwise. */
const char *sip_sub_state_name(enum sip_sub_state st);

/*
 * Subscription-State reasons (RFC 6665 §4.1.3, RFC 4660 badfilter,
 * EV-22).  SIP_SUB_REASON_FAILED is local only (never sent): the NOTIFY
 * was answered with an EV-24 code or timed out.
 */
enum sip_sub_reason {
	SIP_SUB_REASON_NONE = 0,
	SIP_SUB_REASON_DEACTIVATED,
	SIP_SUB_REASON_PROBATION,
	SIP_SUB_REASON_REJECTED,
	SIP_SUB_REASON_TIMEOUT,
	SIP_SUB_REASON_GIVEUP,
	SIP_SUB_REASON_NORESOURCE,
	SIP_SUB_REASON_INVARIANT,
	SIP_SUB_REASON_BADFILTER,
	SIP_SUB_REASON_FAILED
};

/* "timeout", "badfilter", ...; "" for NONE, "?" out of range. */
const char *sip_sub_reason_name(enum sip_sub_reason r);

struct sip_sub;
struct sip_notifier;

/* What a package is asked to judge: a new, refreshing or fetch SUBSCRIBE. */
struct sip_sub_req {
	const struct sip_msg *msg;  /* the SUBSCRIBE */
	struct sip_pl ctype;        /* "type/subtype", empty without body */
	struct sip_pl body;         /* may be empty */
	struct sip_rates rates;     /* from Event (RFC 6446), 0 = absent */
	uint32_t expires;           /* what will be granted (seconds) */
	bool fetch;                 /* Expires 0 on a new dialog */
	bool refresh;               /* in-dialog SUBSCRIBE */
};

/* The package's answer, preset to 200 / active / current state. */
struct sip_sub_answer {
	uint16_t scode;             /* 200 (202 sent as 200), 403, 415,
				       488, 489, 603...; 1xx/3xx -> 500 */
	const char *warning;        /* optional Warning text (copied) */
	const char *accept;         /* 415: Accept value (copied) */
	bool pending;               /* 200, but Subscription-State pending */
	void *state;                /* package state for this subscription */
	struct sip_rates rates;     /* agreed rates, echoed (RC-7) */
};

/*
 * accept: judge req for sub (a new subscription not yet answered, or a
 * live one for a refresh) and fill ans; must not call sip_sub_* on sub.
 * body: the body of a NOTIFY the framework sends by itself (first NOTIFY,
 * after a refresh, the final one on unsubscribe, fetch or expiry with
 * reason TIMEOUT, or sip_sub_activate / sip_sub_terminate): append it to
 * body and set *ctype (copied at once); leave body empty for none.
 * Return 0 or an errno (the NOTIFY is then sent without body).  The
 * body callback must not call sip_sub_notify / _activate / _terminate.
 * close: the subscription ended (reason; scode is the NOTIFY response or
 * 408 that ended it, else 0); sub and state are the package's no more.
 * rates: the subscriber changed the rates in a 2xx to NOTIFY (RC-16);
 * may be NULL.
 */
typedef void (sip_sub_accept_h)(struct sip_sub *sub,
				const struct sip_sub_req *req,
				struct sip_sub_answer *ans, void *arg);
typedef int (sip_sub_body_h)(struct sip_sub *sub, void *state,
			     enum sip_sub_reason reason,
			     struct sip_buf *body, const char **ctype,
			     void *arg);
typedef void (sip_sub_close_h)(struct sip_sub *sub, void *state,
			       enum sip_sub_reason reason, uint16_t scode,
			       void *arg);
typedef void (sip_sub_rates_h)(struct sip_sub *sub, void *state,
			       const struct sip_rates *rates, void *arg);

/* An event package (copied by sip_notifier_pkg_add). */
struct sip_evt_pkg {
	const char *name;           /* "location", "presence", "x-test" */
	uint32_t expires_default;   /* no Expires header (EV-11: 3600) */
	uint32_t expires_min;       /* 423 below it, if also < 3600 */
	uint32_t expires_max;       /* granted at most (0: no cap) */
	sip_sub_accept_h *accepth;  /* required */
	sip_sub_body_h *bodyh;      /* required */
	sip_sub_close_h *closeh;    /* may be NULL */
	sip_sub_rates_h *ratesh;    /* may be NULL */
	void *arg;
};

struct sip_notifier_conf {
	size_t max_subs;            /* 0: SIP_EVT_SUBS_MAX; beyond: 503 */
	const char *contact_user;   /* NOTIFY Contact user (the stack adds
				       the Contact); NULL: none, sip:host */
	const char *warn_host;      /* Warning agent, NULL: "locd" */
	sip_evt_reply_h *replyh;    /* required */
	sip_evt_send_h *sendh;      /* required; ctx is the struct sip_sub */
	sip_evt_tag_h *tagh;        /* our To tags; NULL: random */
	void *arg;
};

/* Returns 0, EINVAL (no callbacks) or ENOMEM. */
int sip_notifier_alloc(struct sip_notifier **np,
		       const struct sip_notifier_conf *conf)
	__attribute__((warn_unused_result));
/* Free every subscription without callbacks or NOTIFYs; NULL is fine. */
void sip_notifier_free(struct sip_notifier *n);

/* Register a package. 0, EINVAL, EEXIST, EOVERFLOW (too many), ENOMEM. */
int sip_notifier_pkg_add(struct sip_notifier *n,
			 const struct sip_evt_pkg *pkg)
	__attribute__((warn_unused_result));

/*
 * Handle a SUBSCRIBE received on server transaction txn from flow (NULL:
 * unknown) at now; contact is our Contact URI for the 2xx (the address
 * the request reached).  Answers exactly once through replyh, then may
 * send NOTIFYs through sendh.  An in-dialog SUBSCRIBE must match a live
 * subscription by dialog, package and Event id (a new subscription
 * inside an existing dialog is not supported: 481).  Returns the status
 * answered: 200, 400
 * (bad Contact or From tag), 423 (with Min-Expires, EV-13), 481 (unknown
 * dialog, EV-26), 489 (with Allow-Events, EV-3), 500 (CSeq out of order
 * or a package error), 503 (max_subs), or the package's refusal.
 */
uint16_t sip_notifier_subscribe(struct sip_notifier *n, void *txn,
				const struct sip_msg *req,
				const struct sip_flow *flow,
				const char *contact, uint64_t now);

/* End expired subscriptions (final NOTIFY, reason timeout; EV-23). */
void sip_notifier_tick(struct sip_notifier *n, uint64_t now);
/* Earliest expiry (ms) among live subscriptions, UINT64_MAX for none. */
uint64_t sip_notifier_next_due(const struct sip_notifier *n);
/* Live (not yet terminated) subscriptions. */
size_t sip_notifier_count(const struct sip_notifier *n);

/*
 * Send a NOTIFY with the current state (pending or active, expires =
 * remaining seconds, agreed rates) and body (len 0: none; ctype required
 * with a body).  With a NOTIFY still in flight the request is queued,
 * replacing an older queued one (full state, RC-11).  Returns 0, EINVAL,
 * ENOENT (terminated), EOVERFLOW (body over SIP_EVT_BODY_MAX), ENOMEM or
 * the send callback's error.
 */
int sip_sub_notify(struct sip_sub *sub, const void *body, size_t len,
		   const char *ctype, uint64_t now)
	__attribute__((warn_unused_result));
/* pending -> active and a NOTIFY built by the package's body callback. */
int sip_sub_activate(struct sip_sub *sub, uint64_t now)
	__attribute__((warn_unused_result));
/*
 * End the subscription: final NOTIFY terminated;reason=..[;retry-after]
 * (body from the package), close callback.  0, EINVAL, ENOENT.
 */
int sip_sub_terminate(struct sip_sub *sub, enum sip_sub_reason reason,
		      uint32_t retry_after, uint64_t now)
	__attribute__((warn_unused_result));

/*
 * The outcome of a NOTIFY sent through sendh (ctx == sub): err 0 with
 * scode and resp, or err ETIMEDOUT (scode 408) or a transport errno
 * (scode 503).  2xx (202 as 200): fine, an Event with rates calls ratesh
 * (RC-16).  404, 405, 410, 416, 480-485, 489, 501, 604 or a timeout end
 * the subscription (EV-24, reason FAILED); other failures keep it.  Then
 * a queued NOTIFY goes out.  sub may be freed by this call.
 */
void sip_sub_notify_result(struct sip_sub *sub, int err, uint16_t scode,
			   const struct sip_msg *resp, uint64_t now);

/*
 * Persistence: what the daemon stores to resume a subscription after a
 * restart (plain fields; views into the subscription, valid while it
 * lives and is not changed).  remaining is whole seconds left at `now`
 * of the save; the daemon subtracts the wall time that passed.
 */
struct sip_sub_rec {
	struct sip_dialog_rec dlg;
	const char *event;          /* package name */
	const char *event_id;       /* NULL: none */
	enum sip_sub_state state;   /* pending or active */
	uint32_t remaining;
	struct sip_rates rates;
};

/* Fill rec for sub (live or not) at now.  0, EINVAL, ENOENT (ended). */
int sip_sub_save(const struct sip_sub *sub, uint64_t now,
		 struct sip_sub_rec *rec)
	__attribute__((warn_unused_result));
/*
 * Recreate a subscription from rec with package state pstate: it expires
 * rec->remaining seconds after now; no NOTIFY is sent (the package
 * resynchronises with sip_sub_notify; the next local CSeq continues from
 * the record).  *subp (optional) gets it.  Returns 0, EINVAL, ENOENT
 * (package not registered, or remaining 0), EEXIST (same dialog and
 * event already live), EOVERFLOW (max_subs or a field limit), ENOMEM.
 */
int sip_notifier_restore(struct sip_notifier *n,
			 const struct sip_sub_rec *rec, void *pstate,
			 uint64_t now, struct sip_sub **subp)
	__attribute__((warn_unused_result));

enum sip_sub_state sip_sub_state_get(const struct sip_sub *sub);
/* Whole seconds left (0 when terminated or past). */
uint32_t sip_sub_remaining(const struct sip_sub *sub, uint64_t now);
const struct sip_dialog *sip_sub_dialog(const struct sip_sub *sub);
const char *sip_sub_event(const struct sip_sub *sub);
void *sip_sub_pkg_state(const struct sip_sub *sub);
/*
 * RFC 6446 combination rules on r, for `remaining` seconds left (0:
 * unknown): min-rate above max-rate is lowered to it, adaptive-min-rate
 * too (RC-14); min-rate is dropped when it is not below
 * adaptive-min-rate (RC-14); max-rate is raised to 1/remaining when its
 * interval is longer than the time left (RC-9).  NOTIFYs echo rates
 * through this; a package should schedule with the same values.
 */
void sip_rates_normalize(struct sip_rates *r, uint32_t remaining);
/* Change the rates echoed in Subscription-State (RC-7). */
void sip_sub_rates_set(struct sip_sub *sub, const struct sip_rates *r);
const struct sip_rates *sip_sub_rates(const struct sip_sub *sub);

/* ------------------------------------------------------------------ */
/* Event state compositor: PUBLISH (sip/pub.c).                         */

/* What happened to a publication (sip_pub_h). */
enum sip_pub_op {
	SIP_PUB_NEW = 0,    /* initial PUBLISH with body */
	SIP_PUB_MODIFY,     /* SIP-If-Match and body */
	SIP_PUB_REFRESH,    /* SIP-If-Match, no body */
	SIP_PUB_REMOVE,     /* SIP-If-Match, Expires 0 */
	SIP_PUB_EXPIRE      /* not refreshed in time */
};

const char *sip_pub_op_name(enum sip_pub_op op);

struct sip_pub_event {
	enum sip_pub_op op;
	const char *entity;         /* the Request-URI as received */
	const char *event;          /* package name */
	const char *etag;           /* the tag now valid (NULL: none left) */
	const char *old_etag;       /* the tag replaced or removed */
	struct sip_pl ctype, body;  /* NEW, MODIFY */
	uint32_t expires;           /* seconds granted (0: removed) */
	const struct sip_msg *msg;  /* NULL for EXPIRE */
};

/*
 * The package sees every publication change.  For NEW and MODIFY it
 * decides before anything is stored (EV-33): return 200 to accept, or
 * 404 (unknown entity, EV-29), 415 (body type, EV-32), 488, 504...; with
 * *warning (optional, static or valid until the next call) for a
 * Warning.  For the other operations the return value is ignored and
 * warning is NULL.
 */
typedef uint16_t (sip_pub_h)(const struct sip_pub_event *ev,
			     const char **warning, void *arg);

struct sip_esc_pkg {
	const char *name;
	uint32_t expires_default;   /* no Expires (3903: package default) */
	uint32_t expires_min;       /* 423 + Min-Expires below it */
	uint32_t expires_max;       /* shortened to it (0: no cap) */
	const char *accept;         /* Accept value for 415 answers (copied,
				       up to 255 bytes), NULL: none */
	sip_pub_h *pubh;            /* required */
	void *arg;
};

struct sip_esc_conf {
	size_t max_pubs;            /* 0: SIP_EVT_PUBS_MAX; beyond: 503 */
	size_t max_per_entity;      /* 0: SIP_EVT_PUBS_PER_ENTITY */
	const char *warn_host;
	sip_evt_reply_h *replyh;    /* required */
	sip_evt_tag_h *tagh;        /* prefix of every entity-tag (then a
				       counter); NULL: random */
	void *arg;
};

struct sip_esc;

int sip_esc_alloc(struct sip_esc **ep, const struct sip_esc_conf *conf)
	__attribute__((warn_unused_result));
/* Free all publications without callbacks; NULL is fine. */
void sip_esc_free(struct sip_esc *e);
int sip_esc_pkg_add(struct sip_esc *e, const struct sip_esc_pkg *pkg)
	__attribute__((warn_unused_result));

/*
 * Handle a PUBLISH (RFC 3903 §6, LOCATION.md §5.3, EV-29..34): answers
 * once through replyh and returns the status: 200 (Expires and a fresh
 * SIP-ETag), 400 (several or malformed tags, or neither body nor tag),
 * 412 (unknown tag), 423 (Min-Expires), 489 (Allow-Events), 503 (over
 * the caps), 500, or the package's refusal.
 */
uint16_t sip_esc_publish(struct sip_esc *e, void *txn,
			 const struct sip_msg *req, uint64_t now);
/*
 * Persistence: the package sees every change (entity, event, etag,
 * expires) through its callback and may store them; after a restart it
 * gives each live one back here: the tag stays valid for `remaining`
 * seconds after now (no callback).  Returns 0, EINVAL (tag not a token,
 * CR or LF in entity), ENOENT (package not registered, remaining 0),
 * EEXIST (tag live), EOVERFLOW (caps, lengths), ENOMEM.
 */
int sip_esc_restore(struct sip_esc *e, const char *entity,
		    const char *event, const char *etag, uint32_t remaining,
		    uint64_t now) __attribute__((warn_unused_result));
/* Expire publications (SIP_PUB_EXPIRE). */
void sip_esc_tick(struct sip_esc *e, uint64_t now);
uint64_t sip_esc_next_due(const struct sip_esc *e);
size_t sip_esc_count(const struct sip_esc *e);

/* ------------------------------------------------------------------ */
/* Client sides for the tools: subscriber (sip/subscriber.c) and        */
/* publisher (sip/publisher.c).  Requests go out through sendh with ctx */
/* the subscriber or publisher; report each final outcome back to it.  */

/* What both client sides need to send a request outside a dialog. */
struct sip_evt_client_conf {
	const char *target;         /* Request-URI (and To): sip:a@1.2.3.4 */
	const char *from;           /* our address-of-record URI */
	const char *contact_user;   /* Contact user (the stack adds it) */
	const char *event;          /* package name */
	const char *user, *password; /* Digest (401/407), NULL: none */
	const char *const *routev;  /* pre-loaded route set, may be NULL */
	size_t routec;              /* at most SIP_DIALOG_ROUTE_MAX */
	uint32_t expires;           /* requested (0: package default 3600) */
	sip_evt_send_h *sendh;      /* required */
	sip_evt_reply_h *replyh;    /* subscriber: answers to NOTIFY */
	void *arg;
};

/* Subscriber. */
enum sip_subr_state {
	SIP_SUBR_IDLE = 0,          /* not started */
	SIP_SUBR_TRYING,            /* initial SUBSCRIBE sent */
	SIP_SUBR_PENDING,           /* dialog up, Subscription-State pending */
	SIP_SUBR_ACTIVE,
	SIP_SUBR_TERMINATED
};

const char *sip_subr_state_name(enum sip_subr_state st);

struct sip_subscriber;

/*
 * notify: a NOTIFY arrived (already answered 200): its state, reason
 * (may be empty), body and content type.  close: the subscription ended:
 * the NOTIFY's reason or SIP_SUB_REASON_FAILED with scode (the SUBSCRIBE
 * failure, 408 for a timeout, 481 for a lost dialog).  Neither callback
 * may free the subscriber (free it later, from the loop).
 */
typedef void (sip_subr_notify_h)(struct sip_subscriber *s,
				 enum sip_substate st,
				 const struct sip_pl *reason,
				 const struct sip_pl *ctype,
				 const struct sip_pl *body, void *arg);
typedef void (sip_subr_close_h)(struct sip_subscriber *s,
				enum sip_sub_reason reason, uint16_t scode,
				void *arg);

struct sip_subscriber_conf {
	struct sip_evt_client_conf c;
	const char *accept;          /* Accept value, NULL: none */
	const char *ctype;           /* filter body type, NULL: no body */
	const void *body;            /* copied */
	size_t body_len;
	struct sip_rates rates;      /* RFC 6446 params on Event */
	sip_subr_notify_h *notifyh;  /* may be NULL */
	sip_subr_close_h *closeh;    /* may be NULL */
	void *harg;
};

int sip_subscriber_alloc(struct sip_subscriber **sp,
			 const struct sip_subscriber_conf *conf)
	__attribute__((warn_unused_result));
/* NULL is fine; no callbacks. */
void sip_subscriber_free(struct sip_subscriber *s);

/* Send the initial SUBSCRIBE. 0, EALREADY (started), or sendh's error. */
int sip_subscriber_start(struct sip_subscriber *s, uint64_t now)
	__attribute__((warn_unused_result));
/*
 * Outcome of our last SUBSCRIBE: 2xx (202 too) sets up the dialog (from
 * the 2xx) and the refresh time; 423 retries with Min-Expires; 401/407
 * retry once per challenge with Digest (sip/sip_auth.h); 481 or any
 * failure of the initial SUBSCRIBE ends it; other refresh failures keep
 * the subscription until it expires (RFC 6665 §4.1.2.2).
 */
void sip_subscriber_response(struct sip_subscriber *s, int err,
			     uint16_t scode, const struct sip_msg *resp,
			     uint64_t now);
/* Whether req (a NOTIFY) is for s (Call-ID, our tag, Event). */
bool sip_subscriber_match(const struct sip_subscriber *s,
			  const struct sip_msg *req);
/*
 * Handle a NOTIFY (answered through replyh): 200, 481 when it is not for
 * s or the subscription is over, 400 without Subscription-State, 500 for
 * CSeq out of order.  Returns the status.
 */
uint16_t sip_subscriber_notify(struct sip_subscriber *s, void *txn,
			       const struct sip_msg *req, uint64_t now);
/* SUBSCRIBE Expires: 0 in the dialog. 0, ENOENT (no dialog), EALREADY. */
int sip_subscriber_unsubscribe(struct sip_subscriber *s, uint64_t now)
	__attribute__((warn_unused_result));
/* Refresh when due (ahead of expiry), end when expired. */
void sip_subscriber_tick(struct sip_subscriber *s, uint64_t now);
uint64_t sip_subscriber_next_due(const struct sip_subscriber *s);
enum sip_subr_state sip_subscriber_state(const struct sip_subscriber *s);
const struct sip_dialog *sip_subscriber_dialog(
	const struct sip_subscriber *s);

/* Publisher. */
struct sip_publisher;

/*
 * result: a PUBLISH finished: scode (200 with the tag now valid, or the
 * failure), etag NULL when none is held any more.  It may start the
 * next PUBLISH; it may not free the publisher.
 */
typedef void (sip_publisher_h)(struct sip_publisher *p, uint16_t scode,
			       const char *etag, void *arg);

struct sip_publisher_conf {
	struct sip_evt_client_conf c;
	sip_publisher_h *resulth;   /* may be NULL */
	void *harg;
};

int sip_publisher_alloc(struct sip_publisher **pp,
			const struct sip_publisher_conf *conf)
	__attribute__((warn_unused_result));
void sip_publisher_free(struct sip_publisher *p);

/*
 * Publish a body: initial (no tag yet) or modify (SIP-If-Match).  The
 * body is copied (kept to republish after a 412).  0, EINVAL, EOVERFLOW,
 * EBUSY (a PUBLISH is in flight), ENOMEM or sendh's error.
 */
int sip_publisher_publish(struct sip_publisher *p, const char *ctype,
			  const void *body, size_t len, uint64_t now)
	__attribute__((warn_unused_result));
/* Refresh (no body, SIP-If-Match). 0, ENOENT (no tag), EBUSY, ... */
int sip_publisher_refresh(struct sip_publisher *p, uint64_t now)
	__attribute__((warn_unused_result));
/* Remove (Expires 0, SIP-If-Match). 0, ENOENT, EBUSY, ... */
int sip_publisher_remove(struct sip_publisher *p, uint64_t now)
	__attribute__((warn_unused_result));
/*
 * Outcome of the PUBLISH in flight: 2xx keeps SIP-ETag and Expires; 412
 * republishes the kept body fresh (no tag); 423 retries with
 * Min-Expires; 401/407 retry with Digest.
 */
void sip_publisher_response(struct sip_publisher *p, int err,
			    uint16_t scode, const struct sip_msg *resp,
			    uint64_t now);
/* Refresh when due. */
void sip_publisher_tick(struct sip_publisher *p, uint64_t now);
uint64_t sip_publisher_next_due(const struct sip_publisher *p);
/* The entity-tag held, NULL when none. */
const char *sip_publisher_etag(const struct sip_publisher *p);

/* ------------------------------------------------------------------ */
/* On a stack (sip/event_stack.c): SUBSCRIBE and PUBLISH handlers,      */
/* NOTIFY client transactions, one stack timer for every expiry.       */

struct sip_evt_node;

struct sip_evt_node_conf {
	bool notifier;              /* handle SUBSCRIBE */
	bool esc;                   /* handle PUBLISH */
	bool client;                /* subscribers: handle NOTIFY */
	size_t max_subs, max_pubs, max_per_entity; /* 0: defaults */
	const char *contact_user;   /* our Contact user ("locd") */
	const char *contact_host;   /* "host[:port]" for the 2xx Contact;
				       NULL: the address the request
				       reached (wrong for 0.0.0.0) */
	const char *warn_host;      /* Warning agent, NULL: "locd" */
};

/*
 * Register the handlers on st (EEXIST when another holds the method).
 * Free the node before the stack, from the loop (no request may arrive
 * in between): in-flight NOTIFY transactions are cancelled, no callback
 * runs.  Returns 0, EINVAL, EEXIST, ENOMEM.
 */
int sip_evt_node_alloc(struct sip_evt_node **np, struct sip_stack *st,
		       const struct sip_evt_node_conf *conf)
	__attribute__((warn_unused_result));
void sip_evt_node_free(struct sip_evt_node *node);
/* Add a package to the notifier / ESC and to the stack's Allow-Events. */
int sip_evt_node_pkg_add(struct sip_evt_node *node,
			 const struct sip_evt_pkg *pkg)
	__attribute__((warn_unused_result));
int sip_evt_node_esc_pkg_add(struct sip_evt_node *node,
			     const struct sip_esc_pkg *pkg)
	__attribute__((warn_unused_result));
struct sip_notifier *sip_evt_node_notifier(const struct sip_evt_node *n);
struct sip_esc *sip_evt_node_esc(const struct sip_evt_node *node);
/*
 * Tools: a subscriber or publisher whose requests go out as client
 * transactions of the node's stack, NOTIFYs reach it through the node
 * (client set in the node conf), refreshes run on the node's timer.
 * The conf's sendh, replyh and arg are replaced by the node's.  After
 * sip_subscriber_start, _unsubscribe or sip_publisher_* calls, call
 * sip_evt_node_kick so the timer follows.  Free them through the node
 * (their transactions in flight are cancelled) or let sip_evt_node_free
 * do it.  Returns 0, EINVAL or what the _alloc functions return.
 */
int sip_evt_node_subscriber_alloc(struct sip_evt_node *node,
				  const struct sip_subscriber_conf *conf,
				  struct sip_subscriber **sp)
	__attribute__((warn_unused_result));
void sip_evt_node_subscriber_free(struct sip_evt_node *node,
				  struct sip_subscriber *s);
int sip_evt_node_publisher_alloc(struct sip_evt_node *node,
				 const struct sip_publisher_conf *conf,
				 struct sip_publisher **pp)
	__attribute__((warn_unused_result));
void sip_evt_node_publisher_free(struct sip_evt_node *node,
				 struct sip_publisher *p);
void sip_evt_node_kick(struct sip_evt_node *node);

/* The stack's clock (ms), the `now` for sip_sub_notify and friends. */
uint64_t sip_evt_node_now(const struct sip_evt_node *node);

#endif
