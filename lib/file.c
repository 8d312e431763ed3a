/* SPDX-License-Identifier: GPL-2.0 */
/* file.c - see file.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"

int file_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int r = 0;

	if (len)
		buf[0] = '\0';
	if (!f)
		return -errno;
	if (!len || !fgets(buf, len, f))
		r = -EIO;
	fclose(f);
	if (len)
		buf[strcspn(buf, "\n")] = '\0';
	return r;
}

int file_read_text(const char *path, size_t max, char **out, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf, *tmp;
	ssize_t r;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	buf = malloc(size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	for (;;) {
		if (n == size) {
			size *= 2;
			tmp = realloc(buf, size + 1);
			if (!tmp) {
				ret = -ENOMEM;
				break;
			}
			buf = tmp;
		}
		r = read(fd, buf + n, size - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			ret = -errno;
			break;
		}
		if (!r)
			break;
		n += r;
		if (n > max) {
			ret = -EFBIG;
			break;
		}
	}
	close(fd);
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int file_write_atomic(const char *path, const char *head, const char *text, bool durable)
{
	char tmp[PATH_MAX + 16];
	FILE *f;
	int r = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if ((head && fputs(head, f) < 0) || (text && fputs(text, f) < 0) || fflush(f) ||
	    (durable && fsync(fileno(f))))
		r = -errno ?: -EIO;
	if (fclose(f) && !r)
		r = -errno;
	if (!r && rename(tmp, path) < 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}
