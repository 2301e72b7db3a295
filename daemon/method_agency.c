/*
 * method_agency.c: agency.add, agency.list, agency.show, agency.update.
 *
 * Agencies are never deleted (requests point at them). Each add or change
 * is recorded as an event about the agency, like changes to requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency_check.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"

/* The agency's text members, by wire name. */
struct agency_member {
	const char *name;
	size_t offset;
};

static const struct agency_member members[] = {
	{"name", offsetof(struct agency, name)},
	{"parent", offsetof(struct agency, parent)},
	{"jurisdiction", offsetof(struct agency, jurisdiction)},
	{"email", offsetof(struct agency, email)},
	{"portal", offsetof(struct agency, portal)},
	{"address", offsetof(struct agency, address)},
	{"website", offsetof(struct agency, website)},
};
#define NMEMBERS (sizeof(members) / sizeof(members[0]))

static char **slot(struct agency *a, size_t i)
{
	return (char **)((char *)a + members[i].offset);
}

/* Copy given params over a; "" clears an optional member. */
static int agency_from_params(struct call *c, json_t *params, struct agency *a)
{
	static const char *const allowed[] = {
		"code",		"name",	   "parent",
		"jurisdiction", "email",   "portal",
		"address",	"website", NULL};
	if (params_known(c, params, allowed, false) < 0)
		return -1;
	for (size_t i = 0; i < NMEMBERS; i++) {
		const char *v;
		if (param_string(c, params, members[i].name, &v) < 0)
			return -1;
		if (!v)
			continue;
		char *copy = *v ? strdup(v) : NULL;
		if (*v && !copy)
			return call_error(c, FOIA_E_INTERNAL, "out of memory");
		free(*slot(a, i));
		*slot(a, i) = copy;
	}
	return 0;
}

static int agency_load(struct call *c, const char *code, struct agency *a)
{
	int rc = store_agency_get(c->d->store, code, a);
	if (rc == STORE_NOT_FOUND)
		return call_error(c, FOIA_E_NOT_FOUND,
				  "unknown agency '%.64s' (see 'foia agency "
				  "list')",
				  code);
	return rc == STORE_OK ? 0 : store_failure(c, rc, "read the agency");
}

/* The parent must exist and must not make a cycle. */
static int check_parent(struct call *c, const struct agency *a)
{
	struct agency p = {0};
	char *walk = a->parent ? strdup(a->parent) : NULL;
	int depth = 0, rc = 0;
	while (walk && rc == 0) {
		if (strcasecmp(walk, a->code) == 0 || ++depth > 16) {
			rc = call_error(c, FOIA_E_INVALID,
					"parent '%s' would make a loop",
					a->parent);
			break;
		}
		rc = agency_load(c, walk, &p);
		free(walk);
		walk = rc == 0 && p.parent ? strdup(p.parent) : NULL;
		agency_clear(&p);
	}
	free(walk);
	return rc;
}

static int agency_event(struct call *c, const char *code, const char *kind,
			const char *field, const char *from, const char *to)
{
	struct event e = {.agency = (char *)code,
			  .actor = (char *)c->peer->name,
			  .kind = (char *)kind,
			  .field = (char *)field,
			  .old_value = (char *)from,
			  .new_value = (char *)to};
	int rc = store_event_append(c->d->store, &e);
	free(e.at);
	return rc == STORE_OK ? 0 : store_failure(c, rc, "record the change");
}

int method_agency_add(struct call *c, json_t *params, json_t **result)
{
	struct agency a = {0};
	const char *code;
	char err[512];
	int rc = -1;

	if (param_string(c, params, "code", &code) < 0 ||
	    agency_from_params(c, params, &a) < 0)
		goto out;
	a.code = code ? strdup(code) : NULL;
	if (!a.jurisdiction)
		a.jurisdiction = strdup("us-federal");
	if (!agency_valid(&a, err, sizeof(err))) {
		call_error(c, FOIA_E_INVALID, "%s", err);
		goto out;
	}
	if (check_parent(c, &a) < 0 || check_law(c, a.jurisdiction) < 0)
		goto out;
	int src = store_begin(c->d->store);
	if (src == STORE_OK)
		src = store_agency_insert(c->d->store, &a);
	if (src == STORE_CONFLICT) {
		store_rollback(c->d->store);
		call_error(c, FOIA_E_CONFLICT, "agency '%s' already exists",
			   a.code);
		goto out;
	}
	if (src != STORE_OK ||
	    agency_event(c, a.code, "agency", "code", NULL, a.code) < 0 ||
	    (src = store_commit(c->d->store)) != STORE_OK) {
		if (src != STORE_OK)
			store_failure(c, src, "add the agency");
		store_rollback(c->d->store);
		goto out;
	}
	/* Answer with what was stored (the parent's code as spelled there). */
	agency_clear(&a);
	if (agency_load(c, code, &a) < 0)
		goto out;
	*result = json_pack("{s:o}", "agency", agency_to_json(&a));
	rc = *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
out:
	agency_clear(&a);
	return rc;
}

static int list_one(const struct agency *a, void *arg)
{
	return json_array_append_new(arg, agency_to_json(a));
}

int method_agency_list(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {NULL};
	if (params_known(c, params, allowed, false) < 0)
		return -1;
	json_t *list = json_array();
	int rc = list ? store_agency_list(c->d->store, list_one, list) : -1;
	if (rc != STORE_OK) {
		json_decref(list);
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "list agencies");
	}
	*result = json_pack("{s:o}", "agencies", list);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

int method_agency_show(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"code", NULL};
	struct agency a = {0};
	const char *code;
	int64_t n = 0;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "code", &code) < 0)
		return -1;
	if (!code)
		return call_error(c, FOIA_E_INVALID, "'code' is required");
	if (agency_load(c, code, &a) < 0)
		return -1;
	int rc = store_agency_count_requests(c->d->store, a.code, &n);
	if (rc != STORE_OK) {
		agency_clear(&a);
		return store_failure(c, rc, "count requests");
	}
	*result = json_pack("{s:o, s:I}", "agency", agency_to_json(&a),
			    "requests", (json_int_t)n);
	agency_clear(&a);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

/* Save next over old, one event per changed member. */
static int agency_write(struct call *c, struct agency *old, struct agency *next,
			int *changes)
{
	int rc = store_begin(c->d->store);
	if (rc != STORE_OK)
		return store_failure(c, rc, "start a transaction");
	for (size_t i = 0; i < NMEMBERS; i++) {
		const char *a = *slot(old, i), *b = *slot(next, i);
		/* Codes (the parent) compare as the store does: without
		 * regard to case. */
		bool code =
			members[i].offset == offsetof(struct agency, parent);
		if ((!a && !b) ||
		    (a && b && (code ? strcasecmp(a, b) : strcmp(a, b)) == 0))
			continue;
		if (agency_event(c, old->code, "field", members[i].name, a, b) <
		    0)
			goto fail;
		(*changes)++;
	}
	if (*changes && (rc = store_agency_save(c->d->store, next)) != STORE_OK)
		goto store_fail;
	if ((rc = store_commit(c->d->store)) == STORE_OK)
		return 0;
store_fail:
	store_failure(c, rc, "save the agency");
fail:
	store_rollback(c->d->store);
	return -1;
}

int method_agency_update(struct call *c, json_t *params, json_t **result)
{
	struct agency old = {0}, next = {0};
	const char *code;
	char err[512];
	int changes = 0, rc = -1;

	if (param_string(c, params, "code", &code) < 0)
		return -1;
	if (!code)
		return call_error(c, FOIA_E_INVALID, "'code' is required");
	if (agency_load(c, code, &old) < 0 || agency_load(c, code, &next) < 0 ||
	    agency_from_params(c, params, &next) < 0)
		goto out;
	if (!agency_valid(&next, err, sizeof(err))) {
		call_error(c, FOIA_E_INVALID, "%s", err);
		goto out;
	}
	if (!next.jurisdiction) {
		call_error(c, FOIA_E_INVALID, "an agency needs a jurisdiction");
		goto out;
	}
	if (check_parent(c, &next) < 0 || check_law(c, next.jurisdiction) < 0 ||
	    agency_write(c, &old, &next, &changes) < 0)
		goto out;
	agency_clear(&next);
	if (agency_load(c, code, &next) < 0)
		goto out;
	*result = json_pack("{s:o, s:i}", "agency", agency_to_json(&next),
			    "changes", changes);
	rc = *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
out:
	agency_clear(&old);
	agency_clear(&next);
	return rc;
}
