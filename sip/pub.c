/*
 * pub.c: RFC 3903 event state compositor: PUBLISH answers (initial,
 * refresh, modify, remove; LOCATION.md §5.3), SIP-ETag issue, 412, 423,
 * 489, expiry (EV-29..EV-34).  The package keeps the state itself; the
 * ESC keeps only entity, package, tag and expiry of each publication.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"
#include "sip/sip_event.h"

/* Entity-tag: 16 hex of process salt and up to 16 hex of a counter. */
#define ETAG_MAX 40
/* Entity (Request-URI) bytes kept. */
#define ENTITY_MAX 1024

/*
 * A publication: in two chained hash tables of the ESC, by entity-tag
 * (PUBLISH with SIP-If-Match, the restore duplicate check) and by entity
 * (the per-entity cap), so no lookup walks every publication (issue 6).
 * It keeps both hashes: growing the tables hashes no string again, and a
 * chain walk compares hashes before strings. 81 bytes before the entity.
 */
struct pub {
	struct pub *tnext;         /* chain in e->tv (by etag) */
	struct pub *enext;         /* chain in e->ev (by entity) */
	uint64_t expires_at;
	size_t hidx;               /* in e->heap */
	uint32_t thash;            /* str_hash(etag) */
	uint32_t ehash;            /* str_hash(entity) */
	uint8_t pkg;
	char etag[ETAG_MAX];
	char entity[];             /* the Request-URI, NUL-ended */
};

_Static_assert(SIP_EVT_PKGS_MAX <= 256, "package index fits uint8_t");

/* Accept value kept for 415 answers. */
#define ACCEPT_MAX 255

struct esc_pkg {
	struct sip_esc_pkg p;
	char name[SIP_EVT_NAME_MAX + 1];
	char accept[ACCEPT_MAX + 1];
};

struct sip_esc {
	struct sip_esc_conf conf;
	char *warn_host;
	struct esc_pkg pkgv[SIP_EVT_PKGS_MAX];
	size_t pkgc;
	size_t count;
	struct evt_heap heap;      /* publications by expires_at */
	/* every publication by etag and by entity; hcap buckets each (a
	 * power of two, grown with count) */
	struct pub **tv, **ev;
	size_t hcap;
	char salt[SIP_DIALOG_TAG_LEN + 1];
	uint64_t seq;
};

const char *sip_pub_op_name(enum sip_pub_op op)
{
	switch (op) {
	case SIP_PUB_NEW:
		return "new";
	case SIP_PUB_MODIFY:
		return "modify";
	case SIP_PUB_REFRESH:
		return "refresh";
	case SIP_PUB_REMOVE:
		return "remove";
	case SIP_PUB_EXPIRE:
		return "expire";
	}
	return "?";
}

int sip_esc_alloc(struct sip_esc **ep, const struct sip_esc_conf *conf)
{
	struct sip_esc *e;
	int err;

	if (!ep || !conf || !conf->replyh)
		return EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->conf = *conf;
	if (!e->conf.max_pubs)
		e->conf.max_pubs = SIP_EVT_PUBS_MAX;
	if (!e->conf.max_per_entity)
		e->conf.max_per_entity = SIP_EVT_PUBS_PER_ENTITY;
	err = evt_strdup(&e->warn_host, conf->warn_host ? conf->warn_host :
			 "locd", SIP_EVT_NAME_MAX);
	if (!err && conf->tagh)
		err = conf->tagh(e->salt, sizeof(e->salt), conf->arg);
	else if (!err)
		err = sip_dialog_tag_make(e->salt, sizeof(e->salt));
	if (err) {
		sip_esc_free(e);
		return err;
	}
	e->conf.warn_host = e->warn_host;
	*ep = e;
	return 0;
}

/* --- Tables: by entity-tag and by entity. */

static uint32_t str_hash(const char *p, size_t l)
{
	return evt_hash_final(evt_hash_mem(EVT_HASH_INIT, p, l));
}

/* The chain of hash h in table v (e->tv or e->ev; e->hcap > 0). */
static struct pub **bucket(const struct sip_esc *e, struct pub **v,
			   uint32_t h)
{
	return &v[h & (e->hcap - 1)];
}

/* Room for one more publication (load 1): 0 or ENOMEM. */
static int hash_reserve(struct sip_esc *e)
{
	struct pub **tv, **ev, *p;
	size_t cap, i;

	if (e->count < e->hcap)
		return 0;
	cap = e->hcap ? e->hcap * 2 : 64;
	if (cap > SIZE_MAX / sizeof(*tv))
		return e->hcap ? 0 : ENOMEM;
	tv = calloc(cap, sizeof(*tv));
	ev = tv ? calloc(cap, sizeof(*ev)) : NULL;
	if (!ev) {
		free(tv);
		return e->hcap ? 0 : ENOMEM; /* chains just get longer */
	}
	for (i = 0; i < e->hcap; i++) {
		while ((p = e->tv[i]) != NULL) {
			size_t b = p->thash & (cap - 1);
			e->tv[i] = p->tnext;
			p->tnext = tv[b];
			tv[b] = p;
		}
		while ((p = e->ev[i]) != NULL) {
			size_t b = p->ehash & (cap - 1);
			e->ev[i] = p->enext;
			p->enext = ev[b];
			ev[b] = p;
		}
	}
	free(e->tv);
	free(e->ev);
	e->tv = tv;
	e->ev = ev;
	e->hcap = cap;
	return 0;
}

/* Hash p's etag (set before) and chain p by it. */
static void tag_add(struct sip_esc *e, struct pub *p)
{
	struct pub **b;

	p->thash = str_hash(p->etag, strlen(p->etag));
	b = bucket(e, e->tv, p->thash);
	p->tnext = *b;
	*b = p;
}

static void tag_del(struct sip_esc *e, struct pub *p)
{
	struct pub **pp = bucket(e, e->tv, p->thash);

	for (; *pp; pp = &(*pp)->tnext) {
		if (*pp == p) {
			*pp = p->tnext;
			p->tnext = NULL;
			return;
		}
	}
}

/*
 * Link a new publication, its entity hashed by pub_new (hash_reserve and
 * the heap slot are done).
 */
static void pub_link(struct sip_esc *e, struct pub *p)
{
	struct pub **b = bucket(e, e->ev, p->ehash);

	tag_add(e, p);
	p->enext = *b;
	*b = p;
	e->count++;
	(void)evt_heap_push(&e->heap, p->expires_at, p, &p->hidx);
}

static void pub_unlink_free(struct sip_esc *e, struct pub *p)
{
	struct pub **pp = bucket(e, e->ev, p->ehash);

	tag_del(e, p);
	for (; *pp; pp = &(*pp)->enext) {
		if (*pp == p) {
			*pp = p->enext;
			break;
		}
	}
	e->count--;
	evt_heap_remove(&e->heap, p->hidx);
	free(p);
}

/* A new, unlinked publication of entity (at most ENTITY_MAX bytes). */
static struct pub *pub_new(const char *entity)
{
	size_t l = strlen(entity);
	struct pub *p = calloc(1, offsetof(struct pub, entity) + l + 1);

	if (p) {
		p->hidx = EVT_HEAP_NONE;
		p->ehash = str_hash(entity, l);
		memcpy(p->entity, entity, l + 1);
	}
	return p;
}

void sip_esc_free(struct sip_esc *e)
{
	size_t i;

	if (!e)
		return;
	evt_heap_reset(&e->heap);
	for (i = 0; i < e->hcap; i++) {
		while (e->tv[i]) {
			struct pub *p = e->tv[i];
			e->tv[i] = p->tnext;
			free(p);
		}
	}
	free(e->tv);
	free(e->ev);
	free(e->warn_host);
	free(e);
}

int sip_esc_pkg_add(struct sip_esc *e, const struct sip_esc_pkg *pkg)
{
	struct esc_pkg *ep;
	struct sip_pl name;
	size_t i;

	if (!e || !pkg || !pkg->name || !pkg->pubh)
		return EINVAL;
	sip_pl_set_str(&name, pkg->name);
	if (name.l > SIP_EVT_NAME_MAX || !evt_is_token(&name))
		return EINVAL;
	if (pkg->accept && (strlen(pkg->accept) > ACCEPT_MAX ||
			    strpbrk(pkg->accept, "\r\n")))
		return EINVAL;
	for (i = 0; i < e->pkgc; i++)
		if (strcmp(e->pkgv[i].name, pkg->name) == 0)
			return EEXIST;
	if (e->pkgc == SIP_EVT_PKGS_MAX)
		return EOVERFLOW;
	ep = &e->pkgv[e->pkgc++];
	ep->p = *pkg;
	memcpy(ep->name, name.p, name.l + 1);
	ep->p.name = ep->name;
	ep->accept[0] = '\0';
	if (pkg->accept)
		memcpy(ep->accept, pkg->accept, strlen(pkg->accept) + 1);
	ep->p.accept = ep->accept[0] ? ep->accept : NULL;
	return 0;
}

/* A fresh entity-tag, never issued before by this ESC (EV-34). */
static void etag_make(struct sip_esc *e, char *out)
{
	snprintf(out, ETAG_MAX, "%s%" PRIx64, e->salt, ++e->seq);
}

static void reply(struct sip_esc *e, void *txn, struct evt_reply *r)
{
	(void)e->conf.replyh(txn, &r->rd, e->conf.arg);
}

static uint16_t reply_simple(struct sip_esc *e, void *txn, uint16_t scode,
			     const char *warning)
{
	struct evt_reply r;

	evt_reply_init(&r, scode);
	if (warning)
		evt_reply_warning(&r, e->warn_host, warning);
	reply(e, txn, &r);
	return scode;
}

static uint16_t reply_ok(struct sip_esc *e, void *txn, uint32_t expires,
			 const char *etag)
{
	struct evt_reply r;

	evt_reply_init(&r, 200);
	evt_reply_u32(&r, SIP_HDR_EXPIRES, expires);
	evt_reply_hdr(&r, SIP_HDR_SIP_ETAG, NULL, etag);
	reply(e, txn, &r);
	return 200;
}

static uint16_t reply_489(struct sip_esc *e, void *txn)
{
	char v[SIP_EVT_PKGS_MAX * (SIP_EVT_NAME_MAX + 2) + 1];
	struct evt_reply r;
	size_t i, l = 0;

	for (i = 0; i < e->pkgc; i++) {
		size_t nl = strlen(e->pkgv[i].name);
		if (i) {
			v[l++] = ',';
			v[l++] = ' ';
		}
		memcpy(v + l, e->pkgv[i].name, nl);
		l += nl;
	}
	v[l] = '\0';
	evt_reply_init(&r, 489);
	if (l)
		evt_reply_hdr(&r, SIP_HDR_ALLOW_EVENTS, NULL, v);
	reply(e, txn, &r);
	return 489;
}

static struct pub *pub_find(struct sip_esc *e, size_t pkg,
			    const char *entity, const struct sip_pl *etag)
{
	uint32_t h = str_hash(etag->p, etag->l);
	struct pub *p;

	if (!e->hcap)
		return NULL;
	for (p = *bucket(e, e->tv, h); p; p = p->tnext)
		if (p->thash == h && p->pkg == pkg &&
		    sip_pl_eq_str(etag, p->etag) &&
		    strcmp(p->entity, entity) == 0)
			return p;
	return NULL;
}

/* Publications of entity: its chain holds them and few others. */
static size_t pub_count_entity(const struct sip_esc *e, const char *entity)
{
	uint32_t h = str_hash(entity, strlen(entity));
	const struct pub *p;
	size_t n = 0;

	if (!e->hcap)
		return 0;
	for (p = *bucket(e, e->ev, h); p; p = p->enext)
		if (p->ehash == h && strcmp(p->entity, entity) == 0)
			n++;
	return n;
}

/* Whether entity-tag tag is live (any entity or package). */
static bool tag_live(const struct sip_esc *e, const char *tag, size_t l)
{
	uint32_t h = str_hash(tag, l);
	const struct pub *p;

	if (!e->hcap)
		return false;
	for (p = *bucket(e, e->tv, h); p; p = p->tnext)
		if (p->thash == h && strlen(p->etag) == l &&
		    memcmp(p->etag, tag, l) == 0)
			return true;
	return false;
}

static void ev_fill(struct sip_pub_event *ev, enum sip_pub_op op,
		    const char *entity, const struct esc_pkg *pk,
		    const struct sip_msg *req, uint32_t expires)
{
	memset(ev, 0, sizeof(*ev));
	ev->op = op;
	ev->entity = entity;
	ev->event = pk->name;
	ev->expires = expires;
	ev->msg = req;
	if (req && (op == SIP_PUB_NEW || op == SIP_PUB_MODIFY)) {
		if (sip_pl_isset(&req->ctype.type)) {
			ev->ctype.p = req->ctype.type.p;
			ev->ctype.l = (size_t)(req->ctype.subtype.p +
					       req->ctype.subtype.l -
					       req->ctype.type.p);
		}
		ev->body = req->body;
	}
}

/* The package's verdict on NEW/MODIFY: 0 to go on, else answered. */
static uint16_t pkg_judge(struct sip_esc *e, void *txn,
			  const struct esc_pkg *pk,
			  const struct sip_pub_event *ev)
{
	const char *warning = NULL;
	uint16_t sc = pk->p.pubh(ev, &warning, pk->p.arg);

	struct evt_reply r;

	if (sc >= 200 && sc < 300)
		return 0;
	if (sc < 300 || sc > 699)
		sc = 500;
	evt_reply_init(&r, sc);
	if (warning)
		evt_reply_warning(&r, e->warn_host, warning);
	if (sc == 415 && pk->p.accept) /* EV-32, LOCATION.md 5.4 */
		evt_reply_hdr(&r, SIP_HDR_ACCEPT, NULL, pk->p.accept);
	reply(e, txn, &r);
	return sc;
}

/* Initial PUBLISH (no SIP-If-Match). */
static uint16_t publish_new(struct sip_esc *e, void *txn, size_t pkg,
			    const char *entity, const struct sip_msg *req,
			    uint32_t expires, uint64_t now)
{
	const struct esc_pkg *pk = &e->pkgv[pkg];
	struct sip_pub_event ev;
	char etag[ETAG_MAX];
	struct pub *p;
	uint16_t sc;

	if (!req->body.l)
		return reply_simple(e, txn, 400,
				    "no body and no SIP-If-Match");
	if (expires == 0) {
		/* nothing to keep (EV-31); a tag all the same (EV-34) */
		etag_make(e, etag);
		return reply_ok(e, txn, 0, etag);
	}
	if (e->count >= e->conf.max_pubs ||
	    pub_count_entity(e, entity) >= e->conf.max_per_entity)
		return reply_simple(e, txn, 503, "too many publications");
	p = evt_heap_reserve(&e->heap, e->heap.n + 1) || hash_reserve(e) ?
	    NULL : pub_new(entity);
	if (!p)
		return reply_simple(e, txn, 500, "out of memory");
	etag_make(e, p->etag);
	ev_fill(&ev, SIP_PUB_NEW, entity, pk, req, expires);
	ev.etag = p->etag;
	sc = pkg_judge(e, txn, pk, &ev);
	if (sc) {
		free(p);
		return sc;
	}
	p->pkg = (uint8_t)pkg;
	p->expires_at = now + (uint64_t)expires * 1000;
	pub_link(e, p);
	return reply_ok(e, txn, expires, p->etag);
}

/* PUBLISH with SIP-If-Match: refresh, modify or remove. */
static uint16_t publish_tagged(struct sip_esc *e, void *txn, size_t pkg,
			       const char *entity,
			       const struct sip_msg *req, uint32_t expires,
			       uint64_t now)
{
	const struct esc_pkg *pk = &e->pkgv[pkg];
	struct pub *p = pub_find(e, pkg, entity, &req->if_match);
	struct sip_pub_event ev;
	char etag[ETAG_MAX], old[ETAG_MAX];
	uint16_t sc;

	if (!p)
		return reply_simple(e, txn, 412, "unknown entity-tag");
	memcpy(old, p->etag, sizeof(old));
	etag_make(e, etag);
	if (expires == 0) {
		ev_fill(&ev, SIP_PUB_REMOVE, entity, pk, req, 0);
		ev.old_etag = old;
		(void)pk->p.pubh(&ev, NULL, pk->p.arg);
		pub_unlink_free(e, p);
		return reply_ok(e, txn, 0, etag);
	}
	ev_fill(&ev, req->body.l ? SIP_PUB_MODIFY : SIP_PUB_REFRESH, entity,
		pk, req, expires);
	ev.etag = etag;
	ev.old_etag = old;
	if (ev.op == SIP_PUB_MODIFY) {
		sc = pkg_judge(e, txn, pk, &ev);
		if (sc)
			return sc; /* refused: the old state stays (EV-33) */
	} else {
		(void)pk->p.pubh(&ev, NULL, pk->p.arg);
	}
	tag_del(e, p);
	memcpy(p->etag, etag, sizeof(etag));
	tag_add(e, p);
	p->expires_at = now + (uint64_t)expires * 1000;
	evt_heap_update(&e->heap, p->hidx, p->expires_at);
	return reply_ok(e, txn, expires, p->etag);
}

uint16_t sip_esc_publish(struct sip_esc *e, void *txn,
			 const struct sip_msg *req, uint64_t now)
{
	const struct esc_pkg *pk = NULL;
	char entity[ENTITY_MAX + 1];
	struct evt_reply r;
	uint32_t expires;
	size_t i;

	if (!e || !req || !req->req)
		return 0;
	for (i = 0; req->has_event && i < e->pkgc; i++) {
		if (sip_pl_eq_str(&req->event.package, e->pkgv[i].name)) {
			pk = &e->pkgv[i];
			break;
		}
	}
	if (!pk)
		return reply_489(e, txn); /* EV-29 */
	if (sip_pl_strcpy(&req->ruri_pl, entity, sizeof(entity)))
		return reply_simple(e, txn, 414, "Request-URI too long");
	if (sip_msg_hdr_count(req, SIP_HDR_SIP_IF_MATCH) > 1 ||
	    (sip_pl_isset(&req->if_match) &&
	     (!evt_is_token(&req->if_match) ||
	      req->if_match.l >= ETAG_MAX)))
		return reply_simple(e, txn, 400,
				    "one SIP-If-Match entity-tag expected");
	expires = req->has_expires ? req->expires : pk->p.expires_default;
	if (expires > 0 && expires < pk->p.expires_min) {
		/* EV-31 */
		evt_reply_init(&r, 423);
		evt_reply_u32(&r, SIP_HDR_MIN_EXPIRES, pk->p.expires_min);
		reply(e, txn, &r);
		return 423;
	}
	if (pk->p.expires_max && expires > pk->p.expires_max)
		expires = pk->p.expires_max;
	if (sip_pl_isset(&req->if_match))
		return publish_tagged(e, txn, i, entity, req, expires, now);
	return publish_new(e, txn, i, entity, req, expires, now);
}

int sip_esc_restore(struct sip_esc *e, const char *entity,
		    const char *event, const char *etag, uint32_t remaining,
		    uint64_t now)
{
	struct sip_pl tag;
	struct pub *p;
	size_t pkg;

	if (!e || !entity || !event || !etag)
		return EINVAL;
	sip_pl_set_str(&tag, etag);
	if (!evt_is_token(&tag))
		return EINVAL;
	if (tag.l >= ETAG_MAX || strlen(entity) > ENTITY_MAX)
		return EOVERFLOW;
	if (strpbrk(entity, "\r\n"))
		return EINVAL;
	for (pkg = 0; pkg < e->pkgc; pkg++)
		if (strcmp(e->pkgv[pkg].name, event) == 0)
			break;
	if (pkg == e->pkgc || !remaining)
		return ENOENT;
	if (tag_live(e, etag, tag.l))
		return EEXIST;
	if (e->count >= e->conf.max_pubs ||
	    pub_count_entity(e, entity) >= e->conf.max_per_entity)
		return EOVERFLOW;
	if (evt_heap_reserve(&e->heap, e->heap.n + 1) || hash_reserve(e))
		return ENOMEM;
	p = pub_new(entity);
	if (!p)
		return ENOMEM;
	memcpy(p->etag, etag, tag.l + 1);
	p->pkg = (uint8_t)pkg;
	p->expires_at = now + (uint64_t)remaining * 1000;
	pub_link(e, p);
	return 0;
}

void sip_esc_tick(struct sip_esc *e, uint64_t now)
{
	struct sip_pub_event ev;
	struct pub *p;

	if (!e)
		return;
	/* the earliest first; pub_unlink_free takes p out of the heap */
	while ((p = evt_heap_top(&e->heap)) && p->expires_at <= now) {
		const struct esc_pkg *pk = &e->pkgv[p->pkg];
		ev_fill(&ev, SIP_PUB_EXPIRE, p->entity, pk, NULL, 0);
		ev.old_etag = p->etag;
		(void)pk->p.pubh(&ev, NULL, pk->p.arg);
		pub_unlink_free(e, p);
	}
}

uint64_t sip_esc_next_due(const struct sip_esc *e)
{
	return e ? evt_heap_min(&e->heap) : UINT64_MAX;
}

size_t sip_esc_count(const struct sip_esc *e)
{
	return e ? e->count : 0;
}
