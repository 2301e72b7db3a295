/*
 * csv_text.h: reading CSV text (RFC 4180, through libcsv) row by row with
 * the line each row starts on, and writing CSV text into a growing buffer.
 * Used by export and import; no other file touches libcsv.
 */
#ifndef FOIAD_CSV_TEXT_H
#define FOIAD_CSV_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Called for each row: its fields (NUL-terminated), how many, and the line
 * (1-based) the row starts on. A nonzero return stops the reading. */
typedef int (*csv_row_fn)(char **fields, size_t n, long line, void *arg);

/* Parse len bytes of text. Returns 0, the callback's nonzero return, or
 * -1 with a message in err (malformed CSV, naming the line). */
int csv_read(const char *text, size_t len, csv_row_fn cb, void *arg, char *err,
	     size_t errlen);

struct csv_out {
	char *buf; /* NUL-terminated; the caller frees it */
	size_t len, cap;
	bool oom;    /* a write ran out of memory */
	bool in_row; /* a field was written on this row */
};

/* One field (NULL writes an empty one), quoted when it must be. */
void csv_field(struct csv_out *o, const char *v);
void csv_end_row(struct csv_out *o);

#endif
