// SPDX-License-Identifier: GPL-2.0
/*
 * prometheus.c - the status document as Prometheus text; see prometheus.h.
 *
 * The families are one table: a metric is its name, its type, its help
 * and where its value sits in struct proto_status_layer, so a counter the
 * status document gains is one line here.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "prometheus.h"

enum prom_kind { PROM_COUNTER, PROM_GAUGE };

struct prom_metric {
	const char	*name;
	enum prom_kind	kind;
	const char	*help;
	size_t		off;		/* in struct proto_status_layer */
	enum { V_U64, V_U32, V_DOUBLE, V_NS } value;	/* V_NS: u64 ns, shown in s */
};

#define M(n, k, member, v, h)	{ "scxd_layer_" n, PROM_##k, h, \
				  offsetof(struct proto_status_layer, member), v }
static const struct prom_metric layer_metrics[] = {
	M("tasks", GAUGE, tasks, V_U64, "Tasks in the layer now."),
	M("cpus", GAUGE, nr_owned, V_U32, "CPUs allocated to the layer now."),
	M("span_cpus", GAUGE, nr_span, V_U32, "CPUs the layer's tasks may run on now."),
	M("utilization_cpus", GAUGE, util, V_DOUBLE,
	  "Busy CPUs over the daemon's last sampling interval (1.5: one and a half)."),
	M("cpu_seconds_total", COUNTER, cpu_ns, V_NS, "CPU time the layer's tasks used."),
	M("enqueues_total", COUNTER, enqueues, V_U64, "Tasks enqueued into the layer."),
	M("dispatches_total", COUNTER, dispatches, V_U64, "Tasks the layer handed to a CPU."),
	M("direct_total", COUNTER, direct, V_U64, "Tasks placed straight on an idle CPU."),
	M("wakeups_total", COUNTER, wakeups, V_U64,
	  "Waking tasks that were queued (not placed on an idle CPU)."),
	M("preemptions_total", COUNTER, preemptions, V_U64,
	  "Throughput tasks preempted for one of the layer's latency tasks."),
	M("resumes_total", COUNTER, resumes, V_U64,
	  "Tasks preempted by a latency task that went back to their CPU."),
	M("migrations_total", COUNTER, migrations, V_U64, "Runs on another CPU than the last one."),
	M("xllc_migrations_total", COUNTER, xllc_migrations, V_U64,
	  "Runs on another last-level cache than the last one."),
	M("steals_total", COUNTER, steals, V_U64, "Tasks taken from another LLC's queue."),
	M("rescues_total", COUNTER, rescues, V_U64,
	  "Tasks served first after waiting too long (anti-stall)."),
	M("shortened_total", COUNTER, shortened, V_U64,
	  "Wakeups that ended the slice of a throughput task they were ahead of."),
	M("kept_total", COUNTER, kept, V_U64,
	  "Latency tasks out of slice that kept their CPU with a new slice."),
	M("kernel_picks_total", COUNTER, kernel_picks, V_U64,
	  "Idle CPUs of the layer's span picked by the kernel (scx_bpf_select_cpu_and)."),
	M("busy_total", COUNTER, busy, V_U64, "Wakeups that found no CPU idle."),
	M("served_latency_tasks", GAUGE, served_latency, V_U64,
	  "Tasks of the layer served as latency now (an auto layer decides per task)."),
	M("served_throughput_tasks", GAUGE, served_throughput, V_U64,
	  "Tasks of the layer served as throughput now."),
	M("class_changes_total", COUNTER, class_changes, V_U64,
	  "Tasks an auto layer moved to its other class."),
};
#undef M

#define LAT_NAME	"scxd_layer_wakeup_latency_seconds"

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void layer_labels(FILE *f, const struct proto_status_layer *l)
{
	fputs("layer=\"", f);
	label_value(f, l->name);
	fputs("\",policy=\"", f);
	label_value(f, l->policy);
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void layer_value(FILE *f, const struct prom_metric *m, const struct proto_status_layer *l)
{
	const char *p = (const char *)l + m->off;

	switch (m->value) {
	case V_U64:
		fprintf(f, "%llu\n", (unsigned long long)*(const uint64_t *)p);
		break;
	case V_U32:
		fprintf(f, "%u\n", *(const uint32_t *)p);
		break;
	case V_DOUBLE:
		fprintf(f, "%.6g\n", *(const double *)p);
		break;
	case V_NS:
		fprintf(f, "%.9f\n", *(const uint64_t *)p / 1e9);
		break;
	}
}

static void latency_histogram(FILE *f, const struct proto_status_layer *l)
{
	uint64_t cum = 0;

	for (unsigned b = 0; b < SCXD_LAT_BUCKETS; b++) {
		cum += l->lat_hist[b];
		fprintf(f, LAT_NAME "_bucket{");
		layer_labels(f, l);
		if (b + 1 < SCXD_LAT_BUCKETS)
			fprintf(f, ",le=\"%.10g\"} %llu\n", (double)(1ULL << (b + 1)) / 1e9,
				(unsigned long long)cum);
		else
			fprintf(f, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
	}
	fprintf(f, LAT_NAME "_sum{");
	layer_labels(f, l);
	fprintf(f, "} %.9f\n" LAT_NAME "_count{", l->lat_sum_ns / 1e9);
	layer_labels(f, l);
	fprintf(f, "} %llu\n", (unsigned long long)cum);
}

int prom_write(FILE *f, const struct proto_status *s)
{
	uint32_t nr = s->nr_layers < SCXD_MAX_LAYERS ? s->nr_layers : SCXD_MAX_LAYERS;

	family(f, "scxd_info", "gauge",
	       "The daemon's version and role, and the sched_ext scheduler the kernel runs (ops).");
	fputs("scxd_info{version=\"", f);
	label_value(f, s->version);
	fputs("\",role=\"", f);
	label_value(f, s->role);
	fputs("\",ops=\"", f);
	label_value(f, s->ops);
	fputs("\"} 1\n", f);
	family(f, "scxd_attached", "gauge", "1 when scxd's scheduler is the one the kernel runs.");
	fprintf(f, "scxd_attached %d\n", s->attached ? 1 : 0);
	family(f, "scxd_uptime_seconds", "gauge", "Time since the daemon started.");
	fprintf(f, "scxd_uptime_seconds %llu\n", (unsigned long long)s->uptime_s);
	family(f, "scxd_layers", "gauge", "Layers in the running configuration.");
	fprintf(f, "scxd_layers %u\n", nr);

	for (size_t i = 0; i < sizeof(layer_metrics) / sizeof(layer_metrics[0]); i++) {
		const struct prom_metric *m = &layer_metrics[i];

		family(f, m->name, m->kind == PROM_COUNTER ? "counter" : "gauge", m->help);
		for (uint32_t j = 0; j < nr; j++) {
			fprintf(f, "%s{", m->name);
			layer_labels(f, &s->layers[j]);
			fputs("} ", f);
			layer_value(f, m, &s->layers[j]);
		}
	}
	family(f, LAT_NAME, "histogram",
	       "Wakeup latency, from the wakeup to running on a CPU, since the scheduler attached.");
	for (uint32_t j = 0; j < nr; j++)
		latency_histogram(f, &s->layers[j]);
	return ferror(f) ? -EIO : 0;
}
