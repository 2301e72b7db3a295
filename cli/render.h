/*
 * render.h: printing replies as tables, CSV, "Field: value" lines or JSON.
 */
#ifndef FOIA_CLI_RENDER_H
#define FOIA_CLI_RENDER_H

#include <jansson.h>
#include <stddef.h>

/* Columns to fit a table into: the terminal's when stdout is one, else
 * $COLUMNS, else 0 (do not cut). */
int terminal_width(void);

/* v as JSON indented by 2, then a newline. Returns 0 or an exit code. */
int render_json(const json_t *v);

/* A column of a table or CSV file: its header and the key of the value in
 * each row object. */
struct column {
	const char *header;
	const char *key;
};

/* rows (an array of objects) as a table with a header line, columns fitted
 * to their contents; column flex is cut with "…" to fit width (0: never).
 * Returns 0 or an exit code. */
int render_table(const json_t *rows, const struct column *cols, size_t ncols,
		 size_t flex, int width);
/* rows as RFC 4180 CSV with the keys as header; arrays joined by ";". */
int render_csv(const json_t *rows, const struct column *cols, size_t ncols);

/* A labelled value of an object, for "Field: value" listings. */
struct field {
	const char *label;
	const char *key;
};

/* One aligned "Label:  value" line for each non-empty field of obj, values
 * starting in column width. Returns 0 or an exit code. */
int render_fields(const json_t *obj, const struct field *fields, size_t n,
		  int width);
/* One "Label:  value" line, later lines of value indented under the first. */
void print_field(const char *label, const char *value, int width);
/* text with every line indented, control characters made harmless. */
void print_block(const char *text, const char *indent);

/* s on one line in at most max columns, cut with "…"; controls shown as
 * spaces. Returns the columns written. */
size_t print_text(const char *s, size_t max);
/* s with each newline followed by indent, controls made harmless. */
void print_lines(const char *s, const char *indent);
/* Columns s takes on a terminal. */
size_t text_columns(const char *s);

/* Display text of a JSON value: strings as they are, numbers in decimal,
 * booleans yes/no, null "", arrays joined by sep. NULL if out of memory. */
char *value_text(const json_t *v, const char *sep);

#endif
