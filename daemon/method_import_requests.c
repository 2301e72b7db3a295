/*
 * method_import_requests.c: `import`, bringing requests in from a file:
 * a JSON backup made by `export` (restored whole into an empty database),
 * our own CSV export, or a CSV exported from MuckRock.
 *
 * Every value goes through the checks the normal methods use (the request
 * field table, agency_valid, the status names, request_consistent), so an
 * import cannot store what a user could not have typed. An import is all
 * or nothing: rows that fail are reported by line (CSV) or position (JSON)
 * and reason, and nothing is written, unless skip_bad asks to import the
 * good rows of a CSV and report the rest.
 *
 * Unknown agencies are not created: a CSV row names an agency by code (or,
 * from MuckRock, by name) that must exist, so a typo cannot invent one.
 * The row is refused with the name, and the operator adds the agency with
 * `foia agency add` and imports again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agency_check.h"
#include "csv_text.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "grow.h"
#include "method_util.h"
#include "methods.h"
#include "request_check.h"
#include "request_fields.h"
#include "status.h"
#include "store_backup.h"
#include "store_history.h"
#include "upload.h"
#include "validate.h"

#define ERRLEN 512

/* --- JSON backup -------------------------------------------------------- */

static const char *row_text(const struct backup_table *t,
			    const struct backup_value *row, const char *col)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i], col) == 0)
			return row[i].type == BV_TEXT ? row[i].text : NULL;
	return NULL;
}

/* The request columns that hold a request field, under its wire name. */
static const char *const request_col_fields[][2] = {
	{"component", "component"},
	{"jurisdiction", "jurisdiction"},
	{"subject", "subject"},
	{"description", "description"},
	{"requester", "requester"},
	{"project", "project"},
	{"method", "method"},
	{"tracking", "tracking"},
	{"date_sent", "sent"},
	{"date_received", "received"},
	{"date_acknowledged", "acknowledged"},
	{"date_closed", "closed"},
	{"fee_category", "fee_category"},
};

static bool check_request_row(const struct backup_table *t,
			      const struct backup_value *row, char *err,
			      size_t errlen)
{
	struct request r = {.fees_estimated = -1, .fees_paid = -1};
	bool ok = true;
	size_t n = sizeof(request_col_fields) / sizeof(request_col_fields[0]);

	for (size_t i = 0; ok && i < n; i++) {
		const char *v = row_text(t, row, request_col_fields[i][0]);
		if (!v)
			continue;
		json_t *j = json_string(v);
		ok = j && field_from_json(
				  request_field_find(request_col_fields[i][1]),
				  j, &r, false, err, errlen);
		if (!j)
			snprintf(err, errlen, "invalid text (not UTF-8?)");
		json_decref(j);
	}
	const char *status = row_text(t, row, "status");
	if (ok && (!status || !status_known(status))) {
		snprintf(err, errlen, "unknown status '%.64s'",
			 status ? status : "");
		ok = false;
	}
	if (ok) {
		r.status = (char *)status;
		ok = request_consistent(&r, err, errlen);
		r.status = NULL;
	}
	request_clear(&r);
	return ok;
}

static bool check_timestamps(const struct backup_table *t,
			     const struct backup_value *row, char *err,
			     size_t errlen)
{
	static const char *const names[] = {"created", "updated", "at"};
	for (size_t k = 0; k < 3; k++) {
		const char *v = row_text(t, row, names[k]);
		int32_t day;
		char date[11] = "";
		if (v && strlen(v) == 20)
			memcpy(date, v, 10);
		if (v && (strlen(v) != 20 || v[10] != 'T' || v[19] != 'Z' ||
			  !civil_parse(date, &day))) {
			snprintf(err, errlen,
				 "invalid timestamp '%.32s' for '%s' (expected "
				 "YYYY-MM-DDTHH:MM:SSZ)",
				 v, names[k]);
			return false;
		}
	}
	return true;
}

/* The checks of the normal methods, for the tables people write. */
static bool check_row(const struct backup_table *t,
		      const struct backup_value *row, char *err, size_t errlen)
{
	if (!check_timestamps(t, row, err, errlen))
		return false;
	if (strcmp(t->name, "agency") == 0) {
		struct agency a = {
			.code = (char *)row_text(t, row, "code"),
			.name = (char *)row_text(t, row, "name"),
			.jurisdiction =
				(char *)row_text(t, row, "jurisdiction"),
			.email = (char *)row_text(t, row, "email"),
			.portal = (char *)row_text(t, row, "portal"),
			.address = (char *)row_text(t, row, "address"),
			.website = (char *)row_text(t, row, "website"),
			.published_source =
				(char *)row_text(t, row, "published_source")};
		return agency_valid(&a, err, errlen);
	}
	if (strcmp(t->name, "request") == 0)
		return check_request_row(t, row, err, errlen);
	if (strcmp(t->name, "request_tag") == 0) {
		const char *tag = row_text(t, row, "tag");
		return check_text("tag", tag ? tag : "", FOIA_MAX_TAG, false,
				  err, errlen);
	}
	if (strcmp(t->name, "event") == 0) {
		const char *actor = row_text(t, row, "actor");
		const char *date = row_text(t, row, "date");
		const char *note = row_text(t, row, "note");
		return check_text("actor", actor ? actor : "", FOIA_MAX_NAME,
				  false, err, errlen) &&
		       (!date || check_date("date", date, err, errlen)) &&
		       (!note || check_text("note", note, FOIA_MAX_NOTE, true,
					    err, errlen));
	}
	if (strcmp(t->name, "holiday") == 0 || strcmp(t->name, "snooze") == 0) {
		const char *date = row_text(t, row, "date");
		return check_date("date", date ? date : "", err, errlen);
	}
	return true;
}

/* One row object into values in column order. */
static bool read_row(const struct backup_table *t, json_t *o,
		     struct backup_value *row, char *err, size_t errlen)
{
	const char *key;
	json_t *v;

	if (!json_is_object(o)) {
		snprintf(err, errlen, "not an object");
		return false;
	}
	json_object_foreach(o, key, v)
	{
		size_t i = 0;
		while (i < t->ncols && strcmp(t->cols[i], key) != 0)
			i++;
		if (i == t->ncols) {
			snprintf(err, errlen, "unknown column '%.64s'", key);
			return false;
		}
	}
	for (size_t i = 0; i < t->ncols; i++) {
		v = json_object_get(o, t->cols[i]);
		memset(&row[i], 0, sizeof(row[i]));
		if (!v) {
			snprintf(err, errlen, "missing column '%s'",
				 t->cols[i]);
			return false;
		} else if (json_is_integer(v)) {
			row[i].type = BV_INT;
			row[i].i = json_integer_value(v);
		} else if (json_is_string(v)) {
			row[i].type = BV_TEXT;
			row[i].text = json_string_value(v);
			if (strlen(row[i].text) != json_string_length(v)) {
				snprintf(err, errlen,
					 "column '%s' holds a NUL byte",
					 t->cols[i]);
				return false;
			}
		} else if (json_is_null(v)) {
			row[i].type = BV_NULL;
		} else {
			snprintf(err, errlen,
				 "column '%s' must be a number, text or null",
				 t->cols[i]);
			return false;
		}
	}
	return true;
}

static const struct backup_table *find_table(const struct backup_table *t,
					     size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return &t[i];
	return NULL;
}

static int check_header(struct call *c, json_t *doc,
			const struct backup_table *t, size_t n)
{
	const char *key;
	json_t *v;

	if (!json_is_object(doc))
		return call_error(c, FOIA_E_INVALID,
				  "not a foiad export (not a JSON object)");
	const char *format = json_string_value(json_object_get(doc, "format"));
	if (!format || strcmp(format, FOIA_EXPORT_FORMAT) != 0)
		return call_error(c, FOIA_E_INVALID,
				  "not a foiad export (no \"format\": \"%s\")",
				  FOIA_EXPORT_FORMAT);
	json_t *version = json_object_get(doc, "version");
	if (!json_is_integer(version) ||
	    json_integer_value(version) != FOIA_EXPORT_VERSION)
		return call_error(c, FOIA_E_INVALID,
				  "unsupported export version (this foiad "
				  "reads version %d)",
				  FOIA_EXPORT_VERSION);
	/* Rows are restored column for column: the schemas must agree. */
	json_t *schema = json_object_get(doc, "schema");
	if (!json_is_integer(schema) ||
	    json_integer_value(schema) != store_schema_version())
		return call_error(c, FOIA_E_INVALID,
				  "the export has schema %lld, this foiad "
				  "restores schema %d only",
				  (long long)json_integer_value(schema),
				  store_schema_version());
	json_object_foreach(doc, key, v)
	{
		if (strcmp(key, "format") == 0 || strcmp(key, "version") == 0 ||
		    strcmp(key, "schema") == 0)
			continue;
		if (!find_table(t, n, key))
			return call_error(c, FOIA_E_INVALID,
					  "unknown section '%.64s' in the "
					  "export",
					  key);
		if (!json_is_array(v))
			return call_error(c, FOIA_E_INVALID,
					  "section '%.64s' must be an array",
					  key);
	}
	return 0;
}

/* Empty, or holding only the agencies seeded from the configuration
 * (*seeded), which the backup's replace. */
static int must_be_empty(struct call *c, bool *seeded)
{
	int64_t rows = 0;
	bool only = false;
	int rc = store_backup_count(c->d->store, &rows);
	if (rc == STORE_OK && rows > 0)
		rc = store_agency_seed_only(c->d->store, &only);
	if (rc != STORE_OK)
		return store_failure(c, rc, "count rows");
	*seeded = rows > 0;
	if (rows > 0 && !only)
		return call_error(c, FOIA_E_CONFLICT,
				  "the database is not empty (%lld rows); a "
				  "backup is restored only into a new "
				  "database, or one holding nothing but the "
				  "agencies seeded from the configuration",
				  (long long)rows);
	return 0;
}

static int restore_all(struct call *c, json_t *doc,
		       const struct backup_table *t, size_t n, json_t *counts,
		       bool seeded)
{
	struct backup_value row[BACKUP_MAXCOLS];
	char err[ERRLEN];

	int rc = store_backup_begin(c->d->store);
	if (rc != STORE_OK)
		return store_failure(c, rc, "start a transaction");
	/* The seeded agencies give way to the backup's, in the same
	 * transaction: a failed restore leaves them as they were. */
	if (seeded && (rc = store_agency_unseed(c->d->store)) != STORE_OK) {
		store_failure(c, rc, "replace the seeded agencies");
		goto fail;
	}
	for (size_t k = 0; k < n; k++) {
		json_t *rows = json_object_get(doc, t[k].name), *o;
		size_t i;
		json_array_foreach(rows, i, o)
		{
			json_t *id = json_object_get(o, "id");
			char where[96];
			if (json_is_integer(id))
				snprintf(where, sizeof(where),
					 "%.40s[%zu] (id %lld)", t[k].name, i,
					 (long long)json_integer_value(id));
			else
				snprintf(where, sizeof(where), "%.40s[%zu]",
					 t[k].name, i);
			if (!read_row(&t[k], o, row, err, sizeof(err)) ||
			    !check_row(&t[k], row, err, sizeof(err))) {
				call_error(c, FOIA_E_INVALID, "%s: %s", where,
					   err);
				goto fail;
			}
			rc = store_backup_restore(c->d->store, &t[k], row);
			if (rc != STORE_OK) {
				call_error(c,
					   rc == STORE_CONFLICT
						   ? FOIA_E_INVALID
						   : FOIA_E_INTERNAL,
					   "%s: %s", where,
					   store_errmsg(c->d->store));
				goto fail;
			}
		}
		if (json_object_set_new(
			    counts, t[k].name,
			    json_integer((json_int_t)json_array_size(rows))) <
		    0) {
			call_error(c, FOIA_E_INTERNAL, "out of memory");
			goto fail;
		}
	}
	rc = store_commit(c->d->store);
	if (rc == STORE_OK)
		return 0;
	/* A reference to a row the backup does not hold is found here. */
	call_error(c, FOIA_E_INVALID, "the backup is not whole: %s",
		   store_errmsg(c->d->store));
fail:
	store_rollback(c->d->store);
	return -1;
}

static int import_json(struct call *c, const char *text, json_t **result)
{
	json_error_t jerr;
	struct backup_table *t = NULL;
	size_t n = 0;
	bool seeded = false;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return call_error(c, FOIA_E_INVALID, "line %d: not JSON (%s)",
				  jerr.line, jerr.text);
	int rc = store_backup_tables(c->d->store, &t, &n);
	if (rc != STORE_OK) {
		json_decref(doc);
		return store_failure(c, rc, "read the schema");
	}
	json_t *counts = json_object();
	rc = -1;
	if (!counts) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
	} else if (check_header(c, doc, t, n) == 0 &&
		   must_be_empty(c, &seeded) == 0 &&
		   restore_all(c, doc, t, n, counts, seeded) == 0) {
		*result = json_pack("{s:s, s:O}", "format", "json", "restored",
				    counts);
		rc = *result ? 0
			     : call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	json_decref(counts);
	json_decref(doc);
	store_backup_tables_free(t, n);
	return rc;
}

/* --- CSV ---------------------------------------------------------------- */

enum csv_kind { CSV_OURS, CSV_MUCKROCK };

/* A column of a CSV and the request field it fills; "" for a column read
 * and ignored (computed ones, MuckRock's own ids). */
struct csv_col {
	const char *name;
	const char *field;
};

static const struct csv_col ours_cols[] = {
	{"id", ""},
	{"title", "subject"},
	{"subject", "subject"},
	{"status", "status"},
	{"agency", "agency"},
	{"agency_name", ""},
	{"jurisdiction", "jurisdiction"},
	{"tracking", "tracking"},
	{"submitted", "sent"},
	{"sent", "sent"},
	{"received", "received"},
	{"acknowledged", "acknowledged"},
	{"due", ""},
	{"done", "closed"},
	{"closed", "closed"},
	{"days_since_submitted", ""},
	{"fees_estimated", "fees_estimated"},
	{"fees_paid", "fees_paid"},
	{"project", "project"},
	{"tags", "tags"},
	{"requester", "requester"},
	{"component", "component"},
	{"method", "method"},
	{"expedited", "expedited"},
	{"fee_waiver", "fee_waiver"},
	{"fee_category", "fee_category"},
	{"description", "description"},
	{NULL, NULL},
};

/* MuckRock's export (its API's field names, and the same spelled as
 * headings: "Tracking Number", "Date Submitted"). Other columns are
 * ignored; the jurisdiction is the agency's, and the due date ours. */
static const struct csv_col muckrock_cols[] = {
	{"title", "subject"},
	{"status", "status"},
	{"agency", "agency"},
	{"tracking_id", "tracking"},
	{"tracking_number", "tracking"},
	{"date_submitted", "sent"},
	{"submitted", "sent"},
	{"date_done", "closed"},
	{"done", "closed"},
	{"price", "fees_estimated"},
	{"fees", "fees_estimated"},
	{"description", "description"},
	{"tags", "tags"},
	{"project", "project"},
	{"projects", "project"},
	{NULL, NULL},
};

static const char *const muckrock_status[][2] = {
	{"submitted", "submitted"},	  {"ack", "acknowledged"},
	{"processed", "processing"},	  {"appealing", "appealed"},
	{"fix", "awaiting-requester"},	  {"payment", "awaiting-requester"},
	{"lawsuit", "litigation"},	  {"rejected", "denied"},
	{"no_docs", "no-records"},	  {"done", "granted"},
	{"partial", "partially-granted"}, {"abandoned", "withdrawn"},
};

struct good_row {
	struct request r;
	long line;
};

struct csv_import {
	struct call *c;
	enum csv_kind kind;
	const struct csv_col *cols;
	const char **field_of; /* per column of the file: field or "" */
	size_t ncols;
	struct good_row *good;
	size_t ngood, cap;
	json_t *bad; /* [{line, reason}] */
	char header_err[ERRLEN];
	bool oom;
	/* Agencies found so far, by the cell that named them: a file of
	 * 100,000 rows names a handful, and a lookup each cost a sixth of
	 * the import. */
	struct {
		char *cell, *code, *jurisdiction;
	} known[16];
	size_t nknown;
};

/* "Tracking Number" -> "tracking_number". */
static void header_name(const char *in, char *out, size_t len)
{
	size_t o = 0;
	while (*in == ' ' || *in == '\t')
		in++;
	for (; *in && o + 1 < len; in++)
		out[o++] = *in == ' ' || *in == '-'	? '_'
			   : (*in >= 'A' && *in <= 'Z') ? (char)(*in + 32)
							: *in;
	while (o > 0 && out[o - 1] == '_')
		o--;
	out[o] = '\0';
}

static int read_header(struct csv_import *w, char **fields, size_t n, char *err,
		       size_t errlen)
{
	char name[64];
	bool have_subject = false, have_agency = false;

	w->field_of = calloc(n ? n : 1, sizeof(*w->field_of));
	if (!w->field_of) {
		w->oom = true;
		return -1;
	}
	w->ncols = n;
	for (size_t i = 0; i < n; i++) {
		header_name(fields[i], name, sizeof(name));
		const struct csv_col *col = w->cols;
		while (col->name && strcmp(col->name, name) != 0)
			col++;
		if (!col->name && w->kind == CSV_OURS) {
			snprintf(err, errlen, "line 1: unknown column '%.64s'",
				 fields[i]);
			return -1;
		}
		w->field_of[i] = col->name ? col->field : "";
		for (size_t k = 0; k < i; k++)
			if (*w->field_of[i] &&
			    strcmp(w->field_of[k], w->field_of[i]) == 0) {
				snprintf(err, errlen,
					 "line 1: column '%.64s' given twice",
					 fields[i]);
				return -1;
			}
		have_subject |= strcmp(w->field_of[i], "subject") == 0;
		have_agency |= strcmp(w->field_of[i], "agency") == 0;
	}
	if (!have_subject || !have_agency) {
		snprintf(err, errlen,
			 "line 1: the header must name the "
			 "'title' and 'agency' columns");
		return -1;
	}
	return 0;
}

struct tag_walk {
	json_t *list;
	bool muckrock;
};

static int tag_cells(char **fields, size_t n, long line, void *arg)
{
	struct tag_walk *w = arg;
	(void)line;
	for (size_t i = 0; i < n; i++) {
		char *v = fields[i];
		/* MuckRock's API writes a list as ['a', 'b']. */
		if (w->muckrock) {
			v += strspn(v, " [']");
			size_t len = strlen(v);
			while (len && strchr(" ]'", v[len - 1]))
				v[--len] = '\0';
		}
		if (*v && json_array_append_new(w->list, json_string(v)) < 0)
			return -1;
	}
	return 0;
}

static bool set_tags(struct csv_import *w, struct request *r, const char *v,
		     char *err, size_t errlen)
{
	struct tag_walk tw = {json_array(), w->kind == CSV_MUCKROCK};
	bool ok = tw.list &&
		  csv_read(v, strlen(v), tag_cells, &tw, err, errlen) == 0;
	if (!tw.list || (!ok && !*err))
		snprintf(err, errlen, "invalid tags '%.64s'", v);
	ok = ok && request_tags_apply(r, tw.list, false, err, errlen);
	json_decref(tw.list);
	return ok;
}

/* An agency by code, or from MuckRock by name too. */
struct name_walk {
	const char *name;
	char *code;
};

static int agency_by_name(const struct agency *a, void *arg)
{
	struct name_walk *w = arg;
	if (strcasecmp(a->name, w->name) != 0)
		return 0;
	w->code = strdup(a->code);
	return 1;
}

/* r's agency (and jurisdiction when the row gave none) from the cache;
 * false when v is not in it. */
static bool known_agency(struct csv_import *w, struct request *r, const char *v)
{
	for (size_t i = 0; i < w->nknown; i++) {
		if (strcmp(w->known[i].cell, v) != 0)
			continue;
		r->agency = strdup(w->known[i].code);
		if (!r->jurisdiction)
			r->jurisdiction = strdup(w->known[i].jurisdiction);
		if (!r->agency || !r->jurisdiction)
			w->oom = true;
		return true;
	}
	return false;
}

static void remember_agency(struct csv_import *w, const char *v,
			    const struct request *r, const char *jurisdiction)
{
	size_t i = w->nknown;
	if (i == sizeof(w->known) / sizeof(w->known[0]) || !jurisdiction)
		return;
	w->known[i].cell = strdup(v);
	w->known[i].code = strdup(r->agency);
	w->known[i].jurisdiction = strdup(jurisdiction);
	if (w->known[i].cell && w->known[i].code && w->known[i].jurisdiction)
		w->nknown++;
	else {
		free(w->known[i].cell);
		free(w->known[i].code);
		free(w->known[i].jurisdiction);
	}
}

static bool set_agency(struct csv_import *w, struct request *r, const char *v,
		       char *err, size_t errlen)
{
	if (known_agency(w, r, v))
		return true;
	struct agency a = {0};
	struct name_walk nw = {v, NULL};
	struct store *st = w->c->d->store;
	int rc = check_code("agency", v, err, errlen)
			 ? store_agency_get(st, v, &a)
			 : STORE_NOT_FOUND;
	if (rc == STORE_NOT_FOUND && w->kind == CSV_MUCKROCK &&
	    store_agency_list(st, agency_by_name, &nw) == 1 && nw.code)
		rc = store_agency_get(st, nw.code, &a);
	free(nw.code);
	if (rc == STORE_NOT_FOUND) {
		snprintf(err, errlen,
			 "unknown agency '%.64s' (add it with 'foia agency "
			 "add' first)",
			 v);
		return false;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, "cannot read agencies: %s",
			 store_errmsg(st));
		return false;
	}
	r->agency = a.code;
	a.code = NULL;
	remember_agency(w, v, r, a.jurisdiction);
	if (!r->jurisdiction) {
		r->jurisdiction = a.jurisdiction;
		a.jurisdiction = NULL;
	}
	agency_clear(&a);
	return true;
}

static bool set_status(struct csv_import *w, struct request *r, const char *v,
		       char *err, size_t errlen)
{
	const char *ours = NULL;
	if (w->kind == CSV_MUCKROCK) {
		size_t n = sizeof(muckrock_status) / sizeof(muckrock_status[0]);
		for (size_t i = 0; i < n; i++)
			if (strcasecmp(muckrock_status[i][0], v) == 0)
				ours = muckrock_status[i][1];
	} else if (status_known(v)) {
		ours = v;
	}
	if (!ours) {
		snprintf(err, errlen, "unknown status '%.64s'", v);
		return false;
	}
	free(r->status);
	r->status = strdup(ours);
	return r->status != NULL;
}

static bool set_field(struct csv_import *w, struct request *r,
		      const char *field, const char *v, char *err,
		      size_t errlen)
{
	char date[11];
	if (strcmp(field, "tags") == 0)
		return set_tags(w, r, v, err, errlen);
	if (strcmp(field, "status") == 0)
		return set_status(w, r, v, err, errlen);
	const struct field_def *f = request_field_find(field);
	json_t *j;
	if (f->kind == FK_BOOL) {
		bool yes = strcasecmp(v, "yes") == 0 ||
			   strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0;
		bool no = strcasecmp(v, "no") == 0 ||
			  strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0;
		if (!yes && !no) {
			snprintf(err, errlen,
				 "invalid value '%.32s' for '%s' (yes or no)",
				 v, field);
			return false;
		}
		j = json_boolean(yes);
	} else {
		/* MuckRock writes dates as timestamps: the day is enough. */
		if (f->kind == FK_DATE && w->kind == CSV_MUCKROCK &&
		    strlen(v) > 10 && (v[10] == 'T' || v[10] == ' ')) {
			memcpy(date, v, 10);
			date[10] = '\0';
			v = date;
		}
		j = json_string(v);
	}
	if (!j) {
		snprintf(err, errlen, "invalid text for '%s' (not UTF-8?)",
			 field);
		return false;
	}
	bool ok = field_from_json(f, j, r, false, err, errlen);
	json_decref(j);
	return ok;
}

static bool build_request(struct csv_import *w, char **fields, size_t n,
			  struct request *r, char *err, size_t errlen)
{
	const char *agency = NULL;

	r->fees_estimated = r->fees_paid = -1;
	if (n != w->ncols) {
		snprintf(err, errlen, "%zu fields, the header has %zu", n,
			 w->ncols);
		return false;
	}
	/* The jurisdiction first: the agency's is only a default. */
	for (size_t i = 0; i < n; i++) {
		const char *field = w->field_of[i];
		if (!*field || !*fields[i])
			continue;
		if (strcmp(field, "agency") == 0) {
			agency = fields[i];
			continue;
		}
		if (!set_field(w, r, field, fields[i], err, errlen))
			return false;
	}
	if (!agency) {
		snprintf(err, errlen, "no agency");
		return false;
	}
	if (!set_agency(w, r, agency, err, errlen))
		return false;
	if (!r->subject) {
		snprintf(err, errlen, "no title");
		return false;
	}
	if (!r->status)
		r->status = strdup(r->sent ? "submitted" : "draft");
	r->created_by = strdup(w->c->peer->name);
	if (!r->status || !r->created_by) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	if (!request_consistent(r, err, errlen))
		return false;
	if (check_law(w->c, r->jurisdiction) < 0) {
		snprintf(err, errlen, "%.400s", w->c->err_msg);
		w->c->err_code = NULL;
		return false;
	}
	return true;
}

static int csv_import_row(char **fields, size_t n, long line, void *arg)
{
	struct csv_import *w = arg;
	char err[ERRLEN] = "";
	struct request r = {0};

	if (!w->field_of) {
		if (read_header(w, fields, n, w->header_err,
				sizeof(w->header_err)) == 0)
			return 0;
		return w->oom ? -1 : 2;
	}
	if (!build_request(w, fields, n, &r, err, sizeof(err))) {
		request_clear(&r);
		json_t *b = json_pack("{s:I, s:s}", "line", (json_int_t)line,
				      "reason", err);
		if (!b || json_array_append_new(w->bad, b) < 0)
			return -1;
		return 0;
	}
	if (!grow_array((void **)&w->good, &w->cap, w->ngood + 1,
			sizeof(*w->good))) {
		request_clear(&r);
		return -1;
	}
	w->good[w->ngood].r = r;
	w->good[w->ngood++].line = line;
	return 0;
}

static int insert_rows(struct call *c, struct csv_import *w, const char *source,
		       json_t *ids)
{
	char note[256];
	int rc = store_begin(c->d->store);
	if (rc != STORE_OK)
		return store_failure(c, rc, "start a transaction");
	for (size_t i = 0; i < w->ngood; i++) {
		struct request *r = &w->good[i].r;
		struct event e = {0};
		rc = store_request_insert(c->d->store, r);
		if (rc != STORE_OK) {
			store_failure(c, rc, "import a request");
			goto fail;
		}
		snprintf(note, sizeof(note), "imported from %.200s, line %ld",
			 source, w->good[i].line);
		e.request_id = r->id;
		e.actor = (char *)c->peer->name;
		e.kind = "filed";
		e.field = "status";
		e.new_value = r->status;
		e.date = r->sent;
		e.note = note;
		rc = store_event_append(c->d->store, &e);
		free(e.at);
		if (rc != STORE_OK) {
			store_failure(c, rc, "record the import");
			goto fail;
		}
		if (json_array_append_new(ids, json_integer(r->id)) < 0) {
			call_error(c, FOIA_E_INTERNAL, "out of memory");
			goto fail;
		}
	}
	rc = store_commit(c->d->store);
	if (rc == STORE_OK)
		return 0;
	store_failure(c, rc, "commit");
fail:
	store_rollback(c->d->store);
	return -1;
}

static int import_csv(struct call *c, enum csv_kind kind, const char *text,
		      size_t len, const char *source, bool skip_bad,
		      json_t **result)
{
	struct csv_import w = {.c = c,
			       .kind = kind,
			       .cols = kind == CSV_MUCKROCK ? muckrock_cols
							    : ours_cols,
			       .bad = json_array()};
	char err[ERRLEN] = "", summary[2048];
	json_t *ids = json_array();
	int rc = -1;

	if (!w.bad || !ids) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	int r = csv_read(text, len, csv_import_row, &w, err, sizeof(err));
	if (r == -1 && *err && strcmp(err, "out of memory") != 0) {
		call_error(c, FOIA_E_INVALID, "%s; nothing imported", err);
		goto out;
	}
	if (r == -1 || w.oom) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	if (r == 2) {
		call_error(c, FOIA_E_INVALID, "%s; nothing imported",
			   w.header_err);
		goto out;
	}
	if (!w.field_of) {
		call_error(c, FOIA_E_INVALID, "the file is empty");
		goto out;
	}
	if (json_array_size(w.bad) > 0 && !skip_bad) {
		bad_rows_summary(w.bad, "line", "line", summary,
				 sizeof(summary));
		call_error(c, FOIA_E_INVALID,
			   "%s (%zu bad rows; nothing imported; --skip-bad "
			   "imports the rest)",
			   summary, json_array_size(w.bad));
		goto out;
	}
	store_bulk(c->d->store, true); /* only speed depends on it */
	int ins = insert_rows(c, &w, source, ids);
	store_bulk(c->d->store, false);
	if (ins < 0)
		goto out;
	*result =
		json_pack("{s:s, s:I, s:O, s:O}", "format",
			  kind == CSV_MUCKROCK ? "muckrock" : "csv", "imported",
			  (json_int_t)w.ngood, "ids", ids, "skipped", w.bad);
	rc = *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
out:
	for (size_t i = 0; i < w.ngood; i++)
		request_clear(&w.good[i].r);
	for (size_t i = 0; i < w.nknown; i++) {
		free(w.known[i].cell);
		free(w.known[i].code);
		free(w.known[i].jurisdiction);
	}
	free(w.good);
	free(w.field_of);
	json_decref(w.bad);
	json_decref(ids);
	return rc;
}

static int import_text(struct call *c, const char *format, const char *text,
		       size_t len, const char *source, json_t *skip,
		       json_t **result);

int method_import_requests(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"format", "text",	    "upload",
					      "source", "skip_bad", NULL};
	const char *format = NULL, *text = NULL, *source = NULL, *upload = NULL;
	char *uploaded = NULL;
	size_t len;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "format", &format) < 0 ||
	    param_string(c, params, "text", &text) < 0 ||
	    param_string(c, params, "upload", &upload) < 0 ||
	    param_string(c, params, "source", &source) < 0)
		return -1;
	json_t *skip = json_object_get(params, "skip_bad");
	if (skip && !json_is_boolean(skip))
		return call_error(c, FOIA_E_INVALID,
				  "'skip_bad' must be true or false");
	if (text && upload)
		return call_error(c, FOIA_E_INVALID,
				  "give 'text' or 'upload', not both");
	if (!text && !upload)
		return call_error(c, FOIA_E_INVALID, "missing 'text'");
	if (upload) {
		/* A file sent in parts (upload.h); parts refuse NUL bytes. */
		if (upload_take(c, upload, &uploaded, &len) < 0)
			return -1;
		int rc = import_text(c, format, uploaded, len, source, skip,
				     result);
		free(uploaded);
		return rc;
	}
	len = json_string_length(json_object_get(params, "text"));
	if (strlen(text) != len)
		return call_error(c, FOIA_E_INVALID,
				  "the file holds a NUL "
				  "byte");
	return import_text(c, format, text, len, source, skip, result);
}

static int import_text(struct call *c, const char *format, const char *text,
		       size_t len, const char *source, json_t *skip,
		       json_t **result)
{
	if (!source)
		source = "a file";
	if (!format || strcmp(format, "json") == 0) {
		/* A restore replaces the whole database: admins only. */
		if (call_require_admin(
			    c, "restoring a backup (import of JSON)") < 0)
			return -1;
		if (skip && json_is_true(skip))
			return call_error(c, FOIA_E_INVALID,
					  "a backup is restored whole: "
					  "'skip_bad' is for CSV");
		return import_json(c, text, result);
	}
	if (strcmp(format, "csv") == 0)
		return import_csv(c, CSV_OURS, text, len, source,
				  json_is_true(skip), result);
	if (strcmp(format, "muckrock") == 0)
		return import_csv(c, CSV_MUCKROCK, text, len, source,
				  json_is_true(skip), result);
	return call_error(c, FOIA_E_INVALID,
			  "unknown import format '%s' (json, csv, muckrock)",
			  format);
}
