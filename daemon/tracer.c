/* tracer.c - see tracer.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "scxd_trace.skel.h"
#include "tracer.h"

struct tracer {
	struct scxd_trace *skel;
	int		nr_cpus;
	bool		attached;
	int		stats_fd;	/* bpf_enable_stats(): -1 when not timing */
	uint64_t	run_ns0, runs0;	/* at tracer_start() */
};

int tracer_new(struct tracer **ret)
{
	struct tracer *t = calloc(1, sizeof(*t));
	int r;

	if (!t)
		return -ENOMEM;
	t->stats_fd = -1;
	t->nr_cpus = libbpf_num_possible_cpus();
	if (t->nr_cpus <= 0) {
		r = t->nr_cpus ? t->nr_cpus : -EINVAL;
		goto fail;
	}
	t->skel = scxd_trace__open_and_load();
	if (!t->skel) {
		r = -errno;
		goto fail;
	}
	*ret = t;
	return 0;
fail:
	tracer_free(t);
	return r;
}

struct tracer *tracer_free(struct tracer *t)
{
	if (!t)
		return NULL;
	tracer_stop(t);
	scxd_trace__destroy(t->skel);
	free(t);
	return NULL;
}

void tracer_shared_maps(const struct tracer *t, struct loader_maps *out)
{
	out->layers = bpf_map__fd(t->skel->maps.layers);
	out->rules = bpf_map__fd(t->skel->maps.rules);
	out->pins = bpf_map__fd(t->skel->maps.pins);
	out->cpu_topo = bpf_map__fd(t->skel->maps.cpu_topo);
}

int tracer_write_config(struct tracer *t, const struct scxd_config *c)
{
	struct scxd_layer entries[SCXD_MAX_LAYERS];
	u32 n;
	int r;

	/* The map is the scheduler's too: the same entries. */
	r = loader_write_layers(t->skel->maps.layers, c, entries, &n);
	if (!r)
		r = loader_write_array(t->skel->maps.rules, c->rules, sizeof(c->rules[0]),
				       c->nr_rules);
	if (r < 0)
		return r;
	/* Counts first, generation last, as for the scheduler. */
	t->skel->bss->nr_layers = c->nr_layers;
	t->skel->bss->nr_rules = c->nr_rules;
	__atomic_add_fetch(&t->skel->bss->cfg_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

/* The run time and runs of the instrument's programs so far. */
static void cost_now(struct tracer *t, uint64_t *run_ns, uint64_t *runs)
{
	struct bpf_program *prog;

	*run_ns = *runs = 0;
	bpf_object__for_each_program(prog, t->skel->obj) {
		struct bpf_prog_info info = {0};
		__u32 len = sizeof(info);

		if (bpf_prog_get_info_by_fd(bpf_program__fd(prog), &info, &len) == 0) {
			*run_ns += info.run_time_ns;
			*runs += info.run_cnt;
		}
	}
}

int tracer_start(struct tracer *t)
{
	size_t size = bpf_map__value_size(t->skel->maps.trace_stats);
	void *zeros = calloc(t->nr_cpus, size);
	uint32_t zero = 0;
	int r = 0;

	if (!zeros)
		return -ENOMEM;
	if (bpf_map_update_elem(bpf_map__fd(t->skel->maps.trace_stats), &zero, zeros, BPF_ANY))
		r = -errno;
	free(zeros);
	if (r < 0)
		return r;
	__atomic_add_fetch(&t->skel->bss->epoch, 1, __ATOMIC_RELEASE);
	if (t->stats_fd < 0)
		t->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	cost_now(t, &t->run_ns0, &t->runs0);
	if (!t->attached) {
		r = scxd_trace__attach(t->skel);
		if (r < 0)
			return r;
		t->attached = true;
	}
	return 0;
}

void tracer_stop(struct tracer *t)
{
	if (t->attached)
		scxd_trace__detach(t->skel);
	t->attached = false;
	if (t->stats_fd >= 0)
		close(t->stats_fd);
	t->stats_fd = -1;
}

int tracer_read(struct tracer *t, struct scxd_trace_layer *out, unsigned n)
{
	struct scxd_trace_stats *per_cpu;
	uint32_t zero = 0;
	int r = 0;

	if (n > SCXD_MAX_LAYERS)
		n = SCXD_MAX_LAYERS;
	memset(out, 0, n * sizeof(*out));
	per_cpu = calloc(t->nr_cpus, sizeof(*per_cpu));
	if (!per_cpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(t->skel->maps.trace_stats), &zero, per_cpu)) {
		r = -errno;
		goto out;
	}
	for (int cpu = 0; cpu < t->nr_cpus; cpu++) {
		for (unsigned i = 0; i < n; i++) {
			const struct scxd_trace_layer *c = &per_cpu[cpu].layer[i];
			struct scxd_trace_layer *o = &out[i];

			for (int b = 0; b < SCXD_HIST_BUCKETS; b++)
				o->hist[b] += c->hist[b];
			if (c->max_ns > o->max_ns)
				o->max_ns = c->max_ns;
			o->wakeups += c->wakeups;
			o->cpu_ns += c->cpu_ns;
			o->switches += c->switches;
			o->xllc += c->xllc;
			o->tasks += c->tasks;
		}
	}
out:
	free(per_cpu);
	return r;
}

int tracer_cost(struct tracer *t, uint64_t *run_ns, uint64_t *runs)
{
	uint64_t ns, n;

	if (t->stats_fd < 0)
		return -ENODATA;
	cost_now(t, &ns, &n);
	*run_ns = ns - t->run_ns0;
	*runs = n - t->runs0;
	return *runs ? 0 : -ENODATA;
}
