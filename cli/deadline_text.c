/*
 * deadline_text.c: the wording of deadlines, shared by show, toll, extend,
 * agree, list and deadlines.
 *
 * foiad computes every date and count; this file only says them. A
 * deadline is one line: its label, then its date and how far off it is,
 * or why it has none (the clock is stopped, or it was met). The clock,
 * the dates of exhaustion and limitations, and the law counted under
 * follow, so a reader sees what each date rests on.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "deadline_text.h"
#include "render.h"

#define LABEL_WIDTH 15 /* "  Limitations: " */
#define GAP	    3  /* columns between a deadline's label and date */

/* Short names of the kinds of deadline, for the NEXT column. */
static const struct {
	const char *kind, *name;
} short_kinds[] = {
	{"determination", "response"},
	{"expedited", "expedited"},
	{"appeal_window", "appeal window"},
	{"appeal_decision", "appeal decision"},
	{"followup", "follow-up"},
};

static bool has_int(const json_t *o, const char *key)
{
	return json_is_integer(json_object_get(o, key));
}

static bool is(const char *s, const char *want)
{
	return s && strcmp(s, want) == 0;
}

static size_t out(const char *s)
{
	return print_text(s ? s : "", SIZE_MAX);
}

/* "5 of 20 working days used" from an object with used, period, unit. */
static void print_used(const json_t *o)
{
	const char *unit = member_text(o, "unit");

	printf("%" JSON_INTEGER_FORMAT " of %" JSON_INTEGER_FORMAT " ",
	       member_int(o, "used"), member_int(o, "period"));
	if (unit) {
		out(unit);
		putchar(' ');
	}
	fputs("days used", stdout);
}

/* "clock stopped since 2025-03-10, 5 of 20 working days used" */
static void print_stopped(const json_t *d, const json_t *clock)
{
	const json_t *src = has_int(d, "used") ? d : clock;
	const char *since = member_text(d, "stopped_since");

	if (!since)
		since = member_text(clock, "since");
	fputs("clock stopped", stdout);
	if (since) {
		fputs(" since ", stdout);
		out(since);
	}
	if (has_int(src, "used") && has_int(src, "period")) {
		fputs(", ", stdout);
		print_used(src);
	}
}

/* "(12 days left)", "(due today)", "(3 days overdue)" */
static void print_left(const json_t *d)
{
	json_int_t n = member_int(d, "days_left");
	json_int_t abs = n < 0 ? -n : n;
	const char *s = abs == 1 ? "" : "s";

	fputs("  (", stdout);
	if (is(member_text(d, "state"), "agreed") ||
	    json_is_true(json_object_get(d, "agreed")))
		fputs("agreed date, ", stdout);
	if (!has_int(d, "days_left"))
		fputs("no count", stdout);
	else if (n < 0)
		printf("%" JSON_INTEGER_FORMAT " day%s overdue", abs, s);
	else if (n == 0)
		fputs("due today", stdout);
	else
		printf("%" JSON_INTEGER_FORMAT " day%s left", abs, s);
	if (member_int(d, "extension") > 0) {
		printf(", extended by %" JSON_INTEGER_FORMAT " ",
		       member_int(d, "extension"));
		if (member_text(d, "unit")) {
			out(member_text(d, "unit"));
			putchar(' ');
		}
		fputs("days", stdout);
	}
	putchar(')');
}

static void print_deadline(const json_t *d, const json_t *clock, int width)
{
	const char *state = member_text(d, "state"),
		   *due = member_text(d, "due");

	fputs("  ", stdout);
	size_t used = out(member_text(d, "what"));
	printf("%*s", width - (int)used + GAP, "");
	if (is(state, "met")) {
		fputs("met ", stdout);
		out(member_text(d, "met_on"));
	} else if (is(state, "stopped")) {
		print_stopped(d, clock);
	} else if (due) {
		out(due);
		print_left(d);
	} else {
		fputs("no date", stdout);
	}
	if (json_is_true(json_object_get(d, "assumed_start")))
		fputs("  (assumed: receipt date unknown, counted from sent)",
		      stdout);
	putchar('\n');
}

static void print_explain(const json_t *d)
{
	const json_t *lines = json_object_get(d, "explain");

	for (size_t i = 0; i < json_array_size(lines); i++) {
		fputs("      ", stdout);
		out(json_string_value(json_array_get(lines, i)));
		putchar('\n');
	}
}

static void label(const char *name)
{
	int used = printf("  %s:", name);
	printf("%*s", used < LABEL_WIDTH ? LABEL_WIDTH - used : 1, "");
}

/* "Clock:  running since 2025-03-03, 5 of 20 working days used" */
static void print_clock(const json_t *clock)
{
	const char *state = member_text(clock, "state");

	if (!state || is(state, "none"))
		return;
	label("Clock");
	out(state);
	if (member_text(clock, "since")) {
		fputs(" since ", stdout);
		out(member_text(clock, "since"));
	}
	if (has_int(clock, "used") && has_int(clock, "period")) {
		fputs(", ", stdout);
		print_used(clock);
	}
	putchar('\n');
}

static void print_date(const char *name, const char *date, const char *why)
{
	if (!date)
		return;
	label(name);
	out(date);
	printf(" (%s)\n", why);
}

/* "Law:  us-federal — 5 U.S.C. 552 (statute)" */
static void print_law(const json_t *info)
{
	if (!member_text(info, "code"))
		return;
	label("Law");
	out(member_text(info, "code"));
	if (member_text(info, "citation")) {
		fputs(" \xe2\x80\x94 ", stdout); /* em dash */
		out(member_text(info, "citation"));
	}
	if (member_text(info, "confidence")) {
		fputs(" (", stdout);
		out(member_text(info, "confidence"));
		putchar(')');
	}
	putchar('\n');
	if (json_is_false(json_object_get(info, "own_calendar")))
		printf("%*scounting on the federal holiday calendar\n",
		       LABEL_WIDTH, "");
}

void print_deadlines(const json_t *res, bool explain)
{
	const json_t *list = json_object_get(res, "deadlines");
	const json_t *clock = json_object_get(res, "clock");
	size_t width = 0;

	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *w = member_text(json_array_get(list, i), "what");
		size_t n = w ? text_columns(w) : 0;
		width = n > width ? n : width;
	}
	if (json_array_size(list) == 0)
		puts("  none");
	for (size_t i = 0; i < json_array_size(list); i++) {
		print_deadline(json_array_get(list, i), clock, (int)width);
		if (explain)
			print_explain(json_array_get(list, i));
	}
	print_clock(clock);
	print_date("Exhaustion", member_text(res, "exhaustion"),
		   "may go to court without appealing");
	print_date("Limitations", member_text(res, "limitations"),
		   "last day to go to court");
	print_law(json_object_get(res, "jurisdiction_info"));
}

/* --- LEFT and NEXT columns ----------------------------------------- */

json_t *left_text(const json_t *d)
{
	const char *state = member_text(d, "state");
	json_int_t n = member_int(d, "days_left");

	if (is(state, "stopped") || is(state, "met"))
		return json_string(state);
	if (!has_int(d, "days_left"))
		return json_string("");
	if (n < 0)
		return json_sprintf("%" JSON_INTEGER_FORMAT " overdue", -n);
	if (n == 0)
		return json_string("today");
	return json_sprintf("%" JSON_INTEGER_FORMAT, n);
}

static const char *short_what(const json_t *next)
{
	const char *kind = member_text(next, "kind");

	for (size_t i = 0; kind && i < COUNT(short_kinds); i++)
		if (strcmp(kind, short_kinds[i].kind) == 0)
			return short_kinds[i].name;
	return member_text(next, "what");
}

/* Takes v; NULL (out of memory) fails, a JSON null is stored as null. */
static bool set(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

static json_t *copy(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	return v ? json_deep_copy(v) : json_null();
}

static int flatten_one(json_t *row)
{
	const json_t *next = json_object_get(row, "next");
	const char *what = short_what(next);

	if (!set(row, "next_kind", copy(next, "kind")) ||
	    !set(row, "next_what", what ? json_string(what) : json_null()) ||
	    !set(row, "next_due", copy(next, "due")) ||
	    !set(row, "days_left", copy(next, "days_left")) ||
	    !set(row, "left", left_text(next)) ||
	    !set(row, "overdue",
		 json_boolean(json_is_true(json_object_get(next, "overdue")))))
		return out_of_memory();
	return 0;
}

int flatten_next(json_t *rows)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < json_array_size(rows); i++)
		rc = flatten_one(json_array_get(rows, i));
	return rc;
}

int add_left(json_t *rows)
{
	for (size_t i = 0; i < json_array_size(rows); i++) {
		json_t *row = json_array_get(rows, i);
		if (!set(row, "left", left_text(row)))
			return out_of_memory();
	}
	return 0;
}
