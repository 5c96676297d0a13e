/*
 * test_policy.c: locd/policy.c, disclosure decisions (SEC-7, SEC-8,
 * SEC-9, Q-27, Q-28), grid coarsening (SEC-16, T23) and the INI reader.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/policy.h"

static struct locd_policy *demo(void)
{
	struct locd_policy *p = NULL;
	unsigned line = 99;
	const char *reason = "x";

	ck_assert_int_eq(locd_policy_load(&p, "data/demo/policy.ini", &line,
					  &reason),
			 0);
	ck_assert_uint_eq(line, 0);
	ck_assert_ptr_null(reason);
	return p;
}

/* The demo policy, subscriber by subscriber. */
START_TEST(test_policy_demo)
{
	struct locd_policy *p = demo();
	struct locd_policy_decision d;
	struct geo_point in = {47.3769, 8.5417, 420, true}, out;
	double r = -1;

	ck_assert_uint_eq(locd_policy_count(p), 8);
	/* self: precise, everything */
	locd_policy_decide(p, "sip:alice@localhost", "sip:alice@localhost",
			   false, &d);
	ck_assert_int_eq(d.basis, LOCD_POLICY_RULE);
	ck_assert_int_eq(d.precision, LOCD_PRECISION_PRECISE);
	ck_assert_str_eq(d.rule, "alice-self");
	ck_assert(locd_policy_feature_allowed(&d, "anything"));
	ck_assert(locd_policy_civic_allowed(&d, LOCD_CIVIC_HNO));
	ck_assert_int_eq(locd_policy_apply(&d, &in, &out, &r), 0);
	ck_assert(out.lat == in.lat && out.lon == in.lon && out.has_alt);
	ck_assert(r == 0);
	/* bob -> alice: precise over TLS, the building only (SEC-9) */
	locd_policy_decide(p, "sip:bob@localhost", "sip:alice@localhost",
			   true, &d);
	ck_assert_int_eq(d.basis, LOCD_POLICY_RULE);
	ck_assert_int_eq(d.precision, LOCD_PRECISION_PRECISE);
	ck_assert(d.tls_required);
	ck_assert(locd_policy_feature_allowed(&d, "building10"));
	ck_assert(locd_policy_feature_allowed(&d, "b10"));
	ck_assert(!locd_policy_feature_allowed(&d, "elevator"));
	ck_assert(!locd_policy_feature_allowed(&d, "building1"));
	/* ... and without TLS nothing, answered undefined */
	locd_policy_decide(p, "sip:bob@localhost", "sip:alice@localhost",
			   false, &d);
	ck_assert_int_eq(d.basis, LOCD_POLICY_TLS_REQUIRED);
	ck_assert_int_eq(d.precision, LOCD_PRECISION_NONE);
	ck_assert(!d.refuse_403);
	ck_assert(!locd_policy_feature_allowed(&d, "building10"));
	ck_assert_int_eq(locd_policy_apply(&d, &in, &out, &r), ENOENT);
	/* carol -> alice: 5 km cells, no fences, coarse civic default */
	locd_policy_decide(p, "sip:carol@localhost", "sip:alice@localhost",
			   false, &d);
	ck_assert_int_eq(d.precision, LOCD_PRECISION_COARSE);
	ck_assert_int_eq(d.grid_unit, LOCD_GRID_METRES);
	ck_assert(d.grid == 5000);
	ck_assert(!locd_policy_feature_allowed(&d, "building10"));
	ck_assert(locd_policy_civic_allowed(&d, LOCD_CIVIC_A2));
	ck_assert(!locd_policy_civic_allowed(&d, LOCD_CIVIC_A3));
	ck_assert_int_eq(locd_policy_apply(&d, &in, &out, &r), 0);
	ck_assert(!out.has_alt);
	ck_assert(fabs(out.lat - in.lat) < 0.05 && out.lat != in.lat);
	ck_assert(r > 3500 && r < 3600);	/* about 5000 / sqrt 2 */
	/* alice -> bob: civic-only beats the * / * rule */
	locd_policy_decide(p, "sip:alice@localhost", "sip:bob@localhost",
			   false, &d);
	ck_assert_str_eq(d.rule, "alice-sees-others");
	ck_assert_int_eq(d.precision, LOCD_PRECISION_CIVIC);
	ck_assert(locd_policy_civic_allowed(&d, LOCD_CIVIC_A3));
	ck_assert(!locd_policy_civic_allowed(&d, LOCD_CIVIC_HNO));
	ck_assert_int_eq(locd_policy_apply(&d, &in, &out, &r), ENOENT);
	/* another authenticated user: 1 degree cells, country only */
	locd_policy_decide(p, "sip:dave@localhost", "sip:alice@localhost",
			   false, &d);
	ck_assert_str_eq(d.rule, "users");
	ck_assert_int_eq(d.grid_unit, LOCD_GRID_DEGREES);
	ck_assert_int_eq(locd_policy_apply(&d, &in, &out, NULL), 0);
	ck_assert(out.lat == 47.5 && out.lon == 8.5);
	ck_assert(locd_policy_civic_allowed(&d, LOCD_CIVIC_COUNTRY));
	ck_assert(!locd_policy_civic_allowed(&d, LOCD_CIVIC_A1));
	/* anonymous (by name or NULL): nothing, and a 403 */
	locd_policy_decide(p, "anonymous", "sip:alice@localhost", true, &d);
	ck_assert_str_eq(d.rule, "anonymous");
	ck_assert_int_eq(d.precision, LOCD_PRECISION_NONE);
	ck_assert(d.refuse_403);
	locd_policy_decide(p, NULL, "sip:alice@localhost", true, &d);
	ck_assert_str_eq(d.rule, "anonymous");
	/* AOR comparison: scheme and host any case, sips = sip, user
	 * exact */
	locd_policy_decide(p, "SIPS:bob@LocalHost", "sip:alice@localhost",
			   true, &d);
	ck_assert_str_eq(d.rule, "bob-sees-alice");
	locd_policy_decide(p, "sip:Bob@localhost", "sip:alice@localhost",
			   true, &d);
	ck_assert_str_eq(d.rule, "users");
	locd_policy_free(p);
}
END_TEST

/* Precedence: S/T > S/ * > * /T > * / *; no rule denies; [defaults]
 * refusal carries into rules that do not set their own. */
START_TEST(test_policy_precedence)
{
	const char *text =
		"[defaults]\n"
		"refusal = 403\n"
		"[rule any-any]\n"
		"subscriber = *\ntarget = *\nprecision = none\n"
		"[rule any-t]\n"
		"subscriber = *\ntarget = sip:t@x\nprecision = civic-only\n"
		"civic = country\n"
		"[rule s-any]\n"
		"subscriber = sip:s@x\ntarget = *\nprecision = coarse\n"
		"grid = 0.5 deg\nrefusal = undefined\n"
		"[rule s-t]\n"
		"target = sip:t@x\nsubscriber = sip:s@x\n"
		"precision = precise\nfeatures = a b,c\n";
	struct locd_policy *p = NULL;
	struct locd_policy_decision d;
	unsigned line = 0;
	const char *reason = NULL;

	ck_assert_int_eq(locd_policy_parse(&p, text, strlen(text), &line,
					   &reason),
			 0);
	locd_policy_decide(p, "sip:s@x", "sip:t@x", false, &d);
	ck_assert_str_eq(d.rule, "s-t");
	ck_assert(d.refuse_403);
	ck_assert_uint_eq(d.n_features, 3);
	ck_assert(locd_policy_feature_allowed(&d, "c"));
	locd_policy_decide(p, "sip:s@x", "sip:u@x", false, &d);
	ck_assert_str_eq(d.rule, "s-any");
	ck_assert(!d.refuse_403);
	locd_policy_decide(p, "sip:o@x", "sip:t@x", false, &d);
	ck_assert_str_eq(d.rule, "any-t");
	locd_policy_decide(p, "sip:o@x", "sip:u@x", false, &d);
	ck_assert_str_eq(d.rule, "any-any");
	ck_assert_int_eq(d.basis, LOCD_POLICY_RULE);
	ck_assert_int_eq(d.precision, LOCD_PRECISION_NONE);
	/* * is for authenticated subscribers only */
	locd_policy_decide(p, NULL, "sip:t@x", false, &d);
	ck_assert_int_eq(d.basis, LOCD_POLICY_NO_RULE);
	ck_assert_ptr_null(d.rule);
	ck_assert(d.refuse_403);	/* from [defaults] */
	locd_policy_decide(NULL, "sip:s@x", "sip:t@x", false, &d);
	ck_assert_int_eq(d.basis, LOCD_POLICY_NO_RULE);
	locd_policy_free(p);
}
END_TEST

/* Every error: code, line and message. */
static const struct {
	const char *text;
	int err;
	unsigned line;
	const char *reason;
} bad[] = {
	{"[rule a]\nsubscriber = *\ntarget = *\n", ENOENT, 1,
	 "rule without precision"},
	{"# c\n[rule a]\ntarget = *\nprecision = none\n[rule b]\n", ENOENT, 2,
	 "rule without subscriber"},
	{"[rule a]\nsubscriber = *\nprecision = none\n", ENOENT, 1,
	 "rule without target"},
	{"[rule a]\nsubscriber = *\ntarget = *\nprecision = coarse\n", EINVAL,
	 1, "precision coarse needs a grid"},
	{"[rule a]\nsubscriber = *\ntarget = *\nprecision = precise\n"
	 "grid = 1 m\n",
	 EINVAL, 1, "grid is only for precision coarse"},
	{"[rule a]\nsubscriber = *\ntarget = *\nprecision = civic-only\n",
	 EINVAL, 1, "precision civic-only needs civic"},
	{"[rule a]\nsubscriber = *\ntarget = *\nprecision = none\n"
	 "civic = A1\n",
	 EINVAL, 1, "civic is only for precision civic-only or coarse"},
	{"[rule a]\nsubscriber = *\ntarget = *\nprecision = none\n\n"
	 "[rule b]\nsubscriber = *\ntarget = *\nprecision = precise\n",
	 EEXIST, 6, "another rule has the same subscriber and target"},
	{"[rule a]\nsubscriber = sip:x@H\ntarget = *\nprecision = none\n"
	 "[rule b]\nsubscriber = SIPS:x@h\ntarget = *\nprecision = none\n",
	 EEXIST, 5, "another rule has the same subscriber and target"},
	{"[rule a]\nsubscriber = bob\n", EINVAL, 2,
	 "subscriber is not *, anonymous or a sip:/sips: AOR"},
	{"[rule a]\nsubscriber = sip:bob\n", EINVAL, 2,
	 "subscriber is not *, anonymous or a sip:/sips: AOR"},
	{"[rule a]\ntarget = anonymous\n", EINVAL, 2,
	 "target cannot be anonymous"},
	{"[rule a]\ntarget = tel:+123\n", EINVAL, 2,
	 "target is not * or a sip:/sips: AOR"},
	{"[rule a]\nprecision = exact\n", EINVAL, 2,
	 "precision is not precise, coarse, civic-only or none"},
	{"[rule a]\ngrid = 5 miles\n", EINVAL, 2,
	 "grid unit is not m, km or deg"},
	{"[rule a]\ngrid = -5 m\n", EINVAL, 2,
	 "grid is not a number and unit"},
	{"[rule a]\ngrid = nan m\n", EINVAL, 2,
	 "grid is not a number and unit"},
	{"[rule a]\ngrid = 0.5 m\n", EINVAL, 2,
	 "grid out of range (1 m..20000 km, or 0..180 deg)"},
	{"[rule a]\ngrid = 181 deg\n", EINVAL, 2,
	 "grid out of range (1 m..20000 km, or 0..180 deg)"},
	{"[rule a]\ncivic = country street\n", EINVAL, 2,
	 "civic field is not an RFC 5139 element name"},
	{"[rule a]\ncivic = ,\n", EINVAL, 2, "civic lists no field"},
	{"[rule a]\nfeatures = a, all\n", EINVAL, 2,
	 "all or none must stand alone"},
	{"[rule a]\nfeatures =\n", EINVAL, 2, "features is empty (use none)"},
	{"[rule a]\ntls = maybe\n", EINVAL, 2,
	 "tls is not required or optional"},
	{"[rule a]\nrefusal = 404\n", EINVAL, 2,
	 "refusal is not 403 or undefined"},
	{"[rule a]\nprecision = none\nprecision = none\n", EEXIST, 3,
	 "key given twice"},
	{"[rule a]\ncolour = red\n", ENOENT, 2, "unknown key in a rule"},
	{"[defaults]\nrefusal = 403\nrefusal = 403\n", EEXIST, 3,
	 "key given twice"},
	{"[defaults]\nprecision = none\n", ENOENT, 2,
	 "unknown key in [defaults]"},
	{"[rule a]\nsubscriber = *\ntarget = *\nprecision = none\n"
	 "[defaults]\n",
	 EBADMSG, 5, "[defaults] must come once, first"},
	{"[rules a]\n", ENOENT, 1, "section is not [defaults] or [rule NAME]"},
	{"[rule]\n", ENOENT, 1, "section is not [defaults] or [rule NAME]"},
	/* the INI reader's own errors */
	{"precision = none\n", EBADMSG, 1, "key outside a section"},
	{"[rule a\n", EBADMSG, 1, "section header without ']'"},
	{"[ ]\n", EBADMSG, 1, "empty section name"},
	{"[rule a]\njust words\n", EBADMSG, 2,
	 "expected [section] or key = value"},
	{"[rule a]\n = x\n", EBADMSG, 2, "bad key name"},
	{"[rule a]\nke y = x\n", EBADMSG, 2, "bad key name"},
};

START_TEST(test_policy_errors)
{
	struct locd_policy *p = NULL;
	unsigned line = 0;
	const char *reason = NULL;
	int err;

	err = locd_policy_parse(&p, bad[_i].text, strlen(bad[_i].text),
				&line, &reason);
	ck_assert_msg(err == bad[_i].err, "case %d: err %d (%s)", _i, err,
		      reason);
	ck_assert_msg(line == bad[_i].line, "case %d: line %u", _i, line);
	ck_assert_str_eq(reason, bad[_i].reason);
	ck_assert_ptr_null(p);
}
END_TEST

/* INI reader details: CRLF, comments, inline comments, values with '='
 * and ';' inside, limits. */
struct ini_log {
	char out[512];
	size_t n;
};

static int ini_cb(const struct locd_ini_item *it, void *arg,
		  const char **reason)
{
	struct ini_log *l = arg;
	int k;

	(void)reason;
	if (it->kind == LOCD_INI_SECTION)
		k = snprintf(l->out + l->n, sizeof(l->out) - l->n, "%u[%s]",
			     it->line, it->section);
	else if (it->kind == LOCD_INI_KEY)
		k = snprintf(l->out + l->n, sizeof(l->out) - l->n,
			     "%u%s.%s=<%s>", it->line, it->section, it->key,
			     it->value);
	else
		k = snprintf(l->out + l->n, sizeof(l->out) - l->n, "%uEND",
			     it->line);
	l->n += (size_t)k;
	return 0;
}

START_TEST(test_policy_ini)
{
	const char *text = "; c\r\n"
			   "  [ s 1 ]  # c\r\n"
			   "a=1\r\n"
			   "b.c-d_e =  x=y;z  ; comment\n"
			   "\tempty =\n"
			   "q = a#b # c\n";
	static char big[LOCD_INI_LINE_MAX + 8];
	struct ini_log l = {.n = 0};
	unsigned line = 0;
	const char *reason = NULL;

	ck_assert_int_eq(locd_ini_parse(text, strlen(text), ini_cb, &l, &line,
					&reason),
			 0);
	ck_assert_str_eq(l.out, "2[s 1]3s 1.a=<1>4s 1.b.c-d_e=<x=y;z>"
				"5s 1.empty=<>6s 1.q=<a#b>6END");
	memset(big, 'k', sizeof(big) - 1);
	big[0] = '[';
	ck_assert_int_eq(locd_ini_parse(big, strlen(big), ini_cb, &l, &line,
					&reason),
			 EOVERFLOW);
	ck_assert_str_eq(reason, "line too long");
	ck_assert_int_eq(locd_ini_parse("[a]\nx\0y = 1\n", 12, ini_cb, &l,
					&line, &reason),
			 EBADMSG);
	ck_assert_str_eq(reason, "NUL byte in line");
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(locd_ini_parse(NULL, 1, ini_cb, &l, &line, &reason),
			 EINVAL);
}
END_TEST

/* T23 / SEC-16: with a 5 km grid, a 200 m walk in town gives the same
 * coarse position at every step (so a movedHoriz 5 m trigger evaluated
 * on the authorised view never fires), and the value changes only when
 * the target leaves the cell. */
START_TEST(test_policy_t23_walk)
{
	struct geo_point start = {47.3769, 8.5417, 0, false}, c0, p, c;
	double r0, r;
	int step;

	ck_assert_int_eq(locd_coarsen_metres(&start, 5000, &c0, &r0), 0);
	/* the cell centre is within half a diagonal of the fix */
	ck_assert(fabs(c0.lat - start.lat) * 111195 <= 2500 + 1e-6);
	/* walk 200 m north-east from the cell centre in 10 m steps */
	for (step = 0; step <= 20; step++) {
		double d = step * 10.0 / M_SQRT2;	/* metres per axis */
		p = c0;
		p.lat += d / 111195.0;
		p.lon += d / (111195.0 * cos(c0.lat * M_PI / 180));
		ck_assert_int_eq(locd_coarsen_metres(&p, 5000, &c, &r), 0);
		ck_assert(c.lat == c0.lat && c.lon == c0.lon);
		ck_assert(r == r0);
	}
	/* 6 km north is another row */
	p = c0;
	p.lat += 6000 / 111195.0;
	ck_assert_int_eq(locd_coarsen_metres(&p, 5000, &c, &r), 0);
	ck_assert(c.lat != c0.lat);
	ck_assert(fabs((c.lat - c0.lat) * 111195.0 - 5000) < 1);
	/* 6 km east is another cell of the same row */
	p = c0;
	p.lon += 6000 / (111195.0 * cos(c0.lat * M_PI / 180));
	ck_assert_int_eq(locd_coarsen_metres(&p, 5000, &c, &r), 0);
	ck_assert(c.lat == c0.lat && c.lon != c0.lon);
}
END_TEST

/* Grid details: cell shape, degrees, poles, antimeridian, arguments. */
START_TEST(test_policy_grid)
{
	struct geo_point p = {0.1, 0.1, 0, false}, c;
	double r;

	/* equator, 1 degree: cell [0,1) x [0,1) */
	ck_assert_int_eq(locd_coarsen_degrees(&p, 1, &c, &r), 0);
	ck_assert(c.lat == 0.5 && c.lon == 0.5);
	ck_assert(fabs(r - 0.5 * 111195 * sqrt(1 + cos(0.5 * M_PI / 180) *
						     cos(0.5 * M_PI / 180))) <
		  1);
	p = (struct geo_point){-0.1, -0.1, 0, false};
	ck_assert_int_eq(locd_coarsen_degrees(&p, 1, &c, NULL), 0);
	ck_assert(c.lat == -0.5 && c.lon == -0.5);
	/* lon 180 is lon -180; the poles land in the edge rows */
	p = (struct geo_point){90, 180, 0, false};
	ck_assert_int_eq(locd_coarsen_degrees(&p, 1, &c, NULL), 0);
	ck_assert(c.lat == 89.5 && c.lon == -179.5);
	/* 0.7 degree rows: the top one is [89.9, 90], its centre 89.95 */
	ck_assert_int_eq(locd_coarsen_degrees(&p, 0.7, &c, NULL), 0);
	ck_assert(fabs(c.lat - 89.95) < 1e-9);
	ck_assert_int_eq(locd_coarsen_metres(&p, 5000, &c, &r), 0);
	ck_assert(c.lat < 90 && c.lat > 89.9);
	/* the polar row, 15.7 km round, has 3 cells of 120 degrees */
	ck_assert(c.lon == -120);
	/* metre cells stay about square away from the equator */
	p = (struct geo_point){60.0, 10.0, 0, false};
	ck_assert_int_eq(locd_coarsen_metres(&p, 10000, &c, &r), 0);
	ck_assert(r > 0.5 * sqrt(2) * 10000 * 0.99 &&
		  r < 0.5 * sqrt(2) * 10000 * 1.01);
	/* arguments */
	ck_assert_int_eq(locd_coarsen_metres(&p, 0.5, &c, &r), EINVAL);
	ck_assert_int_eq(locd_coarsen_degrees(&p, 0, &c, &r), EINVAL);
	ck_assert_int_eq(locd_coarsen_degrees(&p, NAN, &c, &r), EINVAL);
	p.lat = 91;
	ck_assert_int_eq(locd_coarsen_metres(&p, 5000, &c, &r), EINVAL);
	ck_assert_str_eq(locd_civic_name(LOCD_CIVIC_RDSUBBR), "RDSUBBR");
	ck_assert_ptr_null(locd_civic_name((enum locd_civic)31));
}
END_TEST

/* Files: missing, too large limit message. */
START_TEST(test_policy_files)
{
	struct locd_policy *p = NULL;
	unsigned line = 7;
	const char *reason = NULL;

	ck_assert_int_eq(locd_policy_load(&p, "data/demo/none.ini", &line,
					  &reason),
			 ENOENT);
	ck_assert_str_eq(reason, "cannot read the policy file");
	ck_assert_uint_eq(line, 0);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(locd_policy_parse(&p, "", LOCD_POLICY_FILE_MAX + 1,
					   &line, &reason),
			 EOVERFLOW);
	ck_assert_int_eq(locd_policy_parse(&p, "", 0, &line, &reason), 0);
	ck_assert_uint_eq(locd_policy_count(p), 0);
	locd_policy_free(p);
}
END_TEST

/* Mutations of the demo policy: every result is 0 or a documented code
 * with a reason and a line inside the text; exact-size heap copies let
 * ASan catch any read past the end. */
START_TEST(test_policy_mutate)
{
	static const char alphabet[] = "[]=#;, \n\tsip:@*abc-0.5";
	char *text = NULL, *buf, *heap;
	size_t len = 0;
	uint32_t seed = 777;
	int i, j, ok = 0;

	ck_assert_int_eq(locd_file_read("data/demo/policy.ini",
					LOCD_POLICY_FILE_MAX, &text, &len),
			 0);
	buf = malloc(len + 1);
	ck_assert_ptr_nonnull(buf);
	for (i = 0; i < 3000; i++) {
		struct locd_policy *p = NULL;
		unsigned line = 0, lines = 1;
		const char *reason = NULL;
		size_t n = len, k;
		int err;

		memcpy(buf, text, len);
		for (j = 0; j < 3; j++) {
			size_t at;
			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % n;
			seed = seed * 1103515245u + 12345u;
			if (seed % 4 == 0 && n > 1) {
				memmove(buf + at, buf + at + 1, n - at - 1);
				n--;
			} else {
				buf[at] = alphabet[(seed >> 8) %
						   (sizeof(alphabet) - 1)];
			}
		}
		for (k = 0; k < n; k++)
			lines += buf[k] == '\n';
		heap = malloc(n);
		ck_assert_ptr_nonnull(heap);
		memcpy(heap, buf, n);
		err = locd_policy_parse(&p, heap, n, &line, &reason);
		free(heap);
		if (!err) {
			ok++;
			ck_assert_uint_le(locd_policy_count(p), 16);
			locd_policy_free(p);
			continue;
		}
		ck_assert_msg(err == EBADMSG || err == EEXIST ||
				      err == ENOENT || err == EINVAL ||
				      err == EOVERFLOW,
			      "mutation %d: err %d", i, err);
		ck_assert_ptr_nonnull(reason);
		ck_assert_uint_ge(line, 1);
		ck_assert_uint_le(line, lines);
		ck_assert_ptr_null(p);
	}
	ck_assert_int_gt(ok, 100);	/* comments absorb many mutations */
	free(buf);
	free(text);
}
END_TEST

TCase *tcase_policy(void);
TCase *tcase_policy(void)
{
	TCase *tc = tcase_create("policy");
	tcase_add_test(tc, test_policy_demo);
	tcase_add_test(tc, test_policy_precedence);
	tcase_add_loop_test(tc, test_policy_errors, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_policy_ini);
	tcase_add_test(tc, test_policy_t23_walk);
	tcase_add_test(tc, test_policy_grid);
	tcase_add_test(tc, test_policy_files);
	tcase_add_test(tc, test_policy_mutate);
	return tc;
}
