/*
 * sip_bench.c: parse and print rate of sip/ for typical location-server
 * traffic (SUBSCRIBE, NOTIFY with PIDF-LO, PUBLISH).  A program, not a
 * test: prints messages per second of CPU time (one core, so other load
 * on the machine does not count) for parse, print, parse + print and
 * parse + 200 response; the best of three runs of each.
 *
 * Usage: sip_bench [iterations]   (default 300000 per message and mode)
 *        sip_bench mem [count]      (default 10000)
 *
 * mem: heap bytes held (glibc mallinfo2, in-use bytes including malloc's
 * per-chunk overhead) per parsed SUBSCRIBE, per completed non-INVITE
 * server transaction waiting for timer J (a stack without sockets: a
 * send hook, a fake clock), and per subscription restored with
 * sip_notifier_restore from a record with typical values.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sip/sip.h"
#include "sip/sip_event.h"
#include "sip/sip_stack.h"

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

/* --- mem: heap held per object. */

static size_t heap_used(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static int mem_send_h(const struct sip_peer *dst, const struct sip_flow *fl,
		      const char *buf, size_t len, void *arg)
{
	(void)dst;
	(void)fl;
	(void)buf;
	(void)len;
	(void)arg;
	return 0;
}

static uint64_t mem_clock_h(void *arg)
{
	(void)arg;
	return 1000;
}

static void mem_subscribe_h(struct sip_strans *t, const struct sip_msg *req,
			    void *arg)
{
	(void)req;
	(void)arg;
	if (sip_reply_status(t, 200, NULL))
		fprintf(stderr, "reply failed\n");
}

/* n lowercase hex digits of v at p (no NUL). */
static void put_hex(char *p, size_t n, unsigned long v)
{
	while (n--) {
		p[n] = "0123456789abcdef"[v & 15];
		v >>= 4;
	}
}

/* Heap per message parsed (held), of the SUBSCRIBE above. */
static int mem_parse(long n)
{
	struct sip_msg **v = calloc((size_t)n, sizeof(*v));
	size_t h0;
	long i;
	int err = 0;

	if (!v)
		return ENOMEM;
	h0 = heap_used();
	for (i = 0; i < n && !err; i++)
		err = sip_msg_parse(&v[i], subscribe, sizeof(subscribe) - 1,
				    SIP_PARSE_STREAM, NULL, NULL);
	if (!err)
		printf("mem parsed SUBSCRIBE (%zu B): %.0f B heap each\n",
		       sizeof(subscribe) - 1,
		       (double)(heap_used() - h0) / (double)n);
	for (i = 0; i < n; i++)
		sip_msg_free(v[i]);
	free(v);
	return err;
}

/* Heap per answered UDP SUBSCRIBE transaction waiting for timer J. */
static int mem_strans(long n)
{
	struct sip_stack_conf conf;
	struct sip_stack *st = NULL;
	struct sip_stack_stats ss;
	struct sip_peer src;
	struct sip_flow fl;
	char *buf = malloc(sizeof(subscribe) + 64);
	size_t h0, len;
	long i;
	int err;

	if (!buf)
		return ENOMEM;
	sip_stack_conf_init(&conf);
	conf.send_h = mem_send_h;
	conf.clock_h = mem_clock_h;
	conf.manual_timers = true;
	conf.max_trans = (size_t)n + 16;
	err = sip_stack_alloc(&st, NULL, &conf);
	if (!err)
		err = sip_stack_handler_add(st, "SUBSCRIBE", mem_subscribe_h,
					    NULL);
	memset(&src, 0, sizeof(src));
	src.tp = SIP_TRANSP_UDP;
	if (!err)
		err = sip_sa_set(&src.sa, "192.0.2.7", 5080);
	memset(&fl, 0, sizeof(fl));
	fl.tp = SIP_TRANSP_UDP;
	fl.peer = src.sa;
	if (!err)
		err = sip_sa_set(&fl.local, "127.0.0.1", 5060);
	h0 = heap_used();
	for (i = 0; i < n && !err; i++) {
		/* a distinct branch and Call-ID: a new transaction each */
		char *v;
		len = sizeof(subscribe) - 1;
		memcpy(buf, subscribe, len);
		v = strstr(buf, "z9hG4bK74bf9");
		put_hex(v + 7, 8, (unsigned long)i);
		v = strstr(buf, "Call-ID: 3848276298220188511");
		put_hex(v + 9, 8, (unsigned long)i);
		err = sip_stack_recv(st, &src, &fl, buf, len);
	}
	sip_stack_stats_get(st, &ss);
	if (!err && ss.strans != (size_t)n)
		err = EPROTO;
	if (!err)
		printf("mem SUBSCRIBE transaction after 200 (UDP, timer J "
		       "pending): %.0f B heap each\n",
		       (double)(heap_used() - h0) / (double)n);
	sip_stack_free(st);
	free(buf);
	return err;
}

static void mem_accept_h(struct sip_sub *sub, const struct sip_sub_req *req,
			 struct sip_sub_answer *ans, void *arg)
{
	(void)sub;
	(void)req;
	(void)ans;
	(void)arg;
}

static int mem_body_h(struct sip_sub *sub, void *state,
		      enum sip_sub_reason reason, struct sip_buf *body,
		      const char **ctype, void *arg)
{
	(void)sub;
	(void)state;
	(void)reason;
	(void)body;
	(void)ctype;
	(void)arg;
	return 0;
}

static int mem_reply_h(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	(void)txn;
	(void)rd;
	(void)arg;
	return 0;
}

static int mem_req_h(const struct sip_req_desc *rd, void *ctx, void *arg)
{
	(void)rd;
	(void)ctx;
	(void)arg;
	return 0;
}

/* Heap per subscription restored from a typical record. */
static int mem_restore(long n)
{
	struct sip_notifier_conf nc;
	struct sip_notifier *nt = NULL;
	struct sip_evt_pkg pkg;
	struct sip_sub_rec rec;
	char callid[64], ltag[32];
	size_t h0;
	long i;
	int err;

	memset(&nc, 0, sizeof(nc));
	nc.max_subs = (size_t)n;
	nc.replyh = mem_reply_h;
	nc.sendh = mem_req_h;
	memset(&pkg, 0, sizeof(pkg));
	pkg.name = "location";
	pkg.expires_default = 3600;
	pkg.accepth = mem_accept_h;
	pkg.bodyh = mem_body_h;
	err = sip_notifier_alloc(&nt, &nc);
	if (!err)
		err = sip_notifier_pkg_add(nt, &pkg);
	memset(&rec, 0, sizeof(rec));
	rec.dlg.callid = callid;
	rec.dlg.ltag = ltag;
	rec.dlg.rtag = "9fxced76sl";
	rec.dlg.luri = "sip:target@loc.example.com";
	rec.dlg.ruri = "sip:tracker@example.net";
	rec.dlg.rtarget = "sip:tracker@192.0.2.7:5080;transport=udp";
	rec.dlg.flow = "UDP;127.0.0.1:5060;192.0.2.7:5080;0";
	rec.dlg.lseq = 7;
	rec.dlg.rseq = 2;
	rec.dlg.rseq_set = true;
	rec.event = "location";
	rec.state = SIP_SUB_ACTIVE;
	rec.remaining = 3600;
	h0 = heap_used();
	for (i = 0; i < n && !err; i++) {
		snprintf(callid, sizeof(callid),
			 "%019ld@tracker.example.net", 3848276298220188511 - i);
		snprintf(ltag, sizeof(ltag), "%016lx", 0x5eed0000 + i);
		err = sip_notifier_restore(nt, &rec, NULL, 1000, NULL);
	}
	if (!err)
		printf("mem restored subscription: %.0f B heap each "
		       "(notifier tables included)\n",
		       (double)(heap_used() - h0) / (double)n);
	sip_notifier_free(nt);
	return err;
}

static int mem(long n)
{
	int err = mem_parse(n);

	if (!err)
		err = mem_strans(n);
	if (!err)
		err = mem_restore(n);
	if (err)
		fprintf(stderr, "mem: %s\n", strerror(err));
	return err ? 1 : 0;
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

	if (argc > 1 && strcmp(argv[1], "mem") == 0) {
		long n = 10000;
		if (argc > 2)
			n = strtol(argv[2], NULL, 10);
		if (n <= 0 || n > 10000000) {
			fprintf(stderr, "usage: %s mem [count]\n", argv[0]);
			return 2;
		}
		return mem(n);
	}
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
