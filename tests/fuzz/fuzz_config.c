/*
 * fuzz_config.c - the configuration parser (lib/config.c) and the stack
 * of files (lib/config_stack.c).
 *
 * The input is one file, parsed alone; and also, cut at lines "%%", a
 * role file (installed as role "default", so that a main file that names
 * no role selects it), a main file and its drop-ins, stacked. Whatever
 * loads must write out canonically and read back the same.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "config_edit.h"
#include "config_stack.h"
#include "fuzz.h"

static char dir[64];

/* A configuration's canonical text reads back as the same configuration. */
static void round_trip(const struct scxd_config *c)
{
	struct scxd_config *d = calloc(1, sizeof(*d));
	struct config_error err;
	char *text = config_format(c);

	FUZZ_ASSERT(d && text, "out of memory");
	FUZZ_ASSERT(config_load_string(d, text, c->source, &err) == 0, "%s:%u: %s\n%s",
		    err.file, err.line, err.msg, text);
	FUZZ_ASSERT(!memcmp(c, d, sizeof(*c)), "canonical text reads back different:\n%s", text);
	free(text);
	free(d);
}

#define MAX_DROPINS	4

/* Part @n of an input: the role, the main file, then the drop-ins. */
static void file_name(char *path, size_t len, const char *roles, int n)
{
	if (n == 0)
		snprintf(path, len, "%s/default.ini", roles);
	else if (n == 1)
		snprintf(path, len, "%s/main.ini", dir);
	else
		snprintf(path, len, "%s/main.ini.d/%d.ini", dir, n);
}

/* The directory goes when the fuzzer exits (not when it crashes: then
 * the files are the evidence). */
static void cleanup(void)
{
	char path[128], roles[96];

	snprintf(roles, sizeof(roles), "%s/roles", dir);
	for (int n = 0; n < 2 + MAX_DROPINS; n++) {
		file_name(path, sizeof(path), roles, n);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/main.ini.d", dir);
	rmdir(path);
	rmdir(roles);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[128];

	(void)argc;
	(void)argv;
	strcpy(dir, "/tmp/scxd-fuzz-XXXXXX");
	FUZZ_ASSERT(mkdtemp(dir), "mkdtemp");
	snprintf(path, sizeof(path), "%s/roles", dir);
	FUZZ_ASSERT(mkdir(path, 0700) == 0, "%s", path);
	snprintf(path, sizeof(path), "%s/main.ini.d", dir);
	FUZZ_ASSERT(mkdir(path, 0700) == 0, "%s", path);
	atexit(cleanup);
	return 0;
}

static void put(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	FUZZ_ASSERT(f, "%s", path);
	fwrite(text, 1, len, f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scxd_config *c = calloc(1, sizeof(*c));
	const char *dirs[2] = { NULL, NULL };
	char *text = fuzz_string(data, size), *part, *next, path[128], roles[96];
	struct config_stack s = {0};
	struct config_error err;
	int n = 0;

	FUZZ_ASSERT(c, "out of memory");
	if (config_load_string(c, text, "fuzz.ini", &err) == 0)
		round_trip(c);

	/* The stack: role, main, up to MAX_DROPINS drop-ins; the files of the
	 * last input are removed first. */
	snprintf(roles, sizeof(roles), "%s/roles", dir);
	for (n = 0; n < 2 + MAX_DROPINS; n++) {
		file_name(path, sizeof(path), roles, n);
		FUZZ_ASSERT(unlink(path) == 0 || errno == ENOENT, "%s", path);
	}
	for (n = 0, part = text; part && n < 2 + MAX_DROPINS; part = next, n++) {
		size_t len;

		next = strstr(part, "\n%%\n");
		len = next ? (size_t)(next - part) + 1 : strlen(part);
		file_name(path, sizeof(path), roles, n);
		put(path, part, len);
		if (next)
			next += 4;
	}
	if (n >= 2) {
		snprintf(path, sizeof(path), "%s/main.ini", dir);
		dirs[0] = roles;
		s.main = path;
		s.role_dirs = dirs;
		if (config_stack_load(c, &s, NULL, &err) == 0)
			round_trip(c);
	}
	free(text);
	free(c);
	return 0;
}
