/*
 * export.c - scxd's counters for node_exporter's textfile collector: each
 * tick, the status document in Prometheus' text format (prometheus.h) is
 * written whole to [scxd] prometheus_textfile, through a temporary file
 * and rename(), so that a scrape never reads half of one. Not fsync()ed:
 * it is rewritten every second, and a crash that loses one loses nothing
 * that the next tick would not write.
 *
 * An error is logged when it first happens and when it changes, not each
 * second; the file is removed when the configuration stops naming it and
 * when the daemon exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "log.h"
#include "manager.h"
#include "methods.h"
#include "prometheus.h"

static char *exposition(struct manager *m)
{
	struct proto_status *st = calloc(1, sizeof(*st));
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int r;

	if (!st)
		return NULL;
	r = status_fill(m, st);
	f = r < 0 ? NULL : open_memstream(&buf, &len);
	if (f) {
		r = prom_write(f, st);
		if (fclose(f) && !r)
			r = -EIO;
		if (r < 0) {
			free(buf);
			buf = NULL;
		}
	}
	free(st);
	return buf;
}

void manager_unexport(struct manager *m)
{
	if (m->exported[0] && unlink(m->exported) < 0 && errno != ENOENT)
		log_warning_errno(-errno, "Failed to remove %s: %m", m->exported);
	m->exported[0] = '\0';
	m->export_err = 0;
}

void manager_export(struct manager *m)
{
	const char *path = m->config->prometheus_textfile;
	char *text;
	int r;

	if (strcmp(m->exported, path))
		manager_unexport(m);
	if (!path[0])
		return;
	text = exposition(m);
	r = text ? file_write_atomic(path, NULL, text, false) : -ENOMEM;
	free(text);
	if (r < 0 && r != m->export_err)
		log_warning_errno(r, "Failed to write the Prometheus textfile %s: %m", path);
	else if (!r && m->export_err)
		log_info("Writing the Prometheus textfile %s again", path);
	m->export_err = r < 0 ? r : 0;
	snprintf(m->exported, sizeof(m->exported), "%s", path);
}
