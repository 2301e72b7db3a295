/*
 * request_fields.h: one table describing every editable field of a request:
 * its wire name, its kind, where it lives in struct request, and its limit.
 *
 * Filing, updating, rendering to JSON and writing change events all walk
 * this table, so a field is added in one place and cannot be accepted by
 * one command yet forgotten by another.
 */
#ifndef FOIAD_REQUEST_FIELDS_H
#define FOIAD_REQUEST_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "store.h"

enum field_kind {
	FK_TEXT,  /* single line */
	FK_MULTI, /* may hold newlines */
	FK_DATE,
	FK_ENUM,
	FK_BOOL,
	FK_MONEY,
	FK_CODE,  /* agency code */
	FK_JURIS, /* jurisdiction code */
};

struct field_def {
	const char *name;
	enum field_kind kind;
	size_t offset;
	size_t limit;
	const char *const *names; /* FK_ENUM */
};

extern const struct field_def request_fields[];
extern const size_t request_fields_count;

const struct field_def *request_field_find(const char *name);

/*
 * Read field f from a JSON value into r. clearing says an empty string or
 * null clears the field (updates); otherwise null is refused. On a bad
 * value writes a message into err and returns false.
 */
bool field_from_json(const struct field_def *f, json_t *v, struct request *r,
		     bool clearing, char *err, size_t errlen);
/* The field of r as JSON (null when absent). */
json_t *field_to_json(const struct field_def *f, const struct request *r);
/* The field of r as text for a change event; NULL when absent. The
 * result is malloc'd. */
char *field_to_text(const struct field_def *f, const struct request *r);
/* Do a and b hold the same value of f? */
bool field_equal(const struct field_def *f, const struct request *a,
		 const struct request *b);
/* Copy f from src to dst (deep). Returns false when out of memory. */
bool field_copy(const struct field_def *f, struct request *dst,
		const struct request *src);

#endif
