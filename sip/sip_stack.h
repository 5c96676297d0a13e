/*
 * sip_stack.h: locd's SIP stack core: transports, transactions, request
 * dispatch (issue 4, parts 2, 3 and 8).
 *
 * What it does: listens on UDP, TCP and TLS (IPv4 and IPv6); frames and
 * parses what arrives (sip/sip.h); responses carry received/rport in the
 * top Via and go where RFC 3261 §18.2.2 / RFC 3581 say; runs RFC 3261
 * non-INVITE server and client transactions (timers E, F, J, K;
 * retransmission absorption; branch matching with the RFC 2543
 * fallback) and enough of the INVITE server transaction to reject
 * INVITEs (timers G, H, I; ACK absorbed); answers itself OPTIONS,
 * unknown methods (501), methods nobody registered (405), other URI
 * schemes (416), merged requests (482), unknown Require tags (420),
 * Max-Forwards 0 (483), CANCEL (200/481) and malformed requests
 * (stateless 400 with a Warning); hands every other request to the
 * handler registered for its method.  RFC 5626: answers CRLFCRLF pings
 * (TCP/TLS) and STUN Binding requests (UDP), and a struct sip_flow names
 * the connection (or UDP 5-tuple) a request came over so later requests
 * (NOTIFY) can go back over it.
 * What it does not do: dialogs, subscriptions, Digest, RFC 3263 NAPTR/SRV
 * (a host name target is resolved to A/AAAA only, through evdns and
 * /etc/hosts), INVITE client transactions, proxying.
 * Loop/threads: single-threaded, on the event_base the caller passes in
 * (the daemon owns it); every callback runs from that loop.  Tests may
 * pass base NULL with a send hook and manual timers (struct
 * sip_stack_conf) to drive everything with a fake clock.
 * Ownership: the stack owns transactions and connections.  Messages and
 * views handed to callbacks are valid only during the callback.  A
 * server transaction handle is the handler's until it sends a final
 * response; a client transaction handle is valid until its handler got a
 * final result or it was cancelled.  Stack objects are freed by
 * sip_stack_free (no callbacks run from it; never call it from one).
 * A server transaction whose handler never answers lives until the
 * stack is freed: answer every request.
 * Limits: sip_limits for messages (64 KiB), connections (max_conns),
 * per-connection output queue, transactions (max_trans); over a limit a
 * request gets 503 or the connection is closed.
 * Errors: 0 or a positive errno (EINVAL, ENOMEM, EOVERFLOW, ENOBUFS,
 * ENOTCONN flow gone, EAFNOSUPPORT, EADDRINUSE, ETIMEDOUT, EPROTO).
 */
#ifndef SIP_STACK_H
#define SIP_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include "sip/sip.h"

struct event_base;
struct sip_stack;
struct sip_strans; /* server transaction */
struct sip_ctrans; /* client transaction */

/* Transports. */
enum sip_transp {
	SIP_TRANSP_NONE = 0,
	SIP_TRANSP_UDP,
	SIP_TRANSP_TCP,
	SIP_TRANSP_TLS
};

/* "UDP", "TCP", "TLS" (Via spelling); "?" otherwise. */
const char *sip_transp_name(enum sip_transp tp);
/* Reliable (stream) transport: TCP or TLS. */
bool sip_transp_reliable(enum sip_transp tp);

/*
 * A socket address, IPv4 or IPv6: what SIP uses, in 32 bytes (not a
 * sockaddr_storage's 128: dialogs and flows keep two per subscription).
 * len is the address's length in u.  To fill one from the kernel
 * (getsockname, recvmsg, accept) pass &u.sa with len = sizeof(u): the
 * kernel truncates to that and reports the real length, so a len above
 * sizeof(u) afterwards means another family (refuse it).
 */
struct sip_sa {
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} u;
	socklen_t len;
};

/* Longest printed address: "[v6%scope]:65535". */
#define SIP_SA_STRMAX 64

/*
 * Set from a numeric host ("127.0.0.1", "::1" or "[::1]") and a port.
 * Returns 0 or EINVAL (not a numeric address).
 */
int sip_sa_set(struct sip_sa *sa, const char *host, uint16_t port)
	__attribute__((warn_unused_result));
/* Same from a view (host without brackets or with them). */
int sip_sa_set_pl(struct sip_sa *sa, const struct sip_pl *host,
		  uint16_t port) __attribute__((warn_unused_result));
uint16_t sip_sa_port(const struct sip_sa *sa);
int sip_sa_af(const struct sip_sa *sa);
/* Address and port equal. */
bool sip_sa_eq(const struct sip_sa *a, const struct sip_sa *b);
/* Host only ("::1", no brackets) into buf; 0 or EOVERFLOW/EINVAL. */
int sip_sa_host(const struct sip_sa *sa, char *buf, size_t sz)
	__attribute__((warn_unused_result));
/* "127.0.0.1:5060" or "[::1]:5060" into buf; 0 or EOVERFLOW/EINVAL. */
int sip_sa_print(const struct sip_sa *sa, char *buf, size_t sz)
	__attribute__((warn_unused_result));

/* A peer: transport and remote address. */
struct sip_peer {
	enum sip_transp tp;
	struct sip_sa sa;
};

/*
 * A flow (RFC 5626 §3): the path a peer reached us on.  A plain value
 * (copy it, store it with a dialog; nothing to free).  For TCP/TLS it
 * names one connection by id: once that connection is closed, sending
 * over the flow fails with ENOTCONN (RFC 5626: the flow failed; the
 * subscription should be ended or refreshed by the peer).  For UDP it
 * names our socket (local) and the peer's address as seen (NAT binding).
 */
struct sip_flow {
	uint64_t conn_id; /* TCP/TLS connection, 0 for UDP or unset */
	enum sip_transp tp;
	struct sip_sa peer;
	struct sip_sa local;
};

/*
 * A flow as a printable token to store with a dialog (RFC 5626 flow
 * token; our own format "TP;LOCAL;PEER;CONN-ID", e.g.
 * "UDP;192.0.2.5:5060;[2001:db8::7]:40000;0"), and back.  After a
 * restart a TCP/TLS token names no connection (ENOTCONN on use); a UDP
 * one still reaches the NAT binding.  Print: 0, EINVAL, EOVERFLOW (sz
 * below SIP_FLOW_TOKEN_MAX may be too small).  Parse: 0 or EINVAL.
 */
#define SIP_FLOW_TOKEN_MAX 160
int sip_flow_token_print(const struct sip_flow *fl, char *buf, size_t sz)
	__attribute__((warn_unused_result));
int sip_flow_token_parse(struct sip_flow *fl, const char *tok)
	__attribute__((warn_unused_result));

/* True when a TCP/TLS flow's connection is still open (UDP: true). */
bool sip_flow_alive(const struct sip_stack *st, const struct sip_flow *fl);

/* Called when a TCP/TLS connection closes (err 0: idle/orderly close). */
typedef void (sip_flow_h)(const struct sip_flow *fl, int err, void *arg);

/*
 * Timers.  Times are milliseconds from the stack's clock (monotonic, or
 * the test's fake clock).  struct sip_timer is caller-owned storage:
 * sip_timer_init never fails; sip_timer_cancel is safe on an idle timer;
 * a timer must be cancelled before its storage goes away.  The handler
 * runs from the loop (or from sip_stack_timers_run) and may restart or
 * cancel any timer, including its own.
 */
typedef void (sip_timer_h)(void *arg);

struct sip_timer {
	struct sip_stack *st;
	uint64_t due;
	size_t idx;     /* position in the stack's heap, SIZE_MAX: idle */
	sip_timer_h *h;
	void *arg;
};

void sip_timer_init(struct sip_timer *t);
/* Start (or restart) t to fire ms from now.  0 or ENOMEM/EINVAL. */
int sip_timer_start(struct sip_stack *st, struct sip_timer *t, uint64_t ms,
		    sip_timer_h *h, void *arg)
	__attribute__((warn_unused_result));
void sip_timer_cancel(struct sip_timer *t);
bool sip_timer_pending(const struct sip_timer *t);

/* The stack's clock: milliseconds. */
uint64_t sip_stack_now(const struct sip_stack *st);

/* Fake clock for tests: returns milliseconds. */
typedef uint64_t (sip_clock_h)(void *arg);

/*
 * Outgoing-message hook (tests, or embedding without sockets): when set
 * in the conf, every message the stack would send goes to it instead.
 * Returns 0 or an errno (the send fails with it).
 */
typedef int (sip_send_h)(const struct sip_peer *dst,
			 const struct sip_flow *fl, const char *buf,
			 size_t len, void *arg);

/* Log sink (silent by default); level is a syslog level (LOG_ERR...). */
typedef void (sip_log_h)(int level, const char *msg, void *arg);

/* Defaults (RFC 3261 §17.1.1.1 and table 4; ours noted). */
#define SIP_T1_MS 500u
#define SIP_T2_MS 4000u
#define SIP_T4_MS 5000u
#define SIP_MAX_CONNS 1024u          /* TCP+TLS connections */
#define SIP_CONN_OUTQ_MAX (1u << 20) /* unsent bytes per connection */
#define SIP_IDLE_MS 300000u          /* TCP/TLS idle close, 5 min */
#define SIP_MAX_TRANS 65536u         /* live transactions */
#define SIP_TLS_TIMEOUT_MS 10000u    /* TLS handshake */
/*
 * Work per event-loop turn (issue 6, NOTIFY storms): at most this many
 * due timers fire before the loop polls the sockets again, and at most
 * this many datagrams are read per readable UDP socket.  10,000 NOTIFY
 * timers due at once used to fire in one go, the subscribers' 200s
 * overflowed the receive buffer meanwhile and timer E retransmitted
 * ~20,000 NOTIFYs; reading more per turn than firing keeps up.
 */
#define SIP_TIMER_BATCH 32u
#define SIP_UDP_BATCH 64u
/* UDP socket buffers asked for (SO_RCVBUF, SO_SNDBUF); the kernel caps
 * them at net.core.rmem_max / wmem_max (often 208 KiB) */
#define SIP_UDP_RCVBUF (1u << 20)
#define SIP_UDP_SNDBUF (1u << 20)

/* Client certificates asked by our TLS listeners. */
enum sip_tls_client {
	SIP_TLS_CLIENT_NONE = 0,  /* not asked (unless tls_verify_peer) */
	SIP_TLS_CLIENT_OPTIONAL,  /* asked; checked against tls_ca if sent */
	SIP_TLS_CLIENT_REQUIRE    /* handshake fails without a valid one */
};

struct sip_stack_conf {
	uint32_t t1_ms, t2_ms, t4_ms;
	struct sip_limits lim;
	size_t max_conns;
	size_t conn_outq_max;
	uint32_t idle_ms;        /* 0: never close idle connections */
	size_t max_trans;
	size_t timer_batch;      /* timers per loop turn (0: default) */
	size_t udp_batch;        /* datagrams per read event (0: default) */
	size_t udp_rcvbuf;       /* SO_RCVBUF bytes asked, 0: kernel's */
	size_t udp_sndbuf;       /* SO_SNDBUF bytes asked, 0: kernel's */
	const char *user_agent;  /* User-Agent/Server value, NULL: none */
	const char *domain;      /* our domain (informative), may be NULL */
	/* TLS (PEM files); needed only for "tls:" listeners and targets */
	const char *tls_cert, *tls_key, *tls_ca;
	bool tls_verify_peer;    /* server: require client certificates;
				    client: verify servers against tls_ca */
	enum sip_tls_client tls_client; /* server side, when not NONE:
					   overrides tls_verify_peer */
	/* hooks */
	sip_log_h *log_h;
	void *log_arg;
	sip_flow_h *flow_h;      /* connection closed */
	void *flow_arg;
	sip_send_h *send_h;      /* tests: capture outgoing messages */
	void *send_arg;
	sip_clock_h *clock_h;    /* tests: fake clock */
	void *clock_arg;
	bool manual_timers;      /* tests: timers fire only from
				    sip_stack_timers_run */
};

/* Fill the defaults above (cannot fail). */
void sip_stack_conf_init(struct sip_stack_conf *conf);

/*
 * Create a stack on base (may be NULL only with send_h and
 * manual_timers).  conf is copied (its strings too).  Returns 0, EINVAL,
 * ENOMEM, or EPROTO when the TLS files cannot be loaded.
 */
int sip_stack_alloc(struct sip_stack **stp, struct event_base *base,
		    const struct sip_stack_conf *conf)
	__attribute__((warn_unused_result));
/* Close everything; no callback runs.  NULL is fine. */
void sip_stack_free(struct sip_stack *st);

/*
 * Listen: "udp:127.0.0.1:5060", "tcp:[::1]:0", "tls:0.0.0.0:5061"
 * (port 0: the kernel picks; read it back with sip_stack_laddr).  IPv6
 * sockets are IPv6-only: listen on both families to serve both.  On a
 * wildcard address (0.0.0.0, ::) flows and Via/Contact still carry the
 * real local address (IP_PKTINFO, getsockname, route lookup).
 * Returns 0, EINVAL (bad spec), EPROTO (tls without certificate),
 * EADDRINUSE or another socket errno.
 */
int sip_stack_listen(struct sip_stack *st, const char *spec)
	__attribute__((warn_unused_result));

/*
 * Local address of the first listener of transport tp and family af
 * (AF_INET, AF_INET6, or AF_UNSPEC for any).  0 or ENOENT.
 */
int sip_stack_laddr(const struct sip_stack *st, enum sip_transp tp, int af,
		    struct sip_sa *sa) __attribute__((warn_unused_result));

/*
 * Run every due timer now (manual_timers; harmless otherwise; the loop
 * itself fires at most timer_batch per turn).  Returns how many fired.
 */
size_t sip_stack_timers_run(struct sip_stack *st);

/*
 * Feed bytes as if received (tests with a send hook; also used by the
 * transports).  For TCP/TLS peers pass one framed message.  Returns 0,
 * or the parse error (the stack already answered or dropped it).
 */
int sip_stack_recv(struct sip_stack *st, const struct sip_peer *src,
		   const struct sip_flow *fl, const char *buf, size_t len);

/* Random token of n hex characters (n < sz) for tags, Call-IDs. */
int sip_stack_token(struct sip_stack *st, char *buf, size_t sz, size_t n)
	__attribute__((warn_unused_result));

/*
 * Server side.  The handler gets each new request (not retransmissions,
 * not ACK) for its method with a server transaction.  It must answer
 * with exactly one final response through sip_reply, now or later from
 * the loop; provisional responses may come first.  req and its views are
 * valid during the call only (use sip_strans_req until the final reply).
 */
typedef void (sip_request_h)(struct sip_strans *t, const struct sip_msg *req,
			     void *arg);

/*
 * Register h for method ("SUBSCRIBE", exact case), or method NULL for a
 * catch-all (registered methods win).  Registered methods form Allow.
 * Returns 0, EINVAL, EEXIST (method taken) or ENOMEM.
 */
int sip_stack_handler_add(struct sip_stack *st, const char *method,
			  sip_request_h *h, void *arg)
	__attribute__((warn_unused_result));

/*
 * What OPTIONS and 420/415 answers advertise: event packages
 * (Allow-Events), body types (Accept), option tags (Supported; a Require
 * naming only these passes).  Duplicates are ignored.  0, EINVAL, ENOMEM.
 */
int sip_stack_event_add(struct sip_stack *st, const char *package)
	__attribute__((warn_unused_result));
int sip_stack_accept_add(struct sip_stack *st, const char *ctype)
	__attribute__((warn_unused_result));
int sip_stack_supported_add(struct sip_stack *st, const char *tag)
	__attribute__((warn_unused_result));

/* An extra header to print: name (or id) and value, no CR/LF. */
struct sip_hdr_out {
	enum sip_hdr_id id;   /* SIP_HDR_OTHER: use name */
	const char *name;
	struct sip_pl val;
};

/* A response. */
struct sip_reply_desc {
	uint16_t scode;               /* 100..699 */
	const char *reason;           /* NULL: the standard phrase */
	struct sip_pl to_tag;         /* added when To has no tag */
	const struct sip_hdr_out *hdrv;
	size_t hdrc;
	const char *ctype;            /* NULL: no body */
	const void *body;
	size_t body_len;
};

/*
 * Send a response on t.  The stack adds Via/From/To/Call-ID/CSeq (RFC
 * 3261 §8.2.6), Server (user_agent) and Content-Length.  After a final
 * response (>= 200) t is no longer the caller's.  Returns 0, EINVAL (bad
 * desc, or a final response already sent), EOVERFLOW (too large), ENOMEM
 * or a transport error (the transaction is then terminated).
 */
int sip_reply(struct sip_strans *t, const struct sip_reply_desc *rd)
	__attribute__((warn_unused_result));
/* sip_reply with only a status (and reason, NULL for the default). */
int sip_reply_status(struct sip_strans *t, uint16_t scode,
		     const char *reason) __attribute__((warn_unused_result));

/* The standard reason phrase of scode ("OK"), "Unknown" otherwise. */
const char *sip_reason_phrase(uint16_t scode);

/*
 * The request of t: valid until its final response (and while the
 * request handler runs); NULL after.  A transaction keeps only its key,
 * last response, peer and flow after the final response (timer J).
 */
const struct sip_msg *sip_strans_req(const struct sip_strans *t);
/* Where the request came from, and the flow to reach that peer again. */
const struct sip_peer *sip_strans_peer(const struct sip_strans *t);
void sip_strans_flow(const struct sip_strans *t, struct sip_flow *fl);
/*
 * Whether requests to this peer should go back over that flow (RFC 5626
 * flow reuse): the request came over TCP/TLS, or its Contact URI or top
 * Via carries ";ob".  The event layer then stores the flow with the
 * dialog and passes it in struct sip_req_desc.  Ask before the final
 * response: after it the request is gone (false).
 */
bool sip_strans_flow_reuse(const struct sip_strans *t);

/*
 * Client side.  A request outside or inside a dialog.  The stack adds
 * Via (its own branch, rport), Max-Forwards 70 (unless in hdrv),
 * User-Agent and Content-Length; Contact when contact_user is set
 * (sip:user@our-address, transport of the chosen path).
 * Destination: the flow when given (RFC 5626 flow reuse); else the first
 * Route (unless to_ruri), else the Request-URI; its host (numeric, or a
 * name resolved to A/AAAA first: a failed lookup is reported as 503),
 * port (default 5060, 5061 for sips) and transport (";transport=",
 * sips: always TLS, else UDP).  An open connection to the same peer and
 * transport is reused.
 */
struct sip_req_desc {
	const char *method;           /* not INVITE, ACK or CANCEL */
	const char *ruri;
	const char *from;             /* header values, From with tag */
	const char *to;
	const char *callid;
	uint32_t cseq;
	const char *const *routev;    /* route set, header values in order */
	size_t routec;
	const char *contact_user;     /* NULL: no Contact */
	const struct sip_hdr_out *hdrv;
	size_t hdrc;
	const char *ctype;            /* NULL: no body */
	const void *body;
	size_t body_len;
	const struct sip_flow *flow;  /* NULL: by target */
	/* send to the Request-URI even with a route set: a request for a
	 * strict router (RFC 3261 §8.1.2, §12.2.1.1) */
	bool to_ruri;
};

/*
 * Response handler: provisional and final responses (err 0, resp set,
 * scode its status), or a failure without response: err ETIMEDOUT with
 * scode 408 (timer F), or a transport errno with scode 503.  After a
 * final result (scode >= 200) the transaction is done and the handle
 * invalid; retransmitted or forked extra finals are absorbed.
 */
typedef void (sip_resp_h)(int err, uint16_t scode,
			  const struct sip_msg *resp, void *arg);

/*
 * Start a non-INVITE client transaction.  On success *ctp (optional) is
 * set and resph will be called later (never from inside this call).
 * Returns 0, EINVAL (bad desc, method or target), ENOTCONN (the flow's
 * connection is gone), EOVERFLOW, ENOMEM, ENOBUFS (max_trans or output
 * queue full) or a socket errno; then resph is never called.
 */
int sip_request_send(struct sip_stack *st, const struct sip_req_desc *rd,
		     sip_resp_h *resph, void *arg, struct sip_ctrans **ctp)
	__attribute__((warn_unused_result));

/*
 * Stop reporting: resph is not called again; the transaction finishes
 * silently (retransmissions stop).  NULL is fine.
 */
void sip_ctrans_cancel(struct sip_ctrans *ct);

/*
 * Counters (tests and metrics).  udp_rcvbuf/udp_sndbuf: what the kernel
 * reports for the last UDP socket opened (getsockopt: twice what it
 * grants, its bookkeeping; 0 when none).  ctrans_req_bytes: bytes of
 * requests client transactions hold for retransmission (a transaction
 * frees its request at its final response; it then waits timer K with
 * its branch only).
 */
struct sip_stack_stats {
	uint64_t rx_msgs, tx_msgs, rx_bad, rx_dropped;
	uint64_t retrans_tx, retrans_absorbed;
	size_t strans, ctrans, conns;
	size_t udp_rcvbuf, udp_sndbuf;
	size_t ctrans_req_bytes;
};

void sip_stack_stats_get(const struct sip_stack *st,
			 struct sip_stack_stats *s);

#endif
