/* loader.c - see loader.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "loader.h"
#include "scxd.h"
#include "scxd.skel.h"

struct loader {
	struct scxd *skel;
	/* Owned here, not by the skeleton: libbpf < 1.5 skeletons have no
	 * slot for a struct_ops link (see the Makefile). */
	struct bpf_link *link;
	int nr_cpus;
};

int loader_new(struct loader **ret)
{
	struct loader *l;
	int r;

	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->nr_cpus = libbpf_num_possible_cpus();
	if (l->nr_cpus <= 0) {
		r = l->nr_cpus ? l->nr_cpus : -EINVAL;
		goto fail;
	}
	l->skel = scxd__open();
	if (!l->skel) {
		r = -errno;
		goto fail;
	}
	r = scxd__load(l->skel);
	if (r)
		goto fail;
	*ret = l;
	return 0;
fail:
	loader_free(l);
	return r;
}

struct loader *loader_free(struct loader *l)
{
	if (!l)
		return NULL;
	loader_detach(l);
	scxd__destroy(l->skel);
	free(l);
	return NULL;
}

int loader_apply_config(struct loader *l, const struct scxd_config *c)
{
	int layers_fd = bpf_map__fd(l->skel->maps.layers);
	int rules_fd = bpf_map__fd(l->skel->maps.rules);
	u32 i;

	if (c->nr_layers == 0 || c->nr_layers > SCXD_MAX_LAYERS || c->nr_rules > SCXD_MAX_RULES)
		return -EINVAL;
	for (i = 0; i < c->nr_layers; i++)
		if (bpf_map_update_elem(layers_fd, &i, &c->layers[i], BPF_ANY))
			return -errno;
	for (i = 0; i < c->nr_rules; i++)
		if (bpf_map_update_elem(rules_fd, &i, &c->rules[i], BPF_ANY))
			return -errno;
	/* Counts first, generation last: a task that sees the new generation
	 * must find the maps already complete. */
	l->skel->bss->nr_layers = c->nr_layers;
	l->skel->bss->nr_rules = c->nr_rules;
	__atomic_add_fetch(&l->skel->bss->cfg_gen, 1, __ATOMIC_RELEASE);
	return 0;
}

int loader_attach(struct loader *l)
{
	if (l->link)
		return -EALREADY;
	memset(&l->skel->bss->exit_rec, 0, sizeof(l->skel->bss->exit_rec));
	l->link = bpf_map__attach_struct_ops(l->skel->maps.scxd_ops);
	if (!l->link)
		return -errno;
	return 0;
}

int loader_detach(struct loader *l)
{
	int r;

	if (!l || !l->link)
		return 0;
	r = bpf_link__destroy(l->link);
	l->link = NULL;
	return r;
}

bool loader_attached(const struct loader *l)
{
	return l && l->link && !loader_exited(l);
}

bool loader_exited(const struct loader *l)
{
	return __atomic_load_n(&l->skel->bss->exit_rec.exited, __ATOMIC_ACQUIRE) != 0;
}

const struct scxd_exit_rec *loader_exit_rec(const struct loader *l)
{
	return &l->skel->bss->exit_rec;
}

const char *loader_exit_kind_name(s32 kind)
{
	/* enum scx_exit_kind; values are ABI. */
	switch (kind) {
	case 0: return "none";
	case 1: return "done";
	case 64: return "unregistered";
	case 65: return "unregistered by BPF";
	case 66: return "unregistered by the kernel";
	case 67: return "disabled by sysrq";
	case 68: case 69: return "parent scheduler exited";
	case 1024: return "error";
	case 1025: return "BPF error";
	case 1026: return "runnable task stall";
	case 1027: case 1028: return "error";
	}
	return "unknown";
}

int loader_read_layers(struct loader *l, struct layer_counters_sum *out, unsigned n)
{
	size_t one = sizeof(u64) * SCXD_MAX_LAYERS * SCXD_NR_LSTATS;
	u64 (*vals)[SCXD_MAX_LAYERS][SCXD_NR_LSTATS];
	u32 zero = 0;
	unsigned i, s;
	int cpu;

	if (n > SCXD_MAX_LAYERS)
		n = SCXD_MAX_LAYERS;
	vals = calloc(l->nr_cpus, one);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.layer_stats), &zero, vals)) {
		int r = -errno;
		free(vals);
		return r;
	}
	for (i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].tasks = __atomic_load_n(&l->skel->bss->layer_nr_tasks[i], __ATOMIC_RELAXED);
		for (cpu = 0; cpu < l->nr_cpus; cpu++)
			for (s = 0; s < SCXD_NR_LSTATS; s++)
				out[i].cnt[s] += vals[cpu][i][s];
	}
	free(vals);
	return 0;
}

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int r = 0;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		r = -EIO;
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return r;
}

/* A kernel without sched_ext has no such file: say so rather than "". */
int sched_ext_state(char *buf, size_t len)
{
	int r = read_line("/sys/kernel/sched_ext/state", buf, len);

	if (r == -ENOENT)
		snprintf(buf, len, "unsupported");
	return r;
}

int sched_ext_ops(char *buf, size_t len)
{
	return read_line("/sys/kernel/sched_ext/root/ops", buf, len);
}
