/*
 * config.h - the INI configuration: global settings, layers and their
 * match rules. The format is described in docs/config.md.
 *
 * Pure: never logs. Errors come back as -errno plus a struct config_error
 * naming file and line, which the caller prints.
 */
#ifndef SCXD_CONFIG_H
#define SCXD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "defaults.h"
#include "scxd.h"


struct config_error {
	char file[256];
	unsigned line;			/* 0: the whole file */
	char msg[256];
};

/* "file:line: msg" (or "file: msg" when line is 0) into buf; returns buf. */
const char *config_error_str(const struct config_error *e, char *buf, size_t len);

struct scxd_config {
	char source[256];		/* the file, or "(built-in)" */
	char role[64];			/* default "custom" */
	char socket_path[108];		/* default SCXD_SOCKET_PATH */
	char socket_group[64];		/* default SCXD_ADMIN_GROUP */
	int log_level;			/* LOG_ERR..LOG_DEBUG from <syslog.h>, default LOG_INFO */
	char prometheus_textfile[256];	/* metrics written here each second; "" none */
	u32 nr_layers;
	struct scxd_layer layers[SCXD_MAX_LAYERS];
	u32 nr_rules;
	/* Grouped by layer in layer order, file order within a layer. */
	struct scxd_rule rules[SCXD_MAX_RULES];
	char rule_text[SCXD_MAX_RULES][256];	/* canonical text of each rule */
};

/*
 * Each returns 0, or -errno with *err filled (err may be NULL): -EINVAL
 * for an invalid configuration, -ENOENT/-EACCES/... when the file cannot
 * be read, -EFBIG for a file over 1 MiB, -ENOMEM.
 * On failure *c is left untouched: a failed reload keeps the running
 * configuration.
 */
int config_load_file(struct scxd_config *c, const char *path, struct config_error *err);
/* @name stands for the file in c->source and in error messages. */
int config_load_string(struct scxd_config *c, const char *text, const char *name,
		       struct config_error *err);
/* The built-in configuration, parsed from an embedded INI text: role
 * "default", config/roles/default.ini as the build found it. */
int config_load_default(struct scxd_config *c);
const char *config_builtin_text(void);

/* Read the text of configuration file @path (malloc()ed into *text): the
 * same checks and errors as config_load_file() before it parses. */
int config_read_file(const char *path, char **text, struct config_error *err);

/*
 * A part of a configuration: one file of a stack (config_stack.h). Each
 * line is checked as config_load_string() checks it, and so is each
 * section whose keys contradict each other (preempt = yes with policy =
 * throughput); what needs the whole configuration (a policy for every
 * layer, the catch-all) is not. Accepted in a part only: an empty
 * "match =", and "before = LAYER". Every section and key line that passes
 * goes to @sink, in file order; a sink returning -ENOMEM stops the parse.
 * Returns 0, -EINVAL or -ENOMEM with *err filled.
 */
struct config_sink {
	int (*section)(void *data, const char *layer, unsigned line);	/* layer NULL: [scxd] */
	int (*key)(void *data, const char *key, const char *value, unsigned line);
	void *data;
};
int config_parse_part(const char *text, const char *name, const struct config_sink *sink,
		      struct config_error *err);

/* Calls @fn with every key of @c and its effective value in canonical form,
 * defaults included: [scxd]'s (layer -1), then each layer's in the order
 * the format lists them, its match lines last (idx counts them). */
typedef void config_walk_fn(void *data, int layer, const char *key, unsigned idx,
			    const char *value);
void config_walk(const struct scxd_config *c, config_walk_fn *fn, void *data);

/* Is s[0..n) a name of a layer, role or group: 1 to max-1 characters of
 * A-Z a-z 0-9 _ . - ? (Callers add their own rules: a role file's name
 * does not start with '.', a group's not with '-'.) */
bool config_name_valid(const char *s, size_t n, size_t max);

/* Index of the layer called @name, or -ENOENT. */
int config_layer_find(const struct scxd_config *c, const char *name);

/* "FILE: N layers, N rules" and one line per layer with every setting,
 * its match lines below it: what scxd --check and scxctl check print. */
void config_describe(const struct scxd_config *c, FILE *f);

/* The canonical INI text of @c, malloc()ed; NULL on ENOMEM. Canonical
 * form: [scxd] with every global key, then the layers in order, each with
 * its policy, then only the keys whose value differs from what the parser
 * would default it to (so a layer whose slice or preempt follows its
 * policy keeps following it when the policy changes), then its match
 * lines in order. config_load_string() reads it back as the same
 * configuration. */
char *config_format(const struct scxd_config *c);

/* "latency", "throughput", "auto", or "?" */
const char *policy_name(u32 policy);

/*
 * An auto layer's thresholds (docs/config.md says why these defaults): a
 * task is served as latency while its runs between sleeps average at most
 * auto_latency_run_us and it wakes at least auto_min_wakeups times a
 * second.
 */
#define AUTO_RUN_US_DEFAULT	(SCXD_SHORT_RUN_NS / 1000)
#define AUTO_RUN_US_MIN		10
#define AUTO_RUN_US_MAX		1000000
#define AUTO_WAKEUPS_DEFAULT	10
#define AUTO_WAKEUPS_MIN	1
#define AUTO_WAKEUPS_MAX	100000

/*
 * The `layers` map as the scheduler reads it (scxd.h: it never sees an
 * auto layer): entry i is layer i, an auto layer's entry serving its
 * throughput class; after the layers, one entry per auto layer, in
 * order, serving its latency class, with the same settings but the
 * latency slice. The two point at each other (peer). Fills @out (NULL:
 * only counts; else room for SCXD_MAX_LAYERS) and returns how many
 * entries the configuration needs, which may exceed SCXD_MAX_LAYERS (the
 * parser refuses that).
 */
u32 config_bpf_layers(const struct scxd_config *c, struct scxd_layer *out);

/* The layer whose class entry @e of @entries (filled by
 * config_bpf_layers(), @e under its count) is, and which class it serves
 * in *cls (enum scxd_policy). */
u32 config_bpf_layer_of(const struct scxd_config *c, const struct scxd_layer *entries, u32 e,
			u32 *cls);

#endif /* SCXD_CONFIG_H */
