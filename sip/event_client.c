/*
 * event_client.c: what the subscriber and the publisher share: requests
 * outside a dialog (Call-ID, From tag, CSeq, pre-loaded route set) and
 * Digest answers to 401/407 (sip/sip_auth.h client API).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"

int evt_client_init(struct evt_client *c,
		    const struct sip_evt_client_conf *conf)
{
	char rnd[SIP_DIALOG_TAG_LEN + 1];
	size_t i;
	int err;

	memset(c, 0, sizeof(*c));
	if (!conf || !conf->target || !conf->from || !conf->event ||
	    !conf->sendh || conf->routec > SIP_DIALOG_ROUTE_MAX ||
	    (conf->routec && !conf->routev))
		return EINVAL;
	err = evt_strdup(&c->ruri, conf->target, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&c->from, conf->from, SIP_DIALOG_FIELD_MAX);
	if (!err)
		err = evt_strdup(&c->event, conf->event, SIP_EVT_NAME_MAX);
	if (!err)
		err = evt_strdup(&c->contact_user, conf->contact_user,
				 SIP_EVT_NAME_MAX);
	if (!err)
		err = evt_strdup(&c->user, conf->user, SIP_AUTH_USER_MAX);
	if (!err)
		err = evt_strdup(&c->password, conf->password,
				 SIP_AUTH_VALUE_MAX);
	for (i = 0; !err && i < conf->routec; i++) {
		err = evt_strdup(&c->routev[i], conf->routev[i],
				 SIP_DIALOG_FIELD_MAX);
		if (!err)
			c->routec++;
	}
	if (!err)
		err = sip_dialog_tag_make(c->ltag, sizeof(c->ltag));
	if (!err)
		err = sip_dialog_tag_make(rnd, sizeof(rnd));
	if (err) {
		evt_client_reset(c);
		return err;
	}
	snprintf(c->callid, sizeof(c->callid), "%s@locd", rnd);
	c->expires = conf->expires ? conf->expires : 3600;
	c->sendh = conf->sendh;
	c->replyh = conf->replyh;
	c->arg = conf->arg;
	sip_auth_client_init(&c->auth);
	return 0;
}

void evt_client_reset(struct evt_client *c)
{
	size_t i;

	if (!c)
		return;
	free(c->ruri);
	free(c->from);
	free(c->event);
	free(c->contact_user);
	free(c->user);
	if (c->password) {
		memset(c->password, 0, strlen(c->password));
		free(c->password);
	}
	for (i = 0; i < c->routec; i++)
		free(c->routev[i]);
	memset(c, 0, sizeof(*c));
}

int evt_client_fill(struct evt_client *c, const char *method,
		    struct sip_req_desc *rd)
{
	int n;

	if (c->cseq == UINT32_MAX)
		return EOVERFLOW;
	memset(rd, 0, sizeof(*rd));
	n = snprintf(c->from_hdr, sizeof(c->from_hdr), "<%s>;tag=%s",
		     c->from, c->ltag);
	if (n < 0 || (size_t)n >= sizeof(c->from_hdr))
		return EOVERFLOW;
	n = snprintf(c->to_hdr, sizeof(c->to_hdr), "<%s>", c->ruri);
	if (n < 0 || (size_t)n >= sizeof(c->to_hdr))
		return EOVERFLOW;
	rd->method = method;
	rd->ruri = c->ruri;
	rd->from = c->from_hdr;
	rd->to = c->to_hdr;
	rd->callid = c->callid;
	rd->cseq = ++c->cseq;
	rd->routev = c->routec ? (const char *const *)c->routev : NULL;
	rd->routec = c->routec;
	rd->contact_user = c->contact_user;
	return 0;
}

int evt_client_authz(struct evt_client *c, const struct sip_req_desc *rd,
		     struct sip_hdr_out *hv, size_t *hc)
{
	struct sip_auth_login login;
	struct sip_auth_req req;
	size_t len = 0;
	int err;

	if (!c->have_auth)
		return 0;
	memset(&login, 0, sizeof(login));
	sip_pl_set_str(&login.user, c->user);
	sip_pl_set_str(&login.password, c->password);
	sip_pl_set_str(&req.method, rd->method);
	sip_pl_set_str(&req.uri, rd->ruri);
	req.body.p = rd->body;
	req.body.l = rd->body_len;
	err = sip_auth_client_authorize(&c->auth, &login, &req, c->authz,
					sizeof(c->authz), &len);
	if (err)
		return err;
	hv[*hc].id = c->proxy ? SIP_HDR_PROXY_AUTHORIZATION :
		     SIP_HDR_AUTHORIZATION;
	hv[*hc].name = NULL;
	hv[*hc].val.p = c->authz;
	hv[*hc].val.l = len;
	(*hc)++;
	return 0;
}

int evt_client_challenge(struct evt_client *c, const struct sip_msg *resp)
{
	enum sip_hdr_id id = resp->scode == 407 ?
			     SIP_HDR_PROXY_AUTHENTICATE :
			     SIP_HDR_WWW_AUTHENTICATE;
	const struct sip_hdr *h = NULL;
	bool any = false;

	if (!c->user || !c->password || ++c->auth_tries > EVT_AUTH_TRIES)
		return EACCES;
	sip_auth_client_begin(&c->auth);
	while ((h = sip_msg_hdr(resp, id, h)) != NULL)
		if (sip_auth_client_challenge(&c->auth, h->val.p,
					      h->val.l) == 0)
			any = true;
	if (!any)
		return EACCES;
	c->have_auth = true;
	c->proxy = resp->scode == 407;
	return 0;
}

uint32_t evt_resp_expires(const struct sip_msg *resp, uint32_t asked)
{
	if (resp && resp->has_expires)
		return resp->expires;
	return asked;
}

uint64_t evt_refresh_at(uint64_t now, uint32_t e)
{
	uint64_t ms = (uint64_t)e * 1000, margin = ms / 2;

	if (margin > 32000)
		margin = 32000; /* refresh 32 s ahead, or half-way */
	return now + ms - margin;
}
