/*
 * locd_osmand_fuzz.c: libFuzzer target for the OsmAnd/Traccar query
 * parser (locd/http.h: locd_osmand_parse, locd_fix_check,
 * locd_iso8601_parse, and the Traccar JSON form locd_osmand_parse_json
 * with locd_osmand_query_token; STYLE.md 2.6 and 2.11).  The input is
 * parsed as a query string or form body and as a JSON body, each with
 * the default limits and with small ones; a parsed fix is checked for
 * plausibility against a clock and a last fix taken from the fix
 * itself.  Built by `make fuzz` (tests/fuzz/README.md).
 *
 * Properties checked besides memory safety:
 * - results are in the documented sets and *why matches them
 *   (EBADMSG: MALFORMED, EOVERFLOW: LIMIT, ERANGE: RANGE, NAN or NOFIX);
 *   the reason is a non-empty line without quotes or control characters;
 * - a parsed fix is in range: device id 1..64 bytes of [A-Za-z0-9._-],
 *   lat/lon valid, speed >= 0 and finite (m/s), bearing 0..360,
 *   accuracy and hdop non-negative, time finite, token NUL-terminated;
 * - the limits hold: input over query_max is EOVERFLOW;
 * - locd_fix_check: a fix is ORDER against itself as the last fix
 *   (EALREADY), ORDER when older (ERANGE), accepted when newer;
 * - locd_iso8601_parse gives 0 with a finite time, EBADMSG or ERANGE.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "locd/http.h"
#include "locd/metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_NOW 1700000000.0

static void fz_assert(int ok)
{
	if (!ok)
		abort();
}

static void reason_ok(const char *s)
{
	size_t i, n;

	fz_assert(s != NULL);
	n = strnlen(s, 200);
	fz_assert(n > 0 && n < 200);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		fz_assert(c >= 0x20 && c != 0x7f && c != '"');
	}
}

static bool id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

static void fix_ok(const struct locd_fix *f)
{
	size_t i, n = strnlen(f->device, sizeof(f->device));

	fz_assert(n > 0 && n <= LOCD_DEVICE_ID_MAX);
	for (i = 0; i < n; i++)
		fz_assert(id_char(f->device[i]));
	fz_assert(strnlen(f->token, sizeof(f->token)) <= LOCD_TOKEN_MAX);
	fz_assert(geo_point_valid(&f->pos));
	fz_assert(isfinite(f->time));
	if (f->has_speed)
		fz_assert(isfinite(f->speed) && f->speed >= 0);
	if (f->has_bearing)
		fz_assert(f->bearing >= 0 && f->bearing <= 360);
	if (f->has_accuracy)
		fz_assert(isfinite(f->accuracy) && f->accuracy >= 0);
	if (f->has_hdop)
		fz_assert(isfinite(f->hdop) && f->hdop >= 0);
	if (!f->has_time)
		fz_assert(f->time == FZ_NOW);
}

static void check(const struct locd_fix *f)
{
	struct locd_fix_check c = {
		.now = f->time, .max_skew = 300, .has_last = true,
		.last_time = f->time,
	};
	enum locd_refuse why;
	const char *reason;

	/* the same time again: a resend */
	fz_assert(locd_fix_check(f, &c, &why, &reason) == EALREADY);
	fz_assert(why == LOCD_REFUSE_ORDER);
	reason_ok(reason);
	/* older than the last */
	c.last_time = f->time + 10;
	if (c.last_time > f->time) {
		fz_assert(locd_fix_check(f, &c, &why, &reason) == ERANGE);
		fz_assert(why == LOCD_REFUSE_ORDER);
		reason_ok(reason);
	}
	/* newer than the last, at the clock */
	c.last_time = f->time - 10;
	if (c.last_time < f->time)
		fz_assert(locd_fix_check(f, &c, NULL, NULL) == 0);
	/* an hour ahead of the clock */
	c.has_last = false;
	c.now = f->time - 3600;
	if (c.now + 300 < f->time) {
		fz_assert(locd_fix_check(f, &c, &why, &reason) == ERANGE);
		fz_assert(why == LOCD_REFUSE_FUTURE);
	}
}

static void parse(const char *p, size_t n,
		  const struct locd_osmand_limits *lim, bool json)
{
	struct locd_fix f;
	enum locd_refuse why = LOCD_REFUSE_COUNT;
	const char *reason = NULL;
	size_t qmax = lim && lim->query_max ? lim->query_max :
		      LOCD_OSMAND_QUERY_MAX;
	int e;

	if (json)
		e = locd_osmand_parse_json(p, n, lim, FZ_NOW, &f, &why,
					   &reason);
	else
		e = locd_osmand_parse(p, n, lim, FZ_NOW, &f, &why, &reason);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW || e == ERANGE);
	if (n > qmax)
		fz_assert(e == EOVERFLOW);
	if (!e) {
		fix_ok(&f);
		check(&f);
		return;
	}
	reason_ok(reason);
	fz_assert(strcmp(locd_refuse_name(why), "?") != 0);
	if (e == EBADMSG)
		fz_assert(why == LOCD_REFUSE_MALFORMED);
	else if (e == EOVERFLOW)
		fz_assert(why == LOCD_REFUSE_LIMIT);
	else
		fz_assert(why == LOCD_REFUSE_RANGE || why == LOCD_REFUSE_NAN ||
			  why == LOCD_REFUSE_NOFIX);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	struct locd_osmand_limits small = {64, 4};
	char tok[LOCD_TOKEN_MAX + 1];
	const char *reason = NULL;
	double t;
	int e;

	if (size > LOCD_OSMAND_QUERY_CAP)
		return 0;
	parse(p, size, NULL, false);
	parse(p, size, &small, false);
	parse(p, size, NULL, true);
	parse(p, size, &small, true);
	e = locd_osmand_query_token(p, size, tok, &reason);
	fz_assert(e == 0 || e == EBADMSG || e == EOVERFLOW);
	if (e)
		reason_ok(reason);
	else
		fz_assert(strnlen(tok, sizeof(tok)) <= LOCD_TOKEN_MAX);
	e = locd_iso8601_parse(p, size, &t);
	fz_assert(e == 0 || e == EBADMSG || e == ERANGE);
	if (!e)
		fz_assert(isfinite(t));
	return 0;
}
