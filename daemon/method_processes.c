/*
 * method_processes.c - processes: every process scxd schedules, with its
 * threads' behaviour summed (the scheduler's struct scxd_behavior, read
 * through the scxd_behaviors iterator) and the facts a match rule could
 * name it by, from /proc. What scxctl suggest observes. Read-only: any
 * user (ps shows as much).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "loader.h"
#include "manager.h"
#include "methods.h"
#include "procfs.h"

static int by_tgid(const void *a, const void *b)
{
	const struct scxd_task_record *x = a, *y = b;

	return x->tgid != y->tgid ? (x->tgid > y->tgid) - (x->tgid < y->tgid) :
				    (x->tid > y->tid) - (x->tid < y->tid);
}

/* ppid and nice of @pid from /proc/PID/stat: after the last ')', field 4
 * is the 2nd and field 19 the 17th. */
static void read_stat(pid_t pid, struct proto_process *p)
{
	char path[64], buf[1024];
	const char *s;
	int ppid, nice;

	snprintf(path, sizeof(path), PROC_ROOT "/%d/stat", pid);
	if (file_read_line(path, buf, sizeof(buf)) < 0 || !(s = strrchr(buf, ')')))
		return;
	if (sscanf(s + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %d",
		   &ppid, &nice) == 2) {
		p->ppid = ppid;
		p->nice = nice;
	}
}

/* The facts of process @pid a rule can name, as far as /proc still has them. */
static void read_facts(pid_t pid, struct proto_process *p)
{
	struct proc_ids ids = {0};
	char path[64], line[4096];

	snprintf(path, sizeof(path), PROC_ROOT "/%d/comm", pid);
	file_read_line(path, p->comm, sizeof(p->comm));
	/* cgroup v2: the one line "0::/path". One too long for a rule stays
	 * unknown (""): nothing should match by a path cut short. */
	snprintf(path, sizeof(path), PROC_ROOT "/%d/cgroup", pid);
	if (file_read_line(path, line, sizeof(line)) >= 0 && !strncmp(line, "0::", 3) &&
	    strlen(line + 3) < sizeof(p->cgroup))
		memcpy(p->cgroup, line + 3, strlen(line + 3) + 1);
	if (proc_ids_read(PROC_ROOT, pid, &ids) == 0) {
		p->uid = ids.uid[PROC_EFFECTIVE];
		p->gid = ids.gid[PROC_EFFECTIVE];
	}
	proc_ids_done(&ids);
	read_stat(pid, p);
}

METHOD(processes)
{
	struct manager *m = userdata;
	struct scxd_task_record *t = NULL;
	struct proto_processes *out;
	size_t n = 0, i;
	int r;

	if ((r = need_attached(m, errmsg, errlen)) < 0)
		return r;
	out = calloc(1, sizeof(*out));
	if (!out)
		return -ENOMEM;
	r = loader_read_tasks(m->loader, &t, &n);
	if (r < 0) {
		free(out);
		return r;
	}
	qsort(t, n, sizeof(*t), by_tgid);
	out->short_run_us = SCXD_SHORT_RUN_NS / 1000;
	for (i = 0; i < n; i++) {
		const struct scxd_task_record *x = &t[i];
		struct proto_process *p;

		if (!i || t[i - 1].tgid != x->tgid) {
			if (out->nr_processes == PROTO_MAX_PROCESSES) {
				out->left_out++;
				continue;
			}
			p = &out->processes[out->nr_processes++];
			p->pid = x->tgid;
			p->kthread = x->kthread;
			read_facts(x->tgid, p);
			snprintf(p->layer, sizeof(p->layer), "%s", x->layer < m->config->nr_layers ?
				 m->config->layers[x->layer].name : "");
		}
		p = &out->processes[out->nr_processes - 1];
		if (p->pid != x->tgid)
			continue;	/* a process left out */
		/* The leader's layer, if it has one: sorted first. */
		if (x->tid == x->tgid && x->layer < m->config->nr_layers)
			snprintf(p->layer, sizeof(p->layer), "%s", m->config->layers[x->layer].name);
		p->threads++;
		p->served_latency += x->beh.cls == SCXD_POLICY_LATENCY;
		p->wakeups += x->beh.wakeups;
		p->cpu_ns += x->beh.cpu_ns;
		p->runs += x->beh.runs;
		p->short_runs += x->beh.short_runs;
	}
	free(t);
	*result = proto_processes_encode(out);
	free(out);
	return *result ? 0 : -ENOMEM;
}
