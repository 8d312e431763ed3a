/* tunables.c - see tunables.h. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "tunables.h"

static const struct tunable {
	const char	*name;
	size_t		off;
	u64		def, min, max;
	const char	*doc;
} tunables[] = {
#define SCXD_TUNABLE_ENTRY(name, def, min, max, doc)				\
	{ #name, offsetof(struct scxd_tunables, name), def, min, max, doc },
	SCXD_TUNABLES(SCXD_TUNABLE_ENTRY)
#undef SCXD_TUNABLE_ENTRY
};

#define N_TUNABLES (sizeof(tunables) / sizeof(tunables[0]))

static u64 *field(struct scxd_tunables *t, const struct tunable *d)
{
	return (u64 *)((char *)t + d->off);
}

void tunables_default(struct scxd_tunables *t)
{
	for (size_t i = 0; i < N_TUNABLES; i++)
		*field(t, &tunables[i]) = tunables[i].def;
}

/* "2ms" -> 2000000; false unless all of @s is a time. */
static bool parse_time(const char *s, u64 *ns)
{
	static const struct {
		const char	*unit;
		u64		ns;
	} units[] = { { "", 1 }, { "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 } };
	unsigned long long v;
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (v > ~0ULL / units[i].ns)
			return false;
		*ns = v * units[i].ns;
		return true;
	}
	return false;
}

int tunables_set(struct scxd_tunables *t, const char *assignment, char *errmsg, size_t errlen)
{
	const char *eq = strchr(assignment, '=');
	size_t n = eq ? (size_t)(eq - assignment) : strlen(assignment);
	u64 v;

	for (size_t i = 0; i < N_TUNABLES; i++) {
		const struct tunable *d = &tunables[i];

		if (strlen(d->name) != n || strncmp(d->name, assignment, n))
			continue;
		if (!eq || !parse_time(eq + 1, &v)) {
			snprintf(errmsg, errlen, "--tune %s: '%s' is not a time such as 2ms, 500us "
				 "or 1000000 (ns)", d->name, eq ? eq + 1 : "");
			return -EINVAL;
		}
		if (v < d->min || v > d->max) {
			snprintf(errmsg, errlen, "--tune %s: %llu ns is outside %llu..%llu ns", d->name,
				 (unsigned long long)v, (unsigned long long)d->min,
				 (unsigned long long)d->max);
			return -ERANGE;
		}
		*field(t, d) = v;
		return 0;
	}
	snprintf(errmsg, errlen, "--tune: unknown tunable '%.*s' (scxd --tune help lists them)",
		 (int)(n > 64 ? 64 : n), assignment);
	return -ENOENT;
}

int tunables_describe(const struct scxd_tunables *t, FILE *f, bool changed_only)
{
	int lines = 0;

	for (size_t i = 0; i < N_TUNABLES; i++) {
		const struct tunable *d = &tunables[i];
		u64 v = *field((struct scxd_tunables *)t, d);

		if (changed_only && v == d->def)
			continue;
		fprintf(f, "%s = %llu ns (default %llu, %llu..%llu): %s\n", d->name,
			(unsigned long long)v, (unsigned long long)d->def,
			(unsigned long long)d->min, (unsigned long long)d->max, d->doc);
		lines++;
	}
	return lines;
}
