// SPDX-License-Identifier: GPL-2.0
/*
 * jsonget - values out of a JSON document, for the VM cases (busybox has
 * no JSON tool):
 *
 *   jsonget PATH... <doc.json
 *
 * prints the value at each PATH on a line of its own: strings as they are,
 * numbers in full precision, null, true, false; exits 1 when a PATH is not
 * in the document. A PATH is keys and indexes, dot-separated:
 * "layers[1].scxd.p99_us"; an array may also be indexed by a member's
 * value, a string or a number: "layers[name=probe].scxd.p99_us",
 * "cpus[cpu=3].llc".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cJSON.h>

static const cJSON *find(const cJSON *j, const char *path)
{
	char key[256];

	while (j && *path) {
		size_t n = strcspn(path, ".[");

		if (n) {
			snprintf(key, sizeof(key), "%.*s", (int)n, path);
			j = cJSON_GetObjectItemCaseSensitive(j, key);
			path += n;
		} else if (*path == '[') {
			const char *close = strchr(path, ']'), *eq = memchr(path, '=', close - path);

			if (!close)
				return NULL;
			if (eq) {
				char want[256];
				const cJSON *x, *hit = NULL;

				snprintf(key, sizeof(key), "%.*s", (int)(eq - path - 1), path + 1);
				snprintf(want, sizeof(want), "%.*s", (int)(close - eq - 1), eq + 1);
				cJSON_ArrayForEach(x, j) {
					const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, key);

					if ((cJSON_IsString(v) && !strcmp(v->valuestring, want)) ||
					    (cJSON_IsNumber(v) && *want && v->valuedouble == atof(want)))
						hit = x;
				}
				j = hit;
			} else {
				j = cJSON_GetArrayItem(j, atoi(path + 1));
			}
			path = close + 1;
		}
		if (*path == '.')
			path++;
	}
	return j;
}

int main(int argc, char **argv)
{
	size_t len = 0, cap = 1 << 16;
	char *buf = malloc(cap);
	cJSON *doc;
	int rc = 0;

	while (buf && !feof(stdin)) {
		if (cap - len < 4096 && !(buf = realloc(buf, cap *= 2)))
			break;
		len += fread(buf + len, 1, cap - len - 1, stdin);
	}
	if (!buf)
		return 2;
	buf[len] = '\0';
	doc = cJSON_Parse(buf);
	if (!doc) {
		fprintf(stderr, "jsonget: not JSON\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		const cJSON *v = find(doc, argv[i]);

		if (!v) {
			fprintf(stderr, "jsonget: no %s\n", argv[i]);
			rc = 1;
		} else if (cJSON_IsString(v)) {
			puts(v->valuestring);
		} else if (cJSON_IsNumber(v)) {
			printf("%.17g\n", v->valuedouble);
		} else {
			char *s = cJSON_PrintUnformatted(v);

			puts(s ? s : "?");
			free(s);
		}
	}
	cJSON_Delete(doc);
	free(buf);
	return rc;
}
