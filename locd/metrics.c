/*
 * metrics.c: counters, gauges and one kind of histogram, printed in the
 * Prometheus text exposition format 0.0.4.
 *
 * Label sets are rendered (escaped) once at registration, so printing
 * only copies bytes and formats numbers; bumping a series touches only
 * that series' own fields.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locd/metrics.h"

struct metric_family {
	char name[LOCD_METRICS_NAME_MAX + 1];
	char *help;			/* escaped for a HELP line */
	enum locd_metric_type type;
	double buckets[LOCD_METRICS_BUCKETS_MAX];
	size_t n_buckets;
};

struct locd_metric {
	struct metric_family *fam;
	char *labels;		/* `a="x",b="y"` (no braces), "" when none */
	uint64_t count;		/* counter total; histogram observations */
	double value;		/* gauge value; histogram sum */
	uint64_t bucket[LOCD_METRICS_BUCKETS_MAX]; /* not cumulative */
};

struct locd_metrics {
	struct metric_family *fam[LOCD_METRICS_SERIES_MAX];
	size_t n_fam;
	struct locd_metric *series[LOCD_METRICS_SERIES_MAX];
	size_t n_series;
};

int locd_metrics_alloc(struct locd_metrics **mp)
{
	struct locd_metrics *m;

	if (!mp)
		return EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return ENOMEM;
	*mp = m;
	return 0;
}

void locd_metrics_free(struct locd_metrics *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->n_series; i++) {
		free(m->series[i]->labels);
		free(m->series[i]);
	}
	for (i = 0; i < m->n_fam; i++) {
		free(m->fam[i]->help);
		free(m->fam[i]);
	}
	free(m);
}

static bool name_ok(const char *s, bool colon)
{
	size_t i;

	if (!s || !*s || strlen(s) > LOCD_METRICS_NAME_MAX)
		return false;
	for (i = 0; s[i]; i++) {
		char c = s[i];
		bool alpha = (c >= 'a' && c <= 'z') ||
			     (c >= 'A' && c <= 'Z') || c == '_' ||
			     (colon && c == ':');
		if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
			return false;
	}
	return true;
}

/* Escape into out (NULL: only count). HELP escapes \ and newline; label
 * values also the double quote. Returns the escaped length. */
static size_t escape(const char *s, bool quote, char *out)
{
	size_t n = 0;

	for (; *s; s++) {
		const char *rep = NULL;
		if (*s == '\\')
			rep = "\\\\";
		else if (*s == '\n')
			rep = "\\n";
		else if (quote && *s == '"')
			rep = "\\\"";
		if (rep) {
			if (out)
				memcpy(out + n, rep, 2);
			n += 2;
		} else {
			if (out)
				out[n] = *s;
			n++;
		}
	}
	return n;
}

static char *escape_dup(const char *s, bool quote)
{
	size_t n = escape(s, quote, NULL);
	char *p = malloc(n + 1);

	if (!p)
		return NULL;
	escape(s, quote, p);
	p[n] = '\0';
	return p;
}

/* Check the label pairs and render them; *outp gets a heap string. */
static int labels_render(const char *const *labels, bool histogram,
			 char **outp)
{
	size_t i, n = 0, len = 0;
	char *out;

	for (i = 0; labels && labels[i]; i += 2) {
		const char *k = labels[i], *v = labels[i + 1];
		size_t j;
		if (!v || !name_ok(k, false) || strncmp(k, "__", 2) == 0 ||
		    (histogram && strcmp(k, "le") == 0))
			return EINVAL;
		if (++n > LOCD_METRICS_LABELS_MAX ||
		    strlen(v) > LOCD_METRICS_VALUE_MAX)
			return EOVERFLOW;
		for (j = 0; j < i; j += 2)
			if (strcmp(labels[j], k) == 0)
				return EINVAL;
		len += strlen(k) + escape(v, true, NULL) + 4;
	}
	out = malloc(len + 1);
	if (!out)
		return ENOMEM;
	len = 0;
	for (i = 0; labels && labels[i]; i += 2) {
		size_t kl = strlen(labels[i]);
		if (i > 0)
			out[len++] = ',';
		memcpy(out + len, labels[i], kl);
		len += kl;
		out[len++] = '=';
		out[len++] = '"';
		len += escape(labels[i + 1], true, out + len);
		out[len++] = '"';
	}
	out[len] = '\0';
	*outp = out;
	return 0;
}

static int buckets_check(const struct locd_metric_desc *d)
{
	size_t i;

	if (d->type != LOCD_METRIC_HISTOGRAM)
		return d->n_buckets == 0 ? 0 : EINVAL;
	if (d->n_buckets == 0 || !d->buckets)
		return EINVAL;
	if (d->n_buckets > LOCD_METRICS_BUCKETS_MAX)
		return EOVERFLOW;
	for (i = 0; i < d->n_buckets; i++) {
		if (!isfinite(d->buckets[i]))
			return EINVAL;
		if (i > 0 && !(d->buckets[i] > d->buckets[i - 1]))
			return EINVAL;
	}
	return 0;
}

/* Find or create the family for d. */
static int family_get(struct locd_metrics *m,
		      const struct locd_metric_desc *d,
		      struct metric_family **fp)
{
	struct metric_family *f;
	char *help;
	size_t i;

	help = escape_dup(d->help, false);
	if (!help)
		return ENOMEM;
	for (i = 0; i < m->n_fam; i++) {
		f = m->fam[i];
		if (strcmp(f->name, d->name) != 0)
			continue;
		if (f->type != d->type || strcmp(f->help, help) != 0 ||
		    f->n_buckets != d->n_buckets ||
		    (d->n_buckets && memcmp(f->buckets, d->buckets,
					    d->n_buckets * sizeof(double)))) {
			free(help);
			return EINVAL;
		}
		free(help);
		*fp = f;
		return 0;
	}
	if (m->n_fam >= LOCD_METRICS_SERIES_MAX) {
		free(help);
		return EOVERFLOW;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		free(help);
		return ENOMEM;
	}
	memcpy(f->name, d->name, strlen(d->name) + 1);
	f->help = help;
	f->type = d->type;
	f->n_buckets = d->n_buckets;
	if (d->n_buckets)
		memcpy(f->buckets, d->buckets, d->n_buckets * sizeof(double));
	m->fam[m->n_fam++] = f;
	*fp = f;
	return 0;
}

int locd_metrics_add(struct locd_metrics *m,
		     const struct locd_metric_desc *d, struct locd_metric **sp)
{
	struct metric_family *f = NULL;
	struct locd_metric *s;
	char *labels = NULL;
	size_t i;
	int err;

	if (!m || !d || !sp || !name_ok(d->name, true) || !d->help ||
	    d->type > LOCD_METRIC_HISTOGRAM)
		return EINVAL;
	if (strlen(d->help) > LOCD_METRICS_HELP_MAX)
		return EOVERFLOW;
	err = buckets_check(d);
	if (err)
		return err;
	err = labels_render(d->labels, d->type == LOCD_METRIC_HISTOGRAM,
			    &labels);
	if (err)
		return err;
	for (i = 0; i < m->n_series; i++) {
		if (strcmp(m->series[i]->fam->name, d->name) == 0 &&
		    strcmp(m->series[i]->labels, labels) == 0) {
			err = EEXIST;
			goto out;
		}
	}
	if (m->n_series >= LOCD_METRICS_SERIES_MAX) {
		err = EOVERFLOW;
		goto out;
	}
	err = family_get(m, d, &f);
	if (err)
		goto out;
	s = calloc(1, sizeof(*s));
	if (!s) {
		err = ENOMEM;
		goto out;
	}
	s->fam = f;
	s->labels = labels;
	labels = NULL;
	m->series[m->n_series++] = s;
	*sp = s;
out:
	free(labels);
	return err;
}

void locd_metric_inc(struct locd_metric *s)
{
	locd_metric_add(s, 1);
}

void locd_metric_add(struct locd_metric *s, uint64_t n)
{
	if (s && s->fam->type == LOCD_METRIC_COUNTER)
		s->count += n;
}

void locd_metric_set(struct locd_metric *s, double v)
{
	if (s && s->fam->type == LOCD_METRIC_GAUGE)
		s->value = v;
}

void locd_metric_gauge_add(struct locd_metric *s, double delta)
{
	if (s && s->fam->type == LOCD_METRIC_GAUGE)
		s->value += delta;
}

void locd_metric_observe(struct locd_metric *s, double v)
{
	size_t i;

	if (!s || s->fam->type != LOCD_METRIC_HISTOGRAM || isnan(v))
		return;
	for (i = 0; i < s->fam->n_buckets; i++)
		if (v <= s->fam->buckets[i])
			break;
	if (i < s->fam->n_buckets)
		s->bucket[i]++;
	s->count++;
	s->value += v;
}

double locd_metric_value(const struct locd_metric *s)
{
	if (!s)
		return 0;
	return s->fam->type == LOCD_METRIC_GAUGE ? s->value
						  : (double)s->count;
}

/* Shortest decimal form that reads back as v; Go-style specials. */
static void fmt_double(double v, char *buf, size_t size)
{
	int prec;

	if (isnan(v)) {
		snprintf(buf, size, "NaN");
		return;
	}
	if (isinf(v)) {
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

struct writer {
	locd_metrics_write_h *h;
	void *arg;
	int err;
};

static void put(struct writer *w, const char *s)
{
	if (!w->err && *s)
		w->err = w->h(s, strlen(s), w->arg);
}

/* name[suffix]{labels[,extra]} value\n */
static void put_sample(struct writer *w, const struct locd_metric *s,
		       const char *suffix, const char *extra,
		       const char *value)
{
	bool any = *s->labels || extra;

	put(w, s->fam->name);
	put(w, suffix);
	if (any) {
		put(w, "{");
		put(w, s->labels);
		if (extra) {
			if (*s->labels)
				put(w, ",");
			put(w, extra);
		}
		put(w, "}");
	}
	put(w, " ");
	put(w, value);
	put(w, "\n");
}

static void put_series(struct writer *w, const struct locd_metric *s)
{
	char num[48], le[64];
	uint64_t cum = 0;
	size_t i;

	switch (s->fam->type) {
	case LOCD_METRIC_COUNTER:
		snprintf(num, sizeof(num), "%" PRIu64, s->count);
		put_sample(w, s, "", NULL, num);
		break;
	case LOCD_METRIC_GAUGE:
		fmt_double(s->value, num, sizeof(num));
		put_sample(w, s, "", NULL, num);
		break;
	case LOCD_METRIC_HISTOGRAM:
		for (i = 0; i <= s->fam->n_buckets; i++) {
			char b[32];
			if (i < s->fam->n_buckets) {
				cum += s->bucket[i];
				fmt_double(s->fam->buckets[i], b, sizeof(b));
			} else {
				cum = s->count;
				snprintf(b, sizeof(b), "+Inf");
			}
			snprintf(le, sizeof(le), "le=\"%s\"", b);
			snprintf(num, sizeof(num), "%" PRIu64, cum);
			put_sample(w, s, "_bucket", le, num);
		}
		fmt_double(s->value, num, sizeof(num));
		put_sample(w, s, "_sum", NULL, num);
		snprintf(num, sizeof(num), "%" PRIu64, s->count);
		put_sample(w, s, "_count", NULL, num);
		break;
	}
}

static const char *const type_names[] = {"counter", "gauge", "histogram"};

int locd_metrics_write(const struct locd_metrics *m,
		       locd_metrics_write_h *writeh, void *arg)
{
	struct writer w = {writeh, arg, 0};
	size_t i, j;

	if (!m || !writeh)
		return EINVAL;
	for (i = 0; i < m->n_fam && !w.err; i++) {
		const struct metric_family *f = m->fam[i];
		put(&w, "# HELP ");
		put(&w, f->name);
		put(&w, " ");
		put(&w, f->help);
		put(&w, "\n# TYPE ");
		put(&w, f->name);
		put(&w, " ");
		put(&w, type_names[f->type]);
		put(&w, "\n");
		for (j = 0; j < m->n_series; j++)
			if (m->series[j]->fam == f)
				put_series(&w, m->series[j]);
	}
	return w.err;
}

struct bufw {
	char *buf;
	size_t size, len;
};

static int buf_write(const char *p, size_t len, void *arg)
{
	struct bufw *b = arg;

	if (len >= b->size - b->len)
		return EOVERFLOW;
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return 0;
}

int locd_metrics_print(const struct locd_metrics *m, char *buf,
		       size_t size, size_t *lenp)
{
	struct bufw b = {buf, size, 0};
	int err;

	if (!m || !buf || size == 0)
		return EINVAL;
	buf[0] = '\0';
	err = locd_metrics_write(m, buf_write, &b);
	if (!err && lenp)
		*lenp = b.len;
	return err;
}

/* --- Standard series. */

static const char *const refuse_names[LOCD_REFUSE_COUNT] = {
	"malformed", "limit", "nan", "range", "nofix",
	"future", "order", "auth", "unknown_device",
};

static const char *const source_names[LOCD_SOURCE_COUNT] = {"sip",
							     "http"};

const char *locd_refuse_name(enum locd_refuse r)
{
	return (unsigned)r < LOCD_REFUSE_COUNT ? refuse_names[r] : "?";
}

static int add_simple(struct locd_metrics *m, enum locd_metric_type type,
		      const char *name, const char *help,
		      struct locd_metric **sp)
{
	struct locd_metric_desc d = {.type = type, .name = name,
				     .help = help};

	return locd_metrics_add(m, &d, sp);
}

int locd_metrics_std_register(struct locd_metrics *m,
			      struct locd_metrics_std *std)
{
	static const double eval[] = LOCD_METRICS_EVAL_BUCKETS;
	struct locd_metric_desc d;
	struct locd_metrics_std st;
	size_t i, j;
	int err;

	if (!m || !std)
		return EINVAL;
	memset(&st, 0, sizeof(st));
	err = add_simple(m, LOCD_METRIC_GAUGE, "locd_active_subscriptions",
			 "Subscriptions currently active.",
			 &st.active_subscriptions);
	for (i = 0; i < LOCD_SOURCE_COUNT && !err; i++) {
		const char *const l[] = {"source", source_names[i], NULL};
		d = (struct locd_metric_desc){
			.type = LOCD_METRIC_COUNTER,
			.name = "locd_updates_ingested_total",
			.help = "Position updates accepted.",
			.labels = l};
		err = locd_metrics_add(m, &d, &st.ingested[i]);
	}
	for (i = 0; i < LOCD_SOURCE_COUNT && !err; i++) {
		for (j = 0; j < LOCD_REFUSE_COUNT && !err; j++) {
			const char *const l[] = {"source", source_names[i],
						 "reason", refuse_names[j],
						 NULL};
			d = (struct locd_metric_desc){
				.type = LOCD_METRIC_COUNTER,
				.name = "locd_updates_refused_total",
				.help = "Position updates refused, by reason.",
				.labels = l};
			err = locd_metrics_add(m, &d, &st.refused[i][j]);
		}
	}
	if (!err)
		err = add_simple(m, LOCD_METRIC_COUNTER,
				 "locd_notifications_sent_total",
				 "NOTIFY requests sent.", &st.notify_sent);
	if (!err)
		err = add_simple(m, LOCD_METRIC_COUNTER,
				 "locd_notifications_rate_limited_total",
				 "NOTIFYs delayed by a rate limit.",
				 &st.notify_rate_limited);
	if (!err)
		err = add_simple(m, LOCD_METRIC_COUNTER,
				 "locd_notifications_coalesced_total",
				 "Pending NOTIFYs replaced by a newer one.",
				 &st.notify_coalesced);
	if (!err)
		err = add_simple(m, LOCD_METRIC_COUNTER,
				 "locd_notify_failures_total",
				 "NOTIFY transactions that failed.",
				 &st.notify_failures);
	if (!err)
		err = add_simple(m, LOCD_METRIC_COUNTER,
				 "locd_transaction_retransmissions_total",
				 "SIP transaction retransmissions.",
				 &st.retransmissions);
	if (!err) {
		d = (struct locd_metric_desc){
			.type = LOCD_METRIC_HISTOGRAM,
			.name = "locd_evaluation_seconds",
			.help = "Filter evaluation latency per update.",
			.buckets = eval,
			.n_buckets = sizeof(eval) / sizeof(eval[0])};
		err = locd_metrics_add(m, &d, &st.eval_seconds);
	}
	if (!err)
		*std = st;
	return err;
}
