/*
 * cmd_agency.c: the agency subcommands (add, list, show, update), their
 * option tables and how their replies are shown. add and update share one
 * table of agency fields, as file and update share the request fields.
 */
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "foia/protocol.h"
#include "render.h"

const struct arg agency_code_args[] = {
	{"code", A_CODE, FOIA_MAX_CODE, "agency code"},
	{NULL, A_ID, 0, NULL},
};

static const struct opt agency_fields[] = {
	{.name = "name",
	 .param = "name",
	 .kind = K_TEXT,
	 .limit = FOIA_MAX_NAME,
	 .flags = OPT_NONEMPTY,
	 .meta = "<name>",
	 .help = "the agency's full name"},
	OPT_TEXT("parent", "parent", FOIA_MAX_CODE, "<code>",
		 "code of the agency it is part of"),
	OPT_TEXT("jurisdiction", "jurisdiction", FOIA_MAX_CODE, "<code>",
		 "law that applies, like us-federal"),
	OPT_TEXT("email", "email", FOIA_MAX_EMAIL, "<address>",
		 "where requests are emailed"),
	OPT_TEXT("portal", "portal", FOIA_MAX_URL, "<url>",
		 "the agency's FOIA portal"),
	OPT_TEXT("address", "address", FOIA_MAX_ADDRESS, "<text>",
		 "postal address"),
	OPT_END,
};

static const struct opt json_only[] = {OPT_JSON, OPT_END};
static const struct opt json_or_csv[] = {OPT_JSON, OPT_CSV, OPT_END};

const struct opt_group agency_add_groups[] = {
	{"options", json_only, 0},
	{"agency options", agency_fields, 0},
	{NULL, NULL, 0},
};

const struct opt_group agency_update_groups[] = {
	{"options", json_only, 0},
	{"agency options (an empty value clears a field)", agency_fields, 0},
	{NULL, NULL, 0},
};

const struct opt_group agency_list_groups[] = {
	{"options", json_or_csv, 0},
	{NULL, NULL, 0},
};

const struct opt_group agency_show_groups[] = {
	{"options", json_only, 0},
	{NULL, NULL, 0},
};

/* --- add and update ------------------------------------------------ */

int cmd_agency_add(struct call *c)
{
	return call_render(c, FOIA_M_AGENCY_ADD, NULL, NULL);
}

static int update_text(struct call *c, json_t *res)
{
	const char *code =
		json_string_value(json_object_get(c->params, "code"));
	json_int_t n = json_integer_value(json_object_get(res, "changes"));

	fputs("agency ", stdout);
	print_text(code ? code : "", SIZE_MAX);
	printf(": %" JSON_INTEGER_FORMAT " change%s\n", n, n == 1 ? "" : "s");
	return 0;
}

int cmd_agency_update(struct call *c)
{
	return call_render(c, FOIA_M_AGENCY_UPDATE, NULL, update_text);
}

/* --- list and show ------------------------------------------------- */

static const struct column agency_columns[] = {
	{"CODE", "code", 0},	 {"NAME", "name", 0},
	{"PARENT", "parent", 0}, {"JURISDICTION", "jurisdiction", 0},
	{"EMAIL", "email", 0},
};
#define AGENCY_FLEX 1 /* NAME */

static const struct column agency_csv[] = {
	{"", "code", 0},	 {"", "name", 0},  {"", "parent", 0},
	{"", "jurisdiction", 0}, {"", "email", 0}, {"", "portal", 0},
	{"", "address", 0},
};

static int list_text(struct call *c, json_t *res)
{
	const json_t *rows = json_object_get(res, "agencies");

	if (c->format == FORMAT_CSV)
		return render_csv(rows, agency_csv, COUNT(agency_csv));
	if (json_array_size(rows) == 0) {
		puts("no agencies");
		return 0;
	}
	return render_table(rows, agency_columns, COUNT(agency_columns),
			    AGENCY_FLEX, terminal_width(), NULL);
}

int cmd_agency_list(struct call *c)
{
	return call_render(c, FOIA_M_AGENCY_LIST, "agencies", list_text);
}

static const struct field agency_show[] = {
	{"Code", "code"},	{"Name", "name"},
	{"Parent", "parent"},	{"Jurisdiction", "jurisdiction"},
	{"Email", "email"},	{"Portal", "portal"},
	{"Address", "address"},
};
#define SHOW_WIDTH 14 /* "Jurisdiction: " */

static int show_text(struct call *c, json_t *res)
{
	static const struct field count[] = {{"Requests", "requests"}};
	int rc;

	(void)c;
	rc = render_fields(json_object_get(res, "agency"), agency_show,
			   COUNT(agency_show), SHOW_WIDTH);
	return rc ? rc : render_fields(res, count, 1, SHOW_WIDTH);
}

int cmd_agency_show(struct call *c)
{
	return call_render(c, FOIA_M_AGENCY_SHOW, NULL, show_text);
}
