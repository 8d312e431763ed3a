/*
 * fuzz_edit.c - runtime changes (lib/config_edit.c) against a valid
 * configuration (the built-in one): each input line is one edit,
 *
 *   s LAYER KEY VALUE   set a key ("-" for [scxd]; an empty VALUE unsets)
 *   a NAME [BEFORE]     add a layer
 *   r NAME              remove a layer
 *   m LAYER RULE        add a match line
 *   u LAYER RULE        remove a match line
 *
 * then the commit. A change must be all or nothing: a commit that fails
 * leaves the configuration as it was; one that succeeds gives a
 * configuration whose canonical text reads back the same, and a diff
 * from the original.
 */
#include "config_edit.h"
#include "fuzz.h"

static void on_diff(void *data, const char *line)
{
	(void)line;
	++*(int *)data;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scxd_config *c = calloc(1, sizeof(*c)), *out = calloc(1, sizeof(*out)),
		*orig = calloc(1, sizeof(*orig)), *back = calloc(1, sizeof(*back));
	char *text = fuzz_string(data, size), *line, *save = NULL, *canon;
	struct config_error err;
	struct config_edit *e;
	int ndiff = 0;

	FUZZ_ASSERT(c && out && orig && back, "out of memory");
	FUZZ_ASSERT(config_load_default(c) == 0, "built-in");
	memcpy(orig, c, sizeof(*c));
	e = config_edit_new(c);
	FUZZ_ASSERT(e, "out of memory");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char op = line[0], *a, *b, *rest = line[0] ? line + 1 : line;

		while (*rest == ' ')
			rest++;
		a = rest;
		b = strchr(a, ' ');
		if (b)
			*b++ = '\0';
		else
			b = a + strlen(a);
		switch (op) {
		case 's': {
			char *v = strchr(b, ' ');

			if (v)
				*v++ = '\0';
			config_edit_set(e, strcmp(a, "-") ? a : NULL, b, v ? v : "", &err);
			break;
		}
		case 'a': config_edit_add_layer(e, a, *b ? b : NULL, &err); break;
		case 'r': config_edit_remove_layer(e, a, &err); break;
		case 'm': config_edit_add_match(e, a, b, &err); break;
		case 'u': config_edit_remove_match(e, a, b, &err); break;
		default: break;
		}
	}
	memcpy(out, c, sizeof(*c));
	if (config_edit_commit(e, out, c->source, &err) == 0) {
		canon = config_format(out);
		FUZZ_ASSERT(canon, "out of memory");
		FUZZ_ASSERT(config_load_string(back, canon, out->source, &err) == 0, "%s", err.msg);
		FUZZ_ASSERT(!memcmp(back, out, sizeof(*out)), "canonical text reads back different");
		free(canon);
		FUZZ_ASSERT(config_diff(orig, out, on_diff, &ndiff) >= 0, "diff");
	} else {
		FUZZ_ASSERT(!memcmp(out, c, sizeof(*c)), "a failed commit changed the configuration");
	}
	FUZZ_ASSERT(!memcmp(c, orig, sizeof(*c)), "the edit changed its source configuration");
	config_edit_free(e);
	free(text);
	free(c);
	free(out);
	free(orig);
	free(back);
	return 0;
}
