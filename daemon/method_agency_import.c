/*
 * method_agency_import.c: agency.import, agencies taken from FOIA.gov's
 * list of agency components: their names, addresses, emails, portals and
 * websites, and the median working days each published for its simple and
 * complex requests in its latest annual report, which the report sets
 * beside the group's own experience.
 *
 * The file is FOIA.gov's JSON:API answer (GET /api/agency_components:
 * {"data":[{"type":"agency_component","attributes":{...}},...]}, with the
 * parent agencies in "included" when asked for) or a plain array of the
 * same attribute objects. It comes as text (read by the CLI) or as a URL
 * the daemon downloads while it goes on serving everyone else, answering
 * later as holidays.import does (method_import.c); a paged answer is
 * followed through its links.next (on the same host) and imported whole.
 *
 * A component's abbreviation is its code. A code the group already has
 * is updated with what the file gives (a value the file leaves out is
 * kept), a new one is added under us-federal; every change is an event
 * naming the source. Components whose abbreviation is missing, invalid or
 * shared with another component of the file, or whose values fail the
 * checks of `foia agency add`, are reported by their index in the list;
 * then nothing is imported, unless skip_bad asks for the rest. Everything
 * is one transaction.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agency_check.h"
#include "fetch.h"
#include "foia/protocol.h"
#include "log.h"
#include "method_util.h"
#include "methods.h"
#include "server.h"
#include "validate.h"

#define AGENCY_IMPORT_MAX_BYTES (16 * 1024 * 1024) /* all of FOIA.gov's */
#define AGENCY_IMPORT_TIMEOUT_S 60L
#define AGENCY_IMPORT_MAX_PAGES 100 /* FOIA.gov has a few hundred in all */
#define ERRLEN			512

/* --- reading one component ----------------------------------------------- */

/* A heap copy of s without surrounding white space; NULL when nothing is
 * left. *oom is set when out of memory. */
static char *trimmed(const char *s, bool *oom)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return NULL;
	char *t = strndup(s, n);
	if (!t)
		*oom = true;
	return t;
}

/* What one component of the file gives; NULL: not given. */
struct given {
	struct agency a; /* code, name, email, portal, address, website and
			    the published figures */
	bool has_published;
	char *parent; /* the parent agency's abbreviation, if known */
};

static void given_clear(struct given *g)
{
	agency_clear(&g->a);
	free(g->parent);
	memset(g, 0, sizeof(*g));
}

/* A text attribute: a string, or for links ({"uri": ...}) its uri, or for
 * lists of addresses the first one. */
static bool text_attr(const json_t *attrs, const char *key, char **out,
		      bool *oom, char *err, size_t errlen)
{
	const json_t *v = json_object_get(attrs, key);
	*out = NULL;
	if (json_is_object(v))
		v = json_object_get(v, "uri");
	if (json_is_array(v)) {
		const json_t *first = NULL, *e;
		size_t i;
		json_array_foreach(v, i, e)
		{
			if (json_is_string(e) && json_string_length(e) > 0) {
				first = e;
				break;
			}
		}
		v = first;
	}
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		snprintf(err, errlen, "'%s' must be text", key);
		return false;
	}
	*out = trimmed(json_string_value(v), oom);
	return !*oom;
}

/* submission_address as lines: organization, address lines, then
 * "locality, area postal code", and the country when not the US. */
static bool address_attr(const json_t *attrs, char **out, bool *oom, char *err,
			 size_t errlen)
{
	const json_t *v = json_object_get(attrs, "submission_address");
	char buf[FOIA_MAX_ADDRESS + 1], *part[7] = {0};
	static const char *const keys[] = {
		"organization", "address_line1",       "address_line2",
		"locality",	"administrative_area", "postal_code",
		"country_code"};
	size_t used = 0;
	bool ok = true;

	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v))
		return text_attr(attrs, "submission_address", out, oom, err,
				 errlen);
	if (!json_is_object(v)) {
		snprintf(err, errlen, "'submission_address' must be an object");
		return false;
	}
	for (size_t i = 0; ok && i < 7; i++)
		ok = text_attr(v, keys[i], &part[i], oom, err, errlen);
	buf[0] = '\0';
	/* A line per part, the city line put together from three. */
	for (size_t i = 0; ok && i < 3; i++)
		if (part[i])
			used += (size_t)snprintf(buf + used, sizeof(buf) - used,
						 "%s%s", used ? "\n" : "",
						 part[i]);
	if (ok && used < sizeof(buf) && (part[3] || part[4] || part[5]))
		used += (size_t)snprintf(
			buf + used, sizeof(buf) - used, "%s%s%s%s%s%s",
			used ? "\n" : "", part[3] ? part[3] : "",
			part[3] && (part[4] || part[5]) ? ", " : "",
			part[4] ? part[4] : "", part[4] && part[5] ? " " : "",
			part[5] ? part[5] : "");
	if (ok && used < sizeof(buf) && part[6] &&
	    strcasecmp(part[6], "US") != 0)
		used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%s",
					 used ? "\n" : "", part[6]);
	for (size_t i = 0; i < 7; i++)
		free(part[i]);
	if (!ok)
		return false;
	if (used >= sizeof(buf)) {
		snprintf(err, errlen, "address over %d bytes",
			 FOIA_MAX_ADDRESS);
		return false;
	}
	if (used && !(*out = strdup(buf)))
		*oom = true;
	return !*oom;
}

/* A number of days as FOIA.gov gives it: a number, or a numeric string;
 * null, "" and "N/A" mean none. Rounded to hundredths. */
static bool days_attr(const json_t *attrs, const char *key, bool *has,
		      double *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(attrs, key);
	*has = false;
	if (!v || json_is_null(v))
		return true;
	double d;
	if (json_is_number(v)) {
		d = json_number_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || strcasecmp(s, "N/A") == 0 || strcmp(s, "-") == 0)
			return true;
		d = strtod(s, &end);
		while (isspace((unsigned char)*end))
			end++;
		if (end == s || *end || !isfinite(d)) {
			snprintf(err, errlen, "invalid '%s' '%.32s'", key,
				 json_string_value(v));
			return false;
		}
	} else {
		snprintf(err, errlen, "'%s' must be a number", key);
		return false;
	}
	if (!(d >= 0 && d <= AGENCY_MAX_MEDIAN)) {
		snprintf(err, errlen,
			 "invalid '%s' %g (expected 0 to %d working days)", key,
			 d, AGENCY_MAX_MEDIAN);
		return false;
	}
	*has = true;
	/* d >= 0: half up, without libm. */
	*out = (double)(long long)(d * 100.0 + 0.5) / 100.0;
	return true;
}

static bool year_attr(const json_t *attrs, int *out, char *err, size_t errlen)
{
	const json_t *v = json_object_get(attrs, "request_data_year");
	long long y = 0;
	*out = 0;
	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v)) {
		y = json_integer_value(v);
	} else if (json_is_string(v) && json_string_length(v) > 0) {
		const char *s = json_string_value(v);
		char *end;
		y = strtoll(s, &end, 10);
		if (end == s || *end)
			y = -1;
	} else if (json_is_string(v)) {
		return true;
	} else {
		y = -1;
	}
	if (y < 1975 || y > 9999) {
		snprintf(err, errlen,
			 "invalid 'request_data_year' (expected a fiscal year "
			 "from 1975)");
		return false;
	}
	*out = (int)y;
	return true;
}

/* The parent agency's abbreviation: a plain "parent" or "agency" member,
 * or the JSON:API relationship resolved through the document's
 * "included" resources. */
static bool parent_attr(const json_t *doc, const json_t *comp,
			const json_t *attrs, char **out, bool *oom)
{
	char ignored[8];
	const json_t *agency = json_object_get(attrs, "agency");
	*out = NULL;
	if (json_is_string(json_object_get(attrs, "parent")))
		return text_attr(attrs, "parent", out, oom, ignored,
				 sizeof(ignored));
	if (json_is_object(agency) &&
	    json_is_string(json_object_get(agency, "abbreviation")))
		return text_attr(agency, "abbreviation", out, oom, ignored,
				 sizeof(ignored));
	const json_t *rel = json_object_get(
		json_object_get(json_object_get(comp, "relationships"),
				"agency"),
		"data");
	const char *id = json_string_value(json_object_get(rel, "id"));
	const json_t *inc = json_object_get(doc, "included"), *e;
	size_t i;
	if (!id || !json_is_array(inc))
		return true;
	json_array_foreach(inc, i, e)
	{
		const char *eid = json_string_value(json_object_get(e, "id"));
		const json_t *ea = json_object_get(e, "attributes");
		if (eid && strcmp(eid, id) == 0 &&
		    json_is_string(json_object_get(ea, "abbreviation")))
			return text_attr(ea, "abbreviation", out, oom, ignored,
					 sizeof(ignored));
	}
	return true;
}

/* The component's attributes: a JSON:API resource's "attributes", or the
 * object itself in a plain list. */
static const json_t *attributes_of(const json_t *comp, char *err, size_t errlen)
{
	const char *type = json_string_value(json_object_get(comp, "type"));
	const json_t *attrs = json_object_get(comp, "attributes");
	if (!json_is_object(comp)) {
		snprintf(err, errlen, "not an object");
		return NULL;
	}
	if (type && strcmp(type, "agency_component") != 0 &&
	    strcmp(type, "node--agency_component") != 0) {
		snprintf(err, errlen, "not an agency component (type '%.40s')",
			 type);
		return NULL;
	}
	return json_is_object(attrs) ? attrs : comp;
}

/* Read component comp into g; false with err (or *oom) when it is bad. */
static bool read_component(const json_t *doc, const json_t *comp,
			   struct given *g, bool *oom, char *err, size_t errlen)
{
	const json_t *attrs = attributes_of(comp, err, errlen);
	struct agency *a = &g->a;
	if (!attrs)
		return false;
	if (!text_attr(attrs, "abbreviation", &a->code, oom, err, errlen) ||
	    !text_attr(attrs, "title", &a->name, oom, err, errlen))
		return false;
	if (!a->code) {
		snprintf(err, errlen, "no abbreviation (the agency code)");
		return false;
	}
	if (!check_code("abbreviation", a->code, err, errlen))
		return false;
	if (!a->name) {
		snprintf(err, errlen, "no title (the agency name)");
		return false;
	}
	if (!text_attr(attrs, "email", &a->email, oom, err, errlen) ||
	    (!a->email && !text_attr(attrs, "submission_email", &a->email, oom,
				     err, errlen)) ||
	    !text_attr(attrs, "submission_web", &a->portal, oom, err, errlen) ||
	    (!a->portal &&
	     !text_attr(attrs, "portal", &a->portal, oom, err, errlen)) ||
	    !text_attr(attrs, "website", &a->website, oom, err, errlen) ||
	    !address_attr(attrs, &a->address, oom, err, errlen) ||
	    !days_attr(attrs, "request_data_simple_median_days",
		       &a->has_median_simple, &a->median_simple, err, errlen) ||
	    !days_attr(attrs, "request_data_complex_median_days",
		       &a->has_median_complex, &a->median_complex, err,
		       errlen) ||
	    !year_attr(attrs, &a->published_year, err, errlen) ||
	    !parent_attr(doc, comp, attrs, &g->parent, oom))
		return false;
	g->has_published = a->has_median_simple || a->has_median_complex;
	if (!g->has_published)
		a->published_year = 0; /* a year of nothing */
	return true;
}

/* --- the import ------------------------------------------------------------
 */

struct agency_import {
	struct call *c;
	const char *source; /* the file's name or the URL, for events */
	bool skip_bad;
	json_t *bad; /* [{index, reason}] */
	size_t added, updated, unchanged;
};

static int bad_add(struct agency_import *w, size_t index, const char *reason)
{
	json_t *b = json_pack("{s:I, s:s}", "index", (json_int_t)index,
			      "reason", reason);
	return b && json_array_append_new(w->bad, b) == 0 ? 0 : -1;
}

static int event_add(struct agency_import *w, const char *code,
		     const char *kind, const char *field, const char *from,
		     const char *to)
{
	char note[FOIA_MAX_URL + 32];
	snprintf(note, sizeof(note), "imported from %s", w->source);
	struct event e = {.agency = (char *)code,
			  .actor = (char *)w->c->peer->name,
			  .kind = (char *)kind,
			  .field = (char *)field,
			  .old_value = (char *)from,
			  .new_value = (char *)to,
			  .note = note};
	int rc = store_event_append(w->c->d->store, &e);
	free(e.at);
	return rc;
}

/* The text members an import may change, by wire name. */
static const struct {
	const char *name;
	size_t offset;
} text_members[] = {
	{"name", offsetof(struct agency, name)},
	{"email", offsetof(struct agency, email)},
	{"portal", offsetof(struct agency, portal)},
	{"address", offsetof(struct agency, address)},
	{"website", offsetof(struct agency, website)},
	{"published_source", offsetof(struct agency, published_source)},
};
#define NTEXT (sizeof(text_members) / sizeof(text_members[0]))

static char **member(struct agency *a, size_t i)
{
	return (char **)((char *)a + text_members[i].offset);
}

/* A published figure as event text ("23.5"), "" when none. */
static void figure_text(bool has, double v, char *buf, size_t len)
{
	if (has)
		snprintf(buf, len, "%g", v);
	else
		buf[0] = '\0';
}

/* One event per member of next that differs from old; *changes counts
 * them. */
static int record_changes(struct agency_import *w, struct agency *old,
			  struct agency *next, int *changes)
{
	char a[32], b[32];
	int rc = STORE_OK;
	for (size_t i = 0; rc == STORE_OK && i < NTEXT; i++) {
		const char *x = *member(old, i), *y = *member(next, i);
		if ((!x && !y) || (x && y && strcmp(x, y) == 0))
			continue;
		rc = event_add(w, old->code, "field", text_members[i].name, x,
			       y);
		(*changes)++;
	}
	const struct {
		const char *name;
		bool has_old, has_new;
		double old_v, new_v;
	} figures[] = {
		{"published_median_simple", old->has_median_simple,
		 next->has_median_simple, old->median_simple,
		 next->median_simple},
		{"published_median_complex", old->has_median_complex,
		 next->has_median_complex, old->median_complex,
		 next->median_complex},
		{"published_year", old->published_year != 0,
		 next->published_year != 0, old->published_year,
		 next->published_year},
	};
	for (size_t i = 0; rc == STORE_OK && i < 3; i++) {
		if (figures[i].has_old == figures[i].has_new &&
		    (!figures[i].has_old ||
		     figures[i].old_v == figures[i].new_v))
			continue;
		figure_text(figures[i].has_old, figures[i].old_v, a, sizeof(a));
		figure_text(figures[i].has_new, figures[i].new_v, b, sizeof(b));
		rc = event_add(w, old->code, "field", figures[i].name,
			       *a ? a : NULL, *b ? b : NULL);
		(*changes)++;
	}
	return rc;
}

/* Replace *dst by a copy of src when src is given. */
static bool take(char **dst, const char *src)
{
	if (!src)
		return true;
	char *copy = strdup(src);
	if (!copy)
		return false;
	free(*dst);
	*dst = copy;
	return true;
}

/* What g makes of the agency: old with what the file gives laid over it,
 * or (old NULL) a new agency. */
static bool merge(struct agency_import *w, const struct given *g,
		  const struct agency *old, struct agency *next)
{
	const struct agency *a = &g->a;
	bool ok = true;
	if (old) {
		next->id = old->id;
		next->has_median_simple = old->has_median_simple;
		next->median_simple = old->median_simple;
		next->has_median_complex = old->has_median_complex;
		next->median_complex = old->median_complex;
		next->published_year = old->published_year;
		ok = take(&next->code, old->code) &&
		     take(&next->name, old->name) &&
		     take(&next->parent, old->parent) &&
		     take(&next->jurisdiction, old->jurisdiction) &&
		     take(&next->email, old->email) &&
		     take(&next->portal, old->portal) &&
		     take(&next->address, old->address) &&
		     take(&next->website, old->website) &&
		     take(&next->published_source, old->published_source);
	} else {
		ok = take(&next->code, a->code) &&
		     take(&next->jurisdiction, "us-federal");
	}
	ok = ok && take(&next->name, a->name) && take(&next->email, a->email) &&
	     take(&next->portal, a->portal) &&
	     take(&next->address, a->address) &&
	     take(&next->website, a->website);
	if (ok && g->has_published) {
		/* The figures of one report go together. */
		next->has_median_simple = a->has_median_simple;
		next->median_simple = a->median_simple;
		next->has_median_complex = a->has_median_complex;
		next->median_complex = a->median_complex;
		next->published_year = a->published_year;
		ok = take(&next->published_source, w->source);
	}
	return ok;
}

/* The parent of a new agency, when the file names one the group has. */
static int new_parent(struct agency_import *w, const struct given *g,
		      struct agency *next)
{
	struct agency p = {0};
	char err[ERRLEN];
	if (!g->parent || !check_code("parent", g->parent, err, sizeof(err)) ||
	    strcasecmp(g->parent, next->code) == 0)
		return STORE_OK;
	int rc = store_agency_get(w->c->d->store, g->parent, &p);
	if (rc == STORE_OK) {
		free(next->parent);
		next->parent = p.code;
		p.code = NULL;
	}
	agency_clear(&p);
	return rc == STORE_NOT_FOUND ? STORE_OK : rc;
}

/* Add or update the agency of g. Returns 0, 1 when the component is bad
 * (recorded), or -1 with the error in the call. */
static int import_one(struct agency_import *w, size_t index,
		      const struct given *g)
{
	struct store *st = w->c->d->store;
	struct agency old = {0}, next = {0};
	char err[ERRLEN];
	int changes = 0, ret = -1;

	int rc = store_agency_get(st, g->a.code, &old);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND) {
		store_failure(w->c, rc, "read an agency");
		goto out;
	}
	bool exists = rc == STORE_OK;
	if (!merge(w, g, exists ? &old : NULL, &next)) {
		call_error(w->c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	if (!exists && (rc = new_parent(w, g, &next)) != STORE_OK) {
		store_failure(w->c, rc, "read an agency");
		goto out;
	}
	if (!agency_valid(&next, err, sizeof(err))) {
		ret = bad_add(w, index, err) < 0
			      ? call_error(w->c, FOIA_E_INTERNAL,
					   "out of memory")
			      : 1;
		goto out;
	}
	if (!exists) {
		rc = store_agency_insert(st, &next);
		if (rc == STORE_OK)
			rc = event_add(w, next.code, "agency", "code", NULL,
				       next.code);
		if (rc == STORE_OK)
			w->added++;
	} else {
		rc = record_changes(w, &old, &next, &changes);
		if (rc == STORE_OK && changes)
			rc = store_agency_save(st, &next);
		if (changes)
			w->updated++;
		else
			w->unchanged++;
	}
	if (rc != STORE_OK) {
		store_failure(w->c, rc, "import an agency");
		goto out;
	}
	ret = 0;
out:
	agency_clear(&old);
	agency_clear(&next);
	return ret;
}

/* The list of components: data[] of a JSON:API document, a single
 * resource as data, or a plain array. */
static json_t *components_of(json_t *doc)
{
	if (json_is_array(doc))
		return json_incref(doc);
	json_t *data = json_object_get(doc, "data");
	if (json_is_array(data))
		return json_incref(data);
	if (json_is_object(data)) {
		json_t *one = json_array();
		if (one && json_array_append(one, data) == 0)
			return one;
		json_decref(one);
	}
	return NULL;
}

/* Mark every component whose code another one of the file shares. */
static int find_clashes(struct agency_import *w, struct given *g, bool *ok,
			size_t n)
{
	char why[ERRLEN];
	for (size_t i = 0; i < n; i++) {
		if (!ok[i])
			continue;
		for (size_t j = 0; j < n; j++) {
			if (j == i || !g[j].a.code ||
			    strcasecmp(g[i].a.code, g[j].a.code) != 0)
				continue;
			snprintf(why, sizeof(why),
				 "abbreviation '%s' is also that of component "
				 "%zu",
				 g[i].a.code, j);
			if (bad_add(w, i, why) < 0)
				return -1;
			ok[i] = false;
			break;
		}
	}
	return 0;
}

static int by_index(const void *pa, const void *pb)
{
	json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
	json_int_t x = json_integer_value(json_object_get(a, "index"));
	json_int_t y = json_integer_value(json_object_get(b, "index"));
	return (x > y) - (x < y);
}

/* Read every component, then write the good ones in one transaction. */
static int import_doc(struct agency_import *w, json_t *doc, json_t *comps)
{
	struct call *c = w->c;
	size_t n = json_array_size(comps);
	struct given *g = calloc(n ? n : 1, sizeof(*g));
	bool *ok = calloc(n ? n : 1, sizeof(*ok)), oom = false, open = false;
	char err[ERRLEN], summary[2048];
	int rc = -1;

	if (!g || !ok) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n && !oom; i++) {
		err[0] = '\0';
		ok[i] = read_component(doc, json_array_get(comps, i), &g[i],
				       &oom, err, sizeof(err));
		if (!ok[i] && !oom && bad_add(w, i, err) < 0)
			oom = true;
	}
	if (oom || find_clashes(w, g, ok, n) < 0) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	int src = store_begin(c->d->store);
	if (src != STORE_OK) {
		store_failure(c, src, "start a transaction");
		goto out;
	}
	open = true;
	for (size_t i = 0; i < n; i++)
		if (ok[i] && import_one(w, i, &g[i]) < 0)
			goto out;
	if (json_array_sort(w->bad, by_index) < 0) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		goto out;
	}
	if (json_array_size(w->bad) > 0 && !w->skip_bad) {
		bad_rows_summary(w->bad, "component", "index", summary,
				 sizeof(summary));
		call_error(c, FOIA_E_INVALID,
			   "%s (%zu bad components; nothing imported; "
			   "--skip-bad imports the rest)",
			   summary, json_array_size(w->bad));
		goto out;
	}
	src = store_commit(c->d->store);
	if (src != STORE_OK) {
		store_failure(c, src, "commit");
		goto out;
	}
	open = false;
	rc = 0;
out:
	if (open)
		store_rollback(c->d->store);
	for (size_t i = 0; g && i < n; i++)
		given_clear(&g[i]);
	free(g);
	free(ok);
	return rc;
}

/* Parse text and import it; source names it in events and messages. */
static int not_json(struct call *c, const char *source,
		    const json_error_t *jerr)
{
	return call_error(c, FOIA_E_INVALID, "'%.200s': line %d: not JSON (%s)",
			  source, jerr->line, jerr->text);
}

/* Import the components of doc; source names it in events and
 * messages. */
static int import_value(struct call *c, json_t *doc, const char *source,
			bool skip_bad, json_t **result)
{
	struct agency_import w = {.c = c,
				  .source = source,
				  .skip_bad = skip_bad,
				  .bad = json_array()};
	json_t *comps = components_of(doc);
	int rc = -1;

	if (!w.bad)
		call_error(c, FOIA_E_INTERNAL, "out of memory");
	else if (!comps)
		call_error(c, FOIA_E_INVALID,
			   "'%.200s' is not a list of agency components "
			   "(expected FOIA.gov's {\"data\":[...]} or an "
			   "array)",
			   source);
	else if (import_doc(&w, doc, comps) == 0) {
		*result = json_pack("{s:I, s:I, s:I, s:O, s:s}", "added",
				    (json_int_t)w.added, "updated",
				    (json_int_t)w.updated, "unchanged",
				    (json_int_t)w.unchanged, "skipped", w.bad,
				    "source", source);
		rc = *result ? 0
			     : call_error(c, FOIA_E_INTERNAL, "out of memory");
		if (rc == 0)
			log_info("%s imported agencies from %s: %zu added, %zu "
				 "updated, %zu skipped",
				 c->peer->name, source, w.added, w.updated,
				 json_array_size(w.bad));
	}
	json_decref(comps);
	json_decref(w.bad);
	return rc;
}

/* Parse text and import it. */
static int import_text(struct call *c, const char *text, size_t len,
		       const char *source, bool skip_bad, json_t **result)
{
	json_error_t jerr;
	json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return not_json(c, source, &jerr);
	int rc = import_value(c, doc, source, skip_bad, result);
	json_decref(doc);
	return rc;
}

/* --- the download -----------------------------------------------------------
 */

/* A download under way and whom to answer when it ends. FOIA.gov answers
 * a page of components at a time, naming the next in links.next: the
 * pages are gathered (data and included) and imported together when the
 * last has come, in one transaction as from one file. */
struct agency_job {
	struct daemon *d;
	struct rpc_token token;
	struct peer peer; /* a copy: the connection may go first */
	char *url;
	char *source;
	bool skip_bad;
	unsigned pages;	  /* fetched so far */
	json_t *data;	  /* the components of the pages so far, or NULL */
	json_t *included; /* and their included resources */
};

static void job_free(struct agency_job *job)
{
	if (!job)
		return;
	free(job->url);
	free(job->source);
	json_decref(job->data);
	json_decref(job->included);
	free(job);
}

static int fetch_page(struct call *c, struct agency_job *job, const char *url);

/* links.next of a JSON:API page (text, or {"href": text}), or NULL. */
static const char *next_link(const json_t *doc)
{
	const json_t *n =
		json_object_get(json_object_get(doc, "links"), "next");
	if (json_is_object(n))
		n = json_object_get(n, "href");
	return json_string_value(n);
}

/* The length of url's "scheme://host:port", 0 when it has none. */
static size_t origin_len(const char *url)
{
	const char *p = strstr(url, "://");
	if (!p)
		return 0;
	p += 3;
	return (size_t)(p - url) + strcspn(p, "/?#");
}

/* Add the page's components and included resources to the job's. */
static int gather(struct agency_job *job, json_t *page)
{
	json_t *inc = json_object_get(page, "included");
	if (!job->data && !(job->data = json_array()))
		return -1;
	if (!job->included && !(job->included = json_array()))
		return -1;
	if (json_array_extend(job->data, json_object_get(page, "data")) < 0)
		return -1;
	return json_is_array(inc) ? json_array_extend(job->included, inc) : 0;
}

/* Fetch the page after this one: only from where the first came, and at
 * most AGENCY_IMPORT_MAX_PAGES. 0, or -1 with the error in c. */
static int next_page(struct call *c, struct agency_job *job, const char *next)
{
	size_t n = origin_len(job->url);
	if (job->pages >= AGENCY_IMPORT_MAX_PAGES)
		return call_error(c, FOIA_E_INVALID,
				  "'%s' has more than %d pages; nothing "
				  "imported",
				  job->source, AGENCY_IMPORT_MAX_PAGES);
	if (!n || origin_len(next) != n || strncasecmp(next, job->url, n) != 0)
		return call_error(c, FOIA_E_INVALID,
				  "the next page of '%s' is elsewhere "
				  "('%.64s'); nothing imported",
				  job->source, next);
	return fetch_page(c, job, next);
}

static void agency_fetched(void *arg, int ok, long http_status,
			   const char *body, size_t len, const char *error)
{
	struct agency_job *job = arg;
	struct call c = {.d = job->d, .peer = &job->peer, .token = job->token};
	json_t *result = NULL;

	(void)http_status; /* in error already when it matters */
	if (!ok) {
		call_error(&c, FOIA_E_INVALID, "cannot fetch '%s'%s: %s",
			   job->source, job->pages > 1 ? " (a later page)" : "",
			   error ? error : "failed");
		log_info("agencies not imported: %s", c.err_msg);
	} else {
		json_error_t jerr;
		json_t *doc =
			json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
		const char *next = doc ? next_link(doc) : NULL;
		bool paged = json_is_array(json_object_get(doc, "data")) &&
			     (next || job->data);
		if (!doc) {
			not_json(&c, job->source, &jerr);
		} else if (!paged) {
			import_value(&c, doc, job->source, job->skip_bad,
				     &result);
		} else if (gather(job, doc) < 0) {
			call_error(&c, FOIA_E_INTERNAL, "out of memory");
		} else if (next) {
			if (next_page(&c, job, next) == 0) {
				json_decref(doc);
				return; /* the job goes on */
			}
		} else {
			json_t *all = json_pack("{s:O, s:O}", "data", job->data,
						"included", job->included);
			if (all)
				import_value(&c, all, job->source,
					     job->skip_bad, &result);
			else
				call_error(&c, FOIA_E_INTERNAL,
					   "out of memory");
			json_decref(all);
		}
		json_decref(doc);
	}
	bool answered = result != NULL;
	char *line = rpc_call_reply(&c, result);
	if (!server_reply_later(&job->token, line) && answered)
		log_info("%s left before the answer; the agencies from %s are "
			 "imported all the same",
			 job->peer.name, job->source);
	job_free(job);
}

/* Start fetching a page of the job; agency_fetched takes it from there.
 * 0, or -1 with the error in c (the job is the caller's then). */
static int fetch_page(struct call *c, struct agency_job *job, const char *url)
{
	char err[256];
	if (check_url(c, url) < 0)
		return -1;
	if (fetch_start(url, AGENCY_IMPORT_MAX_BYTES, AGENCY_IMPORT_TIMEOUT_S,
			agency_fetched, job, err, sizeof(err)) < 0)
		return call_error(c, FOIA_E_INTERNAL, "cannot fetch '%s': %s",
				  job->source, err);
	job->pages++;
	log_debug("%s: downloading agencies from %s (page %u)", c->peer->name,
		  job->source, job->pages);
	return 0;
}

static int import_url(struct call *c, const char *url, bool skip_bad)
{
	if (call_may_download(c, url, "the file as 'text'") < 0)
		return -1;
	struct agency_job *job = calloc(1, sizeof(*job));
	if (job) {
		job->d = c->d;
		job->token = c->token;
		job->peer = *c->peer;
		job->skip_bad = skip_bad;
		job->url = strdup(url);
		/* Kept in the history: without the query, where an API key
		 * may be. */
		job->source = strndup(url, strcspn(url, "?#"));
	}
	if (!job || !job->url || !job->source) {
		job_free(job);
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	if (fetch_page(c, job, url) < 0) {
		job_free(job);
		return -1;
	}
	return RPC_PENDING;
}

int method_agency_import(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"text", "url", "source",
					      "skip_bad", NULL};
	const char *text, *url, *source;
	char err[ERRLEN];

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "text", &text) < 0 ||
	    param_string(c, params, "url", &url) < 0 ||
	    param_string(c, params, "source", &source) < 0)
		return -1;
	json_t *skip = json_object_get(params, "skip_bad");
	if (skip && !json_is_boolean(skip) && !json_is_null(skip))
		return call_error(c, FOIA_E_INVALID,
				  "'skip_bad' must be true or false");
	if (text && url)
		return call_error(c, FOIA_E_INVALID,
				  "give either 'text' or 'url', not both");
	if (url)
		return import_url(c, url, json_is_true(skip));
	if (!text)
		return call_error(c, FOIA_E_INVALID,
				  "'text' (the file) or 'url' is required");
	if (source &&
	    !check_text("source", source, 255, false, err, sizeof(err)))
		return call_error(c, FOIA_E_INVALID, "%s", err);
	return import_text(
		c, text, json_string_length(json_object_get(params, "text")),
		source ? source : "a file", json_is_true(skip), result);
}
