/* method_read.c - the read-only methods: status, version, topology,
 * explain. Any user may call them; they change nothing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpumask.h"
#include "file.h"
#include "loader.h"
#include "manager.h"
#include "methods.h"
#include "procfs.h"
#include "rivals.h"

METHOD(version)
{
	*result = proto_version_encode();
	return *result ? 0 : -ENOMEM;
}

/* The status document: configuration, kernel state, placement and the
 * counters of the last sampling interval. */
int status_fill(struct manager *m, struct proto_status *st)
{
	struct layer_sample now[SCXD_MAX_LAYERS] = {0};
	const struct scxd_config *c = m->config;
	bool attached = manager_attached(m);
	uint64_t usec = 0;
	u32 i, j;
	int r;

	st->proto = SCXD_PROTO_VERSION;
	snprintf(st->version, sizeof(st->version), "%s", SCXD_VERSION);
	sched_ext_state(st->state, sizeof(st->state));
	sched_ext_ops(st->ops, sizeof(st->ops));
	st->attached = attached && !strcmp(st->ops, SCXD_OPS_NAME);
	snprintf(st->config, sizeof(st->config), "%s", c->source);
	snprintf(st->role, sizeof(st->role), "%s", c->role);
	snprintf(st->socket, sizeof(st->socket), "%s", m->socket_path);
	sd_event_now(m->event, CLOCK_MONOTONIC, &usec);
	st->uptime_s = (usec - m->start_usec) / 1000000;
	st->stats_interval_ms = m->last_usec ? MANAGER_TICK_USEC / 1000 : 0;
	/* Ours is no rival once attached; before, any scheduler is another's. */
	rivals_sched_ext(RIVALS_ROOT, st->attached ? SCXD_OPS_NAME : NULL, st->rivals,
			 PROTO_MAX_RIVALS, &st->nr_rivals);
	if (!m->tuners_usec || usec - m->tuners_usec >= RIVALS_SCAN_USEC) {
		m->nr_tuners = 0;
		if (rivals_tuners(RIVALS_ROOT, m->tuners, PROTO_MAX_RIVALS, &m->nr_tuners) < 0)
			m->nr_tuners = 0;
		m->tuners_usec = usec ? usec : 1;
	}
	for (i = 0; i < m->nr_tuners && st->nr_rivals < PROTO_MAX_RIVALS; i++)
		st->rivals[st->nr_rivals++] = m->tuners[i];
	st->nr_changes = m->nr_changes;
	memcpy(st->changes, m->changes, m->nr_changes * sizeof(m->changes[0]));

	if (m->loader && loader_ejected(m->loader)) {
		const struct scxd_exit_rec *e = loader_exit_rec(m->loader);

		snprintf(st->exit.kind, sizeof(st->exit.kind), "%s", loader_exit_kind_name(e->kind));
		st->exit.code = e->exit_code;
		snprintf(st->exit.reason, sizeof(st->exit.reason), "%s", e->reason);
		snprintf(st->exit.msg, sizeof(st->exit.msg), "%s", e->msg);
	}

	if (attached) {
		r = loader_read_samples(m->loader, now, c->nr_layers);
		if (r < 0)
			return r;
	}
	st->nr_layers = c->nr_layers;
	for (i = 0; i < c->nr_layers; i++) {
		const struct scxd_layer *cl = &c->layers[i];
		const struct layer_sample *w = &m->window[i];
		struct proto_status_layer *l = &st->layers[i];

		snprintf(l->name, sizeof(l->name), "%s", cl->name);
		l->index = i;
		snprintf(l->policy, sizeof(l->policy), "%s", policy_name(cl->policy));
		l->weight = cl->weight;
		l->slice_us = cl->slice_ns / 1000;
		snprintf(l->kind, sizeof(l->kind), "%s",
			 cl->kind == SCXD_KIND_CONFINED ? "confined" : "open");
		l->preempt = cl->preempt;
		l->users = cl->users;
		l->cpus_min = cl->cpus_min;
		l->cpus_max = cl->cpus_max;
		l->llcs = cl->llcs;
		l->nr_owned = m->placement[i].nr_owned;
		l->nr_span = m->placement[i].nr_span;
		l->owned = m->placement[i].owned;

		l->tasks = now[i].tasks > 0 ? now[i].tasks : 0;
		l->served_latency = now[i].served[SCXD_POLICY_LATENCY] > 0 ?
				    now[i].served[SCXD_POLICY_LATENCY] : 0;
		l->served_throughput = now[i].served[SCXD_POLICY_THROUGHPUT] > 0 ?
				       now[i].served[SCXD_POLICY_THROUGHPUT] : 0;
		l->auto_latency_run_us = cl->auto_run_ns / 1000;
		l->auto_min_wakeups = cl->auto_wakeups;
		l->class_changes = now[i].cnt[SCXD_LSTAT_RECLASS];
		l->enqueues = now[i].cnt[SCXD_LSTAT_ENQ];
		l->dispatches = now[i].cnt[SCXD_LSTAT_DISPATCH];
		l->direct = now[i].cnt[SCXD_LSTAT_DIRECT];
		l->cpu_ns = now[i].cnt[SCXD_LSTAT_CPU_NS];
		l->preemptions = now[i].cnt[SCXD_LSTAT_PREEMPT];
		l->migrations = now[i].cnt[SCXD_LSTAT_MIGRATE];
		l->xllc_migrations = now[i].cnt[SCXD_LSTAT_XLLC];
		l->steals = now[i].cnt[SCXD_LSTAT_STEAL];
		l->rescues = now[i].cnt[SCXD_LSTAT_RESCUE];
		l->wakeups = now[i].cnt[SCXD_LSTAT_WAKEUP];
		l->resumes = now[i].cnt[SCXD_LSTAT_RESUME];
		l->shortened = now[i].cnt[SCXD_LSTAT_SHORTEN];
		l->kept = now[i].cnt[SCXD_LSTAT_KEEP];
		l->kernel_picks = now[i].cnt[SCXD_LSTAT_KPICK];
		l->busy = now[i].cnt[SCXD_LSTAT_BUSY];

		l->util = m->util[i];
		l->lat_p50_us = lat_hist_percentile(w->hist, SCXD_LAT_BUCKETS, 0.50) / 1000.0;
		l->lat_p99_us = lat_hist_percentile(w->hist, SCXD_LAT_BUCKETS, 0.99) / 1000.0;
		l->lat_samples = lat_hist_samples(w->hist, SCXD_LAT_BUCKETS);
		memcpy(l->lat_hist, now[i].hist, sizeof(l->lat_hist));
		l->lat_sum_ns = now[i].cnt[SCXD_LSTAT_LAT_NS];
	}
	/* Rules are stored grouped by layer, in layer order. */
	for (j = 0; j < c->nr_rules; j++) {
		struct proto_status_layer *l = &st->layers[c->rules[j].layer];

		if (!l->nr_rules)
			l->first_rule = j;
		l->nr_rules++;
		snprintf(st->rules[j], sizeof(st->rules[j]), "%s", c->rule_text[j]);
	}
	return 0;
}

METHOD(status)
{
	struct manager *m = userdata;
	struct proto_status *st;
	int r;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	r = status_fill(m, st);
	if (r < 0) {
		snprintf(errmsg, errlen, "reading BPF counters: %s", strerror(-r));
		free(st);
		return r;
	}
	*result = proto_status_encode(st);
	free(st);
	return *result ? 0 : -ENOMEM;
}

METHOD(topology)
{
	struct manager *m = userdata;
	struct proto_topology *t;
	u32 cpu;

	if (!m->nr_cpus) {
		snprintf(errmsg, errlen, "no scheduler attached");
		return -EBUSY;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	snprintf(t->source, sizeof(t->source), "%s", proto_topo_source_name(m->topo_source));
	t->nr_cpus = m->nr_cpus;
	t->nr_llcs = m->nr_llcs;
	/* Every LLC index is listed, in order, even one whose CPUs are all
	 * offline; only online CPUs give an LLC its id and members. */
	for (u32 i = 0; i < t->nr_llcs && i < SCXD_MAX_LLCS; i++) {
		t->llcs[i].index = i;
		t->llcs[i].id = -1;
	}
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct scxd_cpu_topo *c = &m->topo[cpu];
		struct proto_topology_llc *llc = &t->llcs[c->llc % SCXD_MAX_LLCS];

		t->cpus[cpu] = (struct proto_topology_cpu){
			.cpu = cpu, .online = c->online, .llc = c->llc, .llc_id = c->llc_id,
			.node = c->node, .llc_size = c->llc_size,
		};
		if (!c->online || c->llc >= t->nr_llcs)
			continue;
		llc->id = c->llc_id;
		scxd_cpumask_set(&llc->cpus, cpu);
	}
	*result = proto_topology_encode(t);
	free(t);
	return *result ? 0 : -ENOMEM;
}

/* Which layer a task is in, and why. */
METHOD(explain)
{
	struct manager *m = userdata;
	struct scxd_task_info info;
	const char *reason = "rule";
	char path[64], comm[32] = "";
	u32 pin_id = 0;
	cJSON *o, *b;
	int r, pid;

	if ((r = param_pid(req->params, "pid", &pid, errmsg, errlen)) < 0 ||
	    (r = need_attached(m, errmsg, errlen)) < 0)
		return r;
	r = loader_task_info(m->loader, pid, &info, &pin_id);
	if (r == -ESRCH || r == -ENOENT) {
		snprintf(errmsg, errlen, r == -ESRCH ? "no process %d" :
			 "process %d is not scheduled by scxd", pid);
		return -ENOENT;
	}
	if (r < 0)
		return r;
	if (info.layer >= m->config->nr_layers) {
		snprintf(errmsg, errlen, "process %d is not in a layer yet", pid);
		return -ENOENT;
	}
	snprintf(path, sizeof(path), PROC_ROOT "/%d/comm", pid);
	file_read_line(path, comm, sizeof(comm));
	o = *result = cJSON_CreateObject();
	if (!o)
		return -ENOMEM;
	if (info.rule == SCXD_RULE_PINNED)
		reason = "pinned";
	else if (info.rule == SCXD_RULE_CATCH_ALL || info.rule >= m->config->nr_rules)
		reason = "catch-all";
	cJSON_AddNumberToObject(o, "pid", pid);
	cJSON_AddStringToObject(o, "comm", comm);
	cJSON_AddStringToObject(o, "layer", m->config->layers[info.layer].name);
	cJSON_AddStringToObject(o, "reason", reason);
	if (!strcmp(reason, "rule")) {
		cJSON_AddNumberToObject(o, "rule_index", info.rule);
		cJSON_AddStringToObject(o, "rule", m->config->rule_text[info.rule]);
	} else {
		cJSON_AddNullToObject(o, "rule_index");
		cJSON_AddNullToObject(o, "rule");
	}
	cJSON_AddBoolToObject(o, "pinned", pin_id != 0);
	/* How it behaves, and as what its layer serves it for that. */
	cJSON_AddStringToObject(o, "policy", policy_name(m->config->layers[info.layer].policy));
	cJSON_AddStringToObject(o, "served_as", policy_name(info.beh.cls));
	b = cJSON_AddObjectToObject(o, "behavior");
	if (!b)
		return -ENOMEM;
	cJSON_AddNumberToObject(b, "wakeups_per_s", info.beh.gap_avg_ns ?
				1e9 / info.beh.gap_avg_ns : 0);
	cJSON_AddNumberToObject(b, "avg_run_us", info.beh.run_avg_ns / 1e3);
	cJSON_AddNumberToObject(b, "run_now_us", info.beh.run_cur_ns / 1e3);
	cJSON_AddNumberToObject(b, "wakeups", info.beh.wakeups);
	cJSON_AddNumberToObject(b, "cpu_ms", info.beh.cpu_ns / 1e6);
	return 0;
}

