/*
 * users.h: the Digest users file and the HA1 lookup sip_auth calls.
 *
 * File format, one entry a line:
 *     user:realm:algorithm:HA1hex
 * algorithm is MD5 or SHA-256 (any case); HA1hex is H(user:realm:password)
 * as sip_auth_ha1() prints it (32 or 64 hex digits; stored lowercase). A
 * user may have one line per algorithm and realm. Blank lines and lines
 * whose first non-blank byte is '#' are ignored; CRLF is accepted.
 * Passwords never appear in the file: a value that is not hex of the
 * algorithm's length is an error.
 * What it does: parse, validate (errors carry the line number and a static
 * one-line reason), look up by name or by RFC 7616 userhash.
 * Ownership: struct locd_users is heap (locd_users_parse / _load, then
 * locd_users_free); it copies everything it needs from the input.
 * Threads: read-only after parsing; lookups may run from any thread.
 * Limits: file LOCD_USERS_FILE_MAX bytes, LOCD_USERS_MAX entries, line
 * LOCD_USERS_LINE_MAX bytes; user and realm as sip_auth's limits.
 * Errors: 0 or a positive errno (EINVAL bad argument, EBADMSG malformed
 * line, EEXIST duplicate entry, EOVERFLOW over a limit, ENOENT / EACCES /
 * EIO file errors, ENOMEM).
 */
#ifndef LOCD_USERS_H
#define LOCD_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "sip/sip_auth.h"

#define LOCD_USERS_FILE_MAX (1024 * 1024)
#define LOCD_USERS_MAX 10000
#define LOCD_USERS_LINE_MAX 1024

struct locd_users;

/*
 * Parse text (len bytes, NUL not needed) into *up. realm is the realm the
 * sip_auth context serves: entries of other realms are checked and kept
 * but never returned by the lookup callback. On error *linep (if not
 * NULL) gets the 1-based line, 0 when no line is to blame, and *reason
 * (if not NULL) a static message. Returns 0, EINVAL, EBADMSG, EEXIST,
 * EOVERFLOW, ENOMEM, EIO (hash failure).
 */
int locd_users_parse(struct locd_users **up, const char *text, size_t len,
		     const char *realm, unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));

/* The same from a file (read whole, at most LOCD_USERS_FILE_MAX bytes);
 * also ENOENT, EACCES, EIO from opening or reading it. */
int locd_users_load(struct locd_users **up, const char *path,
		    const char *realm, unsigned *linep, const char **reason)
	__attribute__((warn_unused_result));

void locd_users_free(struct locd_users *u);

/* Number of entries (all realms). */
size_t locd_users_count(const struct locd_users *u);

/*
 * Copy the HA1 of (user, realm, hash) into ha1 (SIP_AUTH_HEX_MAX + 1
 * bytes). Returns 0, ENOENT (no such entry), EINVAL.
 */
int locd_users_lookup(const struct locd_users *u, const char *user,
		      const char *realm, enum sip_auth_hash hash, char *ha1)
	__attribute__((warn_unused_result));

/*
 * The sip_auth_ha1_h callback (arg is the struct locd_users *), for the
 * realm given at parse time. With userhash, user is H(user:realm) in hex
 * (any case) and is matched against the entries' precomputed userhash.
 * Returns 0, ENOENT, EINVAL.
 */
int locd_users_ha1_h(const struct sip_pl *user, bool userhash,
		     enum sip_auth_hash hash, char *ha1, void *arg);

#endif
