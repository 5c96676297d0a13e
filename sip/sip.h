/*
 * sip.h: locd's SIP core, messages.  Parses requests and responses (RFC
 * 3261 grammar, RFC 4475 torture-tested) into zero-copy views, frames
 * them on streams (Content-Length, RFC 5626 keep-alives) and datagrams,
 * and prints them into a caller-provided buffer with a cap.  Knows no
 * geometry or PIDF: bodies are bytes plus a content type.  Digest is in
 * sip/sip_auth.h, the stack (transports, transactions) in sip/sip_stack.h.
 * Ownership: fields are struct sip_pl views into the message's own copy
 * of the bytes, valid until sip_msg_free (one allocation per message, no
 * malloc per header).  No global mutable state; any thread.
 * Limits (struct sip_limits): message 64 KiB, start line 8 KiB, 128
 * header values, header line 8 KiB: EOVERFLOW.  Errors: 0 or a positive
 * errno value (EINVAL, EBADMSG malformed, ENODATA need more bytes,
 * EOVERFLOW, EPROTONOSUPPORT, ENOMEM) plus struct sip_err's one-line
 * reason fit for a 400's Reason/Warning.
 */
#ifndef SIP_H
#define SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A pointer+length view of bytes owned by someone else (not NUL-ended). */
struct sip_pl {
	const char *p;
	size_t l;
};

/* A view of a string literal: SIP_PL("INVITE"). */
#define SIP_PL(s) ((struct sip_pl){(s), sizeof(s) - 1})

/* Set *pl to view NUL-terminated s (NULL gives the empty view). */
void sip_pl_set_str(struct sip_pl *pl, const char *s);

/* True when pl views at least one byte. */
bool sip_pl_isset(const struct sip_pl *pl);

/* Byte-exact equality (NULL views compare as empty). */
bool sip_pl_eq(const struct sip_pl *a, const struct sip_pl *b);
bool sip_pl_eq_str(const struct sip_pl *a, const char *s);

/* ASCII case-insensitive compare: <0, 0, >0 as strcasecmp (0 = equal). */
int sip_pl_casecmp(const struct sip_pl *a, const struct sip_pl *b);
int sip_pl_casecmp_str(const struct sip_pl *a, const char *s);

/*
 * Decimal digits only (no sign, no space) to an unsigned integer.
 * Returns 0, EINVAL (empty or a non-digit) or EOVERFLOW (too large).
 */
int sip_pl_u32(const struct sip_pl *pl, uint32_t *out)
	__attribute__((warn_unused_result));
int sip_pl_u64(const struct sip_pl *pl, uint64_t *out)
	__attribute__((warn_unused_result));

/* Remove leading and trailing SP, HTAB, CR and LF from the view. */
void sip_pl_trim(struct sip_pl *pl);

/* Find byte c: its offset, or pl->l when absent. */
size_t sip_pl_chr(const struct sip_pl *pl, char c);

/*
 * Copy the view into buf as a NUL-terminated string.
 * Returns 0, or EOVERFLOW when buf (size sz) is too small (buf then holds
 * an empty string when sz > 0).
 */
int sip_pl_strcpy(const struct sip_pl *pl, char *buf, size_t sz)
	__attribute__((warn_unused_result));

/*
 * Limits on untrusted input (STYLE.md 2.6, SEC-19).  sip_limits_init()
 * sets the defaults; every parse or framing call takes a limits pointer
 * and NULL means the defaults.
 */
#define SIP_MSG_MAX       65536u /* whole message, bytes */
#define SIP_STARTLINE_MAX 8192u  /* request or status line, bytes */
#define SIP_HDRS_MAX      128u   /* header values (list items count),
				    plus one Content-Length */
#define SIP_HDRLINE_MAX   8192u  /* one header field incl. folding */

struct sip_limits {
	size_t max_msg;
	size_t max_startline;
	size_t max_hdrs;
	size_t max_hdrline;
};

void sip_limits_init(struct sip_limits *lim);

/*
 * Why a message was refused: errno-style code (same as the return value),
 * the status a server should answer with (400, 505, 501, 413, or 0 when
 * the message should just be dropped, e.g. a bad response) and a one-line
 * reason fit for a Reason/Warning header ("bad CSeq", "duplicate
 * Content-Length"); no quotes or control characters.
 */
#define SIP_REASON_MAX 96

struct sip_err {
	int code;
	uint16_t status;
	char reason[SIP_REASON_MAX];
};

/* Known header fields; SIP_HDR_OTHER is any other (see sip_msg_hdr_name). */
enum sip_hdr_id {
	SIP_HDR_OTHER = 0,
	SIP_HDR_ACCEPT,
	SIP_HDR_ALLOW,
	SIP_HDR_ALLOW_EVENTS,
	SIP_HDR_AUTHORIZATION,
	SIP_HDR_CALL_ID,
	SIP_HDR_CONTACT,
	SIP_HDR_CONTENT_ENCODING,
	SIP_HDR_CONTENT_LENGTH,
	SIP_HDR_CONTENT_TYPE,
	SIP_HDR_CSEQ,
	SIP_HDR_DATE,
	SIP_HDR_EVENT,
	SIP_HDR_EXPIRES,
	SIP_HDR_FROM,
	SIP_HDR_MAX_FORWARDS,
	SIP_HDR_MIN_EXPIRES,
	SIP_HDR_PROXY_AUTHENTICATE,
	SIP_HDR_PROXY_AUTHORIZATION,
	SIP_HDR_PROXY_REQUIRE,
	SIP_HDR_RECORD_ROUTE,
	SIP_HDR_REQUIRE,
	SIP_HDR_RETRY_AFTER,
	SIP_HDR_ROUTE,
	SIP_HDR_SIP_ETAG,
	SIP_HDR_SIP_IF_MATCH,
	SIP_HDR_SUBJECT,
	SIP_HDR_SUBSCRIPTION_STATE,
	SIP_HDR_SUPPORTED,
	SIP_HDR_TO,
	SIP_HDR_UNSUPPORTED,
	SIP_HDR_USER_AGENT,
	SIP_HDR_VIA,
	SIP_HDR_WARNING,
	SIP_HDR_WWW_AUTHENTICATE,
	SIP_HDR_COUNT
};

/* Canonical name ("Call-ID"), NULL for SIP_HDR_OTHER or out of range. */
const char *sip_hdr_name(enum sip_hdr_id id);
/* Id of a header name, full or compact ("i"), any case; OTHER if unknown. */
enum sip_hdr_id sip_hdr_lookup(const struct sip_pl *name);

/*
 * One header value.  Comma-separated list headers (Via, Contact, Route,
 * Record-Route, Allow, Supported, Require, ...) give one entry per item;
 * others (and every unknown header) one entry per header line.  val is
 * trimmed; folded lines are already unfolded (CRLF became SP).
 */
struct sip_hdr {
	enum sip_hdr_id id;
	struct sip_pl name; /* as received */
	struct sip_pl val;
};

/* ;name=value parameters (one parser: Via, Contact, Event, URIs...). */
enum sip_param_mode {
	SIP_PARAM_HDR, /* header params: token [= token/quoted/[v6]], LWS */
	SIP_PARAM_URI  /* URI params: paramchar and %HH escapes, no LWS */
};

/*
 * Take the next parameter from *rest, which starts at ';' (after optional
 * LWS in HDR mode).  name and val are views (val empty when absent; a
 * quoted value keeps its quotes).  Returns 0, ENOENT at the end (rest
 * empty or only LWS), EBADMSG when malformed (";;", bad characters).
 */
int sip_param_next(struct sip_pl *rest, enum sip_param_mode mode,
		   struct sip_pl *name, struct sip_pl *val)
	__attribute__((warn_unused_result));
/*
 * Find parameter `name` (case-insensitive) in a parameter list as
 * produced by the parsers below.  Returns 0 (val set, maybe empty),
 * ENOENT when absent, EBADMSG when the list is malformed.
 */
int sip_param_get(const struct sip_pl *params, enum sip_param_mode mode,
		  const char *name, struct sip_pl *val)
	__attribute__((warn_unused_result));
/* Validate a whole parameter list: 0 or EBADMSG. */
int sip_param_check(const struct sip_pl *params, enum sip_param_mode mode)
	__attribute__((warn_unused_result));

/* URIs: sip:, sips: and tel: are parsed; other schemes are kept opaque. */
enum sip_scheme {
	SIP_SCHEME_OTHER = 0,
	SIP_SCHEME_SIP,
	SIP_SCHEME_SIPS,
	SIP_SCHEME_TEL
};

struct sip_uri {
	enum sip_scheme scheme;
	struct sip_pl scheme_pl; /* as written, without ':' */
	struct sip_pl user;      /* sip/sips user (escapes kept); tel number */
	struct sip_pl password;
	struct sip_pl host;      /* IPv6 without the brackets */
	bool host_v6;
	uint16_t port;           /* 0 when absent */
	struct sip_pl params;    /* ";..." (uri mode), may be empty */
	struct sip_pl headers;   /* after '?', without it; may be empty */
	struct sip_pl opaque;    /* OTHER: everything after "scheme:" */
	struct sip_pl all;       /* the whole URI */
};

/*
 * Parse a URI (no surrounding LWS or <>).  Returns 0 or EBADMSG.
 * sip/sips need a host; %HH escapes are checked, kept escaped.
 */
int sip_uri_parse(struct sip_uri *uri, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/* name-addr or addr-spec with header params (From, To, Contact, Route). */
struct sip_addr {
	struct sip_pl dname;  /* display name; quoted: inside the quotes */
	bool dname_quoted;
	bool name_addr;       /* written with <> */
	struct sip_uri uri;
	struct sip_pl params; /* ";..." after the address (header mode) */
	struct sip_pl tag;    /* the tag parameter, empty when absent */
};

/*
 * Parse name-addr / addr-spec followed by header parameters.  In
 * addr-spec form the URI ends at the first ';' (its params belong to the
 * header) and may not hold '?' headers or ','.  Returns 0 or EBADMSG.
 */
int sip_addr_parse(struct sip_addr *addr, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/* Via: one sent-protocol sent-by *(params) value. */
struct sip_via {
	struct sip_pl proto;     /* "SIP" */
	struct sip_pl version;   /* "2.0" */
	struct sip_pl transport; /* "UDP", "TCP", "TLS", ... */
	struct sip_pl host;      /* IPv6 without brackets */
	bool host_v6;
	uint16_t port;           /* 0 when absent */
	struct sip_pl sentby;    /* host[:port] as written */
	struct sip_pl params;    /* ";..." */
	struct sip_pl branch, received, maddr;
	bool rport;              /* rport present (with or without value) */
	uint16_t rport_val;      /* 0 when no value */
	bool has_ttl;
	uint8_t ttl;
};

/*
 * Parse one Via value (LWS allowed around '/' and ';' '=').  branch,
 * received and maddr must have values; rport's is a port if present; ttl
 * is 0..255.  Views point into pl.  Returns 0, EINVAL or EBADMSG.
 */
int sip_via_parse(struct sip_via *via, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

struct sip_cseq {
	uint32_t num;
	struct sip_pl method;
};

/* "1*DIGIT LWS method"; EBADMSG, or EOVERFLOW past 2^32-1. */
int sip_cseq_parse(struct sip_cseq *cseq, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/* Contact value: "*" or an address with expires and q. */
struct sip_contact {
	bool star;
	struct sip_addr addr;
	bool has_expires;
	uint32_t expires;
	bool has_q;
	uint16_t q;              /* q * 1000: "0.33" is 330 */
};

/* Returns 0, EBADMSG or EOVERFLOW (expires past 2^32-1, q > 1). */
int sip_contact_parse(struct sip_contact *c, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/* Content-Type: type "/" subtype *(; param). */
struct sip_ctype {
	struct sip_pl type, subtype, params;
};

/* Returns 0, EINVAL or EBADMSG (missing type or subtype, bad params). */
int sip_ctype_parse(struct sip_ctype *ct, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/*
 * RFC 6446 rate parameters (RC-6), on Event and Subscription-State:
 * notifications per second, grammar 1*2DIGIT ["." 1*10DIGIT], never 0;
 * 0 here means absent.
 */
struct sip_rates {
	double max_rate, min_rate, adaptive_min_rate;
};

/* Event (RFC 6665 §8.2.1, rate params RFC 6446 §4). */
struct sip_event {
	struct sip_pl package;   /* event-type incl. templates: a.b */
	struct sip_pl id;
	struct sip_pl params;
	struct sip_rates rates;
	bool rates_bad;          /* a malformed rate parameter, see below */
};

/*
 * Event value: package token (not starting or ending with '.'), params;
 * id must be a token; rates per RC-6.  Returns 0, EINVAL or EBADMSG.
 * When a rate parameter is the only fault, *ev is filled anyway with
 * rates_bad set and every rate 0, and the result is still EBADMSG:
 * sip_msg_parse refuses such a request (400, Q-34) but keeps a response
 * (a 2xx to NOTIFY, RC-16) with has_event false and event.rates_bad set,
 * so the event layer ignores the rate update instead of the response.
 */
int sip_event_parse(struct sip_event *ev, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/* Subscription-State (RFC 6665 §8.2.3). */
enum sip_substate {
	SIP_SUBSTATE_OTHER = 0,
	SIP_SUBSTATE_ACTIVE,
	SIP_SUBSTATE_PENDING,
	SIP_SUBSTATE_TERMINATED
};

struct sip_substate_hdr {
	enum sip_substate state;
	struct sip_pl value;     /* as written */
	struct sip_pl reason;    /* empty when absent */
	struct sip_pl params;
	bool has_expires, has_retry_after;
	uint32_t expires, retry_after;
	struct sip_rates rates;
};

/* "active", "pending", "terminated" or "other". */
const char *sip_substate_name(enum sip_substate st);
/*
 * Subscription-State value: state token (unknown ones are OTHER, value
 * kept), reason token, expires and retry-after (32-bit), rates (RC-6).
 * Returns 0, EINVAL or EBADMSG.
 */
int sip_substate_parse(struct sip_substate_hdr *ss, const struct sip_pl *pl)
	__attribute__((warn_unused_result));

/*
 * A parsed message.  Read-only for users; every view points into buf,
 * which the message owns.  Headers absent from the message have empty
 * views / has_ flags false.  Single-value headers appearing twice are
 * rejected; list headers may repeat.
 */
struct sip_msg {
	bool req;
	struct sip_pl method;    /* request */
	struct sip_pl ruri_pl;   /* request */
	struct sip_uri ruri;     /* request */
	uint16_t scode;          /* response */
	struct sip_pl reason;    /* response, may be empty */
	struct sip_pl version;   /* "SIP/2.0" */

	struct sip_via via;      /* top-most Via */
	struct sip_addr from, to;
	struct sip_pl callid;
	struct sip_cseq cseq;
	bool has_max_forwards, has_expires, has_min_expires, has_clen;
	uint32_t max_forwards, expires, min_expires, clen;
	struct sip_ctype ctype;  /* empty type when absent */
	bool has_event, has_substate;
	struct sip_event event;
	struct sip_substate_hdr substate;
	struct sip_pl etag, if_match; /* SIP-ETag, SIP-If-Match */
	struct sip_pl body;

	size_t hdrc;
	struct sip_hdr *hdrv;    /* hdrc entries, message order */
	size_t len;              /* bytes of the message (buf) */
	char *buf;
};

enum sip_parse_flags {
	SIP_PARSE_DGRAM = 0,     /* UDP: Content-Length may be absent */
	SIP_PARSE_STREAM = 1     /* TCP/TLS: Content-Length required */
};

/*
 * Parse one message from buf[0..len).  The bytes are copied once into
 * the new message (one allocation with room for 24 header entries; a
 * message with more gets a separate array, doubled as needed up to
 * max_hdrs + 1 entries); the caller keeps buf.  Datagram rules (RFC 3261 §18.3): Content-Length may be
 * absent (the body is the rest); larger than the rest is an error;
 * shorter truncates the body (extra bytes ignored).  Stream: buf should
 * be one framed message (sip_frame_stream); Content-Length is required.
 * Leading CRLFs are skipped.  A request whose CSeq method differs from
 * its method is rejected (400; RFC 4475 mismatch01/02).
 * On success *msgp is set; on failure it is untouched and err (optional)
 * says why.  Returns 0, EINVAL, EBADMSG, EOVERFLOW (a limit),
 * EPROTONOSUPPORT (not SIP/2.0, status 505) or ENOMEM.
 */
int sip_msg_parse(struct sip_msg **msgp, const char *buf, size_t len,
		  enum sip_parse_flags flags, const struct sip_limits *lim,
		  struct sip_err *err) __attribute__((warn_unused_result));

/* Release a message (NULL is fine). */
void sip_msg_free(struct sip_msg *msg);

/* First header with id, or the next after prev (an entry of msg); NULL. */
const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg,
				  enum sip_hdr_id id,
				  const struct sip_hdr *prev);
/* First header whose name is `name` (any case, full or compact). */
const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *msg,
				       const char *name);
size_t sip_msg_hdr_count(const struct sip_msg *msg, enum sip_hdr_id id);

/*
 * Stream framing (TCP/TLS, RFC 3261 §18.3, RFC 5626 §3.5.1).  Given the
 * bytes received so far, sets fr->skip (bytes to discard first) and:
 * SIP_FRAME_MSG: a message of fr->len bytes at buf + skip;
 * SIP_FRAME_PING: a CRLFCRLF keep-alive (inside skip): answer CRLF;
 * SIP_FRAME_CRLF: a lone CRLF (pong or leading CRLF, inside skip).
 * Returns 0; ENODATA when more bytes are needed (skip may still be set);
 * EOVERFLOW when the headers or the declared Content-Length exceed the
 * limits (checked before waiting for the body); EBADMSG for a missing,
 * negative or malformed Content-Length.  On error close the connection.
 * Each call rescans buf: call it once per read, not once per byte.
 */
enum sip_frame_kind {
	SIP_FRAME_MSG = 1,
	SIP_FRAME_PING,
	SIP_FRAME_CRLF
};

struct sip_frame {
	enum sip_frame_kind kind;
	size_t skip;
	size_t len;
};

int sip_frame_stream(const char *buf, size_t len,
		     const struct sip_limits *lim, struct sip_frame *fr,
		     struct sip_err *err) __attribute__((warn_unused_result));

/*
 * Output buffer with a hard cap (caller-owned storage: sip_buf_init never
 * fails and allocates nothing; sip_buf_reset frees).  Appends return 0,
 * ENOMEM, or EOVERFLOW past max; on error the content is unchanged.
 */
struct sip_buf {
	char *p;
	size_t len, size, max;
};

void sip_buf_init(struct sip_buf *b, size_t max);
void sip_buf_reset(struct sip_buf *b);
void sip_buf_clear(struct sip_buf *b); /* len = 0, keeps the memory */
int sip_buf_append(struct sip_buf *b, const void *p, size_t l)
	__attribute__((warn_unused_result));
int sip_buf_append_str(struct sip_buf *b, const char *s)
	__attribute__((warn_unused_result));
int sip_buf_append_pl(struct sip_buf *b, const struct sip_pl *pl)
	__attribute__((warn_unused_result));
int sip_buf_printf(struct sip_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));

/*
 * Building messages: a start line, then headers, then sip_print_body (or
 * sip_print_end for no body), which adds Content-Length (and
 * Content-Type when ctype is non-NULL) and the blank line.
 * Errors: those of sip_buf_append, EINVAL on bad arguments.
 */
int sip_print_request_line(struct sip_buf *b, const struct sip_pl *method,
			   const struct sip_pl *ruri)
	__attribute__((warn_unused_result));
int sip_print_status_line(struct sip_buf *b, uint16_t scode,
			  const char *reason)
	__attribute__((warn_unused_result));
/* "Name: value\r\n"; name from the id, or `name` for SIP_HDR_OTHER. */
int sip_print_hdr(struct sip_buf *b, enum sip_hdr_id id, const char *name,
		  const struct sip_pl *val)
	__attribute__((warn_unused_result));
int sip_print_hdr_u32(struct sip_buf *b, enum sip_hdr_id id, uint32_t v)
	__attribute__((warn_unused_result));
int sip_print_body(struct sip_buf *b, const struct sip_pl *ctype,
		   const void *body, size_t len)
	__attribute__((warn_unused_result));
int sip_print_end(struct sip_buf *b) __attribute__((warn_unused_result));

/*
 * Start a response to req (RFC 3261 §8.2.6): status line, then every Via
 * in order, From, To (with to_tag added when To has no tag and to_tag is
 * non-NULL and non-empty), Call-ID, CSeq.  The caller adds headers and
 * ends with sip_print_body/sip_print_end.  EINVAL when req is a response.
 */
int sip_print_response(struct sip_buf *b, const struct sip_msg *req,
		       uint16_t scode, const char *reason,
		       const struct sip_pl *to_tag)
	__attribute__((warn_unused_result));

/*
 * Print a parsed message again: start line, every header as
 * "Name: value" (canonical names, folding removed, list items one per
 * line), and the body with a Content-Length that matches it.  What it
 * prints parses again with the default limits (a datagram without
 * Content-Length gains one, which has its own slot besides max_hdrs);
 * EOVERFLOW when a header line would exceed SIP_HDRLINE_MAX (a compact
 * name grows to the full one) or the buffer's cap.
 */
int sip_msg_print(struct sip_buf *b, const struct sip_msg *msg)
	__attribute__((warn_unused_result));

#endif
