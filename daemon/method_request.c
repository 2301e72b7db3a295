/*
 * method_request.c: filing, listing, showing and noting requests.
 *
 * Every write happens in one transaction together with the events that
 * record it, and the reply is built only after the commit succeeded, so a
 * client that got an answer knows its change is on disk. Updates live in
 * method_update.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "daemon.h"
#include "deadline_batch.h"
#include "deadline_json.h"
#include "foia/protocol.h"
#include "list_memo.h"
#include "method_util.h"
#include "methods.h"
#include "request_check.h"
#include "request_fields.h"
#include "status.h"
#include "store_history.h"
#include "validate.h"

/* --- request.file ------------------------------------------------------ */

/* Read the shared fields of a filing into a template request. */
static int file_template(struct call *c, json_t *params, struct request *r)
{
	static const char *const extra[] = {"agencies", "tags", NULL};
	char err[512];

	static const char *const not_at_filing[] = {"agency", "acknowledged",
						    "closed"};
	if (params_known(c, params, extra, true) < 0)
		return -1;
	for (size_t i = 0; i < 3; i++)
		if (json_object_get(params, not_at_filing[i]))
			return call_error(c, FOIA_E_INVALID,
					  "unknown parameter '%s'",
					  not_at_filing[i]);
	r->fees_estimated = r->fees_paid = -1;
	for (size_t i = 0; i < request_fields_count; i++) {
		const struct field_def *f = &request_fields[i];
		json_t *v = json_object_get(params, f->name);
		if (!v || f->kind == FK_CODE)
			continue;
		if (!field_from_json(f, v, r, false, err, sizeof(err)))
			return call_error(c, FOIA_E_INVALID, "%s", err);
	}
	json_t *tags = json_object_get(params, "tags");
	if (tags && !request_tags_apply(r, tags, false, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	r->status = strdup(r->sent ? "submitted" : "draft");
	r->created_by = strdup(c->peer->name);
	if (!r->status || !r->created_by)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if (!request_consistent(r, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	return check_law(c, r->jurisdiction);
}

/* Look up every named agency before anything is written. */
static int file_agencies(struct call *c, json_t *list, struct agency *out,
			 size_t *n)
{
	size_t i;
	json_t *v;
	char err[256];

	if (!json_is_array(list) || json_array_size(list) == 0)
		return call_error(c, FOIA_E_INVALID,
				  "'agencies' must list at least one agency "
				  "code");
	if (json_array_size(list) > FOIA_MAX_BATCH)
		return call_error(c, FOIA_E_INVALID,
				  "at most %d agencies in one filing",
				  FOIA_MAX_BATCH);
	json_array_foreach(list, i, v)
	{
		const char *code = json_string_value(v);
		if (!code)
			return call_error(c, FOIA_E_INVALID,
					  "agency codes must be strings");
		if (!check_code("agency code", code, err, sizeof(err)))
			return call_error(c, FOIA_E_INVALID, "%s", err);
		for (size_t k = 0; k < i; k++)
			if (strcasecmp(
				    json_string_value(json_array_get(list, k)),
				    code) == 0)
				return call_error(c, FOIA_E_INVALID,
						  "agency '%s' is named twice",
						  code);
		int rc = store_agency_get(c->d->store, code, &out[i]);
		*n = i + (rc == STORE_OK);
		if (rc == STORE_NOT_FOUND)
			return call_error(c, FOIA_E_NOT_FOUND,
					  "unknown agency '%s' (see 'foia "
					  "agency list')",
					  code);
		if (rc != STORE_OK)
			return store_failure(c, rc, "read agencies");
	}
	return 0;
}

/* Insert one request of the batch and its "filed" event. */
static int file_one(struct call *c, struct request *tmpl,
		    const struct agency *a, bool own_jurisdiction, int64_t *id)
{
	struct event e = {0};
	char *saved_agency = tmpl->agency, *saved_juris = tmpl->jurisdiction;

	tmpl->agency = a->code;
	if (!own_jurisdiction)
		tmpl->jurisdiction = a->jurisdiction;
	int rc = store_request_insert(c->d->store, tmpl);
	*id = tmpl->id;
	tmpl->agency = saved_agency;
	tmpl->jurisdiction = saved_juris;
	if (rc != STORE_OK)
		return store_failure(c, rc, "file the request");
	e.request_id = *id;
	e.actor = (char *)c->peer->name;
	e.kind = "filed";
	e.field = "status";
	e.new_value = tmpl->status;
	e.date = tmpl->sent;
	rc = store_event_append(c->d->store, &e);
	free(e.at);
	if (rc != STORE_OK)
		return store_failure(c, rc, "record the filing");
	return 0;
}

/* The first request of a batch was written before the batch had a name;
 * give it its own id as the batch, inside the same transaction. */
static int mark_batch_head(struct call *c, int64_t id)
{
	struct request head = {0};
	int rc = store_request_get(c->d->store, id, &head);
	if (rc == STORE_OK) {
		head.batch = id;
		rc = store_request_save(c->d->store, &head);
	}
	request_clear(&head);
	return rc == STORE_OK ? 0 : store_failure(c, rc, "link the batch");
}

static int file_all(struct call *c, struct request *tmpl,
		    const struct agency *agencies, size_t n, json_t *ids)
{
	bool own_juris = tmpl->jurisdiction != NULL;
	int rc = store_begin(c->d->store);
	if (rc != STORE_OK)
		return store_failure(c, rc, "start a transaction");
	for (size_t i = 0; i < n; i++) {
		int64_t id;
		if (file_one(c, tmpl, &agencies[i], own_juris, &id) < 0)
			goto fail;
		if (json_array_append_new(ids, json_integer(id)) < 0) {
			call_error(c, FOIA_E_INTERNAL, "out of memory");
			goto fail;
		}
		if (n > 1 && i == 0)
			tmpl->batch = id; /* the batch is named by its first */
	}
	if (n > 1 && mark_batch_head(c, tmpl->batch) < 0)
		goto fail;
	rc = store_commit(c->d->store);
	if (rc == STORE_OK)
		return 0;
	store_failure(c, rc, "commit");
fail:
	store_rollback(c->d->store);
	return -1;
}

int method_request_file(struct call *c, json_t *params, json_t **result)
{
	struct request tmpl = {0};
	struct agency agencies[FOIA_MAX_BATCH];
	size_t n = 0;
	json_t *ids = json_array();
	int rc = -1;

	memset(agencies, 0, sizeof(agencies));
	if (!ids) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	if (file_template(c, params, &tmpl) < 0 ||
	    file_agencies(c, json_object_get(params, "agencies"), agencies,
			  &n) < 0 ||
	    file_all(c, &tmpl, agencies, n, ids) < 0)
		goto out;
	json_t *batch = n > 1 ? json_integer(tmpl.batch) : json_null();
	*result = json_pack("{s:O, s:o}", "ids", ids, "batch", batch);
	rc = *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
out:
	for (size_t i = 0; i < n; i++)
		agency_clear(&agencies[i]);
	request_clear(&tmpl);
	json_decref(ids);
	return rc;
}

/* --- request.list ------------------------------------------------------ */

/*
 * Listing computes every matching request's next deadline (the order is
 * by urgency, so a page needs them all), reading the requests and their
 * histories in one pass each (deadline_batch.h). Without a limit each
 * request is rendered as it streams by; with one, only (id, next
 * deadline) is kept, sorted, and the page's requests alone are read back
 * whole and rendered; the sorted entries are kept for the next page and
 * brought up to date after writes (list_memo.h).
 */
struct list_walk {
	struct call *c;
	struct deadline_batch batch;
	struct rd_set set;
	json_t *out;	      /* no limit: every request, rendered */
	struct list_entry *v; /* a limit: what sorting needs */
	size_t n, cap;
	int32_t today;
};

static const struct rd_deadline *list_next(struct list_walk *w,
					   const struct request *r)
{
	if (deadline_batch_set(&w->batch, r, &w->set) < 0)
		return (const struct rd_deadline *)-1;
	return rd_next(&w->set);
}

/* Each listed request carries its most urgent live deadline as "next". */
static int list_one(const struct request *r, void *arg)
{
	struct list_walk *w = arg;
	const struct rd_deadline *next = list_next(w, r);
	if (next == (const struct rd_deadline *)-1)
		return -1;
	if (!w->out) {
		if (w->n == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 256;
			struct list_entry *v = realloc(w->v, cap * sizeof(*v));
			if (!v)
				return call_error(w->c, FOIA_E_INTERNAL,
						  "out of memory");
			w->v = v;
			w->cap = cap;
		}
		list_entry_set(&w->v[w->n++], r->id, next);
		return 0;
	}
	json_t *o = request_to_json(r, w->today);
	if (!o)
		return call_error(w->c, FOIA_E_INTERNAL, "out of memory");
	json_object_set_new(o, "next",
			    next ? deadline_to_json(next, w->today)
				 : json_null());
	return json_array_append_new(w->out, o);
}

/* Render entries [from, to) of the sorted list into w->out. */
static int list_page(struct list_walk *w, const struct list_entry *v,
		     size_t from, size_t to)
{
	struct rd_deadline *next = &w->set.v[0]; /* scratch */
	for (size_t i = from; i < to; i++) {
		struct request r;
		int rc = store_request_get(w->c->d->store, v[i].id, &r);
		if (rc != STORE_OK)
			return store_failure(w->c, rc, "read a request");
		json_t *o = request_to_json(&r, w->today);
		request_clear(&r);
		memcpy(next, v[i].next, LIST_NEXT_SIZE);
		next->nsteps = 0;
		if (!o ||
		    json_object_set_new(
			    o, "next",
			    v[i].has_next ? deadline_to_json(next, w->today)
					  : json_null()) < 0 ||
		    json_array_append_new(w->out, o) < 0)
			return call_error(w->c, FOIA_E_INTERNAL,
					  "out of memory");
	}
	return 0;
}

/* Urgency: earliest live due date first (so the most overdue lead), then
 * requests with no deadline, by id. ISO dates compare as text. */
static int by_urgency(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	const char *da = json_string_value(
		json_object_get(json_object_get(a, "next"), "due"));
	const char *db = json_string_value(
		json_object_get(json_object_get(b, "next"), "due"));
	if (da && db && strcmp(da, db) != 0)
		return strcmp(da, db);
	if (!da != !db)
		return da ? -1 : 1;
	json_int_t ia = json_integer_value(json_object_get(a, "id"));
	json_int_t ib = json_integer_value(json_object_get(b, "id"));
	return ia < ib ? -1 : ia > ib;
}

/* "status" may be one name or a list of names. */
static int list_statuses(struct call *c, json_t *v, const char **out,
			 size_t max)
{
	char err[512];
	json_t *one = json_is_string(v) ? v : NULL;
	size_t n = one ? 1 : json_array_size(v);
	if (!one && (!json_is_array(v) || n == 0 || n >= max))
		return call_error(c, FOIA_E_INVALID,
				  "'status' must be a status or a list of "
				  "them");
	for (size_t i = 0; i < n; i++) {
		const char *s =
			json_string_value(one ? one : json_array_get(v, i));
		if (!s ||
		    !check_enum("status", s, status_names, err, sizeof(err)))
			return call_error(c, FOIA_E_INVALID, "%s",
					  s ? err : "statuses are strings");
		out[i] = s;
	}
	out[n] = NULL;
	return 0;
}

/* An optional count param: absent leaves *out alone. */
static int param_count(struct call *c, json_t *params, const char *key,
		       json_int_t min, json_int_t *out)
{
	json_t *v = json_object_get(params, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < min)
		return call_error(c, FOIA_E_INVALID,
				  "'%s' must be a whole number of at least "
				  "%lld",
				  key, (long long)min);
	*out = json_integer_value(v);
	return 0;
}

int method_request_list(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"status", "agency", "project",
					      "tag",	"all",	  "limit",
					      "offset", NULL};
	const char *statuses[32];
	struct request_filter f = {0};
	json_t *status = json_object_get(params, "status");
	json_int_t limit = -1, offset = 0;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "agency", &f.agency) < 0 ||
	    param_string(c, params, "project", &f.project) < 0 ||
	    param_string(c, params, "tag", &f.tag) < 0 ||
	    param_count(c, params, "limit", 1, &limit) < 0 ||
	    param_count(c, params, "offset", 0, &offset) < 0)
		return -1;
	if (status && !json_is_null(status)) {
		if (list_statuses(c, status, statuses, 32) < 0)
			return -1;
		f.statuses = statuses;
	}
	/* Asking for a status by name shows it even when it is closed. */
	f.open_only =
		!json_is_true(json_object_get(params, "all")) && !f.statuses;
	struct list_walk w;
	memset(&w, 0, sizeof(w));
	w.c = c;
	w.today = today_days();
	json_t *out = json_array();
	if (!out)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	bool paged = limit > 0 || offset > 0;
	struct list_memo_key key;
	const struct list_entry *v = NULL;
	size_t nv = 0;
	int memoed = paged ? list_memo_get(c, &f, w.today, &key, &v, &nv) : 0;
	int rc = STORE_OK;
	if (memoed < 0) {
		json_decref(out);
		return -1;
	}
	w.out = paged ? NULL : out;
	if (!memoed) {
		if (deadline_batch_open(c, &w.batch) < 0) {
			json_decref(out);
			return -1;
		}
		rc = store_request_scan(c->d->store, &f, !paged, list_one, &w);
		deadline_batch_close(&w.batch);
		if (rc == STORE_OK && paged && w.n)
			qsort(w.v, w.n, sizeof(*w.v), list_entry_urgency);
		v = w.v;
		nv = w.n;
		if (rc == STORE_OK && paged &&
		    list_memo_keep(&key, &f, w.v, w.n))
			w.v = NULL; /* the memo's now */
	}
	size_t total = paged ? nv : json_array_size(out);
	if (rc == STORE_OK && paged) {
		w.out = out;
		size_t from = (size_t)offset < nv ? (size_t)offset : nv;
		size_t to = limit > 0 && (size_t)limit < nv - from
				    ? from + (size_t)limit
				    : nv;
		rc = list_page(&w, v, from, to);
	} else if (rc == STORE_OK && json_array_sort(out, by_urgency) < 0) {
		rc = call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	free(w.v);
	if (rc != STORE_OK) {
		json_decref(out);
		if (c->err_code)
			return -1;
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "list requests");
	}
	*result = json_pack("{s:o, s:I, s:I, s:o}", "requests", out, "total",
			    (json_int_t)total, "offset", offset, "limit",
			    limit > 0 ? json_integer(limit) : json_null());
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* --- request.show ------------------------------------------------------ */

static int show_event(const struct event *e, void *arg)
{
	return json_array_append_new(arg, event_to_json(e));
}

int request_load(struct call *c, int64_t id, struct request *r)
{
	int rc = store_request_get(c->d->store, id, r);
	if (rc == STORE_NOT_FOUND)
		return call_error(c, FOIA_E_NOT_FOUND, "no request %lld",
				  (long long)id);
	return rc == STORE_OK ? 0 : store_failure(c, rc, "read the request");
}

int method_request_show(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "explain", NULL};
	struct request r = {0};
	int64_t id;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_id(c, params, "id", &id) < 0 || request_load(c, id, &r) < 0)
		return -1;
	bool explain = json_is_true(json_object_get(params, "explain"));
	json_t *events = json_array();
	int rc = events ? store_event_list(c->d->store, id, show_event, events)
			: -1;
	if (rc != STORE_OK) {
		json_decref(events);
		request_clear(&r);
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "read the history");
	}
	*result =
		json_pack("{s:o, s:o}", "request",
			  request_to_json(&r, today_days()), "events", events);
	rc = *result ? request_add_deadlines(c, &r, *result, explain)
		     : call_error(c, FOIA_E_INTERNAL, "out of memory");
	request_clear(&r);
	if (rc < 0) {
		json_decref(*result);
		*result = NULL;
	}
	return rc;
}

/* --- request.note ------------------------------------------------------ */

int method_request_note(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "text", NULL};
	struct request r = {0};
	struct event e = {0};
	const char *text;
	char err[512], today[16];
	int64_t id;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_id(c, params, "id", &id) < 0 ||
	    param_string(c, params, "text", &text) < 0)
		return -1;
	if (!text || !*text)
		return call_error(c, FOIA_E_INVALID, "a note needs text");
	if (!check_text("note", text, FOIA_MAX_NOTE, true, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	if (request_load(c, id, &r) < 0)
		return -1;
	request_clear(&r);
	today_string(today, sizeof(today));
	e.request_id = id;
	e.actor = (char *)c->peer->name;
	e.kind = "note";
	e.note = (char *)text;
	e.date = today;
	int rc = store_event_append(c->d->store, &e);
	if (rc != STORE_OK) {
		free(e.at);
		return store_failure(c, rc, "record the note");
	}
	*result = json_pack("{s:o}", "event", event_to_json(&e));
	free(e.at);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
