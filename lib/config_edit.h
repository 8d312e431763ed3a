/* SPDX-License-Identifier: GPL-2.0 */
/*
 * config_edit.h - changing a configuration the way a file would.
 *
 * Every runtime change (scxctl set-layer, add-layer, remove-layer, match
 * add/remove) is an edit of the configuration's canonical INI text: the
 * running configuration is written out as sections of key = value lines,
 * the edit changes those lines, and the result is parsed again by
 * config_load_string(). So a change is checked by exactly the code that
 * checks a file, a value means the same in a request as in a file, and a
 * configuration that a file could not express cannot be reached at runtime
 * either. The same text is what `save` writes and what `status` compares
 * with the file.
 * The canonical form is config_format()'s (config.h).
 *
 * Pure: never logs. Errors come back as -errno plus a struct config_error
 * whose message names the layer and key; line is 0.
 */
#ifndef SCXD_CONFIG_EDIT_H
#define SCXD_CONFIG_EDIT_H

#include "config.h"

/*
 * How @to differs from @from, line by line in canonical form: each line
 * only @to has as "+ [SECTION] key = value", each only @from has as
 * "- [SECTION] key = value", @from's first. Calls @fn for each; returns
 * how many there are, or -ENOMEM.
 */
int config_diff(const struct scxd_config *from, const struct scxd_config *to,
		void (*fn)(void *data, const char *line), void *data);

struct config_edit;

/* An edit session over @c's canonical form; NULL on ENOMEM. */
struct config_edit *config_edit_new(const struct scxd_config *c);
struct config_edit *config_edit_free(struct config_edit *e);

/*
 * Set @key of layer @layer (NULL: of [scxd]) to @value, replacing its
 * current value. An empty @value removes the key (back to its default).
 * -ENOENT: no such layer; -EINVAL: "match" (use the match functions) or a
 * value with a line break. Values are checked by config_edit_commit().
 */
int config_edit_set(struct config_edit *e, const char *layer, const char *key,
		    const char *value, struct config_error *err);

/* A new, empty layer before layer @before (NULL: before the last layer,
 * the catch-all). -EEXIST, -ENOENT (@before), -ENOSPC (too many). */
int config_edit_add_layer(struct config_edit *e, const char *name, const char *before,
			  struct config_error *err);

/* -ENOENT: no such layer. */
int config_edit_remove_layer(struct config_edit *e, const char *name,
			     struct config_error *err);

/* Append a match line to @layer. The rule is checked at commit. */
int config_edit_add_match(struct config_edit *e, const char *layer, const char *rule,
			  struct config_error *err);

/* Remove the match line of @layer equal to @rule once both are in
 * canonical form (rule_format()). -ENOENT when the layer has no such
 * line; -EINVAL when @rule does not parse. */
int config_edit_remove_match(struct config_edit *e, const char *layer, const char *rule,
			     struct config_error *err);

/*
 * Parse the edited text into *out (untouched on failure), keeping @source
 * as its source. On -EINVAL err->msg says what is wrong and where, as
 * "layer 'NAME': MSG" or "[scxd]: MSG" when the parser named a line.
 */
int config_edit_commit(struct config_edit *e, struct scxd_config *out, const char *source,
		       struct config_error *err);

#endif /* SCXD_CONFIG_EDIT_H */
