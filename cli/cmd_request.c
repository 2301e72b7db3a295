/*
 * cmd_request.c: the commands about requests (file, list, show, update,
 * appeal, note), their option tables and how their replies are shown.
 *
 * The request fields that can be given when filing and changed later are
 * one table, request_fields: file and update both use it, update with the
 * rows marked OPT_CHANGE, so an option is spelled, checked and mapped to
 * its param in exactly one place.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "deadline_text.h"
#include "foia/protocol.h"
#include "render.h"

#define NSTATUSES (sizeof((const char *[]){FOIA_STATUS_NAMES}) / sizeof(char *))

/* --- tables -------------------------------------------------------- */

const struct arg request_id_args[] = {
	{"id", A_ID, 0, "request id"},
	{NULL, A_ID, 0, NULL},
};

const struct arg note_args[] = {
	{"id", A_ID, 0, "request id"},
	{"text", A_WORDS, FOIA_MAX_NOTE, "note text"},
	{NULL, A_ID, 0, NULL},
};

static const struct opt request_fields[] = {
	{.name = "subject",
	 .param = "subject",
	 .kind = K_TEXT,
	 .limit = FOIA_MAX_SUBJECT,
	 .flags = OPT_NONEMPTY,
	 .meta = "<text>",
	 .help = "what the request asks for, in one line"},
	OPT_TEXT("description", "description", FOIA_MAX_DESCRIPTION, "<text>",
		 "the full text of the request"),
	{.name = "description-file",
	 .param = "description",
	 .kind = K_FILE,
	 .limit = FOIA_MAX_DESCRIPTION,
	 .meta = "<file>",
	 .help = "read the description from <file> ('-' for stdin)"},
	OPT_TEXT("requester", "requester", FOIA_MAX_REQUESTER, "<name>",
		 "who the request is made for"),
	OPT_TEXT("project", "project", FOIA_MAX_PROJECT, "<project>",
		 "project the request belongs to"),
	OPT_ENUM("method", "method", foia_methods, "<method>",
		 "how the request is sent"),
	OPT_TEXT("tracking", "tracking", FOIA_MAX_TRACKING, "<number>",
		 "the agency's tracking number"),
	OPT_TEXT("component", "component", FOIA_MAX_COMPONENT, "<name>",
		 "office of the agency that handles it"),
	OPT_TEXT("jurisdiction", "jurisdiction", FOIA_MAX_CODE, "<code>",
		 "law that applies, like us-federal"),
	OPT_DATE("sent", "sent", "when the request was sent"),
	OPT_DATE("received", "received", "when the agency received it"),
	{.name = "acknowledged",
	 .param = "acknowledged",
	 .kind = K_DATE,
	 .flags = OPT_CHANGE,
	 .meta = "<date>",
	 .help = "when the agency acknowledged it"},
	{.name = "closed",
	 .param = "closed",
	 .kind = K_DATE,
	 .flags = OPT_CHANGE,
	 .meta = "<date>",
	 .help = "when it was closed"},
	OPT_FLAG("expedite", "expedited", K_TRUE,
		 "expedited processing is asked for"),
	{.name = "no-expedite",
	 .param = "expedited",
	 .kind = K_FALSE,
	 .flags = OPT_CHANGE,
	 .help = "expedited processing is not asked for"},
	OPT_FLAG("fee-waiver", "fee_waiver", K_TRUE,
		 "a fee waiver is asked for"),
	{.name = "no-fee-waiver",
	 .param = "fee_waiver",
	 .kind = K_FALSE,
	 .flags = OPT_CHANGE,
	 .help = "a fee waiver is not asked for"},
	OPT_ENUM("fee-category", "fee_category", foia_fee_categories,
		 "<category>", "the requester's fee category"),
	OPT_MONEY("fees-estimated", "fees_estimated",
		  "fees the agency estimated, like 25 or 25.50"),
	OPT_MONEY("fees-paid", "fees_paid", "fees paid so far"),
	OPT_END,
};

static const struct opt file_opts[] = {
	{.name = "agency",
	 .param = "agencies",
	 .kind = K_LIST,
	 .limit = FOIA_MAX_CODE,
	 .max_items = FOIA_MAX_BATCH,
	 .meta = "<code>",
	 .help = "agency to file with; repeat to file one request with each "
		 "of several agencies (a batch)"},
	OPT_LIST("tag", "tags", FOIA_MAX_TAG, FOIA_MAX_TAGS, "<tag>",
		 "tag the request; repeatable"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group file_groups[] = {
	{"options", file_opts, 0},
	{"field options", request_fields, OPT_CHANGE},
	{NULL, NULL, 0},
};

static const struct opt update_opts[] = {
	{.name = "status",
	 .param = "status",
	 .kind = K_ENUM,
	 .values = foia_statuses,
	 .flags = OPT_NONEMPTY,
	 .meta = "<status>",
	 .help = "move the request to <status>"},
	{.name = "date",
	 .param = "date",
	 .kind = K_DATE,
	 .flags = OPT_NONEMPTY,
	 .needs = "status",
	 .meta = "<date>",
	 .help = "when the status changed (foiad's default: today)"},
	{.name = "note",
	 .param = "note",
	 .kind = K_TEXT,
	 .limit = FOIA_MAX_NOTE,
	 .flags = OPT_NONEMPTY,
	 .meta = "<text>",
	 .help = "note recorded with the change"},
	OPT_LIST("tag", "add_tags", FOIA_MAX_TAG, FOIA_MAX_TAGS, "<tag>",
		 "add a tag; repeatable"),
	OPT_LIST("untag", "remove_tags", FOIA_MAX_TAG, FOIA_MAX_TAGS, "<tag>",
		 "remove a tag; repeatable"),
	{.name = "agency",
	 .param = "agency",
	 .kind = K_TEXT,
	 .limit = FOIA_MAX_CODE,
	 .flags = OPT_NONEMPTY,
	 .meta = "<code>",
	 .help = "move the request to another agency"},
	OPT_JSON,
	OPT_END,
};

const struct opt_group update_groups[] = {
	{"options", update_opts, 0},
	{"field options (an empty value clears a field)", request_fields, 0},
	{NULL, NULL, 0},
};

static const struct opt list_opts[] = {
	{.name = "status",
	 .param = "status",
	 .kind = K_ENUM_LIST,
	 .values = foia_statuses,
	 .max_items = NSTATUSES,
	 .meta = "<status>",
	 .help = "only requests in <status>; repeatable"},
	OPT_TEXT("agency", "agency", FOIA_MAX_CODE, "<code>",
		 "only requests to this agency"),
	OPT_TEXT("project", "project", FOIA_MAX_PROJECT, "<project>",
		 "only requests of this project"),
	OPT_TEXT("tag", "tag", FOIA_MAX_TAG, "<tag>",
		 "only requests with this tag"),
	OPT_FLAG("all", "all", K_TRUE, "closed and withdrawn requests too"),
	OPT_COUNT("limit", "limit", "<n>",
		  "only the first <n> (a page; every match without it)"),
	{.name = "offset",
	 .param = "offset",
	 .kind = K_COUNT,
	 .flags = OPT_ZERO,
	 .meta = "<n>",
	 .help = "skip the first <n>, for the next page"},
	OPT_JSON,
	OPT_CSV,
	OPT_END,
};

const struct opt_group list_groups[] = {
	{"options", list_opts, 0},
	{NULL, NULL, 0},
};

static const struct opt json_only[] = {OPT_JSON, OPT_END};

static const struct opt show_opts[] = {
	OPT_FLAG("explain", "explain", K_TRUE,
		 "say how each deadline was counted"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group show_groups[] = {
	{"options", show_opts, 0},
	{NULL, NULL, 0},
};

static const struct opt appeal_opts[] = {
	OPT_DATE("date", "date", "when the appeal was sent"),
	OPT_NOTE,
	OPT_JSON,
	OPT_END,
};

const struct opt_group appeal_groups[] = {
	{"options", appeal_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group note_groups[] = {
	{"options", json_only, 0},
	{NULL, NULL, 0},
};

/* --- file ---------------------------------------------------------- */

static int file_text(struct call *c, json_t *res)
{
	const json_t *ids = json_object_get(res, "ids");

	(void)c;
	for (size_t i = 0; i < json_array_size(ids); i++)
		printf("%" JSON_INTEGER_FORMAT "\n",
		       json_integer_value(json_array_get(ids, i)));
	return 0;
}

int cmd_file(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_FILE, NULL, file_text);
}

/* --- list ---------------------------------------------------------- */

/* On a narrow terminal DAYS goes first (LEFT says more), then SENT, then
 * NEXT. */
static const struct column list_columns[] = {
	{"ID", "id", 0},	   {"AGENCY", "agency", 0},
	{"SUBJECT", "subject", 0}, {"STATUS", "status", 0},
	{"SENT", "sent", 2},	   {"DAYS", "days_open", 3},
	{"NEXT", "next_what", 1},  {"DUE", "next_due", 0},
	{"LEFT", "left", 0},
};
#define LIST_FLEX 2 /* SUBJECT */

static const struct column list_csv[] = {
	{"", "id", 0},		 {"", "agency", 0},    {"", "subject", 0},
	{"", "status", 0},	 {"", "sent", 0},      {"", "received", 0},
	{"", "acknowledged", 0}, {"", "closed", 0},    {"", "days_open", 0},
	{"", "project", 0},	 {"", "tags", 0},      {"", "tracking", 0},
	{"", "jurisdiction", 0}, {"", "next_kind", 0}, {"", "next_due", 0},
	{"", "days_left", 0},
};

static int list_text(struct call *c, json_t *res)
{
	json_t *rows = json_object_get(res, "requests");
	int rc;

	if ((rc = flatten_next(rows)))
		return rc;
	if (c->format == FORMAT_CSV)
		rc = render_csv(rows, list_csv, COUNT(list_csv));
	else if (json_array_size(rows) == 0)
		puts("no requests");
	else
		rc = render_table(rows, list_columns, COUNT(list_columns),
				  LIST_FLEX, terminal_width(), "overdue");
	/* A page says, on stderr, where it sits in the whole. */
	json_int_t total = member_int(res, "total"),
		   offset = member_int(res, "offset");
	size_t n = json_array_size(rows);
	if (rc == 0 && (offset > 0 || (json_int_t)n < total)) {
		fprintf(stderr, "%zu of %" JSON_INTEGER_FORMAT " shown", n,
			total);
		if (offset + (json_int_t)n < total)
			fprintf(stderr,
				"; --offset %" JSON_INTEGER_FORMAT
				" for the next page",
				offset + (json_int_t)n);
		fputc('\n', stderr);
	}
	return rc;
}

int cmd_list(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_LIST, "requests", list_text);
}

/* --- show ---------------------------------------------------------- */

static const struct field request_show[] = {
	{"ID", "id"},
	{"Agency", "agency"},
	{"Subject", "subject"},
	{"Status", "status"},
	{"Jurisdiction", "jurisdiction"},
	{"Component", "component"},
	{"Tracking", "tracking"},
	{"Project", "project"},
	{"Tags", "tags"},
	{"Method", "method"},
	{"Requester", "requester"},
	{"Sent", "sent"},
	{"Received", "received"},
	{"Acknowledged", "acknowledged"},
	{"Closed", "closed"},
	{"Expedited", "expedited"},
	{"Fee waiver", "fee_waiver"},
	{"Fee category", "fee_category"},
	{"Fees estimated", "fees_estimated"},
	{"Fees paid", "fees_paid"},
	{"Days open", "days_open"},
	{"Batch", "batch"},
	{"Filed", "created"},
};
#define SHOW_WIDTH    16 /* "Fees estimated: " */
#define HISTORY_VALUE 40 /* columns of an old or new value in the history */

/* "a (b)" or "a by b" in place of obj[key] when both parts are there. */
static int combine(json_t *obj, const char *key, const char *other,
		   const char *pre, const char *post)
{
	const char *a = member_text(obj, key), *b = member_text(obj, other);

	if (!a || !b || !*b)
		return 0;
	json_t *v = json_sprintf("%s%s%s%s", a, pre, b, post);
	if (!v || json_object_set_new(obj, key, v))
		return out_of_memory();
	return 0;
}

/* What an event changed: "status", "project" (for kind "field"), or
 * "filed status". */
static void print_what(const char *kind, const char *field)
{
	bool plain = kind && field && strcmp(kind, "field") == 0;

	print_text(plain ? field : kind ? kind : "event", SIZE_MAX);
	if (!plain && field && (!kind || strcmp(field, kind) != 0)) {
		putchar(' ');
		print_text(field, SIZE_MAX);
	}
}

/* ": to" for a value set, ": from -> to" for one changed or cleared. */
static void print_change(const char *from, const char *to)
{
	if (!from && !to)
		return;
	fputs(": ", stdout);
	if (from) {
		print_text(from, HISTORY_VALUE);
		fputs(" -> ", stdout);
	}
	print_text(to ? to : "(none)", HISTORY_VALUE);
}

/* "  <at>  <actor>  <what>: <from> -> <to> on <date> — <note>" */
static void print_event(const json_t *e, int actor_width)
{
	const char *at = member_text(e, "at"), *actor = member_text(e, "actor");
	const char *date = member_text(e, "date"),
		   *note = member_text(e, "note");

	fputs("  ", stdout);
	print_text(at ? at : "", SIZE_MAX);
	fputs("  ", stdout);
	size_t used = print_text(actor ? actor : "", SIZE_MAX);
	printf("%*s", actor_width - (int)used + 2, "");
	print_what(member_text(e, "kind"), member_text(e, "field"));
	print_change(member_text(e, "from"), member_text(e, "to"));
	if (date) {
		fputs(" on ", stdout);
		print_text(date, SIZE_MAX);
	}
	if (note) {
		fputs(" \xe2\x80\x94 ", stdout); /* em dash */
		print_lines(note, "      ");
	}
	putchar('\n');
}

static void print_history(const json_t *events)
{
	size_t width = 0;

	for (size_t i = 0; i < json_array_size(events); i++) {
		const char *a = member_text(json_array_get(events, i), "actor");
		size_t w = a ? text_columns(a) : 0;
		width = w > width ? w : width;
	}
	puts("\nHistory:");
	for (size_t i = 0; i < json_array_size(events); i++)
		print_event(json_array_get(events, i), (int)width);
}

static int show_text(struct call *c, json_t *res)
{
	json_t *req = json_object_get(res, "request");
	const char *desc = member_text(req, "description");
	bool explain = json_is_true(json_object_get(c->params, "explain"));
	bool deadlines = json_object_get(res, "deadlines") != NULL;
	int rc;

	if ((rc = combine(req, "agency", "agency_name", " (", ")")) ||
	    (rc = combine(req, "created", "created_by", " by ", "")))
		return rc;
	if ((rc = render_fields(req, request_show, COUNT(request_show),
				SHOW_WIDTH)))
		return rc;
	if (deadlines) {
		puts("\nDeadlines:");
		print_deadlines(res, explain);
	}
	if (desc && *desc) {
		puts(deadlines ? "\nDescription:" : "Description:");
		print_block(desc, "    ");
	}
	print_history(json_object_get(res, "events"));
	return 0;
}

int cmd_show(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_SHOW, NULL, show_text);
}

/* --- update and note ----------------------------------------------- */

static int update_text(struct call *c, json_t *res)
{
	json_int_t id = json_integer_value(json_object_get(c->params, "id"));
	json_int_t n = json_integer_value(json_object_get(res, "changes"));
	const char *status =
		member_text(json_object_get(res, "request"), "status");

	printf("request %" JSON_INTEGER_FORMAT ": %" JSON_INTEGER_FORMAT
	       " change%s\n",
	       id, n, n == 1 ? "" : "s");
	if (n > 0 && status && json_object_get(c->params, "status")) {
		fputs("status: ", stdout);
		print_text(status, SIZE_MAX);
		putchar('\n');
	}
	return 0;
}

int cmd_update(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_UPDATE, NULL, update_text);
}

/* The change, then the deadlines when foiad sends them along. */
static int appeal_text(struct call *c, json_t *res)
{
	int rc = update_text(c, res);

	if (rc == 0 && json_object_get(res, "deadlines"))
		print_deadlines(res, false);
	return rc;
}

/* An appeal is a status change: request.update to "appealed". */
int cmd_appeal(struct call *c)
{
	if (json_object_set_new(c->params, "status", json_string("appealed")))
		return out_of_memory();
	return call_render(c, FOIA_M_REQUEST_UPDATE, NULL, appeal_text);
}

int cmd_note(struct call *c)
{
	return call_render(c, FOIA_M_REQUEST_NOTE, NULL, NULL);
}
