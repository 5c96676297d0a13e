/*
 * fence_vs_postgis.c: locd's fence containment (geo_fenceset, GEOS
 * STRtree + exact boundary-inclusive test) on the same fences and
 * positions that bench/postgis.sh gives PostGIS.
 *
 *   fence_vs_postgis run SET NFENCES NPOS [SEED [DIR]]
 *   fence_vs_postgis vertices SET NFENCES NPOS [SEED [DIR]]
 *   fence_vs_postgis scale SET MAXFENCES NPOS [SEED [LINSAMPLE]]
 *
 * SET is "small" (star polygons of 5-12 vertices, 50-300 m radius) or
 * "complex" (star polygons of 1,000 vertices, 1-4 km radius, spiky).
 * Fence i and the positions depend only on SEED (default 1) and i, so
 * the first N fences of a bigger set are the N fences of a smaller one.
 * Everything lies in lon 7.0-7.5, lat 45.0-45.5 (about 39 x 55 km).
 *
 * run: builds the fence set (and asks it once, since GEOS sorts its
 * STRtree at the first query), tests every position once and prints
 * positions/s (thread CPU time and wall time), matches (position, fence
 * pairs) and a checksum: the sum over pairs of pid * 1000003 + fid
 * modulo 2^64 (pid, fid 1-based). With DIR it writes DIR/fences.csv
 * (id,EWKT), DIR/pos.csv (id,lon,lat; %.17g, so text round-trips to the
 * same doubles) and DIR/locd.txt ("pid count fidsum" for every position
 * inside at least one fence) for bench/postgis.sh to compare.
 *
 * vertices: as run, but position i is vertex (i / NFENCES) mod 4 of fence
 * i mod NFENCES: every position lies on a boundary, where covers
 * (locd, ST_Covers) and contains (ST_Contains) differ.
 *
 * scale: for N = 1, 10, 100, ... MAXFENCES prints one line
 * "scale N ns_per_position matches_per_position linear_ns" where
 * linear_ns is the cost of testing every fence with
 * geo_region_test_point (no index) on the first LINSAMPLE positions
 * (default 1000; 0 skips it).
 *
 * Not a test: figures go to docs/PERFORMANCE.md. Exit 1 on any error.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <geos_c.h>
#include <proj.h>

#include "geo/geo.h"

#define AREA_LON0 7.0
#define AREA_LAT0 45.0
#define AREA_SIZE 0.5              /* degrees, both axes */
#define M_PER_DEG 111320.0         /* metres per degree of latitude */
#define MAX_FENCES 1000000
#define MAX_POS 10000000
#define COMPLEX_VERTS 1000
#define CSUM_MUL 1000003u

enum fset {
	FSET_SMALL,
	FSET_COMPLEX,
};

struct gen {
	uint64_t s;
};

struct tally {
	size_t count;
	uint64_t fidsum;
};

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: a stream per (seed, fence index), independent of the rest */
static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rnd(struct gen *g)
{
	g->s += 0x9e3779b97f4a7c15ULL;
	return (double)(mix(g->s) >> 11) * 0x1.0p-53;
}

static int parse_size(const char *s, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || v > max || s[0] == '-')
		return EINVAL;
	*out = (size_t)v;
	return 0;
}

/*
 * Fence i of a set: a star polygon around a random centre, vertex angles
 * strictly increasing, so the ring is simple. pts has room for nv + 1.
 */
static size_t fence_make(enum fset set, uint64_t seed, size_t i,
			 struct geo_point *pts)
{
	struct gen g = { mix(seed ^ mix((uint64_t)i + 1)) };
	double clat = AREA_LAT0 + AREA_SIZE * rnd(&g);
	double clon = AREA_LON0 + AREA_SIZE * rnd(&g);
	double r, coslat = cos(clat * M_PI / 180.0);
	size_t nv, j;

	if (set == FSET_SMALL) {
		r = 50.0 + 250.0 * rnd(&g);
		nv = 5 + (size_t)(rnd(&g) * 8.0);
		if (nv > 12)
			nv = 12;
	} else {
		r = 1000.0 + 3000.0 * rnd(&g);
		nv = COMPLEX_VERTS;
	}
	for (j = 0; j < nv; j++) {
		double a = 2.0 * M_PI * ((double)j + 0.8 * rnd(&g)) /
			   (double)nv;
		double rr = r * (set == FSET_SMALL ? 0.7 + 0.3 * rnd(&g)
						   : 0.55 + 0.45 * rnd(&g));
		pts[j].lat = clat + rr * cos(a) / M_PER_DEG;
		pts[j].lon = clon + rr * sin(a) / (M_PER_DEG * coslat);
		pts[j].alt = 0;
		pts[j].has_alt = false;
	}
	pts[nv] = pts[0];
	return nv + 1;
}

static void pos_make(uint64_t seed, size_t n, struct geo_point *p)
{
	struct gen g = { mix(seed ^ 0x706f736974696f6eULL) };
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].lat = AREA_LAT0 + AREA_SIZE * rnd(&g);
		p[i].lon = AREA_LON0 + AREA_SIZE * rnd(&g);
		p[i].alt = 0;
		p[i].has_alt = false;
	}
}

/* Positions on fence vertices (see "vertices" above); nf > 0. */
static int vertices_make(enum fset set, uint64_t seed, size_t nf,
			 size_t np, struct geo_point *p)
{
	struct geo_point *pts = malloc((COMPLEX_VERTS + 1) * sizeof(*pts));
	size_t i;

	if (!pts)
		return ENOMEM;
	for (i = 0; i < np; i++) {
		fence_make(set, seed, i % nf, pts);
		p[i] = pts[(i / nf) % 4];
	}
	free(pts);
	return 0;
}

static int fence_write(FILE *f, size_t id, const struct geo_point *pts,
		       size_t n)
{
	size_t j;

	fprintf(f, "%zu,\"SRID=4326;POLYGON((", id);
	for (j = 0; j < n; j++)
		fprintf(f, "%s%.17g %.17g", j ? "," : "", pts[j].lon,
			pts[j].lat);
	return fprintf(f, "))\"\n") < 0 ? EIO : 0;
}

/* Build the first nf fences of a set; regs receives them (owned). */
static int fences_build(struct geo_ctx *ctx, enum fset set, uint64_t seed,
			size_t nf, struct geo_region **regs, FILE *wkt)
{
	struct geo_point *pts = malloc((COMPLEX_VERTS + 1) * sizeof(*pts));
	struct geo_ring ring;
	struct geo_shape s, *sp = &s;
	struct geo_err e;
	size_t i;
	int rc = 0;

	if (!pts)
		return ENOMEM;
	memset(&s, 0, sizeof(s));
	s.kind = GEO_SHAPE_POLYGON;
	s.dim = 2;
	s.nrings = 1;
	s.rings = &ring;
	for (i = 0; i < nf && !rc; i++) {
		ring.n = fence_make(set, seed, i, pts);
		ring.pts = pts;
		rc = geo_region_alloc(ctx, &sp, 1, &regs[i], &e);
		if (rc)
			fprintf(stderr, "fence %zu: %s\n", i + 1, e.msg);
		else if (wkt)
			rc = fence_write(wkt, i + 1, pts, ring.n);
	}
	free(pts);
	return rc;
}

static bool tally_h(size_t index, void *userdata, void *arg)
{
	struct tally *t = arg;

	(void)userdata;
	t->count++;
	t->fidsum += (uint64_t)index + 1;
	return true;
}

static int set_make(struct geo_ctx *ctx, struct geo_region **regs,
		    size_t nf, struct geo_fenceset **fsp)
{
	struct geo_point warm = { AREA_LAT0, AREA_LON0, 0, false };
	struct tally t = { 0, 0 };
	struct geo_fenceset *fs;
	size_t i;
	int rc = geo_fenceset_alloc(ctx, &fs);

	for (i = 0; i < nf && !rc; i++)
		rc = geo_fenceset_add(fs, regs[i], NULL);
	if (!rc)
		rc = geo_fenceset_build(fs);
	/*
	 * GEOS sorts an STRtree at its first query, not at build: ask once
	 * here so that cost counts as build time, not as the first
	 * position's.
	 */
	if (!rc)
		rc = geo_fenceset_query(fs, &warm, tally_h, &t);
	if (rc) {
		geo_fenceset_free(fs);
		return rc;
	}
	*fsp = fs;
	return 0;
}

static void conditions(const char *what)
{
	char line[256], model[128] = "unknown";
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':');
		if (strncmp(line, "model name", 10) == 0 && c) {
			snprintf(model, sizeof(model), "%s", c + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
	printf("# %s: CPU %s, %ld cores online; GEOS %s, PROJ %s, "
	       "cc %s; one thread\n", what, model,
	       sysconf(_SC_NPROCESSORS_ONLN), GEOS_VERSION,
	       proj_info().release, __VERSION__);
}

static FILE *open_out(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >=
	    sizeof(path))
		return NULL;
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
	return f;
}

static int cmd_run(struct geo_ctx *ctx, enum fset set, size_t nf,
		   size_t np, uint64_t seed, const char *dir, bool on_vertices)
{
	struct geo_region **regs = calloc(nf ? nf : 1, sizeof(*regs));
	struct geo_point *pos = malloc((np ? np : 1) * sizeof(*pos));
	struct geo_fenceset *fs = NULL;
	FILE *fw = NULL, *pw = NULL, *rw = NULL;
	uint64_t csum = 0, pairs = 0;
	size_t i, inside = 0;
	double t0, w0, build, cpu, wall;
	int rc = ENOMEM;

	if (!regs || !pos)
		goto out;
	if (dir && (!(fw = open_out(dir, "fences.csv")) ||
		    !(pw = open_out(dir, "pos.csv")) ||
		    !(rw = open_out(dir, "locd.txt")))) {
		rc = EIO;
		goto out;
	}
	t0 = cpu_now();
	rc = fences_build(ctx, set, seed, nf, regs, fw);
	if (!rc)
		rc = set_make(ctx, regs, nf, &fs);
	if (rc)
		goto out;
	build = cpu_now() - t0;
	if (on_vertices && nf)
		rc = vertices_make(set, seed, nf, np, pos);
	else
		pos_make(seed, np, pos);
	if (rc)
		goto out;
	for (i = 0; pw && i < np; i++)
		fprintf(pw, "%zu,%.17g,%.17g\n", i + 1, pos[i].lon,
			pos[i].lat);
	t0 = cpu_now();
	w0 = wall_now();
	for (i = 0; i < np; i++) {
		struct tally t = { 0, 0 };

		rc = geo_fenceset_query(fs, &pos[i], tally_h, &t);
		if (rc) {
			fprintf(stderr, "query %zu: %s\n", i + 1,
				strerror(rc));
			goto out;
		}
		pairs += t.count;
		csum += ((uint64_t)i + 1) * CSUM_MUL * t.count + t.fidsum;
		inside += t.count > 0;
		if (rw && t.count)
			fprintf(rw, "%zu %zu %llu\n", i + 1, t.count,
				(unsigned long long)t.fidsum);
	}
	cpu = cpu_now() - t0;
	wall = wall_now() - w0;
	printf("locd %s fences=%zu positions=%zu build_s=%.3f "
	       "cpu_s=%.3f wall_s=%.3f pos_per_s_cpu=%.0f "
	       "pos_per_s_wall=%.0f inside=%zu pairs=%llu checksum=%llu\n",
	       set == FSET_SMALL ? "small" : "complex", nf, np, build, cpu,
	       wall, np / (cpu > 0 ? cpu : 1e-9),
	       np / (wall > 0 ? wall : 1e-9), inside,
	       (unsigned long long)pairs, (unsigned long long)csum);
	rc = 0;
out:
	if ((fw && fclose(fw)) || (pw && fclose(pw)) || (rw && fclose(rw)))
		rc = rc ? rc : EIO;
	geo_fenceset_free(fs);
	for (i = 0; regs && i < nf; i++)
		geo_region_free(regs[i]);
	free(regs);
	free(pos);
	return rc;
}

/* ns per position testing every fence, without the index. */
static int linear_cost(struct geo_ctx *ctx, struct geo_region **regs,
		       size_t nf, const struct geo_point *pos, size_t np,
		       double *ns)
{
	double t0 = cpu_now();
	size_t i, j, hits = 0;

	for (i = 0; i < np; i++)
		for (j = 0; j < nf; j++) {
			enum geo_position p;
			int rc = geo_region_test_point(ctx, regs[j], &pos[i],
						       &p);
			if (rc)
				return rc;
			hits += p == GEO_POS_INSIDE;
		}
	*ns = (cpu_now() - t0) * 1e9 / (double)(np ? np : 1);
	return hits > nf * np ? EPROTO : 0;
}

static int cmd_scale(struct geo_ctx *ctx, enum fset set, size_t maxf,
		     size_t np, uint64_t seed, size_t lin)
{
	struct geo_region **regs = calloc(maxf ? maxf : 1, sizeof(*regs));
	struct geo_point *pos = malloc((np ? np : 1) * sizeof(*pos));
	size_t nf, i;
	int rc = ENOMEM;

	if (!regs || !pos)
		goto out;
	rc = fences_build(ctx, set, seed, maxf, regs, NULL);
	if (rc)
		goto out;
	pos_make(seed, np, pos);
	if (lin > np)
		lin = np;
	for (nf = 1; nf <= maxf && !rc; nf *= 10) {
		struct geo_fenceset *fs;
		uint64_t pairs = 0;
		double t0, cpu, lns = 0;

		rc = set_make(ctx, regs, nf, &fs);
		if (rc)
			break;
		t0 = cpu_now();
		for (i = 0; i < np && !rc; i++) {
			struct tally t = { 0, 0 };
			rc = geo_fenceset_query(fs, &pos[i], tally_h, &t);
			pairs += t.count;
		}
		cpu = cpu_now() - t0;
		geo_fenceset_free(fs);
		if (!rc && lin)
			rc = linear_cost(ctx, regs, nf, pos, lin, &lns);
		if (!rc)
			printf("scale %zu %.1f %.4f %.1f\n", nf,
			       cpu * 1e9 / (double)(np ? np : 1),
			       (double)pairs / (double)(np ? np : 1), lns);
		fflush(stdout);
	}
out:
	for (i = 0; regs && i < maxf; i++)
		geo_region_free(regs[i]);
	free(regs);
	free(pos);
	return rc;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: fence_vs_postgis run small|complex NFENCES NPOS "
		"[SEED [DIR]]\n"
		"       fence_vs_postgis vertices small|complex NFENCES NPOS "
		"[SEED [DIR]]\n"
		"       fence_vs_postgis scale small|complex MAXFENCES NPOS "
		"[SEED [LINSAMPLE]]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct geo_ctx *ctx;
	enum fset set;
	size_t nf, np, seed = 1, lin = 1000;
	int rc;

	if (argc < 5 || argc > 7)
		return usage();
	if (strcmp(argv[2], "small") == 0)
		set = FSET_SMALL;
	else if (strcmp(argv[2], "complex") == 0)
		set = FSET_COMPLEX;
	else
		return usage();
	if (parse_size(argv[3], MAX_FENCES, &nf) ||
	    parse_size(argv[4], MAX_POS, &np) ||
	    (argc > 5 && parse_size(argv[5], SIZE_MAX, &seed)) ||
	    (argc > 6 && strcmp(argv[1], "scale") == 0 &&
	     parse_size(argv[6], MAX_POS, &lin))) {
		fprintf(stderr, "fence_vs_postgis: bad number (fences <= %d, "
			"positions <= %d)\n", MAX_FENCES, MAX_POS);
		return 2;
	}
	if (geo_ctx_alloc(&ctx, NULL) != 0)
		return 1;
	if (strcmp(argv[1], "run") == 0 || strcmp(argv[1], "vertices") == 0) {
		conditions(argv[1][0] == 'r' ? "fence_vs_postgis run"
					     : "fence_vs_postgis vertices");
		rc = cmd_run(ctx, set, nf, np, seed,
			     argc > 6 ? argv[6] : NULL, argv[1][0] == 'v');
	} else if (strcmp(argv[1], "scale") == 0) {
		conditions("fence_vs_postgis scale");
		rc = cmd_scale(ctx, set, nf, np, seed, lin);
	} else {
		geo_ctx_free(ctx);
		return usage();
	}
	geo_ctx_free(ctx);
	if (rc)
		fprintf(stderr, "fence_vs_postgis: %s\n", strerror(rc));
	return rc ? 1 : 0;
}
