/*
 * request_fields.c: the request field table and the generic operations on
 * it (parse from JSON, render to JSON or text, compare, copy).
 */
#include "request_fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/protocol.h"
#include "validate.h"

static const char *const method_names[] = {FOIA_METHOD_NAMES, NULL};
static const char *const fee_category_names[] = {FOIA_FEE_CATEGORY_NAMES, NULL};

#define STR(name, kind, member, limit)                                         \
	{                                                                      \
		name, kind, offsetof(struct request, member), limit, NULL      \
	}

const struct field_def request_fields[] = {
	STR("agency", FK_CODE, agency, FOIA_MAX_CODE),
	STR("component", FK_TEXT, component, FOIA_MAX_COMPONENT),
	STR("jurisdiction", FK_JURIS, jurisdiction, FOIA_MAX_CODE),
	STR("subject", FK_TEXT, subject, FOIA_MAX_SUBJECT),
	STR("description", FK_MULTI, description, FOIA_MAX_DESCRIPTION),
	STR("requester", FK_TEXT, requester, FOIA_MAX_REQUESTER),
	STR("project", FK_TEXT, project, FOIA_MAX_PROJECT),
	{"method", FK_ENUM, offsetof(struct request, method), 16, method_names},
	STR("tracking", FK_TEXT, tracking, FOIA_MAX_TRACKING),
	STR("sent", FK_DATE, sent, 10),
	STR("received", FK_DATE, received, 10),
	STR("acknowledged", FK_DATE, acknowledged, 10),
	STR("closed", FK_DATE, closed, 10),
	{"expedited", FK_BOOL, offsetof(struct request, expedited), 0, NULL},
	{"fee_waiver", FK_BOOL, offsetof(struct request, fee_waiver), 0, NULL},
	{"fee_category", FK_ENUM, offsetof(struct request, fee_category), 32,
	 fee_category_names},
	{"fees_estimated", FK_MONEY, offsetof(struct request, fees_estimated),
	 0, NULL},
	{"fees_paid", FK_MONEY, offsetof(struct request, fees_paid), 0, NULL},
};

const size_t request_fields_count =
	sizeof(request_fields) / sizeof(request_fields[0]);

const struct field_def *request_field_find(const char *name)
{
	for (size_t i = 0; i < request_fields_count; i++)
		if (strcmp(request_fields[i].name, name) == 0)
			return &request_fields[i];
	return NULL;
}

static char **str_slot(const struct field_def *f, const struct request *r)
{
	return (char **)((char *)r + f->offset);
}

static bool *bool_slot(const struct field_def *f, const struct request *r)
{
	return (bool *)((char *)r + f->offset);
}

static int64_t *money_slot(const struct field_def *f, const struct request *r)
{
	return (int64_t *)((char *)r + f->offset);
}

static bool check_string(const struct field_def *f, const char *s, char *err,
			 size_t errlen)
{
	switch (f->kind) {
	case FK_DATE:
		return check_date(f->name, s, err, errlen);
	case FK_ENUM:
		return check_enum(f->name, s, f->names, err, errlen);
	case FK_CODE:
		return check_code("agency code", s, err, errlen);
	case FK_JURIS:
		return check_jurisdiction(s, err, errlen);
	default:
		return check_text(f->name, s, f->limit, f->kind == FK_MULTI,
				  err, errlen);
	}
}

static bool string_from_json(const struct field_def *f, json_t *v,
			     struct request *r, bool clearing, char *err,
			     size_t errlen)
{
	char **slot = str_slot(f, r);
	const char *s = json_string_value(v);
	if (!s) {
		snprintf(err, errlen, "'%s' must be a string", f->name);
		return false;
	}
	if (*s == '\0' && clearing) {
		free(*slot);
		*slot = NULL;
		return true;
	}
	if (!check_string(f, s, err, errlen))
		return false;
	char *copy = strdup(s);
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	free(*slot);
	*slot = copy;
	return true;
}

static bool money_from_json(const struct field_def *f, json_t *v,
			    struct request *r, bool clearing, char *err,
			    size_t errlen)
{
	const char *s = json_string_value(v);
	if (!s) {
		snprintf(err, errlen, "'%s' must be a string such as \"25.00\"",
			 f->name);
		return false;
	}
	if (*s == '\0' && clearing) {
		*money_slot(f, r) = -1;
		return true;
	}
	return parse_money(f->name, s, money_slot(f, r), err, errlen);
}

bool field_from_json(const struct field_def *f, json_t *v, struct request *r,
		     bool clearing, char *err, size_t errlen)
{
	if (json_is_null(v) && clearing)
		v = json_string("");
	else
		json_incref(v);
	bool ok;
	if (f->kind == FK_BOOL) {
		ok = json_is_boolean(v);
		if (ok)
			*bool_slot(f, r) = json_is_true(v);
		else
			snprintf(err, errlen, "'%s' must be true or false",
				 f->name);
	} else if (f->kind == FK_MONEY) {
		ok = money_from_json(f, v, r, clearing, err, errlen);
	} else {
		ok = string_from_json(f, v, r, clearing, err, errlen);
	}
	json_decref(v);
	return ok;
}

json_t *field_to_json(const struct field_def *f, const struct request *r)
{
	char buf[32];
	if (f->kind == FK_BOOL)
		return json_boolean(*bool_slot(f, r));
	if (f->kind == FK_MONEY) {
		if (*money_slot(f, r) < 0)
			return json_null();
		format_money(*money_slot(f, r), buf, sizeof(buf));
		return json_string(buf);
	}
	const char *s = *str_slot(f, r);
	return s ? json_string(s) : json_null();
}

char *field_to_text(const struct field_def *f, const struct request *r)
{
	char buf[32];
	if (f->kind == FK_BOOL)
		return strdup(*bool_slot(f, r) ? "yes" : "no");
	if (f->kind == FK_MONEY) {
		if (*money_slot(f, r) < 0)
			return NULL;
		format_money(*money_slot(f, r), buf, sizeof(buf));
		return strdup(buf);
	}
	const char *s = *str_slot(f, r);
	return s ? strdup(s) : NULL;
}

bool field_equal(const struct field_def *f, const struct request *a,
		 const struct request *b)
{
	if (f->kind == FK_BOOL)
		return *bool_slot(f, a) == *bool_slot(f, b);
	if (f->kind == FK_MONEY)
		return *money_slot(f, a) == *money_slot(f, b);
	const char *x = *str_slot(f, a), *y = *str_slot(f, b);
	if (!x || !y)
		return x == y;
	return f->kind == FK_CODE ? strcasecmp(x, y) == 0 : strcmp(x, y) == 0;
}

bool field_copy(const struct field_def *f, struct request *dst,
		const struct request *src)
{
	if (f->kind == FK_BOOL) {
		*bool_slot(f, dst) = *bool_slot(f, src);
		return true;
	}
	if (f->kind == FK_MONEY) {
		*money_slot(f, dst) = *money_slot(f, src);
		return true;
	}
	const char *s = *str_slot(f, src);
	char *copy = s ? strdup(s) : NULL;
	if (s && !copy)
		return false;
	free(*str_slot(f, dst));
	*str_slot(f, dst) = copy;
	return true;
}
