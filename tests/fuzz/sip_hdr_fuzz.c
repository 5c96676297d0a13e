/*
 * sip_hdr_fuzz.c: libFuzzer target for the SIP header value parsers
 * (STYLE.md 2.11; sip/sip.h): sip_uri_parse, sip_addr_parse,
 * sip_via_parse, sip_event_parse, sip_substate_parse, sip_cseq_parse,
 * sip_contact_parse, sip_ctype_parse and the ;param parser.  Every input
 * goes to every parser.  Built by `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - return values are in each parser's documented set;
 * - every view of a result lies inside the input (zero-copy parsers);
 * - parsing is idempotent: a URI parsed again from its `all` view, and a
 *   Via, Event or Subscription-State parsed from the same bytes, give the
 *   same fields;
 * - the fields agree with the raw parameter list (tag, branch, received,
 *   maddr, id, reason): sip_param_next finds the same view;
 * - sip_param_check agrees with iterating sip_param_next, which always
 *   consumes bytes and ends with ENOENT or EBADMSG;
 * - numbers are in range (q <= 1000, RFC 6446 rates in (0, 100));
 * - an Event flagged rates_bad was refused (EBADMSG) with every rate 0
 *   and its package read (what a lenient response relies on).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Global bounds of the current input, for in(). */
struct fz_in {
	const char *p;
	size_t l;
};

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

/* The view is empty or lies within the input. */
static void in(const struct fz_in *b, const struct sip_pl *pl)
{
	if (!pl->l)
		return;
	fz_assert(pl->p >= b->p && pl->p + pl->l <= b->p + b->l);
}

static bool pl_same(const struct sip_pl *a, const struct sip_pl *b)
{
	return a->l == b->l && (!a->l || a->p == b->p);
}

/* Iterate a parameter list; the result must match sip_param_check. */
static void params_walk(const struct fz_in *b, const struct sip_pl *params,
			enum sip_param_mode mode)
{
	struct sip_pl r = *params, n, v;
	int e;

	while ((e = sip_param_next(&r, mode, &n, &v)) == 0) {
		in(b, &n);
		in(b, &v);
		fz_assert(n.l > 0);
		fz_assert(r.l < params->l);
		/* strictly consumed: the rest ends where params ends */
		fz_assert(r.p + r.l == params->p + params->l);
	}
	fz_assert(e == ENOENT || e == EBADMSG);
	fz_assert(sip_param_check(params, mode) == (e == ENOENT ? 0 :
						    EBADMSG));
}

/*
 * A field taken from a parameter must be one of the parameter's values
 * (a repeated parameter may give the first or the last).
 */
static void param_agrees(const struct sip_pl *params,
			 enum sip_param_mode mode, const char *name,
			 const struct sip_pl *field)
{
	struct sip_pl r = *params, n, v;
	bool found = false;

	if (!field->l)
		return;
	while (!found && sip_param_next(&r, mode, &n, &v) == 0) {
		if (sip_pl_casecmp_str(&n, name) != 0)
			continue;
		found = pl_same(&v, field) ||
			/* a quoted value may be kept without its quotes */
			(v.l == field->l + 2 && v.p + 1 == field->p);
	}
	fz_assert(found);
}

static void rate_ok(double r)
{
	fz_assert(r == 0 || (isfinite(r) && r > 0 && r < 100));
}

static void uri_check(const struct fz_in *b, const struct sip_uri *u)
{
	struct sip_uri u2;

	in(b, &u->scheme_pl);
	in(b, &u->user);
	in(b, &u->password);
	in(b, &u->host);
	in(b, &u->params);
	in(b, &u->headers);
	in(b, &u->opaque);
	in(b, &u->all);
	fz_assert(u->all.l > 0);
	if (u->scheme == SIP_SCHEME_SIP || u->scheme == SIP_SCHEME_SIPS) {
		fz_assert(u->host.l > 0);
		fz_assert(sip_param_check(&u->params, SIP_PARAM_URI) == 0);
	}
	/* idempotent: the same bytes give the same URI */
	fz_assert(sip_uri_parse(&u2, &u->all) == 0);
	fz_assert(u2.scheme == u->scheme && u2.port == u->port &&
		  u2.host_v6 == u->host_v6);
	fz_assert(pl_same(&u2.user, &u->user) &&
		  pl_same(&u2.host, &u->host) &&
		  pl_same(&u2.params, &u->params) &&
		  pl_same(&u2.headers, &u->headers) &&
		  pl_same(&u2.password, &u->password));
}

static void fz_uri(const struct fz_in *b, const struct sip_pl *pl)
{
	struct sip_uri u;
	int e = sip_uri_parse(&u, pl);

	fz_assert(e == 0 || e == EBADMSG);
	if (!e) {
		uri_check(b, &u);
		params_walk(b, &u.params, SIP_PARAM_URI);
	}
}

static void addr_check(const struct fz_in *b, const struct sip_addr *a)
{
	in(b, &a->dname);
	in(b, &a->params);
	in(b, &a->tag);
	uri_check(b, &a->uri);
	params_walk(b, &a->params, SIP_PARAM_HDR);
	fz_assert(sip_param_check(&a->params, SIP_PARAM_HDR) == 0);
	param_agrees(&a->params, SIP_PARAM_HDR, "tag", &a->tag);
	if (!a->name_addr)
		fz_assert(!a->dname_quoted && !a->uri.headers.l);
}

static void fz_addr(const struct fz_in *b, const struct sip_pl *pl)
{
	struct sip_addr a;
	int e = sip_addr_parse(&a, pl);

	fz_assert(e == 0 || e == EBADMSG);
	if (!e)
		addr_check(b, &a);
}

static void fz_via(const struct fz_in *b, const struct sip_pl *pl)
{
	struct sip_via v, v2;
	int e = sip_via_parse(&v, pl);

	fz_assert(e == 0 || e == EINVAL || e == EBADMSG);
	if (e)
		return;
	in(b, &v.proto);
	in(b, &v.version);
	in(b, &v.transport);
	in(b, &v.host);
	in(b, &v.sentby);
	in(b, &v.params);
	in(b, &v.branch);
	in(b, &v.received);
	in(b, &v.maddr);
	fz_assert(v.proto.l && v.version.l && v.transport.l && v.host.l);
	fz_assert(v.host.p >= v.sentby.p &&
		  v.host.p + v.host.l <= v.sentby.p + v.sentby.l);
	params_walk(b, &v.params, SIP_PARAM_HDR);
	fz_assert(sip_param_check(&v.params, SIP_PARAM_HDR) == 0);
	param_agrees(&v.params, SIP_PARAM_HDR, "branch", &v.branch);
	param_agrees(&v.params, SIP_PARAM_HDR, "received", &v.received);
	param_agrees(&v.params, SIP_PARAM_HDR, "maddr", &v.maddr);
	if (v.rport_val)
		fz_assert(v.rport);
	fz_assert(sip_via_parse(&v2, pl) == 0);
	fz_assert(pl_same(&v2.branch, &v.branch) && v2.port == v.port &&
		  v2.rport == v.rport && v2.rport_val == v.rport_val &&
		  v2.has_ttl == v.has_ttl && v2.ttl == v.ttl);
}

static void fz_event(const struct fz_in *b, const struct sip_pl *pl)
{
	struct sip_event ev;
	int e = sip_event_parse(&ev, pl);

	fz_assert(e == 0 || e == EINVAL || e == EBADMSG);
	/* a bad rate alone: refused, yet read, with every rate 0 */
	fz_assert(!ev.rates_bad || e == EBADMSG);
	if (ev.rates_bad)
		fz_assert(ev.package.l > 0 && ev.rates.max_rate == 0 &&
			  ev.rates.min_rate == 0 &&
			  ev.rates.adaptive_min_rate == 0);
	if (e)
		return;
	in(b, &ev.package);
	in(b, &ev.id);
	in(b, &ev.params);
	fz_assert(ev.package.l > 0);
	fz_assert(ev.package.p[0] != '.' &&
		  ev.package.p[ev.package.l - 1] != '.');
	params_walk(b, &ev.params, SIP_PARAM_HDR);
	param_agrees(&ev.params, SIP_PARAM_HDR, "id", &ev.id);
	rate_ok(ev.rates.max_rate);
	rate_ok(ev.rates.min_rate);
	rate_ok(ev.rates.adaptive_min_rate);
}

static void fz_substate(const struct fz_in *b, const struct sip_pl *pl)
{
	static const char *const names[] = {"active", "pending",
					    "terminated"};
	struct sip_substate_hdr ss;
	enum sip_substate want = SIP_SUBSTATE_OTHER;
	size_t i;
	int e = sip_substate_parse(&ss, pl);

	fz_assert(e == 0 || e == EINVAL || e == EBADMSG);
	if (e)
		return;
	in(b, &ss.value);
	in(b, &ss.reason);
	in(b, &ss.params);
	fz_assert(ss.value.l > 0);
	for (i = 0; i < 3; i++)
		if (sip_pl_casecmp_str(&ss.value, names[i]) == 0)
			want = (enum sip_substate)(i + 1);
	fz_assert(ss.state == want);
	fz_assert(strcmp(sip_substate_name(ss.state),
			 want ? names[want - 1] : "other") == 0);
	params_walk(b, &ss.params, SIP_PARAM_HDR);
	param_agrees(&ss.params, SIP_PARAM_HDR, "reason", &ss.reason);
	rate_ok(ss.rates.max_rate);
	rate_ok(ss.rates.min_rate);
	rate_ok(ss.rates.adaptive_min_rate);
}

static void fz_misc(const struct fz_in *b, const struct sip_pl *pl)
{
	struct sip_cseq cs;
	struct sip_contact c;
	struct sip_ctype ct;
	int e;

	e = sip_cseq_parse(&cs, pl);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW);
	if (!e) {
		in(b, &cs.method);
		fz_assert(cs.method.l > 0);
	}
	e = sip_contact_parse(&c, pl);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW);
	if (!e && !c.star) {
		addr_check(b, &c.addr);
		if (c.has_q)
			fz_assert(c.q <= 1000);
	}
	e = sip_ctype_parse(&ct, pl);
	fz_assert(e == 0 || e == EINVAL || e == EBADMSG);
	if (!e) {
		in(b, &ct.type);
		in(b, &ct.subtype);
		in(b, &ct.params);
		fz_assert(ct.type.l && ct.subtype.l);
		params_walk(b, &ct.params, SIP_PARAM_HDR);
	}
	params_walk(b, pl, SIP_PARAM_HDR);
	params_walk(b, pl, SIP_PARAM_URI);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in b = {(const char *)data, size};
	struct sip_pl pl = {(const char *)data, size};

	if (size > SIP_HDRLINE_MAX)
		return 0;
	fz_uri(&b, &pl);
	fz_addr(&b, &pl);
	fz_via(&b, &pl);
	fz_event(&b, &pl);
	fz_substate(&b, &pl);
	fz_misc(&b, &pl);
	return 0;
}
