/*
 * method_util.c: helpers shared by the method handlers (see method_util.h).
 */
#include "method_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "fetch.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "json_text.h"
#include "log.h"
#include "request_fields.h"
#include "status.h"

int32_t today_days(void)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return civil_to_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void today_string(char *buf, size_t len)
{
	civil_format(today_days(), buf, len);
}

int param_id(struct call *c, json_t *params, const char *key, int64_t *id)
{
	json_t *v = json_object_get(params, key);
	if (!v)
		return call_error(c, FOIA_E_INVALID, "'%s' is required", key);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return call_error(c, FOIA_E_INVALID,
				  "'%s' must be a positive integer", key);
	*id = json_integer_value(v);
	return 0;
}

int param_string(struct call *c, json_t *params, const char *key,
		 const char **out)
{
	json_t *v = json_object_get(params, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return call_error(c, FOIA_E_INVALID, "'%s' must be a string",
				  key);
	*out = json_string_value(v);
	return 0;
}

int params_known(struct call *c, json_t *params, const char *const *allowed,
		 bool with_fields)
{
	const char *key;
	json_t *v;
	json_object_foreach(params, key, v)
	{
		bool ok = with_fields && request_field_find(key);
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = strcmp(key, allowed[i]) == 0;
		if (!ok)
			return call_error(c, FOIA_E_INVALID,
					  "unknown parameter '%.64s'", key);
	}
	return 0;
}

int check_law(struct call *c, const char *code)
{
	if (!code || c->d->laws.n == 0 || jurisdiction_find(&c->d->laws, code))
		return 0;
	return call_error(c, FOIA_E_INVALID,
			  "unknown jurisdiction '%.64s' (see 'foia "
			  "jurisdictions')",
			  code);
}

int json_array_sort(json_t *a, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(a);
	if (n < 2)
		return 0;
	json_t **v = malloc(n * sizeof(*v));
	if (!v)
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof(*v), cmp);
	json_array_clear(a);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, v[i]);
	free(v);
	return 0;
}

int store_failure(struct call *c, int rc, const char *doing)
{
	const char *msg = store_errmsg(c->d->store);
	switch (rc) {
	/* Conditions of the machine, not bugs: said as such to the client
	 * (which may retry once there is room) and to the log (the
	 * operator is the one who can make room). */
	case STORE_FULL:
		log_warnx("cannot %s: the disk is full (%s)", doing, msg);
		return call_error(c, FOIA_E_DISK_FULL,
				  "cannot %s: the disk is full", doing);
	case STORE_READONLY:
		log_warnx("cannot %s: the database is read-only for foiad: %s",
			  doing, msg);
		return call_error(c, FOIA_E_READ_ONLY,
				  "cannot %s: the database is read-only for "
				  "foiad: %s",
				  doing, msg);
	case STORE_BUSY:
		return call_error(c, FOIA_E_INTERNAL,
				  "cannot %s: the database is locked", doing);
	case STORE_CONFLICT:
		return call_error(c, FOIA_E_CONFLICT, "cannot %s: %s", doing,
				  msg);
	default:
		return call_error(c, FOIA_E_INTERNAL, "cannot %s: %s", doing,
				  msg);
	}
}

static json_t *opt_string(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *days_open(const struct request *r, int32_t today)
{
	int32_t sent, end = today;
	if (!r->sent || !civil_parse(r->sent, &sent))
		return json_null();
	if (!status_is_open(r->status) && r->closed &&
	    !civil_parse(r->closed, &end))
		end = today;
	return json_integer(end - sent);
}

json_t *request_to_json(const struct request *r, int32_t today)
{
	json_t *o = json_object();
	json_t *tags = json_array();
	if (!o || !tags)
		goto fail;
	for (size_t i = 0; i < r->ntags; i++)
		if (json_array_append_new(tags, json_string(r->tags[i])) < 0)
			goto fail;
	int bad = json_object_set_new(o, "id", json_integer(r->id));
	bad |= json_object_set_new(
		o, "batch", r->batch ? json_integer(r->batch) : json_null());
	bad |= json_object_set_new(o, "agency_name",
				   opt_string(r->agency_name));
	for (size_t i = 0; i < request_fields_count; i++)
		bad |= json_object_set_new(
			o, request_fields[i].name,
			field_to_json(&request_fields[i], r));
	bad |= json_object_set_new(o, "tags", tags);
	tags = NULL;
	bad |= json_object_set_new(o, "status", opt_string(r->status));
	bad |= json_object_set_new(o, "created", opt_string(r->created));
	bad |= json_object_set_new(o, "updated", opt_string(r->updated));
	bad |= json_object_set_new(o, "created_by", opt_string(r->created_by));
	bad |= json_object_set_new(o, "days_open", days_open(r, today));
	if (!bad)
		return o;
fail:
	json_decref(tags);
	json_decref(o);
	return NULL;
}

json_t *event_to_json(const struct event *e)
{
	return json_pack(
		"{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
		"s:o}",
		"id", (json_int_t)e->id, "request",
		e->request_id ? json_integer(e->request_id) : json_null(),
		"agency", opt_string(e->agency), "at", opt_string(e->at),
		"actor", opt_string(e->actor), "kind", opt_string(e->kind),
		"field", opt_string(e->field), "from", opt_string(e->old_value),
		"to", opt_string(e->new_value), "date", opt_string(e->date),
		"note", opt_string(e->note));
}

json_t *agency_published_json(const struct agency *a)
{
	if (!a->has_median_simple && !a->has_median_complex)
		return json_null();
	return json_pack("{s:o, s:o, s:o, s:o}", "simple",
			 a->has_median_simple ? json_real(a->median_simple)
					      : json_null(),
			 "complex",
			 a->has_median_complex ? json_real(a->median_complex)
					       : json_null(),
			 "year",
			 a->published_year ? json_integer(a->published_year)
					   : json_null(),
			 "source", opt_string(a->published_source));
}

json_t *agency_to_json(const struct agency *a)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "code", opt_string(a->code), "name",
			 opt_string(a->name), "parent", opt_string(a->parent),
			 "jurisdiction", opt_string(a->jurisdiction), "email",
			 opt_string(a->email), "portal", opt_string(a->portal),
			 "address", opt_string(a->address), "website",
			 opt_string(a->website), "published_median",
			 agency_published_json(a));
}

void bad_rows_summary(json_t *bad, const char *what, const char *key, char *out,
		      size_t len)
{
	size_t i, o = 0;
	json_t *b;
	out[0] = '\0';
	json_array_foreach(bad, i, b)
	{
		if (i == 5) {
			snprintf(out + o, len - o, "; and %zu more",
				 json_array_size(bad) - 5);
			return;
		}
		int k = snprintf(
			out + o, len - o, "%s%s %lld: %s", i ? "; " : "", what,
			(long long)json_integer_value(json_object_get(b, key)),
			json_string_value(json_object_get(b, "reason")));
		if (k < 0 || (size_t)k >= len - o)
			return;
		o += (size_t)k;
	}
}

const char *text_excerpt(const char *s, char buf[64])
{
	size_t n = strlen(s);
	if (n <= 48)
		return s;
	n = 48;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

int check_url(struct call *c, const char *url)
{
	char ex[64];
	size_t n = strlen(url), scheme;
	if (n > FOIA_MAX_URL)
		return call_error(c, FOIA_E_INVALID, "url over %d bytes",
				  FOIA_MAX_URL);
	if (strncasecmp(url, "http://", 7) == 0)
		scheme = 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		scheme = 8;
	else
		return call_error(c, FOIA_E_INVALID,
				  "url '%s' must start with http:// or "
				  "https://",
				  text_excerpt(url, ex));
	if (url[scheme] == '\0' || url[scheme] == '/')
		return call_error(c, FOIA_E_INVALID, "url '%s' has no host",
				  text_excerpt(url, ex));
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)url[i];
		if (ch <= ' ' || ch >= 0x7f)
			return call_error(c, FOIA_E_INVALID,
					  "url '%s' has a space or a "
					  "character not allowed in a URL",
					  text_excerpt(url, ex));
	}
	return 0;
}

int call_may_download(struct call *c, const char *url, const char *instead)
{
	if (check_url(c, url) < 0)
		return -1;
	if (!c->token.server)
		return call_error(c, FOIA_E_INVALID,
				  "this caller cannot wait for a download; "
				  "send %s",
				  instead);
	if (fetch_running() >= FETCH_MAX_TRANSFERS)
		return call_error(c, FOIA_E_CONFLICT,
				  "%d downloads are running already; try "
				  "again later",
				  FETCH_MAX_TRANSFERS);
	return 0;
}

void request_item_text(struct text *t, const struct request *r)
{
	t_raw(t, "\"request\":");
	t_int(t, (long long)r->id);
	t_key(t, "agency");
	t_str(t, r->agency);
	t_key(t, "subject");
	t_str(t, r->subject);
	t_key(t, "project");
	t_str(t, r->project);
	t_key(t, "status");
	t_str(t, r->status);
}
