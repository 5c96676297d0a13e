/*
 * users.c: the Digest users file (user:realm:algorithm:HA1hex).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "locd/users.h"

struct user_entry {
	char *user;
	char *realm;
	enum sip_auth_hash hash;
	char ha1[SIP_AUTH_HEX_MAX + 1];		/* lowercase */
	char userhash[SIP_AUTH_HEX_MAX + 1];	/* H(user:realm), lowercase */
	unsigned line;
};

struct locd_users {
	struct user_entry *e;
	size_t n, cap;
	char *realm;	/* the one the callback serves */
};

void locd_users_free(struct locd_users *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->n; i++) {
		free(u->e[i].user);
		free(u->e[i].realm);
	}
	free(u->e);
	free(u->realm);
	free(u);
}

size_t locd_users_count(const struct locd_users *u)
{
	return u ? u->n : 0;
}

static char *dup_n(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (!s)
		return NULL;
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* A user or realm: printable ASCII or UTF-8 bytes, no ':', '"', '\\'. */
static bool field_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f || c == ':' || c == '"' ||
		    c == '\\')
			return false;
	}
	return n > 0;
}

static int hex_lower(const char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char c = p[i];
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return EBADMSG;
		out[i] = c;
	}
	out[n] = '\0';
	return 0;
}

static int entries_grow(struct locd_users *u)
{
	struct user_entry *e;
	size_t cap;

	if (u->n < u->cap)
		return 0;
	if (u->n >= LOCD_USERS_MAX)
		return EOVERFLOW;
	cap = u->cap ? u->cap * 2 : 16;
	if (cap > LOCD_USERS_MAX)
		cap = LOCD_USERS_MAX;
	e = realloc(u->e, cap * sizeof(*e));
	if (!e)
		return ENOMEM;
	u->e = e;
	u->cap = cap;
	return 0;
}

/* Parse one non-comment line (without its end of line). */
static int line_parse(struct locd_users *u, const char *p, size_t n,
		      unsigned line, const char **reason)
{
	const char *f[4];
	size_t fl[4], i, k = 0, start = 0, hexlen;
	struct user_entry ent;
	struct sip_pl upl, rpl;
	int err;

	for (i = 0; i <= n; i++) {
		if (i < n && p[i] != ':')
			continue;
		if (k == 4) {
			*reason = "more than four ':'-separated fields";
			return EBADMSG;
		}
		f[k] = p + start;
		fl[k++] = i - start;
		start = i + 1;
	}
	if (k != 4) {
		*reason = "expected user:realm:algorithm:HA1";
		return EBADMSG;
	}
	if (!field_ok(f[0], fl[0]) || fl[0] > SIP_AUTH_USER_MAX) {
		*reason = fl[0] > SIP_AUTH_USER_MAX ? "user name too long"
						    : "bad user name";
		return fl[0] > SIP_AUTH_USER_MAX ? EOVERFLOW : EBADMSG;
	}
	if (!field_ok(f[1], fl[1]) || fl[1] > SIP_AUTH_REALM_MAX) {
		*reason = fl[1] > SIP_AUTH_REALM_MAX ? "realm too long"
						     : "bad realm";
		return fl[1] > SIP_AUTH_REALM_MAX ? EOVERFLOW : EBADMSG;
	}
	memset(&ent, 0, sizeof(ent));
	if (fl[2] == 3 && strncasecmp(f[2], "MD5", 3) == 0) {
		ent.hash = SIP_AUTH_MD5;
	} else if (fl[2] == 7 && strncasecmp(f[2], "SHA-256", 7) == 0) {
		ent.hash = SIP_AUTH_SHA256;
	} else {
		*reason = "algorithm is not MD5 or SHA-256";
		return EBADMSG;
	}
	hexlen = sip_auth_hash_hexlen(ent.hash);
	if (fl[3] != hexlen || hex_lower(f[3], fl[3], ent.ha1)) {
		*reason = ent.hash == SIP_AUTH_MD5
				  ? "HA1 is not 32 hex digits (MD5)"
				  : "HA1 is not 64 hex digits (SHA-256)";
		return EBADMSG;
	}
	upl = (struct sip_pl){f[0], fl[0]};
	rpl = (struct sip_pl){f[1], fl[1]};
	if (sip_auth_userhash(ent.hash, &upl, &rpl, ent.userhash)) {
		*reason = "cannot hash the user name";
		return EIO;
	}
	err = entries_grow(u);
	if (err) {
		*reason = err == ENOMEM ? "out of memory" : "too many users";
		return err;
	}
	ent.user = dup_n(f[0], fl[0]);
	ent.realm = dup_n(f[1], fl[1]);
	if (!ent.user || !ent.realm) {
		free(ent.user);
		free(ent.realm);
		*reason = "out of memory";
		return ENOMEM;
	}
	ent.line = line;
	u->e[u->n++] = ent;
	return 0;
}

/* Order: user, realm, hash; lookups by name use bsearch. */
struct user_key {
	const char *user;
	const char *realm;
	enum sip_auth_hash hash;
};

static int key_cmp(const void *k, const void *e)
{
	const struct user_key *x = k;
	const struct user_entry *y = e;
	int c = strcmp(x->user, y->user);

	if (!c)
		c = strcmp(x->realm, y->realm);
	if (!c)
		c = (int)x->hash - (int)y->hash;
	return c;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct user_entry *x = a;
	struct user_key k = {x->user, x->realm, x->hash};

	return key_cmp(&k, b);
}

/* Sort; a duplicate is blamed on its later line. */
static int entries_sort(struct locd_users *u, unsigned *line,
			const char **reason)
{
	size_t i;

	if (u->n > 1)
		qsort(u->e, u->n, sizeof(*u->e), entry_cmp);
	for (i = 1; i < u->n; i++) {
		if (entry_cmp(&u->e[i - 1], &u->e[i]) == 0) {
			*line = u->e[i - 1].line > u->e[i].line
					? u->e[i - 1].line
					: u->e[i].line;
			*reason = "duplicate user, realm and algorithm";
			return EEXIST;
		}
	}
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static int text_parse(struct locd_users *u, const char *text, size_t len,
		      unsigned *line, const char **reason)
{
	size_t pos = 0;

	*line = 0;
	while (pos < len) {
		const char *p = text + pos, *nl;
		size_t n, b = 0;
		int err;

		nl = memchr(p, '\n', len - pos);
		n = nl ? (size_t)(nl - p) : len - pos;
		pos += n + (nl ? 1 : 0);
		(*line)++;
		if (n > LOCD_USERS_LINE_MAX) {
			*reason = "line too long";
			return EOVERFLOW;
		}
		if (n && p[n - 1] == '\r')
			n--;
		while (b < n && blank(p[b]))
			b++;
		while (n > b && blank(p[n - 1]))
			n--;
		if (b == n || p[b] == '#')
			continue;
		if (memchr(p + b, '\0', n - b)) {
			*reason = "NUL byte in line";
			return EBADMSG;
		}
		err = line_parse(u, p + b, n - b, *line, reason);
		if (err)
			return err;
	}
	*line = 0;
	return entries_sort(u, line, reason);
}

int locd_users_parse(struct locd_users **up, const char *text, size_t len,
		     const char *realm, unsigned *linep, const char **reason)
{
	struct locd_users *u;
	const char *why = NULL;
	unsigned line = 0;
	int err;

	if (!up || (!text && len) || !realm || !*realm) {
		why = "bad argument";
		err = EINVAL;
		goto out;
	}
	if (len > LOCD_USERS_FILE_MAX) {
		why = "users file too large";
		err = EOVERFLOW;
		goto out;
	}
	u = calloc(1, sizeof(*u));
	if (!u || !(u->realm = dup_n(realm, strlen(realm)))) {
		free(u);
		why = "out of memory";
		err = ENOMEM;
		goto out;
	}
	err = text_parse(u, text, len, &line, &why);
	if (err) {
		locd_users_free(u);
		goto out;
	}
	*up = u;
out:
	if (linep)
		*linep = err ? line : 0;
	if (reason)
		*reason = err ? why : NULL;
	return err;
}

int locd_users_load(struct locd_users **up, const char *path,
		    const char *realm, unsigned *linep, const char **reason)
{
	FILE *f;
	char *buf;
	size_t n;
	int err;

	if (linep)
		*linep = 0;
	if (!path) {
		if (reason)
			*reason = "bad argument";
		return EINVAL;
	}
	f = fopen(path, "rb");
	if (!f) {
		err = errno ? errno : EIO;
		if (reason)
			*reason = "cannot open the users file";
		return err;
	}
	buf = malloc(LOCD_USERS_FILE_MAX + 1);
	if (!buf) {
		fclose(f);
		if (reason)
			*reason = "out of memory";
		return ENOMEM;
	}
	n = fread(buf, 1, LOCD_USERS_FILE_MAX + 1, f);
	err = ferror(f) ? EIO : 0;
	fclose(f);
	if (err) {
		if (reason)
			*reason = "cannot read the users file";
	} else {
		err = locd_users_parse(up, buf, n, realm, linep, reason);
	}
	free(buf);
	return err;
}

int locd_users_lookup(const struct locd_users *u, const char *user,
		      const char *realm, enum sip_auth_hash hash, char *ha1)
{
	struct user_key key = {user, realm, hash};
	const struct user_entry *e;

	if (!u || !user || !realm || !ha1 || sip_auth_hash_hexlen(hash) == 0)
		return EINVAL;
	e = u->n ? bsearch(&key, u->e, u->n, sizeof(*u->e), key_cmp) : NULL;
	if (!e)
		return ENOENT;
	memcpy(ha1, e->ha1, strlen(e->ha1) + 1);
	return 0;
}

int locd_users_ha1_h(const struct sip_pl *user, bool userhash,
		     enum sip_auth_hash hash, char *ha1, void *arg)
{
	const struct locd_users *u = arg;
	char name[SIP_AUTH_USER_MAX + 1];
	size_t i;

	if (!u || !user || !ha1 || sip_auth_hash_hexlen(hash) == 0)
		return EINVAL;
	if (!user->p || user->l == 0 || user->l > SIP_AUTH_USER_MAX ||
	    memchr(user->p, '\0', user->l))
		return ENOENT;
	if (!userhash) {
		memcpy(name, user->p, user->l);
		name[user->l] = '\0';
		return locd_users_lookup(u, name, u->realm, hash, ha1);
	}
	/* userhash: rare, and a hash has no order to search by */
	for (i = 0; i < u->n; i++) {
		const struct user_entry *e = &u->e[i];
		if (e->hash == hash && strcmp(e->realm, u->realm) == 0 &&
		    user->l == strlen(e->userhash) &&
		    strncasecmp(user->p, e->userhash, user->l) == 0) {
			memcpy(ha1, e->ha1, strlen(e->ha1) + 1);
			return 0;
		}
	}
	return ENOENT;
}
