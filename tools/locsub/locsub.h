/*
 * locsub.h: the pieces of locsub (a command-line location subscriber)
 * shared between its files.  main.c: options and the run; client.c: the
 * subscriber of sip/sip_event.h wired to a struct sip_stack by hand (so
 * the NOTIFY being handled and the Warning of a refusal are visible);
 * print.c: filter kind detection and the two output formats.
 * Single-threaded, on one event_base; no global state.
 * Errors: 0 or a positive errno; messages go to stderr from main.c.
 */
#ifndef LOCSUB_H
#define LOCSUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "geo/geo.h"
#include "sip/sip.h"
#include "sip/sip_event.h"
#include "sip/sip_stack.h"

/* Filter file: refused over this before parsing (SEC-18, LF_BODY_MAX). */
#define LS_FILTER_MAX 65536u
/* Warning text kept from a refusal (fits one Warning value). */
#define LS_WARN_MAX 256u

/* ------------------------------------------------------------------ */
/* print.c                                                             */

/* What a filter document is, by its root element. */
enum ls_filter_kind {
	LS_FILTER_DRAFT = 0,  /* lf:location-filter: Event location */
	LS_FILTER_RFC         /* sf:filter-set (RFC 6447): Event presence */
};

/*
 * Decide the kind of the filter body (len bytes) from its root element
 * (namespace and name), with the hardened XML read of pidf/.  Returns 0,
 * EPROTONOSUPPORT (a root that is neither), or the read's error
 * (EBADMSG, EOVERFLOW, EPROTO) with a one-line reason in why (sz bytes).
 */
int ls_filter_kind(const char *body, size_t len, enum ls_filter_kind *kind,
		   char *why, size_t sz) __attribute__((warn_unused_result));

/* Event package and body type for a kind. */
const char *ls_filter_event(enum ls_filter_kind kind);
const char *ls_filter_ctype(enum ls_filter_kind kind);

enum ls_format {
	LS_FMT_PIDF = 0,      /* the NOTIFY bodies as received */
	LS_FMT_JSONL          /* one JSON object per NOTIFY */
};

/* One NOTIFY as locsub saw it. */
struct ls_note {
	double received;              /* UNIX s (wall clock) */
	struct sip_pl substate;       /* Subscription-State value, raw */
	enum sip_substate state;
	struct sip_pl ctype;          /* "type/subtype" or empty */
	struct sip_pl body;
};

/*
 * Write one notification to f in fmt.  pidf: the body as received (a
 * newline added when it does not end in one; nothing for an empty body).
 * jsonl: {"received", "state", "subscription_state", "fix_time", "lat",
 * "lon", "alt", "speed", "containment": [{"feature", "position"}]}, with
 * null for what the body does not say and "error" when a body is there
 * but is not a PIDF-LO locsub can read.  Returns 0, ENOMEM or EIO.
 */
int ls_print_note(FILE *f, enum ls_format fmt, struct geo_ctx *geo,
		  const struct ls_note *n) __attribute__((warn_unused_result));

/* ------------------------------------------------------------------ */
/* client.c                                                            */

struct ls_client;

/* A NOTIFY for the subscription (already answered 200). */
typedef void (ls_notify_h)(const struct ls_note *n, void *arg);
/* The subscription ended (sip_subr_close_h's reason and scode). */
typedef void (ls_close_h)(enum sip_sub_reason reason, uint16_t scode,
			  void *arg);

struct ls_client_conf {
	struct sip_subscriber_conf sc; /* sendh/replyh/notifyh/closeh are
					  set by ls_client_alloc */
	ls_notify_h *notifyh;
	ls_close_h *closeh;
	void *arg;
};

/*
 * Register a NOTIFY handler on st and make the subscriber.  Free the
 * client before the stack.  Returns 0, EINVAL, EEXIST or ENOMEM.
 */
int ls_client_alloc(struct ls_client **cp, struct sip_stack *st,
		    const struct ls_client_conf *conf)
	__attribute__((warn_unused_result));
/* Cancel what is in flight, free the subscriber; no callbacks.  NULL ok. */
void ls_client_free(struct ls_client *c);

/* Send the initial SUBSCRIBE. 0 or an errno. */
int ls_client_start(struct ls_client *c) __attribute__((warn_unused_result));
/*
 * Unsubscribe (Expires: 0).  0 (sent), EAGAIN (a SUBSCRIBE is in flight:
 * try again later), ENOENT (no dialog: nothing to end), or an errno.
 */
int ls_client_unsubscribe(struct ls_client *c)
	__attribute__((warn_unused_result));
enum sip_subr_state ls_client_state(const struct ls_client *c);
/*
 * The last final failure seen (scode 0: none): its reason phrase and the
 * text of its first Warning ("" when none); *answered (optional) false
 * when no response came (timeout: 408, transport error: 503, the reason
 * then says why).
 */
uint16_t ls_client_failure(const struct ls_client *c, const char **reason,
			   const char **warning, bool *answered);
/*
 * True when the last failure looks like a failed TLS handshake (server
 * certificate not verified, or the server refusing us): over TLS (tls),
 * no response ever came and the connection was reset or failed with
 * EPROTO.  The stack reports no verification result, so this is the
 * best guess; false for NULL.
 */
bool ls_client_tls_failed(const struct ls_client *c, bool tls);

#endif
