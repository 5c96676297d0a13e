/*
 * transp.c: addresses, listeners, path choice and sending; UDP sockets
 * (RFC 3261 §18).  TCP and TLS connections live in transp_tcp.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "sip/sip.h"
#include "sip/sip_int.h"
#include "sip/sip_stack.h"
#include "sip/stack_int.h"


const char *sip_transp_name(enum sip_transp tp)
{
	switch (tp) {
	case SIP_TRANSP_UDP:
		return "UDP";
	case SIP_TRANSP_TCP:
		return "TCP";
	case SIP_TRANSP_TLS:
		return "TLS";
	default:
		return "?";
	}
}

bool sip_transp_reliable(enum sip_transp tp)
{
	return tp == SIP_TRANSP_TCP || tp == SIP_TRANSP_TLS;
}

/* ---- addresses ---- */

int sip_sa_set(struct sip_sa *sa, const char *host, uint16_t port)
{
	struct sip_pl pl;

	if (!sa || !host)
		return EINVAL;
	sip_pl_set_str(&pl, host);
	return sip_sa_set_pl(sa, &pl, port);
}

int sip_sa_set_pl(struct sip_sa *sa, const struct sip_pl *host, uint16_t port)
{
	char buf[INET6_ADDRSTRLEN + 2];
	struct sip_pl h;

	if (!sa || !host)
		return EINVAL;
	h = *host;
	if (h.l >= 2 && h.p[0] == '[' && h.p[h.l - 1] == ']') {
		h.p++;
		h.l -= 2;
	}
	if (sip_pl_strcpy(&h, buf, sizeof(buf)))
		return EINVAL;
	memset(sa, 0, sizeof(*sa));
	if (inet_pton(AF_INET, buf, &sa->u.in.sin_addr) == 1) {
		sa->u.in.sin_family = AF_INET;
		sa->u.in.sin_port = htons(port);
		sa->len = sizeof(sa->u.in);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &sa->u.in6.sin6_addr) == 1) {
		sa->u.in6.sin6_family = AF_INET6;
		sa->u.in6.sin6_port = htons(port);
		sa->len = sizeof(sa->u.in6);
		return 0;
	}
	return EINVAL;
}

uint16_t sip_sa_port(const struct sip_sa *sa)
{
	if (!sa)
		return 0;
	if (sa->u.sa.sa_family == AF_INET)
		return ntohs(sa->u.in.sin_port);
	if (sa->u.sa.sa_family == AF_INET6)
		return ntohs(sa->u.in6.sin6_port);
	return 0;
}

int sip_sa_af(const struct sip_sa *sa)
{
	return sa && sa->len ? sa->u.sa.sa_family : AF_UNSPEC;
}

bool sip_sa_eq(const struct sip_sa *a, const struct sip_sa *b)
{
	if (!a || !b || a->u.sa.sa_family != b->u.sa.sa_family)
		return false;
	if (a->u.sa.sa_family == AF_INET)
		return a->u.in.sin_port == b->u.in.sin_port &&
		       a->u.in.sin_addr.s_addr == b->u.in.sin_addr.s_addr;
	if (a->u.sa.sa_family == AF_INET6)
		return a->u.in6.sin6_port == b->u.in6.sin6_port &&
		       !memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr,
			       sizeof(struct in6_addr));
	return false;
}

int sip_sa_host(const struct sip_sa *sa, char *buf, size_t sz)
{
	char tmp[INET6_ADDRSTRLEN];
	const void *a;
	size_t l;

	if (!sa || !buf || !sz)
		return EINVAL;
	if (sa->u.sa.sa_family == AF_INET)
		a = &sa->u.in.sin_addr;
	else if (sa->u.sa.sa_family == AF_INET6)
		a = &sa->u.in6.sin6_addr;
	else
		return EINVAL;
	if (!inet_ntop(sa->u.sa.sa_family, a, tmp, sizeof(tmp)))
		return EINVAL;
	l = strlen(tmp);
	if (l >= sz)
		return EOVERFLOW;
	memcpy(buf, tmp, l + 1);
	return 0;
}

int sip_sa_print(const struct sip_sa *sa, char *buf, size_t sz)
{
	char host[INET6_ADDRSTRLEN];
	int err = sip_sa_host(sa, host, sizeof(host));
	int n;

	if (err)
		return err;
	if (sa->u.sa.sa_family == AF_INET6)
		n = snprintf(buf, sz, "[%s]:%u", host,
			     (unsigned)sip_sa_port(sa));
	else
		n = snprintf(buf, sz, "%s:%u", host,
			     (unsigned)sip_sa_port(sa));
	return n < 0 || (size_t)n >= sz ? EOVERFLOW : 0;
}

int sip_transp_sentby(const struct sip_flow *path, char *buf, size_t sz)
{
	static const char inval[] = "invalid";

	if (path->local.len)
		return sip_sa_print(&path->local, buf, sz);
	if (sz < sizeof(inval))
		return EOVERFLOW;
	memcpy(buf, inval, sizeof(inval));
	return 0;
}

bool sip_sa_wildcard(const struct sip_sa *sa)
{
	if (sa->u.sa.sa_family == AF_INET)
		return sa->u.in.sin_addr.s_addr == htonl(INADDR_ANY);
	if (sa->u.sa.sa_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&sa->u.in6.sin6_addr);
	return false;
}

void sip_sa_local_for(struct sip_sa *local, const struct sip_sa *peer)
{
	struct sip_sa got;
	uint16_t port = sip_sa_port(local);
	int fd;

	if (!sip_sa_wildcard(local) ||
	    local->u.sa.sa_family != peer->u.sa.sa_family)
		return;
	fd = socket(peer->u.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	got.len = sizeof(got.u);
	/* a UDP connect only asks the routing table; nothing is sent */
	if (!connect(fd, &peer->u.sa, peer->len) &&
	    !getsockname(fd, &got.u.sa, &got.len) &&
	    got.len <= sizeof(got.u) &&
	    got.u.sa.sa_family == peer->u.sa.sa_family) {
		*local = got;
		if (got.u.sa.sa_family == AF_INET)
			local->u.in.sin_port = htons(port);
		else
			local->u.in6.sin6_port = htons(port);
	}
	close(fd);
}

/* ---- listeners ---- */

static struct sip_listener *listener_find(const struct sip_stack *st,
					  enum sip_transp tp, int af)
{
	struct sip_listener *l;

	for (l = st->lst; l; l = l->next)
		if (l->tp == tp &&
		    (af == AF_UNSPEC || l->local.u.sa.sa_family == af))
			return l;
	return NULL;
}

int sip_stack_laddr(const struct sip_stack *st, enum sip_transp tp, int af,
		    struct sip_sa *sa)
{
	const struct sip_listener *l;

	if (!st || !sa)
		return EINVAL;
	l = listener_find(st, tp, af);
	if (!l)
		return ENOENT;
	*sa = l->local;
	return 0;
}

/* The address a datagram was sent to (IP_PKTINFO): our local address
 * on a wildcard listener; local keeps its port. */
static void pktinfo_local(struct msghdr *mh, struct sip_sa *local)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_PKTINFO &&
		    local->u.sa.sa_family == AF_INET) {
			struct in_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			local->u.in.sin_addr = pi.ipi_addr;
		} else if (c->cmsg_level == IPPROTO_IPV6 &&
			   c->cmsg_type == IPV6_PKTINFO &&
			   local->u.sa.sa_family == AF_INET6) {
			struct in6_pktinfo pi;
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			local->u.in6.sin6_addr = pi.ipi6_addr;
		}
	}
}

static bool crlf_only(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			return false;
	return true;
}

static void udp_cb(evutil_socket_t fd, short what, void *arg)
{
	struct sip_listener *l = arg;
	struct sip_stack *st = l->st;
	struct sip_peer src;
	struct sip_flow fl;
	size_t i;

	(void)what;
	for (i = 0; i < st->conf.udp_batch; i++) {
		union {
			char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
			struct cmsghdr align;
		} cb;
		struct iovec iov = {st->rxbuf, st->conf.lim.max_msg + 1};
		struct msghdr mh;
		socklen_t alen;
		ssize_t n;

		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &src.sa.u;
		mh.msg_namelen = sizeof(src.sa.u);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (l->wildcard) {
			mh.msg_control = cb.buf;
			mh.msg_controllen = sizeof(cb.buf);
		}
		n = recvmsg(fd, &mh, 0);
		if (n < 0)
			break;
		alen = mh.msg_namelen;
		if (alen > sizeof(src.sa.u) ||
		    (src.sa.u.sa.sa_family != AF_INET &&
		     src.sa.u.sa.sa_family != AF_INET6)) {
			st->stats.rx_dropped++; /* not IPv4/IPv6 */
			continue;
		}
		if ((mh.msg_flags & MSG_TRUNC) ||
		    (size_t)n > st->conf.lim.max_msg) {
			/* SEC-19: over the message cap (truncated) */
			sip_stack_bad(st, &src.sa, "datagram too large");
			st->stats.rx_dropped++;
			continue;
		}
		/* keep-alives (CRLF, RFC 5626 §4.4.1 uses STUN): ignore */
		if (n <= 4 && crlf_only(st->rxbuf, (size_t)n))
			continue;
		src.tp = SIP_TRANSP_UDP;
		src.sa.len = alen;
		memset(&fl, 0, sizeof(fl));
		fl.tp = SIP_TRANSP_UDP;
		fl.peer = src.sa;
		fl.local = l->local;
		if (l->wildcard)
			pktinfo_local(&mh, &fl.local);
		(void)sip_stack_recv(st, &src, &fl, st->rxbuf, (size_t)n);
	}
}

/*
 * Ask for the configured socket buffer (0: keep the kernel's) and note
 * what the kernel reports: it caps the request at net.core.rmem_max /
 * wmem_max (SO_*BUFFORCE would pass them; we respect the admin's cap)
 * and reports twice what it grants.  A capped request is logged once
 * per socket.
 */
static size_t udp_buf(struct sip_stack *st, int fd, int opt, size_t want,
		      const char *name)
{
	int v = want > INT_MAX / 2 ? INT_MAX / 2 : (int)want;
	socklen_t l = sizeof(v);

	if (want && setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)))
		sip_stack_log(st, LOG_NOTICE, "udp: %s %zu: error %d", name,
			      want, errno);
	if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) || v < 0)
		return 0;
	if (want && (size_t)v / 2 < want)
		sip_stack_log(st, LOG_NOTICE,
			      "udp: %s %zu asked, %d granted (capped by "
			      "net.core.%s)", name, want, v / 2,
			      opt == SO_RCVBUF ? "rmem_max" : "wmem_max");
	else
		sip_stack_log(st, LOG_INFO, "udp: %s %d granted", name,
			      v / 2);
	return (size_t)v;
}

static int udp_listen(struct sip_stack *st, const struct sip_sa *sa)
{
	struct sip_listener *l;
	int fd, on = 1, err;

	if (!st->rxbuf) {
		st->rxbuf = malloc(st->conf.lim.max_msg + 1);
		if (!st->rxbuf)
			return ENOMEM;
	}
	fd = socket(sa->u.sa.sa_family,
		    SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	if (sa->u.sa.sa_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on,
				 sizeof(on));
	st->stats.udp_rcvbuf = udp_buf(st, fd, SO_RCVBUF, st->conf.udp_rcvbuf,
				       "SO_RCVBUF");
	st->stats.udp_sndbuf = udp_buf(st, fd, SO_SNDBUF, st->conf.udp_sndbuf,
				       "SO_SNDBUF");
	l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		return ENOMEM;
	}
	l->st = st;
	l->tp = SIP_TRANSP_UDP;
	l->fd = fd;
	l->local.len = sizeof(l->local.u);
	if (bind(fd, &sa->u.sa, sa->len) ||
	    getsockname(fd, &l->local.u.sa, &l->local.len)) {
		err = errno;
		goto fail;
	}
	if (l->local.len > sizeof(l->local.u)) {
		err = EAFNOSUPPORT;
		goto fail;
	}
	l->wildcard = sip_sa_wildcard(&l->local);
	if (l->wildcard && sa->u.sa.sa_family == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
	else if (l->wildcard)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
				 sizeof(on));
	l->ev = event_new(st->base, fd, EV_READ | EV_PERSIST, udp_cb, l);
	if (!l->ev || event_add(l->ev, NULL)) {
		err = ENOMEM;
		goto fail;
	}
	l->next = st->lst;
	st->lst = l;
	return 0;
fail:
	if (l->ev)
		event_free(l->ev);
	close(fd);
	free(l);
	return err;
}

static int hostport_sa(struct sip_pl s, struct sip_sa *sa);

/* "udp:HOST:PORT", HOST numeric, IPv6 in brackets. */
static int spec_parse(const char *spec, enum sip_transp *tp, struct sip_sa *sa)
{
	struct sip_pl s;

	sip_pl_set_str(&s, spec);
	if (s.l > 4 && !strncmp(spec, "udp:", 4))
		*tp = SIP_TRANSP_UDP;
	else if (s.l > 4 && !strncmp(spec, "tcp:", 4))
		*tp = SIP_TRANSP_TCP;
	else if (s.l > 4 && !strncmp(spec, "tls:", 4))
		*tp = SIP_TRANSP_TLS;
	else
		return EINVAL;
	sip_pl_advance(&s, 4);
	return hostport_sa(s, sa);
}

/* "1.2.3.4:5060", "[::1]:5060" (or "::1:5060") to an address. */
static int hostport_sa(struct sip_pl s, struct sip_sa *sa)
{
	struct sip_pl host;
	const char *c;
	uint32_t port;
	size_t i;

	if (!s.l)
		return EINVAL;
	if (s.p[0] == '[') {
		i = sip_pl_chr(&s, ']');
		if (i == s.l || i + 1 >= s.l || s.p[i + 1] != ':')
			return EINVAL;
		host.p = s.p;
		host.l = i + 1;
		sip_pl_advance(&s, i + 2);
	} else {
		c = memrchr(s.p, ':', s.l);
		if (!c)
			return EINVAL;
		host.p = s.p;
		host.l = (size_t)(c - s.p);
		sip_pl_advance(&s, host.l + 1);
	}
	if (sip_pl_u32(&s, &port) || port > 65535)
		return EINVAL;
	return sip_sa_set_pl(sa, &host, (uint16_t)port);
}

int sip_stack_listen(struct sip_stack *st, const char *spec)
{
	enum sip_transp tp;
	struct sip_sa sa;
	int err;

	if (!st || !spec || !st->base)
		return EINVAL;
	err = spec_parse(spec, &tp, &sa);
	if (err)
		return err;
	if (tp == SIP_TRANSP_UDP)
		err = udp_listen(st, &sa);
	else
		err = sip_tcp_listen(st, tp, &sa);
	if (err)
		sip_stack_log(st, LOG_ERR, "listen %s: error %d", spec, err);
	return err;
}

/* ---- STUN keep-alive (RFC 5626 §4.4.2, RFC 5389) ---- */

#define STUN_HDR	 20
#define STUN_COOKIE	 0x2112A442u
#define STUN_BINDING_REQ 0x0001u
#define STUN_BINDING_OK	 0x0101u
#define STUN_XOR_MAPPED	 0x0020u

static uint16_t get16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

bool sip_stun_recv(struct sip_stack *st, const struct sip_peer *src,
		   const struct sip_flow *fl, const char *buf, size_t len)
{
	const unsigned char *q = (const unsigned char *)buf;
	unsigned char out[STUN_HDR + 4 + 20], *a = out + STUN_HDR + 4;
	struct sip_flow path;
	size_t alen, i;
	uint16_t port;

	if (src->tp != SIP_TRANSP_UDP || len < STUN_HDR || (q[0] & 0xC0) ||
	    get16(q + 4) != STUN_COOKIE >> 16 ||
	    get16(q + 6) != (STUN_COOKIE & 0xFFFF))
		return false;
	/* it is STUN: anything but a well-formed Binding request is
	 * dropped */
	if (get16(q) != STUN_BINDING_REQ || get16(q + 2) != len - STUN_HDR ||
	    (len - STUN_HDR) % 4)
		return true;
	memcpy(out, q, STUN_HDR); /* cookie and transaction id */
	put16(out, STUN_BINDING_OK);
	port = sip_sa_port(&src->sa);
	put16(out + STUN_HDR, STUN_XOR_MAPPED);
	a[0] = 0;
	put16(a + 2, port ^ (uint16_t)(STUN_COOKIE >> 16));
	if (src->sa.u.sa.sa_family == AF_INET) {
		const unsigned char *ip =
		    (const unsigned char *)&src->sa.u.in.sin_addr;
		a[1] = 0x01;
		for (i = 0; i < 4; i++)
			a[4 + i] = ip[i] ^ q[4 + i];
		alen = 8;
	} else {
		const unsigned char *ip =
		    (const unsigned char *)&src->sa.u.in6.sin6_addr;
		a[1] = 0x02;
		for (i = 0; i < 16; i++)
			a[4 + i] = ip[i] ^ q[4 + i]; /* cookie + txn id */
		alen = 20;
	}
	put16(out + STUN_HDR + 2, (uint16_t)alen);
	put16(out + 2, (uint16_t)(4 + alen));
	if (fl && fl->tp == SIP_TRANSP_UDP)
		path = *fl;
	else
		memset(&path, 0, sizeof(path));
	path.tp = SIP_TRANSP_UDP;
	path.peer = src->sa;
	if (!sip_transp_send(st, &path, (const char *)out,
			     STUN_HDR + 4 + alen))
		st->stats.tx_msgs++;
	return true;
}

/* ---- flow tokens ---- */

int sip_flow_token_print(const struct sip_flow *fl, char *buf, size_t sz)
{
	char l[SIP_SA_STRMAX], p[SIP_SA_STRMAX];
	int n;

	if (!fl || !buf || fl->tp < SIP_TRANSP_UDP ||
	    fl->tp > SIP_TRANSP_TLS || sip_sa_print(&fl->peer, p, sizeof(p)))
		return EINVAL;
	if (!fl->local.len)
		memcpy(l, "-", 2);
	else if (sip_sa_print(&fl->local, l, sizeof(l)))
		return EINVAL;
	n = snprintf(buf, sz, "%s;%s;%s;%llu", sip_transp_name(fl->tp), l, p,
		     (unsigned long long)fl->conn_id);
	return n < 0 || (size_t)n >= sz ? EOVERFLOW : 0;
}

int sip_flow_token_parse(struct sip_flow *fl, const char *tok)
{
	struct sip_pl f[4], s;
	struct sip_flow out;
	uint64_t id;
	size_t i, k;

	if (!fl || !tok)
		return EINVAL;
	sip_pl_set_str(&s, tok);
	if (s.l >= SIP_FLOW_TOKEN_MAX)
		return EINVAL;
	for (i = 0; i < 4; i++) {
		k = sip_pl_chr(&s, ';');
		if ((i < 3) == (k == s.l))
			return EINVAL;
		f[i].p = s.p;
		f[i].l = k;
		sip_pl_advance(&s, k < s.l ? k + 1 : k);
	}
	memset(&out, 0, sizeof(out));
	if (sip_pl_eq_str(&f[0], "UDP"))
		out.tp = SIP_TRANSP_UDP;
	else if (sip_pl_eq_str(&f[0], "TCP"))
		out.tp = SIP_TRANSP_TCP;
	else if (sip_pl_eq_str(&f[0], "TLS"))
		out.tp = SIP_TRANSP_TLS;
	else
		return EINVAL;
	if (!sip_pl_eq_str(&f[1], "-") && hostport_sa(f[1], &out.local))
		return EINVAL;
	if (hostport_sa(f[2], &out.peer) || sip_pl_u64(&f[3], &id))
		return EINVAL;
	out.conn_id = id;
	*fl = out;
	return 0;
}

/* ---- paths and sending ---- */

bool sip_flow_alive(const struct sip_stack *st, const struct sip_flow *fl)
{
	const struct sip_conn *c;

	if (!st || !fl)
		return false;
	if (!sip_transp_reliable(fl->tp))
		return fl->tp == SIP_TRANSP_UDP;
	c = sip_conn_find_id(st, fl->conn_id);
	return c && !c->closing;
}

int sip_transp_path(struct sip_stack *st, const struct sip_peer *dst,
		    const struct sip_flow *fl, struct sip_flow *path)
{
	const struct sip_listener *l;
	const struct sip_conn *c;
	int af;

	memset(path, 0, sizeof(*path));
	if (fl && fl->tp != SIP_TRANSP_NONE) {
		*path = *fl;
		if (st->conf.send_h)
			return 0;
		if (sip_transp_reliable(fl->tp)) {
			c = sip_conn_find_id(st, fl->conn_id);
			if (!c || c->closing)
				return ENOTCONN;
			path->peer = c->peer;
			path->local = c->local;
			return 0;
		}
		if (!path->local.len) {
			l = listener_find(st, SIP_TRANSP_UDP,
					  sip_sa_af(&fl->peer));
			if (!l)
				return st->conf.send_h ? 0 : EAFNOSUPPORT;
			path->local = l->local;
		}
		sip_sa_local_for(&path->local, &path->peer);
		return 0;
	}
	if (!dst || dst->tp == SIP_TRANSP_NONE)
		return EINVAL;
	af = sip_sa_af(&dst->sa);
	path->tp = dst->tp;
	path->peer = dst->sa;
	l = listener_find(st, dst->tp, af);
	if (!l && dst->tp == SIP_TRANSP_UDP && !st->conf.send_h)
		return EAFNOSUPPORT;
	if (!l)
		l = listener_find(st, SIP_TRANSP_UDP, af);
	if (l) {
		path->local = l->local;
		sip_sa_local_for(&path->local, &dst->sa);
	}
	if (sip_transp_reliable(dst->tp) && !st->conf.send_h) {
		c = sip_conn_find_peer(st, dst->tp, &dst->sa);
		if (c) {
			path->conn_id = c->id;
			path->local = c->local;
		}
	}
	return 0;
}

int sip_transp_send(struct sip_stack *st, struct sip_flow *path,
		    const char *buf, size_t len)
{
	const struct sip_listener *l;
	struct sip_peer dst;
	ssize_t n;

	if (st->conf.send_h) {
		dst.tp = path->tp;
		dst.sa = path->peer;
		return st->conf.send_h(&dst, path, buf, len,
				       st->conf.send_arg);
	}
	if (sip_transp_reliable(path->tp))
		return sip_tcp_send(st, path, buf, len);
	if (path->tp != SIP_TRANSP_UDP)
		return EINVAL;
	for (l = st->lst; l; l = l->next)
		if (l->tp == SIP_TRANSP_UDP &&
		    (sip_sa_eq(&l->local, &path->local) ||
		     (l->wildcard &&
		      sip_sa_af(&l->local) == sip_sa_af(&path->local) &&
		      sip_sa_port(&l->local) == sip_sa_port(&path->local))))
			break;
	if (!l)
		l = listener_find(st, SIP_TRANSP_UDP, sip_sa_af(&path->peer));
	if (!l)
		return EAFNOSUPPORT;
	n = sendto(l->fd, buf, len, 0, &path->peer.u.sa, path->peer.len);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? ENOBUFS
							       : errno;
	return (size_t)n == len ? 0 : EMSGSIZE;
}

void sip_transp_close(struct sip_stack *st)
{
	struct sip_listener *l;

	sip_conns_close(st);
	while ((l = st->lst) != NULL) {
		st->lst = l->next;
		if (l->ev)
			event_free(l->ev);
		if (l->lev)
			evconnlistener_free(l->lev);
		else if (l->fd >= 0)
			close(l->fd);
		free(l);
	}
	free(st->rxbuf);
	st->rxbuf = NULL;
	if (st->dns)
		evdns_base_free(st->dns, 0);
	st->dns = NULL;
}
