/* SPDX-License-Identifier: GPL-2.0 */
/*
 * file.h - reading the small text files scxd lives on: sysfs and procfs
 * attributes, configuration files; and writing its own whole, so that a
 * reader never sees half of one. Pure: returns -errno, never logs.
 */
#ifndef SCXD_FILE_H
#define SCXD_FILE_H

#include <stdbool.h>
#include <stddef.h>

/* Both readers read regular files only: -EISDIR for a directory, -EINVAL
 * for a FIFO, socket or device (which could block or never end), at once. */

/* The first line of @path, without its '\n', into buf (len bytes; cut to
 * fit). buf is "" on failure. -errno when the file cannot be opened,
 * -EIO when it is empty or unreadable. */
int file_read_line(const char *path, char *buf, size_t len);

/* What is left to read of @fd, NUL-terminated, in *out (malloc()ed) and
 * its length in *len; @fd stays open. -EFBIG past @max bytes; -errno when
 * it cannot be read. */
int file_read_fd(int fd, size_t max, char **out, size_t *len);

/* The whole of @path, NUL-terminated, in *out (malloc()ed) and its length
 * in *len. -EFBIG past @max bytes; -errno when it cannot be read. */
int file_read_text(const char *path, size_t max, char **out, size_t *len);

/* @head then @text (either may be NULL) as the whole of @path, mode 0644
 * less the umask: written to "PATH.tmp" and renamed over @path, so that a
 * reader sees the old file or the new one; with @durable, fsync()ed
 * before the rename, so that a crash does not leave an empty file. */
int file_write_atomic(const char *path, const char *head, const char *text, bool durable);

#endif /* SCXD_FILE_H */
