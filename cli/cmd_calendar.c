/*
 * cmd_calendar.c: the laws and calendars foiad counts on: `holidays`
 * (a year's days off, and `holidays import` of an iCalendar file or URL)
 * and `jurisdictions`, with their option tables and how their replies are
 * shown.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "foia/protocol.h"
#include "options.h"
#include "render.h"

/* An iCalendar file is sent whole in one request line; the client refuses
 * a line over FOIA_MAX_LINE once it is encoded. */
#define MAX_ICS FOIA_MAX_LINE

/* --- tables -------------------------------------------------------- */

const struct arg source_args[] = {
	{"source", A_KEEP, 0, "file or URL"},
	{NULL, A_ID, 0, NULL},
};

static const struct opt holidays_opts[] = {
	OPT_COUNT("year", "year", "<year>",
		  "the year (foiad's default: this "
		  "year)"),
	OPT_TEXT("jurisdiction", "jurisdiction", FOIA_MAX_CODE, "<code>",
		 "whose calendar (foiad's default: us-federal)"),
	OPT_JSON,
	OPT_END,
};

static const struct opt import_opts[] = {
	{.name = "calendar",
	 .param = "calendar",
	 .kind = K_TEXT,
	 .limit = FOIA_MAX_CODE,
	 .flags = OPT_NONEMPTY,
	 .meta = "<name>",
	 .help = "the calendar the days are added to"},
	OPT_JSON,
	OPT_END,
};

static const struct opt json_only[] = {OPT_JSON, OPT_END};

const struct opt_group holidays_groups[] = {
	{"options", holidays_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group holidays_import_groups[] = {
	{"options", import_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group jurisdictions_groups[] = {
	{"options", json_only, 0},
	{NULL, NULL, 0},
};

/* --- holidays ------------------------------------------------------ */

/* "2025-01-01 Wed  New Year's Day (observed) [closure]" */
static void print_day(const json_t *day)
{
	const char *date = member_text(day, "date"),
		   *wd = member_text(day, "weekday");

	print_text(date ? date : "", SIZE_MAX);
	putchar(' ');
	print_text(wd ? wd : "", SIZE_MAX);
	fputs("  ", stdout);
	print_text(member_text(day, "name") ? member_text(day, "name") : "",
		   SIZE_MAX);
	if (json_is_true(json_object_get(day, "observed")))
		fputs(" (observed)", stdout);
	if (json_is_true(json_object_get(day, "closure")))
		fputs(" [closure]", stdout);
	putchar('\n');
}

static int holidays_text(struct call *c, json_t *res)
{
	const json_t *days = json_object_get(res, "days");

	(void)c;
	if (json_array_size(days) == 0)
		printf("no holidays in %" JSON_INTEGER_FORMAT "\n",
		       json_integer_value(json_object_get(res, "year")));
	for (size_t i = 0; i < json_array_size(days); i++)
		print_day(json_array_get(days, i));
	return 0;
}

int cmd_holidays(struct call *c)
{
	return call_render(c, FOIA_M_HOLIDAYS, NULL, holidays_text);
}

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

/* The source as "url", or the file (stdin for "-") read here as "ics":
 * foiad may not be able to read the user's files. */
static int add_source(struct call *c, const char *src)
{
	json_t *v = NULL;
	int rc;

	if (is_url(src))
		rc = check_text("url", src, strlen(src), FOIA_MAX_URL);
	else
		rc = read_text(strcmp(src, "-") == 0 ? "stdin" : src, src,
			       MAX_ICS, &v);
	if (rc)
		return rc;
	if (!v && !(v = json_string(src)))
		return out_of_memory();
	if (json_object_set_new(c->params, is_url(src) ? "url" : "ics", v))
		return out_of_memory();
	return 0;
}

static int import_text(struct call *c, json_t *res)
{
	const char *cal = member_text(res, "calendar");
	json_int_t n = json_integer_value(json_object_get(res, "added"));

	(void)c;
	fputs("calendar ", stdout);
	print_text(cal ? cal : "", SIZE_MAX);
	printf(": %" JSON_INTEGER_FORMAT " day%s added\n", n,
	       n == 1 ? "" : "s");
	return 0;
}

int cmd_holidays_import(struct call *c)
{
	int rc = add_source(c, c->argv[0]);

	return rc ? rc
		  : call_render(c, FOIA_M_HOLIDAYS_IMPORT, NULL, import_text);
}

/* --- jurisdictions ------------------------------------------------- */

static const struct column jurisdiction_columns[] = {
	{"CODE", "code", 0},
	{"PERIOD", "period", 0},
	{"CONFIDENCE", "confidence", 0},
	{"NAME", "name", 0},
};
#define JURISDICTION_FLEX 3 /* NAME */

/* "20 working", "10 calendar", "none (follow up every 10 days)" */
static json_t *period_text(const json_t *j)
{
	const json_t *initial = json_object_get(j, "initial");
	const json_t *every = json_object_get(j, "followup_every");
	const char *unit = member_text(initial, "unit");

	if (json_is_object(initial))
		return json_sprintf(
			"%" JSON_INTEGER_FORMAT "%s%s",
			json_integer_value(json_object_get(initial, "days")),
			unit ? " " : "", unit ? unit : "");
	if (json_is_integer(every))
		return json_sprintf(
			"none (follow up every %" JSON_INTEGER_FORMAT " days)",
			json_integer_value(every));
	return json_string("none");
}

static int jurisdictions_text(struct call *c, json_t *res)
{
	json_t *rows = json_object_get(res, "jurisdictions");

	(void)c;
	if (json_array_size(rows) == 0) {
		puts("no jurisdictions");
		return 0;
	}
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		json_t *p = period_text(row);
		if (!p || json_object_set_new(row, "period", p))
			return out_of_memory();
	}
	return render_table(rows, jurisdiction_columns,
			    COUNT(jurisdiction_columns), JURISDICTION_FLEX,
			    terminal_width(), NULL);
}

int cmd_jurisdictions(struct call *c)
{
	return call_render(c, FOIA_M_JURISDICTION_LIST, "jurisdictions",
			   jurisdictions_text);
}
