/*
 * event_int.h: helpers shared by the dialog, subscription and
 * publication code in sip/ (not part of the public API).
 */
#ifndef SIP_EVENT_INT_H
#define SIP_EVENT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

/*
 * Copy view pl into a new NUL-ended heap string. Returns 0, EOVERFLOW
 * (longer than max), EINVAL (holds a NUL, CR or LF) or ENOMEM.
 */
int evt_strdup_pl(char **out, const struct sip_pl *pl, size_t max);
/* The same for a NUL-ended string (NULL gives *out = NULL, 0). */
int evt_strdup(char **out, const char *s, size_t max);

/* Append ";max-rate=..;min-rate=..;adaptive-min-rate=.." (set ones). */
int evt_print_rates(struct sip_buf *b, const struct sip_rates *r);

/* Print `Warning: 399 host "text"` (quotes/backslashes in text dropped). */
int evt_print_warning(struct sip_buf *b, const char *host, const char *text);

/* Print "Name: <uri>;tag=tag" (tag may be NULL). */
int evt_print_addr(struct sip_buf *b, enum sip_hdr_id id, const char *uri,
		   const char *tag);

/*
 * A response descriptor with its own storage for header values: add
 * headers, then hand &r->rd to the reply callback. A header that does
 * not fit is left out (r->err says EOVERFLOW).
 */
#define EVT_REPLY_HDRS 8
#define EVT_REPLY_POOL 2048

struct evt_reply {
	struct sip_reply_desc rd;
	struct sip_hdr_out hdrv[EVT_REPLY_HDRS];
	char pool[EVT_REPLY_POOL];
	size_t used;
	int err;
};

void evt_reply_init(struct evt_reply *r, uint16_t scode);
void evt_reply_hdr(struct evt_reply *r, enum sip_hdr_id id,
		   const char *name, const char *val);
void evt_reply_u32(struct evt_reply *r, enum sip_hdr_id id, uint32_t v);
/* Warning: 399 host "text" (quotes, backslashes, controls dropped). */
void evt_reply_warning(struct evt_reply *r, const char *host,
		       const char *text);

/*
 * The hash of the notifier's and the ESC's tables: evt_hash_mem runs
 * 64-bit FNV-1a over l bytes of p, continuing from h (start with
 * EVT_HASH_INIT); evt_hash_final mixes the state (MurmurHash3's fmix64)
 * and returns its low 32 bits, which the tables keep in each entry and
 * take a bucket index from (the low bits of a power-of-two capacity).
 * FNV-1a alone is no good there: a multiplication carries only upwards,
 * so its low bits never see the high bits of the state (issue 6: keys
 * made of a counter and a fixed suffix used 26% of 131,072 buckets at
 * 100,000 entries, chains up to 21; mixed: 53.5%, at most 7, as random).
 */
#define EVT_HASH_INIT UINT64_C(14695981039346656037)
uint64_t evt_hash_mem(uint64_t h, const void *p, size_t l);
uint32_t evt_hash_final(uint64_t h);

/* Whether value pl is a token (RFC 3261 §25.1). */
bool evt_is_token(const struct sip_pl *pl);

/*
 * A binary min-heap of expiry times (ms): each entry points back at the
 * index field of its item, kept current on every move, so an item's
 * entry is updated or removed in O(log n) and the earliest read in O(1).
 * Grows as needed; an item not in the heap holds EVT_HEAP_NONE.
 */
#define EVT_HEAP_NONE SIZE_MAX

struct evt_heap_ent {
	uint64_t key;
	void *item;
	size_t *idx;
};

struct evt_heap {
	struct evt_heap_ent *v;
	size_t n, cap;
};

/* Room for n entries: 0 or ENOMEM. */
int evt_heap_reserve(struct evt_heap *h, size_t n);
/* Add item with key; *idx follows its entry. 0 or ENOMEM. */
int evt_heap_push(struct evt_heap *h, uint64_t key, void *item,
		  size_t *idx);
void evt_heap_update(struct evt_heap *h, size_t idx, uint64_t key);
void evt_heap_remove(struct evt_heap *h, size_t idx);
/* The earliest key (UINT64_MAX when empty) and its item (NULL). */
uint64_t evt_heap_min(const struct evt_heap *h);
void *evt_heap_top(const struct evt_heap *h);
/* Free the array; every item's index becomes EVT_HEAP_NONE. */
void evt_heap_reset(struct evt_heap *h);

/* --- Client requests outside a dialog (sip/event_client.c). */

#include "sip/sip_event.h"

/* Consecutive challenges answered without success before giving up. */
#define EVT_AUTH_TRIES 2

struct evt_client {
	char *ruri, *from, *event, *contact_user, *user, *password;
	char *routev[SIP_DIALOG_ROUTE_MAX];
	size_t routec;
	uint32_t expires;
	char callid[SIP_DIALOG_TAG_LEN * 2 + 8];
	char ltag[SIP_DIALOG_TAG_LEN + 1];
	uint32_t cseq;                 /* last used */
	struct sip_auth_client auth;
	bool have_auth, proxy;
	unsigned auth_tries;
	sip_evt_send_h *sendh;
	sip_evt_reply_h *replyh;
	void *arg;
	/* storage for the request being built */
	char from_hdr[SIP_DIALOG_HDR_MAX];
	char to_hdr[SIP_DIALOG_HDR_MAX];
	char authz[SIP_AUTH_VALUE_MAX];
};

/* Copy conf (strings), make Call-ID and tag. 0, EINVAL, ENOMEM, EIO. */
int evt_client_init(struct evt_client *c,
		    const struct sip_evt_client_conf *conf);
void evt_client_reset(struct evt_client *c);
/* rd for a request outside a dialog, CSeq ++cseq; other fields cleared. */
int evt_client_fill(struct evt_client *c, const char *method,
		    struct sip_req_desc *rd);
/*
 * Append Authorization / Proxy-Authorization for rd (complete but for
 * headers) to hv[*hc] when a challenge is held. 0 or an errno.
 */
int evt_client_authz(struct evt_client *c, const struct sip_req_desc *rd,
		     struct sip_hdr_out *hv, size_t *hc);
/* Take a 401/407's challenges: 0 (retry) or EACCES (give up). */
int evt_client_challenge(struct evt_client *c, const struct sip_msg *resp);
/* Seconds from a 2xx: Expires header or the value asked for. */
uint32_t evt_resp_expires(const struct sip_msg *resp, uint32_t asked);
/* When to refresh something granted for e seconds at now (ms). */
uint64_t evt_refresh_at(uint64_t now, uint32_t e);

#endif
