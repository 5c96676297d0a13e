/*
 * persist.c: live objects <-> locd/store.h.  Subscriptions are written
 * whole when created or changed (dialog, filter documents, policy
 * inputs, rates) and cheaply after each NOTIFY (CSeq, evaluation and
 * schedule state, expiry), all marked ones in one transaction per loop
 * iteration.  The evaluation state is the authorised view the last
 * NOTIFY carried: on restore it is evaluated and committed again, so
 * triggers and containment compare against what the subscriber last
 * got, and the target's newest fix is then evaluated against it: no
 * containment change is lost across kill -9.  The schedule is stored in
 * its versioned encoding (lf_sched_encode) with its times moved to the
 * wall clock; one that does not decode starts anew.  The local
 * CSeq is written after the NOTIFY left, so a restored dialog continues
 * LOCD_RESTORE_CSEQ_BUMP (1,000) above the stored value: never a CSeq
 * the subscriber has already seen (RFC 3261 12.2.1.1).  The filter
 * documents go to the store as one blob per subscription, which the
 * store keeps once per distinct blob (schema 3); a restore builds the
 * filter of each stored document once and hands the rows of that
 * document the same filter (struct fmemo).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/locd_int.h"

#define PER_LOG "persist"
#define EVAL_MAX 256
#define ROUTES_MAX 4096

void locd_persist_mark(struct locd_lsub *ls, bool full)
{
	struct locd *d = ls->d;

	if (full)
		ls->need_upsert = true;
	if (ls->dirty)
		return;
	ls->dirty = true;
	ls->dnext = d->dirty;
	d->dirty = ls;
	locd_kick(d);
}

void locd_persist_forget(struct locd_lsub *ls)
{
	struct locd_lsub **pp;

	if (!ls->dirty)
		return;
	for (pp = &ls->d->dirty; *pp; pp = &(*pp)->dnext) {
		if (*pp == ls) {
			*pp = ls->dnext;
			break;
		}
	}
	ls->dirty = false;
}

void locd_sched_to_wall(const struct lf_sched *in, double shift,
			struct lf_sched *out)
{
	*out = *in;
	lf_sched_shift(out, shift);
}

/* Eval-state blob, version 2 (issue 6: no decimal text per NOTIFY and per
 * restored row): "v2b", a flags byte, then six little-endian IEEE-754
 * doubles: lat, lon, alt, time, speed, heading. */
#define EVAL_V2_MAGIC "v2b"
#define EVAL_V2_HAVE 1u
#define EVAL_V2_ALT 2u
#define EVAL_V2_SPEED 4u
#define EVAL_V2_HEADING 8u
#define EVAL_V2_LEN (4 + 6 * 8)

static void le_put(char *b, double v)
{
	uint64_t u;
	int i;

	memcpy(&u, &v, sizeof(u));
	for (i = 0; i < 8; i++)
		b[i] = (char)(unsigned char)(u >> (8 * i));
}

static double le_get(const char *b)
{
	uint64_t u = 0;
	double v;
	int i;

	for (i = 0; i < 8; i++)
		u |= (uint64_t)(unsigned char)b[i] << (8 * i);
	memcpy(&v, &u, sizeof(v));
	return v;
}

int locd_evalstate_print(const struct locd_lsub *ls, char *buf, size_t sz,
			 size_t *len)
{
	const struct locd_pos *p = &ls->sent;
	bool have = ls->have_sent && !p->civic_only;
	size_t n = have ? EVAL_V2_LEN : 4;
	unsigned f = 0;

	if (sz < n)
		return EOVERFLOW;
	memcpy(buf, EVAL_V2_MAGIC, 3);
	if (have) {
		f = EVAL_V2_HAVE | (p->pt.has_alt ? EVAL_V2_ALT : 0) |
		    (p->has_speed ? EVAL_V2_SPEED : 0) |
		    (p->has_heading ? EVAL_V2_HEADING : 0);
		le_put(buf + 4, p->pt.lat);
		le_put(buf + 12, p->pt.lon);
		le_put(buf + 20, p->pt.has_alt ? p->pt.alt : 0.0);
		le_put(buf + 28, p->time);
		le_put(buf + 36, p->has_speed ? p->speed : 0.0);
		le_put(buf + 44, p->has_heading ? p->heading : 0.0);
	}
	buf[3] = (char)f;
	*len = n;
	return 0;
}

/* A version 2 blob (length checked by the caller's magic test). */
static int eval_v2_parse(const char *s, size_t len, bool *have,
			 struct locd_pos *p)
{
	unsigned f = (unsigned char)s[3];

	if (f & ~(EVAL_V2_HAVE | EVAL_V2_ALT | EVAL_V2_SPEED |
		  EVAL_V2_HEADING))
		return EBADMSG;
	*have = f & EVAL_V2_HAVE;
	if (!*have)
		return len == 4 && !f ? 0 : EBADMSG;
	if (len != EVAL_V2_LEN)
		return EBADMSG;
	p->pt.lat = le_get(s + 4);
	p->pt.lon = le_get(s + 12);
	p->pt.has_alt = f & EVAL_V2_ALT;
	p->pt.alt = p->pt.has_alt ? le_get(s + 20) : 0;
	p->time = le_get(s + 28);
	p->has_speed = f & EVAL_V2_SPEED;
	p->speed = p->has_speed ? le_get(s + 36) : 0;
	p->has_heading = f & EVAL_V2_HEADING;
	p->heading = p->has_heading ? le_get(s + 44) : 0;
	if (!geo_point_valid(&p->pt) || !isfinite(p->time))
		return EBADMSG;
	return 0;
}

/* strtod over a bounded copy: next number of s, advancing *pos. */
static int num_next(const char *s, size_t len, size_t *pos, double *v)
{
	char tmp[40];
	size_t i = *pos, k = 0;
	char *end;

	while (i < len && s[i] == ' ')
		i++;
	while (i < len && s[i] != ' ' && k + 1 < sizeof(tmp))
		tmp[k++] = s[i++];
	tmp[k] = '\0';
	if (!k)
		return EBADMSG;
	*v = strtod(tmp, &end);
	if (*end)
		return EBADMSG;
	*pos = i;
	return 0;
}

int locd_evalstate_parse(const char *s, size_t len, bool *have,
			 struct locd_pos *p)
{
	double v[10];
	size_t pos = 2, i;

	if (len < 4)
		return EBADMSG;
	memset(p, 0, sizeof(*p));
	if (memcmp(s, EVAL_V2_MAGIC, 3) == 0)
		return eval_v2_parse(s, len, have, p);
	/* version 1, text (rows written before issue 6) */
	if (memcmp(s, "v1 ", 3) != 0)
		return EBADMSG;
	if (num_next(s, len, &pos, &v[0]))
		return EBADMSG;
	*have = v[0] != 0;
	if (!*have)
		return pos == len ? 0 : EBADMSG;
	for (i = 1; i < 8; i++)
		if (num_next(s, len, &pos, &v[i]))
			return EBADMSG;
	v[8] = v[9] = 0; /* heading: optional (older rows) */
	if (pos != len && (num_next(s, len, &pos, &v[8]) ||
			   num_next(s, len, &pos, &v[9])))
		return EBADMSG;
	if (pos != len)
		return EBADMSG;
	p->pt.lat = v[1];
	p->pt.lon = v[2];
	p->pt.has_alt = v[3] != 0;
	p->pt.alt = v[3] != 0 ? v[4] : 0;
	p->time = v[5];
	p->has_speed = v[6] != 0;
	p->speed = v[6] != 0 ? v[7] : 0;
	p->has_heading = v[8] != 0;
	p->heading = v[8] != 0 ? v[9] : 0;
	if (!geo_point_valid(&p->pt) || !isfinite(p->time))
		return EBADMSG;
	return 0;
}

/* Filter documents as one blob: "LEN\n" then the bytes, per document. */
static int docs_pack(const struct locd_lsub *ls, struct sip_buf *b)
{
	size_t i, n = locd_lsub_ndocs(ls), l;
	const char *doc;
	int err = 0;

	for (i = 0; i < n && !err; i++) {
		doc = locd_lsub_doc(ls, i, &l);
		err = sip_buf_printf(b, "%zu\n", l);
		if (!err)
			err = sip_buf_append(b, doc, l);
	}
	return err;
}

/* The documents of a stored blob as views into it (no copy): 1 to
 * LOCD_FILTER_DOCS_MAX of at most LF_BODY_MAX bytes.  0 or EBADMSG. */
static int docs_unpack(const struct locd_store_blob *bl, const char **docs,
		       size_t *docl, size_t *n)
{
	const char *p = bl->data;
	size_t left = bl->len, k = 0;

	while (left) {
		size_t l = 0, i = 0;
		while (i < left && i < 12 && p[i] >= '0' && p[i] <= '9')
			l = l * 10 + (size_t)(p[i++] - '0');
		if (!i || i >= left || p[i] != '\n' || l > left - i - 1 ||
		    l > LF_BODY_MAX || k == LOCD_FILTER_DOCS_MAX)
			return EBADMSG;
		docs[k] = p + i + 1;
		docl[k++] = l;
		p += i + 1 + l;
		left -= i + 1 + l;
	}
	*n = k;
	return k ? 0 : EBADMSG;
}

static int write_one(struct locd *d, struct locd_lsub *ls, double wall,
		     uint64_t now_ms)
{
	struct sip_sub_rec rec;
	struct lf_sched ws;
	unsigned char sched[LF_SCHED_ENC_MAX];
	char eval[EVAL_MAX], routes[ROUTES_MAX];
	struct sip_buf docs;
	size_t i, off = 0, evlen = 0, slen = 0;
	int err;

	err = sip_sub_save(ls->sub, now_ms, &rec);
	if (err)
		return err;
	err = locd_evalstate_print(ls, eval, sizeof(eval), &evlen);
	if (err)
		return err;
	locd_sched_to_wall(&ls->sched, d->mono_to_wall, &ws);
	err = lf_sched_encode(&ws, sched, sizeof(sched), &slen);
	if (err)
		return err;
	if (!ls->need_upsert) {
		struct locd_store_sub_state u;
		memset(&u, 0, sizeof(u));
		u.id = ls->store_id;
		u.local_cseq = rec.dlg.lseq;
		u.remote_cseq = rec.dlg.rseq;
		u.eval_state.data = eval;
		u.eval_state.len = evlen;
		u.sched_state.data = sched;
		u.sched_state.len = slen;
		u.expires_at = (int64_t)wall + rec.remaining;
		u.updated = (int64_t)wall;
		err = locd_store_sub_update(d->store, &u);
		if (err != ENOENT)
			return err;
		ls->need_upsert = true; /* the row is missing: write it */
	}
	routes[0] = '\0';
	for (i = 0; i < rec.dlg.routec; i++) {
		int n = snprintf(routes + off, sizeof(routes) - off, "%s%s",
				 i ? "\n" : "", rec.dlg.routev[i]);
		if (n < 0 || (size_t)n >= sizeof(routes) - off)
			return EOVERFLOW;
		off += (size_t)n;
	}
	sip_buf_init(&docs, LOCD_FILTER_DOCS_MAX * (LF_BODY_MAX + 16));
	err = docs_pack(ls, &docs);
	if (!err) {
		struct locd_store_sub s;
		memset(&s, 0, sizeof(s));
		s.id = ls->store_id;
		s.target = ls->tgt->aor;
		s.subscriber = ls->subscriber;
		s.package = rec.event;
		s.event_id = rec.event_id;
		s.mode = (int)ls->mode;
		s.call_id = rec.dlg.callid;
		s.local_tag = rec.dlg.ltag;
		s.remote_tag = rec.dlg.rtag;
		s.local_uri = rec.dlg.luri;
		s.remote_uri = rec.dlg.ruri;
		s.remote_target = rec.dlg.rtarget;
		s.route_set = rec.dlg.routec ? routes : NULL;
		s.local_cseq = rec.dlg.lseq;
		s.remote_cseq = rec.dlg.rseq;
		s.secure = ls->secure;
		s.transport = rec.dlg.rseq_set ? 1 : 0; /* rseq_set flag */
		s.flow_token.data = rec.dlg.flow;
		s.flow_token.len = rec.dlg.flow ? strlen(rec.dlg.flow) : 0;
		s.filter_type = locd_lsub_ctype(ls);
		s.filter_body.data = docs.p;
		s.filter_body.len = docs.len;
		s.eval_state.data = eval;
		s.eval_state.len = evlen;
		s.sched_state.data = sched;
		s.sched_state.len = slen;
		s.max_rate = rec.rates.max_rate;
		s.min_rate = rec.rates.min_rate;
		s.adaptive_min_rate = rec.rates.adaptive_min_rate;
		s.expires_at = (int64_t)wall + rec.remaining;
		s.created = (int64_t)wall;
		s.updated = (int64_t)wall;
		err = locd_store_sub_upsert(d->store, &s);
		if (!err) {
			ls->store_id = s.id;
			ls->need_upsert = false;
		}
	}
	sip_buf_reset(&docs);
	return err;
}

void locd_persist_flush(struct locd *d)
{
	double wall = locd_wall();
	uint64_t now = locd_now_ms(d);
	struct locd_lsub *ls;
	int err;

	if (!d->dirty)
		return;
	if (locd_store_begin(d->store)) {
		locd_log(d->log, LOCD_LOG_WARNING, PER_LOG, NULL, "begin: %s",
			 locd_store_errmsg(d->store));
		return;
	}
	while ((ls = d->dirty) != NULL) {
		d->dirty = ls->dnext;
		ls->dirty = false;
		if (!ls->sub || sip_sub_state_get(ls->sub) ==
				       SIP_SUB_TERMINATED)
			continue;
		err = write_one(d, ls, wall, now);
		if (err)
			locd_log(d->log, LOCD_LOG_WARNING, PER_LOG, NULL,
				 "%s: %s", locd_lsub_callid(ls),
				 err == ENOENT || err == EINVAL
					 ? strerror(err)
					 : locd_store_errmsg(d->store));
	}
	if (locd_store_commit(d->store)) {
		locd_log(d->log, LOCD_LOG_WARNING, PER_LOG, NULL,
			 "commit: %s", locd_store_errmsg(d->store));
		(void)locd_store_rollback(d->store);
	}
}

int locd_persist_fix(struct locd *d, const char *aor,
		     const struct locd_pos *p, enum locd_source src)
{
	struct locd_store_fix f;
	int err;

	memset(&f, 0, sizeof(f));
	f.target = aor;
	f.lat = p->pt.lat;
	f.lon = p->pt.lon;
	f.alt = p->pt.alt;
	f.has_alt = p->pt.has_alt;
	f.time = p->time;
	f.speed = p->speed;
	f.has_speed = p->has_speed;
	snprintf(f.source, sizeof(f.source), "%s",
		 src == LOCD_SOURCE_SIP ? "publish" : "http");
	f.received_at = locd_wall();
	err = locd_store_fix_put(d->store, &f);
	return err == ESTALE ? 0 : err;
}

int locd_persist_pub(struct locd *d, const struct sip_pub_event *ev,
		     const char *aor)
{
	struct locd_store_pub p;
	int err = 0;

	(void)aor;
	if (ev->old_etag &&
	    (!ev->etag || strcmp(ev->old_etag, ev->etag) != 0)) {
		err = locd_store_pub_delete(d->store, ev->entity,
					    ev->old_etag);
		if (err == ENOENT)
			err = 0;
	}
	if (err || !ev->etag || ev->op == SIP_PUB_REMOVE ||
	    ev->op == SIP_PUB_EXPIRE)
		return err;
	memset(&p, 0, sizeof(p));
	/* the entity as the ESC knows it; content_type holds the event
	 * package (the body is always PIDF-LO and not needed again) */
	p.target = ev->entity;
	p.etag = ev->etag;
	p.expires_at = (int64_t)locd_wall() + ev->expires;
	p.content_type = ev->event;
	p.received_at = locd_wall();
	return locd_store_pub_put(d->store, &p);
}

/* --- Restore. */

static int pub_row(const struct locd_store_pub *p, void *arg)
{
	struct locd *d = arg;
	double left = (double)p->expires_at - locd_wall();
	int err;

	if (left < 1)
		return 0;
	err = sip_esc_restore(locd_sipio_esc(d), p->target,
			      p->content_type ? p->content_type : "presence",
			      p->etag, (uint32_t)left, locd_now_ms(d));
	if (err)
		locd_log(d->log, LOCD_LOG_NOTICE, PER_LOG, NULL,
			 "publication %s not restored: %s", p->etag,
			 strerror(err));
	return 0;
}

static int fix_row(const struct locd_store_fix *f, void *arg)
{
	struct locd *d = arg;
	struct locd_target *t;

	if (locd_target_get(d, f->target, true, &t))
		return ENOMEM;
	/* the newest fix before the restart: the "other" source */
	t->has_other = true;
	memset(&t->other, 0, sizeof(t->other));
	t->other.pt.lat = f->lat;
	t->other.pt.lon = f->lon;
	t->other.pt.alt = f->alt;
	t->other.pt.has_alt = f->has_alt;
	t->other.time = f->time;
	t->other.speed = f->speed;
	t->other.has_speed = f->has_speed;
	t->other_seq = ++d->arrivals;
	(void)locd_target_current(t);
	return 0;
}

uint32_t locd_persist_cseq_bump(uint32_t stored)
{
	if (stored >= LOCD_CSEQ_LIMIT - LOCD_RESTORE_CSEQ_BUMP)
		return LOCD_CSEQ_LIMIT - 1;
	return stored + LOCD_RESTORE_CSEQ_BUMP;
}

/*
 * Filters built during one restore, by stored document id and mode
 * (issue 6): the rows of a document parse it once (one lf_cache_parse
 * per distinct document, then a held reference per row). Open
 * addressing, doubled at half full; each entry holds a reference,
 * dropped when the restore ends. Only single-document filters are kept
 * (a merged set is rebuilt per row, as at SUBSCRIBE).
 */
struct fmemo_ent {
	int64_t doc;               /* 0: free slot */
	enum lf_mode mode;
	struct lf_filter *f;
};

struct fmemo {
	struct fmemo_ent *v;
	size_t cap, n;             /* cap: 0 or a power of two */
};

static size_t fmemo_slot(const struct fmemo *m, int64_t doc,
			 enum lf_mode mode)
{
	size_t i = (size_t)(((uint64_t)doc * 2 + (uint64_t)mode) *
			    0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1);

	while (m->v[i].doc &&
	       (m->v[i].doc != doc || m->v[i].mode != mode))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static struct lf_filter *fmemo_get(const struct fmemo *m, int64_t doc,
				   enum lf_mode mode)
{
	size_t i;

	if (!m->cap || doc <= 0)
		return NULL;
	i = fmemo_slot(m, doc, mode);
	return m->v[i].doc ? m->v[i].f : NULL;
}

/* Keep a reference to f for doc (best effort: out of memory, not kept). */
static void fmemo_put(struct fmemo *m, int64_t doc, enum lf_mode mode,
		      struct lf_filter *f)
{
	size_t i;

	if (doc <= 0)
		return;
	if ((m->n + 1) * 2 > m->cap) {
		struct fmemo nm = { NULL, m->cap ? m->cap * 2 : 256, 0 };

		nm.v = calloc(nm.cap, sizeof(*nm.v));
		if (!nm.v)
			return;
		for (i = 0; i < m->cap; i++)
			if (m->v[i].doc)
				nm.v[fmemo_slot(&nm, m->v[i].doc,
						m->v[i].mode)] = m->v[i];
		nm.n = m->n;
		free(m->v);
		*m = nm;
	}
	i = fmemo_slot(m, doc, mode);
	if (m->v[i].doc)
		return;
	m->v[i].doc = doc;
	m->v[i].mode = mode;
	m->v[i].f = lf_filter_hold(f);
	m->n++;
}

static void fmemo_free(struct fmemo *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->v[i].doc)
			lf_filter_free(m->v[i].f);
	free(m->v);
	memset(m, 0, sizeof(*m));
}

/* The filter of a stored row into ls (documents kept only for a
 * merge).  0 or an errno with *le. */
static int restore_filter(struct locd *d, struct fmemo *memo,
			  struct locd_lsub *ls,
			  const struct locd_store_sub *s, struct lf_err *le)
{
	const char *docs[LOCD_FILTER_DOCS_MAX];
	size_t docl[LOCD_FILTER_DOCS_MAX], n;
	struct lf_filter *f = fmemo_get(memo, s->filter_doc, ls->mode);
	int err;

	if (f) {
		ls->filter = lf_filter_hold(f);
		return 0;
	}
	err = docs_unpack(&s->filter_body, docs, docl, &n);
	if (!err)
		err = locd_package_filter_build(
			d, ls->mode,
			s->filter_type ? s->filter_type : locd_lsub_ctype(ls),
			docs, docl, n, &ls->filter, le);
	if (!err && !lf_filter_source(ls->filter, NULL, NULL)) {
		ls->docs = locd_fdocs_new(docs, docl, n);
		if (!ls->docs)
			err = ENOMEM;
	} else if (!err) {
		fmemo_put(memo, s->filter_doc, ls->mode, ls->filter);
	}
	return err;
}

/* The dialog part of rec from a stored row; routes is split in place. */
static void restore_dialog(const struct locd_store_sub *s, char *routes,
			   const char *flow, struct sip_sub_rec *rec)
{
	char *p;

	rec->dlg.callid = s->call_id;
	rec->dlg.ltag = s->local_tag;
	rec->dlg.rtag = s->remote_tag;
	rec->dlg.luri = s->local_uri;
	rec->dlg.ruri = s->remote_uri;
	rec->dlg.rtarget = s->remote_target;
	rec->dlg.flow = flow;
	if (flow) {
		/* a TCP/TLS connection does not survive the restart: reach
		 * the subscriber at its remote target instead (RFC 5626:
		 * the flow failed) */
		struct sip_flow fl;
		if (sip_flow_token_parse(&fl, flow) ||
		    sip_transp_reliable(fl.tp))
			rec->dlg.flow = NULL;
	}
	rec->dlg.lseq = locd_persist_cseq_bump(s->local_cseq);
	rec->dlg.rseq = s->remote_cseq;
	rec->dlg.rseq_set = s->transport != 0;
	rec->dlg.secure = s->secure;
	for (p = routes; p && *p &&
	     rec->dlg.routec < SIP_DIALOG_ROUTE_MAX;) {
		char *nl = strchr(p, '\n');
		rec->dlg.routev[rec->dlg.routec++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

/*
 * Recreate one subscription from a stored row (read in place: the row's
 * buffers are valid during the store's callback); false: drop the row.
 */
static bool restore_one(struct locd *d, struct fmemo *memo,
			const struct locd_store_sub *s, double wall)
{
	struct locd_lsub *ls;
	struct lf_err le;
	struct sip_sub_rec rec;
	struct lf_sched ws;
	struct locd_pos sent;
	char flow[SIP_DIALOG_FIELD_MAX + 1], *routes = NULL;
	bool have = false;
	double left = (double)s->expires_at - wall;
	int err;

	if (left < 1 || !s->target || !s->package || !s->call_id ||
	    (s->mode != LF_MODE_DRAFT && s->mode != LF_MODE_RFC) ||
	    s->flow_token.len > SIP_DIALOG_FIELD_MAX)
		return false;
	ls = calloc(1, sizeof(*ls));
	if (!ls)
		return true; /* keep it for the next start */
	ls->d = d;
	ls->mode = (enum lf_mode)s->mode;
	ls->secure = s->secure;
	ls->store_id = s->id;
	sip_timer_init(&ls->timer);
	if (s->subscriber)
		ls->subscriber = strdup(s->subscriber);
	memset(&le, 0, sizeof(le));
	if ((s->subscriber && !ls->subscriber) ||
	    restore_filter(d, memo, ls, s, &le) ||
	    lf_state_alloc(ls->filter, &ls->st) ||
	    locd_target_get(d, s->target, true, &ls->tgt)) {
		locd_log(d->log, LOCD_LOG_WARNING, PER_LOG, NULL,
			 "%s: cannot restore: %s", s->call_id,
			 le.msg[0] ? le.msg : "bad row");
		ls->tgt = NULL;
		locd_lsub_free(ls);
		return false;
	}
	if (locd_package_authorize(ls)) {
		ls->tgt = NULL;
		locd_lsub_free(ls);
		return false; /* the policy changed: no longer allowed */
	}
	if (s->sched_state.data &&
	    !lf_sched_decode(&ws, s->sched_state.data, s->sched_state.len)) {
		locd_sched_to_wall(&ws, -d->mono_to_wall, &ls->sched);
	} else {
		/* none, or not a valid encoding (an older locd's raw
		 * struct, another version): start anew */
		struct lf_sched_cfg cfg;
		struct sip_rates r = {s->max_rate, s->min_rate,
				      s->adaptive_min_rate};
		locd_package_sched_cfg(d, ls->mode, &r, left, &cfg, NULL);
		lf_sched_init(&ls->sched, &cfg, locd_now_s(d));
	}
	if (s->flow_token.len) {
		memcpy(flow, s->flow_token.data, s->flow_token.len);
		flow[s->flow_token.len] = '\0';
	}
	if (s->route_set && !(routes = strdup(s->route_set))) {
		ls->tgt = NULL;
		locd_lsub_free(ls);
		return true; /* ENOMEM: keep it for the next start */
	}
	memset(&rec, 0, sizeof(rec));
	restore_dialog(s, routes, s->flow_token.len ? flow : NULL, &rec);
	rec.event = s->package;
	rec.event_id = s->event_id;
	rec.state = SIP_SUB_ACTIVE;
	rec.remaining = (uint32_t)left;
	rec.rates.max_rate = s->max_rate;
	rec.rates.min_rate = s->min_rate;
	rec.rates.adaptive_min_rate = s->adaptive_min_rate;
	err = sip_notifier_restore(locd_sipio_notifier(d), &rec, ls,
				   locd_now_ms(d), &ls->sub);
	free(routes);
	if (err) {
		locd_log(d->log, LOCD_LOG_WARNING, PER_LOG, NULL,
			 "%s: not restored: %s", s->call_id, strerror(err));
		ls->tgt = NULL;
		locd_lsub_free(ls);
		return err == ENOMEM;
	}
	/* the trigger reference (after the dialog: its logs name it) */
	if (s->eval_state.len &&
	    locd_evalstate_parse(s->eval_state.data, s->eval_state.len,
				 &have, &sent))
		have = false;
	locd_notifier_restore_ref(ls, have, &sent);
	locd_target_link(ls->tgt, ls);
	locd_target_queue(d, ls->tgt);
	locd_log(d->log, LOCD_LOG_INFO, PER_LOG, NULL,
		 "%s: subscription to %s restored (%u s left, CSeq %u) "
		 "from stored CSeq %u", s->call_id, ls->tgt->aor,
		 (unsigned)left, (unsigned)rec.dlg.lseq,
		 (unsigned)s->local_cseq);
	return true;
}

/* Restore state while the store streams the rows (issue 6, finding 3:
 * one row at a time, read in place; ids of dropped rows kept to delete
 * after the read, not during it). */
struct restore_ctx {
	struct locd *d;
	double wall;
	size_t n;
	int64_t *drop;
	size_t ndrop, capdrop;
	struct fmemo memo;
};

static int restore_row(const struct locd_store_sub *s, void *arg)
{
	struct restore_ctx *c = arg;

	if (restore_one(c->d, &c->memo, s, c->wall)) {
		c->n++;
		return 0;
	}
	if (c->ndrop == c->capdrop) {
		size_t cap = c->capdrop ? c->capdrop * 2 : 64;
		int64_t *v = realloc(c->drop, cap * sizeof(*v));
		if (v) {
			c->drop = v;
			c->capdrop = cap;
		}
	}
	/* out of memory: the row stays for the next start */
	if (c->ndrop < c->capdrop)
		c->drop[c->ndrop++] = s->id;
	return 0;
}

int locd_persist_restore(struct locd *d)
{
	struct restore_ctx c = { .d = d, .wall = locd_wall() };
	size_t i;
	bool tx;
	int err;

	err = locd_store_pub_load_all(d->store, pub_row, d);
	if (!err)
		err = locd_store_fix_load_all(d->store, fix_row, d);
	if (!err)
		err = locd_store_sub_load_all(d->store, restore_row, &c);
	fmemo_free(&c.memo);
	/* one transaction for every dropped row (not one commit each) */
	tx = c.ndrop && !locd_store_begin(d->store);
	for (i = 0; i < c.ndrop; i++)
		if (locd_store_sub_delete(d->store, c.drop[i]) &&
		    locd_log_on(d->log, LOCD_LOG_DEBUG))
			locd_log(d->log, LOCD_LOG_DEBUG, PER_LOG, NULL,
				 "delete: %s", locd_store_errmsg(d->store));
	if (tx && locd_store_commit(d->store)) {
		locd_log(d->log, LOCD_LOG_WARNING, PER_LOG, NULL,
			 "deleting dropped rows: %s",
			 locd_store_errmsg(d->store));
		(void)locd_store_rollback(d->store);
	}
	free(c.drop);
	if (err)
		locd_log(d->log, LOCD_LOG_ERR, PER_LOG, NULL,
			 "restore: %s", locd_store_errmsg(d->store));
	else if (c.n)
		locd_log(d->log, LOCD_LOG_NOTICE, PER_LOG, NULL,
			 "%zu subscriptions restored", c.n);
	return err; /* the caller re-arms the timer once */
}
