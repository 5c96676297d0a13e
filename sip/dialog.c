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
	size_t i;

	if (!d)
		return;
	free(d->callid);
	free(d->ltag);
	free(d->rtag);
	free(d->luri);
	free(d->ruri);
	free(d->rtarget);
	free(d->flow);
	for (i = 0; i < d->routec; i++)
		free(d->routev[i]);
	memset(d, 0, sizeof(*d));
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

/* Copy msg's Record-Route entries, in order or reversed. */
static int routes_from(struct sip_dialog *d, const struct sip_msg *msg,
		       bool reverse)
{
	const struct sip_hdr *h = NULL;
	struct sip_addr a;
	size_t i;
	int err;

	if (sip_msg_hdr_count(msg, SIP_HDR_RECORD_ROUTE) >
	    SIP_DIALOG_ROUTE_MAX)
		return EOVERFLOW;
	while ((h = sip_msg_hdr(msg, SIP_HDR_RECORD_ROUTE, h)) != NULL) {
		if (sip_addr_parse(&a, &h->val) || !a.name_addr)
			return EBADMSG;
		err = evt_strdup_pl(&d->routev[d->routec], &h->val,
				    SIP_DIALOG_FIELD_MAX);
		if (err)
			return err;
		d->routec++;
	}
	for (i = 0; reverse && i < d->routec / 2; i++) {
		char *t = d->routev[i];
		d->routev[i] = d->routev[d->routec - 1 - i];
		d->routev[d->routec - 1 - i] = t;
	}
	return 0;
}

int sip_dialog_uas_create(struct sip_dialog *d, const struct sip_msg *req,
			  const char *ltag)
{
	char tag[SIP_DIALOG_TAG_LEN + 1];
	struct sip_pl target;
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
	err = evt_strdup_pl(&d->callid, &req->callid, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->ltag, ltag, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup_pl(&d->rtag, &req->from.tag,
				    SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup_pl(&d->ruri, &req->from.uri.all,
				    SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup_pl(&d->luri, &req->to.uri.all,
				    SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup_pl(&d->rtarget, &target,
				    SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = routes_from(d, req, false);
	if (err)
		goto out;
	d->rseq = req->cseq.num;
	d->rseq_set = true;
	d->lseq = 0;
	d->secure = req->ruri.scheme == SIP_SCHEME_SIPS;
out:
	if (err)
		sip_dialog_reset(d);
	return err;
}

int sip_dialog_uac_create(struct sip_dialog *d,
			  const struct sip_dialog_uac *u,
			  const struct sip_msg *msg)
{
	struct sip_pl target, rtag;
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
	err = evt_strdup(&d->callid, u->callid, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->ltag, u->ltag, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->luri, u->luri, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->ruri, u->ruri, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup_pl(&d->rtag, &rtag, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup_pl(&d->rtarget, &target,
				    SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = routes_from(d, msg, !msg->req);
	if (err)
		goto out;
	d->lseq = u->lseq;
	if (msg->req) {
		d->rseq = msg->cseq.num;
		d->rseq_set = true;
	}
	sip_pl_set_str(&target, u->ruri);
	d->secure = sip_uri_parse(&ru, &target) == 0 &&
		    ru.scheme == SIP_SCHEME_SIPS;
out:
	if (err)
		sip_dialog_reset(d);
	return err;
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
	char *nt = NULL;
	int err;

	if (!d || !req || !req->req)
		return EINVAL;
	if (d->rseq_set && req->cseq.num <= d->rseq)
		return EPROTO;
	if (sip_msg_hdr(req, SIP_HDR_CONTACT, NULL)) {
		err = target_from(req, &target);
		if (!err)
			err = evt_strdup_pl(&nt, &target,
					    SIP_DIALOG_FIELD_MAX);
		if (err)
			return err;
		free(d->rtarget);
		d->rtarget = nt;
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
	char *f = NULL;
	int err;

	if (!d)
		return EINVAL;
	err = evt_strdup(&f, flow, SIP_DIALOG_FIELD_MAX);
	if (err)
		return err;
	free(d->flow);
	d->flow = f;
	return 0;
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
	struct sip_pl u;
	size_t i;
	int err;

	if (!d || !rec || !rec->callid || !rec->ltag || !rec->rtarget ||
	    rec->routec > SIP_DIALOG_ROUTE_MAX)
		return EINVAL;
	sip_dialog_init(d);
	err = evt_strdup(&d->callid, rec->callid, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->ltag, rec->ltag, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->rtag, rec->rtag, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->luri, rec->luri, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->ruri, rec->ruri, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->rtarget, rec->rtarget,
				 SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&d->flow, rec->flow, SIP_DIALOG_FIELD_MAX);
	for (i = 0; !err && i < rec->routec; i++) {
		bool lr;
		if (!rec->routev[i] ||
		    route_uri(rec->routev[i], &u, &lr) != 0) {
			err = EINVAL;
			break;
		}
		err = evt_strdup(&d->routev[i], rec->routev[i],
				 SIP_DIALOG_FIELD_MAX);
		if (!err)
			d->routec++;
	}
	if (err) {
		sip_dialog_reset(d);
		return err;
	}
	d->lseq = rec->lseq;
	d->rseq = rec->rseq;
	d->rseq_set = rec->rseq_set;
	d->secure = rec->secure;
	return 0;
}
