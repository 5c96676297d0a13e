/*
 * notify_load: PUBLISH -> NOTIFY load generator for a presence or location
 * server (issue 6, bench/notify_bench.sh).
 *
 * One process, one UDP socket, is both the publisher and every watcher,
 * so PUBLISH send time and NOTIFY receive time come from one monotonic
 * clock: the latency measured is exactly PUBLISH sent -> NOTIFY received.
 *
 *   notify_load -s PORT [-m locd|kam] [-t TARGETS] [-n SUBS]
 *               [-r RATE[,RATE...]] [-d SECONDS] [-P PID[,PID...]]
 *               [-f FILTERFILE] [-w DRAIN] [-x]
 *
 * Subscriptions: SUBS watchers, watcher i on target i % TARGETS (users
 * t0..t{T-1} at localhost; locd: Event location with the filter document
 * of FILTERFILE, default movedHoriz 1 m plus enterOrExit of a building;
 * kam: Event presence without body). Each is answered 200 to every
 * NOTIFY. Then for each RATE (PUBLISH/s) during SECONDS: PUBLISHes
 * round-robin over the targets (the first of a target initial, then
 * SIP-If-Match modifies with the last SIP-ETag), each fix alternating
 * between a point inside and one 300 m outside the building so every
 * filter fires. A target whose previous PUBLISH is unanswered is skipped
 * (counted as a failure). Per step: NOTIFYs expected (watchers of each
 * publish answered 2xx, plus watchers of failed ones), received (the
 * first NOTIFY of each watcher after the target's newest publish),
 * failure ratio, NOTIFY/s, PUBLISH->NOTIFY p50/p99 and CPU (utime+stime
 * of the -P processes from /proc/PID/stat) per 1,000 NOTIFYs. The ramp
 * stops after two steps with >= 0.1% failures (-x: run every step).
 * After each step it waits for late NOTIFYs, DRAIN seconds at most (3).
 * Last line: "sustained ..." with the highest NOTIFY rate under 0.1%.
 * The per-target interval (TARGETS / RATE) must stay well above p99 for
 * the attribution to hold; the script keeps it >= 100 ms.
 * Exit: 0, 1 (setup failed: subscriptions not all active), 2 usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define NL_TARGETS_MAX 1000000
#define NL_SUBS_MAX 2000000
#define NL_RATES_MAX 32
#define NL_MSG_MAX 65536
#define NL_ETAG_MAX 64
#define NL_SUB_WINDOW 200 /* SUBSCRIBEs in flight */

enum nl_mode { NL_LOCD, NL_KAM };

struct nl_target {
	char etag[NL_ETAG_MAX];
	uint32_t cseq;
	uint32_t seq;      /* publishes sent */
	double sent_at;    /* newest PUBLISH, first transmission */
	double last_tx;    /* its last (re)transmission */
	unsigned retrans;
	bool busy;         /* PUBLISH unanswered */
	bool in_step;      /* newest PUBLISH belongs to this step */
	uint32_t watchers;
};

struct nl_sub {
	uint32_t seen;     /* target seq last matched */
	uint8_t state;     /* 0 unsent, 1 sent, 2 200 received */
	bool notified;
	double sent_at;
};

struct nl_step {
	uint64_t pubs, pub_ok, pub_fail, skipped;
	uint64_t expected, matched, extra, terminated, retrans;
	double *lat;
	size_t nlat, lat_cap;
};

struct nl {
	enum nl_mode mode;
	int fd;
	struct sockaddr_in srv;
	unsigned lport;
	size_t ntargets, nsubs;
	struct nl_target *tg;
	struct nl_sub *sb;
	const char *filter;
	size_t filter_len;
	pid_t pids[64];
	size_t npids;
	struct nl_step st;
	bool stepping;
	double drain;            /* -w: most seconds to wait after a step */
	double last_scan;        /* retransmission scan */
	double last_rx;
	uint64_t notifies_total;
	char spfx[32], ppfx[32]; /* Call-ID prefixes, unique per run */
	unsigned errs;
	char buf[NL_MSG_MAX];
	char out[NL_MSG_MAX];
};

static const char default_filter[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\" "
	"xmlns:gml=\"http://www.opengis.net/gml\" "
	"xmlns:my=\"urn:example:my\">"
	"<movedHoriz uom=\"#meters\">1</movedHoriz>"
	"<enterOrExit><my:Building gml:id=\"b10\"><gml:name>Building 10"
	"</gml:name><gml:extentOf><gml:Polygon><gml:exterior><gml:LinearRing>"
	"<gml:posList srsName=\"http://www.opengis.net/gml/srs/epsg.xml/"
	"#4979\">37.41188 -121.93243 0 37.41188 -121.93132 0 37.41142 "
	"-121.93132 0 37.41142 -121.93242 0 37.41188 -121.93243 0"
	"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon>"
	"</gml:extentOf></my:Building></enterOrExit></location-filter>";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int num_parse(const char *s, double lo, double hi, double *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || *end || !(d >= lo && d <= hi))
		return EINVAL;
	*v = d;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: notify_load -s PORT [-m locd|kam] [-t TARGETS] "
		"[-n SUBS]\n"
		"         [-r RATE[,RATE...]] [-d SECONDS] [-P PID[,PID...]] "
		"[-f FILTER] [-w DRAIN] [-x]\n");
}

/* CPU seconds (utime + stime) of the watched processes. */
static double cpu_s(const struct nl *n)
{
	double tick = (double)sysconf(_SC_CLK_TCK);
	double sum = 0;
	size_t i;

	for (i = 0; i < n->npids; i++) {
		char path[64], line[1024], *p;
		unsigned long ut = 0, stime = 0;
		FILE *f;
		size_t len;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)n->pids[i]);
		f = fopen(path, "r");
		if (!f)
			continue;
		len = fread(line, 1, sizeof(line) - 1, f);
		fclose(f);
		line[len] = '\0';
		p = strrchr(line, ')');
		/* after ") ": state is field 3; utime 14, stime 15 */
		if (p && sscanf(p + 2,
				"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
				"%lu %lu", &ut, &stime) == 2)
			sum += (double)(ut + stime) / tick;
	}
	return sum;
}

static void send_msg(struct nl *n, const char *m, size_t len)
{
	if (sendto(n->fd, m, len, 0, (const struct sockaddr *)&n->srv,
		   sizeof(n->srv)) < 0 && errno != EAGAIN)
		perror("notify_load: sendto");
}

static void sub_send(struct nl *n, size_t i)
{
	size_t k = i % n->ntargets;
	bool lo = n->mode == NL_LOCD;
	int len;

	len = snprintf(n->out, sizeof(n->out),
		       "SUBSCRIBE sip:t%zu@localhost SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKnls%zu"
		       "x%d;rport\r\n"
		       "From: <sip:w%zu@localhost>;tag=nlw%zu\r\n"
		       "To: <sip:t%zu@localhost>\r\n"
		       "Call-ID: %s%zu\r\n"
		       "CSeq: 1 SUBSCRIBE\r\n"
		       "Contact: <sip:w%zu@127.0.0.1:%u>\r\n"
		       "Max-Forwards: 70\r\n"
		       "Event: %s\r\n"
		       "Expires: 3600\r\n"
		       "Accept: application/pidf+xml\r\n"
		       "%s"
		       "Content-Length: %zu\r\n\r\n%.*s",
		       k, n->lport, i, rand() & 0xffff, i, i, k, n->spfx, i, i,
		       n->lport, lo ? "location" : "presence",
		       lo ? "Content-Type: application/location-delta-filter"
			    "+xml\r\n"
			  : "",
		       lo ? n->filter_len : 0, lo ? (int)n->filter_len : 0,
		       n->filter);
	if (len < 0 || (size_t)len >= sizeof(n->out))
		return;
	n->sb[i].state = 1;
	n->sb[i].sent_at = now_s();
	send_msg(n, n->out, (size_t)len);
}

/*
 * PUBLISH a new fix to target k; with retrans, send the newest PUBLISH
 * again unchanged (same CSeq and branch: an RFC 3261 17.1.2
 * retransmission, the send time for latency stays the first one).
 */
static void pub_send(struct nl *n, size_t k, bool retrans)
{
	struct nl_target *t = &n->tg[k];
	char ifm[NL_ETAG_MAX + 32] = "";
	char body[1024];
	bool in;
	int blen, len;

	if (retrans) {
		if (!t->seq)
			return;
		t->seq--;
		t->cseq--;
	}
	in = (t->seq & 1) == 0;

	if (t->etag[0])
		snprintf(ifm, sizeof(ifm), "SIP-If-Match: %s\r\n", t->etag);
	blen = snprintf(body, sizeof(body),
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			"<presence xmlns=\"urn:ietf:params:xml:ns:pidf\" "
			"xmlns:gp=\"urn:ietf:params:xml:ns:pidf:geopriv10\" "
			"xmlns:gml=\"http://www.opengis.net/gml\" "
			"entity=\"pres:t%zu@localhost\">\n"
			"<tuple id=\"t1\"><status><gp:geopriv>"
			"<gp:location-info><gml:Point srsName=\"urn:ogc:def:"
			"crs:EPSG::4326\"><gml:pos>%s</gml:pos></gml:Point>"
			"</gp:location-info><gp:usage-rules/></gp:geopriv>"
			"<basic>open</basic></status></tuple>\n</presence>\n",
			k, in ? "37.41165 -121.93190" : "37.41300 -121.93500");
	if (blen < 0 || (size_t)blen >= sizeof(body))
		return;
	t->cseq++;
	len = snprintf(n->out, sizeof(n->out),
		       "PUBLISH sip:t%zu@localhost SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKnlp%zu"
		       "x%u;rport\r\n"
		       "From: <sip:t%zu@localhost>;tag=nlt%zu\r\n"
		       "To: <sip:t%zu@localhost>\r\n"
		       "Call-ID: %s%zu\r\n"
		       "CSeq: %u PUBLISH\r\n"
		       "Max-Forwards: 70\r\n"
		       "Event: presence\r\n"
		       "Expires: 3600\r\n"
		       "%s"
		       "Content-Type: application/pidf+xml\r\n"
		       "Content-Length: %d\r\n\r\n%s",
		       k, n->lport, k, t->cseq, k, k, k, n->ppfx, k, t->cseq, ifm,
		       blen, body);
	if (len < 0 || (size_t)len >= sizeof(n->out))
		return;
	t->seq++;
	t->busy = true;
	t->last_tx = now_s();
	if (retrans) {
		t->retrans++;
	} else {
		t->in_step = n->stepping;
		t->sent_at = t->last_tx;
		t->retrans = 0;
	}
	send_msg(n, n->out, (size_t)len);
}

/* Header value by full or compact name; *vl its length. */
static const char *hdr_get(const char *m, size_t len, const char *name,
			   char compact, size_t *vl)
{
	const char *p = memchr(m, '\n', len), *end = m + len;
	size_t nl = strlen(name);

	while (p && p + 1 < end) {
		const char *ln = p + 1, *eol, *c;

		eol = memchr(ln, '\n', (size_t)(end - ln));
		if (!eol)
			eol = end;
		if (eol == ln || (eol == ln + 1 && *ln == '\r'))
			return NULL;
		c = memchr(ln, ':', (size_t)(eol - ln));
		if (c) {
			const char *ne = c;
			while (ne > ln && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			if (((size_t)(ne - ln) == nl &&
			     !strncasecmp(ln, name, nl)) ||
			    (ne - ln == 1 && compact &&
			     (*ln | 0x20) == compact)) {
				const char *v = c + 1, *ve = eol;
				while (v < ve && (*v == ' ' || *v == '\t'))
					v++;
				while (ve > v && (ve[-1] == '\r' ||
						  ve[-1] == ' '))
					ve--;
				*vl = (size_t)(ve - v);
				return v;
			}
		}
		p = eol;
	}
	return NULL;
}

/* Copy every header line named name (or compact c) to out at *o. */
static void hdr_copy_all(const char *m, size_t len, const char *name,
			 char compact, char *out, size_t sz, size_t *o)
{
	const char *p = memchr(m, '\n', len), *end = m + len;
	size_t nl = strlen(name);

	while (p && p + 1 < end) {
		const char *ln = p + 1, *eol, *c;

		eol = memchr(ln, '\n', (size_t)(end - ln));
		if (!eol)
			eol = end;
		if (eol == ln || (eol == ln + 1 && *ln == '\r'))
			return;
		c = memchr(ln, ':', (size_t)(eol - ln));
		if (c) {
			const char *ne = c;
			while (ne > ln && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			if (((size_t)(ne - ln) == nl &&
			     !strncasecmp(ln, name, nl)) ||
			    (ne - ln == 1 && (*ln | 0x20) == compact)) {
				size_t l = (size_t)(eol - ln);
				if (l && ln[l - 1] == '\r')
					l--;
				if (*o + l + 2 < sz) {
					memcpy(out + *o, ln, l);
					memcpy(out + *o + l, "\r\n", 2);
					*o += l + 2;
				}
			}
		}
		p = eol;
	}
}

static void reply_200(struct nl *n, const char *m, size_t len)
{
	size_t o = 0;
	static const char *names[] = {"Via", "From", "To", "Call-ID",
				      "CSeq"};
	static const char cps[] = {'v', 'f', 't', 'i', 0};
	size_t i;

	memcpy(n->out, "SIP/2.0 200 OK\r\n", 16);
	o = 16;
	for (i = 0; i < 5; i++)
		hdr_copy_all(m, len, names[i], cps[i], n->out,
			     sizeof(n->out) - 64, &o);
	memcpy(n->out + o, "Content-Length: 0\r\n\r\n", 21);
	o += 21;
	send_msg(n, n->out, o);
}

static int lat_add(struct nl_step *s, double v)
{
	if (s->nlat == s->lat_cap) {
		size_t cap = s->lat_cap ? s->lat_cap * 2 : 65536;
		double *p = realloc(s->lat, cap * sizeof(*p));
		if (!p)
			return ENOMEM;
		s->lat = p;
		s->lat_cap = cap;
	}
	s->lat[s->nlat++] = v;
	return 0;
}

/* Number after prefix in a Call-ID value ("nls-12"), or -1. */
static long callid_num(const char *v, size_t vl, const char *prefix)
{
	size_t pl = strlen(prefix), i;
	long x = 0;

	if (vl <= pl || strncmp(v, prefix, pl))
		return -1;
	for (i = pl; i < vl; i++) {
		if (v[i] < '0' || v[i] > '9' || x > 100000000)
			return -1;
		x = x * 10 + (v[i] - '0');
	}
	return x;
}

static void on_notify(struct nl *n, const char *m, size_t len)
{
	size_t vl;
	const char *v = hdr_get(m, len, "Call-ID", 'i', &vl);
	long i = v ? callid_num(v, vl, n->spfx) : -1;
	const char *ss;
	struct nl_target *t;
	struct nl_sub *s;

	reply_200(n, m, len);
	if (i < 0 || (size_t)i >= n->nsubs)
		return;
	n->notifies_total++;
	s = &n->sb[i];
	s->notified = true;
	t = &n->tg[(size_t)i % n->ntargets];
	ss = hdr_get(m, len, "Subscription-State", 0, &vl);
	if (ss && vl >= 10 && !strncasecmp(ss, "terminated", 10))
		n->st.terminated += n->stepping;
	if (!n->stepping)
		return;
	if (t->in_step && s->seen < t->seq) {
		s->seen = t->seq;
		n->st.matched++;
		if (lat_add(&n->st, now_s() - t->sent_at))
			return;
	} else {
		n->st.extra++;
	}
}

static void on_response(struct nl *n, const char *m, size_t len)
{
	size_t vl;
	const char *v = hdr_get(m, len, "Call-ID", 'i', &vl);
	int code = (len > 12) ? (int)strtol(m + 8, NULL, 10) : 0;
	long k;

	if (!v || code < 200)
		return;
	k = callid_num(v, vl, n->spfx);
	if (k >= 0 && (size_t)k < n->nsubs) {
		if (code < 300)
			n->sb[k].state = 2;
		else if (n->sb[k].state == 1) {
			if (n->errs++ < 3)
				fprintf(stderr, "notify_load: SUBSCRIBE %ld: %.*s\n",
					k, 40, m);
			n->sb[k].state = 3;
		}
		return;
	}
	k = callid_num(v, vl, n->ppfx);
	if (k >= 0 && (size_t)k < n->ntargets) {
		struct nl_target *t = &n->tg[k];
		const char *e;
		if (!t->busy)
			return;
		t->busy = false;
		if (code >= 300) {
			t->etag[0] = '\0';
			if (n->stepping && t->in_step) {
				n->st.pub_fail++;
				t->in_step = false;
			}
			return;
		}
		if (n->stepping && t->in_step) {
			n->st.pub_ok++;
			n->st.expected += t->watchers;
		}
		e = hdr_get(m, len, "SIP-ETag", 0, &vl);
		if (e && vl < NL_ETAG_MAX) {
			memcpy(t->etag, e, vl);
			t->etag[vl] = '\0';
		}
	}
}

static void rx_all(struct nl *n)
{
	for (;;) {
		ssize_t r = recv(n->fd, n->buf, sizeof(n->buf) - 1, 0);
		if (r <= 0)
			return;
		n->buf[r] = '\0';
		n->last_rx = now_s();
		if (r > 8 && !memcmp(n->buf, "SIP/2.0 ", 8))
			on_response(n, n->buf, (size_t)r);
		else if (r > 7 && !memcmp(n->buf, "NOTIFY ", 7))
			on_notify(n, n->buf, (size_t)r);
	}
}

static void wait_rx(struct nl *n, int ms)
{
	struct pollfd p = {.fd = n->fd, .events = POLLIN};

	if (poll(&p, 1, ms) > 0)
		rx_all(n);
}

/* Subscribe everybody; 0 when all have 200 and a first NOTIFY. */
static int subscribe_all(struct nl *n)
{
	size_t next = 0, done = 0, i, inflight = 0;
	double t0 = now_s(), last = t0;

	while (done < n->nsubs) {
		double t = now_s();
		while (next < n->nsubs && inflight < NL_SUB_WINDOW) {
			sub_send(n, next++);
			inflight++;
		}
		wait_rx(n, 2);
		done = 0;
		inflight = 0;
		for (i = 0; i < next; i++) {
			struct nl_sub *s = &n->sb[i];
			if (s->state == 2 && s->notified)
				done++;
			else if (s->state == 3)
				return 1;
			else {
				inflight++;
				if (t - s->sent_at > 2.0)
					sub_send(n, i);
			}
		}
		if (t - last > 5) {
			fprintf(stderr, "notify_load: %zu/%zu subscribed\n",
				done, n->nsubs);
			last = t;
		}
		if (t - t0 > 60 + (double)n->nsubs / 200)
			return 1;
	}
	return 0;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Retransmit unanswered PUBLISHes at T1 = 500 ms doubling, as a UAC
 * would over UDP, 3 times at most (then it counts as failed after 2 s).
 */
static void retrans_due(struct nl *n, double t)
{
	size_t k;

	if (t - n->last_scan < 0.05)
		return;
	n->last_scan = t;
	for (k = 0; k < n->ntargets; k++) {
		struct nl_target *g = &n->tg[k];
		if (g->busy && g->retrans < 3 &&
		    t - g->last_tx > 0.5 * (double)(1u << g->retrans)) {
			pub_send(n, k, true);
			n->st.retrans += n->stepping;
		}
	}
}

/* One ramp step; returns the failure ratio. */
static double step_run(struct nl *n, double rate, double dur, double *nrate)
{
	struct nl_step *s = &n->st;
	double t0, t, c0, c1, fail, p50 = 0, p99 = 0, el;
	uint64_t j = 0, total;
	size_t k;

	s->pubs = s->pub_ok = s->pub_fail = s->skipped = 0;
	s->expected = s->matched = s->extra = s->terminated = 0;
	s->retrans = 0;
	s->nlat = 0;
	for (k = 0; k < n->ntargets; k++)
		n->tg[k].in_step = false;
	n->stepping = true;
	c0 = cpu_s(n);
	t0 = now_s();
	while ((t = now_s()) < t0 + dur) {
		uint64_t due = (uint64_t)((t - t0) * rate) + 1;
		while (j < due) {
			k = j % n->ntargets;
			j++;
			s->pubs++;
			if (n->tg[k].busy && t - n->tg[k].sent_at < 2) {
				s->skipped++;
				continue;
			}
			if (n->tg[k].busy && n->tg[k].in_step)
				s->pub_fail++; /* no answer in 2 s */
			pub_send(n, k, false);
		}
		wait_rx(n, 1);
		retrans_due(n, t);
	}
	/* drain: until every expected NOTIFY came, -w s at most */
	el = now_s();
	while (now_s() < el + n->drain) {
		bool busy = false;
		for (k = 0; k < n->ntargets && !busy; k++)
			busy = n->tg[k].busy && n->tg[k].in_step;
		if (!busy && s->matched >= s->expected)
			break;
		wait_rx(n, 5);
		retrans_due(n, now_s());
	}
	/* late PUBLISH answers: failed */
	for (k = 0; k < n->ntargets; k++) {
		if (n->tg[k].busy && n->tg[k].in_step) {
			s->pub_fail++;
			n->tg[k].busy = false;
		}
	}
	c1 = cpu_s(n);
	el = now_s() - t0;
	n->stepping = false;
	total = s->matched + 0;
	/* each unanswered, refused or skipped publish lost its watchers */
	{
		double w = (double)n->nsubs / (double)n->ntargets;
		double lost = (double)(s->pub_fail + s->skipped) * w;
		double exp = (double)s->expected + lost;
		fail = exp > 0 ? 1.0 - (double)s->matched / exp : 1.0;
		if (fail < 0)
			fail = 0;
	}
	if (s->nlat) {
		qsort(s->lat, s->nlat, sizeof(double), cmp_d);
		p50 = s->lat[s->nlat / 2];
		p99 = s->lat[(size_t)((double)(s->nlat - 1) * 0.99)];
	}
	*nrate = (double)total / dur;
	printf("step pub_rate=%.0f pubs=%llu ok=%llu pub_fail=%llu "
	       "skipped=%llu retrans=%llu expected=%llu notified=%llu "
	       "extra=%llu "
	       "fail=%.4f%% notify_rate=%.0f p50_ms=%.2f p99_ms=%.2f "
	       "cpu_s=%.2f cpu_ms_per_1k=%.1f elapsed=%.1f\n",
	       rate, (unsigned long long)s->pubs,
	       (unsigned long long)s->pub_ok,
	       (unsigned long long)s->pub_fail,
	       (unsigned long long)s->skipped,
	       (unsigned long long)s->retrans,
	       (unsigned long long)s->expected,
	       (unsigned long long)s->matched,
	       (unsigned long long)s->extra, fail * 100, *nrate, p50 * 1e3,
	       p99 * 1e3, c1 - c0,
	       total ? (c1 - c0) * 1e3 * 1000 / (double)total : 0.0, el);
	fflush(stdout);
	return fail;
}

static int setup_socket(struct nl *n, unsigned port)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int sz = 16 * 1024 * 1024;

	n->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	if (n->fd < 0)
		return errno;
	/* FORCE needs CAP_NET_ADMIN; else capped by net.core.rmem_max */
	if (setsockopt(n->fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)))
		setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(n->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)))
		setsockopt(n->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(n->fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockname(n->fd, (struct sockaddr *)&a, &al))
		return errno;
	n->lport = ntohs(a.sin_port);
	memset(&n->srv, 0, sizeof(n->srv));
	n->srv.sin_family = AF_INET;
	n->srv.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	n->srv.sin_port = htons((uint16_t)port);
	return 0;
}

static char *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	size_t r;

	if (!f)
		return NULL;
	b = malloc(NL_MSG_MAX);
	r = b ? fread(b, 1, NL_MSG_MAX / 2, f) : 0;
	fclose(f);
	if (b)
		b[r] = '\0';
	*len = r;
	return b;
}

int main(int argc, char **argv)
{
	static struct nl n;
	double rates[NL_RATES_MAX], dur = 10, v, best = 0, best_pub = 0;
	size_t nrates = 0, i;
	unsigned port = 0;
	char *fbuf = NULL;
	bool all = false;
	int c;

	n.ntargets = 1000;
	n.drain = 3;
	n.nsubs = 1000;
	n.filter = default_filter;
	n.filter_len = strlen(default_filter);
	while ((c = getopt(argc, argv, "s:m:t:n:r:d:P:f:w:x")) != -1) {
		char *tok, *save = NULL;
		switch (c) {
		case 's':
			if (num_parse(optarg, 1, 65535, &v))
				return usage(), 2;
			port = (unsigned)v;
			break;
		case 'm':
			if (!strcmp(optarg, "kam"))
				n.mode = NL_KAM;
			else if (strcmp(optarg, "locd"))
				return usage(), 2;
			break;
		case 't':
			if (num_parse(optarg, 1, NL_TARGETS_MAX, &v))
				return usage(), 2;
			n.ntargets = (size_t)v;
			break;
		case 'n':
			if (num_parse(optarg, 1, NL_SUBS_MAX, &v))
				return usage(), 2;
			n.nsubs = (size_t)v;
			break;
		case 'd':
			if (num_parse(optarg, 0.1, 3600, &dur))
				return usage(), 2;
			break;
		case 'r':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (nrates == NL_RATES_MAX ||
				    num_parse(tok, 0.1, 1e6, &rates[nrates]))
					return usage(), 2;
				nrates++;
			}
			break;
		case 'P':
			for (tok = strtok_r(optarg, ",", &save); tok;
			     tok = strtok_r(NULL, ",", &save)) {
				if (n.npids == 64 ||
				    num_parse(tok, 1, 1e9, &v))
					return usage(), 2;
				n.pids[n.npids++] = (pid_t)v;
			}
			break;
		case 'f':
			fbuf = file_read(optarg, &n.filter_len);
			if (!fbuf) {
				perror(optarg);
				return 2;
			}
			n.filter = fbuf;
			break;
		case 'w':
			if (num_parse(optarg, 0.1, 3600, &n.drain))
				return usage(), 2;
			break;
		case 'x':
			all = true;
			break;
		default:
			return usage(), 2;
		}
	}
	if (!port || optind != argc)
		return usage(), 2;
	snprintf(n.spfx, sizeof(n.spfx), "nls%ld-", (long)getpid());
	snprintf(n.ppfx, sizeof(n.ppfx), "nlp%ld-", (long)getpid());
	if (!nrates)
		rates[nrates++] = 100;
	n.tg = calloc(n.ntargets, sizeof(*n.tg));
	n.sb = calloc(n.nsubs, sizeof(*n.sb));
	if (!n.tg || !n.sb || setup_socket(&n, port)) {
		perror("notify_load: setup");
		return 1;
	}
	for (i = 0; i < n.nsubs; i++)
		n.tg[i % n.ntargets].watchers++;
	{
		double t0 = now_s(), c0 = cpu_s(&n);
		if (subscribe_all(&n)) {
			fprintf(stderr, "notify_load: subscriptions failed\n");
			return 1;
		}
		printf("subscribed n=%zu targets=%zu in %.2f s cpu_s=%.2f\n",
		       n.nsubs, n.ntargets, now_s() - t0, cpu_s(&n) - c0);
	}
	/* one warm-up publish round, not counted (initial PUBLISHes) */
	for (i = 0; i < n.ntargets; i++) {
		pub_send(&n, i, false);
		if (i % 50 == 49)
			wait_rx(&n, 2);
	}
	{
		double t0 = now_s();
		size_t left = 1;
		/* until every PUBLISH is answered and 1 s passed quietly */
		while (now_s() < t0 + 1 || now_s() < n.last_rx + 1 || left) {
			wait_rx(&n, 10);
			left = 0;
			for (i = 0; i < n.ntargets; i++) {
				if (!n.tg[i].busy)
					continue;
				left++;
				if (now_s() - n.tg[i].last_tx > 0.5)
					pub_send(&n, i, true);
			}
			if (now_s() > t0 + 60) {
				fprintf(stderr, "notify_load: %zu targets "
					"never answered PUBLISH\n", left);
				return 1;
			}
		}
	}
	{
		int over = 0;
		for (i = 0; i < nrates; i++) {
			double nr, f = step_run(&n, rates[i], dur, &nr);
			if (f < 0.001) {
				if (nr > best) {
					best = nr;
					best_pub = rates[i];
				}
				over = 0;
			} else if (++over >= 2 && !all) {
				break;
			}
		}
	}
	printf("sustained notify_rate=%.0f pub_rate=%.0f subs=%zu "
	       "targets=%zu\n", best, best_pub, n.nsubs, n.ntargets);
	free(n.st.lat);
	free(n.tg);
	free(n.sb);
	free(fbuf);
	close(n.fd);
	return 0;
}
