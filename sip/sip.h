/*
 * sip.h: locd's SIP core, public interface.
 *
 * What it does (so far): parses SIP requests and responses (RFC 3261
 * grammar, RFC 4475 torture-tested) into zero-copy views; frames a
 * message on a stream (Content-Length) or datagram; prints requests and
 * responses into a caller-provided growable buffer with a cap.
 * What it does not do: geometry, PIDF or any body parsing; bodies are
 * bytes plus a content type. Digest lives in sip/sip_auth.h.
 *
 * Ownership: parsed fields are struct sip_pl views into the message's own
 * buffer, valid while the struct sip_msg lives (sip_msg_alloc copies the
 * received bytes once; sip_msg_free releases all; no malloc per header).
 * Threads: no global mutable state; objects belong to their caller.
 * Limits (struct sip_limits, sip_limits_init): message 64 KiB, start line
 * 8 KiB, 128 headers, header line 8 KiB; exceeding one gives EOVERFLOW.
 * Errors: 0 or a positive errno value (EINVAL bad argument, EBADMSG
 * malformed, ENODATA need more bytes, EOVERFLOW over a limit, ENOMEM),
 * with a one-line reason fit for a 400's Reason/Warning where noted.
 */
#ifndef SIP_H
#define SIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A pointer+length view of bytes owned by someone else (not NUL-ended). */
struct sip_pl {
	const char *p;
	size_t l;
};

/* A view of a string literal: SIP_PL("INVITE"). */
#define SIP_PL(s) ((struct sip_pl){(s), sizeof(s) - 1})

/* Set *pl to view NUL-terminated s (NULL gives the empty view). */
void sip_pl_set_str(struct sip_pl *pl, const char *s);

/* True when pl views at least one byte. */
bool sip_pl_isset(const struct sip_pl *pl);

/* Byte-exact equality (NULL views compare as empty). */
bool sip_pl_eq(const struct sip_pl *a, const struct sip_pl *b);
bool sip_pl_eq_str(const struct sip_pl *a, const char *s);

/* ASCII case-insensitive compare: <0, 0, >0 as strcasecmp (0 = equal). */
int sip_pl_casecmp(const struct sip_pl *a, const struct sip_pl *b);
int sip_pl_casecmp_str(const struct sip_pl *a, const char *s);

/*
 * Decimal digits only (no sign, no space) to an unsigned integer.
 * Returns 0, EINVAL (empty or a non-digit) or EOVERFLOW (too large).
 */
int sip_pl_u32(const struct sip_pl *pl, uint32_t *out)
	__attribute__((warn_unused_result));
int sip_pl_u64(const struct sip_pl *pl, uint64_t *out)
	__attribute__((warn_unused_result));

/* Remove leading and trailing SP, HTAB, CR and LF from the view. */
void sip_pl_trim(struct sip_pl *pl);

/* Find byte c: its offset, or pl->l when absent. */
size_t sip_pl_chr(const struct sip_pl *pl, char c);

/*
 * Copy the view into buf as a NUL-terminated string.
 * Returns 0, or EOVERFLOW when buf (size sz) is too small (buf then holds
 * an empty string when sz > 0).
 */
int sip_pl_strcpy(const struct sip_pl *pl, char *buf, size_t sz)
	__attribute__((warn_unused_result));

#endif
