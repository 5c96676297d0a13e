/*
 * test_uri.c: sip/uri.c and sip/addr.c: sip:, sips: (SEC-4), tel: and
 * other schemes; user, password, host (IPv6 references), port, params,
 * headers; name-addr vs addr-spec.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "sip/sip.h"

struct uri_case {
	const char *in;
	int err;
	enum sip_scheme scheme;
	const char *user, *password, *host;
	bool v6;
	uint16_t port;
	const char *params, *headers;
};

static const struct uri_case uris[] = {
	{"sip:alice@example.com", 0, SIP_SCHEME_SIP, "alice", "",
	 "example.com", false, 0, "", ""},
	{"SIPS:Bob:secret@Example.COM:5061;transport=tls", 0, SIP_SCHEME_SIPS,
	 "Bob", "secret", "Example.COM", false, 5061, ";transport=tls", ""},
	{"sip:example.com", 0, SIP_SCHEME_SIP, "", "", "example.com", false, 0,
	 "", ""},
	{"sip:192.0.2.4:5060;lr", 0, SIP_SCHEME_SIP, "", "", "192.0.2.4",
	 false, 5060, ";lr", ""},
	{"sip:u@[2001:db8::10]:5070;maddr=[::1]", 0, SIP_SCHEME_SIP, "u", "",
	 "2001:db8::10", true, 5070, ";maddr=[::1]", ""},
	{"sip:[::ffff:192.0.2.1]", 0, SIP_SCHEME_SIP, "", "",
	 "::ffff:192.0.2.1", true, 0, "", ""},
	{"sip:u@h?subject=project%20x&priority=urgent", 0, SIP_SCHEME_SIP, "u",
	 "", "h", false, 0, "", "subject=project%20x&priority=urgent"},
	{"sip:u@h;a=b;c?x=y", 0, SIP_SCHEME_SIP, "u", "", "h", false, 0,
	 ";a=b;c", "x=y"},
	{"sip:user;par=u%40example.net@example.com", 0, SIP_SCHEME_SIP,
	 "user;par=u%40example.net", "", "example.com", false, 0, "", ""},
	{"sip:%00@h", 0, SIP_SCHEME_SIP, "%00", "", "h", false, 0, "", ""},
	{"tel:+1-201-555-0123", 0, SIP_SCHEME_TEL, "+1-201-555-0123", "", "",
	 false, 0, "", ""},
	{"tel:7042;phone-context=example.com", 0, SIP_SCHEME_TEL, "7042", "",
	 "", false, 0, ";phone-context=example.com", ""},
	{"pres:alice@example.com", 0, SIP_SCHEME_OTHER, "", "", "", false, 0,
	 "", ""},
	{"urn:ietf:params:xml:ns:location-filter", 0, SIP_SCHEME_OTHER, "",
	 "", "", false, 0, "", ""},
	/* invalid */
	{"", EBADMSG},
	{"alice@example.com", EBADMSG},
	{"sip:", EBADMSG},
	{":x", EBADMSG},
	{"1sip:a@b", EBADMSG},
	{"sip:a b@h", EBADMSG},
	{"<sip:a@h>", EBADMSG},
	{"sip:@h", EBADMSG},
	{"sip:u@", EBADMSG},
	{"sip:u@h:", EBADMSG},
	{"sip:u@h:0", EBADMSG},
	{"sip:u@h:65536", EBADMSG},
	{"sip:u@h:50a", EBADMSG},
	{"sip:u@[2001:db8::1", EBADMSG},
	{"sip:u@[]", EBADMSG},
	{"sip:u@[zz::1]", EBADMSG},
	{"sip:u@[192.0.2.1]", EBADMSG},
	{"sip:u@-h", EBADMSG},
	{"sip:u%4@h", EBADMSG},
	{"sip:u%GG@h", EBADMSG},
	{"sip:u@h;;lr", EBADMSG},
	{"sip:u@h;a=", EBADMSG},
	{"sip:u@h;a\"b", EBADMSG},
	{"sip:u@h?", EBADMSG},
	{"sip:u@h?x", EBADMSG},
	{"sip:u@h?x=y&", EBADMSG},
	{"sip:u@h\r\n", EBADMSG},
	{"sip:u@h\x80", EBADMSG},
	{"tel:", EBADMSG},
	{"tel:;x=1", EBADMSG},
	{"tel:+1 201", EBADMSG},
	{"tel:+1@x", EBADMSG},
};

#define NURIS ((int)(sizeof(uris) / sizeof(uris[0])))

START_TEST(test_uri_table)
{
	const struct uri_case *c = &uris[_i];
	struct sip_uri u;
	struct sip_pl in;
	int err;

	sip_pl_set_str(&in, c->in);
	err = sip_uri_parse(&u, &in);
	ck_assert_msg(err == c->err, "%s: got %d want %d", c->in, err,
		      c->err);
	if (err)
		return;
	ck_assert_int_eq(u.scheme, c->scheme);
	ck_assert(sip_pl_eq(&u.all, &in));
	if (c->scheme == SIP_SCHEME_OTHER) {
		ck_assert_uint_eq(u.opaque.l + u.scheme_pl.l + 1, in.l);
		return;
	}
	ck_assert_msg(sip_pl_eq_str(&u.user, c->user), "user of %s", c->in);
	ck_assert(sip_pl_eq_str(&u.password, c->password));
	ck_assert_msg(sip_pl_eq_str(&u.host, c->host), "host of %s", c->in);
	ck_assert(u.host_v6 == c->v6);
	ck_assert_uint_eq(u.port, c->port);
	ck_assert_msg(sip_pl_eq_str(&u.params, c->params), "params of %s",
		      c->in);
	ck_assert(sip_pl_eq_str(&u.headers, c->headers));
}
END_TEST

struct addr_case {
	const char *in;
	int err;
	bool name_addr, quoted;
	const char *dname, *uri, *params, *tag;
};

static const struct addr_case addrs[] = {
	{"<sip:a@b>", 0, true, false, "", "sip:a@b", "", ""},
	{"sip:a@b;tag=x1", 0, false, false, "", "sip:a@b", ";tag=x1", "x1"},
	/* addr-spec: the URI's ;params belong to the header */
	{"sip:a@b;lr;tag=7", 0, false, false, "", "sip:a@b", ";lr;tag=7",
	 "7"},
	{"<sip:a@b;lr>;tag=7", 0, true, false, "", "sip:a@b;lr", ";tag=7",
	 "7"},
	{"\"A \\\"B\\\"\" <sips:a@b>", 0, true, true, "A \\\"B\\\"",
	 "sips:a@b", "", ""},
	{"\"\"<sip:a@b>", 0, true, true, "", "sip:a@b", "", ""},
	{"A. Bell <sip:a@b> ; tag = 9 ", 0, true, false, "A. Bell",
	 "sip:a@b", " ; tag = 9", "9"},
	{"caller<sip:c@d>", 0, true, false, "caller", "sip:c@d", "", ""},
	{"<sip:a@b?Route=%3Csip:c%3E>", 0, true, false, "",
	 "sip:a@b?Route=%3Csip:c%3E", "", ""},
	{"<urn:service:sos>", 0, true, false, "", "urn:service:sos", "", ""},
	{"tel:+1-555", 0, false, false, "", "tel:+1-555", "", ""},
	/* invalid */
	{"", EBADMSG},
	{"\"A <sip:a@b>", EBADMSG},                /* quotbal */
	{"Bell, A <sip:a@b>", EBADMSG},            /* baddn */
	{"< sip:a@b >", EBADMSG},                  /* badaspec */
	{"sip:a@b?Route=x", EBADMSG},              /* regbadct */
	{"sip:a@b,c", EBADMSG},
	{"<sip:a@b", EBADMSG},
	{"\"A\" sip:a@b", EBADMSG},
	{"<sip:a@b>;tag", EBADMSG},
	{"<sip:a@b>;tag=\"q\"", EBADMSG},
	{"<sip:a@b>;;", EBADMSG},                  /* badinv01 */
	{"<sip:a@b> x", EBADMSG},
};

#define NADDRS ((int)(sizeof(addrs) / sizeof(addrs[0])))

START_TEST(test_uri_addr_table)
{
	const struct addr_case *c = &addrs[_i];
	struct sip_addr a;
	struct sip_pl in;
	int err;

	sip_pl_set_str(&in, c->in);
	err = sip_addr_parse(&a, &in);
	ck_assert_msg(err == c->err, "%s: got %d want %d", c->in, err,
		      c->err);
	if (err)
		return;
	ck_assert(a.name_addr == c->name_addr);
	ck_assert(a.dname_quoted == c->quoted);
	ck_assert_msg(sip_pl_eq_str(&a.dname, c->dname), "dname of %s",
		      c->in);
	ck_assert_msg(sip_pl_eq_str(&a.uri.all, c->uri), "uri of %s", c->in);
	ck_assert_msg(sip_pl_eq_str(&a.params, c->params), "params of %s",
		      c->in);
	ck_assert(sip_pl_eq_str(&a.tag, c->tag));
}
END_TEST

START_TEST(test_uri_contact)
{
	static const struct {
		const char *in;
		int err;
		bool star, has_exp;
		uint32_t expires;
		bool has_q;
		uint16_t q;
	} t[] = {
		{"*", 0, true, false, 0, false, 0},
		{" * ", 0, true, false, 0, false, 0},
		{"<sip:a@b>;expires=0", 0, false, true, 0, false, 0},
		{"<sip:a@b>;expires=4294967295;q=1", 0, false, true,
		 4294967295u, true, 1000},
		{"<sip:a@b>;q=0.5;expires=60", 0, false, true, 60, true, 500},
		{"<sip:a@b>;q=0.001", 0, false, false, 0, true, 1},
		{"<sip:a@b>;q=1.001", EBADMSG},
		{"<sip:a@b>;q=x", EBADMSG},
		{"<sip:a@b>;expires=-1", EBADMSG},
		{"<sip:a@b>;expires=4294967296", EOVERFLOW},
		{"**", EBADMSG},
	};
	struct sip_contact c;
	struct sip_pl in;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sip_pl_set_str(&in, t[i].in);
		ck_assert_int_eq(sip_contact_parse(&c, &in), t[i].err);
		if (t[i].err)
			continue;
		ck_assert(c.star == t[i].star);
		ck_assert(c.has_expires == t[i].has_exp);
		ck_assert_uint_eq(c.expires, t[i].expires);
		ck_assert(c.has_q == t[i].has_q);
		ck_assert_uint_eq(c.q, t[i].q);
	}
}
END_TEST

START_TEST(test_uri_einval)
{
	struct sip_uri u;
	struct sip_addr a;
	struct sip_pl in = SIP_PL("sip:a@b");

	ck_assert_int_eq(sip_uri_parse(NULL, &in), EINVAL);
	ck_assert_int_eq(sip_uri_parse(&u, NULL), EINVAL);
	ck_assert_int_eq(sip_addr_parse(&a, NULL), EINVAL);
	ck_assert_int_eq(sip_contact_parse(NULL, &in), EINVAL);
}
END_TEST

TCase *tcase_uri(void);
TCase *tcase_uri(void)
{
	TCase *tc = tcase_create("uri");
	tcase_add_loop_test(tc, test_uri_table, 0, NURIS);
	tcase_add_loop_test(tc, test_uri_addr_table, 0, NADDRS);
	tcase_add_test(tc, test_uri_contact);
	tcase_add_test(tc, test_uri_einval);
	return tc;
}
