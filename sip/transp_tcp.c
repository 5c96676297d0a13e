/*
 * transp_tcp.c: TCP and TLS connections on libevent bufferevents (TLS via
 * bufferevent_openssl, TLS 1.2 minimum): listeners, outgoing connections
 * reused per peer, stream framing with byte caps (sip_frame_stream:
 * Content-Length checked before the body; close on framing errors),
 * RFC 5626 CRLFCRLF ping -> CRLF pong, idle timeout, max connections,
 * per-connection output cap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "sip/sip.h"
#include "sip/sip_int.h"
#include "sip/sip_stack.h"
#include "sip/stack_int.h"

#define BEV_OPTS BEV_OPT_CLOSE_ON_FREE

/* ---- TLS contexts ---- */

static SSL_CTX *ctx_new(const struct sip_stack *st, bool server)
{
	const struct sip_stack_conf *c = &st->conf;
	SSL_CTX *ctx =
	    SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());

	if (!ctx)
		return NULL;
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
		goto fail;
	if (c->tls_cert && c->tls_key &&
	    (SSL_CTX_use_certificate_chain_file(ctx, c->tls_cert) != 1 ||
	     SSL_CTX_use_PrivateKey_file(ctx, c->tls_key, SSL_FILETYPE_PEM) !=
		 1 ||
	     SSL_CTX_check_private_key(ctx) != 1))
		goto fail;
	if (c->tls_ca &&
	    SSL_CTX_load_verify_locations(ctx, c->tls_ca, NULL) != 1)
		goto fail;
	if (server && c->tls_client == SIP_TLS_CLIENT_OPTIONAL)
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	else if (server && c->tls_client == SIP_TLS_CLIENT_REQUIRE)
		SSL_CTX_set_verify(
		    ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
		    NULL);
	else if (c->tls_verify_peer)
		SSL_CTX_set_verify(
		    ctx,
		    SSL_VERIFY_PEER |
			(server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0),
		    NULL);
	else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
fail:
	ERR_clear_error();
	SSL_CTX_free(ctx);
	return NULL;
}

int sip_tls_init(struct sip_stack *st)
{
	const struct sip_stack_conf *c = &st->conf;

	if ((c->tls_cert && !c->tls_key) || (!c->tls_cert && c->tls_key))
		return EINVAL;
	if ((c->tls_verify_peer || c->tls_client != SIP_TLS_CLIENT_NONE) &&
	    !c->tls_ca)
		return EINVAL;
	if (c->tls_client > SIP_TLS_CLIENT_REQUIRE)
		return EINVAL;
	if (c->tls_cert) {
		st->tls_srv = ctx_new(st, true);
		if (!st->tls_srv)
			return EPROTO;
	}
	st->tls_cli = ctx_new(st, false);
	return st->tls_cli ? 0 : EPROTO;
}

void sip_tls_close(struct sip_stack *st)
{
	SSL_CTX_free(st->tls_srv);
	SSL_CTX_free(st->tls_cli);
	st->tls_srv = NULL;
	st->tls_cli = NULL;
}

/* ---- connections ---- */

struct sip_conn *sip_conn_find_id(const struct sip_stack *st, uint64_t id)
{
	struct sip_conn *c;

	if (!id)
		return NULL;
	for (c = st->conns; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

struct sip_conn *sip_conn_find_peer(const struct sip_stack *st,
				    enum sip_transp tp,
				    const struct sip_sa *peer)
{
	struct sip_conn *c;

	for (c = st->conns; c; c = c->next)
		if (c->tp == tp && !c->closing && sip_sa_eq(&c->peer, peer))
			return c;
	return NULL;
}

static void conn_destroy(struct sip_conn *c)
{
	struct sip_stack *st = c->st;

	if (c->prev)
		c->prev->next = c->next;
	else
		st->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	st->nconns--;
	sip_timer_cancel(&c->idle);
	if (c->bev)
		bufferevent_free(c->bev);
	if (c->free_ev)
		event_free(c->free_ev);
	free(c);
}

static void free_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_destroy(arg);
}

/* Close: stop I/O now, tell the flow handler, free from the loop. */
static void conn_close(struct sip_conn *c, int err)
{
	struct sip_stack *st = c->st;
	struct sip_flow fl;

	if (c->closing)
		return;
	c->closing = true;
	sip_timer_cancel(&c->idle);
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_active(c->free_ev, 0, 0);
	sip_ctrans_conn_closed(st, c->id, err);
	if (st->conf.flow_h) {
		memset(&fl, 0, sizeof(fl));
		fl.tp = c->tp;
		fl.peer = c->peer;
		fl.local = c->local;
		fl.conn_id = c->id;
		st->conf.flow_h(&fl, err, st->conf.flow_arg);
	}
}

static void idle_cb(void *arg)
{
	struct sip_conn *c = arg;

	sip_stack_log(c->st, LOG_INFO, "conn %llu: idle, closing",
		      (unsigned long long)c->id);
	conn_close(c, 0);
}

static void touch(struct sip_conn *c)
{
	uint64_t ms = c->st->conf.idle_ms;

	if (!c->connected && c->tp == SIP_TRANSP_TLS &&
	    (!ms || ms > SIP_TLS_TIMEOUT_MS))
		ms = SIP_TLS_TIMEOUT_MS;
	if (!ms)
		return;
	if (sip_timer_start(c->st, &c->idle, ms, idle_cb, c))
		conn_close(c, ENOMEM);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	struct sip_conn *c = arg;
	struct sip_stack *st = c->st;
	struct evbuffer *in = bufferevent_get_input(bev);
	struct sip_frame fr;
	struct sip_peer src;
	struct sip_flow fl;
	struct sip_err e;

	if (c->closing)
		return;
	c->connected = true; /* bytes came: the TLS handshake is done */
	touch(c);
	src.tp = c->tp;
	src.sa = c->peer;
	memset(&fl, 0, sizeof(fl));
	fl.tp = c->tp;
	fl.peer = c->peer;
	fl.local = c->local;
	fl.conn_id = c->id;
	while (!c->closing) {
		size_t len = evbuffer_get_length(in);
		size_t n =
		    len < st->conf.lim.max_msg ? len : st->conf.lim.max_msg;
		const char *p;
		int err;

		if (!len)
			break;
		p = (const char *)evbuffer_pullup(in, (ev_ssize_t)n);
		if (!p) {
			conn_close(c, ENOMEM);
			break;
		}
		err = sip_frame_stream(p, n, &st->conf.lim, &fr, &e);
		if (err == ENODATA) {
			if (fr.skip) {
				evbuffer_drain(in, fr.skip);
				continue;
			}
			if (len > st->conf.lim.max_msg) {
				sip_stack_bad(st, &c->peer,
					      "message too large");
				conn_close(c, EOVERFLOW);
			}
			break;
		}
		if (err) {
			/* SEC-19: framing error or over the cap: close */
			sip_stack_bad(st, &c->peer, e.reason);
			conn_close(c, err);
			break;
		}
		if (fr.kind == SIP_FRAME_PING) {
			/* RFC 5626 §4.4.1: pong */
			if (bufferevent_write(bev, "\r\n", 2))
				conn_close(c, ENOMEM);
		} else if (fr.kind == SIP_FRAME_MSG) {
			(void)sip_stack_recv(st, &src, &fl, p + fr.skip,
					     fr.len);
		}
		evbuffer_drain(in, fr.skip + fr.len);
	}
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct sip_conn *c = arg;
	int err = 0;

	(void)bev;
	if (what & BEV_EVENT_CONNECTED) {
		c->connected = true;
		touch(c);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		err =
		    EVUTIL_SOCKET_ERROR() ? EVUTIL_SOCKET_ERROR() : ECONNRESET;
	else if (what & BEV_EVENT_TIMEOUT)
		err = ETIMEDOUT;
	if (c->tp == SIP_TRANSP_TLS)
		ERR_clear_error();
	conn_close(c, err);
}

static int conn_new(struct sip_stack *st, enum sip_transp tp,
		    const struct sip_sa *peer, const struct sip_sa *local,
		    evutil_socket_t fd, struct sip_conn **cp)
{
	struct sip_conn *c;
	SSL *ssl = NULL;

	if (st->nconns >= st->conf.max_conns)
		return ENOBUFS;
	if (tp == SIP_TRANSP_TLS && !(fd >= 0 ? st->tls_srv : st->tls_cli))
		return EPROTO;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->st = st;
	c->tp = tp;
	c->peer = *peer;
	if (local)
		c->local = *local;
	c->incoming = fd >= 0;
	c->connected = c->incoming && tp == SIP_TRANSP_TCP;
	sip_timer_init(&c->idle);
	c->free_ev = event_new(st->base, -1, 0, free_cb, c);
	if (!c->free_ev)
		goto fail;
	if (tp == SIP_TRANSP_TLS) {
		ssl = SSL_new(fd >= 0 ? st->tls_srv : st->tls_cli);
		if (!ssl)
			goto fail;
		if (fd < 0 && st->tls_name &&
		    SSL_set_tlsext_host_name(ssl, st->tls_name) != 1)
			goto fail;
		if (fd < 0 && st->conf.tls_verify_peer && st->tls_name) {
			/* the certificate must name the host we resolved */
			if (SSL_set1_host(ssl, st->tls_name) != 1)
				goto fail;
		} else if (fd < 0 && st->conf.tls_verify_peer) {
			X509_VERIFY_PARAM *vp = SSL_get0_param(ssl);
			const void *a =
			    peer->u.sa.sa_family == AF_INET
				? (const void *)&peer->u.in.sin_addr
				: (const void *)&peer->u.in6.sin6_addr;
			size_t al = peer->u.sa.sa_family == AF_INET ? 4 : 16;
			if (X509_VERIFY_PARAM_set1_ip(vp, a, al) != 1)
				goto fail;
		}
		c->bev = bufferevent_openssl_socket_new(
		    st->base, fd, ssl,
		    fd >= 0 ? BUFFEREVENT_SSL_ACCEPTING
			    : BUFFEREVENT_SSL_CONNECTING,
		    BEV_OPTS);
		if (!c->bev)
			goto fail; /* libevent frees ssl only on success */
		ssl = NULL;
	} else {
		c->bev = bufferevent_socket_new(st->base, fd, BEV_OPTS);
		if (!c->bev)
			goto fail;
	}
	bufferevent_setcb(c->bev, read_cb, NULL, event_cb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, st->conf.lim.max_msg + 4);
	if (bufferevent_enable(c->bev, EV_READ | EV_WRITE))
		goto fail;
	c->id = st->next_conn_id++;
	c->next = st->conns;
	if (st->conns)
		st->conns->prev = c;
	st->conns = c;
	st->nconns++;
	*cp = c;
	return 0;
fail:
	if (ssl)
		SSL_free(ssl);
	if (c->bev)
		bufferevent_free(c->bev);
	else if (fd >= 0)
		close(fd);
	if (c->free_ev)
		event_free(c->free_ev);
	free(c);
	return ENOMEM;
}

static void accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
		      struct sockaddr *sa, int salen, void *arg)
{
	struct sip_listener *l = arg;
	struct sip_stack *st = l->st;
	struct sip_conn *c;
	struct sip_sa peer, local;
	int err;

	(void)lev;
	memset(&peer, 0, sizeof(peer));
	if (salen <= 0 || (size_t)salen > sizeof(peer.u)) {
		close(fd);
		return;
	}
	memcpy(&peer.u, sa, (size_t)salen);
	peer.len = (socklen_t)salen;
	/* our real address on this connection (the listener may be a
	 * wildcard); the port is the listener's */
	local.len = sizeof(local.u);
	if (!l->wildcard || getsockname(fd, &local.u.sa, &local.len) ||
	    local.len > sizeof(local.u))
		local = l->local;
	err = conn_new(st, l->tp, &peer, &local, fd, &c);
	if (err) {
		/* conn_new closed fd (or we do, when it was refused) */
		if (err == ENOBUFS || err == EPROTO)
			close(fd);
		st->stats.rx_dropped++;
		sip_stack_log(st, LOG_WARNING, "accept: error %d", err);
		return;
	}
	touch(c);
}

int sip_tcp_listen(struct sip_stack *st, enum sip_transp tp,
		   const struct sip_sa *sa)
{
	struct sip_listener *l;
	int fd, on = 1, err;

	if (tp == SIP_TRANSP_TLS && !st->tls_srv)
		return EPROTO;
	fd = socket(sa->u.sa.sa_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (sa->u.sa.sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
				 sizeof(on));
	l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		return ENOMEM;
	}
	l->st = st;
	l->tp = tp;
	l->fd = fd;
	l->local.len = sizeof(l->local.u);
	if (bind(fd, &sa->u.sa, sa->len) ||
	    getsockname(fd, &l->local.u.sa, &l->local.len) ||
	    l->local.len > sizeof(l->local.u)) {
		err = l->local.len > sizeof(l->local.u) ? EAFNOSUPPORT : errno;
		close(fd);
		free(l);
		return err;
	}
	l->wildcard = sip_sa_wildcard(&l->local);
	l->lev = evconnlistener_new(
	    st->base, accept_cb, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 128, fd);
	if (!l->lev) {
		err = errno ? errno : ENOMEM;
		close(fd);
		free(l);
		return err;
	}
	l->next = st->lst;
	st->lst = l;
	return 0;
}

/* Open a connection to peer. */
static int conn_connect(struct sip_stack *st, const struct sip_flow *path,
			struct sip_conn **cp)
{
	struct sip_conn *c;
	int err;

	err = conn_new(st, path->tp, &path->peer,
		       path->local.len ? &path->local : NULL, -1, &c);
	if (err)
		return err;
	if (bufferevent_socket_connect(c->bev, &path->peer.u.sa,
				       (int)path->peer.len)) {
		conn_close(c, ECONNREFUSED);
		return ECONNREFUSED;
	}
	touch(c);
	*cp = c;
	return 0;
}

int sip_tcp_send(struct sip_stack *st, struct sip_flow *path, const char *buf,
		 size_t len)
{
	struct sip_conn *c;
	struct evbuffer *out;
	int err;

	if (!st->base)
		return ENOTCONN;
	if (path->conn_id) {
		c = sip_conn_find_id(st, path->conn_id);
		if (!c || c->closing)
			return ENOTCONN;
	} else {
		c = sip_conn_find_peer(st, path->tp, &path->peer);
		if (!c) {
			err = conn_connect(st, path, &c);
			if (err)
				return err;
		}
	}
	out = bufferevent_get_output(c->bev);
	if (evbuffer_get_length(out) + len > st->conf.conn_outq_max)
		return ENOBUFS;
	if (bufferevent_write(c->bev, buf, len))
		return ENOMEM;
	path->conn_id = c->id;
	return 0;
}

void sip_conns_close(struct sip_stack *st)
{
	while (st->conns)
		conn_destroy(st->conns);
}
