/*
 * cmd_agency.c: the agency subcommands (add, list, show, update, import),
 * their option tables and how their replies are shown. add and update
 * share one table of agency fields, as file and update share the request
 * fields. import sends a file of FOIA.gov's agency components, read here
 * (foiad may not be able to read the user's files), or its URL, which
 * foiad downloads.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "foia/protocol.h"
#include "options.h"
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
	OPT_TEXT("website", "website", FOIA_MAX_URL, "<url>",
		 "the agency's FOIA web page"),
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

static const struct opt import_opts[] = {
	OPT_FLAG("skip-bad", "skip_bad", K_TRUE,
		 "import the good components and list the bad ones"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group agency_import_groups[] = {
	{"options", import_opts, 0},
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
	{"Website", "website"}, {"Address", "address"},
};
#define SHOW_WIDTH 14 /* "Jurisdiction: " */

/* "12 simple, 85.5 complex (FY2024; from agency_components.json)": the
 * median working days the agency published. */
static void published_line(const json_t *pub)
{
	const json_t *simple = json_object_get(pub, "simple");
	const json_t *complex = json_object_get(pub, "complex");
	const char *source = member_text(pub, "source");
	json_int_t year = member_int(pub, "year");
	char line[FOIA_MAX_URL + 128];
	int n = 0;

	if (!json_is_object(pub))
		return;
	line[0] = '\0';
	if (json_is_number(simple))
		n += snprintf(line, sizeof line, "%g simple",
			      json_number_value(simple));
	if (json_is_number(complex) && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, "%s%g complex",
			      n ? ", " : "", json_number_value(complex));
	if (n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n,
			      " working days (median");
	if (year && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n,
			      ", FY%" JSON_INTEGER_FORMAT, year);
	if (source && n >= 0 && (size_t)n < sizeof line)
		n += snprintf(line + n, sizeof line - (size_t)n, "; from %s",
			      source);
	if (n >= 0 && (size_t)n < sizeof line)
		snprintf(line + n, sizeof line - (size_t)n, ")");
	print_field("Published", line, SHOW_WIDTH);
}

static int show_text(struct call *c, json_t *res)
{
	static const struct field count[] = {{"Requests", "requests"}};
	const json_t *a = json_object_get(res, "agency");
	int rc;

	(void)c;
	rc = render_fields(a, agency_show, COUNT(agency_show), SHOW_WIDTH);
	if (rc)
		return rc;
	published_line(json_object_get(a, "published_median"));
	return render_fields(res, count, 1, SHOW_WIDTH);
}

int cmd_agency_show(struct call *c)
{
	return call_render(c, FOIA_M_AGENCY_SHOW, NULL, show_text);
}

/* --- import -------------------------------------------------------- */

static bool is_url(const char *s)
{
	return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static int import_text(struct call *c, json_t *res)
{
	const json_t *skipped = json_object_get(res, "skipped"), *v;
	size_t i;

	(void)c;
	printf("agencies: %" JSON_INTEGER_FORMAT " added, %" JSON_INTEGER_FORMAT
	       " updated, %" JSON_INTEGER_FORMAT " unchanged, %zu skipped\n",
	       member_int(res, "added"), member_int(res, "updated"),
	       member_int(res, "unchanged"), json_array_size(skipped));
	json_array_foreach(skipped, i, v)
	{
		const char *why = member_text(v, "reason");
		printf("skipped component %" JSON_INTEGER_FORMAT ": ",
		       member_int(v, "index"));
		print_text(why ? why : "", SIZE_MAX);
		putchar('\n');
	}
	return 0;
}

int cmd_agency_import(struct call *c)
{
	const char *src = c->argv[0];
	const char *base = strrchr(src, '/');
	json_t *v = NULL;
	int rc;

	if (is_url(src)) {
		rc = check_text("url", src, strlen(src), FOIA_MAX_URL);
		if (rc == 0 && !(v = json_string(src)))
			rc = out_of_memory();
		if (rc == 0 && json_object_set_new(c->params, "url", v))
			rc = out_of_memory();
	} else {
		rc = read_text(strcmp(src, "-") == 0 ? "stdin" : src, src,
			       FOIA_MAX_LINE, &v);
		if (rc == 0 && json_object_set_new(c->params, "text", v))
			rc = out_of_memory();
		if (rc == 0 &&
		    json_object_set_new(c->params, "source",
					json_string(strcmp(src, "-") == 0
							    ? "stdin"
						    : base ? base + 1
							   : src)))
			rc = out_of_memory();
	}
	return rc ? rc
		  : call_render(c, FOIA_M_AGENCY_IMPORT, NULL, import_text);
}
