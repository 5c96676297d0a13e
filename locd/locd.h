/*
 * locd.h: the location server daemon (issue 5): its context, its
 * command line and its log.
 *
 * What it does: struct locd ties everything below it together on one
 * libevent loop: the SIP stack with the notifier and the ESC (Digest
 * authentication in front of both, sip/sip_auth.h), the location event
 * package ("location", draft form, and "presence" with RFC 6447
 * filters), the per-subscription evaluation (filters/lf.h) and
 * schedule (filters/lf_sched.h), position ingest (PUBLISH of PIDF-LO and
 * the OsmAnd/Traccar HTTP protocol, locd/http.h), the disclosure policy
 * (locd/policy.h) and persistence in SQLite (locd/store.h): after a
 * restart subscriptions continue in their dialogs.
 * What it does not do: run more than one thread; proxy; fetch anything
 * over the network (features come from the local catalog).
 * Ownership: locd_alloc builds every context in order, locd_free frees
 * them in reverse; the caller owns the event_base and the config (both
 * must outlive the daemon). Nothing here is global: locd/main.c alone
 * holds the signal events.
 * Limits: those of the modules below (SIP message 64 KiB, filter and
 * PIDF-LO bodies 64 KiB, subscribe.max_subscriptions subscriptions) plus
 * LOCD_FILTER_DOCS_MAX filter documents kept per subscription.
 * Logging: one line per event on the log's FILE (stderr), with level,
 * component and Call-ID; positions and bodies only at debug.
 * Errors: 0 or a positive errno with a one-line reason in the log.
 */
#ifndef LOCD_LOCD_H
#define LOCD_LOCD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "locd/config.h"
#include "sip/sip.h"
#include "sip/sip_stack.h"

/* RFC 6447 merges kept (and persisted) per subscription. */
#define LOCD_FILTER_DOCS_MAX 8

/* --- Log (locd/log.c). */

struct locd_log {
	enum locd_log_level level; /* lines above it are dropped */
	FILE *f;                   /* NULL: stderr */
};

/* True when a line at lvl would be written (test before formatting). */
bool locd_log_on(const struct locd_log *lg, enum locd_log_level lvl);

/*
 * One line: "TIME LEVEL component [call-id] message".  callid may be
 * NULL or empty.  Positions and bodies only with LOCD_LOG_DEBUG.
 */
void locd_log(const struct locd_log *lg, enum locd_log_level lvl,
	      const char *comp, const struct sip_pl *callid,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void locd_logv(const struct locd_log *lg, enum locd_log_level lvl,
	       const char *comp, const struct sip_pl *callid,
	       const char *fmt, va_list ap);

/* --- Command line (locd/main.c uses it; tests too). */

struct locd_cli {
	const char *conf_file;  /* -c FILE, NULL: built-in defaults */
	const char *var_dir;    /* --var DIR: state under DIR (var) */
	bool help, version;
};

/*
 * Parse argv into cli and apply the overrides to c (already filled by
 * locd_config_init): -c FILE, --sip-listen ADDR (repeatable; UDP and
 * TCP), --tls-listen ADDR (repeatable; "none" disables TLS),
 * --http-listen ADDR, --db PATH, --domain NAME, --var DIR, --no-auth,
 * -v, -h, --version.  Then locd_config_check.  Returns 0, EINVAL (usage;
 * err says why) or a config error.
 */
int locd_cli_parse(struct locd_cli *cli, struct locd_config *c, int argc,
		   char **argv, struct locd_config_err *err)
	__attribute__((warn_unused_result));

/* --- The daemon. */

struct event_base;
struct locd;

/*
 * Build the daemon on base from c (checked): geo context and feature
 * catalog, users and Digest, policy, store (WAL; var files made on first
 * start: TLS certificate, nonce secret), metrics, SIP stack with its
 * listeners, HTTP server; then restore publications, fixes and
 * subscriptions from the store.  lg must outlive the daemon.  Returns 0
 * (*dp set), or an errno after logging why (EADDRINUSE for a listener).
 */
int locd_alloc(struct locd **dp, struct event_base *base,
	       const struct locd_config *c, const struct locd_log *lg)
	__attribute__((warn_unused_result));

/*
 * Shut down from the loop (SIGTERM/SIGINT): with
 * notify.terminate_on_shutdown, end every subscription with a final
 * NOTIFY (reason deactivated) and delete it; otherwise keep them
 * persisted.  Writes pending state to the store.  Call before
 * locd_free, then run the loop briefly so final NOTIFYs leave.
 */
void locd_drain(struct locd *d);

/* Free everything (NULL is fine); no NOTIFY is sent. */
void locd_free(struct locd *d);

/*
 * Tests: the stack on a fake transport and clock (sip/sip_stack.h send
 * and clock hooks, manual timers); base may then be NULL when no HTTP
 * listener is configured.  Otherwise as locd_alloc.
 */
struct locd_hooks {
	sip_send_h *send_h;
	void *send_arg;
	sip_clock_h *clock_h;
	void *clock_arg;
};
int locd_alloc_hooks(struct locd **dp, struct event_base *base,
		     const struct locd_config *c, const struct locd_log *lg,
		     const struct locd_hooks *hooks)
	__attribute__((warn_unused_result));
/* The daemon's SIP stack (tests feed it with sip_stack_recv). */
struct sip_stack *locd_stack(const struct locd *d);

/* Live subscriptions (tests, logs). */
size_t locd_sub_count(const struct locd *d);

#endif
