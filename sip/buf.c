/*
 * buf.c: growable output buffer with a hard cap (struct sip_buf).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"
#include "sip/sip_int.h"

void sip_buf_init(struct sip_buf *b, size_t max)
{
	if (!b)
		return;
	b->p = NULL;
	b->len = 0;
	b->size = 0;
	b->max = max;
}

void sip_buf_reset(struct sip_buf *b)
{
	if (!b)
		return;
	free(b->p);
	sip_buf_init(b, b->max);
}

void sip_buf_clear(struct sip_buf *b)
{
	if (b)
		b->len = 0;
}

/* Make room for `need` more bytes plus a NUL (never past max + 1). */
static int buf_grow(struct sip_buf *b, size_t need)
{
	size_t want, sz;
	char *p;

	if (need > b->max || b->len > b->max - need)
		return EOVERFLOW;
	want = b->len + need + 1;
	if (want <= b->size)
		return 0;
	sz = b->size ? b->size : 256;
	while (sz < want)
		sz *= 2;
	if (sz > b->max + 1)
		sz = b->max + 1;
	p = realloc(b->p, sz);
	if (!p)
		return ENOMEM;
	b->p = p;
	b->size = sz;
	return 0;
}

char *sip_buf_reserve(struct sip_buf *b, size_t n, int *err)
{
	*err = buf_grow(b, n);
	return *err ? NULL : b->p + b->len;
}

int sip_buf_append(struct sip_buf *b, const void *p, size_t l)
{
	int err;

	if (!b || (!p && l))
		return EINVAL;
	err = buf_grow(b, l);
	if (err)
		return err;
	if (l)
		memcpy(b->p + b->len, p, l);
	b->len += l;
	b->p[b->len] = '\0';
	return 0;
}

int sip_buf_append_str(struct sip_buf *b, const char *s)
{
	if (!s)
		return EINVAL;
	return sip_buf_append(b, s, strlen(s));
}

int sip_buf_append_pl(struct sip_buf *b, const struct sip_pl *pl)
{
	if (!pl)
		return EINVAL;
	return sip_buf_append(b, pl->p, pl->p ? pl->l : 0);
}

int sip_buf_printf(struct sip_buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[128];
	int n, err;

	if (!b || !fmt)
		return EINVAL;
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return EINVAL;
	if ((size_t)n < sizeof(small))
		return sip_buf_append(b, small, (size_t)n);
	err = buf_grow(b, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}
