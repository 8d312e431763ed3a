/* test_cpulist.c - the one CPU-list codec (lib/cpulist.c), and the
 * cpumask helpers it shares with BPF (bpf/cpumask.h). */
#include <errno.h>
#include <string.h>

#include "cpulist.h"
#include "cpumask.h"
#include "test.h"

static struct scxd_cpumask mask;

static const char *cpulist(void)
{
	static char buf[CPULIST_LEN];

	if (cpulist_format(mask.bits, SCXD_MAX_CPUS, buf, sizeof(buf)) < 0)
		return "(ENOSPC)";
	return buf;
}

static void set_cpus(unsigned a, unsigned b)
{
	for (unsigned i = a; i <= b; i++)
		scxd_cpumask_set(&mask, i);
}

TEST(a_cpu_set_prints_as_ascending_ranges_and_singles)
{
	memset(&mask, 0, sizeof(mask));
	CHECK_STR(cpulist(), "");
	set_cpus(6, 6);
	CHECK_STR(cpulist(), "6");
	set_cpus(0, 3);
	CHECK_STR(cpulist(), "0-3,6");
	set_cpus(8, 9);
	CHECK_STR(cpulist(), "0-3,6,8-9");
	/* A run across a word boundary, and the very last CPU. */
	set_cpus(63, 64);
	set_cpus(SCXD_MAX_CPUS - 1, SCXD_MAX_CPUS - 1);
	CHECK_STR(cpulist(), "0-3,6,8-9,63-64,511");
	set_cpus(0, SCXD_MAX_CPUS - 1);
	CHECK_STR(cpulist(), "0-511");
}

TEST(the_longest_list_of_512_cpus_fits_in_cpulist_len)
{
	char small[8];
	int n;

	/* Pairs with gaps, "0-1,3-4,...", is the longest text per CPU. */
	memset(&mask, 0, sizeof(mask));
	for (unsigned i = 0; i + 1 < SCXD_MAX_CPUS; i += 3)
		set_cpus(i, i + 1);
	n = (int)strlen(cpulist());
	CHECK_INT(n, 1293);
	CHECK(n < CPULIST_LEN);
	CHECK_INT(cpulist_format(mask.bits, SCXD_MAX_CPUS, small, sizeof(small)), -ENOSPC);
	CHECK_STR(small, "");
}

TEST(a_cpu_list_parses_back_to_the_same_set)
{
	static const char *const lists[] = {
		"", "0", "6", "0-3,6", "0-3,6,8-9,63-64,511", "0-511", "1,3,5,7",
	};
	struct scxd_cpumask back;

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		int n = cpulist_parse(lists[i], back.bits, SCXD_MAX_CPUS, 0);

		CHECK(n >= 0);
		memcpy(&mask, &back, sizeof(mask));
		CHECK_STR(cpulist(), lists[i]);
	}
	CHECK_INT(cpulist_parse("0-3,6", mask.bits, SCXD_MAX_CPUS, 0), 5);
}

TEST(a_cpu_list_may_overlap_repeat_and_end_in_a_newline_as_sysfs_writes_it)
{
	CHECK_INT(cpulist_parse("0-3,2-5,5\n", mask.bits, SCXD_MAX_CPUS, 0), 6);
	CHECK_STR(cpulist(), "0-5");
}

TEST(text_that_is_not_a_cpu_list_is_refused)
{
	static const char *const bad[] = {
		",", "1,", ",1", "1,,2", "3-1", "-1", "1-", "1-2-3", " 1", "1 ", "a",
		"+1", "0x3", "1\n\n", "\n1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = cpulist_parse(bad[i], mask.bits, SCXD_MAX_CPUS, 0);

		if (r != -EINVAL)
			printf("  \"%s\": %d\n", bad[i], r);
		CHECK_INT(r, -EINVAL);
	}
}

TEST(a_cpu_beyond_the_set_is_out_of_range)
{
	u64 llcs;

	CHECK_INT(cpulist_parse("512", mask.bits, SCXD_MAX_CPUS, 0), -ERANGE);
	CHECK_INT(cpulist_parse("0-512", mask.bits, SCXD_MAX_CPUS, 0), -ERANGE);
	CHECK_INT(cpulist_parse("99999999999999999999", mask.bits, SCXD_MAX_CPUS, 0), -ERANGE);
	CHECK_INT(cpulist_parse("63", &llcs, 64, 0), 1);
	CHECK(llcs == 1ULL << 63);
	CHECK_INT(cpulist_parse("64", &llcs, 64, 0), -ERANGE);
}


TEST(blanks_around_numbers_are_read_only_when_asked_for)
{
	u64 llcs;

	CHECK_INT(cpulist_parse("2, 3 - 4", &llcs, 64, CPULIST_BLANKS), 3);
	CHECK(llcs == 0x1c);
	CHECK_INT(cpulist_parse(" 1 ,\t2 ", &llcs, 64, CPULIST_BLANKS), 2);
	CHECK(llcs == 0x6);
	CHECK_INT(cpulist_parse("2, 3", &llcs, 64, 0), -EINVAL);
	/* Blanks separate nothing: "0 1" is not a list either way. */
	CHECK_INT(cpulist_parse("0 1", &llcs, 64, CPULIST_BLANKS), -EINVAL);
	CHECK_INT(cpulist_parse(" ", &llcs, 64, CPULIST_BLANKS), -EINVAL);
	CHECK_INT(cpulist_parse("1, ,2", &llcs, 64, CPULIST_BLANKS), -EINVAL);
}

TEST(cpumask_helpers_ignore_cpus_past_the_mask)
{
	struct scxd_cpumask m;

	scxd_cpumask_zero(&m);
	scxd_cpumask_set(&m, SCXD_MAX_CPUS);
	scxd_cpumask_set(&m, (u32)-1);
	CHECK_INT(scxd_cpumask_count(&m), 0);
	CHECK_INT(scxd_cpumask_first(&m), -1);
	scxd_cpumask_set(&m, 5);
	scxd_cpumask_set(&m, 64);
	scxd_cpumask_set(&m, SCXD_MAX_CPUS - 1);
	CHECK_INT(scxd_cpumask_count(&m), 3);
	CHECK(scxd_cpumask_test(&m, 64));
	CHECK(!scxd_cpumask_test(&m, 63));
	CHECK(!scxd_cpumask_test(&m, SCXD_MAX_CPUS + 5));
	CHECK_INT(scxd_cpumask_first(&m), 5);
	CHECK_INT(scxd_cpumask_next(&m, 5), 64);
	CHECK_INT(scxd_cpumask_next(&m, 64), SCXD_MAX_CPUS - 1);
	CHECK_INT(scxd_cpumask_next(&m, SCXD_MAX_CPUS - 1), -1);
	scxd_cpumask_clear(&m, 64);
	CHECK(!scxd_cpumask_test(&m, 64));
}

TEST_MAIN
