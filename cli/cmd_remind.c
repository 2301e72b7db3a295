/*
 * cmd_remind.c: `foia remind` (a personal reminder about a request on a
 * later day) and `foia reminders` (the outbox: what was queued, sent or
 * is waiting, and what is scheduled), with their option tables and how
 * their replies are shown.
 */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "foia/protocol.h"
#include "render.h"

/* --- tables -------------------------------------------------------- */

static const struct opt remind_opts[] = {
	OPT_TEXT("in", "in", 16, "<span>",
		 "remind after this long: days (\"10\", \"10d\") or weeks "
		 "(\"3w\")"),
	OPT_DATE("on", "on", "remind on this day"),
	OPT_TEXT("note", "note", FOIA_MAX_NOTE, "<text>",
		 "what to be reminded of"),
	OPT_JSON,
	OPT_END,
};

static const struct opt reminders_opts[] = {
	OPT_FLAG("pending", "pending", K_TRUE,
		 "only reminders waiting to be sent (or being sent)"),
	OPT_FLAG("sent", "sent", K_TRUE, "only reminders sent"),
	OPT_COUNT("limit", "limit", "<n>",
		  "at most <n> reminders, newest first (foiad's default: "
		  "200)"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group remind_groups[] = {
	{"options", remind_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group reminders_groups[] = {
	{"options", reminders_opts, 0},
	{NULL, NULL, 0},
};

/* --- remind -------------------------------------------------------- */

static int remind_text(struct call *c, json_t *res)
{
	const json_t *r = json_object_get(res, "reminder");
	const char *note = member_text(r, "note");

	(void)c;
	printf("reminder %" JSON_INTEGER_FORMAT
	       " set: request %" JSON_INTEGER_FORMAT " on ",
	       member_int(r, "id"), member_int(r, "request"));
	print_text(member_text(r, "date") ? member_text(r, "date") : "?",
		   SIZE_MAX);
	if (note) {
		fputs(": ", stdout);
		print_text(note, SIZE_MAX);
	}
	putchar('\n');
	return 0;
}

int cmd_remind(struct call *c)
{
	return call_render(c, FOIA_M_REMIND, "reminder", remind_text);
}

/* --- reminders ----------------------------------------------------- */

static const struct column reminder_columns[] = {
	{"ID", "id", 0},	   {"STATE", "state", 0},
	{"CHANNEL", "channel", 2}, {"DUE", "due_at", 1},
	{"REQUEST", "request", 3}, {"SUMMARY", "summary", 0},
};
#define REMINDER_FLEX 5 /* SUMMARY */

static void print_scheduled(const json_t *list)
{
	puts("\nscheduled (foia remind):");
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *s = json_array_get(list, i);
		const char *note = member_text(s, "note");
		fputs("  ", stdout);
		print_text(member_text(s, "date") ? member_text(s, "date") : "",
			   SIZE_MAX);
		printf("  request %" JSON_INTEGER_FORMAT,
		       member_int(s, "request"));
		if (note) {
			fputs(": ", stdout);
			print_text(note, 200);
		}
		putchar('\n');
	}
}

static int reminders_text(struct call *c, json_t *res)
{
	const json_t *rows = json_object_get(res, "reminders");
	const json_t *scheduled = json_object_get(res, "scheduled");
	const char *next = member_text(res, "next");
	int rc = 0;

	(void)c;
	if (json_array_size(rows) == 0)
		puts("no reminders");
	else
		rc = render_table(rows, reminder_columns,
				  COUNT(reminder_columns), REMINDER_FLEX,
				  terminal_width(), "late");
	if (rc)
		return rc;
	if (json_array_size(scheduled) > 0)
		print_scheduled(scheduled);
	if (next) {
		fputs("\nnext reminder due: ", stdout);
		print_text(next, SIZE_MAX);
		putchar('\n');
	}
	return 0;
}

int cmd_reminders(struct call *c)
{
	return call_render(c, FOIA_M_REMINDERS, NULL, reminders_text);
}
