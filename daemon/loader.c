/* loader.c - see loader.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "config.h"
#include "file.h"
#include "loader.h"
#include "scxd.h"
#include "scxd.skel.h"
#include "stats.h"

/* SCX_ECODE_ACT_RESTART of enum scx_exit_code: the kernel's ABI. */
#define SCX_ECODE_ACT_RESTART	(1ULL << 48)

struct loader {
	struct scxd *skel;
	/* Owned here, not by the skeleton: libbpf < 1.5 skeletons have no
	 * slot for a struct_ops link (see the Makefile). */
	struct bpf_link *link;
	struct bpf_link *iter_link;
	struct bpf_link *beh_link;	/* scxd_behaviors */
	int nr_cpus;
	/* The entries of `layers` (config_bpf_layers()): whose layer each
	 * is, and which class it serves. */
	u32 nr_entries;
	u32 entry_layer[SCXD_MAX_LAYERS];
	u32 entry_cls[SCXD_MAX_LAYERS];
	bool attached_before;	/* since the load or the last loader_rewind() */
	char *stats;		/* verifier summaries, or NULL */
};

/* Each program's verifier log at BPF_LOG_STATS (4): just its summary. */
#define STATS_LOG_SIZE	4096

static int collect_verifier_stats(struct loader *l, char **bufs)
{
	struct bpf_program *prog;
	size_t len = 0, cap = 4096;
	int i = 0;

	l->stats = calloc(1, cap);
	if (!l->stats)
		return -ENOMEM;
	bpf_object__for_each_program(prog, l->skel->obj) {
		const char *p = strstr(bufs[i++], "processed ");
		char line[256];
		int n;

		if (!p)
			continue;
		n = snprintf(line, sizeof(line), "%s: %.*s\n", bpf_program__name(prog),
			     (int)strcspn(p, "\n"), p);
		if (len + n + 1 > cap) {
			char *bigger = realloc(l->stats, cap * 2);

			if (!bigger)
				return -ENOMEM;
			l->stats = bigger;
			cap *= 2;
		}
		memcpy(l->stats + len, line, n + 1);
		len += n;
	}
	return 0;
}

int loader_new(struct loader **ret, const struct scxd_tunables *t,
	       const struct loader_maps *shared, u32 topo_start, bool verifier_stats)
{
	char *bufs[64] = {0};
	struct bpf_program *prog;
	struct loader *l;
	int r, i = 0;

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
	if (shared && ((r = bpf_map__reuse_fd(l->skel->maps.layers, shared->layers)) ||
		       (r = bpf_map__reuse_fd(l->skel->maps.rules, shared->rules)) ||
		       (r = bpf_map__reuse_fd(l->skel->maps.pins, shared->pins)) ||
		       (r = bpf_map__reuse_fd(l->skel->maps.cpu_topo, shared->cpu_topo))))
		goto fail;
	/* Rodata: written now or never (the kernel freezes it at load). */
#define SET_TUNABLE(name, def, min, max, doc)	l->skel->rodata->name = t->name;
	SCXD_TUNABLES(SET_TUNABLE)
#undef SET_TUNABLE
	l->skel->rodata->topo_start = topo_start;
#ifdef SCXD_DEBUG
	l->skel->rodata->debug_knobs = true;
#endif
	if (verifier_stats) {
		bpf_object__for_each_program(prog, l->skel->obj) {
			if (i >= 64 || !(bufs[i] = calloc(1, STATS_LOG_SIZE))) {
				r = -ENOMEM;
				goto fail;
			}
			bpf_program__set_log_level(prog, 4);
			bpf_program__set_log_buf(prog, bufs[i++], STATS_LOG_SIZE);
		}
	}
	r = scxd__load(l->skel);
	if (r)
		goto fail;
	if (verifier_stats) {
		r = collect_verifier_stats(l, bufs);
		if (r)
			goto fail;
	}
	l->iter_link = bpf_program__attach_iter(l->skel->progs.scxd_reclassify, NULL);
	if (!l->iter_link) {
		r = -errno;
		goto fail;
	}
	l->beh_link = bpf_program__attach_iter(l->skel->progs.scxd_behaviors, NULL);
	if (!l->beh_link) {
		r = -errno;
		goto fail;
	}
	for (i = 0; i < 64; i++)
		free(bufs[i]);
	*ret = l;
	return 0;
fail:
	for (i = 0; i < 64; i++)
		free(bufs[i]);
	loader_free(l);
	return r;
}

const char *loader_verifier_stats(const struct loader *l)
{
	return l->stats ? l->stats : "";
}

struct loader *loader_free(struct loader *l)
{
	if (!l)
		return NULL;
	loader_detach(l);
	bpf_link__destroy(l->iter_link);
	bpf_link__destroy(l->beh_link);
	scxd__destroy(l->skel);
	free(l->stats);
	free(l);
	return NULL;
}

/* Would every task land in the same entry of `layers` under @a and @b?
 * Not when a layer became auto or stopped being auto: its tasks' entries
 * come or go (config_bpf_layers()). */
static bool same_classification(const struct scxd_config *a, const struct scxd_config *b)
{
	if (!a || a->nr_layers != b->nr_layers || a->nr_rules != b->nr_rules ||
	    memcmp(a->rules, b->rules, b->nr_rules * sizeof(b->rules[0])))
		return false;
	for (u32 i = 0; i < b->nr_layers; i++)
		if (a->layers[i].id != b->layers[i].id ||
		    (a->layers[i].policy == SCXD_POLICY_AUTO) !=
		    (b->layers[i].policy == SCXD_POLICY_AUTO))
			return false;
	return true;
}

int loader_write_array(struct bpf_map *map, const void *items, size_t size, u32 n)
{
	int fd = bpf_map__fd(map);

	for (u32 i = 0; i < n && i < bpf_map__max_entries(map); i++)
		if (bpf_map_update_elem(fd, &i, (const char *)items + i * size, BPF_ANY))
			return -errno;
	return 0;
}

/* The same, from the map. */
static int read_array(struct bpf_map *map, void *items, size_t size, u32 n)
{
	int fd = bpf_map__fd(map);

	for (u32 i = 0; i < n && i < bpf_map__max_entries(map); i++)
		if (bpf_map_lookup_elem(fd, &i, (char *)items + i * size))
			return -errno;
	return 0;
}

int loader_write_layers(struct bpf_map *map, const struct scxd_config *c,
			struct scxd_layer *entries, u32 *nr_entries)
{
	u32 n = config_bpf_layers(c, NULL);

	if (c->nr_layers == 0 || n > SCXD_MAX_LAYERS || c->nr_rules > SCXD_MAX_RULES)
		return -EINVAL;
	config_bpf_layers(c, entries);
	*nr_entries = n;
	return loader_write_array(map, entries, sizeof(entries[0]), n);
}

int loader_apply_config(struct loader *l, const struct scxd_config *c,
			const struct scxd_config *prev)
{
	struct scxd_layer entries[SCXD_MAX_LAYERS];
	u32 n;
	int r;

	r = loader_write_layers(l->skel->maps.layers, c, entries, &n);
	if (r < 0)
		return r;
	l->nr_entries = n;
	for (u32 e = 0; e < n; e++)
		l->entry_layer[e] = config_bpf_layer_of(c, entries, e, &l->entry_cls[e]);
	l->skel->bss->nr_entries = n;
	if (n > l->skel->bss->nr_layers_hw)
		l->skel->bss->nr_layers_hw = n;
	/* Layer settings are read live; only a change of who goes where
	 * needs the rules rewritten and every task checked again. */
	if (same_classification(prev, c))
		return 0;
	r = loader_write_array(l->skel->maps.rules, c->rules, sizeof(c->rules[0]), c->nr_rules);
	if (r < 0)
		return r;
	/* Counts first, generation last: a task that sees the new generation
	 * must find the maps already complete. */
	l->skel->bss->nr_layers = c->nr_layers;
	l->skel->bss->nr_rules = c->nr_rules;
	__atomic_add_fetch(&l->skel->bss->cfg_gen, 1, __ATOMIC_RELEASE);
	return loader_attached(l) ? loader_reclassify(l) : 0;
}

#ifndef PIDFD_THREAD
#define PIDFD_THREAD	O_EXCL	/* Linux 6.9: a pidfd for any thread */
#endif

/* A pidfd of thread @tid: the key of task storage maps. */
static int thread_pidfd(pid_t tid)
{
	int fd = syscall(SYS_pidfd_open, tid, PIDFD_THREAD);

	/* Kernels before 6.9 have thread-group leaders' pidfds only. */
	if (fd < 0 && errno == EINVAL)
		fd = syscall(SYS_pidfd_open, tid, 0);
	return fd < 0 ? -errno : fd;
}

int loader_pin(struct loader *l, pid_t tid, u32 layer_id)
{
	struct scxd_pin pin = { .layer_id = layer_id };
	int fd = thread_pidfd(tid), map = bpf_map__fd(l->skel->maps.pins), r = 0;

	if (fd < 0)
		return fd;
	if (layer_id ? bpf_map_update_elem(map, &fd, &pin, BPF_ANY)
		     : bpf_map_delete_elem(map, &fd))
		r = -errno;
	close(fd);
	return r;
}

int loader_refresh(struct loader *l)
{
	__atomic_add_fetch(&l->skel->bss->cfg_gen, 1, __ATOMIC_RELEASE);
	return loader_attached(l) ? loader_reclassify(l) : 0;
}

/* An entry of `layers` (*layer, as BPF keeps it) as the configuration's
 * layer it belongs to, and *cls as the class that entry serves. */
static void entry_as_layer(const struct loader *l, u32 *layer, u32 *cls)
{
	if (*layer >= l->nr_entries)
		return;
	*cls = l->entry_cls[*layer];
	*layer = l->entry_layer[*layer];
}

int loader_task_info(struct loader *l, pid_t tid, struct scxd_task_info *info, u32 *pin_id)
{
	size_t size = bpf_map__value_size(l->skel->maps.task_ctxs);
	struct scxd_pin pin;
	void *buf;
	int fd, r = 0;

	if (size < sizeof(*info))
		return -EINVAL;
	buf = calloc(1, size);
	if (!buf)
		return -ENOMEM;
	fd = thread_pidfd(tid);
	if (fd < 0) {
		free(buf);
		return fd;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.task_ctxs), &fd, buf)) {
		r = -errno;
	} else {
		memcpy(info, buf, sizeof(*info));
		entry_as_layer(l, &info->layer, &info->beh.cls);
	}
	*pin_id = 0;
	if (!r && !bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.pins), &fd, &pin))
		*pin_id = pin.layer_id;
	close(fd);
	free(buf);
	return r;
}

int loader_reclassify(struct loader *l)
{
	char buf[64];
	ssize_t n;
	int fd, r = 0;

	fd = bpf_iter_create(bpf_link__fd(l->iter_link));
	if (fd < 0)
		return -errno;
	/* The program prints nothing; reading drives it over every task. */
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	if (n < 0)
		r = -errno;
	close(fd);
	return r;
}

int loader_read_tasks(struct loader *l, struct scxd_task_record **out, size_t *n)
{
	size_t len;
	char *buf;
	int fd, r;

	*out = NULL;
	*n = 0;
	fd = bpf_iter_create(bpf_link__fd(l->beh_link));
	if (fd < 0)
		return -errno;
	r = file_read_fd(fd, SIZE_MAX / 2, &buf, &len);
	close(fd);
	if (r < 0)
		return r;
	*out = (struct scxd_task_record *)buf;
	*n = len / sizeof(**out);
	for (size_t i = 0; i < *n; i++)
		entry_as_layer(l, &(*out)[i].layer, &(*out)[i].beh.cls);
	return 0;
}

int loader_write_topology(struct loader *l, const struct scxd_cpu_topo *t, u32 nr_cpus)
{
	return loader_write_array(l->skel->maps.cpu_topo, t, sizeof(*t), nr_cpus);
}

int loader_read_topology(struct loader *l, struct scxd_cpu_topo *t, u32 max_cpus,
			 u32 *nr_cpus, u32 *nr_llcs, u32 *source)
{
	u32 n = l->skel->bss->nr_cpus;
	int r;

	if (n > max_cpus)
		n = max_cpus;
	r = read_array(l->skel->maps.cpu_topo, t, sizeof(*t), n);
	if (r < 0)
		return r;
	*nr_cpus = n;
	*nr_llcs = l->skel->bss->nr_llcs;
	*source = l->skel->bss->topo_source;
	return 0;
}

int loader_write_placement(struct loader *l, const struct scxd_layer_cpus *lc, u32 nr_layers,
			   u32 nr_cpus)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	int fd = bpf_map__fd(l->skel->maps.layer_cpus);

	/* Both classes of an auto layer run where the layer runs. */
	for (u32 e = 0; e < l->nr_entries; e++)
		if (l->entry_layer[e] < nr_layers &&
		    bpf_map_update_elem(fd, &e, &lc[l->entry_layer[e]], BPF_ANY))
			return -errno;
	/* And the same spans as kernel cpumasks, for scx_bpf_select_cpu_and(). */
	if (bpf_prog_test_run_opts(bpf_program__fd(l->skel->progs.scxd_sync_spans), &opts))
		return -errno;
	return 0;
}

/* Zero every entry of array map @map (per-CPU or not). */
static int zero_array(struct bpf_map *map, int nr_cpus)
{
	bool percpu = bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY;
	void *zeros = calloc(percpu ? nr_cpus : 1, bpf_map__value_size(map));
	int r = 0;

	if (!zeros)
		return -ENOMEM;
	for (u32 i = 0; i < bpf_map__max_entries(map); i++)
		if (bpf_map_update_elem(bpf_map__fd(map), &i, zeros, BPF_ANY))
			r = -errno;
	free(zeros);
	return r;
}

int loader_rewind(struct loader *l)
{
	size_t size = 0;
	void *bss;
	int r;

	if (!l->attached_before)
		return 0;
	if (l->link)
		return -EBUSY;
	/* Globals: clocks, virtual times, task counts, the exit record. */
	bss = bpf_map__initial_value(l->skel->maps.bss, &size);
	if (!bss)
		return -EINVAL;
	memset(bss, 0, size);
	/* Per-CPU notes, placement, counters. */
	if ((r = zero_array(l->skel->maps.cpu_ctxs, l->nr_cpus)) < 0 ||
	    (r = zero_array(l->skel->maps.layer_cpus, l->nr_cpus)) < 0 ||
	    (r = zero_array(l->skel->maps.layer_stats, l->nr_cpus)) < 0 ||
	    (r = zero_array(l->skel->maps.lat_hist, l->nr_cpus)) < 0 ||
	    (r = zero_array(l->skel->maps.stats, l->nr_cpus)) < 0)
		return r;
	l->attached_before = false;
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
	l->attached_before = true;
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

bool loader_ejected(const struct loader *l)
{
	return l && l->link && loader_exited(l);
}

bool loader_exited(const struct loader *l)
{
	return __atomic_load_n(&l->skel->bss->exit_rec.exited, __ATOMIC_ACQUIRE) != 0;
}

const struct scxd_exit_rec *loader_exit_rec(const struct loader *l)
{
	return &l->skel->bss->exit_rec;
}

bool loader_exit_restartable(const struct scxd_exit_rec *e)
{
	return (u64)e->exit_code & SCX_ECODE_ACT_RESTART;
}

bool loader_exit_error(const struct scxd_exit_rec *e)
{
	/* SCX_EXIT_ERROR and up (enum scx_exit_kind): the scheduler failed. */
	return e->kind >= 1024;
}

int loader_inject_error(struct loader *l, u64 after_ns)
{
#ifdef SCXD_DEBUG
	struct timespec now;

	if (!l || !l->link)
		return -ENOTCONN;
	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	l->skel->bss->inject_error_at = (u64)now.tv_sec * 1000000000ULL + now.tv_nsec + after_ns;
	return 0;
#else
	return -EOPNOTSUPP;
#endif
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

int loader_read_samples(struct loader *l, struct layer_sample *out, unsigned n)
{
	size_t cnt_size = sizeof(u64) * SCXD_MAX_LAYERS * SCXD_LSTATS_MAX;
	u64 (*cnt)[SCXD_MAX_LAYERS][SCXD_LSTATS_MAX] = NULL;
	struct scxd_lat_hist *hist = NULL;
	unsigned i, s, e;
	u32 zero = 0;
	int cpu, r = 0;

	if (n > SCXD_MAX_LAYERS)
		n = SCXD_MAX_LAYERS;
	cnt = calloc(l->nr_cpus, cnt_size);
	hist = calloc(l->nr_cpus, sizeof(*hist));
	if (!cnt || !hist) {
		r = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.layer_stats), &zero, cnt) ||
	    bpf_map_lookup_elem(bpf_map__fd(l->skel->maps.lat_hist), &zero, hist)) {
		r = -errno;
		goto out;
	}
	memset(out, 0, n * sizeof(*out));
	/* An auto layer's two entries add up to the layer. */
	for (e = 0; e < l->nr_entries; e++) {
		s64 tasks = __atomic_load_n(&l->skel->bss->layer_nr_tasks[e], __ATOMIC_RELAXED);
		struct layer_sample *o;

		if ((i = l->entry_layer[e]) >= n)
			continue;
		o = &out[i];
		o->tasks += tasks;
		o->served[l->entry_cls[e] & 1] += tasks;
		for (cpu = 0; cpu < l->nr_cpus; cpu++) {
			for (s = 0; s < SCXD_NR_LSTATS; s++)
				o->cnt[s] += cnt[cpu][e][s];
			for (s = 0; s < SCXD_LAT_BUCKETS; s++)
				o->hist[s] += hist[cpu].bucket[e][s];
		}
	}
out:
	free(cnt);
	free(hist);
	return r;
}

/* A kernel without sched_ext has no such file: say so rather than "". */
int sched_ext_state(char *buf, size_t len)
{
	int r = file_read_line("/sys/kernel/sched_ext/state", buf, len);

	if (r == -ENOENT)
		snprintf(buf, len, "unsupported");
	return r;
}

int sched_ext_ops(char *buf, size_t len)
{
	return file_read_line("/sys/kernel/sched_ext/root/ops", buf, len);
}
