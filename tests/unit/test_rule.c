/* test_rule.c - the match-rule syntax: rule_parse() and rule_format(). */
#include <errno.h>

#include "rule.h"
#include "test.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static char err[256];

static int parse(const char *text, struct scxd_rule *r)
{
	err[0] = '\0';
	return rule_parse(text, r, err, sizeof(err));
}

/* One condition, as rule_parse() should store it. */
struct cond_case {
	const char *text;
	u8 key, op;
	s32 num;
	const char *str;
};

static const struct cond_case cond_cases[] = {
	{ "comm=cc1",		SCXD_KEY_COMM,	  SCXD_OP_EQ,	      0,	"cc1" },
	{ "comm=cc1*",		SCXD_KEY_COMM,	  SCXD_OP_PREFIX,     0,	"cc1" },
	{ "comm!=cc1",		SCXD_KEY_COMM,	  SCXD_OP_NE,	      0,	"cc1" },
	{ "comm!=cc1*",		SCXD_KEY_COMM,	  SCXD_OP_NOT_PREFIX, 0,	"cc1" },
	{ "pcomm=firefox",	SCXD_KEY_PCOMM,	  SCXD_OP_EQ,	      0,	"firefox" },
	{ "pcomm=wine*",	SCXD_KEY_PCOMM,	  SCXD_OP_PREFIX,     0,	"wine" },
	{ "pcomm!=Xorg",	SCXD_KEY_PCOMM,	  SCXD_OP_NE,	      0,	"Xorg" },
	{ "pcomm!=kworker/*",	SCXD_KEY_PCOMM,	  SCXD_OP_NOT_PREFIX, 0,	"kworker/" },
	{ "cgroup=/gaming.slice", SCXD_KEY_CGROUP, SCXD_OP_EQ,	      0,	"/gaming.slice" },
	{ "cgroup!=/system.slice", SCXD_KEY_CGROUP, SCXD_OP_NE,	      0,	"/system.slice" },
	{ "cgroup=/",		SCXD_KEY_CGROUP,  SCXD_OP_EQ,	      0,	"/" },
	{ "uid=1000",		SCXD_KEY_UID,	  SCXD_OP_EQ,	      1000,	"" },
	{ "uid!=0",		SCXD_KEY_UID,	  SCXD_OP_NE,	      0,	"" },
	{ "gid<100",		SCXD_KEY_GID,	  SCXD_OP_LT,	      100,	"" },
	{ "gid<=100",		SCXD_KEY_GID,	  SCXD_OP_LE,	      100,	"" },
	{ "nice>0",		SCXD_KEY_NICE,	  SCXD_OP_GT,	      0,	"" },
	{ "nice>=-5",		SCXD_KEY_NICE,	  SCXD_OP_GE,	      -5,	"" },
	{ "nice<-20",		SCXD_KEY_NICE,	  SCXD_OP_LT,	      -20,	"" },
	{ "nice=19",		SCXD_KEY_NICE,	  SCXD_OP_EQ,	      19,	"" },
	{ "pid=1",		SCXD_KEY_PID,	  SCXD_OP_EQ,	      1,	"" },
	{ "tgid>=300",		SCXD_KEY_TGID,	  SCXD_OP_GE,	      300,	"" },
	{ "ppid=0",		SCXD_KEY_PPID,	  SCXD_OP_EQ,	      0,	"" },
	{ "pid=2147483647",	SCXD_KEY_PID,	  SCXD_OP_EQ,	      2147483647, "" },
	{ "kthread=yes",	SCXD_KEY_KTHREAD, SCXD_OP_EQ,	      1,	"" },
	{ "kthread!=no",	SCXD_KEY_KTHREAD, SCXD_OP_NE,	      0,	"" },
	{ "leader=no",		SCXD_KEY_LEADER,  SCXD_OP_EQ,	      0,	"" },
	{ "leader!=yes",	SCXD_KEY_LEADER,  SCXD_OP_NE,	      1,	"" },
	{ "*",			SCXD_KEY_ALL,	  SCXD_OP_EQ,	      0,	"" },
};

TEST(every_key_and_operator_parses_to_the_expected_condition)
{
	struct scxd_rule r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cond_cases); i++) {
		const struct cond_case *t = &cond_cases[i];
		const struct scxd_cond *c = &r.conds[0];

		memset(&r, 0xaa, sizeof(r));
		if (parse(t->text, &r)) {
			printf("  %s: %s\n", t->text, err);
			CHECK(0);
		}
		CHECK_INT(r.layer, 0);
		CHECK_INT(r.nr_conds, 1);
		CHECK_INT(c->key, t->key);
		CHECK_INT(c->op, t->op);
		CHECK_INT(c->num, t->num);
		CHECK_STR(c->str, t->str);
		CHECK_INT(c->len, strlen(t->str));
	}
}

TEST(every_key_of_scxd_h_has_a_text_form)
{
	int seen[SCXD_NR_KEYS] = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cond_cases); i++)
		seen[cond_cases[i].key] = 1;
	for (i = 0; i < SCXD_NR_KEYS; i++)
		CHECK(seen[i]);
}

TEST(a_parsed_rule_is_zero_beyond_what_was_parsed)
{
	struct scxd_rule r, zero;

	memset(&r, 0xaa, sizeof(r));
	memset(&zero, 0, sizeof(zero));
	CHECK_INT(parse("comm=a", &r), 0);
	CHECK_INT(r.conds[0].num, 0);
	CHECK(!memcmp(r.conds[0].str + 1, zero.conds[0].str, sizeof(r.conds[0].str) - 1));
	CHECK(!memcmp(&r.conds[1], &zero.conds[1], sizeof(r.conds) - sizeof(r.conds[0])));
}

TEST(a_trailing_star_makes_a_prefix_and_anything_else_is_exact)
{
	struct scxd_rule r;

	CHECK_INT(parse("comm=rustc", &r), 0);
	CHECK_INT(r.conds[0].op, SCXD_OP_EQ);
	CHECK_INT(parse("comm=rust*", &r), 0);
	CHECK_INT(r.conds[0].op, SCXD_OP_PREFIX);
	CHECK_STR(r.conds[0].str, "rust");
	CHECK_INT(r.conds[0].len, 4);
	CHECK_INT(parse("comm=Web Content", &r), 0);
	CHECK_STR(r.conds[0].str, "Web Content");
}

TEST(conditions_joined_by_and_are_kept_in_order)
{
	struct scxd_rule r;

	CHECK_INT(parse("comm=cc1* && cgroup=/user.slice && nice<0 && kthread=no", &r), 0);
	CHECK_INT(r.nr_conds, 4);
	CHECK_INT(r.conds[0].key, SCXD_KEY_COMM);
	CHECK_INT(r.conds[1].key, SCXD_KEY_CGROUP);
	CHECK_INT(r.conds[2].key, SCXD_KEY_NICE);
	CHECK_INT(r.conds[3].key, SCXD_KEY_KTHREAD);
}

TEST(spaces_around_operators_and_separators_do_not_matter)
{
	struct scxd_rule a, b;

	CHECK_INT(parse("comm=cc1*&&nice<0&&cgroup=/a", &a), 0);
	CHECK_INT(parse("  comm =  cc1*   &&\tnice <  0 && cgroup\t= /a  ", &b), 0);
	CHECK(!memcmp(&a, &b, sizeof(a)));
}

TEST(star_alone_matches_every_task_and_cannot_be_combined)
{
	struct scxd_rule r;

	CHECK_INT(parse(" * ", &r), 0);
	CHECK_INT(r.nr_conds, 1);
	CHECK_INT(r.conds[0].key, SCXD_KEY_ALL);
	CHECK_INT(parse("* && comm=a", &r), -EINVAL);
	CHECK_STR(err, "'*' must stand alone in '* && comm=a'");
	CHECK_INT(parse("comm=a && *", &r), -EINVAL);
}

TEST(cgroup_paths_are_normalized)
{
	struct scxd_rule r;

	CHECK_INT(parse("cgroup=//user.slice///user-1000.slice/", &r), 0);
	CHECK_STR(r.conds[0].str, "/user.slice/user-1000.slice");
	CHECK_INT(r.conds[0].len, strlen("/user.slice/user-1000.slice"));
	CHECK_INT(parse("cgroup=///", &r), 0);
	CHECK_STR(r.conds[0].str, "/");
	CHECK_INT(r.conds[0].len, 1);
	CHECK_INT(parse("cgroup=/system.slice/systemd-fsck@dev-disk-by\\x2duuid.service", &r), 0);
	/* Blanks inside a part are part of its name. */
	CHECK_INT(parse("cgroup=/my app.slice/a", &r), 0);
	CHECK_STR(r.conds[0].str, "/my app.slice/a");
}

TEST(the_longest_values_fit_and_one_more_character_does_not)
{
	char path[300];
	struct scxd_rule r;
	int i;

	CHECK_INT(parse("comm=123456789012345", &r), 0);
	CHECK_INT(parse("comm=123456789012345*", &r), 0);
	CHECK_INT(parse("comm=1234567890123456", &r), -EINVAL);
	CHECK_STR(err, "value longer than 15 characters in 'comm=1234567890123456'");
	CHECK_INT(parse("pcomm=1234567890123456*", &r), -EINVAL);

	/* "/" + 126 characters is 127, the most that leaves room for NUL */
	strcpy(path, "cgroup=/");
	for (i = 0; i < 126; i++)
		strcat(path, "x");
	CHECK_INT(parse(path, &r), 0);
	CHECK_INT(r.conds[0].len, 127);
	strcat(path, "x");
	CHECK_INT(parse(path, &r), -EINVAL);
	CHECK_CONTAINS(err, "cgroup path longer than 127 characters");
}

TEST(cgroup_paths_deeper_than_the_matcher_reaches_are_refused)
{
	struct scxd_rule r;

	CHECK_INT(parse("cgroup=/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", &r), 0);
	CHECK_INT(parse("cgroup=/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17", &r), -EINVAL);
	CHECK_CONTAINS(err, "deeper than 16 levels");
}

TEST(eight_conditions_fit_and_nine_do_not)
{
	struct scxd_rule r;

	CHECK_INT(parse("pid>1 && pid>2 && pid>3 && pid>4 && pid>5 && pid>6 && pid>7 && pid>8",
			&r), 0);
	CHECK_INT(r.nr_conds, 8);
	CHECK_INT(r.conds[7].num, 8);
	CHECK_INT(parse("pid>1 && pid>2 && pid>3 && pid>4 && pid>5 && pid>6 && pid>7 && pid>8"
			" && pid>9", &r), -EINVAL);
	CHECK_CONTAINS(err, "more than 8 conditions");
}

TEST(nice_is_limited_to_minus_20_to_19)
{
	struct scxd_rule r;

	CHECK_INT(parse("nice>=-20", &r), 0);
	CHECK_INT(parse("nice<=19", &r), 0);
	CHECK_INT(parse("nice>=-21", &r), -EINVAL);
	CHECK_STR(err, "nice must be in -20..19 in 'nice>=-21'");
	CHECK_INT(parse("nice=20", &r), -EINVAL);
	CHECK_INT(parse("uid=-1", &r), -EINVAL);
	CHECK_INT(parse("pid=2147483648", &r), -EINVAL);
}

/* Text that must be refused, and what the message must say. */
static const struct {
	const char *text;
	const char *msg;
} bad_rules[] = {
	{ "",			"empty rule" },
	{ "   ",		"empty rule" },
	{ "comm=a &&",		"empty condition in 'comm=a &&'" },
	{ "&& comm=a",		"empty condition in '&& comm=a'" },
	{ "comm=a && && nice<0", "empty condition in 'comm=a && && nice<0'" },
	{ "comx=a",		"unknown key 'comx' in 'comx=a'" },
	{ "kind=x",		"unknown key 'kind' in 'kind=x'" },
	{ "COMM=a",		"unknown key 'COMM' in 'COMM=a'" },
	{ "=a",			"missing key in '=a'" },
	{ "comm cc1",		"missing operator in 'comm cc1'" },
	{ "comm",		"missing operator in 'comm'" },
	{ "nice ~ 3",		"missing operator in 'nice ~ 3'" },
	{ "comm==a",		"unknown operator in 'comm==a'" },
	{ "nice=<3",		"unknown operator in 'nice=<3'" },
	{ "comm=",		"missing value in 'comm='" },
	{ "nice<  ",		"missing value in 'nice<'" },
	{ "comm<a",		"comm takes only = or != in 'comm<a'" },
	{ "cgroup>=/a",		"cgroup takes only = or != in 'cgroup>=/a'" },
	{ "kthread<yes",	"kthread takes only = or != in 'kthread<yes'" },
	{ "uid=12a",		"'12a' is not a number in 'uid=12a'" },
	{ "uid=0x10",		"'0x10' is not a number in 'uid=0x10'" },
	{ "nice=--1",		"'--1' is not a number in 'nice=--1'" },
	{ "nice=-",		"'-' is not a number in 'nice=-'" },
	{ "nice=+1",		"'+1' is not a number in 'nice=+1'" },
	{ "pid=99999999999999999999", "not a number" },
	{ "kthread=maybe",	"kthread takes yes or no, not 'maybe', in 'kthread=maybe'" },
	{ "leader=1",		"leader takes yes or no, not '1', in 'leader=1'" },
	{ "cgroup=/a*",		"wildcards are not allowed in cgroup paths: 'cgroup=/a*'" },
	{ "cgroup=/a/*/b",	"wildcards are not allowed in cgroup paths" },
	{ "cgroup=a/b",		"cgroup path must begin with '/' in 'cgroup=a/b'" },
	{ "cgroup=user.slice",	"cgroup path must begin with '/'" },
	{ "cgroup=/a/../b",	"'.' and '..' are not allowed in cgroup paths" },
	{ "cgroup=/a/./b",	"'.' and '..' are not allowed in cgroup paths" },
	/* Found by fuzz_rule: "/b/" then a blank part read back as "/b". */
	{ "cgroup=//b/ /",	"a cgroup path part cannot begin or end with a blank: 'cgroup=//b/ /'" },
	{ "cgroup=/ a/b",	"a cgroup path part cannot begin or end with a blank" },
	{ "comm=*",		"empty value in 'comm=*'" },
	{ "comm=a*b",		"'*' is only allowed at the end of the value in 'comm=a*b'" },
	{ "comm=a**",		"'*' is only allowed at the end" },
	{ "comm=a || comm=b",	"unexpected '|' in 'comm=a || comm=b'" },
	{ "comm=a & nice<0",	"unexpected '&' in 'comm=a & nice<0'" },
	{ "comm=\"a b\"",	"unexpected '\"'" },
	{ "comm=a\tb",		"control character in 'comm=a\tb'" },
};

TEST(malformed_rules_are_refused_with_a_message_naming_the_condition)
{
	struct scxd_rule r;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_rules); i++) {
		int ret = parse(bad_rules[i].text, &r);

		if (ret != -EINVAL)
			printf("  '%s' was accepted\n", bad_rules[i].text);
		CHECK_INT(ret, -EINVAL);
		CHECK_CONTAINS(err, bad_rules[i].msg);
	}
}

TEST(a_refused_rule_leaves_the_output_untouched)
{
	struct scxd_rule r, before;

	CHECK_INT(parse("comm=keep", &r), 0);
	before = r;
	CHECK_INT(parse("comm=a && comx=b", &r), -EINVAL);
	CHECK(!memcmp(&r, &before, sizeof(r)));
}

TEST(errors_are_reported_without_an_error_buffer)
{
	struct scxd_rule r;
	char small[8];

	CHECK_INT(rule_parse("comx=a", &r, NULL, 0), -EINVAL);
	CHECK_INT(rule_parse("comx=a", &r, small, sizeof(small)), -EINVAL);
	CHECK_STR(small, "unknown");
	CHECK_INT(rule_parse(NULL, &r, NULL, 0), -EINVAL);
}

TEST(format_writes_the_canonical_text)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "  comm =cc1*&&nice< 0",	"comm=cc1* && nice<0" },
		{ "comm!=a*",			"comm!=a*" },
		{ "pcomm != Xorg",		"pcomm!=Xorg" },
		{ "cgroup=//a//b/",		"cgroup=/a/b" },
		{ "cgroup!=/",			"cgroup!=/" },
		{ "uid>=1000 && gid<=10",	"uid>=1000 && gid<=10" },
		{ "nice>-007",			"nice>-7" },
		{ "pid=1 && tgid!=2 && ppid>3",	"pid=1 && tgid!=2 && ppid>3" },
		{ "kthread = yes && leader != no", "kthread=yes && leader!=no" },
		{ " * ",			"*" },
	};
	struct scxd_rule r;
	char buf[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		CHECK_INT(parse(cases[i].in, &r), 0);
		CHECK_INT(rule_format(&r, buf, sizeof(buf)), strlen(cases[i].out));
		CHECK_STR(buf, cases[i].out);
	}
}

TEST(parsing_the_formatted_text_gives_back_the_same_rule)
{
	static const char *const texts[] = {
		"comm=cc1*", "comm!=cc1", "comm!=x*", "pcomm=Web Content",
		"cgroup=/user.slice//app.slice/", "cgroup!=/", "uid=0", "gid!=5",
		"nice<0", "nice<=-20", "pid>1", "tgid>=2", "ppid=1",
		"kthread=no", "leader=yes", "*",
		"comm=a && pcomm=b* && cgroup=/c && uid<1 && gid>2 && nice>=3 && pid<=4 && kthread!=yes",
	};
	struct scxd_rule a, b;
	char buf[1024];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		CHECK_INT(parse(texts[i], &a), 0);
		CHECK(rule_format(&a, buf, sizeof(buf)) > 0);
		CHECK_INT(parse(buf, &b), 0);
		if (memcmp(&a, &b, sizeof(a)))
			printf("  '%s' came back as '%s'\n", texts[i], buf);
		CHECK(!memcmp(&a, &b, sizeof(a)));
	}
}

TEST(format_reports_a_buffer_too_small_instead_of_truncating_silently)
{
	struct scxd_rule r;
	char buf[32];

	CHECK_INT(parse("comm=cc1* && nice<0", &r), 0);
	CHECK_INT(rule_format(&r, buf, 20), 19);
	CHECK_INT(rule_format(&r, buf, 19), -ENOSPC);
	CHECK_INT(rule_format(&r, NULL, 0), -ENOSPC);
}

TEST(format_refuses_a_rule_parse_could_not_have_produced)
{
	struct scxd_rule r;
	char buf[256];

	CHECK_INT(parse("comm=a", &r), 0);
	r.nr_conds = 0;
	CHECK_INT(rule_format(&r, buf, sizeof(buf)), -EINVAL);
	r.nr_conds = SCXD_MAX_CONDS + 1;
	CHECK_INT(rule_format(&r, buf, sizeof(buf)), -EINVAL);
	r.nr_conds = 1;
	r.conds[0].key = SCXD_NR_KEYS;
	CHECK_INT(rule_format(&r, buf, sizeof(buf)), -EINVAL);
	r.conds[0].key = SCXD_KEY_COMM;
	r.conds[0].op = SCXD_OP_LT;
	CHECK_INT(rule_format(&r, buf, sizeof(buf)), -EINVAL);
	r.conds[0].op = SCXD_OP_EQ;
	r.conds[0].len = 0;
	CHECK_INT(rule_format(&r, buf, sizeof(buf)), -EINVAL);
}

TEST_MAIN
