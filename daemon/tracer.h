/*
 * tracer.h - the compare instrument (bpf/scxd_trace.bpf.c): loaded once
 * for the daemon's lifetime, it owns the maps the configuration lives in
 * (layers, rules, pins, topology), which every scheduler the loader loads
 * reuses; its programs are attached only while a compare measures.
 * Returns -errno; never logs.
 */
#ifndef SCXD_TRACER_H
#define SCXD_TRACER_H

#include <stdint.h>

#include "loader.h"
#include "scxd.h"

struct tracer;
struct scxd_config;

int tracer_new(struct tracer **ret);
struct tracer *tracer_free(struct tracer *t);

/* The maps a scheduler reuses (loader_new()). */
void tracer_shared_maps(const struct tracer *t, struct loader_maps *out);

/* Write @c into the shared maps and the instrument's own counts and
 * generation: done for every configuration, attached or not. */
int tracer_write_config(struct tracer *t, const struct scxd_config *c);

/*
 * Start a measurement: zero the counters, begin a new epoch (tasks seen
 * before count again), attach the programs if they are not, and ask the
 * kernel to time them (kernel.bpf_stats_enabled) for tracer_cost().
 */
int tracer_start(struct tracer *t);
/* Detach the programs and stop the kernel's timing. */
void tracer_stop(struct tracer *t);

/* The counters of layers 0..n-1 now, summed over CPUs (max_ns: the
 * largest); zeroes what it cannot read. */
int tracer_read(struct tracer *t, struct scxd_trace_layer *out, unsigned n);

/* The programs' run time and runs since tracer_start(): -ENODATA when the
 * kernel did not time them. */
int tracer_cost(struct tracer *t, uint64_t *run_ns, uint64_t *runs);

#endif
