/*
 * stack_int.h: internals shared by the SIP stack core files (stack.c,
 * timer.c, strans.c, ctrans.c, transp.c, transp_tcp.c).  Not public.
 */
#ifndef SIP_STACK_INT_H
#define SIP_STACK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

struct event;
struct evconnlistener;
struct evdns_base;
struct bufferevent;
struct ssl_ctx_st;

/* Transaction hash buckets (chained): start, grown x4 when the chains
 * average 2 entries, up to the maximum; powers of two. */
#define SIP_TRANS_BUCKETS 1024u
#define SIP_TRANS_BUCKETS_MAX (1u << 20)
/* Buckets of the merged-request index (fixed; a power of two). */
#define SIP_MERGE_BUCKETS 4096u
/* Branch: magic cookie + 16 hex digits. */
#define SIP_BRANCH_MAX 32
/* Key of a server transaction (see strans.c). */
#define SIP_SKEY_MAX 1024
/* Response/request built by the stack: at most the message cap. */

/* A string list (Allow-Events, Accept, Supported, methods). */
struct sip_strv {
	char **v;
	size_t n;
};

struct sip_handler {
	char *method; /* NULL: catch-all */
	sip_request_h *h;
	void *arg;
};

struct sip_listener {
	struct sip_listener *next;
	struct sip_stack *st;
	enum sip_transp tp;
	struct sip_sa local;
	bool wildcard;                 /* bound to 0.0.0.0 or :: */
	int fd;
	struct event *ev;              /* UDP */
	struct evconnlistener *lev;    /* TCP/TLS */
};

struct sip_conn {
	struct sip_conn *next, *prev;
	struct sip_stack *st;
	uint64_t id;
	enum sip_transp tp;
	struct sip_sa peer;
	struct sip_sa local;           /* our listener's address (Via) */
	struct bufferevent *bev;
	struct event *free_ev;         /* deferred free */
	struct sip_timer idle;
	bool connected, closing, incoming;
};

struct sip_stack {
	struct event_base *base;
	struct sip_stack_conf conf;    /* strings below point to copies */
	char *user_agent, *domain, *tls_cert, *tls_key, *tls_ca;

	/* timers: min-heap by due */
	struct sip_timer **heap;
	size_t heapc, heapsz;
	struct event *tmr_ev;

	/* dispatch */
	struct sip_handler *hv;
	size_t hc;
	struct sip_strv events, accepts, supported;

	/* transactions */
	struct sip_strans **sbuck;
	struct sip_ctrans **cbuck;
	size_t nsbuck, ncbuck;
	struct sip_strans **mbuck;     /* SIP_MERGE_BUCKETS: requests
					  without To tag (§8.2.2.2) */
	size_t nstrans, nctrans;

	/* transports */
	struct sip_listener *lst;
	struct sip_conn *conns;
	size_t nconns;
	uint64_t next_conn_id;
	char *rxbuf;                   /* UDP receive, max_msg + 1 */
	struct evdns_base *dns;        /* made on first need */
	const char *tls_name;          /* server name for a TLS connection
					  opened by the current send (SNI,
					  certificate check), else NULL */
	struct ssl_ctx_st *tls_srv, *tls_cli;

	struct sip_stack_stats stats;
	uint64_t bad_log_at;           /* last malformed-input warning */
	uint64_t bad_log_quiet;        /* warnings suppressed since */
};

/* log.c-less logging: formats only when a sink is set. */
void sip_stack_log(const struct sip_stack *st, int level, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/*
 * Count malformed input and warn about it at most once a second (STYLE
 * 2.7): "bad message from PEER: REASON (N more suppressed)".
 */
void sip_stack_bad(struct sip_stack *st, const struct sip_sa *from,
		   const char *reason);

/* The transaction tables' hash of pl: the event tables' one (event_int.h). */
uint32_t sip_hash_pl(const struct sip_pl *pl);
int sip_strv_add(struct sip_strv *sv, const char *s);
bool sip_strv_has(const struct sip_strv *sv, const struct sip_pl *s);
void sip_strv_reset(struct sip_strv *sv);

/* timer.c */
int sip_timers_init(struct sip_stack *st);
void sip_timers_close(struct sip_stack *st);

/*
 * The bits of a request a response copies (RFC 3261 §8.2.6), from a
 * parsed message (msg set: its Via headers are used) or scanned out of a
 * malformed one (via/viac: a caller array of at most SIP_HDRS_MAX).
 */
struct sip_resp_src {
	const struct sip_msg *msg;
	const struct sip_pl *via;
	size_t viac;
	struct sip_pl top_via;
	struct sip_pl from, to, callid, cseq;
	bool to_has_tag;
	bool rport;                    /* top Via had rport */
	struct sip_sa src;             /* where it came from */
};

/* strans.c */
int sip_resp_src_from_msg(struct sip_resp_src *rs, const struct sip_msg *m,
			  const struct sip_sa *src);
int sip_resp_src_scan(struct sip_resp_src *rs, struct sip_pl *viav,
		      size_t viamax, const char *buf, size_t len,
		      const struct sip_sa *src);
int sip_resp_print(struct sip_stack *st, struct sip_buf *b,
		   const struct sip_resp_src *rs,
		   const struct sip_reply_desc *rd);
/* Where a response to a request from src with top Via v goes (§18.2.2). */
void sip_resp_dst(const struct sip_peer *src, const struct sip_via *v,
		  struct sip_peer *dst);
/* Handle a request: retransmission, or a new transaction (true). */
bool sip_strans_match(struct sip_stack *st, const struct sip_msg *req,
		      const struct sip_peer *src);
/*
 * Takes req on success (freed once the final response is sent).
 * Returns 0, ENOBUFS (max_trans), EBADMSG (no Via), EOVERFLOW (key over
 * SIP_SKEY_MAX) or ENOMEM.
 */
int sip_strans_alloc(struct sip_strans **tp, struct sip_stack *st,
		     struct sip_msg *req, const struct sip_peer *src,
		     const struct sip_flow *fl);
/*
 * Hand t's request to handler h: the request stays valid during the
 * call even when h sends the final response (it is freed after).
 */
void sip_strans_handler_run(struct sip_strans *t, sip_request_h *h,
			    void *arg);
/*
 * §8.2.2.2: a request without To tag whose From tag, Call-ID and CSeq
 * are those of a live transaction it does not match (it came again by
 * another path): answer 482.
 */
bool sip_strans_merged(struct sip_stack *st, const struct sip_msg *req);
/* Is there a live INVITE server transaction this CANCEL matches? */
bool sip_strans_cancel_match(struct sip_stack *st,
			     const struct sip_msg *cancel);
void sip_strans_flush(struct sip_stack *st);
int sip_stateless_reply(struct sip_stack *st, const struct sip_resp_src *rs,
			const struct sip_peer *src, const struct sip_flow *fl,
			const struct sip_via *via,
			const struct sip_reply_desc *rd);

/* ctrans.c */
void sip_ctrans_recv(struct sip_stack *st, const struct sip_msg *resp);
void sip_ctrans_flush(struct sip_stack *st);
/* A connection closed: its pending transactions fail (503, §8.1.3.1). */
void sip_ctrans_conn_closed(struct sip_stack *st, uint64_t conn_id,
			    int err);

/* stack.c: answers the stack gives itself (OPTIONS 200, 405 Allow) */
int sip_stack_allow_print(const struct sip_stack *st, struct sip_buf *b);

/* transp.c */
/*
 * Choose how to reach dst (or fl): fills path (transport, peer, our
 * local listener address for Via/Contact, connection id when one is
 * open).  Returns 0, ENOTCONN (flow gone), EAFNOSUPPORT (no listener of
 * that family for UDP), EINVAL.
 */
int sip_transp_path(struct sip_stack *st, const struct sip_peer *dst,
		    const struct sip_flow *fl, struct sip_flow *path);
/*
 * Send over path (opening a TCP/TLS connection when none is open; then
 * path->conn_id is set).  Returns 0, ENOTCONN, ENOBUFS (queue full), a
 * socket errno.
 */
int sip_transp_send(struct sip_stack *st, struct sip_flow *path,
		    const char *buf, size_t len);
void sip_transp_close(struct sip_stack *st);
/* Bound to the unspecified address (0.0.0.0, ::)? */
bool sip_sa_wildcard(const struct sip_sa *sa);
/* Replace a wildcard local address by the one the kernel would use to
 * reach peer (keeps the port); unchanged on failure. */
void sip_sa_local_for(struct sip_sa *local, const struct sip_sa *peer);
/*
 * RFC 5626 §4.4.2 / RFC 5389: a STUN Binding request on a UDP flow gets
 * a Binding success response with XOR-MAPPED-ADDRESS (the keep-alive of
 * clients behind NAT).  Returns true when buf was STUN (answered or
 * dropped), false when it is not STUN (parse it as SIP).
 */
bool sip_stun_recv(struct sip_stack *st, const struct sip_peer *src,
		   const struct sip_flow *fl, const char *buf, size_t len);
/* Our address for a Via sent-by / Contact host:port of path. */
int sip_transp_sentby(const struct sip_flow *path, char *buf, size_t sz);

/* transp_tcp.c */
int sip_tcp_listen(struct sip_stack *st, enum sip_transp tp,
		   const struct sip_sa *sa);
int sip_tcp_send(struct sip_stack *st, struct sip_flow *path,
		 const char *buf, size_t len);
struct sip_conn *sip_conn_find_id(const struct sip_stack *st, uint64_t id);
struct sip_conn *sip_conn_find_peer(const struct sip_stack *st,
				    enum sip_transp tp,
				    const struct sip_sa *peer);
void sip_conns_close(struct sip_stack *st);
int sip_tls_init(struct sip_stack *st);
void sip_tls_close(struct sip_stack *st);

#endif
