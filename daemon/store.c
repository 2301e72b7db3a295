/*
 * store.c: opening and closing the database, transactions, errors, counts.
 *
 * This file owns the SQLite connection: it opens the file with the pragmas
 * foiad relies on (foreign keys, WAL, synchronous=FULL, a busy timeout),
 * runs the migrations in store_schema.c, keeps the cache of prepared
 * statements, and maps SQLite result codes to enum store_rc. The row-level
 * work lives in store_agency.c, store_request.c and store_event.c; their
 * shared helpers are defined here and declared in store_impl.h.
 *
 * A database foiad may not write (file, directory or file system) is
 * opened read-only instead of refused, and a write on it first reopens it
 * for writing when it has become writable (reopen_writable): reads never
 * stop, writes fail with STORE_READONLY only while it really is read-only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "foia/protocol.h"
#include "log.h"
#include "store_chain.h"
#include "store_impl.h"

/* A store's connection is used by one thread only (foiad's event loop, or
 * a test's): SQLite need not lock a mutex around every call, which costs
 * a report at 100,000 requests a tenth of its time. */
#define STORE_OPEN_THREADS SQLITE_OPEN_NOMUTEX

/* Whether a failure says the file, its directory or its file system may
 * not be written: SQLite says "unable to open database file" for those,
 * and the errno behind it tells. Sets *sys to that errno (0: none). */
static bool readonly_failure(sqlite3 *db, int rc, const char *path, int *sys)
{
	*sys = db ? sqlite3_system_errno(db) : 0;
	if (*sys != EROFS && *sys != EACCES && *sys != EPERM &&
	    access(path, W_OK) < 0 && (errno == EROFS || errno == EACCES))
		*sys = errno;
	return (rc & 0xff) == SQLITE_READONLY || *sys == EROFS ||
	       *sys == EACCES || *sys == EPERM;
}

void store_open_error(sqlite3 *db, int rc, const char *path, char *err,
		      size_t errlen)
{
	int sys;
	if ((rc & 0xff) == SQLITE_NOTADB) {
		snprintf(err, errlen, "'%s' is not a SQLite database", path);
		return;
	}
	/* The operator needs to know which. */
	if (readonly_failure(db, rc, path, &sys)) {
		snprintf(err, errlen,
			 "cannot open database '%s': it or its directory is "
			 "read-only for foiad (%s)",
			 path, sys ? strerror(sys) : sqlite3_errstr(rc));
		return;
	}
	snprintf(err, errlen, "cannot open database '%s': %s", path,
		 db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

/* Run a pragma that answers one row and return its first column as text
 * in buf (empty when the pragma answers nothing). */
static int pragma_text(sqlite3 *db, const char *sql, char *buf, size_t len)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	buf[0] = '\0';
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);
		snprintf(buf, len, "%s", v ? (const char *)v : "");
		rc = SQLITE_OK;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

/* The settings every connection gets: extended codes (they tell a NOTADB
 * or a FOREIGNKEY apart in messages; store_map_rc looks only at the
 * primary code), a busy timeout and foreign keys, which the schema relies
 * on: a SQLite built without them would silently accept dangling
 * references. */
static int connect_setup(struct store *st, const char *path, char *err,
			 size_t errlen)
{
	char value[32];
	int rc = sqlite3_extended_result_codes(st->db, 1);
	if (rc == SQLITE_OK)
		rc = sqlite3_busy_timeout(st->db, 5000);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL,
				  NULL, NULL);
	if (rc == SQLITE_OK)
		rc = pragma_text(st->db, "PRAGMA foreign_keys", value,
				 sizeof(value));
	if (rc != SQLITE_OK) {
		store_open_error(st->db, rc, path, err, errlen);
		return STORE_ERROR;
	}
	if (strcmp(value, "1") != 0) {
		snprintf(err, errlen,
			 "cannot open database '%s': this SQLite does not "
			 "enforce foreign keys",
			 path);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/* Open st->db for writing, in WAL mode, migrated. STORE_READONLY when the
 * file, its directory or its file system cannot be written (err says so),
 * STORE_ERROR for anything else. */
static int connect_writable(struct store *st, const char *path, int create,
			    char *err, size_t errlen)
{
	char value[32];
	int sys;
	int rc = sqlite3_open_v2(
		path, &st->db,
		SQLITE_OPEN_READWRITE | STORE_OPEN_THREADS | create, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* SQLite quietly falls back to reading a file it may not write. */
	if (sqlite3_db_readonly(st->db, "main") == 1) {
		rc = SQLITE_READONLY;
		goto fail;
	}
	if (connect_setup(st, path, err, errlen) != STORE_OK)
		return STORE_ERROR;
	/* Refuse a newer schema before changing anything in the file. */
	if (store_migrate(st, path, false, err, errlen) != STORE_OK)
		return STORE_ERROR;
	/* WAL lets readers run beside the writer. ":memory:" answers
	 * "memory", which is fine. */
	rc = pragma_text(st->db, "PRAGMA journal_mode = WAL", value,
			 sizeof(value));
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "PRAGMA synchronous = FULL", NULL,
				  NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	if (store_migrate(st, path, true, err, errlen) != STORE_OK)
		return STORE_ERROR;
	return STORE_OK;
fail:
	store_open_error(st->db, rc, path, err, errlen);
	return readonly_failure(st->db, rc, path, &sys) ? STORE_READONLY
							: STORE_ERROR;
}

/* False when path exists and may not be written, or its directory may
 * not (SQLite creates the -wal and -shm files there); errno says why. A
 * file not there yet counts as writable: opening creates it. */
static bool path_writable(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (access(path, W_OK) < 0 && errno != ENOENT)
		return false;
	if (!slash)
		return access(".", W_OK) == 0;
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return false;
	}
	memcpy(dir, path, n);
	dir[n] = '\0';
	return access(dir, W_OK) == 0;
}

/* "file:" URI of path with immutable=1: every byte but the unreserved
 * ones percent-encoded, so no '?' or '#' in a file name can add options. */
static char *immutable_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path);
	char *uri = malloc(n * 3 + sizeof("file:?immutable=1"));
	if (!uri)
		return NULL;
	char *p = uri;
	memcpy(p, "file:", 5);
	p += 5;
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/-._~", *c)) {
			*p++ = (char)*c;
		} else {
			*p++ = '%';
			*p++ = hex[*c >> 4];
			*p++ = hex[*c & 15];
		}
	}
	memcpy(p, "?immutable=1", sizeof("?immutable=1"));
	return uri;
}

/* Whether path's write-ahead log holds anything (changes not yet copied
 * into the database file). */
static bool wal_has_data(const char *path)
{
	char wal[4096];
	struct stat sb;
	int n = snprintf(wal, sizeof(wal), "%s-wal", path);
	if (n < 0 || (size_t)n >= sizeof(wal))
		return true; /* cannot tell: assume the worst */
	if (stat(wal, &sb) < 0)
		return errno != ENOENT;
	return sb.st_size > 0;
}

/*
 * Open st->db read-only. A WAL database (foiad's) read-only needs its -shm
 * and -wal files, or the right to create them (https://www.sqlite.org/
 * wal.html, "Read-Only Databases"). After a clean stop they are gone and
 * the directory may not be written: then, and only when no -wal file with
 * changes in it is left, the file is opened "immutable": without locks or
 * a WAL, which is safe because the whole database is in the file and
 * foiad, its only writer, cannot write it. A -wal left with changes in it
 * on a read-only file system cannot be read safely: refused.
 */
static int connect_readonly(struct store *st, const char *path, char *err,
			    size_t errlen)
{
	char value[32];
	int rc = sqlite3_open_v2(
		path, &st->db, SQLITE_OPEN_READONLY | STORE_OPEN_THREADS, NULL);
	if (rc == SQLITE_OK)
		rc = pragma_text(st->db, "SELECT count(*) FROM sqlite_schema",
				 value, sizeof(value));
	if ((rc & 0xff) == SQLITE_CANTOPEN && !wal_has_data(path)) {
		char *uri = immutable_uri(path);
		if (!uri) {
			snprintf(err, errlen,
				 "cannot open database '%s': out of memory",
				 path);
			return STORE_ERROR;
		}
		sqlite3_close_v2(st->db);
		st->db = NULL;
		rc = sqlite3_open_v2(uri, &st->db,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
					     STORE_OPEN_THREADS,
				     NULL);
		free(uri);
		if (rc == SQLITE_OK)
			rc = pragma_text(st->db,
					 "SELECT count(*) FROM sqlite_schema",
					 value, sizeof(value));
	} else if ((rc & 0xff) == SQLITE_CANTOPEN) {
		snprintf(err, errlen,
			 "cannot open database '%s' read-only: its '-wal' file "
			 "holds changes that only a writable directory lets "
			 "foiad read; make it writable once",
			 path);
		return STORE_ERROR;
	}
	if (rc != SQLITE_OK) {
		store_open_error(st->db, rc, path, err, errlen);
		return STORE_ERROR;
	}
	if (connect_setup(st, path, err, errlen) != STORE_OK ||
	    store_migrate(st, path, false, err, errlen) != STORE_OK)
		return STORE_ERROR;
	/* The version is read again here: store_migrate said only that it
	 * is not newer. An older one needs migrations, which write. */
	rc = pragma_text(st->db, "PRAGMA user_version", value, sizeof(value));
	if (rc != SQLITE_OK) {
		store_open_error(st->db, rc, path, err, errlen);
		return STORE_ERROR;
	}
	if (atoi(value) < store_schema_version()) {
		snprintf(err, errlen,
			 "cannot open database '%s': it is read-only for "
			 "foiad and its schema (version %s) is older than this "
			 "foiad's (%d), which cannot upgrade it read-only",
			 path, value, store_schema_version());
		return STORE_ERROR;
	}
	return STORE_OK;
}

static bool is_file_path(const char *path)
{
	return path[0] && strcmp(path, ":memory:") != 0 &&
	       strncmp(path, "file:", 5) != 0;
}

struct store *store_open(const char *path, char *err, size_t errlen)
{
	struct store *st = calloc(1, sizeof(*st));
	if (!st || !(st->path = strdup(path))) {
		snprintf(err, errlen,
			 "cannot open database '%s': out of memory", path);
		goto fail;
	}
	int rc = !is_file_path(path) || path_writable(path)
			 ? connect_writable(st, path, SQLITE_OPEN_CREATE, err,
					    errlen)
			 : STORE_READONLY;
	if (rc == STORE_READONLY && is_file_path(path)) {
		/* Serve it read-only rather than not at all. */
		sqlite3_close_v2(st->db);
		st->db = NULL;
		if (connect_readonly(st, path, err, errlen) != STORE_OK)
			goto fail;
		st->readonly = true;
		store_touch_attach(st);
		return st;
	}
	if (rc != STORE_OK)
		goto fail;
	/* Events written before the hash chain existed join it now, once. */
	int64_t filled;
	if (store_chain_fill(st, &filled) != STORE_OK) {
		snprintf(err, errlen, "database '%s': %s", path, st->err);
		goto fail;
	}
	store_touch_attach(st);
	return st;
fail:
	store_close(st);
	return NULL;
}

bool store_readonly(const struct store *st)
{
	return st && st->readonly;
}

/*
 * Before a write on a store opened read-only (or one whose file system
 * turned read-only under it): open the file for writing again when it can
 * be written, in place of the connection in use. A cheap access() check
 * first, so a database still read-only costs no open per write. Only
 * between transactions; the cached statements belong to the old
 * connection and go with it (they are prepared again on use), and a walk
 * still holding a statement of its own keeps the old connection alive
 * until it ends (sqlite3_close_v2).
 */
static int reopen_writable(struct store *st)
{
	char err[STORE_ERRLEN];
	if (!is_file_path(st->path) || !sqlite3_get_autocommit(st->db))
		return store_failf(st, STORE_READONLY,
				   "'%s' was not writable when the transaction "
				   "began",
				   st->path);
	if (!path_writable(st->path)) {
		int e = errno;
		return store_failf(st, STORE_READONLY,
				   "'%s' or its directory is not writable (%s)",
				   st->path, strerror(e));
	}
	sqlite3 *old = st->db;
	st->db = NULL;
	int rc = connect_writable(st, st->path, 0, err, sizeof(err));
	if (rc != STORE_OK) {
		sqlite3_close_v2(st->db);
		st->db = old;
		return store_failf(st, rc, "%s", err);
	}
	for (int i = 0; i < SS_NSTMT; i++) {
		sqlite3_finalize(st->stmt[i]);
		st->stmt[i] = NULL;
	}
	sqlite3_close_v2(old);
	store_touch_attach(st);
	st->readonly = false;
	log_info("the database '%s' is writable again", st->path);
	return STORE_OK;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	for (int i = 0; i < SS_NSTMT; i++)
		sqlite3_finalize(st->stmt[i]);
	/* close_v2 cannot fail for want of finalized statements; anything
	 * left open would be a bug, and the connection still goes. */
	sqlite3_close_v2(st->db);
	free(st->path);
	free(st);
}

const char *store_errmsg(const struct store *st)
{
	if (!st)
		return "no database";
	return st->err[0] ? st->err : "no error";
}

int store_map_rc(int sqlite_rc)
{
	switch (sqlite_rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return STORE_OK;
	case SQLITE_CONSTRAINT:
		return STORE_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_BUSY;
	case SQLITE_FULL:
		return STORE_FULL;
	case SQLITE_READONLY:
		return STORE_READONLY;
	default:
		return STORE_ERROR;
	}
}

int store_fail(struct store *st, int sqlite_rc, const char *what)
{
	int rc = store_map_rc(sqlite_rc);
	/* A file system gone read-only or out of quota under us shows as an
	 * I/O error; the errno behind it says which. */
	int sys = sqlite3_system_errno(st->db);
	if ((sqlite_rc & 0xff) == SQLITE_IOERR && sys == EROFS)
		rc = STORE_READONLY;
	else if ((sqlite_rc & 0xff) == SQLITE_IOERR &&
		 (sys == ENOSPC || sys == EDQUOT))
		rc = STORE_FULL;
	if (rc == STORE_OK)
		rc = STORE_ERROR; /* a caller saw a failure; never report OK */
	/* Gone read-only under us: reads go on with this connection, and
	 * the next write reopens the file once it is writable again. */
	if (rc == STORE_READONLY)
		st->readonly = true;
	snprintf(st->err, sizeof(st->err), "%s: %s", what,
		 sqlite3_errmsg(st->db));
	return rc;
}

int store_failf(struct store *st, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return rc;
}

int store_nomem(struct store *st)
{
	return store_failf(st, STORE_ERROR, "out of memory");
}

sqlite3_stmt *store_stmt(struct store *st, enum store_stmt id, const char *sql)
{
	if (st->stmt[id])
		return st->stmt[id];
	int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &st->stmt[id], NULL);
	if (rc != SQLITE_OK) {
		store_fail(st, rc, "cannot prepare statement");
		sqlite3_finalize(st->stmt[id]);
		st->stmt[id] = NULL;
	}
	return st->stmt[id];
}

void store_stmt_done(sqlite3_stmt *s)
{
	/* reset repeats the last step's error, already handled by then. */
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

void store_now(char buf[STORE_TSLEN])
{
	struct tm tm;
	time_t now = time(NULL);
	if (!gmtime_r(&now, &tm) ||
	    strftime(buf, STORE_TSLEN, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, STORE_TSLEN, "1970-01-01T00:00:00Z");
}

void store_bind_text(struct store_bind *b, int i, const char *v)
{
	if (b->rc == SQLITE_OK)
		b->rc = v ? sqlite3_bind_text(b->s, i, v, -1, SQLITE_STATIC)
			  : sqlite3_bind_null(b->s, i);
}

void store_bind_int(struct store_bind *b, int i, int64_t v)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64(b->s, i, v);
}

void store_bind_id(struct store_bind *b, int i, int64_t v)
{
	if (b->rc == SQLITE_OK)
		b->rc = v ? sqlite3_bind_int64(b->s, i, v)
			  : sqlite3_bind_null(b->s, i);
}

void store_bind_money(struct store_bind *b, int i, int64_t v)
{
	if (b->rc == SQLITE_OK)
		b->rc = v >= 0 ? sqlite3_bind_int64(b->s, i, v)
			       : sqlite3_bind_null(b->s, i);
}

bool store_col_text(sqlite3_stmt *s, int i, char **out)
{
	*out = NULL;
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return true;
	const unsigned char *v = sqlite3_column_text(s, i);
	if (!v)
		return false; /* out of memory converting the value */
	size_t n = (size_t)sqlite3_column_bytes(s, i);
	char *p = malloc(n + 1);
	if (!p)
		return false;
	memcpy(p, v, n);
	p[n] = '\0';
	*out = p;
	return true;
}

int64_t store_col_int(sqlite3_stmt *s, int i, int64_t dflt)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return dflt;
	return sqlite3_column_int64(s, i);
}

static int exec_const(struct store *st, const char *sql, const char *what)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, rc, what);
	return STORE_OK;
}

int store_begin(struct store *st)
{
	if (st->readonly) {
		int rc = reopen_writable(st);
		if (rc != STORE_OK)
			return rc;
	}
	/* IMMEDIATE takes the write lock now, so a read-then-write inside
	 * the transaction cannot fail half-way with SQLITE_BUSY. */
	return exec_const(st, "BEGIN IMMEDIATE", "cannot begin transaction");
}

int store_commit(struct store *st)
{
	return exec_const(st, "COMMIT", "cannot commit");
}

void store_rollback(struct store *st)
{
	/* Some errors (disk full, I/O) roll back on their own; then there
	 * is nothing left to undo. Keep the message of the error that led
	 * here unless the rollback itself fails. */
	if (!st || sqlite3_get_autocommit(st->db))
		return;
	(void)exec_const(st, "ROLLBACK", "cannot roll back");
}

int store_op_begin(struct store *st, struct store_op *op)
{
	op->own = sqlite3_get_autocommit(st->db) != 0;
	if (op->own)
		return store_begin(st);
	return exec_const(st, "SAVEPOINT store_op", "cannot begin savepoint");
}

int store_op_end(struct store *st, struct store_op *op, int rc)
{
	if (rc == STORE_OK) {
		rc = op->own ? store_commit(st)
			     : exec_const(st, "RELEASE store_op",
					  "cannot release savepoint");
		if (rc == STORE_OK)
			return STORE_OK;
	}
	if (op->own) {
		store_rollback(st);
	} else if (!sqlite3_get_autocommit(st->db)) {
		/* Undo only this operation; the caller's transaction stays
		 * open for it to roll back or carry on. Failures here mean
		 * SQLite already rolled everything back. */
		(void)sqlite3_exec(st->db,
				   "ROLLBACK TO store_op; RELEASE store_op",
				   NULL, NULL, NULL);
	}
	return rc;
}

/* A statement answering one integer. */
static int count_one(struct store *st, enum store_stmt id, const char *sql,
		     int64_t *out)
{
	sqlite3_stmt *s = store_stmt(st, id, sql);
	if (!s)
		return STORE_ERROR;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = STORE_OK;
	} else {
		rc = store_fail(st, rc, "cannot count");
	}
	store_stmt_done(s);
	return rc;
}

int store_count_requests(struct store *st, int64_t *out)
{
	return count_one(st, SS_COUNT_REQUESTS, "SELECT count(*) FROM request",
			 out);
}

int store_count_agencies(struct store *st, int64_t *out)
{
	return count_one(st, SS_COUNT_AGENCIES, "SELECT count(*) FROM agency",
			 out);
}

/*
 * Every status of FOIA_STATUS_NAMES, in that order (the order of a
 * request's life), zero counts included: the caller decides what to show.
 */
int store_count_by_status(struct store *st,
			  int (*cb)(const char *status, int64_t n, void *),
			  void *arg)
{
	static const char *const names[] = {FOIA_STATUS_NAMES};
	enum { NSTATUS = sizeof(names) / sizeof(names[0]) };
	int64_t n[NSTATUS] = {0};
	sqlite3_stmt *s = store_stmt(
		st, SS_COUNT_BY_STATUS,
		"SELECT status, count(*) FROM request GROUP BY status");
	if (!s)
		return STORE_ERROR;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(s, 0);
		size_t i = 0;
		while (i < NSTATUS && status && strcmp(status, names[i]) != 0)
			i++;
		if (i == NSTATUS) {
			/* The CHECK constraint makes this unreachable unless
			 * the file was edited by hand. */
			rc = store_failf(st, STORE_ERROR,
					 "unknown status '%s' in database",
					 status ? status : "(null)");
			store_stmt_done(s);
			return rc;
		}
		n[i] = sqlite3_column_int64(s, 1);
	}
	rc = rc == SQLITE_DONE ? STORE_OK : store_fail(st, rc, "cannot count");
	store_stmt_done(s);
	if (rc != STORE_OK)
		return rc;
	for (size_t i = 0; i < NSTATUS; i++) {
		int r = cb(names[i], n[i], arg);
		if (r != 0)
			return r;
	}
	return STORE_OK;
}
