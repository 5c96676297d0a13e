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

/* Whether value pl is a token (RFC 3261 §25.1). */
bool evt_is_token(const struct sip_pl *pl);

#endif
