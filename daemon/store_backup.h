/*
 * store_backup.h: every table of the database as plain rows, for `foia
 * export --format json` (a complete backup) and the restore that `foia
 * import` makes of it into an empty database.
 *
 * The tables and their columns are read from the database's own schema,
 * so a table or column added by a later migration is in the backup
 * without a change here. A row is an array of values in column order,
 * typed as SQLite stores them (integer, text or NULL), so a dump restored
 * and dumped again gives the same values. Restoring keeps ids and
 * timestamps exactly as given; the normal insert functions would set them.
 */
#ifndef FOIAD_STORE_BACKUP_H
#define FOIAD_STORE_BACKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum backup_type { BV_NULL, BV_INT, BV_TEXT };

struct backup_value {
	enum backup_type type;
	int64_t i;
	const char *text; /* BV_TEXT: NUL-terminated */
};

#define BACKUP_MAXCOLS 64

struct backup_table {
	char *name; /* "request" */
	char *cols[BACKUP_MAXCOLS];
	size_t ncols;
	char *order; /* "ORDER BY" list: the primary key */
};

/* The tables, in the order they were created (which is also an order to
 * restore them in: references are checked at commit anyway). Free with
 * store_backup_tables_free. */
int store_backup_tables(struct store *st, struct backup_table **out, size_t *n);
void store_backup_tables_free(struct backup_table *t, size_t n);

/* Rows in all tables together (0: an empty database). */
int store_backup_count(struct store *st, int64_t *rows);
/* Every row of t in primary key order; a nonzero cb return stops the walk
 * and is returned. */
int store_backup_dump(struct store *st, const struct backup_table *t,
		      int (*cb)(const struct backup_value *row, void *),
		      void *arg);
/* Open the restore transaction (foreign keys checked at commit). */
int store_backup_begin(struct store *st);
/* Insert one row of t as given. */
int store_backup_restore(struct store *st, const struct backup_table *t,
			 const struct backup_value *row);

/*
 * An online copy of the whole database file into another (SQLite's
 * backup API), taken a few pages at a time so the caller's event loop
 * keeps serving between steps. Writes made through the store while it
 * runs are carried into the copy; at its end the copy is the database as
 * it stood at one moment. dest is created (or emptied) by the copy.
 */
struct store_copy;
/* The database's file as SQLite opened it (an absolute path), or "" for
 * an in-memory one. */
const char *store_filename(struct store *st);
/* Start copying st into the file dest; NULL with err set on failure. */
struct store_copy *store_copy_start(struct store *st, const char *dest,
				    char *err, size_t errlen);
/* Copy up to pages more pages. STORE_OK with *done set when the copy is
 * complete (the destination then closed), STORE_BUSY when it could not
 * go on this time (try again), else a failure with err set. *left and
 * *total: pages still to copy and in all. */
int store_copy_step(struct store_copy *cp, int pages, bool *done, int *left,
		    int *total, char *err, size_t errlen);
/* Stop and release (the destination file is left for the caller). */
void store_copy_free(struct store_copy *cp);

#endif
