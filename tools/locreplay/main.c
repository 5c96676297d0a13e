/*
 * locreplay: replay a recorded trace through a location filter and print
 * every notification locd would send (offline mode).
 *
 *   locreplay --filter FILTER.xml [--format jsonl|pidf|geojson]
 *             [--quarantine-ms N] [--no-rate-limit]
 *             [--input-format gpx|nmea|csv] [--features DIR]
 *             [--entity URI] [--waypoints] TRACE
 *
 * Live mode (live.h): replay the trace into a running locd instead:
 *
 *   locreplay --to URI --entity AOR [--via publish|http] [--speed F]
 *             [--max-gap S] [--user U --password P] [--device ID]
 *             [--token T] [--event PKG] [--ca FILE] [--insecure]
 *             [--input-format ...] [--waypoints] [-v] TRACE
 *
 * TRACE is GPX, NMEA 0183 or CSV (by extension, or --input-format); "-"
 * reads standard input. Exit status: 0 done, 1 bad input (the message
 * names the file and line or element) or, live, a fix refused, 2 usage,
 * 3 other errors (live).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "filters/lf.h"
#include "filters/lf_sched.h"
#include "geo/geo.h"
#include "geo/geo_trace.h"
#include "pidf/pidf.h"
#include "tools/common.h"
#include "tools/locreplay/live.h"
#include "tools/locreplay/out.h"
#include "tools/locreplay/sim.h"

#define FILTER_FILE_MAX ((size_t)1 << 20) /* refused before parsing */
#define DEFAULT_FEATURES "data/features"

struct opts {
	const char *filter;
	const char *trace;
	const char *features;
	const char *entity;
	enum rp_format fmt;
	enum geo_trace_format in_fmt;
	long quarantine_ms;
	bool no_rate_limit;
	bool waypoints;
	bool verbose;
	bool entity_set;
	bool live_opt;        /* a live-mode option was given */
	struct rp_live_opts live;
};

static void usage(FILE *f)
{
	fputs("usage: locreplay --filter FILTER.xml [--format "
	      "jsonl|pidf|geojson]\n"
	      "                 [--quarantine-ms N] [--no-rate-limit]\n"
	      "                 [--input-format gpx|nmea|csv] "
	      "[--features DIR]\n"
	      "                 [--entity URI] [--waypoints] [-v] TRACE\n"
	      "       locreplay --to URI --entity AOR [--via publish|http] "
	      "[--speed FACTOR]\n"
	      "                 [--max-gap S] [--user U --password P] "
	      "[--device ID]\n"
	      "                 [--token T] [--event PKG] [--ca FILE] "
	      "[--insecure] [-v] TRACE\n"
	      "Replays TRACE (GPX, NMEA 0183 or CSV; - for stdin) through the "
	      "filter on the\ntrace's own clock and prints every "
	      "notification locd would send.\n"
	      "With --to, sends the fixes to a running locd in (scaled) real "
	      "time instead.\n",
	      f);
}

/* Live-mode options (long only); 0, or 2 after a message. */
static int parse_live(int c, const char *arg, struct opts *o)
{
	struct rp_live_opts *l = &o->live;

	o->live_opt = true;
	switch (c) {
	case 'T': l->to = arg; break;
	case 'U': l->user = arg; break;
	case 'P': l->password = arg; break;
	case 'D': l->device = arg; break;
	case 'K': l->token = arg; break;
	case 'E': l->event = arg; break;
	case 'A': l->ca = arg; break;
	case 'I': l->insecure = true; break;
	case 'V':
		if (strcmp(arg, "publish") == 0) {
			l->via = RP_VIA_PUBLISH;
		} else if (strcmp(arg, "http") == 0) {
			l->via = RP_VIA_HTTP;
		} else {
			fprintf(stderr, "locreplay: --via wants publish or "
					"http\n");
			return 2;
		}
		break;
	case 'S':
		if (tools_parse_double(arg, 1e-6, RP_LIVE_SPEED_MAX,
				       &l->speed)) {
			fprintf(stderr, "locreplay: --speed wants a factor "
					"above 0\n");
			return 2;
		}
		break;
	case 'G':
		if (tools_parse_double(arg, 0, 86400, &l->max_gap)) {
			fprintf(stderr, "locreplay: --max-gap wants 0..86400 "
					"seconds\n");
			return 2;
		}
		break;
	default:
		return 2;
	}
	return 0;
}

/* After the options: the live mode's own checks. */
static int check_live(struct opts *o)
{
	struct rp_live_opts *l = &o->live;

	if (!l->to) {
		fprintf(stderr, "locreplay: live-mode options need --to\n");
		return 2;
	}
	if (o->filter) {
		fprintf(stderr, "locreplay: --filter is for the offline "
				"mode (without --to)\n");
		return 2;
	}
	if (!o->entity_set) {
		fprintf(stderr, "locreplay: --to needs --entity AOR\n");
		return 2;
	}
	if (!l->user != !l->password) {
		fprintf(stderr, "locreplay: --user and --password go "
				"together\n");
		return 2;
	}
	l->entity = o->entity;
	l->verbose = o->verbose;
	l->in_fmt = o->in_fmt;
	l->waypoints = o->waypoints;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lopts[] = {
		{"filter", required_argument, NULL, 'f'},
		{"format", required_argument, NULL, 'F'},
		{"quarantine-ms", required_argument, NULL, 'q'},
		{"no-rate-limit", no_argument, NULL, 'n'},
		{"input-format", required_argument, NULL, 'i'},
		{"features", required_argument, NULL, 'c'},
		{"entity", required_argument, NULL, 'e'},
		{"waypoints", no_argument, NULL, 'w'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"to", required_argument, NULL, 'T'},
		{"via", required_argument, NULL, 'V'},
		{"speed", required_argument, NULL, 'S'},
		{"max-gap", required_argument, NULL, 'G'},
		{"user", required_argument, NULL, 'U'},
		{"password", required_argument, NULL, 'P'},
		{"device", required_argument, NULL, 'D'},
		{"token", required_argument, NULL, 'K'},
		{"event", required_argument, NULL, 'E'},
		{"ca", required_argument, NULL, 'A'},
		{"insecure", no_argument, NULL, 'I'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->live.speed = 1.0;
	o->live.max_gap = RP_LIVE_MAX_GAP_DEFAULT;
	o->quarantine_ms = 500; /* */
	o->entity = "pres:target@localhost";
	while ((c = getopt_long(argc, argv, "f:F:q:ni:c:e:wvh", lopts,
				NULL)) != -1) {
		switch (c) {
		case 'f':
			o->filter = optarg;
			break;
		case 'F':
			if (strcmp(optarg, "jsonl") == 0)
				o->fmt = RP_FMT_JSONL;
			else if (strcmp(optarg, "pidf") == 0)
				o->fmt = RP_FMT_PIDF;
			else if (strcmp(optarg, "geojson") == 0)
				o->fmt = RP_FMT_GEOJSON;
			else {
				fprintf(stderr, "locreplay: unknown format "
						"'%s'\n", optarg);
				return 2;
			}
			break;
		case 'q':
			if (tools_parse_long(optarg, 0, 60000,
					     &o->quarantine_ms)) {
				fprintf(stderr, "locreplay: --quarantine-ms "
						"wants 0..60000\n");
				return 2;
			}
			break;
		case 'n':
			o->no_rate_limit = true;
			break;
		case 'i':
			if (strcmp(optarg, "gpx") == 0)
				o->in_fmt = GEO_TRACE_GPX;
			else if (strcmp(optarg, "nmea") == 0)
				o->in_fmt = GEO_TRACE_NMEA;
			else if (strcmp(optarg, "csv") == 0)
				o->in_fmt = GEO_TRACE_CSV;
			else {
				fprintf(stderr, "locreplay: unknown input "
						"format '%s'\n", optarg);
				return 2;
			}
			break;
		case 'c':
			o->features = optarg;
			break;
		case 'e':
			o->entity = optarg;
			o->entity_set = true;
			break;
		case 'w':
			o->waypoints = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'T': case 'V': case 'S': case 'G': case 'U': case 'P':
		case 'D': case 'K': case 'E': case 'A': case 'I':
			if (parse_live(c, optarg, o))
				return 2;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (o->live_opt) {
		if (optind != argc - 1) {
			usage(stderr);
			return 2;
		}
		o->trace = argv[optind];
		return check_live(o);
	}
	if (!o->filter || optind != argc - 1) {
		usage(stderr);
		return 2;
	}
	o->trace = argv[optind];
	return 0;
}

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int main(int argc, char **argv)
{
	struct opts o;
	struct geo_ctx *geo = NULL;
	struct geo_catalog *cat = NULL;
	struct lf_filter *filter = NULL;
	struct pidf_builder *pb = NULL;
	struct geo_trace *tr = NULL;
	struct rp_out *out = NULL;
	struct rp_sim *sim = NULL;
	struct rp_sim_conf sc;
	struct geo_trace_opts topts;
	struct geo_err ge = {0};
	struct lf_err le = {0};
	struct lf_opts lo;
	struct geo_fix fix;
	char *fbody = NULL;
	size_t flen = 0;
	int rc = 1, e;

	e = parse_args(argc, argv, &o);
	if (e)
		return e;
	if (o.live.to)
		return rp_live_run(&o.live, o.trace);
	if (geo_ctx_alloc(&geo, NULL) != 0) {
		fprintf(stderr, "locreplay: cannot start the geometry "
				"engine\n");
		return 1;
	}
	if (!o.features && is_dir(DEFAULT_FEATURES))
		o.features = DEFAULT_FEATURES;
	if (o.features) {
		e = geo_catalog_load(geo, o.features, &cat, &ge);
		if (e) {
			fprintf(stderr, "locreplay: features %s: %s\n",
				o.features, ge.msg[0] ? ge.msg : strerror(e));
			goto out;
		}
	}

	fbody = tools_file_read("locreplay", o.filter, FILTER_FILE_MAX, &flen);
	if (!fbody)
		goto out;
	memset(&lo, 0, sizeof(lo));
	lo.catalog = cat;
	e = lf_filter_parse(geo, NULL, fbody, flen, &lo, &filter, &le);
	if (e) {
		fprintf(stderr, "locreplay: %s: %s\n", o.filter,
			le.msg[0] ? le.msg : strerror(e));
		goto out;
	}
	if (pidf_builder_alloc(&pb) != 0)
		goto oom;

	geo_trace_opts_init(&topts);
	topts.format = o.in_fmt;
	topts.waypoints = o.waypoints;
	e = geo_trace_open_path(&tr, o.trace, &topts, &ge);
	if (e) {
		fprintf(stderr, "locreplay: %s: %s\n", o.trace,
			ge.msg[0] ? ge.msg : strerror(e));
		goto out;
	}
	if (rp_out_alloc(&out, o.fmt, stdout, geo, filter, cat) != 0)
		goto oom;

	memset(&sc, 0, sizeof(sc));
	lf_sched_cfg_init(&sc.sched);
	sc.sched.quarantine = (double)o.quarantine_ms / 1000.0;
	if (o.no_rate_limit) {
		sc.sched.burst_n = 0;
		sc.sched.window_n = 0;
	}
	sc.entity = o.entity;
	sc.build_bodies = o.fmt == RP_FMT_PIDF;
	if (rp_sim_alloc(&sim, geo, filter, pb, &sc, rp_out_note, out) != 0)
		goto oom;

	while ((e = geo_trace_next(tr, &fix, &ge)) == 0) {
		e = rp_out_fix(out, &fix);
		if (!e)
			e = rp_sim_fix(sim, &fix);
		if (e) {
			fprintf(stderr, "locreplay: %s: line %u: %s\n",
				o.trace, fix.line,
				rp_sim_error(sim)[0] ? rp_sim_error(sim)
						     : strerror(e));
			goto out;
		}
	}
	if (e != ENOENT) {
		fprintf(stderr, "locreplay: %s: %s\n", o.trace,
			ge.msg[0] ? ge.msg : strerror(e));
		goto out;
	}
	e = rp_sim_finish(sim);
	if (!e)
		e = rp_out_finish(out);
	if (e) {
		fprintf(stderr, "locreplay: writing output: %s\n",
			strerror(e));
		goto out;
	}
	if (o.verbose) {
		struct rp_sim_stats st;
		const struct geo_trace_stats *ts = geo_trace_stats(tr);
		rp_sim_stats(sim, &st);
		fprintf(stderr,
			"locreplay: %zu fixes (%zu without time, %zu with "
			"repeated or backward time), %zu notifications, "
			"%llu trigger firings (%llu coalesced); %zu "
			"waypoints skipped, %zu bad checksums\n",
			st.fixes, st.untimed, st.clock_held, st.notes,
			(unsigned long long)st.latched,
			(unsigned long long)st.coalesced, ts->waypoints,
			ts->bad_checksum);
	}
	rc = 0;
	goto out;
oom:
	fprintf(stderr, "locreplay: out of memory\n");
out:
	rp_sim_free(sim);
	rp_out_free(out);
	geo_trace_free(tr);
	pidf_builder_free(pb);
	lf_filter_free(filter);
	free(fbody);
	geo_catalog_free(cat);
	geo_ctx_free(geo);
	return rc;
}
