/*
 * metrics.h: locd's metrics registry and its Prometheus text exposition.
 *
 * What it does: holds counters, gauges and histograms, each series with
 * its label values fixed when it is registered; bumping a series is a
 * plain store through a handle (no allocation, no lookup, no lock);
 * prints the registry in the Prometheus text format 0.0.4 (HELP and TYPE
 * once per family, label values escaped, histogram buckets cumulative
 * with _sum and _count).
 * What it does not do: serve HTTP (locd/http.c does), read clocks, keep
 * time series or rates.
 * Ownership: the registry owns every series; handles stay valid until
 * locd_metrics_free. Strings passed in are copied.
 * Threads: one loop thread; nothing here is atomic.
 * Limits: LOCD_METRICS_SERIES_MAX series, names and label values
 * LOCD_METRICS_NAME_MAX / LOCD_METRICS_VALUE_MAX bytes, at most
 * LOCD_METRICS_LABELS_MAX labels and LOCD_METRICS_BUCKETS_MAX buckets.
 * Errors: 0 or a positive errno (EINVAL bad argument or name, EEXIST
 * series already registered, EOVERFLOW over a limit, ENOMEM).
 */
#ifndef LOCD_METRICS_H
#define LOCD_METRICS_H

#include <stddef.h>
#include <stdint.h>

/* A registry far above what locd registers (about 30 series). */
#define LOCD_METRICS_SERIES_MAX 256
#define LOCD_METRICS_NAME_MAX 96
#define LOCD_METRICS_HELP_MAX 256
#define LOCD_METRICS_VALUE_MAX 128
#define LOCD_METRICS_LABELS_MAX 4
#define LOCD_METRICS_BUCKETS_MAX 24

enum locd_metric_type {
	LOCD_METRIC_COUNTER = 0,
	LOCD_METRIC_GAUGE,
	LOCD_METRIC_HISTOGRAM,
};

struct locd_metrics;
struct locd_metric;

int locd_metrics_alloc(struct locd_metrics **mp)
	__attribute__((warn_unused_result));
/* Free the registry and every series (NULL is fine). */
void locd_metrics_free(struct locd_metrics *m);

/* One series to register. */
struct locd_metric_desc {
	enum locd_metric_type type;
	const char *name;	/* [a-zA-Z_:][a-zA-Z0-9_:]* */
	const char *help;	/* required; a series joining a family must
				 * repeat the family's type and help */
	/* label name, value pairs ending with a NULL name (NULL: none);
	 * names [a-zA-Z_][a-zA-Z0-9_]*, not "__" reserved, not "le" */
	const char *const *labels;
	/* histograms: strictly increasing finite upper bounds; +Inf is
	 * implicit */
	const double *buckets;
	size_t n_buckets;
};

/*
 * Register one series and return its handle in *sp. Series of one name
 * form a family printed together, in registration order. Returns 0,
 * EINVAL (bad name, label, help, buckets, or a family mismatch), EEXIST
 * (same name and label values again), EOVERFLOW (a limit), ENOMEM.
 */
int locd_metrics_add(struct locd_metrics *m,
		     const struct locd_metric_desc *d, struct locd_metric **sp)
	__attribute__((warn_unused_result));

/* Counters: add 1 / add n. Gauges: set / add a signed amount.
 * Histograms: observe one value (NaN is ignored). A NULL handle or a
 * handle of another type is ignored, so callers need no checks. */
void locd_metric_inc(struct locd_metric *s);
void locd_metric_add(struct locd_metric *s, uint64_t n);
void locd_metric_set(struct locd_metric *s, double v);
void locd_metric_gauge_add(struct locd_metric *s, double delta);
void locd_metric_observe(struct locd_metric *s, double v);

/* Read back (tests, logs): counter total or gauge value; histogram
 * count. 0 for NULL. */
double locd_metric_value(const struct locd_metric *s);

/* Sink for the exposition: append len bytes; return 0 or an errno. */
typedef int(locd_metrics_write_h)(const char *p, size_t len, void *arg);

/*
 * Print the registry in the Prometheus text format 0.0.4 through writeh.
 * Returns 0, EINVAL, or the first error writeh returned.
 */
int locd_metrics_write(const struct locd_metrics *m,
		       locd_metrics_write_h *writeh, void *arg)
	__attribute__((warn_unused_result));

/*
 * The same into buf (size bytes, NUL-ended); *lenp (if not NULL) gets the
 * length. Returns 0, EINVAL, EOVERFLOW (buf too small).
 */
int locd_metrics_print(const struct locd_metrics *m, char *buf,
		       size_t size, size_t *lenp)
	__attribute__((warn_unused_result));

/* Content-Type of the exposition. */
#define LOCD_METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* --- The metrics locd exports (issue 5). */

/* Why a position update was refused (label reason="..."). */
enum locd_refuse {
	LOCD_REFUSE_MALFORMED = 0,	/* junk, missing or bad parameter */
	LOCD_REFUSE_LIMIT,		/* over a size or count limit */
	LOCD_REFUSE_NAN,		/* a number that is not finite */
	LOCD_REFUSE_RANGE,		/* lat, lon, speed... out of range */
	LOCD_REFUSE_NOFIX,		/* client says the fix is invalid */
	LOCD_REFUSE_FUTURE,		/* time too far ahead of the clock */
	LOCD_REFUSE_ORDER,		/* not newer than the last fix */
	LOCD_REFUSE_AUTH,		/* token missing or wrong */
	LOCD_REFUSE_UNKNOWN_DEVICE,	/* no AOR for the device */
};
#define LOCD_REFUSE_COUNT 9

/* "malformed", "limit", "nan", ...; "?" for an unknown value. */
const char *locd_refuse_name(enum locd_refuse r);

/* Where a position came from (label source="..."). */
enum locd_source {
	LOCD_SOURCE_SIP = 0,	/* PUBLISH */
	LOCD_SOURCE_HTTP,	/* OsmAnd / Traccar client */
};
#define LOCD_SOURCE_COUNT 2

/*
 * Handles of the standard series. Names:
 *   locd_active_subscriptions                      gauge
 *   locd_updates_ingested_total{source}            counter
 *   locd_updates_refused_total{source,reason}      counter
 *   locd_notifications_sent_total                  counter
 *   locd_notifications_rate_limited_total          counter
 *   locd_notifications_coalesced_total             counter
 *   locd_notify_failures_total                     counter
 *   locd_transaction_retransmissions_total         counter
 *   locd_evaluation_seconds                        histogram
 * Evaluation latency buckets (seconds): 50 us to 250 ms, below.
 */
struct locd_metrics_std {
	struct locd_metric *active_subscriptions;
	struct locd_metric *ingested[LOCD_SOURCE_COUNT];
	struct locd_metric *refused[LOCD_SOURCE_COUNT][LOCD_REFUSE_COUNT];
	struct locd_metric *notify_sent;
	struct locd_metric *notify_rate_limited;
	struct locd_metric *notify_coalesced;
	struct locd_metric *notify_failures;
	struct locd_metric *retransmissions;
	struct locd_metric *eval_seconds;
};

#define LOCD_METRICS_EVAL_BUCKETS                                             \
	{0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,        \
	 0.025, 0.05, 0.1, 0.25}

/* Register all of the above in m and fill *std. Returns as
 * locd_metrics_add (EEXIST when called twice on one registry). */
int locd_metrics_std_register(struct locd_metrics *m,
			      struct locd_metrics_std *std)
	__attribute__((warn_unused_result));

#endif
