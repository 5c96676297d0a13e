/*
 * test_tsx_fake.h: a fake transport (records what the stack sends) and
 * a fake clock for the SIP stack tests; time advances only when the test
 * says so, and timers fire from sip_stack_timers_run.
 */
#ifndef TEST_TSX_FAKE_H
#define TEST_TSX_FAKE_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_stack.h"

#define FAKE_SENT_MAX 128

struct fake_sent {
	struct sip_peer dst;
	struct sip_flow fl;
	uint64_t at;
	char *buf;
	size_t len;
};

struct fake {
	uint64_t now;
	struct fake_sent v[FAKE_SENT_MAX];
	size_t n;
	int fail;                /* send error to return, 0: none */
	struct sip_stack *st;
};

static inline uint64_t fake_clock(void *arg)
{
	return ((struct fake *)arg)->now;
}

static inline int fake_send(const struct sip_peer *dst,
			    const struct sip_flow *fl, const char *buf,
			    size_t len, void *arg)
{
	struct fake *f = arg;
	struct fake_sent *s;

	if (f->fail)
		return f->fail;
	ck_assert_uint_lt(f->n, FAKE_SENT_MAX);
	s = &f->v[f->n++];
	s->dst = *dst;
	s->fl = *fl;
	s->at = f->now;
	s->buf = malloc(len + 1);
	ck_assert_ptr_nonnull(s->buf);
	memcpy(s->buf, buf, len);
	s->buf[len] = '\0';
	s->len = len;
	return 0;
}

static inline void fake_conf(struct fake *f, struct sip_stack_conf *c)
{
	sip_stack_conf_init(c);
	c->send_h = fake_send;
	c->send_arg = f;
	c->clock_h = fake_clock;
	c->clock_arg = f;
	c->manual_timers = true;
	c->user_agent = "locd-test";
}

static inline void fake_init(struct fake *f)
{
	struct sip_stack_conf c;

	memset(f, 0, sizeof(*f));
	f->now = 1000000;
	fake_conf(f, &c);
	ck_assert_int_eq(sip_stack_alloc(&f->st, NULL, &c), 0);
}

static inline void fake_clear(struct fake *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		free(f->v[i].buf);
	f->n = 0;
}

static inline void fake_reset(struct fake *f)
{
	fake_clear(f);
	sip_stack_free(f->st);
	f->st = NULL;
}

/* Advance the clock by ms in 10 ms steps, firing timers on the way. */
static inline void fake_advance(struct fake *f, uint64_t ms)
{
	uint64_t end = f->now + ms;

	while (f->now < end) {
		f->now += (end - f->now) < 10 ? (end - f->now) : 10;
		sip_stack_timers_run(f->st);
	}
}

/* Parse sent message i (datagram rules). */
static inline struct sip_msg *fake_msg(struct fake *f, size_t i)
{
	struct sip_msg *m = NULL;

	ck_assert_uint_lt(i, f->n);
	ck_assert_int_eq(sip_msg_parse(&m, f->v[i].buf, f->v[i].len,
				       SIP_PARSE_DGRAM, NULL, NULL), 0);
	return m;
}

/* Status code of sent message i. */
static inline unsigned fake_scode(struct fake *f, size_t i)
{
	struct sip_msg *m = fake_msg(f, i);
	unsigned s = m->scode;

	sip_msg_free(m);
	return s;
}

/* Feed a request/response text as from peer (UDP unless tp given). */
static inline int fake_recv(struct fake *f, enum sip_transp tp,
			    const char *host, uint16_t port, const char *txt)
{
	struct sip_peer src;

	src.tp = tp;
	ck_assert_int_eq(sip_sa_set(&src.sa, host, port), 0);
	return sip_stack_recv(f->st, &src, NULL, txt, strlen(txt));
}

/* Value of header name in sent message i into buf ("" when absent). */
static inline void fake_hdr(struct fake *f, size_t i, const char *name,
			    char *buf, size_t sz)
{
	struct sip_msg *m = fake_msg(f, i);
	const struct sip_hdr *h = sip_msg_hdr_name(m, name);

	buf[0] = '\0';
	if (h)
		ck_assert_int_eq(sip_pl_strcpy(&h->val, buf, sz), 0);
	sip_msg_free(m);
}

/* Every value of header id in sent message i, joined by ", ". */
static inline void fake_hdr_id(struct fake *f, size_t i, enum sip_hdr_id id,
			       char *buf, size_t sz)
{
	struct sip_msg *m = fake_msg(f, i);
	const struct sip_hdr *h = NULL;
	size_t len = 0;

	buf[0] = '\0';
	while ((h = sip_msg_hdr(m, id, h)) != NULL) {
		int n = snprintf(buf + len, sz - len, "%s%.*s",
				 len ? ", " : "", (int)h->val.l, h->val.p);
		ck_assert(n > 0 && (size_t)n < sz - len);
		len += (size_t)n;
	}
	sip_msg_free(m);
}

#endif
