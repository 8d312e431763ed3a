/*
 * saved.h - the configuration `scxctl save` keeps across restarts.
 *
 * A saved configuration is the running one in canonical form (config.h)
 * under a header line that names the file it was made from. At start it
 * replaces that file's configuration, and only that file's: saved from
 * another file (or the built-in configuration), it is ignored. It is
 * written through a temporary file and rename(), so that a crash leaves
 * the old file or the new one, never half of one.
 *
 * Returns -errno; never logs (the manager does, with the reason).
 */
#ifndef SCXD_SAVED_H
#define SCXD_SAVED_H

#include <stddef.h>

#include "config.h"

#define SAVED_NAME	"saved.ini"	/* in the state directory */

/* Write @c to @path, made from configuration file @base ("" for the
 * built-in one); the directory of @path is created if missing. On failure
 * @errmsg says which step failed ("creating DIR: ...", "writing PATH: ..."). */
int saved_write(const char *path, const char *base, const struct scxd_config *c,
		char *errmsg, size_t errlen);

/*
 * Read the configuration saved at @path for @base into *c (untouched on
 * failure), *err filled on failure. -ESTALE: saved from another file;
 * err->msg is its first line. Otherwise -errno when it cannot be opened
 * (-ENOENT: nothing saved; -EINVAL: not a regular file), or
 * config_load_file()'s errors (-EINVAL: invalid).
 */
int saved_read(const char *path, const char *base, struct scxd_config *c,
	       struct config_error *err);

#endif
