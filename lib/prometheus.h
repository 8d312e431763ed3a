/* SPDX-License-Identifier: GPL-2.0 */
/*
 * prometheus.h - the status document in Prometheus' text exposition
 * format (version 0.0.4), for `scxctl stats --prometheus` and the
 * daemon's node_exporter textfile ([scxd] prometheus_textfile).
 *
 * One family per counter, gauge and histogram, each with its HELP and
 * TYPE lines, its series labelled by layer (and policy). Counters count
 * since the scheduler attached: a re-attach is a counter reset, which
 * Prometheus' rate() already takes as one. The wakeup-latency histogram
 * is the scheduler's own log2 one, in seconds: bucket le="2^(b+1) ns"
 * holds every wakeup under that bound (the kernel side's bucket b is
 * [2^b, 2^(b+1)) ns, so a latency of exactly a bound is counted in the
 * next one), the last bound 2^31 ns, then +Inf.
 *
 * Pure: writes to the FILE it is given, never logs.
 */
#ifndef SCXD_PROMETHEUS_H
#define SCXD_PROMETHEUS_H

#include <stdio.h>

#include "protocol.h"

/* The exposition of @s into @f: 0, or -EIO when @f reports an error. */
int prom_write(FILE *f, const struct proto_status *s);

#endif
