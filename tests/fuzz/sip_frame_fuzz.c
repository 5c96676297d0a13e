/*
 * sip_frame_fuzz.c: libFuzzer target for stream framing,
 * sip_frame_stream (sip/sip.h; RFC 3261 s18.3, RFC 5626 s3.5.1;
 * STYLE.md 2.6 and 2.11).  The first two input bytes choose the limits
 * (defaults, or small ones so the caps are reached); the rest is the
 * byte stream.  Built by `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - results are 0, ENODATA, EBADMSG or EOVERFLOW; on an error err.code
 *   is the result and err.reason a non-empty line without quotes or
 *   control characters; status is 0, 400 or 513;
 * - a frame stays inside the bytes given, always consumes at least one
 *   byte, and a message frame respects max_msg;
 * - prefix consistency, what a TCP reader relies on: every shorter
 *   prefix of a framed message is ENODATA, and the message alone frames
 *   to the same frame; a prefix that fails makes the whole stream fail
 *   with the same code (errors do not go away with more bytes);
 * - a framed message that sip_msg_parse (stream mode, same limits)
 *   accepts is no longer than the frame.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

static void reason_ok(const struct sip_err *err, int e)
{
	size_t i, n = strnlen(err->reason, sizeof(err->reason));

	fz_assert(n > 0 && n < sizeof(err->reason));
	fz_assert(err->code == e);
	fz_assert(err->status == 0 || err->status == 400 ||
		  err->status == 513);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)err->reason[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

static int frame(const char *p, size_t n, const struct sip_limits *lim,
		 struct sip_frame *fr)
{
	struct sip_err err;
	int e;

	memset(&err, 0, sizeof(err));
	e = sip_frame_stream(p, n, lim, fr, &err);
	fz_assert(e == 0 || e == ENODATA || e == EBADMSG || e == EOVERFLOW);
	if (e == EBADMSG || e == EOVERFLOW)
		reason_ok(&err, e);
	if (!e) {
		fz_assert(fr->skip + fr->len > 0);
		fz_assert(fr->skip + fr->len <= n);
		fz_assert(fr->kind == SIP_FRAME_MSG ||
			  fr->kind == SIP_FRAME_PING ||
			  fr->kind == SIP_FRAME_CRLF);
		if (fr->kind == SIP_FRAME_MSG)
			fz_assert(fr->len > 0 && fr->len <= lim->max_msg);
		else
			fz_assert(fr->len == 0);
	}
	return e;
}

/* One frame at p[0..n): check its prefixes; returns the bytes used. */
static size_t one(const char *p, size_t n, const struct sip_limits *lim,
		  size_t cut, int *ep)
{
	struct sip_frame fr, fr2;
	int e = frame(p, n, lim, &fr), e2;
	size_t k, m;

	*ep = e;
	/* a failing prefix: the whole stream fails the same way */
	if (cut < n) {
		e2 = frame(p, cut, lim, &fr2);
		if (e2 == EBADMSG || e2 == EOVERFLOW)
			fz_assert(e == e2);
		if (e2 == 0)
			fz_assert(e == 0 && fr2.kind == fr.kind &&
				  fr2.skip == fr.skip && fr2.len == fr.len);
	}
	if (e)
		return 0;
	k = fr.skip + fr.len;
	if (fr.kind == SIP_FRAME_MSG) {
		struct sip_msg *m2 = NULL;
		struct sip_err err;
		int pe;

		/* every shorter prefix needs more bytes */
		fz_assert(frame(p, k - 1, lim, &fr2) == ENODATA);
		m = cut % k;
		fz_assert(frame(p, m, lim, &fr2) == ENODATA);
		/* the message alone frames the same */
		fz_assert(frame(p, k, lim, &fr2) == 0);
		fz_assert(fr2.kind == fr.kind && fr2.len == fr.len &&
			  fr2.skip == fr.skip);
		pe = sip_msg_parse(&m2, p + fr.skip, fr.len,
				   SIP_PARSE_STREAM, lim, &err);
		if (!pe) {
			fz_assert(m2->len <= fr.len);
			sip_msg_free(m2);
		}
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sip_limits lim;
	const char *p;
	size_t off = 0, n, used;
	int e = 0, frames = 0;

	if (size < 2)
		return 0;
	sip_limits_init(&lim);
	if (data[0] & 1) {
		/* small caps, so that every limit is within reach */
		lim.max_msg = 64 + (size_t)data[1] * 4;
		lim.max_startline = 8 + (data[1] & 63);
		lim.max_hdrline = 16 + (data[1] & 127);
		lim.max_hdrs = 1 + (data[0] >> 4);
	}
	p = (const char *)data + 2;
	n = size - 2;
	/* the stream as a reader sees it: frame after frame */
	while (off < n && frames++ < 64) {
		size_t cut = (size_t)data[1] * 7 % (n - off + 1);

		used = one(p + off, n - off, &lim, cut, &e);
		if (!used)
			break;
		off += used;
	}
	return 0;
}
