/* loader.h - owns the BPF scheduler: load (verifier), configure, attach,
 * detach, and read its counters back. Returns -errno; never logs
 * (libbpf's own messages go through the print callback the caller sets). */
#ifndef SCXD_LOADER_H
#define SCXD_LOADER_H
#include <stdbool.h>
#include "scxd.h"

struct loader;
struct scxd_config;

struct layer_counters_sum {
	s64 tasks;
	u64 cnt[SCXD_NR_LSTATS];
};

int loader_new(struct loader **ret);
struct loader *loader_free(struct loader *l);
/* Write layers and rules into the BPF maps, then bump the generation so
 * that every task is re-classified on its next enqueue. */
int loader_apply_config(struct loader *l, const struct scxd_config *c);
int loader_attach(struct loader *l);
int loader_detach(struct loader *l);
bool loader_attached(const struct loader *l);
/* True once the kernel has called ops.exit (ejected or detached). */
bool loader_exited(const struct loader *l);
const struct scxd_exit_rec *loader_exit_rec(const struct loader *l);
const char *loader_exit_kind_name(s32 kind);
int loader_read_layers(struct loader *l, struct layer_counters_sum *out, unsigned n);

/* /sys/kernel/sched_ext/state and root/ops, "" when unreadable. */
int sched_ext_state(char *buf, size_t len);
int sched_ext_ops(char *buf, size_t len);
#endif
