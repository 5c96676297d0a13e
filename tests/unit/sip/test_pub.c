/*
 * test_pub.c: sip/pub.c, the RFC 3903 ESC, with a fake clock and a fake
 * reply callback: every row of LOCATION.md §5.3 (initial, refresh,
 * modify, remove), T13 (unknown tag 412, two tags 400, Expires 0
 * removes), EV-29..EV-34 (489, 400 without body and tag, 423 +
 * Min-Expires, fresh SIP-ETag per success), package refusals, expiry.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_event.h"

struct fake {
	int replies;
	uint16_t scode;
	char etag[64];
	char hdrs[512];
	/* package */
	uint16_t answer;
	int calls;
	enum sip_pub_op op;
	char entity[128], ev_etag[64], ev_old[64], body[128], ctype[64];
	uint32_t expires;
};

static int fake_reply(void *txn, const struct sip_reply_desc *rd,
		      void *arg)
{
	struct fake *f = arg;
	size_t i, l = 0;

	(void)txn;
	f->replies++;
	f->scode = rd->scode;
	f->etag[0] = '\0';
	f->hdrs[0] = '\0';
	ck_assert_int_ne(rd->scode, 202);
	for (i = 0; i < rd->hdrc; i++) {
		const struct sip_hdr_out *h = &rd->hdrv[i];
		int n = snprintf(f->hdrs + l, sizeof(f->hdrs) - l,
				 "%s: %.*s\n",
				 h->name ? h->name : sip_hdr_name(h->id),
				 (int)h->val.l, h->val.p);
		ck_assert(n > 0 && (size_t)n < sizeof(f->hdrs) - l);
		l += (size_t)n;
		if (h->id == SIP_HDR_SIP_ETAG)
			snprintf(f->etag, sizeof(f->etag), "%.*s",
				 (int)h->val.l, h->val.p);
	}
	return 0;
}

static uint16_t pkg_pub(const struct sip_pub_event *ev,
			const char **warning, void *arg)
{
	struct fake *f = arg;

	f->calls++;
	f->op = ev->op;
	snprintf(f->entity, sizeof(f->entity), "%s", ev->entity);
	snprintf(f->ev_etag, sizeof(f->ev_etag), "%s",
		 ev->etag ? ev->etag : "");
	snprintf(f->ev_old, sizeof(f->ev_old), "%s",
		 ev->old_etag ? ev->old_etag : "");
	snprintf(f->body, sizeof(f->body), "%.*s", (int)ev->body.l,
		 ev->body.p ? ev->body.p : "");
	snprintf(f->ctype, sizeof(f->ctype), "%.*s", (int)ev->ctype.l,
		 ev->ctype.p ? ev->ctype.p : "");
	f->expires = ev->expires;
	ck_assert_str_eq(ev->event, "presence");
	if (f->answer != 200 && warning)
		*warning = "not PIDF";
	return f->answer;
}

static struct sip_esc *mk(struct fake *f, size_t per_entity)
{
	struct sip_esc_conf c = {
		.max_per_entity = per_entity, .replyh = fake_reply,
		.arg = f};
	struct sip_esc_pkg p = {
		.name = "presence", .expires_default = 3600,
		.expires_min = 60, .expires_max = 7200,
		.accept = "application/pidf+xml", .pubh = pkg_pub,
		.arg = f};
	struct sip_esc *e = NULL;

	memset(f, 0, sizeof(*f));
	f->answer = 200;
	ck_assert_int_eq(sip_esc_alloc(&e, &c), 0);
	ck_assert_int_eq(sip_esc_pkg_add(e, &p), 0);
	ck_assert_int_eq(sip_esc_pkg_add(e, &p), EEXIST);
	p.name = "location";
	ck_assert_int_eq(sip_esc_pkg_add(e, &p), 0);
	return e;
}

/*
 * A PUBLISH for sip:alice@example.com: tag NULL for no SIP-If-Match;
 * expires < 0 for none; body NULL for none; event NULL for no Event.
 */
static uint16_t pub_to(struct sip_esc *e, const char *uri,
		       const char *event, const char *tag, long expires,
		       const char *body, uint64_t now);

static uint16_t pub(struct sip_esc *e, const char *event, const char *tag,
		    long expires, const char *body, uint64_t now)
{
	return pub_to(e, "sip:alice@example.com", event, tag, expires, body,
		      now);
}

/* The same for Request-URI uri. */
static uint16_t pub_to(struct sip_esc *e, const char *uri,
		       const char *event, const char *tag, long expires,
		       const char *body, uint64_t now)
{
	char buf[2048], exp[64] = "", ev[96] = "", tg[96] = "",
	     ct[96] = "";
	struct sip_msg *m = NULL;
	struct sip_err err = {0};
	uint16_t sc;

	if (expires >= 0)
		snprintf(exp, sizeof(exp), "Expires: %ld\r\n", expires);
	if (event)
		snprintf(ev, sizeof(ev), "Event: %s\r\n", event);
	if (tag)
		snprintf(tg, sizeof(tg), "SIP-If-Match: %s\r\n", tag);
	if (body)
		snprintf(ct, sizeof(ct),
			 "Content-Type: application/pidf+xml\r\n");
	snprintf(buf, sizeof(buf),
		 "PUBLISH %s SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKpub\r\n"
		 "From: <sip:alice@example.com>;tag=p1\r\n"
		 "To: <sip:alice@example.com>\r\n"
		 "Call-ID: pub1@192.0.2.9\r\n"
		 "CSeq: 1 PUBLISH\r\n"
		 "Record-Route: <sip:ignored.example.com;lr>\r\n"
		 "%s%s%s%s"
		 "Content-Length: %zu\r\n\r\n%s",
		 uri, ev, tg, exp, ct, body ? strlen(body) : 0,
		 body ? body : "");
	/* what the parser refuses the stack answers (stateless 400) */
	if (sip_msg_parse(&m, buf, strlen(buf), SIP_PARSE_DGRAM, NULL,
			  &err) != 0)
		return err.status;
	sc = sip_esc_publish(e, NULL, m, now);
	sip_msg_free(m);
	return sc;
}

/* §5.3 rows in order: initial, refresh, modify, remove (EV-30..34). */
START_TEST(test_pub_table)
{
	struct fake f;
	struct sip_esc *e = mk(&f, 0);
	char t1[64], t2[64], t3[64];

	/* Initial: body, no tag, Expires > 0 */
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<p1/>", 0), 200);
	ck_assert_uint_gt(strlen(f.etag), 0);
	snprintf(t1, sizeof(t1), "%s", f.etag);
	ck_assert_int_eq(f.op, SIP_PUB_NEW);
	ck_assert_str_eq(f.entity, "sip:alice@example.com");
	ck_assert_str_eq(f.body, "<p1/>");
	ck_assert_str_eq(f.ctype, "application/pidf+xml");
	ck_assert_str_eq(f.ev_etag, t1);
	ck_assert_uint_eq(f.expires, 600);
	ck_assert_uint_eq(sip_esc_count(e), 1);
	ck_assert_ptr_nonnull(strstr(f.hdrs, "Expires: 600\n"));

	/* Refresh: no body, tag, Expires > 0: a fresh tag */
	ck_assert_uint_eq(pub(e, "presence", t1, 900, NULL, 1000), 200);
	snprintf(t2, sizeof(t2), "%s", f.etag);
	ck_assert_str_ne(t2, t1);
	ck_assert_int_eq(f.op, SIP_PUB_REFRESH);
	ck_assert_str_eq(f.ev_old, t1);
	ck_assert_str_eq(f.ev_etag, t2);
	ck_assert_str_eq(f.body, "");
	ck_assert_ptr_nonnull(strstr(f.hdrs, "Expires: 900\n"));
	ck_assert_uint_eq(sip_esc_next_due(e), 901000);
	/* the replaced tag is no longer valid */
	ck_assert_uint_eq(pub(e, "presence", t1, 900, NULL, 1000), 412);

	/* Modify: body and tag */
	ck_assert_uint_eq(pub(e, "presence", t2, 600, "<p2/>", 2000), 200);
	snprintf(t3, sizeof(t3), "%s", f.etag);
	ck_assert_str_ne(t3, t2);
	ck_assert_int_eq(f.op, SIP_PUB_MODIFY);
	ck_assert_str_eq(f.body, "<p2/>");
	ck_assert_str_eq(f.ev_old, t2);
	ck_assert_uint_eq(sip_esc_count(e), 1);

	/* Remove: no body, tag, Expires 0: 200 with a fresh tag (T13) */
	ck_assert_uint_eq(pub(e, "presence", t3, 0, NULL, 3000), 200);
	ck_assert_int_eq(f.op, SIP_PUB_REMOVE);
	ck_assert_str_eq(f.ev_old, t3);
	ck_assert_str_eq(f.ev_etag, "");
	ck_assert_str_ne(f.etag, t3);
	ck_assert_uint_gt(strlen(f.etag), 0);
	ck_assert_ptr_nonnull(strstr(f.hdrs, "Expires: 0\n"));
	ck_assert_uint_eq(sip_esc_count(e), 0);
	ck_assert_uint_eq(pub(e, "presence", t3, 600, NULL, 3000), 412);
	ck_assert_uint_eq(sip_esc_next_due(e), UINT64_MAX);
	sip_esc_free(e);
}
END_TEST

/* T13 and EV-30/EV-32: unknown tag, several tags, neither body nor tag. */
START_TEST(test_pub_errors)
{
	static const char dup[] =
		"PUBLISH sip:alice@example.com SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKpub\r\n"
		"From: <sip:alice@example.com>;tag=p1\r\n"
		"To: <sip:alice@example.com>\r\nCall-ID: x\r\n"
		"CSeq: 1 PUBLISH\r\nEvent: presence\r\n"
		"SIP-If-Match: a\r\nSIP-If-Match: b\r\n\r\n";
	struct fake f;
	struct sip_esc *e = mk(&f, 0);
	struct sip_msg *m = NULL;
	struct sip_err err = {0};

	ck_assert_uint_eq(pub(e, "presence", "nosuchtag", 600, NULL, 0),
			  412);
	ck_assert_str_eq(f.hdrs, "Warning: 399 locd \"unknown entity-tag\"\n");
	ck_assert_uint_eq(pub(e, "presence", "nosuchtag", 600, "<x/>", 0),
			  412);
	ck_assert_uint_eq(pub(e, "presence", "nosuchtag", 0, NULL, 0), 412);
	/* several tags in one header, or not a token: 400 */
	ck_assert_uint_eq(pub(e, "presence", "a, b", 600, NULL, 0), 400);
	ck_assert_uint_eq(pub(e, "presence", "\"a\"", 600, NULL, 0), 400);
	/* two SIP-If-Match headers: the parser refuses with 400 */
	ck_assert_int_eq(sip_msg_parse(&m, dup, strlen(dup), SIP_PARSE_DGRAM,
				       NULL, &err), EBADMSG);
	ck_assert_uint_eq(err.status, 400);
	/* EV-32: neither body nor tag */
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, NULL, 0), 400);
	ck_assert_uint_eq(pub(e, "presence", NULL, 0, NULL, 0), 400);
	/* EV-29: unknown or missing package */
	ck_assert_uint_eq(pub(e, "dialog", NULL, 600, "<x/>", 0), 489);
	ck_assert_str_eq(f.hdrs, "Allow-Events: presence, location\n");
	ck_assert_uint_eq(pub(e, NULL, NULL, 600, "<x/>", 0), 489);
	ck_assert_int_eq(f.calls, 0);
	ck_assert_uint_eq(sip_esc_count(e), 0);
	sip_esc_free(e);
}
END_TEST

/* EV-31: default, cap, 423 + Min-Expires, Expires 0 without a tag. */
START_TEST(test_pub_expires)
{
	struct fake f;
	struct sip_esc *e = mk(&f, 0);

	ck_assert_uint_eq(pub(e, "presence", NULL, -1, "<a/>", 0), 200);
	ck_assert_ptr_nonnull(strstr(f.hdrs, "Expires: 3600\n"));
	ck_assert_uint_eq(pub(e, "presence", NULL, 86400, "<a/>", 0), 200);
	ck_assert_ptr_nonnull(strstr(f.hdrs, "Expires: 7200\n"));
	ck_assert_uint_eq(f.expires, 7200);
	ck_assert_uint_eq(pub(e, "presence", NULL, 59, "<a/>", 0), 423);
	ck_assert_str_eq(f.hdrs, "Min-Expires: 60\n");
	/* unlike SUBSCRIBE (EV-13), no one-hour exception for PUBLISH */
	ck_assert_uint_eq(pub(e, "presence", NULL, 60, "<a/>", 0), 200);
	/* Expires 0 on an initial PUBLISH: nothing stored, still a tag */
	f.calls = 0;
	ck_assert_uint_eq(pub(e, "presence", NULL, 0, "<a/>", 0), 200);
	ck_assert_uint_gt(strlen(f.etag), 0);
	ck_assert_int_eq(f.calls, 0);
	ck_assert_uint_eq(sip_esc_count(e), 3);
	sip_esc_free(e);
}
END_TEST

/* Package refusals: nothing stored, the old state stays (EV-33). */
START_TEST(test_pub_refuse)
{
	struct fake f;
	struct sip_esc *e = mk(&f, 0);
	char t1[64];

	f.answer = 415;
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 0), 415);
	ck_assert_str_eq(f.hdrs, "Warning: 399 locd \"not PIDF\"\n"
				 "Accept: application/pidf+xml\n");
	ck_assert_uint_eq(sip_esc_count(e), 0);
	f.answer = 404;
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 0), 404);
	f.answer = 200;
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 0), 200);
	snprintf(t1, sizeof(t1), "%s", f.etag);
	f.answer = 488;
	ck_assert_uint_eq(pub(e, "presence", t1, 600, "<bad/>", 10), 488);
	/* the old tag still works */
	f.answer = 200;
	ck_assert_uint_eq(pub(e, "presence", t1, 600, NULL, 20), 200);
	ck_assert_int_eq(f.op, SIP_PUB_REFRESH);
	/* a 1xx or 2xx-but-odd answer is not a refusal code: 500 */
	f.answer = 100;
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 30), 500);
	ck_assert_uint_eq(sip_esc_count(e), 1);
	sip_esc_free(e);
}
END_TEST

/* Expiry: EXPIRE callback at the deadline, then 412 for the tag. */
START_TEST(test_pub_expiry)
{
	struct fake f;
	struct sip_esc *e = mk(&f, 0);
	char t1[64];

	ck_assert_uint_eq(pub(e, "presence", NULL, 60, "<a/>", 5000), 200);
	snprintf(t1, sizeof(t1), "%s", f.etag);
	ck_assert_uint_eq(sip_esc_next_due(e), 65000);
	sip_esc_tick(e, 64999);
	ck_assert_uint_eq(sip_esc_count(e), 1);
	sip_esc_tick(e, 65000);
	ck_assert_int_eq(f.op, SIP_PUB_EXPIRE);
	ck_assert_str_eq(f.ev_old, t1);
	ck_assert_uint_eq(sip_esc_count(e), 0);
	ck_assert_uint_eq(pub(e, "presence", t1, 60, NULL, 65001), 412);
	ck_assert_str_eq(sip_pub_op_name(SIP_PUB_EXPIRE), "expire");
	sip_esc_free(e);
}
END_TEST

/* EV-34: tags never repeat; per-entity cap gives 503. */
START_TEST(test_pub_unique)
{
	struct fake f;
	struct sip_esc *e = mk(&f, 4);
	char tags[200][64];
	int i, j;

	for (i = 0; i < 4; i++)
		ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 0),
				  200);
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 0), 503);
	/* keep refreshing one publication: every tag is new */
	snprintf(tags[0], sizeof(tags[0]), "%s", f.etag);
	ck_assert_uint_eq(pub(e, "location", NULL, 600, "<a/>", 0), 503);
	sip_esc_free(e);

	e = mk(&f, 0);
	ck_assert_uint_eq(pub(e, "presence", NULL, 600, "<a/>", 0), 200);
	snprintf(tags[0], sizeof(tags[0]), "%s", f.etag);
	for (i = 1; i < 200; i++) {
		ck_assert_uint_eq(pub(e, "presence", tags[i - 1], 600, NULL,
				      (uint64_t)i), 200);
		snprintf(tags[i], sizeof(tags[i]), "%s", f.etag);
	}
	for (i = 0; i < 200; i++)
		for (j = i + 1; j < 200; j++)
			ck_assert_str_ne(tags[i], tags[j]);
	sip_esc_free(e);
}
END_TEST

/* Restart: restored tags answer refreshes; others still 412. */
START_TEST(test_pub_restore)
{
	struct fake f;
	struct sip_esc *e = mk(&f, 0);

	ck_assert_int_eq(sip_esc_restore(e, "sip:alice@example.com",
					 "presence", "oldtag1", 300, 1000), 0);
	ck_assert_int_eq(sip_esc_restore(e, "sip:alice@example.com",
					 "presence", "oldtag1", 300, 1000),
			 EEXIST);
	ck_assert_int_eq(sip_esc_restore(e, "sip:alice@example.com",
					 "nosuch", "t2", 300, 1000), ENOENT);
	ck_assert_int_eq(sip_esc_restore(e, "sip:alice@example.com",
					 "presence", "t2", 0, 1000), ENOENT);
	ck_assert_int_eq(sip_esc_restore(e, "sip:alice@example.com",
					 "presence", "a b", 300, 1000),
			 EINVAL);
	ck_assert_uint_eq(sip_esc_count(e), 1);
	ck_assert_int_eq(f.calls, 0);
	ck_assert_uint_eq(sip_esc_next_due(e), 301000);
	ck_assert_uint_eq(pub(e, "presence", "oldtag1", 600, NULL, 2000),
			  200);
	ck_assert_int_eq(f.op, SIP_PUB_REFRESH);
	ck_assert_str_eq(f.ev_old, "oldtag1");
	ck_assert_str_ne(f.etag, "oldtag1");
	ck_assert_uint_eq(pub(e, "presence", "oldtag1", 600, NULL, 2000),
			  412);
	sip_esc_free(e);
}
END_TEST

/*
 * Issue 6: 50,000 restored publications (two per entity) are found
 * through the entity-tag and entity tables, past their growth: refresh,
 * modify and remove by tag (412 for a replaced tag or another entity),
 * the per-entity cap on restore and PUBLISH, duplicate tags, expiry in
 * order.
 */
START_TEST(test_pub_many)
{
	struct sip_esc_conf c = {
		.max_pubs = 50001, .max_per_entity = 2,
		.replyh = fake_reply};
	struct sip_esc_pkg pk = {
		.name = "presence", .expires_default = 3600,
		.expires_min = 60, .pubh = pkg_pub};
	enum { N = 50000, ENT = N / 2 };
	char uri[64], tag[32], old[64];
	struct sip_esc *e = NULL;
	struct fake f;
	unsigned i;

	memset(&f, 0, sizeof(f));
	f.answer = 200;
	c.arg = &f;
	pk.arg = &f;
	ck_assert_int_eq(sip_esc_alloc(&e, &c), 0);
	ck_assert_int_eq(sip_esc_pkg_add(e, &pk), 0);
	/* publication i: entity i % ENT, tag "r<i>", i + 100 s left */
	for (i = 0; i < N; i++) {
		snprintf(uri, sizeof(uri), "sip:u%u@example.com", i % ENT);
		snprintf(tag, sizeof(tag), "r%u", i);
		ck_assert_int_eq(sip_esc_restore(e, uri, "presence", tag,
						 i + 100, 0), 0);
	}
	ck_assert_uint_eq(sip_esc_count(e), N);
	ck_assert_uint_eq(sip_esc_next_due(e), 100000);
	ck_assert_int_eq(f.calls, 0);
	/* duplicate tags (any entity), the per-entity cap, the total cap */
	for (i = 0; i < N; i += 997) {
		snprintf(tag, sizeof(tag), "r%u", i);
		ck_assert_int_eq(sip_esc_restore(e, "sip:new@example.com",
						 "presence", tag, 100, 0),
				 EEXIST);
		snprintf(uri, sizeof(uri), "sip:u%u@example.com", i % ENT);
		ck_assert_int_eq(sip_esc_restore(e, uri, "presence", "fresh",
						 100, 0), EOVERFLOW);
		ck_assert_uint_eq(pub_to(e, uri, "presence", NULL, 600,
					 "<a/>", 0), 503);
	}
	ck_assert_int_eq(sip_esc_restore(e, "sip:new@example.com",
					 "presence", "fresh", 100, 0), 0);
	ck_assert_int_eq(sip_esc_restore(e, "sip:new2@example.com",
					 "presence", "fresh2", 100, 0),
			 EOVERFLOW);
	ck_assert_uint_eq(sip_esc_count(e), N + 1);

	/* tagged PUBLISH finds each one; the old tag is gone after */
	for (i = 1; i < N; i += 499) {
		snprintf(uri, sizeof(uri), "sip:u%u@example.com", i % ENT);
		snprintf(tag, sizeof(tag), "r%u", i);
		snprintf(uri + 4, sizeof(uri) - 4, "u%u@example.com",
			 (i + 1) % ENT);
		ck_assert_uint_eq(pub_to(e, uri, "presence", tag, 600, NULL,
					 1000), 412); /* another entity */
		snprintf(uri, sizeof(uri), "sip:u%u@example.com", i % ENT);
		ck_assert_uint_eq(pub_to(e, uri, "presence", tag, 600,
					 i % 2 ? NULL : "<m/>", 1000), 200);
		ck_assert_int_eq(f.op, i % 2 ? SIP_PUB_REFRESH :
				 SIP_PUB_MODIFY);
		ck_assert_str_eq(f.ev_old, tag);
		ck_assert_str_eq(f.entity, uri);
		snprintf(old, sizeof(old), "%s", f.etag);
		ck_assert_uint_eq(pub_to(e, uri, "presence", tag, 600, NULL,
					 1000), 412);
		ck_assert_uint_eq(pub_to(e, uri, "presence", old, 600, NULL,
					 1000), 200);
	}
	/* remove one of an entity: room for a new one there */
	snprintf(uri, sizeof(uri), "sip:u%u@example.com", 7u);
	ck_assert_uint_eq(pub_to(e, uri, "presence", "r7", 0, NULL, 2000),
			  200);
	ck_assert_int_eq(f.op, SIP_PUB_REMOVE);
	ck_assert_uint_eq(sip_esc_count(e), N);
	ck_assert_uint_eq(pub_to(e, uri, "presence", NULL, 600, "<n/>", 2000),
			  200);
	ck_assert_uint_eq(pub_to(e, uri, "presence", NULL, 600, "<n/>", 2000),
			  503);
	ck_assert_uint_eq(sip_esc_count(e), N + 1);
	ck_assert_uint_eq(pub_to(e, uri, "presence", "r7", 600, NULL, 2000),
			  412);

	/*
	 * expiry in order, at 1,099.999 s: r0..r999 but the removed r7
	 * (999), the 98 refreshed ones from r1000 on (now 601 s), "fresh"
	 * and u7's new one: 1,099; r1000 (1,100 s) is next
	 */
	f.calls = 0;
	sip_esc_tick(e, 1099999);
	ck_assert_int_eq(f.op, SIP_PUB_EXPIRE);
	ck_assert_int_eq(f.calls, 1099);
	ck_assert_uint_eq(sip_esc_count(e), N + 1 - 1099);
	ck_assert_uint_eq(sip_esc_next_due(e), 1100000);
	ck_assert_int_eq(sip_esc_restore(e, "sip:x@example.com", "presence",
					 "r5", 1, 0), 0);
	ck_assert_int_eq(sip_esc_restore(e, "sip:x@example.com", "presence",
					 "r1000", 1, 0), EEXIST);
	sip_esc_free(e);
}
END_TEST

TCase *tcase_pub(void);
TCase *tcase_pub(void)
{
	TCase *tc = tcase_create("pub");

	tcase_add_test(tc, test_pub_table);
	tcase_add_test(tc, test_pub_errors);
	tcase_add_test(tc, test_pub_expires);
	tcase_add_test(tc, test_pub_refuse);
	tcase_add_test(tc, test_pub_expiry);
	tcase_add_test(tc, test_pub_unique);
	tcase_add_test(tc, test_pub_restore);
	tcase_add_test(tc, test_pub_many);
	return tc;
}
