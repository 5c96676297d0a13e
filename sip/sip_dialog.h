/*
 * sip_dialog.h: SIP dialogs (RFC 3261 §12) as used by RFC 6665
 * subscriptions: created on the UAS side by a SUBSCRIBE, on the UAC side
 * by the 2xx or the NOTIFY that answers ours; in-dialog requests (NOTIFY,
 * refreshing SUBSCRIBE) built with the route set and loose routing, or the
 * strict-routing fallback (§12.2.1.1), so locd works behind a proxy that
 * record-routes (Kamailio adds ";lr").
 * What it does not do: send anything, add the Via (the client
 * transaction does), read the clock, parse bodies.
 * Ownership: struct sip_dialog is caller storage; sip_dialog_init cannot
 * fail, sip_dialog_reset frees what the dialog holds. Every string field
 * is a plain NUL-ended string, all of them in one heap block of the
 * dialog (read them; change them only through this API), so the daemon
 * may persist a dialog (sip_dialog_save) and rebuild it after a restart
 * (sip_dialog_load), resuming with the next local CSeq.
 * Threads: none; a dialog belongs to its caller.
 * Limits: SIP_DIALOG_ROUTE_MAX route entries, SIP_DIALOG_FIELD_MAX bytes
 * per string (over either: EOVERFLOW, answer 400 or drop).
 * Errors: 0 or a positive errno (EINVAL bad argument, EBADMSG missing or
 * malformed tag/Contact/route, EOVERFLOW a limit, EPROTO CSeq out of
 * order, ENOMEM, EIO random generator).
 */
#ifndef SIP_DIALOG_H
#define SIP_DIALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

/* Record-Route entries kept: real paths hold 1-4 proxies. */
#define SIP_DIALOG_ROUTE_MAX 16
/* One Call-ID, tag, URI or route entry: far above any real one. */
#define SIP_DIALOG_FIELD_MAX 2048
/* Hex characters of a tag made by sip_dialog_tag_make (64 random bits). */
#define SIP_DIALOG_TAG_LEN 16

/*
 * A dialog: 88 bytes (LP64) plus one heap block holding every string (a
 * subscription keeps one per watcher; issue 6 counts bytes per
 * subscription).  The block starts with the routev array, so routev is
 * set whenever any string is (routec may be 0); a string that changes
 * (target refresh, flow token) rebuilds the block.
 */
struct sip_dialog {
	char *callid;
	char *ltag;       /* local tag */
	char *rtag;       /* remote tag */
	char *luri;       /* local URI (From of our requests), no <> */
	char *ruri;       /* remote URI (To of our requests), no <> */
	char *rtarget;    /* remote target: the peer's Contact URI */
	char *flow;       /* opaque flow token (RFC 5626) or NULL */
	char **routev;    /* routec name-addrs, "<sip:p;lr>"; the block */
	size_t routec;    /* at most SIP_DIALOG_ROUTE_MAX */
	uint32_t lseq;    /* last local CSeq used; next request: lseq + 1 */
	uint32_t rseq;    /* last remote CSeq seen */
	bool rseq_set;    /* rseq holds a value */
	bool secure;      /* sips (RFC 3261 §12.1.1) */
};

/* Empty dialog: every pointer NULL, numbers 0. Cannot fail. */
void sip_dialog_init(struct sip_dialog *d);
/* Free every field and re-init (NULL is fine). */
void sip_dialog_reset(struct sip_dialog *d);

/*
 * A fresh random tag (also fit as a Call-ID part or an entity-tag):
 * SIP_DIALOG_TAG_LEN lowercase hex characters and a NUL into out, which
 * holds at least SIP_DIALOG_TAG_LEN + 1 bytes. Returns 0, EINVAL or EIO.
 */
int sip_dialog_tag_make(char *out, size_t size)
	__attribute__((warn_unused_result));

/*
 * UAS side: build the dialog a dialog-creating request (SUBSCRIBE)
 * establishes. Call-ID, remote tag (From tag), remote URI (From), local
 * URI (To), remote target (the single Contact, sip or sips URI), route set
 * (Record-Route in order), remote CSeq; secure when the Request-URI is
 * sips. ltag is our To tag (NULL: a fresh one is made). The local CSeq
 * starts at 0 (the first NOTIFY uses 1). d must be empty (init/reset);
 * on error it stays empty. Returns 0, EINVAL, EBADMSG (no From tag, no or
 * several Contacts, a Contact or Record-Route that does not parse),
 * EOVERFLOW, ENOMEM, EIO.
 */
int sip_dialog_uas_create(struct sip_dialog *d, const struct sip_msg *req,
			  const char *ltag)
	__attribute__((warn_unused_result));

/* What the UAC knows about the dialog-creating request it sent. */
struct sip_dialog_uac {
	const char *callid;
	const char *ltag;     /* our From tag */
	const char *luri;     /* our From URI */
	const char *ruri;     /* the To URI */
	uint32_t lseq;        /* CSeq of the request sent */
};

/*
 * UAC side: build the dialog from what we sent (u) and msg, either the
 * 2xx response to it (remote tag from To, route set = Record-Route
 * reversed, RFC 3261 §12.1.2) or a NOTIFY that arrived first (we are its
 * UAS: remote tag from From, route set = Record-Route in order, remote
 * CSeq from it; RFC 6665 §4.1.2.4). Remote target from msg's Contact.
 * Secure when the remote URI is sips. Errors as sip_dialog_uas_create
 * (EBADMSG also when the remote tag is missing or Call-ID differs).
 */
int sip_dialog_uac_create(struct sip_dialog *d,
			  const struct sip_dialog_uac *u,
			  const struct sip_msg *msg)
	__attribute__((warn_unused_result));

/*
 * Whether req (received) belongs to d: Call-ID, To tag == local tag,
 * From tag == remote tag. A response: From tag local, To tag remote.
 */
bool sip_dialog_match(const struct sip_dialog *d, const struct sip_msg *msg);

/*
 * An in-dialog request arrived (RFC 3261 §12.2.2): its CSeq must be above
 * the last remote one (EPROTO otherwise: answer 500); then rseq is
 * updated and, when the request carries a Contact (target refresh:
 * SUBSCRIBE, NOTIFY), the remote target too. Returns 0, EINVAL, EPROTO,
 * EBADMSG (bad Contact), EOVERFLOW, ENOMEM.
 */
int sip_dialog_request_recv(struct sip_dialog *d, const struct sip_msg *req)
	__attribute__((warn_unused_result));

/*
 * Start an in-dialog request (RFC 3261 §12.2.1.1) into b: request line,
 * [via], Route headers, Max-Forwards 70, From (luri;tag=ltag), To
 * (ruri;tag=rtag), Call-ID, CSeq lseq + 1. Loose routing (route set empty
 * or its first entry has ;lr): Request-URI = remote target, Route = the
 * route set. Strict: Request-URI = first route's URI, Route = the rest,
 * then <remote target>. via, when not NULL, is printed as the first
 * header (value only). *next_hop (optional) views the URI to send to:
 * the first route entry's URI, or the Request-URI; it stays valid while
 * d is unchanged. The caller adds headers and ends with sip_print_body
 * or sip_print_end. lseq is incremented only on success. Returns 0,
 * EINVAL (no remote target, method not a token), EBADMSG (a route entry
 * that no longer parses), EOVERFLOW (lseq would wrap, or b's cap),
 * ENOMEM.
 */
int sip_dialog_request(struct sip_dialog *d, struct sip_buf *b,
		       const char *method, const struct sip_pl *via,
		       struct sip_pl *next_hop)
	__attribute__((warn_unused_result));

/*
 * Storage behind the struct sip_req_desc that sip_dialog_req_fill makes
 * for the stack's client transaction API (sip/sip_stack.h): From/To
 * values, the Request-URI and the Route values. Caller storage (about
 * 9 KiB); the desc points into it and into d.
 */
#define SIP_DIALOG_HDR_MAX (SIP_DIALOG_FIELD_MAX * 2 + 16)

struct sip_dialog_req {
	char from[SIP_DIALOG_HDR_MAX];
	char to[SIP_DIALOG_HDR_MAX];
	char ruri[SIP_DIALOG_FIELD_MAX + 1];
	char target[SIP_DIALOG_FIELD_MAX + 3];
	const char *routev[SIP_DIALOG_ROUTE_MAX + 1];
};

/*
 * The same request as sip_dialog_request, as a desc for
 * sip_request_send: method, ruri, from, to, callid, cseq (lseq + 1,
 * consumed), routev/routec (strict routing: the rest plus <target>).
 * Other fields of rd are cleared; the caller sets headers, body, flow.
 * Valid while st and d are unchanged. Returns 0, EINVAL, EBADMSG (a
 * stored route no longer parses), EOVERFLOW (lseq would wrap).
 */
int sip_dialog_req_fill(struct sip_dialog *d, const char *method,
			struct sip_dialog_req *st, struct sip_req_desc *rd)
	__attribute__((warn_unused_result));

/* Set or clear (flow NULL) the flow token. Returns 0, EINVAL, ENOMEM. */
int sip_dialog_flow_set(struct sip_dialog *d, const char *flow)
	__attribute__((warn_unused_result));

/*
 * Persistence: a record of views (no ownership) with the same fields.
 * sip_dialog_save fills rec with pointers into d (valid while d lives);
 * sip_dialog_load copies rec into an empty d (strings checked against the
 * limits; callid, ltag and rtarget are required). Load returns 0, EINVAL,
 * EOVERFLOW or ENOMEM; on error d stays empty.
 */
struct sip_dialog_rec {
	const char *callid, *ltag, *rtag, *luri, *ruri, *rtarget, *flow;
	const char *routev[SIP_DIALOG_ROUTE_MAX];
	size_t routec;
	uint32_t lseq, rseq;
	bool rseq_set, secure;
};

void sip_dialog_save(const struct sip_dialog *d, struct sip_dialog_rec *rec);
int sip_dialog_load(struct sip_dialog *d, const struct sip_dialog_rec *rec)
	__attribute__((warn_unused_result));

#endif
