/* SPDX-License-Identifier: GPL-2.0 */
/*
 * file.h - reading the small text files scxd lives on: sysfs and procfs
 * attributes, configuration files. Pure: returns -errno, never logs.
 */
#ifndef SCXD_FILE_H
#define SCXD_FILE_H

#include <stddef.h>

/* The first line of @path, without its '\n', into buf (len bytes; cut to
 * fit). buf is "" on failure. -errno when the file cannot be opened,
 * -EIO when it is empty or unreadable. */
int file_read_line(const char *path, char *buf, size_t len);

/* The whole of @path, NUL-terminated, in *out (malloc()ed) and its length
 * in *len. -EFBIG past @max bytes; -errno when it cannot be read. */
int file_read_text(const char *path, size_t max, char **out, size_t *len);

#endif /* SCXD_FILE_H */
