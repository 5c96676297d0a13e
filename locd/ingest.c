/*
 * ingest.c: positions in: SIP PUBLISH of PIDF-LO (RFC 3903 through the
 * ESC of sip/sip_event.h: 415 for another body type, 400 with a Warning
 * for an invalid PIDF-LO or an implausible fix, 403 for a publisher who
 * is not the target) and the OsmAnd/Traccar HTTP protocol
 * (locd/http.h).  Accepted fixes become the target's current location
 * (newest by location time, Q-31), are stored, and queue the target for
 * evaluation at the end of the loop iteration (after the 200 left).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/locd_int.h"

#define ING_LOG "ingest"

static void refuse_count(struct locd *d, enum locd_source src,
			 enum locd_refuse why)
{
	if ((unsigned)src < LOCD_SOURCE_COUNT &&
	    (unsigned)why < LOCD_REFUSE_COUNT)
		locd_metric_inc(d->std.refused[src][why]);
}

int locd_ingest_check(struct locd *d, const struct locd_pos *p,
		      enum locd_refuse *why, const char **reason)
{
	if (!isfinite(p->pt.lat) || !isfinite(p->pt.lon) ||
	    !isfinite(p->time) || (p->pt.has_alt && !isfinite(p->pt.alt)) ||
	    (p->has_speed && !isfinite(p->speed)) ||
	    (p->has_heading && !isfinite(p->heading))) {
		*why = LOCD_REFUSE_NAN;
		*reason = "a value is not a finite number";
		return ERANGE;
	}
	if (!geo_point_valid(&p->pt) || (p->has_speed && p->speed < 0) ||
	    (p->has_heading && (p->heading < 0 || p->heading > 360)) ||
	    p->time < 0) {
		*why = LOCD_REFUSE_RANGE;
		*reason = "position out of range";
		return ERANGE;
	}
	if (p->time > locd_wall() + d->cfg->max_future_skew_s) {
		*why = LOCD_REFUSE_FUTURE;
		*reason = "fix time too far in the future";
		return ERANGE;
	}
	return 0;
}

/* t's current location may have changed: store it and evaluate. */
static void current_update(struct locd *d, struct locd_target *t,
			   enum locd_source src)
{
	if (!locd_target_current(t))
		return;
	/* the store keeps points; a civic-only location is not kept
	 * across a restart (its publication is, without the body) */
	if (t->has_fix && !t->fix.civic_only &&
	    locd_persist_fix(d, t->aor, &t->fix, src))
		locd_log(d->log, LOCD_LOG_WARNING, ING_LOG, d->cur_callid,
			 "storing the fix of %s: %s", t->aor,
			 locd_store_errmsg(d->store));
	if (locd_log_on(d->log, LOCD_LOG_DEBUG)) {
		if (t->has_fix)
			locd_log(d->log, LOCD_LOG_DEBUG, ING_LOG,
				 d->cur_callid, "%s at %.7f %.7f t=%.3f",
				 t->aor, t->fix.pt.lat, t->fix.pt.lon,
				 t->fix.time);
		else
			locd_log(d->log, LOCD_LOG_DEBUG, ING_LOG,
				 d->cur_callid, "%s: location unknown",
				 t->aor);
	}
	locd_target_queue(d, t);
}

int locd_ingest_pos(struct locd *d, const char *aor,
		    const struct locd_pos *p, enum locd_source src,
		    enum locd_refuse *why, const char **reason)
{
	struct locd_target *t;
	int err;

	err = locd_ingest_check(d, p, why, reason);
	if (err)
		goto refuse;
	err = locd_target_get(d, aor, true, &t);
	if (err)
		return err;
	if (t->has_fix && p->time <= t->fix.time) {
		*why = LOCD_REFUSE_ORDER;
		*reason = p->time == t->fix.time ? "fix already received"
						 : "fix older than the last";
		err = p->time == t->fix.time ? EALREADY : ESTALE;
		goto refuse;
	}
	t->has_other = true;
	t->other = *p;
	t->other_seq = ++d->arrivals;
	if (src != LOCD_SOURCE_HTTP) /* http.c counts its own */
		locd_metric_inc(d->std.ingested[src]);
	current_update(d, t, src);
	return 0;
refuse:
	refuse_count(d, src, *why);
	locd_log(d->log, LOCD_LOG_NOTICE, ING_LOG, d->cur_callid,
		 "update for %s refused: %s", aor, *reason);
	return err;
}

/* May the request's sender publish for aor? */
static bool publisher_ok(const struct locd *d, const char *aor)
{
	const char *u = d->cur_user, *a = aor, *cu, *ca;
	size_t lu, la;

	if (!d->cfg->auth)
		return true;
	if (!u)
		return false;
	/* compare user parts (both sip:user@domain of our domain) */
	cu = strchr(u, ':');
	ca = strchr(a, ':');
	if (!cu || !ca)
		return false;
	cu++;
	ca++;
	lu = strcspn(cu, "@");
	la = strcspn(ca, "@");
	return lu == la && memcmp(cu, ca, lu) == 0;
}

static bool pidf_type(const struct sip_pl *ct)
{
	struct sip_pl t = *ct;
	size_t semi = sip_pl_chr(&t, ';');

	if (semi < t.l)
		t.l = semi;
	sip_pl_trim(&t);
	return sip_pl_casecmp_str(&t, "application/pidf+xml") == 0 ||
	       sip_pl_casecmp_str(&t, "application/cpim-pidf+xml") == 0;
}

/*
 * Whether a parsed PIDF-LO carries nothing but its point: a gml:Point
 * (its altitude, if any, read as 3-D), no confidence, no civic address.
 * The notifier then builds and evaluates the same document from the
 * locd_pos alone (locd/notifier.c: point_of, loc_of NULL).
 */
static bool point_only(const struct pidf_doc *doc)
{
	const struct pidf_location *l = &doc->loc;

	return l->shape && l->shape->kind == GEO_SHAPE_POINT &&
	       (l->shape->dim == 3) == l->shape->center.has_alt &&
	       !l->has_confidence && l->pdf == PIDF_PDF_UNKNOWN &&
	       l->civic.n == 0;
}

static uint16_t pub_h(const struct sip_pub_event *ev, const char **warning,
		      void *arg)
{
	static const char *const bad = "invalid PIDF-LO";
	struct locd *d = arg;
	char aor[LOCD_AOR_MAX + 1];
	struct sip_uri uri;
	struct sip_pl epl;
	struct pidf_doc *doc = NULL;
	struct pidf_err pe = {0};
	struct locd_pos p;
	struct locd_target *t = NULL;
	struct locd_loc *loc;
	struct locd_pub *old;
	enum locd_refuse why = LOCD_REFUSE_MALFORMED;
	const char *reason = NULL;
	int err;

	sip_pl_set_str(&epl, ev->entity);
	if (sip_uri_parse(&uri, &epl) || locd_aor_of(d, &uri, aor,
						     sizeof(aor))) {
		*warning = "no such target";
		return ev->op == SIP_PUB_NEW || ev->op == SIP_PUB_MODIFY
			       ? 404 : 200;
	}
	if (ev->op != SIP_PUB_NEW && ev->op != SIP_PUB_MODIFY) {
		if (!locd_target_get(d, aor, false, &t)) {
			if (ev->op == SIP_PUB_REFRESH) {
				locd_target_pub_rename(t, ev->old_etag,
						       ev->etag);
			} else {
				/* Q-31: removed or expired */
				locd_target_pub_del(t, ev->old_etag);
				current_update(d, t, LOCD_SOURCE_SIP);
			}
		}
		if (locd_persist_pub(d, ev, aor))
			locd_log(d->log, LOCD_LOG_WARNING, ING_LOG, NULL,
				 "store: %s", locd_store_errmsg(d->store));
		return 200;
	}
	if (!publisher_ok(d, aor)) {
		*warning = "only the target may publish its location";
		return 403;
	}
	if (!pidf_type(&ev->ctype))
		return 415; /* EV-32: the ESC adds nothing; Accept below */
	err = pidf_parse(d->geo, ev->body.p, ev->body.l, NULL, &doc, &pe);
	if (err) {
		refuse_count(d, LOCD_SOURCE_SIP, err == EOVERFLOW
						 ? LOCD_REFUSE_LIMIT
						 : LOCD_REFUSE_MALFORMED);
		snprintf(d->warnbuf, sizeof(d->warnbuf), "%s",
			 pe.msg[0] ? pe.msg : bad);
		*warning = d->warnbuf;
		locd_log(d->log, LOCD_LOG_NOTICE, ING_LOG, d->cur_callid,
			 "PUBLISH for %s refused: %s", aor, d->warnbuf);
		return err == ENOMEM ? 500 : 400;
	}
	memset(&p, 0, sizeof(p));
	if (!doc->loc.shape && !doc->loc.civic.n) {
		pidf_doc_free(doc);
		refuse_count(d, LOCD_SOURCE_SIP, LOCD_REFUSE_MALFORMED);
		*warning = "PIDF-LO: no location";
		return 400;
	}
	if (!doc->loc.shape)
		p.civic_only = true; /* accepted: valueChanges on civic */
	else if (doc->loc.shape->kind == GEO_SHAPE_POINT)
		p.pt = doc->loc.shape->center;
	else if (geo_shape_center(d->geo, doc->loc.shape, &p.pt))
		p.pt = doc->loc.shape->center;
	p.time = doc->loc.has_time ? doc->loc.time : locd_wall();
	p.has_speed = doc->loc.has_speed;
	p.speed = doc->loc.speed;
	p.has_heading = doc->loc.has_heading;
	p.heading = doc->loc.heading;
	/* issue 5 item 5: the shape, confidence and civic address stay
	 * with the publication (the point is their representative); a
	 * bare point says nothing p does not, so its document goes now
	 * (issue 6: about 18 KB per publication, the XML tree and struct
	 * pidf_location's fixed civic array) */
	if (point_only(doc)) {
		pidf_doc_free(doc);
		loc = NULL;
	} else {
		loc = locd_loc_new(doc);
		if (!loc)
			return 500;
	}
	err = locd_ingest_check(d, &p, &why, &reason);
	if (!err)
		err = locd_target_get(d, aor, true, &t);
	if (!err && (old = locd_target_pub(t, ev->old_etag)) != NULL &&
	    p.time < old->pos.time) {
		why = LOCD_REFUSE_ORDER;
		reason = "fix older than this publication's last";
		err = ESTALE;
	}
	if (err) {
		if (err != ENOMEM)
			refuse_count(d, LOCD_SOURCE_SIP, why);
		locd_log(d->log, LOCD_LOG_NOTICE, ING_LOG, d->cur_callid,
			 "PUBLISH for %s refused: %s", aor,
			 reason ? reason : strerror(err));
		*warning = reason;
		locd_loc_drop(loc);
		return err == ENOMEM ? 500 : 400;
	}
	err = locd_target_pub_put(d, t, ev->old_etag, ev->etag, &p, loc);
	locd_loc_drop(loc);
	if (err)
		return 500;
	locd_metric_inc(d->std.ingested[LOCD_SOURCE_SIP]);
	current_update(d, t, LOCD_SOURCE_SIP);
	if (locd_persist_pub(d, ev, aor))
		locd_log(d->log, LOCD_LOG_WARNING, ING_LOG, NULL, "store: %s",
			 locd_store_errmsg(d->store));
	return 200;
}

int locd_ingest_register(struct locd *d)
{
	struct sip_esc_pkg p;
	int err;

	memset(&p, 0, sizeof(p));
	p.name = "presence";
	p.expires_default = d->cfg->pub_default_expires;
	p.expires_min = d->cfg->pub_min_expires;
	p.expires_max = d->cfg->pub_max_expires;
	p.accept = "application/pidf+xml";
	p.pubh = pub_h;
	p.arg = d;
	err = sip_esc_pkg_add(locd_sipio_esc(d), &p);
	if (err)
		return err;
	p.name = "location";
	err = sip_esc_pkg_add(locd_sipio_esc(d), &p);
	if (!err)
		err = sip_stack_accept_add(d->st, "application/pidf+xml");
	return err;
}

/* --- HTTP (OsmAnd / Traccar). */

static int http_ingest_h(const struct locd_http_update *u, void *arg)
{
	struct locd *d = arg;
	struct locd_pos p;
	enum locd_refuse why;
	const char *reason;
	int err;

	memset(&p, 0, sizeof(p));
	p.pt = u->fix->pos;
	p.time = u->fix->time;
	p.has_speed = u->fix->has_speed;
	p.speed = u->fix->speed;
	p.has_heading = u->fix->has_bearing;
	p.heading = u->fix->bearing;
	err = locd_ingest_pos(d, u->aor, &p, LOCD_SOURCE_HTTP, &why,
			      &reason);
	if (err == EALREADY)
		return 0; /* a resend: answered 200, nothing new */
	if (err == ESTALE || err == ERANGE)
		return 0; /* refused and counted; the client must not retry */
	return err;
}

static int http_last_h(const char *aor, double *t, void *arg)
{
	struct locd *d = arg;
	struct locd_target *x;

	if (locd_target_get(d, aor, false, &x) || !x->has_fix)
		return ENOENT;
	*t = x->fix.time;
	return 0;
}

static double http_clock_h(void *arg)
{
	(void)arg;
	return locd_wall();
}

int locd_ingest_http_start(struct locd *d)
{
	const struct locd_config *c = d->cfg;
	struct locd_http_addr *a = d->haddrs;
	struct locd_http_conf hc;
	unsigned linep = 0;
	const char *reason = NULL;
	size_t i;
	int err;

	if (!c->http_listen.n)
		return 0;
	if (c->device_map && *c->device_map) {
		err = locd_devices_load(&d->devices, c->device_map, &linep,
					&reason);
		if (err) {
			locd_log(d->log, LOCD_LOG_ERR, ING_LOG, NULL,
				 "%s:%u: %s", c->device_map, linep,
				 reason ? reason : strerror(err));
			return err;
		}
	}
	for (i = 0; i < c->http_listen.n && i < LOCD_HTTP_ADDRS_MAX; i++) {
		a[i].host = c->http_listen.a[i].host;
		a[i].port = c->http_listen.a[i].port;
	}
	memset(&hc, 0, sizeof(hc));
	hc.addrs = a;
	hc.n_addrs = i;
	hc.max_skew = c->max_future_skew_s;
	/* SEC-6: with authentication on, devices prove themselves with
	 * their token; unmapped ids are accepted only with --no-auth (or
	 * ingest.require_token = no and auth off) */
	hc.require_token = c->require_token || c->auth;
	if (c->auth && !d->devices)
		locd_log(d->log, LOCD_LOG_WARNING, ING_LOG, NULL,
			 "HTTP ingest: no ingest.device_map, so every device "
			 "is refused (tokens are required with auth on)");
	hc.auth_off = !c->auth;
	hc.domain = c->domain;
	hc.devices = d->devices;
	hc.metrics = d->metrics;
	hc.std = &d->std;
	hc.lasth = http_last_h;
	hc.clockh = http_clock_h;
	hc.clock_arg = d;
	err = locd_http_alloc(&d->http, d->base, &hc, http_ingest_h, d);
	for (i = 0; !err && i < hc.n_addrs; i++)
		locd_log(d->log, LOCD_LOG_NOTICE, ING_LOG, NULL,
			 "HTTP ingest on %s:%u%s", a[i].host,
			 (unsigned)a[i].port,
			 hc.require_token ? " (device tokens required)" : "");
	return err;
}
