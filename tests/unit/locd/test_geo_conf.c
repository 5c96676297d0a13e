/*
 * test_geo_conf.c: the daemon's [geo] settings reach the geometry
 * engine (geo.max_vertices and the catalog caps of struct geo_limits),
 * and its filters keep of each feature only what the containment echo
 * reads (lf_opts.echo_only, issue 6), with the echo unchanged.
 */
#include <check.h>
#include <math.h>

#include "tests/unit/locd/locd_fake.h"

#include <libxml/tree.h>

#include "filters/lf.h"
#include "geo/geo.h"

/* The live subscription of callid (to alice), NULL when none. */
static struct locd_lsub *gc_lsub(struct lf_env *e, const char *callid)
{
	struct locd_target *t;
	struct locd_lsub *ls;

	if (locd_target_get(e->d, "sip:alice@localhost", false, &t))
		return NULL;
	for (ls = t->subs; ls; ls = ls->next)
		if (strcmp(locd_lsub_callid(ls), callid) == 0)
			return ls;
	return NULL;
}

/* Defaults: geo's own; set values: exactly those. */
START_TEST(test_geo_limits_passed)
{
	struct lf_env e = {0};
	const struct geo_limits *gl;
	struct geo_limits def;

	geo_limits_init(&def);
	lf_start(&e, true);
	gl = geo_ctx_limits(e.d->geo);
	ck_assert_uint_eq(gl->max_vertices, def.max_vertices);
	ck_assert_uint_eq(gl->max_catalog_shapes, def.max_catalog_shapes);
	ck_assert_uint_eq(gl->max_catalog_vertices,
			  def.max_catalog_vertices);
	ck_assert_uint_eq(gl->max_catalog_bytes, def.max_catalog_bytes);
	ck_assert_uint_eq(gl->max_shapes, def.max_shapes);
	lf_end(&e);

	memset(&e, 0, sizeof(e));
	e.sets[0][0] = "geo.max_vertices";
	e.sets[0][1] = "777";
	e.sets[1][0] = "geo.max_catalog_shapes";
	e.sets[1][1] = "12";
	e.sets[2][0] = "geo.max_catalog_vertices";
	e.sets[2][1] = "3456";
	e.sets[3][0] = "geo.max_catalog_bytes";
	e.sets[3][1] = "65536";
	e.nsets = 4;
	lf_start(&e, true);
	gl = geo_ctx_limits(e.d->geo);
	ck_assert_uint_eq(gl->max_vertices, 777);
	ck_assert_uint_eq(gl->max_catalog_shapes, 12);
	ck_assert_uint_eq(gl->max_catalog_vertices, 3456);
	ck_assert_uint_eq(gl->max_catalog_bytes, 65536);
	lf_end(&e);
}
END_TEST

/* geo.max_vertices = 4: the five positions of Building 10's ring are
 * one too many for a filter (refused), fine at 5. */
START_TEST(test_geo_max_vertices_filter)
{
	struct lf_env e = {0};

	e.sets[0][0] = "geo.max_vertices";
	e.sets[0][1] = "4";
	/* the catalog's Building 10 has five positions too */
	e.sets[1][0] = "geo.features_dir";
	e.sets[1][1] = "/nonexistent";
	e.nsets = 2;
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "v4", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 488);
	ck_assert_uint_eq(locd_sub_count(e.d), 0);
	lf_end(&e);

	memset(&e, 0, sizeof(e));
	e.sets[0][0] = "geo.max_vertices";
	e.sets[0][1] = "5";
	e.nsets = 1;
	lf_start(&e, true);
	ck_assert_uint_eq(lf_subscribe(&e, "v5", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 200);
	ck_assert_uint_eq(locd_sub_count(e.d), 1);
	lf_end(&e);
}
END_TEST

/* A catalog over a cap stops the start (EOVERFLOW): data/features/
 * building10.gml has 5,193 bytes and features of five positions. */
START_TEST(test_geo_catalog_caps)
{
	static const char *const bad[][2] = {
		{"geo.max_catalog_bytes", "1024"},
		{"geo.max_catalog_vertices", "4"},
		{"geo.max_vertices", "4"},
	};
	static const char *const sets[][2] = {
		{"auth.enabled", "no"}, {"sip.udp", ""}, {"sip.tcp", ""},
		{"sip.tls", ""}, {"http.listen", ""},
		{"policy.file", "data/demo/policy.ini"},
		{"geo.features_dir", "data/features/"},
	};
	struct locd_config_err ce;
	struct lf_env e = {0};
	struct locd *d = NULL;
	char path[128];
	size_t i, j;

	lf_start(&e, true);     /* a directory and the fake hooks */
	lf_stop(&e);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		locd_config_init(&e.cfg);
		for (j = 0; j < sizeof(sets) / sizeof(sets[0]); j++)
			ck_assert_int_eq(locd_config_set(&e.cfg, sets[j][0],
							 sets[j][1], &ce), 0);
		snprintf(path, sizeof(path), "%s/locd.db", e.dir);
		ck_assert_int_eq(locd_config_set(&e.cfg, "store.db", path,
						 &ce), 0);
		ck_assert_int_eq(locd_config_set(&e.cfg, bad[i][0], bad[i][1],
						 &ce), 0);
		ck_assert_int_eq(locd_alloc_hooks(&d, NULL, &e.cfg, &e.lg,
						  &e.hooks), EOVERFLOW);
		ck_assert_ptr_null(d);
		locd_config_reset(&e.cfg);
	}
	lf_end(&e);
}
END_TEST

/* echo_only: the NOTIFY echoes QName, gml:id and gml:name as before;
 * the kept feature element has its attributes and gml:name and no
 * geometry. */
START_TEST(test_geo_echo_only)
{
	struct lf_env e = {0};
	const struct lf_feature *f;
	const struct _xmlNode *k;
	struct locd_lsub *ls;
	size_t first, last = 0, nk = 0;
	double t = floor(locd_wall()) - 60;

	lf_start(&e, true);
	ck_assert_int_eq(lf_fix(&e, LF_OUTSIDE_LAT, LF_OUTSIDE_LON, t), 0);
	ck_assert_uint_eq(lf_subscribe(&e, "eo", 1, NULL, "location",
				       LF_CTYPE_DRAFT, lf_b10, 3600), 200);
	first = e.n;
	ck_assert_int_eq(lf_fix(&e, LF_INSIDE_LAT, LF_INSIDE_LON, t + 1), 0);
	lf_advance(&e, 2000);
	ck_assert_uint_eq(lf_notifies(&e, first, "eo", &last), 1);
	ck_assert(lf_has(&e.m[last], " xmlns:my=\"urn:example:my\""));
	ck_assert(lf_has(&e.m[last],
			 "<pr:containment position=\"inside\">"
			 "<my:Building gml:id=\"b10\">"
			 "<gml:name>Building 10</gml:name></my:Building>"
			 "</pr:containment>"));
	ls = gc_lsub(&e, "eo");
	ck_assert_ptr_nonnull(ls);
	ck_assert_uint_eq(lf_filter_nfeatures(ls->filter), 1);
	f = lf_filter_feature(ls->filter, 0);
	ck_assert_ptr_nonnull(f->node);
	ck_assert_str_eq(f->id, "b10");
	ck_assert_str_eq(f->name, "Building 10");
	ck_assert(f->resolved);
	for (k = f->node->children; k; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		ck_assert_str_eq((const char *)k->name, "name");
		nk++;
	}
	ck_assert_uint_eq(nk, 1);
	lf_end(&e);
}
END_TEST

TCase *tcase_geo_conf(void);
TCase *tcase_geo_conf(void)
{
	TCase *tc = tcase_create("geo_conf");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_geo_limits_passed);
	tcase_add_test(tc, test_geo_max_vertices_filter);
	tcase_add_test(tc, test_geo_catalog_caps);
	tcase_add_test(tc, test_geo_echo_only);
	return tc;
}
