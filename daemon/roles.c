/* roles.c - see roles.h. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "file.h"
#include "roles.h"

int role_path(const char *dir, const char *name, char *path, size_t len)
{
	if (!config_name_valid(name, strlen(name), ROLE_NAME_MAX + 1) || name[0] == '.')
		return -EINVAL;
	snprintf(path, len, "%s/%s.ini", dir, name);
	return access(path, R_OK) < 0 ? -ENOENT : 0;
}

void role_description(const char *path, char *buf, size_t len)
{
	char line[512], *dash;

	buf[0] = '\0';
	if (file_read_line(path, line, sizeof(line)) < 0 || (line[0] != ';' && line[0] != '#'))
		return;
	dash = strstr(line, " - ");
	snprintf(buf, len, "%s", dash ? dash + 3 : line + 1 + (line[1] == ' '));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int roles_list(const char *dir, int (*fn)(const char *name, void *data), void *data)
{
	char *names[ROLES_MAX];
	struct dirent *de;
	size_t n = 0, i;
	int r = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && n < ROLES_MAX) {
		size_t l = strlen(de->d_name);

		if (l > 4 && !strcmp(de->d_name + l - 4, ".ini") && de->d_name[0] != '.' &&
		    (names[n] = strndup(de->d_name, l - 4)))
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (!r)
			r = fn(names[i], data);
		free(names[i]);
	}
	return r;
}
