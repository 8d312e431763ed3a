/* fuzz_rule.c - the match rule parser (lib/rule.c): no crash on any text,
 * and an accepted rule's canonical text parses back to the same rule. */
#include "fuzz.h"
#include "rule.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scxd_rule a, b;
	char *text = fuzz_string(data, size), canon[4096], err[256];

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	if (rule_parse(text, &a, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(rule_format(&a, canon, sizeof(canon)) >= 0, "'%s'", text);
		FUZZ_ASSERT(rule_parse(canon, &b, err, sizeof(err)) == 0, "'%s' -> '%s': %s",
			    text, canon, err);
		FUZZ_ASSERT(!memcmp(&a, &b, sizeof(a)), "'%s' -> '%s' differs", text, canon);
	}
	free(text);
	return 0;
}
