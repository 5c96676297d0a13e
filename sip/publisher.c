/*
 * publisher.c: RFC 3903 event publication agent for the tools: initial
 * PUBLISH, refresh and modify with SIP-If-Match, remove, 412 -> publish
 * afresh, 423 -> Min-Expires, 401/407 -> Digest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"
#include "sip/sip_event.h"

/* Entity-tags we keep (RFC 3903 gives no limit; ours are 32). */
#define ETAG_MAX 128
/* Retries in a row (412, 423) before reporting the failure. */
#define RETRIES_MAX 3

enum pub_op { OP_PUBLISH, OP_REFRESH, OP_REMOVE };

struct sip_publisher {
	struct evt_client c;
	sip_publisher_h *resulth;
	void *harg;
	char etag[ETAG_MAX];      /* "" when none */
	char *ctype;
	void *body;
	size_t body_len;
	bool busy;
	enum pub_op op;
	uint32_t want, sent;
	uint64_t refresh_at;
	unsigned retries;
};

int sip_publisher_alloc(struct sip_publisher **pp,
			const struct sip_publisher_conf *conf)
{
	struct sip_publisher *p;
	int err;

	if (!pp || !conf)
		return EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	err = evt_client_init(&p->c, &conf->c);
	if (err) {
		free(p);
		return err;
	}
	p->resulth = conf->resulth;
	p->harg = conf->harg;
	p->want = p->c.expires;
	*pp = p;
	return 0;
}

void sip_publisher_free(struct sip_publisher *p)
{
	if (!p)
		return;
	evt_client_reset(&p->c);
	free(p->ctype);
	free(p->body);
	free(p);
}

static int pub_send(struct sip_publisher *p, enum pub_op op)
{
	struct sip_req_desc rd;
	struct sip_hdr_out hv[4];
	char exp[16];
	size_t hc = 0;
	uint32_t e = op == OP_REMOVE ? 0 : p->want;
	int err;

	if (op != OP_PUBLISH && !p->etag[0])
		return ENOENT;
	err = evt_client_fill(&p->c, "PUBLISH", &rd);
	if (err)
		return err;
	rd.contact_user = NULL; /* RFC 3903: no Contact needed */
	snprintf(exp, sizeof(exp), "%u", (unsigned)e);
	hv[hc].id = SIP_HDR_EVENT;
	hv[hc].name = NULL;
	sip_pl_set_str(&hv[hc++].val, p->c.event);
	hv[hc].id = SIP_HDR_EXPIRES;
	hv[hc].name = NULL;
	sip_pl_set_str(&hv[hc++].val, exp);
	if (p->etag[0]) {
		hv[hc].id = SIP_HDR_SIP_IF_MATCH;
		hv[hc].name = NULL;
		sip_pl_set_str(&hv[hc++].val, p->etag);
	}
	if (op == OP_PUBLISH) {
		rd.ctype = p->ctype;
		rd.body = p->body;
		rd.body_len = p->body_len;
	}
	err = evt_client_authz(&p->c, &rd, hv, &hc);
	if (err)
		return err;
	rd.hdrv = hv;
	rd.hdrc = hc;
	err = p->c.sendh(&rd, p, p->c.arg);
	if (!err) {
		p->busy = true;
		p->op = op;
		p->sent = e;
	}
	return err;
}

int sip_publisher_publish(struct sip_publisher *p, const char *ctype,
			  const void *body, size_t len, uint64_t now)
{
	char *ct = NULL;
	void *b;
	int err;

	(void)now;
	if (!p || !ctype || !body || !len)
		return EINVAL;
	if (len > SIP_EVT_BODY_MAX)
		return EOVERFLOW;
	if (p->busy)
		return EBUSY;
	err = evt_strdup(&ct, ctype, SIP_EVT_NAME_MAX * 2);
	if (err)
		return err;
	b = malloc(len);
	if (!b) {
		free(ct);
		return ENOMEM;
	}
	memcpy(b, body, len);
	free(p->ctype);
	free(p->body);
	p->ctype = ct;
	p->body = b;
	p->body_len = len;
	p->retries = 0;
	return pub_send(p, OP_PUBLISH);
}

int sip_publisher_refresh(struct sip_publisher *p, uint64_t now)
{
	(void)now;
	if (!p)
		return EINVAL;
	if (p->busy)
		return EBUSY;
	p->retries = 0;
	return pub_send(p, OP_REFRESH);
}

int sip_publisher_remove(struct sip_publisher *p, uint64_t now)
{
	(void)now;
	if (!p)
		return EINVAL;
	if (p->busy)
		return EBUSY;
	p->retries = 0;
	return pub_send(p, OP_REMOVE);
}

static void pub_result(struct sip_publisher *p, uint16_t scode)
{
	if (p->resulth)
		p->resulth(p, scode, p->etag[0] ? p->etag : NULL, p->harg);
}

void sip_publisher_response(struct sip_publisher *p, int err,
			    uint16_t scode, const struct sip_msg *resp,
			    uint64_t now)
{
	uint32_t e;

	if (!p || (!err && scode < 200))
		return;
	p->busy = false;
	if (err || !resp) {
		pub_result(p, scode ? scode : 408);
		return;
	}
	if (scode != 401 && scode != 407)
		p->c.auth_tries = 0;
	if (scode < 300) {
		p->retries = 0;
		if (p->op == OP_REMOVE) {
			p->etag[0] = '\0';
			p->refresh_at = 0;
		} else {
			e = evt_resp_expires(resp, p->sent);
			if (sip_pl_strcpy(&resp->etag, p->etag,
					  sizeof(p->etag)))
				p->etag[0] = '\0';
			p->refresh_at = p->etag[0] && e ?
					evt_refresh_at(now, e) : 0;
		}
		pub_result(p, scode);
		return;
	}
	if (scode == 412) {
		/* the ESC lost our state: publish the kept body afresh */
		p->etag[0] = '\0';
		p->refresh_at = 0;
		if (p->op != OP_REMOVE && p->body_len &&
		    p->retries++ < RETRIES_MAX &&
		    pub_send(p, OP_PUBLISH) == 0)
			return;
	} else if (scode == 423 && resp->has_min_expires &&
		   resp->min_expires > p->sent &&
		   p->retries++ < RETRIES_MAX) {
		p->want = resp->min_expires;
		if (pub_send(p, p->op) == 0)
			return;
	} else if ((scode == 401 || scode == 407) &&
		   evt_client_challenge(&p->c, resp) == 0) {
		if (pub_send(p, p->op) == 0)
			return;
	}
	pub_result(p, scode);
}

void sip_publisher_tick(struct sip_publisher *p, uint64_t now)
{
	if (!p || p->busy || !p->refresh_at || now < p->refresh_at)
		return;
	if (pub_send(p, OP_REFRESH) == 0)
		p->refresh_at = 0;
}

uint64_t sip_publisher_next_due(const struct sip_publisher *p)
{
	return p && p->refresh_at ? p->refresh_at : UINT64_MAX;
}

const char *sip_publisher_etag(const struct sip_publisher *p)
{
	return p && p->etag[0] ? p->etag : NULL;
}
