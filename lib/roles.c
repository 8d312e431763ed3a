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

int role_name_valid(const char *name)
{
	return config_name_valid(name, strlen(name), ROLE_NAME_MAX) && name[0] != '.';
}

int role_find(const char *const *dirs, const char *name, char *path, size_t len)
{
	if (!role_name_valid(name))
		return -EINVAL;
	for (; *dirs; dirs++) {
		snprintf(path, len, "%s/%s.ini", *dirs, name);
		if (access(path, R_OK) == 0)
			return 0;
	}
	if (!strcmp(name, ROLE_DEFAULT)) {
		snprintf(path, len, "%s", ROLE_BUILTIN);
		return 0;
	}
	return -ENOENT;
}

void role_description(const char *path, char *buf, size_t len)
{
	char line[512], *dash;

	buf[0] = '\0';
	if (!strcmp(path, ROLE_BUILTIN))
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(config_builtin_text(), "\n"),
			 config_builtin_text());
	else if (file_read_line(path, line, sizeof(line)) < 0)
		return;
	if (line[0] != ';' && line[0] != '#')
		return;
	dash = strstr(line, " - ");
	snprintf(buf, len, "%s", dash ? dash + 3 : line + 1 + (line[1] == ' '));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the roles of @dir to names[*n..]; -errno of opendir() but ENOENT. */
static int collect(const char *dir, char **names, size_t *n)
{
	struct dirent *de;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && *n < ROLES_MAX) {
		size_t l = strlen(de->d_name);
		char *name;

		if (l <= 4 || strcmp(de->d_name + l - 4, ".ini"))
			continue;
		name = strndup(de->d_name, l - 4);
		if (name && role_name_valid(name))
			names[(*n)++] = name;
		else
			free(name);
	}
	closedir(d);
	return 0;
}

int roles_list(const char *const *dirs,
	       int (*fn)(const char *name, const char *path, void *data), void *data)
{
	char *names[ROLES_MAX + 1], path[4096];
	size_t n = 0, i;
	int r = 0;

	for (const char *const *d = dirs; *d && !r; d++)
		r = collect(*d, names, &n);
	if (!r && n < ROLES_MAX + 1 && (names[n] = strdup(ROLE_DEFAULT)))
		n++;
	qsort(names, n, sizeof(names[0]), cmp_str);
	/* Each listed once, from the directory that wins. */
	for (i = 0; i < n && !r; i++)
		if ((!i || strcmp(names[i], names[i - 1])) &&
		    role_find(dirs, names[i], path, sizeof(path)) == 0)
			r = fn(names[i], path, data);
	for (i = 0; i < n; i++)
		free(names[i]);
	return r;
}

const char *role_dirs_str(const char *const *dirs, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; dirs[i] && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s",
				 !i ? "" : dirs[i + 1] ? ", " : " and ", dirs[i]);
	return buf;
}
