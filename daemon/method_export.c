/*
 * method_export.c: `export`, the whole database as a versioned JSON
 * backup, or the requests as CSV with one row per request.
 *
 * The JSON backup holds every table row for row (store_backup.h), column
 * values typed as stored, in key order, with no time of export in it: the
 * same database always exports to the same bytes, which is what lets
 * export, import and export again be compared byte for byte. The CSV is
 * for people and spreadsheets: the columns a coordinator sorts by, with
 * the next deadline and the days since the request was sent worked out.
 */
#include <stdlib.h>
#include <string.h>

#include "csv_text.h"
#include "deadline_json.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"
#include "store_backup.h"

/* --- JSON ------------------------------------------------------------- */

struct dump_walk {
	const struct backup_table *t;
	json_t *rows;
};

static int dump_row(const struct backup_value *row, void *arg)
{
	struct dump_walk *w = arg;
	json_t *o = json_object();
	if (!o)
		return -1;
	for (size_t i = 0; i < w->t->ncols; i++) {
		json_t *v = row[i].type == BV_INT    ? json_integer(row[i].i)
			    : row[i].type == BV_TEXT ? json_string(row[i].text)
						     : json_null();
		if (json_object_set_new(o, w->t->cols[i], v) < 0) {
			json_decref(o);
			return -1;
		}
	}
	return json_array_append_new(w->rows, o);
}

static int export_json(struct call *c, char **text)
{
	struct backup_table *t = NULL;
	size_t n = 0;
	json_t *doc = json_pack("{s:s, s:i, s:i}", "format", FOIA_EXPORT_FORMAT,
				"version", FOIA_EXPORT_VERSION, "schema",
				store_schema_version());
	if (!doc)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	/* One read transaction, so the tables agree with each other. */
	int rc = store_begin(c->d->store);
	/* A database foiad cannot write does not change under the export:
	 * it reads as consistently without the transaction. */
	if (rc == STORE_READONLY && store_readonly(c->d->store))
		rc = STORE_OK;
	if (rc != STORE_OK) {
		json_decref(doc);
		return store_failure(c, rc, "start a transaction");
	}
	rc = store_backup_tables(c->d->store, &t, &n);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct dump_walk w = {&t[i], json_array()};
		if (!w.rows || json_object_set_new(doc, t[i].name, w.rows) < 0)
			rc = -1;
		else
			rc = store_backup_dump(c->d->store, &t[i], dump_row,
					       &w);
	}
	store_rollback(c->d->store); /* nothing was written */
	store_backup_tables_free(t, n);
	if (rc != 0) {
		json_decref(doc);
		return rc == -1
			       ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			       : store_failure(c, rc, "export");
	}
	*text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return *text ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* --- CSV -------------------------------------------------------------- */

/* The columns: MuckRock's export is the checklist (title, status, agency,
 * jurisdiction, tracking number, dates submitted, due and done, days since
 * submitted, fees, projects, tags), then the rest of a request, so `foia
 * import --format csv` can read it back. */
static const char *const csv_cols[] = {"id",
				       "title",
				       "status",
				       "agency",
				       "agency_name",
				       "jurisdiction",
				       "tracking",
				       "submitted",
				       "received",
				       "acknowledged",
				       "due",
				       "done",
				       "days_since_submitted",
				       "fees_estimated",
				       "fees_paid",
				       "project",
				       "tags",
				       "requester",
				       "component",
				       "method",
				       "expedited",
				       "fee_waiver",
				       "fee_category",
				       "description",
				       NULL};

/* Where each column's value is in a request object, when not computed. */
static const char *const csv_keys[] = {
	"id",	       "subject",	 "status",	 "agency",
	"agency_name", "jurisdiction",	 "tracking",	 "sent",
	"received",    "acknowledged",	 NULL,		 "closed",
	"days_open",   "fees_estimated", "fees_paid",	 "project",
	NULL,	       "requester",	 "component",	 "method",
	"expedited",   "fee_waiver",	 "fee_category", "description"};

struct csv_walk {
	struct call *c;
	struct csv_out out;
	int32_t today;
};

static void csv_json_field(struct csv_out *o, json_t *v)
{
	char num[32];
	if (json_is_string(v)) {
		csv_field(o, json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld",
			 (long long)json_integer_value(v));
		csv_field(o, num);
	} else if (json_is_boolean(v)) {
		csv_field(o, json_is_true(v) ? "yes" : "no");
	} else {
		csv_field(o, NULL);
	}
}

static int csv_row(const struct request *r, void *arg)
{
	struct csv_walk *w = arg;
	struct rd_set set;
	json_t *o = request_to_json(r, w->today);
	if (!o)
		return -1;
	if (request_deadline_set(w->c, r, false, &set) < 0) {
		json_decref(o);
		return -2;
	}
	const struct rd_deadline *next = rd_next(&set);
	json_t *due = next ? deadline_to_json(next, w->today) : NULL;
	for (size_t i = 0; csv_cols[i]; i++) {
		if (strcmp(csv_cols[i], "due") == 0) {
			csv_json_field(&w->out, json_object_get(due, "due"));
		} else if (strcmp(csv_cols[i], "tags") == 0) {
			struct csv_out joined = {0};
			for (size_t k = 0; k < r->ntags; k++)
				csv_field(&joined, r->tags[k]);
			csv_field(&w->out, joined.buf);
			free(joined.buf);
			if (joined.oom)
				w->out.oom = true;
		} else {
			csv_json_field(&w->out,
				       json_object_get(o, csv_keys[i]));
		}
	}
	csv_end_row(&w->out);
	json_decref(due);
	json_decref(o);
	return w->out.oom ? -1 : 0;
}

static int export_csv(struct call *c, char **text)
{
	struct request_filter all = {0};
	struct csv_walk w = {.c = c, .today = today_days()};

	for (size_t i = 0; csv_cols[i]; i++)
		csv_field(&w.out, csv_cols[i]);
	csv_end_row(&w.out);
	int rc = store_request_list(c->d->store, &all, csv_row, &w);
	if (rc == 0 && w.out.oom)
		rc = -1;
	if (rc != 0) {
		free(w.out.buf);
		if (rc == -2)
			return -1;
		return rc == -1
			       ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			       : store_failure(c, rc, "export");
	}
	*text = w.out.buf;
	return 0;
}

int method_export(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"format", NULL};
	const char *format = NULL;
	char *text = NULL;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "format", &format) < 0)
		return -1;
	if (!format || strcmp(format, "json") == 0) {
		if (export_json(c, &text) < 0)
			return -1;
		format = "json";
	} else if (strcmp(format, "csv") == 0) {
		if (export_csv(c, &text) < 0)
			return -1;
	} else {
		return call_error(c, FOIA_E_INVALID,
				  "unknown export format '%s' (json, csv)",
				  format);
	}
	*result = json_pack("{s:s, s:s}", "format", format, "text", text);
	free(text);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
