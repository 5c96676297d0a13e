/*
 * sip_event_fuzz.c: libFuzzer target for the RFC 6665 / RFC 3903 state
 * machines (sip/sub.c, sip/pub.c, sip/subscriber.c, sip/dialog.c): the
 * input is a sequence of SIP messages separated by NUL bytes, fed to a
 * notifier, an ESC and a subscriber with fake callbacks and a clock
 * that advances with every message (ticks included).  Built by `make
 * fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety and leaks: every request
 * handed over gets exactly one final answer, never 202 (EV-14); every
 * NOTIFY sent carries a parseable Event and Subscription-State, with
 * expires= unless terminated (EV-21); CSeq of NOTIFYs in one dialog
 * grows; the live counts stay within their caps.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_dialog.h"
#include "sip/sip_event.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define INFLIGHT_MAX 64
#define MAX_SUBS 8
#define MAX_PUBS 8

struct fz {
	int replies;
	struct sip_sub *inflight[INFLIGHT_MAX];
	size_t ninflight;
	bool subr_busy;
	int state;
	unsigned tags;
};

/* Predictable tags ("t1", "t2"...; ESC tags "e1", "e2"...) so inputs can
 * reach in-dialog SUBSCRIBEs and SIP-If-Match. */
static int fz_tag(char *buf, size_t size, void *arg)
{
	struct fz *f = arg;

	snprintf(buf, size, "t%u", ++f->tags);
	return 0;
}

static int fz_salt(char *buf, size_t size, void *arg)
{
	(void)arg;
	snprintf(buf, size, "e");
	return 0;
}

static int fz_reply(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	struct fz *f = arg;

	(void)txn;
	if (rd->scode < 200 || rd->scode > 699 || rd->scode == 202)
		abort();
	f->replies++;
	return 0;
}

static void check_notify(const struct sip_req_desc *rd)
{
	struct sip_substate_hdr ss;
	struct sip_event ev;
	bool have_ss = false, have_ev = false;
	size_t i;

	if (!rd->method || strcmp(rd->method, "NOTIFY") || !rd->ruri ||
	    !rd->from || !rd->to || !rd->callid || !rd->cseq)
		abort();
	for (i = 0; i < rd->hdrc; i++) {
		if (rd->hdrv[i].id == SIP_HDR_SUBSCRIPTION_STATE) {
			if (sip_substate_parse(&ss, &rd->hdrv[i].val))
				abort();
			have_ss = true;
		} else if (rd->hdrv[i].id == SIP_HDR_EVENT) {
			if (sip_event_parse(&ev, &rd->hdrv[i].val))
				abort();
			have_ev = true;
		}
	}
	if (!have_ss || !have_ev)
		abort();
	if (ss.state != SIP_SUBSTATE_TERMINATED && !ss.has_expires)
		abort();
	if (ss.state == SIP_SUBSTATE_OTHER)
		abort();
}

static int fz_send(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	struct fz *f = arg;
	const struct sip_dialog *d = sip_sub_dialog(ctx);
	size_t i;

	check_notify(rd);
	if (!d || rd->cseq != d->lseq)
		abort();
	for (i = 0; i < f->ninflight; i++)
		if (f->inflight[i] == ctx)
			abort(); /* one NOTIFY in flight per subscription */
	if (f->ninflight == INFLIGHT_MAX)
		return ENOBUFS;
	f->inflight[f->ninflight++] = ctx;
	return 0;
}

static int fz_subr_send(const struct sip_req_desc *rd, void *ctx,
			void *arg)
{
	struct fz *f = arg;

	(void)ctx;
	if (!rd->method || strcmp(rd->method, "SUBSCRIBE") || !rd->cseq)
		abort();
	if (f->subr_busy)
		abort(); /* one SUBSCRIBE at a time */
	f->subr_busy = true;
	return 0;
}

static void fz_accept(struct sip_sub *sub, const struct sip_sub_req *req,
		      struct sip_sub_answer *ans, void *arg)
{
	struct fz *f = arg;

	(void)sub;
	/* vary the verdict with the body length */
	switch (req->body.l % 5) {
	case 1:
		ans->scode = 488;
		ans->warning = "fuzz";
		break;
	case 2:
		ans->pending = true;
		break;
	case 3:
		ans->rates = req->rates;
		break;
	default:
		break;
	}
	ans->state = &f->state;
}

static int fz_body(struct sip_sub *sub, void *state,
		   enum sip_sub_reason reason, struct sip_buf *body,
		   const char **ctype, void *arg)
{
	(void)sub;
	(void)state;
	(void)arg;
	*ctype = "text/plain";
	return sip_buf_printf(body, "r=%d", (int)reason);
}

static uint16_t fz_pub(const struct sip_pub_event *ev,
		       const char **warning, void *arg)
{
	(void)arg;
	if (ev->body.l % 7 == 3) {
		*warning = "fuzz";
		return 415;
	}
	return 200;
}

/* Deliver a response to the oldest NOTIFY in flight. */
static void notify_result(struct fz *f, int err, uint16_t sc,
			  const struct sip_msg *m, uint64_t now)
{
	struct sip_sub *s;

	if (!f->ninflight)
		return;
	s = f->inflight[0];
	memmove(f->inflight, f->inflight + 1,
		(f->ninflight - 1) * sizeof(f->inflight[0]));
	f->ninflight--;
	sip_sub_notify_result(s, err, sc, m, now);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f;
	struct sip_notifier_conf nc;
	struct sip_esc_conf ec;
	struct sip_subscriber_conf sc;
	struct sip_evt_pkg pkg;
	struct sip_esc_pkg epkg;
	struct sip_notifier *n = NULL;
	struct sip_esc *e = NULL;
	struct sip_subscriber *s = NULL;
	uint64_t now = 1000;
	size_t off = 0;

	memset(&f, 0, sizeof(f));
	memset(&nc, 0, sizeof(nc));
	nc.max_subs = MAX_SUBS;
	nc.contact_user = "locd";
	nc.replyh = fz_reply;
	nc.sendh = fz_send;
	nc.tagh = fz_tag;
	nc.arg = &f;
	memset(&pkg, 0, sizeof(pkg));
	pkg.name = "x-test";
	pkg.expires_default = 600;
	pkg.expires_min = 60;
	pkg.expires_max = 3600;
	pkg.accepth = fz_accept;
	pkg.bodyh = fz_body;
	pkg.arg = &f;
	memset(&ec, 0, sizeof(ec));
	ec.max_pubs = MAX_PUBS;
	ec.max_per_entity = 4;
	ec.replyh = fz_reply;
	ec.tagh = fz_salt;
	ec.arg = &f;
	memset(&epkg, 0, sizeof(epkg));
	epkg.name = "x-test";
	epkg.expires_default = 600;
	epkg.expires_min = 60;
	epkg.pubh = fz_pub;
	memset(&sc, 0, sizeof(sc));
	sc.c.target = "sip:alice@127.0.0.1";
	sc.c.from = "sip:w@127.0.0.1";
	sc.c.event = "x-test";
	sc.c.sendh = fz_subr_send;
	sc.c.replyh = fz_reply;
	sc.c.arg = &f;
	if (sip_notifier_alloc(&n, &nc) || sip_notifier_pkg_add(n, &pkg) ||
	    sip_esc_alloc(&e, &ec) || sip_esc_pkg_add(e, &epkg) ||
	    sip_subscriber_alloc(&s, &sc) || sip_subscriber_start(s, now))
		abort();

	while (off < size) {
		const uint8_t *end = memchr(data + off, 0, size - off);
		size_t len = end ? (size_t)(end - (data + off)) : size - off;
		struct sip_msg *m = NULL;
		int before = f.replies;

		now += 1000 + (uint64_t)len * 997;
		if (sip_msg_parse(&m, (const char *)data + off, len,
				  SIP_PARSE_DGRAM, NULL, NULL) == 0) {
			if (m->req && sip_pl_eq_str(&m->method, "SUBSCRIBE")) {
				sip_notifier_subscribe(n, NULL, m, NULL,
						       "sip:locd@127.0.0.1",
						       now);
				if (f.replies != before + 1)
					abort();
			} else if (m->req &&
				   sip_pl_eq_str(&m->method, "PUBLISH")) {
				sip_esc_publish(e, NULL, m, now);
				if (f.replies != before + 1)
					abort();
			} else if (m->req &&
				   sip_pl_eq_str(&m->method, "NOTIFY")) {
				sip_subscriber_notify(s, NULL, m, now);
				if (f.replies != before + 1)
					abort();
			} else if (!m->req &&
				   sip_pl_eq_str(&m->cseq.method,
						 "SUBSCRIBE")) {
				if (f.subr_busy) {
					f.subr_busy = false;
					sip_subscriber_response(s, 0,
						m->scode, m, now);
				}
			} else if (!m->req) {
				notify_result(&f, 0, m->scode, m, now);
			}
			sip_msg_free(m);
		} else if (len % 3 == 0) {
			notify_result(&f, ETIMEDOUT, 408, NULL, now);
		}
		sip_notifier_tick(n, now);
		sip_esc_tick(e, now);
		sip_subscriber_tick(s, now);
		if (sip_notifier_count(n) > MAX_SUBS ||
		    sip_esc_count(e) > MAX_PUBS)
			abort();
		off += len + (end ? 1 : 0);
	}
	sip_subscriber_free(s);
	sip_esc_free(e);
	sip_notifier_free(n);
	return 0;
}
