/*
 * validate.h: checks on values that arrive from clients and seed files.
 *
 * Pure functions. Each check that fails writes a one-line message in the
 * project's style ("invalid date '2025-02-30' for 'sent' (expected
 * YYYY-MM-DD)") into the caller's buffer, so every entry point refuses bad
 * input with the same words.
 */
#ifndef FOIAD_VALIDATE_H
#define FOIAD_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

bool utf8_valid(const char *s, size_t len);
/* Offset of the first invalid byte, or len when s is valid UTF-8. */
size_t utf8_invalid_at(const char *s, size_t len);

/* Text: valid UTF-8, no NUL, at most limit bytes, and for single-line
 * fields no control characters. */
bool check_text(const char *field, const char *v, size_t limit, bool multiline,
		char *err, size_t errlen);
bool check_date(const char *field, const char *v, char *err, size_t errlen);
/* Agency codes: 1..FOIA_MAX_CODE of [A-Za-z0-9._-], starting alnum. */
bool check_code(const char *field, const char *v, char *err, size_t errlen);
/* Jurisdiction codes: lower case "us-federal", "sv", "us-ca". */
bool check_jurisdiction(const char *v, char *err, size_t errlen);
/* One of a NULL-terminated list of names; the error lists them. */
bool check_enum(const char *field, const char *v, const char *const *names,
		char *err, size_t errlen);
/* "12", "12.5", "12.50" -> cents. */
bool parse_money(const char *field, const char *v, int64_t *cents, char *err,
		 size_t errlen);
void format_money(int64_t cents, char *buf, size_t len);

#endif
