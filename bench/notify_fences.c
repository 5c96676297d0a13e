/*
 * notify_fences: cost per position update as fences grow (issue 6,
 * "Scaling" in docs/PERFORMANCE.md; run by bench/notify_bench.sh).
 *
 *   notify_fences [quick|full]
 *
 * Curve 1, fences per filter: ONE catalog feature of N polygons (N = 1,
 * 10, ..., 100,000; quick: up to 10,000; hexagons of about 600 x 600 m
 * on a grid, 0.006 x 0.008 degrees apart, around 48.1 N 11.5 E) in a
 * temporary catalog directory (mkdtemp under $TMPDIR or /tmp, removed
 * at exit), a draft filter with one enterOrExit naming it by
 * xlink:href, resolved through struct lf_opts.catalog (as locd does);
 * lf_eval of fixes spread over the fenced area: microseconds per
 * evaluation for point fixes and for circles of 50 m uncertainty
 * (confidence 0.95), and the ratio to N = 1. Each is measured with the
 * region's packed tree (what locd runs) and with the linear scan of
 * every part (ctx->region_scan, geo's internal test switch: what a
 * region cost before the tree). Also per N: catalog load time, the
 * first filter parse (it makes the feature's shared region), a second
 * parse (shares it) and heap bytes per polygon (mallinfo2) of the
 * catalog and of the region.
 * Curve 2, fences in the index: geo_fenceset (packed tree, then the
 * exact point test) with N = 1 .. 100,000 square fences over 1 x 1
 * degree: microseconds per position query.
 * Curve 3, features per filter: a draft filter with K enterOrExit
 * inline polygon features (K = 1 .. 32 = LF_FEATURES_MAX, the same
 * hexagons), point fixes: microseconds per lf_eval.
 * Each line gives the ratio of the cost to the cost at the smallest
 * size, against the ratio of sizes (linear growth would match it).
 * Thread CPU time. Exit 0, or 1 when a call fails.
 */
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_util.h"
#include "filters/lf.h"
#include "geo/geo.h"
#include "geo/geo_int.h"        /* ctx->region_scan: the scan column */

#define NF_PTS 4096
#define NF_BATCH 256            /* evaluations between clock reads */

/* The temporary catalog directory, removed at exit. */
static char cat_dir[4096];
static char cat_file[4200];

static void cat_cleanup(void)
{
	if (cat_file[0])
		unlink(cat_file);
	if (cat_dir[0])
		rmdir(cat_dir);
	cat_file[0] = cat_dir[0] = '\0';
}

/* Grid of hexagon i with `cols` columns: centre. */
static void hex_centre(size_t i, size_t cols, double *clat, double *clon)
{
	*clat = 48.10 + 0.006 * (double)(i / cols);
	*clon = 11.50 + 0.008 * (double)(i % cols);
}

/* Append a gml:Polygon hexagon around (clat, clon) to b. */
static size_t hex_gml(char *b, size_t cap, size_t n, double clat,
		      double clon)
{
	int v;

	n += (size_t)snprintf(b + n, cap - n, "<gml:Polygon srsName=\"urn:"
			      "ogc:def:crs:EPSG::4326\"><gml:exterior>"
			      "<gml:LinearRing><gml:posList>");
	for (v = 0; v <= 6; v++) {
		double a = 2 * M_PI * (v % 6) / 6.0;

		n += (size_t)snprintf(b + n, cap - n, "%.7f %.7f ",
				      clat + 0.0027 * sin(a),
				      clon + 0.0040 * cos(a));
	}
	n += (size_t)snprintf(b + n, cap - n, "</gml:posList></gml:Linear"
			      "Ring></gml:exterior></gml:Polygon>");
	return n;
}

/* A filter body with k hexagon features on a grid of 8 columns. */
static char *body_make(int k)
{
	size_t cap = 4096 + (size_t)k * 1024, n;
	char *b = malloc(cap);
	int i;

	if (!b)
		return NULL;
	n = (size_t)snprintf(b, cap, "<location-filter xmlns=\"urn:ietf:"
			     "params:xml:ns:location-filter\" xmlns:gml=\""
			     "http://www.opengis.net/gml\" xmlns:my=\"urn:"
			     "example:my\">");
	for (i = 0; i < k; i++) {
		double clat, clon;

		hex_centre((size_t)i, 8, &clat, &clon);
		n += (size_t)snprintf(b + n, cap - n, "<enterOrExit><my:F"
				      " gml:id=\"f%d\"><gml:extentOf>", i);
		n = hex_gml(b, cap, n, clat, clon);
		n += (size_t)snprintf(b + n, cap - n, "</gml:extentOf>"
				      "</my:F></enterOrExit>");
	}
	snprintf(b + n, cap - n, "</location-filter>");
	return b;
}

/* ------------------------------------------------------------------ */
/* Curve 3: inline features per filter                                 */

/* Microseconds per lf_eval with k features; < 0 on error. */
static double filter_cost(struct geo_ctx *geo, int k, double secs)
{
	struct geo_shape *pts = calloc(NF_PTS, sizeof(*pts));
	char *body = body_make(k);
	struct lf_filter *f = NULL;
	struct lf_state *st = NULL;
	struct lf_err err = {0};
	struct lf_update u;
	struct lf_result r;
	uint64_t s = 7, n = 0;
	int rows = (k + 7) / 8, cols = k < 8 ? k : 8;
	double t0, t1 = 0, us = -1;
	size_t i;

	if (!pts || !body ||
	    lf_filter_parse(geo, LF_CTYPE_DRAFT, body, strlen(body), NULL,
			    &f, &err) || lf_state_alloc(f, &st)) {
		fprintf(stderr, "notify_fences: %d features: %s\n", k,
			err.msg);
		goto out;
	}
	for (i = 0; i < NF_PTS; i++) {
		pts[i].kind = GEO_SHAPE_POINT;
		pts[i].dim = 2;
		pts[i].center.lat = 48.0973 + bench_rnd(&s) * 0.006 * rows;
		pts[i].center.lon = 11.496 + bench_rnd(&s) * 0.008 * cols;
	}
	memset(&u, 0, sizeof(u));
	u.confidence = 0.95;
	t0 = bench_cpu_now();
	do {
		for (i = 0; i < NF_PTS; i++) {
			u.est = &pts[i];
			u.time = (double)(n + i);
			if (lf_eval(geo, st, &u, &r))
				goto out;
			if (r.fired)
				lf_state_commit(st);
		}
		n += NF_PTS;
		t1 = bench_cpu_now();
	} while (t1 - t0 < secs);
	us = (t1 - t0) * 1e6 / (double)n;
out:
	lf_state_free(st);
	lf_filter_free(f);
	free(body);
	free(pts);
	return us;
}

/* ------------------------------------------------------------------ */
/* Curve 1: one catalog feature of n polygons behind one href          */

/* Write the catalog file: feature "z" of n hexagons in cols columns. */
static int cat_write(size_t n, size_t cols)
{
	FILE *fp = fopen(cat_file, "w");
	char buf[1024];
	size_t i;
	int bad;

	if (!fp)
		return -1;
	fputs("<my:Zones xmlns:my=\"urn:example:my\" xmlns:gml=\"http://"
	      "www.opengis.net/gml\" gml:id=\"z\"><gml:name>zones"
	      "</gml:name>", fp);
	for (i = 0; i < n; i++) {
		double clat, clon;

		hex_centre(i, cols, &clat, &clon);
		hex_gml(buf, sizeof(buf), 0, clat, clon);
		fputs(buf, fp);
	}
	fputs("</my:Zones>", fp);
	bad = ferror(fp);
	return fclose(fp) || bad ? -1 : 0;
}

/* NF_PTS fixes (points or 50 m circles) over n hexagons in cols columns. */
static void fixes_make(struct geo_shape *fx, size_t n, size_t cols,
		       bool circle)
{
	size_t rows = (n + cols - 1) / cols, c = n < cols ? n : cols, i;
	uint64_t s = 7;

	for (i = 0; i < NF_PTS; i++) {
		memset(&fx[i], 0, sizeof(fx[i]));
		fx[i].kind = circle ? GEO_SHAPE_CIRCLE : GEO_SHAPE_POINT;
		fx[i].dim = 2;
		fx[i].radius = 50;
		fx[i].center.lat = 48.0973 +
				   bench_rnd(&s) * 0.006 * (double)rows;
		fx[i].center.lon = 11.496 + bench_rnd(&s) * 0.008 * (double)c;
	}
}

/* Microseconds per lf_eval of the fixes (cycled), >= secs; < 0: error. */
static double eval_cost(struct geo_ctx *geo, struct lf_state *st,
			const struct geo_shape *fx, double secs)
{
	struct lf_update u;
	struct lf_result r;
	uint64_t n = 0;
	double t0, t1;
	size_t k;

	memset(&u, 0, sizeof(u));
	u.confidence = 0.95;
	t0 = bench_cpu_now();
	do {
		for (k = 0; k < NF_BATCH; k++, n++) {
			u.est = &fx[n % NF_PTS];
			u.time = (double)n;
			if (lf_eval(geo, st, &u, &r))
				return -1;
			if (r.fired)
				lf_state_commit(st);
		}
		t1 = bench_cpu_now();
	} while (t1 - t0 < secs);
	return (t1 - t0) * 1e6 / (double)n;
}

struct catpoint {
	double load_s, parse1_ms, parse2_us;
	double cat_bpp, reg_bpp;              /* heap bytes per polygon */
	double pt_us, pt_scan_us, c_us, c_scan_us;
};

static const char cat_body[] =
	"<location-filter xmlns=\"urn:ietf:params:xml:ns:location-filter\""
	" xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:my=\"urn:"
	"example:my\"><enterOrExit><my:F xlink:href=\"zones.gml#z\"/>"
	"</enterOrExit></location-filter>";

/* Curve 1 at n polygons; 0 or -1 (reason printed). */
static int catalog_cost(struct geo_ctx *geo, size_t n, double secs,
			struct catpoint *cp)
{
	struct geo_shape *fx = calloc(NF_PTS, sizeof(*fx));
	struct lf_filter *f1 = NULL, *f2 = NULL;
	struct geo_catalog *cat = NULL;
	struct lf_state *st = NULL;
	struct geo_err ge = {0};
	struct lf_err le = {0};
	struct lf_opts opts;
	size_t cols = 1, m0, m1, m2;
	double t0;
	int rc = -1;

	while (cols * cols < n)
		cols++;
	if (!fx || cat_write(n, cols)) {
		fprintf(stderr, "notify_fences: cannot write %s\n", cat_file);
		goto out;
	}
	m0 = bench_heap_used();
	t0 = bench_cpu_now();
	if (geo_catalog_load(geo, cat_dir, &cat, &ge)) {
		fprintf(stderr, "notify_fences: catalog: %s\n", ge.msg);
		goto out;
	}
	cp->load_s = bench_cpu_now() - t0;
	m1 = bench_heap_used();
	memset(&opts, 0, sizeof(opts));
	opts.catalog = cat;
	opts.remote_href = LF_HREF_REJECT;
	t0 = bench_cpu_now();
	if (lf_filter_parse(geo, LF_CTYPE_DRAFT, cat_body, strlen(cat_body),
			    &opts, &f1, &le)) {
		fprintf(stderr, "notify_fences: filter: %s\n", le.msg);
		goto out;
	}
	cp->parse1_ms = (bench_cpu_now() - t0) * 1e3;
	m2 = bench_heap_used();
	t0 = bench_cpu_now();
	if (lf_filter_parse(geo, LF_CTYPE_DRAFT, cat_body, strlen(cat_body),
			    &opts, &f2, &le)) {
		fprintf(stderr, "notify_fences: filter: %s\n", le.msg);
		goto out;
	}
	cp->parse2_us = (bench_cpu_now() - t0) * 1e6;
	cp->cat_bpp = (double)(m1 - m0) / (double)n;
	cp->reg_bpp = (double)(m2 - m1) / (double)n;
	if (!lf_filter_feature(f1, 0)->resolved || lf_state_alloc(f1, &st))
		goto out;
	fixes_make(fx, n, cols, false);
	geo->region_scan = false;
	cp->pt_us = eval_cost(geo, st, fx, secs);
	geo->region_scan = true;
	cp->pt_scan_us = eval_cost(geo, st, fx, secs);
	fixes_make(fx, n, cols, true);
	geo->region_scan = false;
	cp->c_us = eval_cost(geo, st, fx, secs);
	geo->region_scan = true;
	cp->c_scan_us = eval_cost(geo, st, fx, secs);
	geo->region_scan = false;
	if (cp->pt_us < 0 || cp->pt_scan_us < 0 || cp->c_us < 0 ||
	    cp->c_scan_us < 0) {
		fprintf(stderr, "notify_fences: lf_eval failed\n");
		goto out;
	}
	rc = 0;
out:
	lf_state_free(st);
	lf_filter_free(f2);
	lf_filter_free(f1);
	geo_catalog_free(cat);
	unlink(cat_file);
	free(fx);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Curve 2: fences in the index                                        */

static struct geo_region *box(struct geo_ctx *ctx, double lat, double lon,
			      double d)
{
	struct geo_point p[5] = {
		{lat, lon, 0, false}, {lat, lon + d, 0, false},
		{lat + d, lon + d, 0, false}, {lat + d, lon, 0, false},
		{lat, lon, 0, false},
	};
	struct geo_ring ring = {5, p};
	struct geo_shape s, *sp = &s;
	struct geo_region *r = NULL;
	struct geo_err e;

	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POLYGON;
	s.dim = 2;
	s.nrings = 1;
	s.rings = &ring;
	if (geo_region_alloc(ctx, &sp, 1, &r, &e))
		return NULL;
	return r;
}

static bool count_h(size_t index, void *userdata, void *arg)
{
	(void)index;
	(void)userdata;
	(*(size_t *)arg)++;
	return true;
}

/* Microseconds per geo_fenceset_query with nf fences; < 0 on error. */
static double index_cost(struct geo_ctx *ctx, size_t nf, double secs)
{
	struct geo_point *pts = malloc(NF_PTS * sizeof(*pts));
	struct geo_fenceset *set = NULL;
	size_t side = 1, i, hits = 0;
	uint64_t s = 99, n = 0;
	double t0, t1 = 0, cell, us = -1;

	while (side * side < nf)
		side++;
	cell = 1.0 / (double)side;
	if (!pts || geo_fenceset_alloc(ctx, &set))
		goto out;
	for (i = 0; i < nf; i++) {
		struct geo_region *r = box(ctx, 45 + (double)(i / side) * cell,
					   7 + (double)(i % side) * cell,
					   cell * 0.8);
		int e = r ? geo_fenceset_add(set, r, NULL) : 1;
		geo_region_free(r);
		if (e)
			goto out;
	}
	if (geo_fenceset_build(set))
		goto out;
	for (i = 0; i < NF_PTS; i++) {
		pts[i].lat = 45 + bench_rnd(&s);
		pts[i].lon = 7 + bench_rnd(&s);
		pts[i].alt = 0;
		pts[i].has_alt = false;
	}
	t0 = bench_cpu_now();
	do {
		for (i = 0; i < NF_PTS; i++)
			if (geo_fenceset_query(set, &pts[i], count_h, &hits))
				goto out;
		n += NF_PTS;
		t1 = bench_cpu_now();
	} while (t1 - t0 < secs);
	us = (t1 - t0) * 1e6 / (double)n;
out:
	geo_fenceset_free(set);
	free(pts);
	return us;
}

int main(int argc, char **argv)
{
	static const int ks[] = {1, 2, 4, 8, 16, 32};
	static const size_t ns[] = {1, 10, 100, 1000, 10000, 100000};
	bool quick = argc > 1 && strcmp(argv[1], "quick") == 0;
	double secs = quick ? 0.2 : 1.0, base = 0, cbase = 0;
	const char *tmp = getenv("TMPDIR");
	struct geo_ctx *geo = NULL;
	size_t i, nmax = quick ? 10000 : 100000;
	int rc = 1;

	if (argc > 2 || (argc == 2 && !quick && strcmp(argv[1], "full"))) {
		fprintf(stderr, "usage: notify_fences [quick|full]\n");
		return 2;
	}
	snprintf(cat_dir, sizeof(cat_dir), "%s/notify_fences.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(cat_dir)) {
		cat_dir[0] = '\0';
		perror("notify_fences: mkdtemp");
		return 1;
	}
	atexit(cat_cleanup);
	snprintf(cat_file, sizeof(cat_file), "%s/zones.gml", cat_dir);
	if (geo_ctx_alloc(&geo, NULL))
		return 1;
	printf("# notify_fences %s: thread CPU time, >= %.1f s per figure, "
	       "%d fixes cycled\n", quick ? "quick" : "full", secs, NF_PTS);
	printf("# curve 1: one catalog feature of N hexagons (7 positions, "
	       "~600 x 600 m, grid 0.006 x 0.008 deg from 48.1 N 11.5 E) "
	       "in a temporary catalog; a draft filter with one "
	       "enterOrExit xlink:href to it (lf_opts.catalog); lf_eval of "
	       "fixes over the fenced area: points, and circles r = 50 m "
	       "(confidence 0.95); tree = locd (region index), scan = every "
	       "part tested (ctx->region_scan, as before the index)\n");
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]) && ns[i] <= nmax; i++) {
		struct catpoint cp;

		memset(&cp, 0, sizeof(cp));
		if (catalog_cost(geo, ns[i], secs, &cp))
			goto out;
		if (!base) {
			base = cp.pt_us;
			cbase = cp.c_us;
		}
		printf("fences_per_filter=%zu us_per_eval_point=%.3f "
		       "cost_ratio=%.2f us_per_eval_circle50=%.2f "
		       "cost_ratio=%.2f size_ratio=%zu scan_us_point=%.3f "
		       "scan_us_circle50=%.2f\n", ns[i], cp.pt_us,
		       cp.pt_us / base, cp.c_us, cp.c_us / cbase, ns[i],
		       cp.pt_scan_us, cp.c_scan_us);
		printf("  catalog_polygons=%zu load_s=%.3f "
		       "first_parse_ms=%.2f second_parse_us=%.1f "
		       "catalog_bytes_per_polygon=%.0f "
		       "region_bytes_per_part=%.0f\n", ns[i], cp.load_s,
		       cp.parse1_ms, cp.parse2_us, cp.cat_bpp, cp.reg_bpp);
		fflush(stdout);
	}
	printf("# curve 2: geo_fenceset (packed tree + exact test), N "
	       "squares over 1 x 1 degree, random points\n");
	base = 0;
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		double us = index_cost(geo, ns[i], secs);
		if (us < 0)
			goto out;
		if (!base)
			base = us;
		printf("fences_in_index=%zu us_per_query=%.3f cost_ratio=%.2f "
		       "size_ratio=%zu\n", ns[i], us, us / base, ns[i]);
	}
	printf("# curve 3: a draft filter with K inline enterOrExit hexagon "
	       "features (K <= LF_FEATURES_MAX), point fixes\n");
	base = 0;
	for (i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		double us = filter_cost(geo, ks[i], secs);
		if (us < 0)
			goto out;
		if (!base)
			base = us;
		printf("features_per_filter=%d us_per_eval=%.3f "
		       "cost_ratio=%.2f size_ratio=%d\n", ks[i], us, us / base,
		       ks[i]);
	}
	rc = 0;
out:
	geo_ctx_free(geo);
	cat_cleanup();
	return rc;
}
