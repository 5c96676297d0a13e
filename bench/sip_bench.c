/*
 * sip_bench.c: parse and print rate of sip/ for typical location-server
 * traffic (SUBSCRIBE, NOTIFY with PIDF-LO, PUBLISH).  A program, not a
 * test: prints messages per second of CPU time (one core, so other load
 * on the machine does not count) for parse, print, parse + print and
 * parse + 200 response; the best of three runs of each.
 *
 * Usage: sip_bench [iterations]   (default 300000 per message and mode)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/sip.h"

static const char subscribe[] =
	"SUBSCRIBE sip:target@loc.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 192.0.2.7:5080;branch=z9hG4bK74bf9;rport\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Tracker\" <sip:tracker@example.net>;tag=9fxced76sl\r\n"
	"To: <sip:target@loc.example.com>\r\n"
	"Call-ID: 3848276298220188511@tracker.example.net\r\n"
	"CSeq: 2 SUBSCRIBE\r\n"
	"Contact: <sip:tracker@192.0.2.7:5080;transport=tcp>\r\n"
	"Event: presence;max-rate=1;min-rate=0.01\r\n"
	"Expires: 3600\r\n"
	"Accept: application/pidf+xml\r\n"
	"Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, SUBSCRIBE\r\n"
	"Supported: eventlist\r\n"
	"User-Agent: locsub/0.1\r\n"
	"Content-Type: application/simple-filter+xml\r\n"
	"Content-Length: 180\r\n"
	"\r\n"
	"<filter-set xmlns=\"urn:ietf:params:xml:ns:simple-filter\">"
	"<filter id=\"123\" uri=\"sip:target@loc.example.com\"><trigger>"
	"<changed by=\"1000\">//gml:pos</changed></trigger></filter>"
	"</filter-set>\n";

static const char notify[] =
	"NOTIFY sip:tracker@192.0.2.7:5080;transport=tcp SIP/2.0\r\n"
	"Via: SIP/2.0/TCP 198.51.100.1:5060;branch=z9hG4bKnashds8\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:target@loc.example.com>;tag=srv77\r\n"
	"To: \"Tracker\" <sip:tracker@example.net>;tag=9fxced76sl\r\n"
	"Call-ID: 3848276298220188511@tracker.example.net\r\n"
	"CSeq: 17 NOTIFY\r\n"
	"Contact: <sip:loc.example.com;transport=tcp>\r\n"
	"Event: presence\r\n"
	"Subscription-State: active;expires=3240;max-rate=1\r\n"
	"Content-Type: application/pidf+xml\r\n"
	"Content-Length: 400\r\n"
	"\r\n"
	"<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:"
	"pidf\" xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" xmlns:gml"
	"=\"http://www.opengis.net/gml\" entity=\"pres:target@loc.example."
	"com\"><tuple id=\"t1\"><status><gp:geopriv><gp:location-info><gml:"
	"Point srsName=\"urn:ogc:def:crs:EPSG::4326\"><gml:pos>48.2 16.37"
	"</gml:pos></gml:Point></gp:location-info></gp:geopriv></status>"
	"<timestamp>2026-11-21T21:00:00Z</timestamp></tuple></presence>\n"
	"                  ";

static const char publish[] =
	"PUBLISH sip:target@loc.example.com SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 203.0.113.5:5060;branch=z9hG4bK652hsge\r\n"
	"Max-Forwards: 70\r\n"
	"From: <sip:target@loc.example.com>;tag=1234wxyz\r\n"
	"To: <sip:target@loc.example.com>\r\n"
	"Call-ID: 81818181@pua.example.com\r\n"
	"CSeq: 3 PUBLISH\r\n"
	"SIP-If-Match: dx200xyz\r\n"
	"Event: presence\r\n"
	"Expires: 3600\r\n"
	"Content-Type: application/pidf+xml\r\n"
	"Content-Length: 120\r\n"
	"\r\n"
	"<?xml version=\"1.0\"?><presence xmlns=\"urn:ietf:params:xml:ns:"
	"pidf\" entity=\"pres:target@loc.example.com\"/>\n"
	"                     ";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum mode { PARSE, PRINT, BOTH, RESPOND };
static const char *const mode_name[] = {"parse", "print", "parse+print",
					"parse+200"};

/* One timed pass of iters messages; returns CPU seconds, <0 on error. */
static double pass(const char *msg, size_t len, enum mode md, long iters,
		   const struct sip_msg *pre, struct sip_buf *b, size_t *sum)
{
	struct sip_pl tag = SIP_PL("srv77");
	struct sip_msg *m;
	double t0 = now_s();
	long i;
	int err = 0;

	for (i = 0; i < iters && !err; i++) {
		sip_buf_clear(b);
		if (md == PRINT) {
			err = sip_msg_print(b, pre);
			*sum += b->len;
			continue;
		}
		err = sip_msg_parse(&m, msg, len, SIP_PARSE_STREAM, NULL,
				    NULL);
		if (err)
			break;
		if (md == BOTH)
			err = sip_msg_print(b, m);
		else if (md == RESPOND)
			err = sip_print_response(b, m, 200, "OK", &tag) ||
			      sip_print_end(b);
		*sum += m->hdrc + b->len;
		sip_msg_free(m);
	}
	return err ? -1 : now_s() - t0;
}

static int run(const char *name, const char *msg, size_t len, enum mode md,
	       long iters)
{
	struct sip_msg *pre = NULL;
	struct sip_buf b;
	size_t sum = 0;
	double dt, best = 0;
	int rep;

	if (sip_msg_parse(&pre, msg, len, SIP_PARSE_STREAM, NULL, NULL))
		return EBADMSG;
	sip_buf_init(&b, SIP_MSG_MAX);
	for (rep = 0; rep < 3; rep++) {
		dt = pass(msg, len, md, iters, pre, &b, &sum);
		if (dt < 0)
			break;
		if (rep == 0 || dt < best)
			best = dt;
	}
	sip_msg_free(pre);
	sip_buf_reset(&b);
	if (rep < 3)
		return EBADMSG;
	printf("%-10s %-12s %4zu B  %10.0f msg/s  %6.3f us/msg  (sum %zu)\n",
	       name, mode_name[md], len, (double)iters / best,
	       best * 1e6 / (double)iters, sum);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name, *msg;
		size_t len;
	} msgs[] = {
		{"SUBSCRIBE", subscribe, sizeof(subscribe) - 1},
		{"NOTIFY", notify, sizeof(notify) - 1},
		{"PUBLISH", publish, sizeof(publish) - 1},
	};
	long iters = 300000;
	size_t i;
	int md;

	if (argc > 1) {
		char *end;
		errno = 0;
		iters = strtol(argv[1], &end, 10);
		if (errno || *end || iters <= 0) {
			fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
			return 2;
		}
	}
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		for (md = PARSE; md <= RESPOND; md++) {
			if (run(msgs[i].name, msgs[i].msg, msgs[i].len,
				(enum mode)md, iters)) {
				fprintf(stderr, "%s: %s failed\n",
					msgs[i].name, mode_name[md]);
				return 1;
			}
		}
	}
	return 0;
}
