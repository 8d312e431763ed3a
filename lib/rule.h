/*
 * rule.h - match rules: the text of one "match =" line <-> struct scxd_rule.
 *
 * Pure: never logs, never allocates. Shared by the configuration loader,
 * the control server and scxctl. The syntax is described in docs/config.md.
 */
#ifndef SCXD_RULE_H
#define SCXD_RULE_H

#include <stddef.h>

#include "scxd.h"

/*
 * Parse one match line ("comm=cc1* && nice<0"). On error returns -EINVAL,
 * leaves *out untouched and writes a message naming the offending
 * condition into err (e.g. "unknown key 'comx' in 'comx=a'").
 * out->layer is left 0: the configuration loader sets it.
 */
int rule_parse(const char *text, struct scxd_rule *out, char *err, size_t errlen);

/*
 * Canonical text of a rule ("comm=cc1* && nice<0"), which rule_parse()
 * turns back into the same rule. Returns its length, -ENOSPC if it does
 * not fit in len bytes, or -EINVAL if *r is not a rule rule_parse() could
 * have produced.
 */
int rule_format(const struct scxd_rule *r, char *buf, size_t len);

#endif /* SCXD_RULE_H */
