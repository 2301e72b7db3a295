/*
 * render.h: printing replies as tables, CSV, "Field: value" lines or JSON.
 */
#ifndef FOIA_CLI_RENDER_H
#define FOIA_CLI_RENDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Columns to fit a table into: the terminal's when stdout is one, else
 * $COLUMNS, else 0 (do not cut). */
int terminal_width(void);

/* v as JSON indented by 2, then a newline. Returns 0 or an exit code. */
int render_json(const json_t *v);

/* A column of a table or CSV file: its header, the key of the value in
 * each row object, and for a table, when the column may be left out: 0
 * never, else the table leaves out the columns with the highest drop first
 * while it does not fit even with the flex column cut. */
struct column {
	const char *header;
	const char *key;
	unsigned drop;
};

/* True when output may be coloured: stdout is a terminal, $NO_COLOR is
 * unset or empty and $TERM is not "dumb". */
bool use_color(void);

/* rows (an array of objects) as a table with a header line, columns fitted
 * to their contents; column flex is cut with "…" to fit width (0: never),
 * and columns are left out as their drop says. A row whose boolean member
 * mark (NULL: none) is true is shown in red where use_color() allows, else
 * with "!" at the start of its line. Returns 0 or an exit code. */
int render_table(const json_t *rows, const struct column *cols, size_t ncols,
		 size_t flex, int width, const char *mark);
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

/* o[key] as a string; NULL when o or the member is missing or not one. */
const char *member_text(const json_t *o, const char *key);
/* o[key] as an integer; 0 when o or the member is missing or not one. */
json_int_t member_int(const json_t *o, const char *key);

/* Display text of a JSON value: strings as they are, numbers in decimal,
 * booleans yes/no, null "", arrays joined by sep. NULL if out of memory. */
char *value_text(const json_t *v, const char *sep);

#endif
