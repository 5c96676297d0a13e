/*
 * locd_fake.h: the whole daemon on the SIP stack's fake transport and
 * clock (locd_alloc_hooks), for the package and notifier tests: SIP
 * requests are fed as text, everything locd sends is recorded, NOTIFYs
 * are answered (200 or a chosen failure), time advances in 10 ms steps.
 * LF_DEBUG=1 in the environment logs the daemon at debug level.
 */
#ifndef LOCD_FAKE_H
#define LOCD_FAKE_H

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locd/locd.h"
#include "locd/locd_int.h"
#include "sip/sip.h"
#include "sip/sip_stack.h"

#define LF_MSGS_MAX 512
#define LF_INSIDE_LAT 37.41165
#define LF_INSIDE_LON -121.93190
#define LF_OUTSIDE_LAT 37.41300
#define LF_OUTSIDE_LON -121.93500

static const char lf_b10[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\""
	" xmlns:gml=\"http://www.opengis.net/gml\""
	" xmlns:my=\"urn:example:my\"><enterOrExit>"
	"<my:Building gml:id=\"b10\"><gml:name>Building 10</gml:name>"
	"<gml:extentOf><gml:Polygon><gml:exterior><gml:LinearRing>"
	"<gml:posList srsName=\"http://www.opengis.net/gml/srs/epsg.xml/"
	"#4979\">37.41188 -121.93243 0 37.41188 -121.93132 0 37.41142 "
	"-121.93132 0 37.41142 -121.93242 0 37.41188 -121.93243 0"
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	"</gml:extentOf></my:Building></enterOrExit></location-filter>";

/* One message locd sent. */
struct lf_msg {
	bool req;
	unsigned scode;
	char method[16];
	char callid[96];
	unsigned cseq;
	uint64_t at;
	char *text;       /* whole message, NUL-ended */
};

struct lf_env {
	uint64_t now;
	struct locd_config cfg;
	struct locd_log lg;
	struct locd_hooks hooks;
	struct locd *d;
	char dir[64];
	struct lf_msg m[LF_MSGS_MAX];
	size_t n;
	unsigned notify_answer;   /* 200 unless set */
	int send_fail;            /* NOTIFYs fail to leave with it (0: no) */
	unsigned branch;
	size_t answered;          /* messages looked at by lf_run */
	const char *from;         /* SUBSCRIBE From URI (alice) */
	const char *extra;        /* extra header lines ("X: y\r\n") */
	enum sip_transp tp;       /* of requests fed (0: UDP) */
	const char *sets[8][2];   /* extra config settings */
	size_t nsets;
};

static inline uint64_t lf_clock(void *arg)
{
	return ((struct lf_env *)arg)->now;
}

static inline void lf_answer(struct lf_env *e, const struct sip_msg *req)
{
	struct sip_buf b;
	struct sip_peer src;

	sip_buf_init(&b, 8192);
	ck_assert_int_eq(sip_print_response(&b, req,
					    (uint16_t)(e->notify_answer
						       ? e->notify_answer
						       : 200),
					    NULL, NULL), 0);
	ck_assert_int_eq(sip_print_end(&b), 0);
	src.tp = SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&src.sa, "127.0.0.1", 5070), 0);
	(void)sip_stack_recv(locd_stack(e->d), &src, NULL, b.p, b.len);
	sip_buf_reset(&b);
}

/* Record what locd sends; NOTIFYs are answered later (lf_run). */
static inline int lf_send(const struct sip_peer *dst,
			  const struct sip_flow *fl, const char *buf,
			  size_t len, void *arg)
{
	struct lf_env *e = arg;
	struct lf_msg *m;
	struct sip_msg *p = NULL;

	(void)dst;
	(void)fl;
	if (e->send_fail && len >= 7 && memcmp(buf, "NOTIFY ", 7) == 0)
		return e->send_fail;
	ck_assert_uint_lt(e->n, LF_MSGS_MAX);
	m = &e->m[e->n++];
	memset(m, 0, sizeof(*m));
	m->text = malloc(len + 1);
	ck_assert_ptr_nonnull(m->text);
	memcpy(m->text, buf, len);
	m->text[len] = '\0';
	m->at = e->now;
	ck_assert_int_eq(sip_msg_parse(&p, buf, len, SIP_PARSE_DGRAM, NULL,
				       NULL), 0);
	m->req = p->req;
	m->scode = p->scode;
	m->cseq = p->cseq.num;
	ck_assert_int_eq(sip_pl_strcpy(&p->callid, m->callid,
				       sizeof(m->callid)), 0);
	if (p->req)
		ck_assert_int_eq(sip_pl_strcpy(&p->method, m->method,
					       sizeof(m->method)), 0);
	sip_msg_free(p);
	return 0;
}

/* Answer every NOTIFY recorded since *done. */
static inline void lf_answer_new(struct lf_env *e, size_t *done)
{
	for (; *done < e->n; (*done)++) {
		struct lf_msg *m = &e->m[*done];
		struct sip_msg *p = NULL;
		if (!m->req || strcmp(m->method, "NOTIFY") != 0)
			continue;
		ck_assert_int_eq(sip_msg_parse(&p, m->text, strlen(m->text),
					       SIP_PARSE_DGRAM, NULL, NULL),
				 0);
		lf_answer(e, p);
		sip_msg_free(p);
	}
}

/* Run due timers now and answer what was sent. */
static inline void lf_run(struct lf_env *e)
{
	int i;

	for (i = 0; i < 4; i++) {
		lf_answer_new(e, &e->answered);
		sip_stack_timers_run(locd_stack(e->d));
	}
	lf_answer_new(e, &e->answered);
}

/* Advance ms in 10 ms steps. */
static inline void lf_advance(struct lf_env *e, uint64_t ms)
{
	uint64_t end = e->now + ms;

	while (e->now < end) {
		e->now += (end - e->now) < 10 ? (end - e->now) : 10;
		lf_run(e);
	}
}

static inline void lf_start(struct lf_env *e, bool fresh)
{
	struct locd_config_err ce;
	char path[128];
	const char *sets[][2] = {
		{"auth.enabled", "no"}, {"sip.udp", ""}, {"sip.tcp", ""},
		{"sip.tls", ""}, {"http.listen", ""},
		{"policy.file", "data/demo/policy.ini"},
		{"geo.features_dir", "data/features/"},
	};
	size_t i;

	if (fresh) {
		/* keep what the test set up: from, extra, sets */
		const char *from = e->from, *extra = e->extra;
		enum sip_transp tp = e->tp;
		const char *keep[8][2];
		size_t nk = e->nsets;
		memcpy(keep, e->sets, sizeof(keep));
		memset(e, 0, sizeof(*e));
		e->from = from;
		e->extra = extra;
		e->tp = tp;
		memcpy(e->sets, keep, sizeof(keep));
		e->nsets = nk;
		e->now = 5000000;
		snprintf(e->dir, sizeof(e->dir), "/tmp/locd-ut-%ld-XXXXXX",
			 (long)getpid());
		ck_assert_ptr_nonnull(mkdtemp(e->dir));
	}
	locd_config_init(&e->cfg);
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		ck_assert_int_eq(locd_config_set(&e->cfg, sets[i][0],
						 sets[i][1], &ce), 0);
	snprintf(path, sizeof(path), "%s/locd.db", e->dir);
	ck_assert_int_eq(locd_config_set(&e->cfg, "store.db", path, &ce), 0);
	snprintf(path, sizeof(path), "%s/nonce.key", e->dir);
	ck_assert_int_eq(locd_config_set(&e->cfg, "auth.nonce_secret", path,
					 &ce), 0);
	for (i = 0; i < e->nsets; i++)
		ck_assert_int_eq(locd_config_set(&e->cfg, e->sets[i][0],
						 e->sets[i][1], &ce), 0);
	e->lg.level = getenv("LF_DEBUG") ? LOCD_LOG_DEBUG : LOCD_LOG_ERR;
	e->hooks.send_h = lf_send;
	e->hooks.send_arg = e;
	e->hooks.clock_h = lf_clock;
	e->hooks.clock_arg = e;
	ck_assert_int_eq(locd_alloc_hooks(&e->d, NULL, &e->cfg, &e->lg,
					  &e->hooks), 0);
	lf_run(e);
}

static inline void lf_clear(struct lf_env *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		free(e->m[i].text);
	e->n = 0;
	e->answered = 0;
}

/* Stop the daemon (as kill -9 would: nothing drained); keep the db. */
static inline void lf_stop(struct lf_env *e)
{
	locd_free(e->d);
	e->d = NULL;
	locd_config_reset(&e->cfg);
	lf_clear(e);
}

static inline void lf_end(struct lf_env *e)
{
	char cmd[160];

	lf_stop(e);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Feed a SIP request text (UDP from 127.0.0.1:5070). */
static inline void lf_feed(struct lf_env *e, const char *txt)
{
	struct sip_peer src;

	src.tp = e->tp ? e->tp : SIP_TRANSP_UDP;
	ck_assert_int_eq(sip_sa_set(&src.sa, "127.0.0.1", 5070), 0);
	(void)sip_stack_recv(locd_stack(e->d), &src, NULL, txt, strlen(txt));
	lf_run(e);
}

/*
 * SUBSCRIBE (CSeq cseq; to_tag NULL for a new dialog) with an optional
 * body; returns the status of the response it got.
 */
static inline unsigned lf_subscribe(struct lf_env *e, const char *callid,
				    unsigned cseq, const char *to_tag,
				    const char *event, const char *ctype,
				    const char *body, unsigned expires)
{
	char txt[8192];
	size_t first = e->n, i;
	size_t bl = body ? strlen(body) : 0;

	snprintf(txt, sizeof(txt),
		 "SUBSCRIBE sip:alice@127.0.0.1:5060 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-%u\r\n"
		 "From: <%s>;tag=ft-%s\r\n"
		 "To: <sip:alice@localhost>%s%s\r\n"
		 "Call-ID: %s\r\nCSeq: %u SUBSCRIBE\r\n"
		 "Contact: <sip:sub@127.0.0.1:5070>\r\n"
		 "Max-Forwards: 70\r\nEvent: %s\r\nExpires: %u\r\n"
		 "%s%s%s%s"
		 "Content-Length: %zu\r\n\r\n%s",
		 ++e->branch, e->from ? e->from : "sip:alice@localhost",
		 callid, to_tag ? ";tag=" : "",
		 to_tag ? to_tag : "", callid, cseq, event, expires,
		 ctype ? "Content-Type: " : "", ctype ? ctype : "",
		 ctype ? "\r\n" : "", e->extra ? e->extra : "", bl,
		 body ? body : "");
	lf_feed(e, txt);
	for (i = first; i < e->n; i++)
		if (!e->m[i].req && strcmp(e->m[i].callid, callid) == 0)
			return e->m[i].scode;
	return 0;
}

/* The i-th response or request line text of message i. */
static inline bool lf_has(const struct lf_msg *m, const char *s)
{
	return strstr(m->text, s) != NULL;
}

/* NOTIFYs of callid from index `from`; *last gets the newest index. */
static inline size_t lf_notifies(const struct lf_env *e, size_t from,
				 const char *callid, size_t *last)
{
	size_t i, n = 0;

	for (i = from; i < e->n; i++) {
		const struct lf_msg *m = &e->m[i];
		if (m->req && strcmp(m->method, "NOTIFY") == 0 &&
		    strcmp(m->callid, callid) == 0) {
			n++;
			if (last)
				*last = i;
		}
	}
	return n;
}

/* Our To tag from the 200 to the first SUBSCRIBE of callid. */
static inline void lf_totag(const struct lf_env *e, const char *callid,
			    char *tag, size_t sz)
{
	size_t i;

	tag[0] = '\0';
	for (i = 0; i < e->n; i++) {
		const char *t, *p;
		size_t l;
		if (e->m[i].req || e->m[i].scode != 200 ||
		    strcmp(e->m[i].callid, callid) != 0)
			continue;
		t = strstr(e->m[i].text, "\r\nTo:");
		ck_assert_ptr_nonnull(t);
		p = strstr(t, ";tag=");
		ck_assert_ptr_nonnull(p);
		p += 5;
		l = strcspn(p, ";\r\n");
		ck_assert_uint_lt(l, sz);
		memcpy(tag, p, l);
		tag[l] = '\0';
		return;
	}
}

/* A fix for alice at time t (UNIX s) through the ingest path. */
static inline int lf_fix(struct lf_env *e, double lat, double lon, double t)
{
	struct locd_pos p;
	enum locd_refuse why;
	const char *reason;
	int err;

	memset(&p, 0, sizeof(p));
	p.pt.lat = lat;
	p.pt.lon = lon;
	p.time = t;
	err = locd_ingest_pos(e->d, "sip:alice@localhost", &p,
			      LOCD_SOURCE_HTTP, &why, &reason);
	lf_run(e);
	return err;
}

#endif
