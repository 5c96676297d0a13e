/*
 * live.h: locreplay's live mode: a trace replayed into a running locd in
 * (scaled) real time, each fix as a SIP PUBLISH of a PIDF-LO (RFC 3903:
 * the first one initial, every later one a modify with SIP-If-Match) or
 * as an OsmAnd HTTP GET.
 *
 * Timing: the wait before fix i+1 is the gap between the two fixes' times
 * divided by the speed factor (1 s / factor when either has no time or
 * time does not advance), at most max_gap seconds; a fix is never sent
 * before the previous one was answered.
 * Ownership: rp_live_run owns everything it makes and frees it before it
 * returns; opts and its strings are borrowed.  Single-threaded, its own
 * event_base; no global state.
 * Exit status (the return value): 0 every fix sent and accepted, 1 a
 * fix refused or not answered (the status, and the Warning when there is
 * one, on stderr), or bad input, 2 usage, 3 other errors.
 */
#ifndef LOCREPLAY_LIVE_H
#define LOCREPLAY_LIVE_H

#include <stdbool.h>

#include "geo/geo_trace.h"

enum rp_via {
	RP_VIA_PUBLISH = 0,   /* SIP PUBLISH of PIDF-LO (default) */
	RP_VIA_HTTP           /* OsmAnd GET /?id=..&lat=..&lon=.. */
};

#define RP_LIVE_SPEED_MAX 1e6       /* --speed: 0 < factor <= this */
#define RP_LIVE_MAX_GAP_DEFAULT 10.0 /* seconds */
#define RP_LIVE_EXPIRES 3600u        /* PUBLISH Expires asked */

struct rp_live_opts {
	const char *to;       /* sip:/sips: URI (first hop) or http:// URL */
	const char *entity;   /* target AOR, sip:user@domain (or pres:) */
	enum rp_via via;
	double speed;         /* factor, > 0 */
	double max_gap;       /* seconds, >= 0 */
	const char *user, *password; /* SIP Digest */
	const char *device;   /* HTTP id; NULL: user part of the entity */
	const char *token;    /* HTTP token; NULL: none */
	const char *event;    /* PUBLISH package; NULL: "presence" */
	const char *ca;       /* TLS trust anchors (sips:) */
	bool insecure;        /* sips: without certificate checks */
	bool verbose;         /* one line per fix on stderr */
	enum geo_trace_format in_fmt;
	bool waypoints;
};

/* Replay the trace at path ("-": stdin).  Returns the exit status. */
int rp_live_run(const struct rp_live_opts *o, const char *path);

#endif
