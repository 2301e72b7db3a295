/*
 * report.h: `foia report`, the group status report: the command's handler
 * and option groups (cmd_report.c), and its HTML page (report_html.c).
 */
#ifndef FOIA_CLI_REPORT_H
#define FOIA_CLI_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "cli.h"

int cmd_report(struct call *c);
extern const struct opt_group report_groups[];

/* One section of the report as a table: its title, the member of the
 * reply holding its rows, and its columns. */
enum rcol_kind {
	RC_TEXT,    /* the value as text */
	RC_REQUEST, /* a request id, "#12" */
	RC_DAYS,    /* a number of days; a real with one decimal */
	RC_SHARE,   /* 0..1 as a percentage */
	RC_YEAR,    /* a year, "-" when unknown */
};

struct rcol {
	const char *header;
	const char *path; /* member, or "a.b" for a nested one */
	enum rcol_kind kind;
	bool right; /* align right in text */
};

struct rsection {
	const char *title;
	const char *key;
	const struct rcol *cols;
	size_t ncols;
	const char *empty; /* said when there are no rows */
};

/* What the "Pub." columns of the performance section are. */
#define REPORT_PUBLISHED_NOTE                                                  \
	"Pub. simple and Pub. complex: the median working days the agency "    \
	"itself published for its simple and complex requests in fiscal "      \
	"year Pub. FY (FOIA.gov; foia agency import)."

extern const struct rsection report_sections[];
extern const size_t report_nsections;

/* The cell text of row under col (a heap string; "" for null; NULL when
 * out of memory). */
char *report_cell(const json_t *row, const struct rcol *col);

/* The whole report as one self-contained HTML page. 0, or -1 on a write
 * error. */
int report_html(FILE *out, const json_t *res);

#endif
