/* saved.c - see saved.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "saved.h"

/* The first line of a saved configuration: which file it was made from. */
static void header(const char *base, char *buf, size_t len)
{
	snprintf(buf, len, "# scxd saved configuration, base: %s",
		 base[0] ? base : "(built-in)");
}

int saved_write(const char *path, const char *base, const struct scxd_config *c,
		char *errmsg, size_t errlen)
{
	char head[PATH_MAX + 128], dir[PATH_MAX], *text, *slash;
	int r;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			r = -errno;
			snprintf(errmsg, errlen, "creating %s: %s", dir, strerror(-r));
			return r;
		}
	}
	text = config_format(c);
	if (!text)
		return -ENOMEM;
	header(base, head, sizeof(head));
	strncat(head, "\n# Written by `scxctl save`; `scxctl reload` returns to the file.\n",
		sizeof(head) - strlen(head) - 1);
	r = file_write_atomic(path, head, text, true);
	free(text);
	if (r < 0)
		snprintf(errmsg, errlen, "writing %s: %s", path, strerror(-r));
	return r;
}

int saved_read(const char *path, const char *base, struct scxd_config *c,
	       struct config_error *err)
{
	char want[PATH_MAX + 64], have[PATH_MAX + 64];
	int r;

	/* -EIO: empty, which is no header either. */
	r = file_read_line(path, have, sizeof(have));
	if (r < 0 && r != -EIO) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = 0;
		snprintf(err->msg, sizeof(err->msg), "%s",
			 r == -EINVAL ? "not a regular file" : strerror(-r));
		return r;
	}
	header(base, want, sizeof(want));
	if (strcmp(have, want)) {
		snprintf(err->file, sizeof(err->file), "%s", path);
		err->line = 1;
		snprintf(err->msg, sizeof(err->msg), "%.200s", have);
		return -ESTALE;
	}
	return config_load_file(c, path, err);
}
