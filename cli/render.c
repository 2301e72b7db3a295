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

/* Row 0 holds the headers, so they are measured and printed like data. */
struct table {
	size_t ncols, nrows;
	char **cells; /* nrows * ncols */
	size_t width[MAX_COLUMNS];
};

static void table_free(struct table *t)
{
	for (size_t i = 0; t->cells && i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
}

static char *cell_text(const json_t *row, const struct column *col)
{
	if (!row)
		return strdup(col->header);
	return value_text(json_object_get(row, col->key), ",");
}

static int table_fill(struct table *t, const json_t *rows,
		      const struct column *cols)
{
	t->nrows = json_array_size(rows) + 1;
	t->cells = calloc(t->nrows * t->ncols, sizeof *t->cells);
	if (!t->cells)
		return out_of_memory();
	for (size_t r = 0; r < t->nrows; r++) {
		const json_t *row = r ? json_array_get(rows, r - 1) : NULL;
		for (size_t c = 0; c < t->ncols; c++) {
			char **cell = &t->cells[r * t->ncols + c];
			if (!(*cell = cell_text(row, &cols[c])))
				return out_of_memory();
		}
	}
	return 0;
}

/* Widths fitted to the contents, then the flex column narrowed until the
 * lines fit in width columns, but not below its header or MIN_CUT. */
static void table_fit(struct table *t, size_t flex, int width)
{
	size_t total = 2 * (t->ncols - 1);

	for (size_t c = 0; c < t->ncols; c++) {
		size_t w = 0;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = text_width(t->cells[r * t->ncols + c]);
			w = cw > w ? cw : w;
		}
		t->width[c] = w;
		total += w;
	}
	if (width <= 0 || flex >= t->ncols || total <= (size_t)width)
		return;
	size_t keep = text_width(t->cells[flex]);
	keep = keep > MIN_CUT ? keep : MIN_CUT;
	size_t spare = t->width[flex] > keep ? t->width[flex] - keep : 0;
	size_t over = total - (size_t)width;
	t->width[flex] -= over < spare ? over : spare;
}

/* One line; empty trailing cells leave no trailing blanks. */
static void table_line(const struct table *t, char *const *cells)
{
	size_t last = t->ncols;

	while (last > 0 && !*cells[last - 1])
		last--;
	for (size_t c = 0; c < last; c++) {
		size_t used = emit_cut(cells[c], t->width[c]);
		if (c + 1 < last)
			printf("%*s", (int)(t->width[c] - used + 2), "");
	}
	putchar('\n');
}

int render_table(const json_t *rows, const struct column *cols, size_t ncols,
		 size_t flex, int width)
{
	struct table t = {.ncols = ncols};
	int rc;

	if (ncols == 0 || ncols > MAX_COLUMNS)
		return EXIT_REFUSED;
	rc = table_fill(&t, rows, cols);
	if (rc == 0) {
		table_fit(&t, flex, width);
		for (size_t r = 0; r < t.nrows; r++)
			table_line(&t, t.cells + r * ncols);
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
