/* loader.h - owns the BPF scheduler: load (verifier), configure, attach,
 * detach, and read its counters back. Returns -errno; never logs
 * (libbpf's own messages go through the print callback the caller sets). */
#ifndef SCXD_LOADER_H
#define SCXD_LOADER_H
#include <stdbool.h>
#include <sys/types.h>
#include "scxd.h"

struct loader;
struct scxd_config;

struct layer_sample;

/* Maps of another object the scheduler uses instead of its own (fds):
 * the instrument's (tracer.h), so that both agree on rules and pins. */
struct loader_maps {
	int	layers;
	int	rules;
	int	pins;
	int	cpu_topo;
};

/* Load (verify) the scheduler with tunables @t, reusing the maps @shared
 * (NULL: its own); nothing runs until loader_attach(). It reads the
 * topology from @topo_start down (enum scxd_topo_source; NONE: the best
 * source the kernel has). With @verifier_stats, each program's verifier
 * summary ("processed N insns ...") is kept for loader_verifier_stats(). */
int loader_new(struct loader **ret, const struct scxd_tunables *t,
	       const struct loader_maps *shared, u32 topo_start, bool verifier_stats);
struct loader *loader_free(struct loader *l);
/* "name: processed N insns ..." lines, one per program; "" without stats. */
const char *loader_verifier_stats(const struct loader *l);

/* Write layers and rules into the BPF maps, then bump the generation so
 * that every task is re-classified on its next enqueue; when attached,
 * also re-check sleeping tasks at once (loader_reclassify). With @prev,
 * the configuration the maps hold now, the rules and the re-check are
 * skipped when they would put every task where it is. */
int loader_apply_config(struct loader *l, const struct scxd_config *c,
			const struct scxd_config *prev);
/* Entries 0..n-1 of array map @map from @items, @size bytes each; no more
 * than the map holds. */
struct bpf_map;
int loader_write_array(struct bpf_map *map, const void *items, size_t size, u32 n);
/* @c's layers into the `layers` map @map as the scheduler reads them
 * (config_bpf_layers()), also in @entries (room for SCXD_MAX_LAYERS);
 * *nr_entries: how many. -EINVAL: too many. */
int loader_write_layers(struct bpf_map *map, const struct scxd_config *c,
			struct scxd_layer *entries, u32 *nr_entries);

/* Run the iter/task program that re-checks every task's layer. */
int loader_reclassify(struct loader *l);

/*
 * Pin thread @tid to the layer with id @layer_id (0: remove its pin;
 * -ENOENT if it had none); loader_refresh() then makes it take effect.
 * Children the thread forks from then on inherit the pin (BPF,
 * ops.init_task). -ESRCH: no such thread.
 */
int loader_pin(struct loader *l, pid_t tid, u32 layer_id);
/* Every task scxd schedules, with its behaviour: *out (malloc()ed) holds
 * *n records, each layer an index of the configuration's layers and
 * beh.cls the class it is served as. */
int loader_read_tasks(struct loader *l, struct scxd_task_record **out, size_t *n);

/* Bump the generation and re-check every task now (after pins change). */
int loader_refresh(struct loader *l);
/* Thread @tid's layer (an index of the configuration's layers), why, and
 * its behaviour, beh.cls being the class it is served as now (-ESRCH: no
 * such thread; -ENOENT: not (yet) scheduled by scxd); *pin_id is its
 * pin's layer id, 0 if none. */
int loader_task_info(struct loader *l, pid_t tid, struct scxd_task_info *info, u32 *pin_id);

/* Before attach: the sysfs table, kept by BPF if the kernel lacks
 * sd_llc_id. After attach: the table BPF settled on. */
int loader_write_topology(struct loader *l, const struct scxd_cpu_topo *t, u32 nr_cpus);
int loader_read_topology(struct loader *l, struct scxd_cpu_topo *t, u32 max_cpus,
			 u32 *nr_cpus, u32 *nr_llcs, u32 *source);
/* Where each layer may run (struct scxd_layer_cpus per layer), and the
 * same spans as the kernel cpumasks scx_bpf_select_cpu_and() takes. */
int loader_write_placement(struct loader *l, const struct scxd_layer_cpus *lc, u32 nr_layers,
			   u32 nr_cpus);

int loader_attach(struct loader *l);
int loader_detach(struct loader *l);
/*
 * Before attaching a scheduler that was attached and detached: put its
 * state back to what a fresh load has (globals, per-CPU notes,
 * placement, counters), so that the next run does not start from the
 * last one's clocks and virtual times. Then write the configuration
 * again. A no-op on a scheduler never attached; -EBUSY while attached.
 */
int loader_rewind(struct loader *l);
bool loader_attached(const struct loader *l);
/* True once the kernel has called ops.exit (ejected or detached). */
bool loader_exited(const struct loader *l);
/* Exited while the daemon had it attached: the kernel ejected it. */
bool loader_ejected(const struct loader *l);
const struct scxd_exit_rec *loader_exit_rec(const struct loader *l);
const char *loader_exit_kind_name(s32 kind);
/* The kernel asks for a restart (e.g. after CPU hotplug). */
bool loader_exit_restartable(const struct scxd_exit_rec *e);
/* The scheduler failed (scx_bpf_error(), a stall, a kernel-found bug),
 * as opposed to being switched off (sysrq, unregistered). */
bool loader_exit_error(const struct scxd_exit_rec *e);
/* Debug builds (SCXD_DEBUG, make SANITIZE=1) only: have the attached
 * scheduler fail with scx_bpf_error() @after_ns from now (-ENOTCONN when
 * not attached). -EOPNOTSUPP in a release build. */
int loader_inject_error(struct loader *l, u64 after_ns);
/* Counters, latency histogram and task count of layers 0..n-1, summed over CPUs. */
int loader_read_samples(struct loader *l, struct layer_sample *out, unsigned n);

/* /sys/kernel/sched_ext/state and root/ops, "" when unreadable. */
int sched_ext_state(char *buf, size_t len);
int sched_ext_ops(char *buf, size_t len);
#endif
