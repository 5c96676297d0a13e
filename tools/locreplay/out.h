/*
 * out.h: locreplay's output formats.
 *
 * jsonl: one JSON object per notification (time, lat, lon, alt, speed,
 * triggers, containment), written as it happens.
 * pidf: the PIDF-LO bodies themselves, one document after another.
 * geojson: one FeatureCollection at the end: the track as a LineString,
 * every fence, every notification as a Point with its triggers.
 */
#ifndef LOCREPLAY_OUT_H
#define LOCREPLAY_OUT_H

#include <stdio.h>

#include "tools/locreplay/sim.h"

enum rp_format {
	RP_FMT_JSONL = 0,
	RP_FMT_PIDF,
	RP_FMT_GEOJSON,
};

struct rp_out;

/* catalog may be NULL; filter and catalog must outlive the writer. */
int rp_out_alloc(struct rp_out **outp, enum rp_format fmt, FILE *f,
		 struct geo_ctx *geo, const struct lf_filter *filter,
		 const struct geo_catalog *catalog)
	__attribute__((warn_unused_result));
void rp_out_free(struct rp_out *out);

/* Record a fix of the track (geojson keeps it; others ignore it). */
int rp_out_fix(struct rp_out *out, const struct geo_fix *fix)
	__attribute__((warn_unused_result));

/* The note handler for rp_sim (arg = struct rp_out *). */
int rp_out_note(const struct rp_note *note, void *arg);

/* Write what is buffered (geojson) and flush. Returns 0 or EIO. */
int rp_out_finish(struct rp_out *out) __attribute__((warn_unused_result));

/* The name locreplay reports for feature i: gml:name, gml:id, href. */
const char *rp_feature_name(const struct lf_filter *filter, size_t i,
			    char *buf, size_t sz);

#endif
