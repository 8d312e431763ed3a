/* test_log.c - the journal's event table (daemon/log.c): one name and
 * one MESSAGE_ID per event, well formed and distinct, each listed in
 * scxd(8) as journalctl users read it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "log.h"
#include "test.h"

TEST(every_event_has_a_distinct_name_and_a_128_bit_message_id)
{
	for (int i = 0; i < LOG_EV_NR; i++) {
		const char *id = log_event_id(i), *name = log_event_name(i);

		CHECK(name && *name && strcmp(name, "unknown"));
		CHECK_INT(strlen(id), 32);
		for (int k = 0; k < 32; k++)
			CHECK(isxdigit((unsigned char)id[k]) && !isupper((unsigned char)id[k]));
		for (int j = 0; j < i; j++) {
			CHECK(strcmp(id, log_event_id(j)));
			CHECK(strcmp(name, log_event_name(j)));
		}
	}
	CHECK_STR(log_event_name(LOG_EV_NR), "unknown");
}

TEST(scxd_8_lists_every_event_with_its_message_id)
{
	const char *tail = strstr(__FILE__, "tests/unit/");
	char path[512], line[128], *text = NULL;
	size_t len;

	snprintf(path, sizeof(path), "%.*sdocs/man/scxd.8", tail ? (int)(tail - __FILE__) : 0,
		 __FILE__);
	CHECK_INT(file_read_text(path, 1 << 20, &text, &len), 0);
	for (int i = 0; i < LOG_EV_NR; i++) {
		char name[64];
		const char *n = log_event_name(i);
		size_t o = 0;

		/* roff spells '-' as "\-" */
		for (; *n && o + 3 < sizeof(name); n++) {
			if (*n == '-')
				name[o++] = '\\';
			name[o++] = *n;
		}
		name[o] = '\0';
		snprintf(line, sizeof(line), "\n%s\t%s\t", name, log_event_id(i));
		if (!strstr(text, line)) {
			printf("  scxd.8 has no line \"%s<TAB>%s<TAB>...\"\n", name, log_event_id(i));
			free(text);
			CHECK(0);
		}
	}
	free(text);
}

TEST_MAIN
