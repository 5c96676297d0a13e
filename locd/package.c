/*
 * package.c: the location event package (draft-mahy-geopriv-sip-loc-
 * pkg-01, "Event: location") and RFC 6447 filters over "presence":
 * judging SUBSCRIBEs (403 without a filter in draft mode, EV-5; 415 with
 * Accept for a type we do not read; 488 with a Warning for a bad filter,
 * EV-7; 403 by policy, Q-28), the first NOTIFY's body (LF-42: every
 * feature), filter changes in a dialog (EV-10), rates (RC-7, RC-14).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/locd_int.h"

#define PKG_LOG "package"

/* Which package a callback belongs to (the arg of struct sip_evt_pkg). */
struct pkg_arg {
	struct locd *d;
	enum lf_mode mode;
};

static bool ctype_is(const struct sip_pl *ct, const char *want)
{
	struct sip_pl t = *ct;
	size_t semi = sip_pl_chr(&t, ';');

	if (semi < t.l)
		t.l = semi;
	sip_pl_trim(&t);
	return sip_pl_casecmp_str(&t, want) == 0;
}

int locd_package_filter_build(struct locd *d, enum lf_mode mode,
			      const char *ctype, const char *const *docs,
			      const size_t *docl, size_t ndocs,
			      struct lf_filter **fp, struct lf_err *le)
{
	struct lf_filter *f = NULL, *u, *m;
	size_t i;
	int err;

	if (!ndocs || ndocs > LOCD_FILTER_DOCS_MAX)
		return EINVAL;
	for (i = 0; i < ndocs; i++) {
		err = lf_cache_parse(d->fcache, ctype, docs[i], docl[i], &u,
				     le);
		if (err)
			goto fail;
		if (lf_filter_mode(u) != mode) {
			lf_filter_free(u);
			err = EPROTONOSUPPORT;
			snprintf(le->msg, sizeof(le->msg),
				 "filter form does not match the package");
			le->code = err;
			goto fail;
		}
		if (!f) {
			f = u;
			continue;
		}
		err = lf_filter_merge(f, u, &m, le);
		lf_filter_free(u);
		if (err)
			goto fail;
		lf_filter_free(f);
		f = m;
	}
	*fp = f;
	return 0;
fail:
	lf_filter_free(f);
	return err;
}

const char *locd_lsub_callid(const struct locd_lsub *ls)
{
	const struct sip_dialog *dl = ls ? sip_sub_dialog(ls->sub) : NULL;

	return dl && dl->callid ? dl->callid : "-";
}

const char *locd_lsub_ctype(const struct locd_lsub *ls)
{
	return ls->mode == LF_MODE_DRAFT ? LF_CTYPE_DRAFT : LF_CTYPE_RFC;
}

size_t locd_lsub_ndocs(const struct locd_lsub *ls)
{
	if (ls->docs)
		return ls->docs->n;
	return lf_filter_source(ls->filter, NULL, NULL) ? 1 : 0;
}

const char *locd_lsub_doc(const struct locd_lsub *ls, size_t i,
			  size_t *len)
{
	*len = 0;
	if (ls->docs)
		return i < ls->docs->n ? (*len = ls->docs->len[i],
					  ls->docs->doc[i])
				       : NULL;
	return i == 0 ? lf_filter_source(ls->filter, len, NULL) : NULL;
}

struct locd_fdocs *locd_fdocs_new(const char *const *docs,
				  const size_t *len, size_t n)
{
	struct locd_fdocs *fd;
	size_t i, total = sizeof(*fd);
	char *p;

	if (n < 2 || n > LOCD_FILTER_DOCS_MAX)
		return NULL;
	for (i = 0; i < n; i++) {
		if (len[i] > LF_BODY_MAX)
			return NULL;
		total += len[i] + 1; /* at most 8 x 64 KiB: no overflow */
	}
	fd = malloc(total);
	if (!fd)
		return NULL;
	memset(fd, 0, sizeof(*fd));
	p = (char *)(fd + 1);
	for (i = 0; i < n; i++) {
		memcpy(p, docs[i], len[i]);
		p[len[i]] = '\0';
		fd->doc[i] = p;
		fd->len[i] = len[i];
		p += len[i] + 1;
	}
	fd->n = n;
	return fd;
}

void locd_package_sched_cfg(const struct locd *d, enum lf_mode mode,
			    const struct sip_rates *r, double remaining,
			    struct lf_sched_cfg *cfg, struct sip_rates *out)
{
	const struct locd_config *c = d->cfg;

	lf_sched_cfg_init(cfg);
	cfg->quarantine = c->quarantine_ms / 1000.0;
	cfg->burst_n = c->burst_n;
	cfg->burst_window = c->burst_period_ms / 1000.0;
	cfg->window_n = c->window_n;
	cfg->window = (double)c->window_period_s;
	cfg->max_rate = r ? r->max_rate : 0;
	cfg->min_rate = r ? r->min_rate : 0;
	cfg->adaptive_min_rate = r ? r->adaptive_min_rate : 0;
	if (mode == LF_MODE_RFC && c->presence_max_rate > 0 &&
	    (cfg->max_rate <= 0 || cfg->max_rate > c->presence_max_rate))
		cfg->max_rate = c->presence_max_rate; /* RC-4, Q-23 */
	lf_sched_cfg_adjust(cfg, remaining);
	if (out) {
		out->max_rate = cfg->max_rate;
		out->min_rate = cfg->min_rate;
		out->adaptive_min_rate = cfg->adaptive_min_rate;
	}
}

/* May the decision see feature f (gml:id or name)? */
static bool feature_ok(const struct locd_policy_decision *dec,
		       const struct lf_feature *f)
{
	if (dec->all_features)
		return true; /* anonymous shapes (RFC 6447 regions) too */
	return (f->id && locd_policy_feature_allowed(dec, f->id)) ||
	       (f->name && locd_policy_feature_allowed(dec, f->name));
}

uint16_t locd_package_authorize(struct locd_lsub *ls)
{
	struct locd *d = ls->d;
	size_t i, n;

	locd_policy_decide(d->policy, ls->subscriber, ls->tgt->aor,
			   ls->secure, &ls->dec);
	if (ls->dec.basis == LOCD_POLICY_TLS_REQUIRED)
		return 403;
	if (ls->dec.basis == LOCD_POLICY_NO_RULE ||
	    ls->dec.precision == LOCD_PRECISION_NONE) {
		if (ls->dec.refuse_403)
			return 403;
	}
	ls->located = ls->dec.basis == LOCD_POLICY_RULE &&
		      (ls->dec.precision == LOCD_PRECISION_PRECISE ||
		       ls->dec.precision == LOCD_PRECISION_COARSE);
	ls->hidden = 0;
	n = ls->filter ? lf_filter_nfeatures(ls->filter) : 0;
	for (i = 0; i < n && i < 32; i++) {
		/* features it may not see stay undefined */
		if (!ls->located ||
		    !feature_ok(&ls->dec, lf_filter_feature(ls->filter, i)))
			ls->hidden |= 1u << i;
	}
	return 0;
}

void locd_lsub_free(struct locd_lsub *ls)
{
	if (!ls)
		return;
	sip_timer_cancel(&ls->timer);
	locd_target_unlink(ls);
	locd_persist_forget(ls);
	lf_state_free(ls->st);
	lf_filter_free(ls->filter);
	locd_loc_drop(ls->vloc);
	free(ls->docs);
	free(ls->subscriber);
	free(ls);
}

/*
 * ans->warning for a filter error: copied into d->pkgwarn, since le
 * lives on the callback's stack and the stack reads the text after the
 * callback has returned (issue 5, item 2).
 */
static void warn_filter(struct locd *d, struct sip_sub_answer *ans,
			const struct lf_err *le)
{
	snprintf(d->pkgwarn, sizeof(d->pkgwarn), "%s",
		 le->msg[0] ? le->msg : "bad filter");
	ans->warning = d->pkgwarn;
}

/* Judge a body: fill the refusal in ans or return a new filter. */
static int judge_body(struct locd *d, enum lf_mode mode,
		      const struct sip_sub_req *req,
		      struct sip_sub_answer *ans, struct lf_filter **fp,
		      struct lf_err *le)
{
	const char *want = mode == LF_MODE_DRAFT ? LF_CTYPE_DRAFT
						 : LF_CTYPE_RFC;
	const char *doc = req->body.p;
	size_t l = req->body.l;
	int err;

	if (!ctype_is(&req->ctype, want)) {
		ans->scode = 415;
		ans->accept = want;
		return EPROTONOSUPPORT;
	}
	memset(le, 0, sizeof(*le));
	err = locd_package_filter_build(d, mode, want, &doc, &l, 1, fp, le);
	if (err) {
		ans->scode = (uint16_t)lf_sip_status(err);
		if (ans->scode == 415)
			ans->accept = want;
		if (ans->scode == 200 || ans->scode == 500)
			ans->scode = err == ENOMEM ? 500 : 488;
		warn_filter(d, ans, le);
	}
	return err;
}

/* Default RFC 6447 filter without a body (EV-6): every update. */
static const char rfc_default[] =
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\">"
	"<filter id=\"locd-default\"><what><include>/</include></what>"
	"</filter></filter-set>";

/*
 * An RFC 6447 filter change (EV-10): merge upd (taken) into ls's filter;
 * on success *mp is the filter now in force and *fdp the documents that
 * rebuild it (NULL when *mp is one parsed filter).  0, or the refusal in
 * ans.
 */
static int refresh_merge(struct locd *d, struct locd_lsub *ls,
			 struct lf_filter *upd, const struct sip_sub_req *req,
			 struct sip_sub_answer *ans, struct lf_filter **mp,
			 struct locd_fdocs **fdp)
{
	const char *docs[LOCD_FILTER_DOCS_MAX];
	size_t docl[LOCD_FILTER_DOCS_MAX], n = locd_lsub_ndocs(ls), i;
	struct lf_filter *m = NULL;
	struct lf_err le;

	memset(&le, 0, sizeof(le));
	if (n >= LOCD_FILTER_DOCS_MAX) {
		lf_filter_free(upd);
		ans->scode = 488;
		ans->warning = "too many filter changes";
		return EOVERFLOW;
	}
	if (lf_filter_merge(ls->filter, upd, &m, &le)) {
		lf_filter_free(upd);
		ans->scode = 488;
		warn_filter(d, ans, &le);
		return EBADMSG;
	}
	lf_filter_free(upd);
	*fdp = NULL;
	if (!lf_filter_source(m, NULL, NULL)) {
		/* a merge: keep what rebuilds it, the new body last */
		for (i = 0; i < n; i++)
			docs[i] = locd_lsub_doc(ls, i, &docl[i]);
		docs[n] = req->body.p;
		docl[n] = req->body.l;
		*fdp = locd_fdocs_new(docs, docl, n + 1);
		if (!*fdp) {
			lf_filter_free(m);
			ans->scode = 500;
			return ENOMEM;
		}
	}
	*mp = m;
	return 0;
}

static void accept_refresh(struct pkg_arg *pa, struct sip_sub *sub,
			   const struct sip_sub_req *req,
			   struct sip_sub_answer *ans)
{
	struct locd *d = pa->d;
	struct locd_lsub *ls = sip_sub_pkg_state(sub);
	struct lf_filter *upd = NULL, *merged = NULL;
	struct locd_fdocs *fd = NULL;
	struct lf_state *nst = NULL;
	struct lf_err le;
	struct lf_sched_cfg cfg;

	if (!ls) {
		ans->scode = 500;
		return;
	}
	ans->state = ls;
	if (req->body.l) {
		if (judge_body(d, pa->mode, req, ans, &upd, &le))
			return;
		if (pa->mode == LF_MODE_RFC) {
			if (refresh_merge(d, ls, upd, req, ans, &merged, &fd))
				return;
		} else {
			merged = upd; /* draft: replaces (its own source) */
		}
		if (lf_state_alloc(merged, &nst)) {
			free(fd);
			lf_filter_free(merged);
			ans->scode = 500;
			return;
		}
		/* LF-42: a new filter re-reports every feature */
		free(ls->docs);
		ls->docs = fd;
		lf_state_free(ls->st);
		lf_filter_free(ls->filter);
		ls->filter = merged;
		ls->st = nst;
		ls->cont = 0;
		ls->have_eval = false;
		ls->have_sent = false;
		(void)locd_package_authorize(ls);
	}
	locd_package_sched_cfg(d, pa->mode, &req->rates, req->expires, &cfg,
			       &ans->rates);
	lf_sched_set_cfg(&ls->sched, &cfg);
	ls->resync = true;
	locd_persist_mark(ls, true);
}

/* EV-17: an Accept that lists none of what we send (PIDF-LO) -> 406. */
static bool accept_ok(const struct sip_msg *msg)
{
	const struct sip_hdr *h = NULL;
	bool seen = false;

	while ((h = sip_msg_hdr(msg, SIP_HDR_ACCEPT, h)) != NULL) {
		struct sip_pl v = h->val;
		size_t semi = sip_pl_chr(&v, ';');
		if (semi < v.l)
			v.l = semi;
		sip_pl_trim(&v);
		if (!v.l)
			continue; /* an empty Accept: no preference */
		seen = true;
		if (sip_pl_casecmp_str(&v, "application/pidf+xml") == 0 ||
		    sip_pl_casecmp_str(&v, "application/cpim-pidf+xml") ==
			    0 ||
		    sip_pl_casecmp_str(&v, "application/*") == 0 ||
		    sip_pl_casecmp_str(&v, "*/*") == 0)
			return true;
	}
	return !seen;
}

static void accept_h(struct sip_sub *sub, const struct sip_sub_req *req,
		     struct sip_sub_answer *ans, void *arg)
{
	struct pkg_arg *pa = arg;
	struct locd *d = pa->d;
	struct locd_lsub *ls;
	struct lf_filter *f = NULL;
	struct lf_err le;
	struct lf_sched_cfg cfg;
	char aor[LOCD_AOR_MAX + 1];
	uint16_t sc;

	if (req->refresh) {
		accept_refresh(pa, sub, req, ans);
		return;
	}
	if (locd_aor_of(d, &req->msg->ruri, aor, sizeof(aor))) {
		ans->scode = 404;
		ans->warning = "no such target";
		return;
	}
	if (!accept_ok(req->msg)) {
		ans->scode = 406;
		ans->warning = "locd sends application/pidf+xml only";
		return;
	}
	if (!req->body.l) {
		const char *doc = rfc_default;
		size_t docl = sizeof(rfc_default) - 1;
		if (pa->mode == LF_MODE_DRAFT) {
			ans->scode = 403; /* EV-5 */
			ans->warning = "a location filter is required";
			return;
		}
		memset(&le, 0, sizeof(le));
		if (locd_package_filter_build(d, pa->mode, LF_CTYPE_RFC, &doc,
					      &docl, 1, &f, &le)) {
			ans->scode = 500;
			return;
		}
	} else if (judge_body(d, pa->mode, req, ans, &f, &le)) {
		locd_log(d->log, LOCD_LOG_NOTICE, PKG_LOG, &req->msg->callid,
			 "filter refused: %u %s", (unsigned)ans->scode,
			 ans->warning ? ans->warning : "");
		return;
	}
	/* the filter keeps its body (lf_filter_source): no copy here */
	ls = calloc(1, sizeof(*ls));
	if (!ls) {
		lf_filter_free(f);
		ans->scode = 500;
		return;
	}
	ls->d = d;
	ls->sub = sub;
	ls->mode = pa->mode;
	ls->filter = f;
	ls->secure = d->cur_secure;
	sip_timer_init(&ls->timer);
	if (d->cur_user)
		ls->subscriber = strdup(d->cur_user);
	if ((d->cur_user && !ls->subscriber) ||
	    lf_state_alloc(f, &ls->st) ||
	    locd_target_get(d, aor, true, &ls->tgt)) {
		ls->tgt = NULL;
		locd_lsub_free(ls);
		ans->scode = 500;
		return;
	}
	sc = locd_package_authorize(ls);
	if (sc) {
		ls->tgt = NULL;
		locd_lsub_free(ls);
		ans->scode = sc;
		ans->warning = "not authorised";
		return;
	}
	locd_target_link(ls->tgt, ls);
	locd_package_sched_cfg(d, pa->mode, &req->rates, req->expires, &cfg,
			       &ans->rates);
	lf_sched_init(&ls->sched, &cfg, locd_now_s(d));
	ans->state = ls;
	locd_persist_mark(ls, true);
}

static int body_h(struct sip_sub *sub, void *state,
		  enum sip_sub_reason reason, struct sip_buf *body,
		  const char **ctype, void *arg)
{
	struct locd_lsub *ls = state;
	const char *b;
	size_t l;
	int err;

	(void)sub;
	(void)arg;
	if (!ls)
		return 0;
	/* EV-19, LF-42: full state, every feature; exempt from delay */
	err = locd_notifier_body(ls, true, locd_now_s(ls->d), &b, &l);
	if (err)
		return err;
	(void)reason;
	*ctype = "application/pidf+xml";
	err = sip_buf_append(body, b, l);
	locd_metric_inc(ls->d->std.notify_sent);
	locd_persist_mark(ls, false);
	locd_notifier_arm(ls); /* periodic NOTIFYs from now (RC-12) */
	return err;
}

static void close_h(struct sip_sub *sub, void *state,
		    enum sip_sub_reason reason, uint16_t scode, void *arg)
{
	struct locd_lsub *ls = state;
	struct pkg_arg *pa = arg;

	(void)sub;
	if (!ls)
		return;
	locd_log(pa->d->log, LOCD_LOG_INFO, PKG_LOG, NULL,
		 "subscription %s to %s ended: %s %u", locd_lsub_callid(ls),
		 ls->tgt ? ls->tgt->aor : "?",
		 reason == SIP_SUB_REASON_FAILED ? "failed"
						 : sip_sub_reason_name(reason),
		 (unsigned)scode);
	if (ls->store_id &&
	    locd_store_sub_delete(pa->d->store, ls->store_id) &&
	    locd_log_on(pa->d->log, LOCD_LOG_DEBUG))
		locd_log(pa->d->log, LOCD_LOG_DEBUG, PKG_LOG, NULL,
			 "store: %s", locd_store_errmsg(pa->d->store));
	locd_lsub_free(ls);
}

static void rates_h(struct sip_sub *sub, void *state,
		    const struct sip_rates *rates, void *arg)
{
	struct locd_lsub *ls = state;
	struct pkg_arg *pa = arg;
	struct lf_sched_cfg cfg;
	struct sip_rates out;

	if (!ls)
		return;
	/* RC-16: new values in a 2xx to NOTIFY */
	locd_package_sched_cfg(pa->d, ls->mode, rates,
			       sip_sub_remaining(sub, locd_now_ms(pa->d)),
			       &cfg, &out);
	lf_sched_set_cfg(&ls->sched, &cfg);
	sip_sub_rates_set(sub, &out);
	locd_notifier_arm(ls);
	locd_persist_mark(ls, true);
}

int locd_package_register(struct locd *d)
{
	struct pkg_arg *pa;
	struct sip_evt_pkg p;
	int err, i;

	for (i = 0; i < 2; i++) {
		/* the arg lives as long as the daemon (freed with it) */
		pa = calloc(1, sizeof(*pa));
		if (!pa)
			return ENOMEM;
		pa->d = d;
		pa->mode = i == 0 ? LF_MODE_DRAFT : LF_MODE_RFC;
		memset(&p, 0, sizeof(p));
		p.name = i == 0 ? "location" : "presence";
		p.expires_default = d->cfg->sub_default_expires;
		p.expires_min = d->cfg->sub_min_expires;
		p.expires_max = d->cfg->sub_max_expires;
		p.accepth = accept_h;
		p.bodyh = body_h;
		p.closeh = close_h;
		p.ratesh = rates_h;
		p.arg = pa;
		err = sip_notifier_pkg_add(locd_sipio_notifier(d), &p);
		if (!err)
			err = sip_stack_event_add(d->st, p.name);
		if (err) {
			free(pa);
			return err;
		}
		d->pkg_args[i] = pa;
	}
	return 0;
}
