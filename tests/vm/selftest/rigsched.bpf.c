/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The smallest sched_ext scheduler that can fail on demand, for the rig
 * selftest (tests/vm/run.sh --selftest builds it three ways). It lets the
 * selftest check the rig's verdicts on the kernel's own messages for a
 * normal unload and for error exits, not on imitations.
 *
 *   RIGSCHED_OK      one global FIFO; never fails
 *   RIGSCHED_ERROR   calls scx_bpf_error() when a task whose comm starts
 *                    with "rigv" is enqueued
 *   RIGSCHED_STALL   never queues such a task: the watchdog ejects the
 *                    scheduler with "runnable task stall"
 *
 * Without ops.select_cpu the kernel puts a waking task straight on an
 * idle CPU and ops.enqueue() never sees it; returning prev_cpu makes
 * every wakeup go through ops.enqueue().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char _license[] SEC("license") = "GPL";

void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data__sz) __ksym;

static bool is_victim(struct task_struct *p)
{
	return p->comm[0] == 'r' && p->comm[1] == 'i' && p->comm[2] == 'g' && p->comm[3] == 'v';
}

SEC("struct_ops/rig_select_cpu")
s32 BPF_PROG(rig_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

SEC("struct_ops/rig_enqueue")
void BPF_PROG(rig_enqueue, struct task_struct *p, u64 enq_flags)
{
#if defined(RIGSCHED_ERROR)
	if (is_victim(p)) {
		static char fmt[] = "rig selftest error %d";
		unsigned long long data[1] = { p->pid };

		scx_bpf_error_bstr(fmt, data, sizeof(data));
	}
#elif defined(RIGSCHED_STALL)
	if (is_victim(p))
		return;
#endif
	scx_bpf_dsq_insert(p, SCX_DSQ_GLOBAL, SCX_SLICE_DFL, enq_flags);
}

SEC(".struct_ops.link")
struct sched_ext_ops rigsched_ops = {
	.select_cpu = (void *)rig_select_cpu,
	.enqueue = (void *)rig_enqueue,
	/* 7.3 warns below 4096 ms (its rescue overload threshold) */
	.timeout_ms = 5000,
	.name = "rigsched",
};
