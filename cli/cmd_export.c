/*
 * cmd_export.c: `foia export` (the database as a JSON backup, or the
 * requests as CSV, on stdout) and `foia import <file>` (a backup restored
 * into an empty database, or requests from our CSV or MuckRock's). The
 * file is read here and sent whole, since foiad may not be able to read
 * the user's files; foiad parses and checks it.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cmd_export.h"
#include "foia/protocol.h"
#include "options.h"
#include "render.h"

/* --- tables -------------------------------------------------------- */

static const char *const export_formats[] = {"json", "csv", NULL};
static const char *const import_formats[] = {"json", "csv", "muckrock", NULL};

const struct arg import_args[] = {
	{"file", A_KEEP, 0, "file"},
	{NULL, A_ID, 0, NULL},
};

static const struct opt export_opts[] = {
	OPT_ENUM("format", "format", export_formats, "<format>",
		 "json (a complete backup, the default) or csv (one row per "
		 "request)"),
	OPT_END,
};

static const struct opt import_opts[] = {
	OPT_ENUM("format", "format", import_formats, "<format>",
		 "json (a backup from foia export, the default), csv (from "
		 "foia export --format csv) or muckrock (MuckRock's CSV)"),
	OPT_FLAG("skip-bad", "skip_bad", K_TRUE,
		 "import the good rows of a CSV and list the bad ones"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group export_groups[] = {
	{"options", export_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group import_groups[] = {
	{"options", import_opts, 0},
	{NULL, NULL, 0},
};

/* --- export -------------------------------------------------------- */

static int export_text(struct call *c, json_t *res)
{
	const char *text = member_text(res, "text");
	size_t len = json_string_length(json_object_get(res, "text"));

	(void)c;
	if (!text)
		return 0;
	if (fwrite(text, 1, len, stdout) != len ||
	    (len && text[len - 1] != '\n' && putchar('\n') == EOF)) {
		err("cannot write the export: %s", strerror(errno));
		return EXIT_REFUSED;
	}
	return 0;
}

int cmd_export(struct call *c)
{
	return call_render(c, FOIA_M_EXPORT, NULL, export_text);
}

/* --- import -------------------------------------------------------- */

static int import_text(struct call *c, json_t *res)
{
	json_t *restored = json_object_get(res, "restored");
	json_t *skipped = json_object_get(res, "skipped");
	const char *key;
	json_t *v;
	size_t i;

	(void)c;
	if (json_is_object(restored)) {
		fputs("restored:", stdout);
		json_object_foreach(restored, key, v)
		{
			printf(" %" JSON_INTEGER_FORMAT " ",
			       json_integer_value(v));
			print_text(key, SIZE_MAX);
		}
		putchar('\n');
		return 0;
	}
	json_int_t n = member_int(res, "imported");
	printf("%" JSON_INTEGER_FORMAT " request%s imported\n", n,
	       n == 1 ? "" : "s");
	json_array_foreach(skipped, i, v)
	{
		const char *why = member_text(v, "reason");
		printf("skipped line %" JSON_INTEGER_FORMAT ": ",
		       member_int(v, "line"));
		print_text(why ? why : "", SIZE_MAX);
		putchar('\n');
	}
	return 0;
}

int cmd_import(struct call *c)
{
	const char *path = c->argv[0];
	const char *base = strrchr(path, '/');
	json_t *text = NULL;

	int rc = read_text(strcmp(path, "-") == 0 ? "stdin" : path, path,
			   FOIA_MAX_LINE, &text);
	if (rc)
		return rc;
	if (json_object_set_new(c->params, "text", text) ||
	    json_object_set_new(c->params, "source",
				json_string(base ? base + 1 : path)))
		return out_of_memory();
	return call_render(c, FOIA_M_IMPORT, NULL, import_text);
}
