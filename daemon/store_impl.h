/*
 * store_impl.h: what the store*.c files share and nobody else sees.
 *
 * The store is split over several files to keep each one small (open and
 * transactions, the schema, agencies, requests, events). They share the
 * struct store layout, a cache of prepared statements, and small helpers
 * for binding, reading columns and recording errors. Only daemon/store*.c
 * may include this header; everyone else goes through store.h.
 */
#ifndef FOIAD_STORE_IMPL_H
#define FOIAD_STORE_IMPL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/*
 * Statements prepared once and kept for the life of the store. Only
 * statements that run to completion before control returns to the caller
 * are cached: a walk that calls back into the caller uses a statement of
 * its own, so the callback may use the store freely.
 */
enum store_stmt {
	SS_AGENCY_LOOKUP,
	SS_AGENCY_GET,
	SS_AGENCY_INSERT,
	SS_AGENCY_SAVE,
	SS_AGENCY_COUNT_REQUESTS,
	SS_REQUEST_INSERT,
	SS_REQUEST_SAVE,
	SS_REQUEST_GET,
	SS_TAG_INSERT,
	SS_TAG_DELETE_ALL,
	SS_TAG_LIST,
	SS_EVENT_INSERT,
	SS_EVENT_LIST,
	SS_EVENT_HEAD,	  /* store_chain.c: the last event's id and hash */
	SS_EVENT_REQUEST, /* store_touch.c: an event's request */
	SS_COUNT_REQUESTS,
	SS_COUNT_AGENCIES,
	SS_COUNT_BY_STATUS,
	SS_NSTMT
};

#define STORE_ERRLEN 512

/* What this connection wrote lately (store_touch.c): the request and
 * event rows, by sequence number, in a ring of the last
 * STORE_TOUCH_RING. */
#define STORE_TOUCH_RING 512
struct store_touched {
	bool event; /* rowid is an event's, else a request's */
	int64_t rowid;
};
struct store_touch {
	uint64_t conn;	  /* this connection's number */
	uint64_t seq;	  /* rows told about so far */
	uint64_t all_seq; /* the last row after which anything may differ */
	struct store_touched ring[STORE_TOUCH_RING]; /* at seq % size */
};
#define STORE_TSLEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmt[SS_NSTMT];
	char err[STORE_ERRLEN];
	char *path;    /* the database file, to reopen it (store.c) */
	bool readonly; /* not writable: store_begin tries to reopen first */
	struct store_touch touch;
};

/* Follow the rows written through st->db (a connection just opened). */
void store_touch_attach(struct store *st);

/* Map a SQLite result code to an enum store_rc. */
int store_map_rc(int sqlite_rc);
/* Record the connection's last error with a lower-case prefix; returns the
 * mapped code so callers can write `return store_fail(st, rc, "...")`. */
int store_fail(struct store *st, int sqlite_rc, const char *what);
/* Record a message of our own (printf-style) and return rc. */
int store_failf(struct store *st, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int store_nomem(struct store *st);

/* The cached statement id, prepared on first use from sql (a constant).
 * NULL on failure, with the error recorded. */
sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id, const char *sql);
/* Reset a statement after use and drop its bindings. */
void store_stmt_done(sqlite3_stmt *s);

/* Write the current UTC time as "YYYY-MM-DDTHH:MM:SSZ". */
void store_now(char buf[STORE_TSLEN]);

/*
 * Binding many parameters with every return code checked: the first failure
 * sticks in b->rc and later calls do nothing, so a sequence of binds is
 * checked once at the end.
 */
struct store_bind {
	sqlite3_stmt *s;
	int rc;
};
void store_bind_text(struct store_bind *b, int i, const char *v);
void store_bind_int(struct store_bind *b, int i, int64_t v);
/* 0 binds NULL: ids are never 0 in SQLite, so 0 means "none". */
void store_bind_id(struct store_bind *b, int i, int64_t v);
/* Negative binds NULL: money is -1 when absent. */
void store_bind_money(struct store_bind *b, int i, int64_t v);

/* A heap copy of text column i into *out (NULL for SQL NULL). False only
 * when out of memory. */
bool store_col_text(sqlite3_stmt *s, int i, char **out);
/* Integer column i, or dflt for SQL NULL. */
int64_t store_col_int(sqlite3_stmt *s, int i, int64_t dflt);

/*
 * Make a multi-statement write atomic. When the caller has no transaction
 * open, start an immediate one of our own (commit in store_op_end); inside
 * the caller's transaction use a savepoint, so a failure undoes only this
 * operation and leaves the caller's transaction usable.
 */
struct store_op {
	bool own; /* our own BEGIN IMMEDIATE, not a savepoint */
};
int store_op_begin(struct store *st, struct store_op *op);
/* ok: commit or release; otherwise roll back. Returns rc when it is not
 * STORE_OK, or the result of finishing the operation. */
int store_op_end(struct store *st, struct store_op *op, int rc);

/* A request query: head (a SELECT ... FROM request r JOIN agency a ...
 * WHERE 1) and the conditions f asks for, ORDER BY r.id; malloc'd, NULL
 * when out of memory. store_filter_bind binds f's values to it. */
char *store_filter_sql(const char *head, const struct request_filter *f);
int store_filter_bind(sqlite3_stmt *s, const struct request_filter *f);

/* Agency id for a code (case-insensitive), or STORE_NOT_FOUND with a
 * message naming the code. jurisdiction, when non-NULL, receives a heap
 * copy of the agency's jurisdiction. */
int store_agency_id(struct store *st, const char *code, int64_t *id,
		    char **jurisdiction);

/* A SQLite failure while opening, worded for the operator: it names the
 * file, and a file that is not a database is said to be so. */
void store_open_error(sqlite3 *db, int sqlite_rc, const char *path, char *err,
		      size_t errlen);

/* Migrations, in store_schema.c. Refuses a schema newer than this foiad;
 * with apply, also brings an older one up to date. */
int store_migrate(struct store *st, const char *path, bool apply, char *err,
		  size_t errlen);

#endif
