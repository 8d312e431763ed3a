/* SPDX-License-Identifier: GPL-2.0 */
/* file.c - see file.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "file.h"

/*
 * Open @path for reading if it is a regular file. Opened without blocking,
 * so that a FIFO put where a file was expected fails at once instead of
 * waiting for a writer; a FIFO, socket or device is refused (reading one
 * could block, or never end), a directory too.
 */
static int open_regular(const char *path)
{
	struct stat st;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	r = fstat(fd, &st) < 0 ? -errno : S_ISDIR(st.st_mode) ? -EISDIR
		: !S_ISREG(st.st_mode) ? -EINVAL : 0;
	if (!r && fcntl(fd, F_SETFL, 0) < 0)
		r = -errno;
	if (r < 0) {
		close(fd);
		return r;
	}
	return fd;
}

int file_read_line(const char *path, char *buf, size_t len)
{
	int fd = open_regular(path);
	FILE *f;
	int r = 0;

	if (len)
		buf[0] = '\0';
	if (fd < 0)
		return fd;
	f = fdopen(fd, "r");
	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	if (!len || !fgets(buf, len, f))
		r = -EIO;
	fclose(f);
	if (len)
		buf[strcspn(buf, "\n")] = '\0';
	return r;
}

int file_read_fd(int fd, size_t max, char **out, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf, *tmp;
	ssize_t r;
	int ret = 0;

	buf = malloc(size + 1);
	if (!buf)
		return -ENOMEM;
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
	if (ret) {
		free(buf);
		return ret;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int file_read_text(const char *path, size_t max, char **out, size_t *len)
{
	int fd = open_regular(path), r;

	if (fd < 0)
		return fd;
	r = file_read_fd(fd, max, out, len);
	close(fd);
	return r;
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
