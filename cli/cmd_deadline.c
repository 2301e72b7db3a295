/*
 * cmd_deadline.c: the commands about a request's clock (toll, extend,
 * agree), the deadlines across requests (deadlines) and the calculator
 * (calc), with their option tables and how their replies are shown.
 *
 * `appeal` is a status change and lives with update in cmd_request.c.
 */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "deadline_text.h"
#include "foia/protocol.h"
#include "render.h"

#define MAX_TOLLS 64 /* --toll options of one calc */

/* --- tables -------------------------------------------------------- */

static const struct opt toll_opts[] = {
	{.name = "from",
	 .param = "from",
	 .kind = K_DATE,
	 .needs = "reason",
	 .meta = "<date>",
	 .help = "the clock stops: the agency asked the requester (its "
		 "letter's date); records a new toll"},
	OPT_DATE("until", "until",
		 "the clock runs again: the agency received the answer; "
		 "alone, closes the open toll"),
	{.name = "reason",
	 .param = "reason",
	 .kind = K_ENUM,
	 .values = foia_toll_reasons,
	 .needs = "from",
	 .meta = "<reason>",
	 .help = "why the agency stopped the clock"},
	OPT_NOTE,
	OPT_JSON,
	OPT_END,
};

static const struct opt extend_opts[] = {
	OPT_DATE("date", "date", "the date of the agency's notice"),
	OPT_COUNT("days", "days", "<days>",
		  "days of extension (foiad's default: the most the law "
		  "allows)"),
	OPT_NOTE,
	OPT_JSON,
	OPT_END,
};

static const struct opt agree_opts[] = {
	OPT_DATE("date", "date", "the due date agreed with the agency"),
	OPT_TEXT("reason", "reason", FOIA_MAX_NOTE, "<text>",
		 "what was agreed, and how"),
	OPT_JSON,
	OPT_END,
};

static const struct opt deadlines_opts[] = {
	OPT_COUNT("within", "within", "<days>",
		  "only deadlines due in the next <days> days (and overdue "
		  "ones)"),
	OPT_FLAG("overdue", "overdue", K_TRUE, "only overdue deadlines"),
	OPT_TEXT("project", "project", FOIA_MAX_PROJECT, "<project>",
		 "only requests of this project"),
	OPT_JSON,
	OPT_CSV,
	OPT_END,
};

static const struct opt calc_opts[] = {
	OPT_DATE("received", "received", "when the agency received it"),
	OPT_TEXT("jurisdiction", "jurisdiction", FOIA_MAX_CODE, "<code>",
		 "law that applies (foiad's default: us-federal)"),
	OPT_TEXT("agency", "agency", FOIA_MAX_CODE, "<code>",
		 "count as this agency does, where it departs from the law"),
	{.name = "toll",
	 .param = "tolls",
	 .kind = K_TOLL,
	 .max_items = MAX_TOLLS,
	 .meta = "<from>:[<until>]",
	 .help = "the clock stopped from <from> until <until> (none: still "
		 "stopped); repeatable"},
	OPT_COUNT("extension", "extension", "<days>",
		  "days of extension by notice"),
	OPT_FLAG("explain", "explain", K_TRUE, "say how the date was counted"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group toll_groups[] = {
	{"options", toll_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group extend_groups[] = {
	{"options", extend_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group agree_groups[] = {
	{"options", agree_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group deadlines_groups[] = {
	{"options", deadlines_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group calc_groups[] = {
	{"options", calc_opts, 0},
	{NULL, NULL, 0},
};

/* --- toll, extend, agree ------------------------------------------- */

/* "request 3:" and its deadlines as they are now. */
static int changed_text(struct call *c, json_t *res)
{
	json_int_t id = json_integer_value(json_object_get(c->params, "id"));

	printf("request %" JSON_INTEGER_FORMAT ":\n", id);
	print_deadlines(res, false);
	return 0;
}

int cmd_toll(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_TOLL, NULL, changed_text);
}

int cmd_extend(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_EXTEND, NULL, changed_text);
}

int cmd_agree(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_AGREE, NULL, changed_text);
}

/* --- deadlines ----------------------------------------------------- */

static const struct column deadline_columns[] = {
	{"DUE", "due", 0},	 {"LEFT", "left", 0}, {"ID", "request", 0},
	{"AGENCY", "agency", 0}, {"WHAT", "what", 0}, {"SUBJECT", "subject", 0},
};
#define DEADLINE_FLEX 5 /* SUBJECT */

static const struct column deadline_csv[] = {
	{"", "due", 0},	    {"", "days_left", 0}, {"", "request", 0},
	{"", "agency", 0},  {"", "kind", 0},	  {"", "what", 0},
	{"", "state", 0},   {"", "overdue", 0},	  {"", "status", 0},
	{"", "project", 0}, {"", "subject", 0},
};

static int deadlines_text(struct call *c, json_t *res)
{
	json_t *rows = json_object_get(res, "deadlines");
	int rc;

	if (c->format == FORMAT_CSV)
		return render_csv(rows, deadline_csv, COUNT(deadline_csv));
	if (json_array_size(rows) == 0) {
		puts("no deadlines");
		return 0;
	}
	if ((rc = add_left(rows)))
		return rc;
	return render_table(rows, deadline_columns, COUNT(deadline_columns),
			    DEADLINE_FLEX, terminal_width(), "overdue");
}

int cmd_deadlines(struct call *c)
{
	return call_render(c, FOIA_M_DEADLINES, "deadlines", deadlines_text);
}

/* --- calc ---------------------------------------------------------- */

/* "20 working days + 10 extension" */
static void print_period(const json_t *res)
{
	const char *unit = member_text(res, "unit");

	printf("%" JSON_INTEGER_FORMAT " ", member_int(res, "period"));
	if (unit) {
		print_text(unit, SIZE_MAX);
		putchar(' ');
	}
	fputs("days", stdout);
	if (member_int(res, "extension") > 0)
		printf(" + %" JSON_INTEGER_FORMAT " extension",
		       member_int(res, "extension"));
}

/* "due 2025-03-31 (20 working days from 2025-03-03, us-federal)", or
 * "clock stopped, 5 of 20 working days used (...)" */
static int calc_text(struct call *c, json_t *res)
{
	const char *due = member_text(res, "due"),
		   *start = member_text(res, "start");
	const char *law = member_text(res, "jurisdiction");
	const json_t *lines = json_object_get(res, "explain");

	(void)c;
	if (due) {
		fputs("due ", stdout);
		print_text(due, SIZE_MAX);
		fputs(" (", stdout);
		print_period(res);
	} else {
		printf("clock stopped, %" JSON_INTEGER_FORMAT " of ",
		       member_int(res, "used"));
		print_period(res);
		fputs(" used (", stdout);
	}
	/* Nothing is in the parentheses yet when the clock is stopped. */
	if (start) {
		fputs(due ? " from " : "from ", stdout);
		print_text(start, SIZE_MAX);
	}
	if (law) {
		fputs(due || start ? ", " : "", stdout);
		print_text(law, SIZE_MAX);
	}
	puts(")");
	for (size_t i = 0; i < json_array_size(lines); i++) {
		fputs("  ", stdout);
		print_text(json_string_value(json_array_get(lines, i)),
			   SIZE_MAX);
		putchar('\n');
	}
	return 0;
}

int cmd_calc(struct call *c)
{
	return call_render(c, FOIA_M_CALC, NULL, calc_text);
}
