/*
 * cmd_report.c: `foia report`, the group status report. foiad counts and
 * derives everything (the `report` method); this file lays the sections
 * out as aligned text, Markdown, CSV or JSON, and hands HTML to
 * report_html.c. Every format shows the same sections from the same
 * table of columns, so they cannot disagree.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "foia/protocol.h"
#include "render.h"
#include "report.h"

static const char *const report_formats[] = {"text", "markdown", "csv",
					     "json", "html",	 NULL};

static const struct opt report_opts[] = {
	OPT_TEXT("project", "project", FOIA_MAX_PROJECT, "<project>",
		 "only requests of this project"),
	OPT_TEXT("agency", "agency", FOIA_MAX_CODE, "<code>",
		 "only requests to this agency"),
	OPT_DATE("since", "since", "only requests sent on or after this date"),
	OPT_DATE("until", "until", "only requests sent on or before this date"),
	OPT_TEXT("member", "member", FOIA_MAX_REQUESTER, "<name>",
		 "only requests this member filed or worked on"),
	OPT_ENUM("format", "format", report_formats, "<format>",
		 "how to lay the report out (default: text)"),
	{.name = "output",
	 .param = "output",
	 .kind = K_TEXT,
	 .limit = 4095,
	 .flags = OPT_NONEMPTY,
	 .meta = "<file>",
	 .help = "write the report to <file> instead of standard output",
	 .short_name = 'o'},
	OPT_JSON,
	OPT_END,
};

const struct opt_group report_groups[] = {
	{"options", report_opts, 0},
	{NULL, NULL, 0},
};

/* --- the sections ------------------------------------------------------- */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct rcol status_cols[] = {
	{"Status", "status", RC_TEXT, false},
	{"Requests", "n", RC_TEXT, true},
};
static const struct rcol agency_cols[] = {
	{"Agency", "agency", RC_TEXT, false},
	{"Name", "name", RC_TEXT, false},
	{"Requests", "n", RC_TEXT, true},
};
static const struct rcol project_cols[] = {
	{"Project", "project", RC_TEXT, false},
	{"Requests", "n", RC_TEXT, true},
};
static const struct rcol member_cols[] = {
	{"Member", "member", RC_TEXT, false},
	{"Requests", "n", RC_TEXT, true},
};
static const struct rcol overdue_cols[] = {
	{"Request", "request", RC_REQUEST, true},
	{"Agency", "agency", RC_TEXT, false},
	{"Deadline", "what", RC_TEXT, false},
	{"Due", "due", RC_TEXT, false},
	{"Days overdue", "days_overdue", RC_TEXT, true},
	{"Subject", "subject", RC_TEXT, false},
};
static const struct rcol upcoming_cols[] = {
	{"Request", "request", RC_REQUEST, true},
	{"Agency", "agency", RC_TEXT, false},
	{"Deadline", "what", RC_TEXT, false},
	{"Due", "due", RC_TEXT, false},
	{"Days left", "days_left", RC_TEXT, true},
	{"Subject", "subject", RC_TEXT, false},
};
static const struct rcol ripe_cols[] = {
	{"Request", "request", RC_REQUEST, true},
	{"Agency", "agency", RC_TEXT, false},
	{"Exhausted since", "since", RC_TEXT, false},
	{"Days", "days", RC_TEXT, true},
	{"Subject", "subject", RC_TEXT, false},
};
static const struct rcol appeal_cols[] = {
	{"Request", "request", RC_REQUEST, true},
	{"Agency", "agency", RC_TEXT, false},
	{"Window closes", "due", RC_TEXT, false},
	{"Days left", "days_left", RC_TEXT, true},
	{"Subject", "subject", RC_TEXT, false},
};
static const struct rcol toll_cols[] = {
	{"Request", "request", RC_REQUEST, true},
	{"Agency", "agency", RC_TEXT, false},
	{"Reason", "reason", RC_TEXT, false},
	{"Waiting since", "since", RC_TEXT, false},
	{"Days", "days", RC_TEXT, true},
	{"Subject", "subject", RC_TEXT, false},
};
static const struct rcol perf_cols[] = {
	{"Agency", "agency", RC_TEXT, false},
	{"Ack median", "acknowledgment.median", RC_DAYS, true},
	{"Ack p90", "acknowledgment.p90", RC_DAYS, true},
	{"Ack n", "sample.acknowledgment", RC_TEXT, true},
	{"Det median", "determination.median", RC_DAYS, true},
	{"Det p90", "determination.p90", RC_DAYS, true},
	{"Det n", "sample.determination", RC_TEXT, true},
	{"On time", "on_time_share", RC_SHARE, true},
	{"Pub. simple", "published_median.simple", RC_DAYS, true},
	{"Pub. complex", "published_median.complex", RC_DAYS, true},
	{"Pub. FY", "published_median.year", RC_YEAR, true},
};

const struct rsection report_sections[] = {
	{"Requests by status", "by_status", status_cols, N(status_cols),
	 "no requests"},
	{"Requests by agency", "by_agency", agency_cols, N(agency_cols),
	 "no requests"},
	{"Requests by project", "by_project", project_cols, N(project_cols),
	 "no requests"},
	{"Requests by member", "by_member", member_cols, N(member_cols),
	 "no requests"},
	{"Overdue", "overdue", overdue_cols, N(overdue_cols),
	 "nothing overdue"},
	{"Due in the next 14 days", "upcoming", upcoming_cols, N(upcoming_cols),
	 "nothing due"},
	{"Ripe for suit (constructive exhaustion)", "ripe_for_suit", ripe_cols,
	 N(ripe_cols), "none"},
	{"Appeal windows closing", "appeal_windows", appeal_cols,
	 N(appeal_cols), "none open"},
	{"Agency waits on us (open tolls)", "tolls_open", toll_cols,
	 N(toll_cols), "none"},
	{"Agency performance (working days from receipt, tolls excluded)",
	 "performance.agencies", perf_cols, N(perf_cols),
	 "no answers recorded"},
};
const size_t report_nsections = N(report_sections);

static const json_t *path_get(const json_t *o, const char *path)
{
	char key[64];
	const char *dot;
	while (o && (dot = strchr(path, '.'))) {
		size_t n = (size_t)(dot - path);
		if (n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		o = json_object_get(o, key);
		path = dot + 1;
	}
	return o ? json_object_get(o, path) : NULL;
}

char *report_cell(const json_t *row, const struct rcol *col)
{
	const json_t *v = path_get(row, col->path);
	char buf[64];
	/* A statistic hidden below the minimum sample, or unknown, is
	 * "-"; a request without a project is "(none)". */
	if (!v || json_is_null(v)) {
		if (col->kind == RC_DAYS || col->kind == RC_SHARE ||
		    col->kind == RC_YEAR)
			return strdup("-");
		return strdup(strcmp(col->path, "project") ? "" : "(none)");
	}
	switch (col->kind) {
	case RC_REQUEST:
		snprintf(buf, sizeof(buf), "#%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(buf);
	case RC_DAYS:
		if (json_is_real(v)) {
			snprintf(buf, sizeof(buf), "%.1f", json_real_value(v));
			return strdup(buf);
		}
		break;
	case RC_SHARE:
		snprintf(buf, sizeof(buf), "%.0f%%",
			 100.0 * json_number_value(v));
		return strdup(buf);
	case RC_TEXT:
	case RC_YEAR:
		break;
	}
	return value_text(v, ";");
}

static const json_t *rows_of(const json_t *res, const struct rsection *s)
{
	const json_t *rows = path_get(res, s->key);
	return json_is_array(rows) ? rows : NULL;
}

/* --- text and Markdown ------------------------------------------------------
 */

struct out {
	FILE *f;
	bool color;
	bool markdown;
};

static void bold(const struct out *o, const char *s)
{
	if (o->markdown)
		fprintf(o->f, "## %s\n\n", s);
	else if (o->color)
		fprintf(o->f, "\033[1m%s\033[0m\n", s);
	else
		fprintf(o->f, "%s\n", s);
}

/* Cell text with control characters made spaces, and for Markdown, "|"
 * escaped. */
static void put_cell(const struct out *o, const char *s, size_t width,
		     bool right)
{
	size_t cols = text_columns(s);
	size_t pad = width > cols ? width - cols : 0;
	if (right && !o->markdown)
		for (size_t i = 0; i < pad; i++)
			fputc(' ', o->f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fputc(' ', o->f);
		else if (o->markdown && *p == '|')
			fputs("\\|", o->f);
		else
			fputc(*p, o->f);
	}
	if (!right || o->markdown)
		for (size_t i = 0; i < pad; i++)
			fputc(' ', o->f);
}

static int section_text(const struct out *o, const json_t *res,
			const struct rsection *s)
{
	const json_t *rows = rows_of(res, s);
	size_t n = json_array_size(rows), nc = s->ncols;
	bold(o, s->title);
	if (n == 0) {
		fprintf(o->f, o->markdown ? "_%s_\n\n" : "  %s\n\n", s->empty);
		return 0;
	}
	char **cell = calloc((n + 1) * nc, sizeof(*cell));
	size_t *w = calloc(nc, sizeof(*w));
	int rc = 0;
	if (!cell || !w) {
		free(cell);
		free(w);
		return -1;
	}
	for (size_t j = 0; j < nc; j++) {
		cell[j] = strdup(s->cols[j].header);
		if (!cell[j])
			rc = -1;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		for (size_t j = 0; j < nc; j++)
			if (!(cell[(i + 1) * nc + j] = report_cell(
				      json_array_get(rows, i), &s->cols[j])))
				rc = -1;
	for (size_t i = 0; i <= n && rc == 0; i++)
		for (size_t j = 0; j < nc; j++) {
			size_t c = text_columns(cell[i * nc + j]);
			if (c > w[j])
				w[j] = c;
		}
	for (size_t i = 0; i <= n && rc == 0; i++) {
		fputs(o->markdown ? "|" : "  ", o->f);
		for (size_t j = 0; j < nc; j++) {
			bool last = j + 1 == nc;
			if (o->markdown)
				fputc(' ', o->f);
			/* The last column is not padded in text: no
			 * trailing blanks. */
			put_cell(o, cell[i * nc + j],
				 last && !o->markdown && !s->cols[j].right
					 ? 0
					 : w[j],
				 s->cols[j].right);
			fputs(o->markdown ? " |" : last ? "" : "  ", o->f);
		}
		fputc('\n', o->f);
		if (i == 0 && o->markdown) {
			fputc('|', o->f);
			for (size_t j = 0; j < nc; j++) {
				fputc(s->cols[j].right ? ' ' : ':', o->f);
				for (size_t k = 0; k < (w[j] ? w[j] : 1); k++)
					fputc('-', o->f);
				fputs(s->cols[j].right ? ":|" : " |", o->f);
			}
			fputc('\n', o->f);
		}
	}
	fputc('\n', o->f);
	for (size_t i = 0; i < (n + 1) * nc; i++)
		free(cell[i]);
	free(cell);
	free(w);
	return rc;
}

static void filter_line(FILE *f, const json_t *res)
{
	static const char *const keys[] = {"project", "agency", "since",
					   "until", "member"};
	const json_t *flt = json_object_get(res, "filter");
	bool any = false;
	for (size_t i = 0; i < N(keys); i++) {
		const char *v = member_text(flt, keys[i]);
		if (!v)
			continue;
		fprintf(f, "%s%s %s", any ? ", " : "Filter: ", keys[i], v);
		any = true;
	}
	if (any)
		fputc('\n', f);
}

static int report_text(FILE *f, const json_t *res, bool markdown, bool color)
{
	struct out o = {f, color, markdown};
	const json_t *t = json_object_get(res, "totals");
	if (markdown)
		fprintf(f, "# FOIA status report, %s\n",
			member_text(res, "today") ? member_text(res, "today")
						  : "");
	else
		fprintf(f, "FOIA status report, %s\n",
			member_text(res, "today") ? member_text(res, "today")
						  : "");
	filter_line(f, res);
	fprintf(f,
		"%s%" JSON_INTEGER_FORMAT " requests, %" JSON_INTEGER_FORMAT
		" open\n\n",
		markdown ? "\n" : "", member_int(t, "requests"),
		member_int(t, "open"));
	for (size_t i = 0; i < report_nsections; i++)
		if (section_text(&o, res, &report_sections[i]) < 0)
			return -1;
	const json_t *perf = json_object_get(res, "performance");
	fprintf(f,
		"%sStatistics need at least %" JSON_INTEGER_FORMAT
		" answers. %s\n",
		markdown ? "" : "  ", member_int(perf, "min_sample"),
		REPORT_PUBLISHED_NOTE);
	return 0;
}

/* --- CSV ----------------------------------------------------------------- */

static void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* One block per section: a header line "section,<columns>", then its
 * rows, each led by the section's key; blocks are apart by an empty
 * line. */
static int report_csv(FILE *f, const json_t *res)
{
	for (size_t i = 0; i < report_nsections; i++) {
		const struct rsection *s = &report_sections[i];
		const json_t *rows = rows_of(res, s);
		if (i)
			fputs("\r\n", f);
		fputs("section", f);
		for (size_t j = 0; j < s->ncols; j++) {
			fputc(',', f);
			csv_field(f, s->cols[j].header);
		}
		fputs("\r\n", f);
		for (size_t r = 0; r < json_array_size(rows); r++) {
			csv_field(f, s->key);
			for (size_t j = 0; j < s->ncols; j++) {
				char *v = report_cell(json_array_get(rows, r),
						      &s->cols[j]);
				if (!v)
					return -1;
				fputc(',', f);
				csv_field(f, v);
				free(v);
			}
			fputs("\r\n", f);
		}
	}
	return 0;
}

/* --- the command ------------------------------------------------------------
 */

int cmd_report(struct call *c)
{
	const char *format = "text", *output = NULL;
	char *fmt = NULL, *path = NULL;
	json_t *res = NULL;
	FILE *f = stdout;
	int rc;

	if (member_text(c->params, "format"))
		fmt = strdup(member_text(c->params, "format"));
	if (member_text(c->params, "output"))
		path = strdup(member_text(c->params, "output"));
	if ((member_text(c->params, "format") && !fmt) ||
	    (member_text(c->params, "output") && !path)) {
		free(fmt);
		return out_of_memory();
	}
	if (fmt)
		format = fmt;
	output = path;
	json_object_del(c->params, "format");
	json_object_del(c->params, "output");
	if (c->format == FORMAT_JSON)
		format = "json";
	bool known = false;
	for (size_t i = 0; report_formats[i]; i++)
		known |= strcmp(format, report_formats[i]) == 0;
	if (!known) {
		rc = usage_error(c->cmd, "unknown format '%s'", format);
		goto out;
	}
	if ((rc = client_call(c->socket, FOIA_M_REPORT, c->params, &res)))
		goto out;
	if (output && !(f = fopen(output, "w"))) {
		err("cannot write '%s': %s", output, strerror(errno));
		rc = EX_CANTCREAT;
		goto out;
	}
	int w;
	if (!strcmp(format, "json"))
		w = json_dumpf(res, f, JSON_INDENT(2) | JSON_SORT_KEYS) ||
		    fputc('\n', f) == EOF;
	else if (!strcmp(format, "csv"))
		w = report_csv(f, res);
	else if (!strcmp(format, "html"))
		w = report_html(f, res);
	else
		w = report_text(f, res, !strcmp(format, "markdown"),
				!output && use_color());
	if (f != stdout) {
		if (fclose(f) != 0)
			w = -1;
	} else if (fflush(f) != 0 || ferror(f)) {
		w = -1;
	}
	if (w) {
		err("cannot write '%s': %s", output ? output : "stdout",
		    strerror(errno));
		rc = EX_IOERR;
	}
out:
	free(fmt);
	free(path);
	json_decref(res);
	return rc;
}
