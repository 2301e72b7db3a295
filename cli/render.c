/*
 * render.c: how replies look on stdout.
 *
 * Text meant for a terminal (tables and "Field: value" listings) is made
 * harmless on the way out: the values were typed by other users of a shared
 * daemon, and a stray escape sequence in a subject must not drive the
 * reader's terminal, nor a tab or newline break a table's columns. Widths
 * count code points, which is right for the one-column scripts FOIA subjects
 * are written in. CSV and JSON are for programs and carry values unchanged.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "render.h"

#define ELLIPSIS    "\xe2\x80\xa6" /* U+2026, one column */
#define MIN_CUT	    5		   /* a cut column keeps at least this much */
#define MAX_COLUMNS 16
#define MAX_INDENT  40

int terminal_width(void)
{
	struct winsize ws;
	const char *env = getenv("COLUMNS");
	char *end;

	if (isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (!env || !*env)
		return 0;
	long n = strtol(env, &end, 10);
	return *end == '\0' && n > 0 && n < 100000 ? (int)n : 0;
}

int render_json(const json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2)) != 0)
		return out_of_memory();
	putchar('\n');
	return 0;
}

/* --- text of values ------------------------------------------------ */

static char *join_array(const json_t *a, const char *sep)
{
	size_t len = 0, seplen = strlen(sep);
	char *out = calloc(1, 1);

	for (size_t i = 0; out && i < json_array_size(a); i++) {
		char *t = value_text(json_array_get(a, i), sep);
		size_t tlen = t ? strlen(t) : 0;
		char *grown = t ? realloc(out, len + seplen + tlen + 1) : NULL;
		if (!grown) {
			free(t);
			free(out);
			return NULL;
		}
		out = grown;
		if (i > 0) {
			memcpy(out + len, sep, seplen);
			len += seplen;
		}
		memcpy(out + len, t, tlen + 1);
		len += tlen;
		free(t);
	}
	return out;
}

char *value_text(const json_t *v, const char *sep)
{
	char num[64];

	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return strdup(json_string_value(v));
	case JSON_INTEGER:
		snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
			 json_integer_value(v));
		return strdup(num);
	case JSON_REAL:
		snprintf(num, sizeof num, "%g", json_real_value(v));
		return strdup(num);
	case JSON_TRUE:
		return strdup("yes");
	case JSON_FALSE:
		return strdup("no");
	case JSON_ARRAY:
		return join_array(v, sep);
	case JSON_OBJECT:
		return json_dumps(v, JSON_COMPACT);
	default:
		return strdup("");
	}
}

const char *member_text(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

json_int_t member_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* --- terminal-safe text -------------------------------------------- */

static bool is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Bytes of the code point at s, 1 for a stray byte. */
static size_t cp_len(const char *s)
{
	size_t n = 1;

	while (s[n] && is_cont((unsigned char)s[n]))
		n++;
	return n;
}

/* Columns s takes: one per code point (emit() shows controls as one
 * space each). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += !is_cont((unsigned char)*s);
	return w;
}

/* Write len bytes of s. A newline is followed by indent when newlines is
 * set; every other control, C1 controls (U+0080..U+009F) included, shows
 * as a space. */
static void emit(const char *s, size_t len, const char *indent, bool newlines)
{
	const char *end = s + len;

	while (s < end) {
		const unsigned char *p = (const unsigned char *)s;
		size_t n = cp_len(s);
		bool c1 = n == 2 && p[0] == 0xC2 && p[1] <= 0x9F;
		if (*p == '\n' && newlines) {
			putchar('\n');
			fputs(indent, stdout);
		} else if (*p == '\t' && newlines) {
			putchar('\t');
		} else if (*p < 0x20 || *p == 0x7F || c1) {
			putchar(' ');
		} else {
			fwrite(s, 1, n, stdout);
		}
		s += n;
	}
}

/* Write s in at most max columns, cut with an ellipsis; returns the
 * columns written. */
static size_t emit_cut(const char *s, size_t max)
{
	size_t w = text_width(s), len = 0;

	if (w <= max) {
		emit(s, strlen(s), "", false);
		return w;
	}
	if (max == 0)
		return 0;
	for (size_t i = 0; i + 1 < max; i++)
		len += cp_len(s + len);
	emit(s, len, "", false);
	fputs(ELLIPSIS, stdout);
	return max;
}

size_t print_text(const char *s, size_t max)
{
	return emit_cut(s, max);
}

void print_lines(const char *s, const char *indent)
{
	emit(s, strlen(s), indent, true);
}

size_t text_columns(const char *s)
{
	return text_width(s);
}

/* --- tables -------------------------------------------------------- */

#define MARK	  "!"
#define RED	  "\033[31m"
#define NO_COLOUR "\033[0m"

bool use_color(void)
{
	const char *no = getenv("NO_COLOR"), *term = getenv("TERM");

	if (no && *no)
		return false;
	if (term && strcmp(term, "dumb") == 0)
		return false;
	return isatty(STDOUT_FILENO);
}

/* Row 0 holds the headers, so they are measured and printed like data. */
struct table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
	bool *marked; /* nrows */
	bool colour;  /* marked rows in red, else with MARK */
	size_t width[MAX_COLUMNS];
	bool hidden[MAX_COLUMNS];
};

static void table_free(struct table *t)
{
	for (size_t i = 0; t->cells && i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->marked);
}

static char *cell_text(const json_t *row, const struct column *col)
{
	if (!row)
		return strdup(col->header);
	return value_text(json_object_get(row, col->key), ",");
}

/* MARK before the first cell of a marked row, when not in colour. */
static char *mark_cell(char *cell)
{
	size_t len = strlen(cell);
	char *s = malloc(len + sizeof MARK);

	if (s) {
		memcpy(s, MARK, sizeof MARK - 1);
		memcpy(s + sizeof MARK - 1, cell, len + 1);
	}
	free(cell);
	return s;
}

static int table_fill(struct table *t, const json_t *rows,
		      const struct column *cols, const char *mark)
{
	t->nrows = json_array_size(rows) + 1;
	t->cells = calloc(t->nrows * t->ncols, sizeof *t->cells);
	t->marked = calloc(t->nrows, sizeof *t->marked);
	if (!t->cells || !t->marked)
		return out_of_memory();
	for (size_t r = 0; r < t->nrows; r++) {
		const json_t *row = r ? json_array_get(rows, r - 1) : NULL;
		t->marked[r] = mark && json_is_true(json_object_get(row, mark));
		for (size_t c = 0; c < t->ncols; c++) {
			char **cell = &t->cells[r * t->ncols + c];
			if (!(*cell = cell_text(row, &cols[c])))
				return out_of_memory();
			if (c == 0 && t->marked[r] && !t->colour &&
			    !(*cell = mark_cell(*cell)))
				return out_of_memory();
		}
	}
	return 0;
}

/* Columns of the shown columns and the two spaces between them, with the
 * flex column at flex_width. */
static size_t table_total(const struct table *t, size_t flex, size_t flex_width)
{
	size_t total = 0, shown = 0;

	for (size_t c = 0; c < t->ncols; c++) {
		if (t->hidden[c])
			continue;
		total += c == flex ? flex_width : t->width[c];
		shown++;
	}
	return total + (shown ? 2 * (shown - 1) : 0);
}

/* The shown column that is left out first, or ncols when none may be. */
static size_t next_drop(const struct table *t, const struct column *cols)
{
	size_t pick = t->ncols;

	for (size_t c = 0; c < t->ncols; c++)
		if (!t->hidden[c] && cols[c].drop &&
		    (pick == t->ncols || cols[c].drop > cols[pick].drop))
			pick = c;
	return pick;
}

/* Widths fitted to the contents; then, while the lines do not fit in width
 * columns even with the flex column cut to its header (or MIN_CUT), leave
 * out columns as their drop says; then narrow the flex column to fit. */
static void table_fit(struct table *t, const struct column *cols, size_t flex,
		      int width)
{
	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = 0;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = text_width(t->cells[r * t->ncols + c]);
			w = cw > w ? cw : w;
		}
		t->width[c] = w;
	}
	if (width <= 0)
		return;
	size_t keep = flex < t->ncols ? text_width(t->cells[flex]) : 0;
	keep = keep > MIN_CUT ? keep : MIN_CUT;
	if (flex < t->ncols && keep > t->width[flex])
		keep = t->width[flex];
	while (table_total(t, flex, keep) > (size_t)width) {
		size_t c = next_drop(t, cols);
		if (c == t->ncols)
			break;
		t->hidden[c] = true;
	}
	size_t total = table_total(t, t->ncols, 0);
	if (flex >= t->ncols || total <= (size_t)width)
		return;
	size_t spare = t->width[flex] - keep;
	size_t over = total - (size_t)width;
	t->width[flex] -= over < spare ? over : spare;
}

/* One line; empty trailing cells leave no trailing blanks. */
static void table_line(const struct table *t, size_t r)
{
	char *const *cells = t->cells + r * t->ncols;
	size_t last = t->ncols;
	bool red = t->colour && t->marked[r];

	while (last > 0 && (t->hidden[last - 1] || !*cells[last - 1]))
		last--;
	if (red)
		fputs(RED, stdout);
	for (size_t c = 0; c < last; c++) {
		if (t->hidden[c])
			continue;
		size_t used = emit_cut(cells[c], t->width[c]);
		if (c + 1 < last)
			printf("%*s", (int)(t->width[c] - used + 2), "");
	}
	if (red)
		fputs(NO_COLOUR, stdout);
	putchar('\n');
}

int render_table(const json_t *rows, const struct column *cols, size_t ncols,
		 size_t flex, int width, const char *mark)
{
	struct table t = {.ncols = ncols, .colour = mark && use_color()};
	int rc;

	if (ncols == 0 || ncols > MAX_COLUMNS)
		return EXIT_REFUSED;
	rc = table_fill(&t, rows, cols, mark);
	if (rc == 0) {
		table_fit(&t, cols, flex, width);
		for (size_t r = 0; r < t.nrows; r++)
			table_line(&t, r);
	}
	table_free(&t);
	return rc;
}

/* --- CSV ----------------------------------------------------------- */

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

int render_csv(const json_t *rows, const struct column *cols, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		if (c)
			putchar(',');
		csv_field(cols[c].key);
	}
	fputs("\r\n", stdout);
	for (size_t r = 0; r < json_array_size(rows); r++) {
		const json_t *row = json_array_get(rows, r);
		for (size_t c = 0; c < ncols; c++) {
			char *s = value_text(json_object_get(row, cols[c].key),
					     ";");
			if (!s)
				return out_of_memory();
			if (c)
				putchar(',');
			csv_field(s);
			free(s);
		}
		fputs("\r\n", stdout);
	}
	return 0;
}

/* --- "Field: value" ------------------------------------------------ */

void print_field(const char *label, const char *value, int width)
{
	char indent[MAX_INDENT + 1];
	int n = width > MAX_INDENT ? MAX_INDENT : width;
	int used = printf("%s:", label);

	memset(indent, ' ', (size_t)n);
	indent[n] = '\0';
	printf("%*s", used < n ? n - used : 1, "");
	print_lines(value, indent);
	putchar('\n');
}

void print_block(const char *text, const char *indent)
{
	fputs(indent, stdout);
	print_lines(text, indent);
	putchar('\n');
}

int render_fields(const json_t *obj, const struct field *fields, size_t n,
		  int width)
{
	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(obj, fields[i].key);
		if (!v || json_is_null(v))
			continue;
		char *s = value_text(v, ", ");
		if (!s)
			return out_of_memory();
		if (*s)
			print_field(fields[i].label, s, width);
		free(s);
	}
	return 0;
}
