/* test.h - a minimal unit-test harness. Each tests/unit/test_*.c is one
 * binary: TEST() bodies register themselves, main() runs them all and
 * prints "ok NAME" / "FAIL NAME: why" lines and a closing
 * "unit: N passed, N failed" line that tests/run.sh adds up. */
#ifndef SCXD_TEST_H
#define SCXD_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct test_case {
	const char *name;
	void (*fn)(int *failed);
};

/* For the tables of cases that tests loop over. */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define TEST_MAX 256
extern struct test_case test_cases[TEST_MAX];
extern int test_count;

/* The test's name is its C identifier with '_' read as ' ', so it can
 * read like a sentence: TEST(invalid_policy_names_file_and_line). */
#define TEST(id)								\
	static void test_##id(int *failed);					\
	__attribute__((constructor)) static void reg_##id(void)		\
	{									\
		if (test_count < TEST_MAX)					\
			test_cases[test_count++] = (struct test_case){ #id, test_##id }; \
	}									\
	static void test_##id(int *failed)

#define CHECK(cond) do {							\
	if (!(cond)) {								\
		printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		*failed = 1;							\
		return;								\
	}									\
} while (0)

#define CHECK_INT(a, b) do {							\
	long long _a = (a), _b = (b);						\
	if (_a != _b) {								\
		printf("  %s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, _a, _b); \
		*failed = 1;							\
		return;								\
	}									\
} while (0)

#define CHECK_STR(a, b) do {							\
	const char *_a = (a), *_b = (b);					\
	if (!_a || !_b || strcmp(_a, _b)) {					\
		printf("  %s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
		       _a ? _a : "(null)", _b ? _b : "(null)");		\
		*failed = 1;							\
		return;								\
	}									\
} while (0)

/* Substring check, for error messages: they must name file and line. */
#define CHECK_CONTAINS(hay, needle) do {					\
	const char *_h = (hay), *_n = (needle);					\
	if (!_h || !strstr(_h, _n)) {						\
		printf("  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, \
		       _h ? _h : "(null)", _n);					\
		*failed = 1;							\
		return;								\
	}									\
} while (0)

/*
 * Fake trees (sysfs, /proc, cgroupfs, state directories) for tests of code
 * that takes its root as a parameter. test_new_dir() makes a fresh empty
 * directory in @dir (replacing the one it holds, if any); test_put()
 * writes @text (NULL: none, just the directories) to @dir/@rel, making
 * the directories on the way; test_rm_dir() removes the tree.
 */
static inline int test_rm_dir(const char *dir)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return dir[0] ? system(cmd) : 0;
}

static inline void test_new_dir(char dir[64])
{
	if (dir[0] && test_rm_dir(dir) != 0)
		return;
	strcpy(dir, "/tmp/scxd-test-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

static inline void test_put(const char *dir, const char *rel, const char *text)
{
	char path[1024], cmd[1100], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	slash = strrchr(path, '/');
	*slash = '\0';
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	if (system(cmd) != 0)
		return;
	*slash = '/';
	if (text && (f = fopen(path, "w"))) {
		fputs(text, f);
		fclose(f);
	}
}

#define TEST_MAIN								\
	struct test_case test_cases[TEST_MAX];					\
	int test_count;								\
	int main(void)								\
	{									\
		int pass = 0, fail = 0;						\
		for (int i = 0; i < test_count; i++) {				\
			int failed = 0;						\
			test_cases[i].fn(&failed);				\
			printf("%s %s\n", failed ? "FAIL" : "ok", test_cases[i].name); \
			failed ? fail++ : pass++;				\
		}								\
		printf("unit: %d passed, %d failed\n", pass, fail);		\
		return fail ? 1 : 0;						\
	}

#endif
