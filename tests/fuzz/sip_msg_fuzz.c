/*
 * sip_msg_fuzz.c: libFuzzer target for the SIP message parser, stream
 * framer and printer (STYLE.md 2.11; SEC-19).  Built by `make fuzz`
 * (tests/fuzz/README.md), run by hand as
 *
 *   ./build-fuzz/fuzz/sip_msg_fuzz -max_len=70000 \
 *     tests/fuzz/corpus/sip_msg_fuzz ../shared/rfc4475/msgs
 *
 * Property checked besides memory safety: a message that parses prints
 * and parses back with the same header count, Call-ID, tags and body, and
 * a request's 200 response parses.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sip/sip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct sip_msg *m)
{
	struct sip_msg *m2 = NULL, *r = NULL;
	struct sip_pl tag = SIP_PL("fz1");
	struct sip_buf b;

	sip_buf_init(&b, SIP_MSG_MAX);
	if (sip_msg_print(&b, m) == 0) {
		if (sip_msg_parse(&m2, b.p, b.len, SIP_PARSE_STREAM, NULL,
				  NULL))
			abort();
		if (m2->hdrc != m->hdrc + (m->has_clen ? 0 : 1) ||
		    !sip_pl_eq(&m2->callid, &m->callid) ||
		    !sip_pl_eq(&m2->from.tag, &m->from.tag) ||
		    !sip_pl_eq(&m2->to.tag, &m->to.tag) ||
		    !sip_pl_eq(&m2->body, &m->body))
			abort();
		sip_msg_free(m2);
	}
	sip_buf_clear(&b);
	if (m->req && sip_print_response(&b, m, 200, "OK", &tag) == 0 &&
	    sip_print_end(&b) == 0) {
		if (sip_msg_parse(&r, b.p, b.len, SIP_PARSE_STREAM, NULL,
				  NULL))
			abort();
		sip_msg_free(r);
	}
	sip_buf_reset(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct sip_msg *m = NULL;
	struct sip_frame fr;
	struct sip_err err;
	size_t off = 0;

	if (sip_msg_parse(&m, p, size, SIP_PARSE_DGRAM, NULL, &err) == 0) {
		check(m);
		sip_msg_free(m);
	} else if (!err.reason[0]) {
		abort();
	}
	/* the same bytes as a TCP stream: frame, then parse each message */
	while (off < size &&
	       sip_frame_stream(p + off, size - off, NULL, &fr, &err) == 0) {
		if (fr.kind == SIP_FRAME_MSG) {
			m = NULL;
			if (sip_msg_parse(&m, p + off + fr.skip, fr.len,
					  SIP_PARSE_STREAM, NULL, &err) == 0) {
				check(m);
				sip_msg_free(m);
			}
		}
		if (fr.skip + fr.len == 0)
			abort();
		off += fr.skip + fr.len;
	}
	return 0;
}
