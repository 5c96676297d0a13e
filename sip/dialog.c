/*
 * dialog.c: SIP dialogs for subscriptions (RFC 3261 §12, RFC 6665 §4.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "sip/event_int.h"
#include "sip/sip_dialog.h"

/* --- Dialogs. */

void sip_dialog_init(struct sip_dialog *d)
{
	if (d)
		memset(d, 0, sizeof(*d));
}

void sip_dialog_reset(struct sip_dialog *d)
{
	if (!d)
		return;
	free(d->routev); /* the block: every string */
	memset(d, 0, sizeof(*d));
}

/*
 * The strings of a dialog, as views, to build its block from: a field
 * whose view is unset (set[i] false) stays NULL.  Views may point into
 * the dialog's current block (it is freed only after the copy).
 */
enum dlg_field {
	DF_CALLID = 0,
	DF_LTAG,
	DF_RTAG,
	DF_LURI,
	DF_RURI,
	DF_RTARGET,
	DF_FLOW,
	DF_COUNT
};

struct dlg_src {
	struct sip_pl f[DF_COUNT];
	bool set[DF_COUNT];
	struct sip_pl r[SIP_DIALOG_ROUTE_MAX];
	size_t rc;
};

static void src_pl(struct dlg_src *s, enum dlg_field i,
		   const struct sip_pl *pl)
{
	s->f[i].p = pl->p ? pl->p : "";
	s->f[i].l = pl->p ? pl->l : 0;
	s->set[i] = true;
}

/* s NULL leaves the field NULL; a string over the cap is cut at cap + 1
 * (refused by the check in dlg_build). */
static void src_str(struct dlg_src *s, enum dlg_field i, const char *str)
{
	s->set[i] = str != NULL;
	s->f[i].p = str;
	s->f[i].l = str ? strnlen(str, SIP_DIALOG_FIELD_MAX + 1) : 0;
}

/* The views of d's current strings. */
static void src_from(struct dlg_src *s, const struct sip_dialog *d)
{
	size_t i;

	memset(s, 0, sizeof(*s));
	src_str(s, DF_CALLID, d->callid);
	src_str(s, DF_LTAG, d->ltag);
	src_str(s, DF_RTAG, d->rtag);
	src_str(s, DF_LURI, d->luri);
	src_str(s, DF_RURI, d->ruri);
	src_str(s, DF_RTARGET, d->rtarget);
	src_str(s, DF_FLOW, d->flow);
	for (i = 0; i < d->routec; i++)
		sip_pl_set_str(&s->r[i], d->routev[i]);
	s->rc = d->routec;
}

/* A string fit for the block: 0, EOVERFLOW or EINVAL (NUL, CR, LF). */
static int field_check(const struct sip_pl *pl)
{
	if (pl->l > SIP_DIALOG_FIELD_MAX)
		return EOVERFLOW;
	if (pl->l && (memchr(pl->p, '\0', pl->l) ||
		      memchr(pl->p, '\r', pl->l) ||
		      memchr(pl->p, '\n', pl->l)))
		return EINVAL;
	return 0;
}

static char *block_put(char **at, const struct sip_pl *pl)
{
	char *s = *at;

	if (pl->l)
		memcpy(s, pl->p, pl->l);
	s[pl->l] = '\0';
	*at += pl->l + 1;
	return s;
}

/*
 * Give d the strings of s in one new block (the routev array first,
 * then the strings), then free d's old one; numbers are left alone.
 * Returns 0, EOVERFLOW (a field or the route count over its cap),
 * EINVAL (a NUL, CR or LF) or ENOMEM; on error d is unchanged.
 */
static int dlg_build(struct sip_dialog *d, const struct dlg_src *s)
{
	char *fv[DF_COUNT], **rv, *at;
	size_t need, i;
	int err;

	if (s->rc > SIP_DIALOG_ROUTE_MAX)
		return EOVERFLOW;
	need = (s->rc ? s->rc : 1) * sizeof(char *);
	for (i = 0; i < DF_COUNT; i++) {
		if (!s->set[i])
			continue;
		err = field_check(&s->f[i]);
		if (err)
			return err;
		need += s->f[i].l + 1;
	}
	for (i = 0; i < s->rc; i++) {
		err = field_check(&s->r[i]);
		if (err)
			return err;
		need += s->r[i].l + 1;
	}
	rv = malloc(need);
	if (!rv)
		return ENOMEM;
	at = (char *)(rv + (s->rc ? s->rc : 1));
	rv[0] = NULL;
	for (i = 0; i < DF_COUNT; i++)
		fv[i] = s->set[i] ? block_put(&at, &s->f[i]) : NULL;
	for (i = 0; i < s->rc; i++)
		rv[i] = block_put(&at, &s->r[i]);
	free(d->routev);
	d->callid = fv[DF_CALLID];
	d->ltag = fv[DF_LTAG];
	d->rtag = fv[DF_RTAG];
	d->luri = fv[DF_LURI];
	d->ruri = fv[DF_RURI];
	d->rtarget = fv[DF_RTARGET];
	d->flow = fv[DF_FLOW];
	d->routev = rv;
	d->routec = s->rc;
	return 0;
}

int sip_dialog_tag_make(char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char rnd[SIP_DIALOG_TAG_LEN / 2];
	size_t i;

	if (!out || size < SIP_DIALOG_TAG_LEN + 1)
		return EINVAL;
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return EIO;
	for (i = 0; i < sizeof(rnd); i++) {
		out[2 * i] = hex[rnd[i] >> 4];
		out[2 * i + 1] = hex[rnd[i] & 15];
	}
	out[SIP_DIALOG_TAG_LEN] = '\0';
	return 0;
}

/* The URI of a Contact value (sip or sips, not "*"): 0 or EBADMSG. */
static int contact_uri(const struct sip_pl *val, struct sip_pl *uri)
{
	struct sip_contact c;

	if (sip_contact_parse(&c, val) || c.star)
		return EBADMSG;
	if (c.addr.uri.scheme != SIP_SCHEME_SIP &&
	    c.addr.uri.scheme != SIP_SCHEME_SIPS)
		return EBADMSG;
	*uri = c.addr.uri.all;
	return 0;
}

/* The remote target from msg's single Contact. */
static int target_from(const struct sip_msg *msg, struct sip_pl *uri)
{
	const struct sip_hdr *h = sip_msg_hdr(msg, SIP_HDR_CONTACT, NULL);

	if (!h || sip_msg_hdr(msg, SIP_HDR_CONTACT, h))
		return EBADMSG;
	return contact_uri(&h->val, uri);
}

/* View msg's Record-Route entries, in order or reversed. */
static int routes_from(struct dlg_src *s, const struct sip_msg *msg,
		       bool reverse)
{
	const struct sip_hdr *h = NULL;
	struct sip_addr a;
	size_t i;

	if (sip_msg_hdr_count(msg, SIP_HDR_RECORD_ROUTE) >
	    SIP_DIALOG_ROUTE_MAX)
		return EOVERFLOW;
	while ((h = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE, h)) != NULL) {
		if (sip_addr_parse(&a, &h->val) || !a.name_addr)
			return EBADMSG;
		s->r[s->rc++] = h->val;
	}
	for (i = 0; reverse && i < s->rc / 2; i++) {
		struct sip_pl t = s->r[i];
		s->r[i] = s->r[s->rc - 1 - i];
		s->r[s->rc - 1 - i] = t;
	}
	return 0;
}

int sip_dialog_uas_create(struct sip_dialog *d, const struct sip_msg *req,
			  const char *ltag)
{
	char tag[SIP_DIALOG_TAG_LEN + 1];
	struct sip_pl target;
	struct dlg_src src;
	int err;

	if (!d || !req || !req->req)
		return EINVAL;
	if (!sip_pl_isset(&req->from.tag) || !sip_pl_isset(&req->callid))
		return EBADMSG;
	err = target_from(req, &target);
	if (err)
		return err;
	if (!ltag) {
		err = sip_dialog_tag_make(tag, sizeof(tag));
		if (err)
			return err;
		ltag = tag;
	}
	sip_dialog_init(d);
	memset(&src, 0, sizeof(src));
	src_pl(&src, DF_CALLID, &req->callid);
	src_str(&src, DF_LTAG, ltag);
	src_pl(&src, DF_RTAG, &req->from.tag);
	src_pl(&src, DF_RURI, &req->from.uri.all);
	src_pl(&src, DF_LURI, &req->to.uri.all);
	src_pl(&src, DF_RTARGET, &target);
	err = routes_from(&src, req, false);
	if (!err)
		err = dlg_build(d, &src);
	if (err)
		return err;
	d->rseq = req->cseq.num;
	d->rseq_set = true;
	d->lseq = 0;
	d->secure = req->ruri.scheme == SIP_SCHEME_SIPS;
	return 0;
}

int sip_dialog_uac_create(struct sip_dialog *d,
			  const struct sip_dialog_uac *u,
			  const struct sip_msg *msg)
{
	struct sip_pl target, rtag;
	struct dlg_src src;
	struct sip_uri ru;
	int err;

	if (!d || !u || !msg || !u->callid || !u->ltag || !u->luri ||
	    !u->ruri)
		return EINVAL;
	if (!sip_pl_eq_str(&msg->callid, u->callid))
		return EBADMSG;
	rtag = msg->req ? msg->from.tag : msg->to.tag;
	if (!sip_pl_isset(&rtag))
		return EBADMSG;
	err = target_from(msg, &target);
	if (err)
		return err;
	sip_dialog_init(d);
	memset(&src, 0, sizeof(src));
	src_str(&src, DF_CALLID, u->callid);
	src_str(&src, DF_LTAG, u->ltag);
	src_str(&src, DF_LURI, u->luri);
	src_str(&src, DF_RURI, u->ruri);
	src_pl(&src, DF_RTAG, &rtag);
	src_pl(&src, DF_RTARGET, &target);
	err = routes_from(&src, msg, !msg->req);
	if (!err)
		err = dlg_build(d, &src);
	if (err)
		return err;
	d->lseq = u->lseq;
	if (msg->req) {
		d->rseq = msg->cseq.num;
		d->rseq_set = true;
	}
	sip_pl_set_str(&target, u->ruri);
	d->secure = sip_uri_parse(&ru, &target) == 0 &&
		    ru.scheme == SIP_SCHEME_SIPS;
	return 0;
}

bool sip_dialog_match(const struct sip_dialog *d, const struct sip_msg *msg)
{
	const struct sip_pl *ltag, *rtag;

	if (!d || !msg || !d->callid || !d->ltag)
		return false;
	ltag = msg->req ? &msg->to.tag : &msg->from.tag;
	rtag = msg->req ? &msg->from.tag : &msg->to.tag;
	return sip_pl_eq_str(&msg->callid, d->callid) &&
	       sip_pl_eq_str(ltag, d->ltag) &&
	       sip_pl_eq_str(rtag, d->rtag ? d->rtag : "");
}

int sip_dialog_request_recv(struct sip_dialog *d, const struct sip_msg *req)
{
	struct sip_pl target;
	struct dlg_src src;
	int err;

	if (!d || !req || !req->req)
		return EINVAL;
	if (d->rseq_set && req->cseq.num <= d->rseq)
		return EPROTO;
	if (sip_msg_hdr(req, SIP_HDR_CONTACT, NULL)) {
		err = target_from(req, &target);
		if (err)
			return err;
		/* a refresh mostly keeps the target: rebuild only on change */
		if (!d->rtarget || !sip_pl_eq_str(&target, d->rtarget)) {
			src_from(&src, d);
			src_pl(&src, DF_RTARGET, &target);
			err = dlg_build(d, &src);
			if (err)
				return err;
		}
	}
	d->rseq = req->cseq.num;
	d->rseq_set = true;
	return 0;
}

/* The URI inside route entry r (a name-addr) and whether it has ;lr. */
static int route_uri(const char *r, struct sip_pl *uri, bool *lr)
{
	struct sip_pl pl, v;
	struct sip_addr a;

	sip_pl_set_str(&pl, r);
	if (sip_addr_parse(&a, &pl))
		return EBADMSG;
	*uri = a.uri.all;
	if (lr)
		*lr = sip_param_get(&a.uri.params, SIP_PARAM_URI, "lr",
				    &v) == 0;
	return 0;
}

int sip_dialog_request(struct sip_dialog *d, struct sip_buf *b,
		       const char *method, const struct sip_pl *via,
		       struct sip_pl *next_hop)
{
	struct sip_pl m, ruri, hop;
	size_t len0, i, first = 0;
	bool lr = true;
	int err;

	if (!d || !b || !method || !d->rtarget || !d->callid || !d->ltag)
		return EINVAL;
	sip_pl_set_str(&m, method);
	if (!evt_is_token(&m))
		return EINVAL;
	if (d->lseq == UINT32_MAX)
		return EOVERFLOW;
	sip_pl_set_str(&ruri, d->rtarget);
	hop = ruri;
	if (d->routec) {
		err = route_uri(d->routev[0], &hop, &lr);
		if (err)
			return err;
		if (!lr) {
			ruri = hop; /* strict: the first route is the R-URI */
			first = 1;
		}
	}
	len0 = b->len;
	err = sip_print_request_line(b, &m, &ruri);
	if (!err && via)
		err = sip_print_hdr(b, SIP_HDR_VIA, NULL, via);
	for (i = first; !err && i < d->routec; i++)
		err = sip_buf_printf(b, "Route: %s\r\n", d->routev[i]);
	if (!err && !lr)
		err = sip_buf_printf(b, "Route: <%s>\r\n", d->rtarget);
	if (!err)
		err = sip_buf_append_str(b, "Max-Forwards: 70\r\n");
	if (!err)
		err = evt_print_addr(b, SIP_HDR_FROM, d->luri ? d->luri : "",
				     d->ltag);
	if (!err)
		err = evt_print_addr(b, SIP_HDR_TO, d->ruri ? d->ruri : "",
				     d->rtag);
	if (!err)
		err = sip_buf_printf(b, "Call-ID: %s\r\nCSeq: %u %s\r\n",
				     d->callid, (unsigned)(d->lseq + 1),
				     method);
	if (err) {
		b->len = len0;
		return err;
	}
	d->lseq++;
	if (next_hop)
		*next_hop = hop;
	return 0;
}

int sip_dialog_req_fill(struct sip_dialog *d, const char *method,
			struct sip_dialog_req *st, struct sip_req_desc *rd)
{
	struct sip_pl m, hop;
	size_t i, first = 0, n = 0;
	bool lr = true;
	int len;

	if (!d || !method || !st || !rd || !d->rtarget || !d->callid ||
	    !d->ltag)
		return EINVAL;
	sip_pl_set_str(&m, method);
	if (!evt_is_token(&m))
		return EINVAL;
	if (d->lseq == UINT32_MAX)
		return EOVERFLOW;
	memset(rd, 0, sizeof(*rd));
	rd->ruri = d->rtarget;
	if (d->routec) {
		if (route_uri(d->routev[0], &hop, &lr))
			return EBADMSG;
		if (!lr) {
			if (sip_pl_strcpy(&hop, st->ruri, sizeof(st->ruri)))
				return EOVERFLOW;
			rd->ruri = st->ruri;
			first = 1;
		}
	}
	for (i = first; i < d->routec; i++)
		st->routev[n++] = d->routev[i];
	if (!lr) {
		len = snprintf(st->target, sizeof(st->target), "<%s>",
			       d->rtarget);
		if (len < 0 || (size_t)len >= sizeof(st->target))
			return EOVERFLOW;
		st->routev[n++] = st->target;
	}
	len = snprintf(st->from, sizeof(st->from), "<%s>;tag=%s",
		       d->luri ? d->luri : "", d->ltag);
	if (len < 0 || (size_t)len >= sizeof(st->from))
		return EOVERFLOW;
	if (d->rtag)
		len = snprintf(st->to, sizeof(st->to), "<%s>;tag=%s",
			       d->ruri ? d->ruri : "", d->rtag);
	else
		len = snprintf(st->to, sizeof(st->to), "<%s>",
			       d->ruri ? d->ruri : "");
	if (len < 0 || (size_t)len >= sizeof(st->to))
		return EOVERFLOW;
	rd->method = method;
	rd->from = st->from;
	rd->to = st->to;
	rd->callid = d->callid;
	rd->cseq = ++d->lseq;
	rd->routev = n ? st->routev : NULL;
	rd->routec = n;
	return 0;
}

int sip_dialog_flow_set(struct sip_dialog *d, const char *flow)
{
	struct dlg_src src;

	if (!d)
		return EINVAL;
	if (!flow && !d->flow)
		return 0;
	if (flow && d->flow && strcmp(flow, d->flow) == 0)
		return 0;
	src_from(&src, d);
	src_str(&src, DF_FLOW, flow);
	return dlg_build(d, &src);
}

void sip_dialog_save(const struct sip_dialog *d, struct sip_dialog_rec *rec)
{
	size_t i;

	if (!d || !rec)
		return;
	memset(rec, 0, sizeof(*rec));
	rec->callid = d->callid;
	rec->ltag = d->ltag;
	rec->rtag = d->rtag;
	rec->luri = d->luri;
	rec->ruri = d->ruri;
	rec->rtarget = d->rtarget;
	rec->flow = d->flow;
	for (i = 0; i < d->routec; i++)
		rec->routev[i] = d->routev[i];
	rec->routec = d->routec;
	rec->lseq = d->lseq;
	rec->rseq = d->rseq;
	rec->rseq_set = d->rseq_set;
	rec->secure = d->secure;
}

int sip_dialog_load(struct sip_dialog *d, const struct sip_dialog_rec *rec)
{
	struct dlg_src src;
	struct sip_pl u;
	size_t i;
	int err;

	if (!d || !rec || !rec->callid || !rec->ltag || !rec->rtarget ||
	    rec->routec > SIP_DIALOG_ROUTE_MAX)
		return EINVAL;
	sip_dialog_init(d);
	memset(&src, 0, sizeof(src));
	src_str(&src, DF_CALLID, rec->callid);
	src_str(&src, DF_LTAG, rec->ltag);
	src_str(&src, DF_RTAG, rec->rtag);
	src_str(&src, DF_LURI, rec->luri);
	src_str(&src, DF_RURI, rec->ruri);
	src_str(&src, DF_RTARGET, rec->rtarget);
	src_str(&src, DF_FLOW, rec->flow);
	for (i = 0; i < rec->routec; i++) {
		bool lr;
		if (!rec->routev[i] ||
		    route_uri(rec->routev[i], &u, &lr) != 0)
			return EINVAL;
		src.r[i].p = rec->routev[i];
		src.r[i].l = strnlen(rec->routev[i],
				     SIP_DIALOG_FIELD_MAX + 1);
	}
	src.rc = rec->routec;
	err = dlg_build(d, &src);
	if (err)
		return err;
	d->lseq = rec->lseq;
	d->rseq = rec->rseq;
	d->rseq_set = rec->rseq_set;
	d->secure = rec->secure;
	return 0;
}
