/*
 * event_util.c: helpers shared by dialogs, subscriptions and
 * publications (sip/event_int.h): bounded string copies, RFC 6446 rate
 * printing, Warning values, reply descriptors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"

int evt_strdup_pl(char **out, const struct sip_pl *pl, size_t max)
{
	char *s;
	size_t l = pl && pl->p ? pl->l : 0;

	if (l > max)
		return EOVERFLOW;
	if (l && (memchr(pl->p, '\0', l) || memchr(pl->p, '\r', l) ||
		  memchr(pl->p, '\n', l)))
		return EINVAL;
	s = malloc(l + 1);
	if (!s)
		return ENOMEM;
	if (l)
		memcpy(s, pl->p, l);
	s[l] = '\0';
	*out = s;
	return 0;
}

int evt_strdup(char **out, const char *s, size_t max)
{
	struct sip_pl pl;

	if (!s) {
		*out = NULL;
		return 0;
	}
	pl.p = s;
	pl.l = strnlen(s, max + 1);
	return evt_strdup_pl(out, &pl, max);
}

uint64_t evt_hash_mem(uint64_t h, const void *p, size_t l)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < l; i++) {
		h ^= c[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

uint32_t evt_hash_final(uint64_t h)
{
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (uint32_t)h;
}

bool evt_is_token(const struct sip_pl *pl)
{
	static const char extra[] = "-.!%*_+`'~";
	size_t i;

	if (!pl || !pl->l)
		return false;
	for (i = 0; i < pl->l; i++) {
		char c = pl->p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr(extra, c)))
			continue;
		return false;
	}
	return true;
}

/* One RFC 6446 rate as 1*2DIGIT ["." 1*10DIGIT], trailing zeros cut. */
static int rate_print(struct sip_buf *b, const char *name, double v)
{
	char num[32];
	int n;

	if (v <= 0)
		return 0;
	if (v > 99.9999999999)
		v = 99.9999999999;
	if (v < 0.0000000001)
		v = 0.0000000001;
	n = snprintf(num, sizeof(num), "%.10f", v);
	if (n <= 0 || (size_t)n >= sizeof(num))
		return EINVAL;
	while (n > 0 && num[n - 1] == '0')
		num[--n] = '\0';
	if (n > 0 && num[n - 1] == '.')
		num[--n] = '\0';
	return sip_buf_printf(b, ";%s=%s", name, num);
}

int evt_print_rates(struct sip_buf *b, const struct sip_rates *r)
{
	size_t len0 = b->len;
	int err;

	err = rate_print(b, "max-rate", r->max_rate);
	if (!err)
		err = rate_print(b, "min-rate", r->min_rate);
	if (!err)
		err = rate_print(b, "adaptive-min-rate", r->adaptive_min_rate);
	if (err)
		b->len = len0;
	return err;
}

int evt_print_warning(struct sip_buf *b, const char *host, const char *text)
{
	char clean[256];
	size_t i, n = 0;

	for (i = 0; text && text[i] && n + 1 < sizeof(clean); i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f)
			continue;
		clean[n++] = (char)c;
	}
	clean[n] = '\0';
	return sip_buf_printf(b, "Warning: 399 %s \"%s\"\r\n",
			      host && *host ? host : "locd", clean);
}

int evt_print_addr(struct sip_buf *b, enum sip_hdr_id id, const char *uri,
		   const char *tag)
{
	const char *name = sip_hdr_name(id);

	if (!name || !uri)
		return EINVAL;
	if (tag && *tag)
		return sip_buf_printf(b, "%s: <%s>;tag=%s\r\n", name, uri,
				      tag);
	return sip_buf_printf(b, "%s: <%s>\r\n", name, uri);
}


void evt_reply_init(struct evt_reply *r, uint16_t scode)
{
	memset(r, 0, sizeof(*r));
	r->rd.scode = scode;
	r->rd.hdrv = r->hdrv;
}

void evt_reply_hdr(struct evt_reply *r, enum sip_hdr_id id,
		   const char *name, const char *val)
{
	size_t l = strlen(val);
	struct sip_hdr_out *h;

	if (r->rd.hdrc >= EVT_REPLY_HDRS ||
	    l + 1 > sizeof(r->pool) - r->used) {
		r->err = EOVERFLOW;
		return;
	}
	memcpy(r->pool + r->used, val, l + 1);
	h = &r->hdrv[r->rd.hdrc++];
	h->id = id;
	h->name = name;
	h->val.p = r->pool + r->used;
	h->val.l = l;
	r->used += l + 1;
}

void evt_reply_u32(struct evt_reply *r, enum sip_hdr_id id, uint32_t v)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", (unsigned)v);
	evt_reply_hdr(r, id, NULL, num);
}

void evt_reply_warning(struct evt_reply *r, const char *host,
		       const char *text)
{
	char clean[256], val[400];
	size_t i, n = 0;

	for (i = 0; text && text[i] && n + 1 < sizeof(clean); i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '"' || c == '\\' || c < 0x20 || c == 0x7f)
			continue;
		clean[n++] = (char)c;
	}
	clean[n] = '\0';
	snprintf(val, sizeof(val), "399 %s \"%s\"",
		 host && *host ? host : "locd", clean);
	evt_reply_hdr(r, SIP_HDR_WARNING, NULL, val);
}

/* --- Min-heap of expiry times (issue 6: next_due in O(1)). */

static void heap_set(struct evt_heap *h, size_t i,
		     const struct evt_heap_ent *ent)
{
	h->v[i] = *ent;
	*ent->idx = i;
}

static void heap_up(struct evt_heap *h, size_t i)
{
	struct evt_heap_ent ent = h->v[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;
		if (h->v[parent].key <= ent.key)
			break;
		heap_set(h, i, &h->v[parent]);
		i = parent;
	}
	heap_set(h, i, &ent);
}

static void heap_down(struct evt_heap *h, size_t i)
{
	struct evt_heap_ent ent = h->v[i];

	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1].key < h->v[c].key)
			c++;
		if (ent.key <= h->v[c].key)
			break;
		heap_set(h, i, &h->v[c]);
		i = c;
	}
	heap_set(h, i, &ent);
}

int evt_heap_reserve(struct evt_heap *h, size_t n)
{
	struct evt_heap_ent *v;
	size_t cap;

	if (n <= h->cap)
		return 0;
	cap = h->cap ? h->cap : 16;
	while (cap < n) {
		if (cap > SIZE_MAX / 2 / sizeof(*v))
			return ENOMEM;
		cap *= 2;
	}
	v = realloc(h->v, cap * sizeof(*v));
	if (!v)
		return ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

int evt_heap_push(struct evt_heap *h, uint64_t key, void *item,
		  size_t *idx)
{
	int err = evt_heap_reserve(h, h->n + 1);

	if (err)
		return err;
	h->v[h->n].key = key;
	h->v[h->n].item = item;
	h->v[h->n].idx = idx;
	*idx = h->n++;
	heap_up(h, h->n - 1);
	return 0;
}

void evt_heap_update(struct evt_heap *h, size_t idx, uint64_t key)
{
	if (idx >= h->n)
		return;
	h->v[idx].key = key;
	heap_up(h, idx);
	heap_down(h, idx);
}

void evt_heap_remove(struct evt_heap *h, size_t idx)
{
	size_t *gone;

	if (idx >= h->n)
		return;
	gone = h->v[idx].idx;
	h->n--;
	if (idx != h->n) {
		heap_set(h, idx, &h->v[h->n]);
		heap_up(h, idx);
		heap_down(h, idx);
	}
	*gone = EVT_HEAP_NONE;
}

uint64_t evt_heap_min(const struct evt_heap *h)
{
	return h->n ? h->v[0].key : UINT64_MAX;
}

void *evt_heap_top(const struct evt_heap *h)
{
	return h->n ? h->v[0].item : NULL;
}

void evt_heap_reset(struct evt_heap *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		*h->v[i].idx = EVT_HEAP_NONE;
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
