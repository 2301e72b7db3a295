/*
 * cmd_export.c: `foia export` (the database as a JSON backup, or the
 * requests as CSV, on stdout) and `foia import <file>` (a backup restored
 * into an empty database, or requests from our CSV or MuckRock's). The
 * file is read here and sent, since foiad may not be able to read the
 * user's files; foiad parses and checks it. A file too big for one
 * protocol line goes in parts (`upload`) on one connection, then the
 * import names the upload.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
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

/* A part of an upload, and the largest file sent inline: even text that
 * JSON escapes sixfold (control characters as \u00XX) stays under the
 * line limit. */
#define UPLOAD_PART (FOIA_MAX_LINE / 8)

/* Send text in parts on the session's connection; *token names the
 * upload. Parts end between UTF-8 characters. */
static int upload(struct call *c, const char *text, size_t len, char *token,
		  size_t toklen)
{
	size_t off = 0;
	token[0] = '\0';
	while (off < len || !token[0]) {
		size_t n = len - off > UPLOAD_PART ? UPLOAD_PART : len - off;
		while (n > 0 && off + n < len &&
		       ((unsigned char)text[off + n] & 0xC0) == 0x80)
			n--; /* a continuation byte: back to the lead */
		json_t *params = json_pack("{s:s%}", "data", text + off, n);
		json_t *res = NULL;
		if (!params ||
		    (token[0] &&
		     json_object_set_new(params, "upload", json_string(token))))
			return out_of_memory();
		int rc = client_call(c->socket, FOIA_M_UPLOAD, params, &res);
		json_decref(params);
		if (rc)
			return rc;
		const char *t = member_text(res, "upload");
		if (!t || snprintf(token, toklen, "%s", t) >= (int)toklen) {
			json_decref(res);
			err("foiad gave no usable upload token");
			return EX_UNAVAILABLE;
		}
		json_decref(res);
		off += n;
	}
	return 0;
}

int cmd_import(struct call *c)
{
	const char *path = c->argv[0];
	const char *base = strrchr(path, '/');
	json_t *text = NULL;
	char token[64];

	int rc = read_text(strcmp(path, "-") == 0 ? "stdin" : path, path,
			   FOIA_MAX_UPLOAD, &text);
	if (rc)
		return rc;
	if (json_object_set_new(c->params, "source",
				json_string(base ? base + 1 : path)))
		return out_of_memory();
	size_t len = json_string_length(text);
	if (len <= UPLOAD_PART) {
		if (json_object_set_new(c->params, "text", text))
			return out_of_memory();
		return call_render(c, FOIA_M_IMPORT, NULL, import_text);
	}
	/* Too big for one line: uploaded in parts, then imported, on one
	 * connection (an upload belongs to its connection). */
	rc = client_session_open(c->socket);
	if (rc == 0)
		rc = upload(c, json_string_value(text), len, token,
			    sizeof(token));
	json_decref(text);
	if (rc == 0 &&
	    json_object_set_new(c->params, "upload", json_string(token)))
		rc = out_of_memory();
	if (rc == 0)
		rc = call_render(c, FOIA_M_IMPORT, NULL, import_text);
	client_session_close();
	return rc;
}
