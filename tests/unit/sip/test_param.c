/*
 * test_param.c: sip/param.c, the one ";name=value" parser (header and URI
 * modes), comma lists, and the value parsers built on it: Via, CSeq,
 * Content-Type, Event and Subscription-State (EV-3, EV-21, EV-22, RC-6).
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "sip/sip.h"

#define PL_EQ(pl, s)                                                          \
	ck_assert_msg(sip_pl_eq_str(&(pl), (s)), "%s: '%.*s' != '%s'", #pl,  \
		      (int)(pl).l, (pl).p ? (pl).p : "", (s))

struct param_case {
	const char *in;
	enum sip_param_mode mode;
	int err;            /* of sip_param_check */
	const char *names;  /* "n1=v1|n2|..." all params in order */
};

static const struct param_case params[] = {
	{"", SIP_PARAM_HDR, 0, ""},
	{"   ", SIP_PARAM_HDR, 0, ""},
	{";a", SIP_PARAM_HDR, 0, "a"},
	{";a=1;b;c=x", SIP_PARAM_HDR, 0, "a=1|b|c=x"},
	{" ; tag = 98asjd8 ;  lr ", SIP_PARAM_HDR, 0, "tag=98asjd8|lr"},
	{";q=\"a;b\\\"c\";x=y", SIP_PARAM_HDR, 0, "q=\"a;b\\\"c\"|x=y"},
	{";received=[2001:db8::1]", SIP_PARAM_HDR, 0,
	 "received=[2001:db8::1]"},
	{";+sip.instance=\"<urn:uuid:f81d4fae>\"", SIP_PARAM_HDR, 0,
	 "+sip.instance=\"<urn:uuid:f81d4fae>\""},
	{";branch=z9hG4bK-.!%66*_+`'~", SIP_PARAM_HDR, 0,
	 "branch=z9hG4bK-.!%66*_+`'~"},
	{";;", SIP_PARAM_HDR, EBADMSG, ""},
	{";a;;b", SIP_PARAM_HDR, EBADMSG, ""},
	{";a=", SIP_PARAM_HDR, EBADMSG, ""},
	{";=1", SIP_PARAM_HDR, EBADMSG, ""},
	{"a=1", SIP_PARAM_HDR, EBADMSG, ""},
	{";a=\"open", SIP_PARAM_HDR, EBADMSG, ""},
	{";a=b c", SIP_PARAM_HDR, EBADMSG, ""},
	{";a=[zz]", SIP_PARAM_HDR, EBADMSG, ""},
	{";a=<x>", SIP_PARAM_HDR, EBADMSG, ""},
	{";", SIP_PARAM_HDR, EBADMSG, ""},
	/* URI mode: paramchar and escapes, no LWS, no quotes */
	{";lr", SIP_PARAM_URI, 0, "lr"},
	{";%6C%72;n%61me=v%61lue%25%34%31", SIP_PARAM_URI, 0,
	 "%6C%72|n%61me=v%61lue%25%34%31"},
	{";maddr=[::1];x=a:b/c&d+$", SIP_PARAM_URI, 0,
	 "maddr=[::1]|x=a:b/c&d+$"},
	{"; lr", SIP_PARAM_URI, EBADMSG, ""},
	{";a=\"b\"", SIP_PARAM_URI, EBADMSG, ""},
	{";a=%4", SIP_PARAM_URI, EBADMSG, ""},
	{";a=b;", SIP_PARAM_URI, EBADMSG, ""},
	{";a==b", SIP_PARAM_URI, EBADMSG, ""},
};

#define NPARAMS ((int)(sizeof(params) / sizeof(params[0])))

START_TEST(test_param_table)
{
	const struct param_case *c = &params[_i];
	struct sip_pl in, rest, n, v;
	char got[256];
	size_t gl = 0;
	int err;

	sip_pl_set_str(&in, c->in);
	ck_assert_msg(sip_param_check(&in, c->mode) == c->err, "'%s'",
		      c->in);
	if (c->err)
		return;
	rest = in;
	while ((err = sip_param_next(&rest, c->mode, &n, &v)) == 0) {
		ck_assert_uint_lt(gl + n.l + v.l + 2, sizeof(got));
		if (gl)
			got[gl++] = '|';
		memcpy(got + gl, n.p, n.l);
		gl += n.l;
		if (v.l) {
			got[gl++] = '=';
			memcpy(got + gl, v.p, v.l);
			gl += v.l;
		}
	}
	ck_assert_int_eq(err, ENOENT);
	got[gl] = '\0';
	ck_assert_str_eq(got, c->names);
}
END_TEST

START_TEST(test_param_get)
{
	struct sip_pl p = SIP_PL(";Tag=abc;lr;EXPIRES=60"), v;
	struct sip_pl bad = SIP_PL(";a=1;;tag=x");

	ck_assert_int_eq(sip_param_get(&p, SIP_PARAM_HDR, "tag", &v), 0);
	PL_EQ(v, "abc");
	ck_assert_int_eq(sip_param_get(&p, SIP_PARAM_HDR, "lr", &v), 0);
	ck_assert_uint_eq(v.l, 0);
	ck_assert_int_eq(sip_param_get(&p, SIP_PARAM_HDR, "expires", &v), 0);
	PL_EQ(v, "60");
	ck_assert_int_eq(sip_param_get(&p, SIP_PARAM_HDR, "q", &v), ENOENT);
	ck_assert_int_eq(sip_param_get(&bad, SIP_PARAM_HDR, "tag", &v),
			 EBADMSG);
	ck_assert_int_eq(sip_param_get(NULL, SIP_PARAM_HDR, "tag", &v),
			 EINVAL);
	ck_assert_int_eq(sip_param_next(NULL, SIP_PARAM_HDR, &v, &v), EINVAL);
}
END_TEST

START_TEST(test_param_via)
{
	static const struct {
		const char *in;
		int err;
		const char *transport, *host;
		uint16_t port;
		const char *branch;
	} t[] = {
		{"SIP/2.0/UDP h", 0, "UDP", "h", 0, ""},
		{"SIP / 2.0 / TCP  h.example.com:5070 ; branch = z9hG4bKa", 0,
		 "TCP", "h.example.com", 5070, "z9hG4bKa"},
		{"SIP/2.0/TLS [2001:db8::1]:5061;branch=z9hG4bKb;rport", 0,
		 "TLS", "2001:db8::1", 5061, "z9hG4bKb"},
		{"SIP/2.0/WSS x.invalid;branch=z9hG4bKc;ttl=0", 0, "WSS",
		 "x.invalid", 0, "z9hG4bKc"},
		{"SIP/2.0/UDP", EBADMSG},
		{"SIP/2.0/ h", EBADMSG},
		{"SIP//UDP h", EBADMSG},
		{"SIP/2.0/UDP h;branch", EBADMSG},
		{"SIP/2.0/UDP h;branch=\"x\"", EBADMSG},
		{"SIP/2.0/UDP h;received", EBADMSG},
		{"SIP/2.0/UDP h;maddr", EBADMSG},
		{"SIP/2.0/UDP h;rport=0", EBADMSG},
		{"SIP/2.0/UDP h;rport=65536", EBADMSG},
		{"SIP/2.0/UDP h;ttl=", EBADMSG},
		{"SIP/2.0/UDP h:5060:1", EBADMSG},
		{"SIP/2.0/UDP h x", EBADMSG},
	};
	struct sip_via v;
	struct sip_pl in;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sip_pl_set_str(&in, t[i].in);
		ck_assert_msg(sip_via_parse(&v, &in) == t[i].err, "%s",
			      t[i].in);
		if (t[i].err)
			continue;
		ck_assert(sip_pl_eq_str(&v.transport, t[i].transport));
		ck_assert(sip_pl_eq_str(&v.host, t[i].host));
		ck_assert_uint_eq(v.port, t[i].port);
		ck_assert(sip_pl_eq_str(&v.branch, t[i].branch));
	}
}
END_TEST

START_TEST(test_param_cseq_ctype)
{
	struct sip_cseq cs;
	struct sip_ctype ct;
	struct sip_pl in, v;

	sip_pl_set_str(&in, "0009   INVITE");
	ck_assert_int_eq(sip_cseq_parse(&cs, &in), 0);
	ck_assert_uint_eq(cs.num, 9);
	PL_EQ(cs.method, "INVITE");
	sip_pl_set_str(&in, "4294967295 NOTIFY");
	ck_assert_int_eq(sip_cseq_parse(&cs, &in), 0);
	ck_assert_uint_eq(cs.num, 4294967295u);
	sip_pl_set_str(&in, "4294967296 NOTIFY");
	ck_assert_int_eq(sip_cseq_parse(&cs, &in), EOVERFLOW);
	sip_pl_set_str(&in, "1NOTIFY");
	ck_assert_int_eq(sip_cseq_parse(&cs, &in), EBADMSG);
	sip_pl_set_str(&in, "NOTIFY");
	ck_assert_int_eq(sip_cseq_parse(&cs, &in), EBADMSG);

	sip_pl_set_str(&in, "application / pidf+xml ; charset=\"utf-8\"");
	ck_assert_int_eq(sip_ctype_parse(&ct, &in), 0);
	PL_EQ(ct.type, "application");
	PL_EQ(ct.subtype, "pidf+xml");
	ck_assert_int_eq(sip_param_get(&ct.params, SIP_PARAM_HDR, "charset",
				       &v), 0);
	PL_EQ(v, "\"utf-8\"");
	sip_pl_set_str(&in, "text/");
	ck_assert_int_eq(sip_ctype_parse(&ct, &in), EBADMSG);
	sip_pl_set_str(&in, "/plain");
	ck_assert_int_eq(sip_ctype_parse(&ct, &in), EBADMSG);
}
END_TEST

START_TEST(test_param_event_substate)
{
	struct sip_event ev;
	struct sip_substate_hdr ss;
	struct sip_pl in;

	/* EV-1, EV-2, EV-3: package and id compared byte by byte later */
	sip_pl_set_str(&in, "presence.winfo ; id=\"x\"");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	sip_pl_set_str(&in, "presence.winfo;id=abc");
	ck_assert_int_eq(sip_event_parse(&ev, &in), 0);
	PL_EQ(ev.package, "presence.winfo");
	PL_EQ(ev.id, "abc");
	/* RC-6 grammar: 1*2DIGIT ["." 1*10DIGIT], never zero */
	sip_pl_set_str(&in, "presence;max-rate=99.9999999999;min-rate=1;"
			    "adaptive-min-rate=0.25");
	ck_assert_int_eq(sip_event_parse(&ev, &in), 0);
	ck_assert(ev.rates.max_rate > 99.99 && ev.rates.max_rate < 100);
	ck_assert(ev.rates.min_rate == 1.0);
	ck_assert(ev.rates.adaptive_min_rate == 0.25);
	sip_pl_set_str(&in, "presence;max-rate=0.0");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	sip_pl_set_str(&in, "presence;max-rate=1.");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	sip_pl_set_str(&in, "presence;max-rate=.5");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	sip_pl_set_str(&in, "presence;min-rate=1e3");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	ck_assert(ev.rates_bad);
	/*
	 * A bad rate alone: still EBADMSG, but the rest is read and the
	 * rates are flagged and all 0 (a 2xx to NOTIFY stays usable, RC-16;
	 * requests are refused, Q-34)
	 */
	sip_pl_set_str(&in, "presence;min-rate=1;max-rate=fast;id=7");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	ck_assert(ev.rates_bad);
	PL_EQ(ev.package, "presence");
	PL_EQ(ev.id, "7");
	ck_assert(ev.rates.min_rate == 0 && ev.rates.max_rate == 0 &&
		  ev.rates.adaptive_min_rate == 0);
	/* any other fault is not a rate fault */
	sip_pl_set_str(&in, "presence;max-rate=x;id=\"q\"");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	ck_assert(!ev.rates_bad);
	sip_pl_set_str(&in, "presence;max-rate=0.5");
	ck_assert_int_eq(sip_event_parse(&ev, &in), 0);
	ck_assert(!ev.rates_bad);
	sip_pl_set_str(&in, "");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);
	sip_pl_set_str(&in, "location.");
	ck_assert_int_eq(sip_event_parse(&ev, &in), EBADMSG);

	/* EV-21, EV-22 */
	sip_pl_set_str(&in, "pending;expires=3600");
	ck_assert_int_eq(sip_substate_parse(&ss, &in), 0);
	ck_assert_int_eq(ss.state, SIP_SUBSTATE_PENDING);
	ck_assert(ss.has_expires);
	ck_assert_uint_eq(ss.expires, 3600);
	sip_pl_set_str(&in, "terminated;reason=badfilter");
	ck_assert_int_eq(sip_substate_parse(&ss, &in), 0);
	ck_assert_int_eq(ss.state, SIP_SUBSTATE_TERMINATED);
	PL_EQ(ss.reason, "badfilter");
	ck_assert(!ss.has_expires);
	sip_pl_set_str(&in, "waiting;x=1");
	ck_assert_int_eq(sip_substate_parse(&ss, &in), 0);
	ck_assert_int_eq(ss.state, SIP_SUBSTATE_OTHER);
	PL_EQ(ss.value, "waiting");
	ck_assert_str_eq(sip_substate_name(ss.state), "other");
	sip_pl_set_str(&in, "active;retry-after=-1");
	ck_assert_int_eq(sip_substate_parse(&ss, &in), EBADMSG);
	sip_pl_set_str(&in, "active;reason=\"x\"");
	ck_assert_int_eq(sip_substate_parse(&ss, &in), EBADMSG);
	sip_pl_set_str(&in, "active;min-rate=0");
	ck_assert_int_eq(sip_substate_parse(&ss, &in), EBADMSG);
}
END_TEST

TCase *tcase_param(void);
TCase *tcase_param(void)
{
	TCase *tc = tcase_create("param");
	tcase_add_loop_test(tc, test_param_table, 0, NPARAMS);
	tcase_add_test(tc, test_param_get);
	tcase_add_test(tc, test_param_via);
	tcase_add_test(tc, test_param_cseq_ctype);
	tcase_add_test(tc, test_param_event_substate);
	return tc;
}
