/*
 * store_schema.c: the database schema and its numbered migrations.
 *
 * The schema version lives in PRAGMA user_version. Migration N is constant
 * SQL that takes a database from version N-1 to N; each is applied in its
 * own transaction together with the user_version bump, so a crash leaves
 * the file at a whole version. Migrations only ever go forward: a file whose
 * version is newer than this foiad knows is refused, never touched.
 *
 * To change the schema, append a migration; never edit a released one.
 */
#include <stdio.h>

#include "store_impl.h"

/*
 * The status, method and fee category names below must match
 * include/foia/protocol.h. The CHECKs spell "x IN (list)" as a chain of
 * ORs on purpose: SQLite (3.40) evaluates an IN list of three or more
 * constants by building a temporary index on every INSERT, which made a
 * request insert about eight times slower.
 */
static const char *const migrations[] = {
	/* 1: the initial schema. */
	"CREATE TABLE agency ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  name TEXT NOT NULL,"
	"  parent_id INTEGER REFERENCES agency(id),"
	"  jurisdiction TEXT NOT NULL DEFAULT 'us-federal',"
	"  email TEXT,"
	"  portal TEXT,"
	"  address TEXT,"
	"  created TEXT NOT NULL,"
	"  updated TEXT NOT NULL"
	");"
	"CREATE TABLE request ("
	"  id INTEGER PRIMARY KEY,"
	"  batch_id INTEGER REFERENCES request(id),"
	"  agency_id INTEGER NOT NULL REFERENCES agency(id),"
	"  component TEXT,"
	"  jurisdiction TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  description TEXT,"
	"  requester TEXT,"
	"  project TEXT,"
	"  method TEXT CHECK (method IS NULL OR"
	"    method = 'email' OR"
	"    method = 'portal' OR"
	"    method = 'mail' OR"
	"    method = 'fax' OR"
	"    method = 'in-person'"
	"  ),"
	"  tracking TEXT,"
	"  date_sent TEXT,"
	"  date_received TEXT,"
	"  date_acknowledged TEXT,"
	"  date_closed TEXT,"
	"  expedited INTEGER NOT NULL DEFAULT 0 CHECK (expedited IN (0, 1)),"
	"  fee_waiver INTEGER NOT NULL DEFAULT 0 CHECK (fee_waiver IN (0, 1)),"
	"  fee_category TEXT CHECK (fee_category IS NULL OR"
	"    fee_category = 'commercial' OR"
	"    fee_category = 'educational' OR"
	"    fee_category = 'noncommercial-scientific' OR"
	"    fee_category = 'news-media' OR"
	"    fee_category = 'other'"
	"  ),"
	/* Money in whole cents; NULL when unknown. */
	"  fees_estimated INTEGER,"
	"  fees_paid INTEGER,"
	"  status TEXT NOT NULL CHECK ("
	"    status = 'draft' OR"
	"    status = 'submitted' OR"
	"    status = 'acknowledged' OR"
	"    status = 'processing' OR"
	"    status = 'awaiting-requester' OR"
	"    status = 'partial-release' OR"
	"    status = 'granted' OR"
	"    status = 'partially-granted' OR"
	"    status = 'denied' OR"
	"    status = 'no-records' OR"
	"    status = 'withdrawn' OR"
	"    status = 'appealed' OR"
	"    status = 'appeal-decided' OR"
	"    status = 'litigation' OR"
	"    status = 'closed'"
	"  ),"
	"  created TEXT NOT NULL,"
	"  updated TEXT NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"CREATE INDEX request_status ON request(status);"
	"CREATE INDEX request_agency ON request(agency_id);"
	"CREATE INDEX request_project ON request(project);"
	"CREATE TABLE request_tag ("
	"  request_id INTEGER NOT NULL REFERENCES request(id),"
	"  tag TEXT NOT NULL,"
	"  PRIMARY KEY (request_id, tag)"
	") WITHOUT ROWID;"
	"CREATE INDEX request_tag_tag ON request_tag(tag);"
	"CREATE TABLE event ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER REFERENCES request(id),"
	"  agency_id INTEGER REFERENCES agency(id),"
	"  at TEXT NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  field TEXT,"
	"  old_value TEXT,"
	"  new_value TEXT,"
	"  date TEXT,"
	"  note TEXT"
	");"
	"CREATE INDEX event_request ON event(request_id);"
	/* The event table is the audit trail: it only grows. Requests and
	 * agencies are closed or withdrawn, never deleted, so events and
	 * batches never point at nothing. */
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
	" BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER event_no_delete BEFORE DELETE ON event"
	" BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER request_no_delete BEFORE DELETE ON request"
	" BEGIN SELECT RAISE(ABORT, 'requests are never deleted'); END;"
	"CREATE TRIGGER agency_no_delete BEFORE DELETE ON agency"
	" BEGIN SELECT RAISE(ABORT, 'agencies are never deleted'); END;",
	/* 2: holidays imported from iCalendar feeds, one row per day off of
	 * a calendar (named as in jurisdictions.conf). Only ever added, like
	 * events: a calendar has at most one imported day per date. */
	"CREATE TABLE holiday ("
	"  id INTEGER PRIMARY KEY,"
	"  calendar TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  source TEXT,"
	"  created TEXT NOT NULL,"
	"  created_by TEXT NOT NULL,"
	"  UNIQUE (calendar, date)"
	");",
	/* 3: what the calendar feeds last published of each deadline
	 * (store_feed.c): its date, a digest of the rest of its text, its
	 * SEQUENCE, when it first appeared and when it last changed. Keyed
	 * by request and deadline kind, not by UID, so a change of
	 * calendar.domain keeps the counts. */
	"CREATE TABLE feed_event ("
	"  request_id INTEGER NOT NULL REFERENCES request(id),"
	"  kind TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  digest INTEGER NOT NULL,"
	"  sequence INTEGER NOT NULL CHECK (sequence >= 0),"
	"  created TEXT NOT NULL,"
	"  changed TEXT NOT NULL,"
	"  PRIMARY KEY (request_id, kind)"
	") WITHOUT ROWID;",
	/* 4: the reminders' outbox (store_outbox.c): one row per message
	 * and channel, named by an idempotency key (request, deadline kind,
	 * deadline date, lead) that is unique per channel, so a reminder
	 * planned twice, before or after a crash, is still sent once. And
	 * the personal reminders set with `foia remind`. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  key TEXT NOT NULL,"
	"  channel TEXT NOT NULL,"
	"  request_id INTEGER REFERENCES request(id),"
	"  kind TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  lead INTEGER NOT NULL DEFAULT 0,"
	"  summary TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  due_at TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending' CHECK ("
	"    state = 'pending' OR"
	"    state = 'sending' OR"
	"    state = 'delivering' OR"
	"    state = 'sent' OR"
	"    state = 'failed' OR"
	"    state = 'cancelled'"
	"  ),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_attempt_at TEXT,"
	"  last_error TEXT,"
	"  sent_at TEXT,"
	"  late INTEGER NOT NULL DEFAULT 0 CHECK (late = 0 OR late = 1),"
	"  created TEXT NOT NULL,"
	"  UNIQUE (key, channel)"
	");"
	"CREATE INDEX outbox_state ON outbox(state, next_attempt_at);"
	"CREATE INDEX outbox_request ON outbox(request_id);"
	"CREATE TABLE snooze ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER NOT NULL REFERENCES request(id),"
	"  date TEXT NOT NULL,"
	"  note TEXT,"
	"  state TEXT NOT NULL DEFAULT 'scheduled' CHECK ("
	"    state = 'scheduled' OR"
	"    state = 'queued' OR"
	"    state = 'cancelled'"
	"  ),"
	"  created TEXT NOT NULL,"
	"  created_by TEXT NOT NULL"
	");"
	"CREATE INDEX snooze_state ON snooze(state);",
	/* 5: what the CalDAV server holds of each deadline (caldav.c): a
	 * row exists while the server has the event, with the date, the
	 * hash of what was sent, SEQUENCE, the time stamps sent and the
	 * server's ETag for the next conditional update or delete. */
	"CREATE TABLE caldav_event ("
	"  request_id INTEGER NOT NULL REFERENCES request(id),"
	"  kind TEXT NOT NULL,"
	"  date TEXT NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  sequence INTEGER NOT NULL CHECK (sequence >= 0),"
	"  created TEXT NOT NULL,"
	"  changed TEXT NOT NULL,"
	"  etag TEXT,"
	"  PRIMARY KEY (request_id, kind)"
	") WITHOUT ROWID;",
	/* 6: what an agency publishes of itself (`foia agency import`, from
	 * FOIA.gov's agency components): its website, and the median
	 * working days of its simple and complex tracks in the fiscal year
	 * of its annual report, with where those figures came from. */
	"ALTER TABLE agency ADD COLUMN website TEXT;"
	"ALTER TABLE agency ADD COLUMN published_median_simple REAL;"
	"ALTER TABLE agency ADD COLUMN published_median_complex REAL;"
	"ALTER TABLE agency ADD COLUMN published_year INTEGER;"
	"ALTER TABLE agency ADD COLUMN published_source TEXT;",
	/* 7: a tamper-evident history (store_event.c): each event carries
	 * the SHA-256, in hex, of the hash of the event before it and of its
	 * own stored fields. Events older than this migration get theirs
	 * when the store opens, so the update trigger lets exactly that
	 * through (a NULL hash set, nothing else changed) and still refuses
	 * any other change. */
	"ALTER TABLE event ADD COLUMN hash TEXT;"
	"DROP TRIGGER event_no_update;"
	"CREATE TRIGGER event_no_update BEFORE UPDATE ON event"
	" WHEN OLD.hash IS NOT NULL OR NEW.hash IS NULL"
	"  OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id"
	"  OR NEW.agency_id IS NOT OLD.agency_id OR NEW.at IS NOT OLD.at"
	"  OR NEW.actor IS NOT OLD.actor OR NEW.kind IS NOT OLD.kind"
	"  OR NEW.field IS NOT OLD.field"
	"  OR NEW.old_value IS NOT OLD.old_value"
	"  OR NEW.new_value IS NOT OLD.new_value"
	"  OR NEW.date IS NOT OLD.date OR NEW.note IS NOT OLD.note"
	" BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;",
	/* 8: the clock events (the kinds the deadline engine reads), every
	 * column it reads, by request: report, deadlines and request.list
	 * read all of them in one pass (store_history.c) from this index
	 * alone, a quarter of the events and none of the table. */
	"CREATE INDEX event_clock ON event(request_id, id, kind, field,"
	" new_value, date, at) WHERE request_id IS NOT NULL AND kind IN"
	" ('status', 'toll', 'toll-end', 'extension', 'agreed');",
	/* 9: the report's counts (store_report.c) group the requests by
	 * (status, agency, project, member) and filter on the sent or
	 * created date: with every column it reads in this index, in its
	 * grouping order, SQLite counts from the index alone, in order,
	 * without a temporary b-tree (a sixth of the time at 100,000). */
	"CREATE INDEX request_group ON request(status, agency_id, project,"
	" created_by, date_sent, created);",
};

enum { NMIGRATIONS = sizeof(migrations) / sizeof(migrations[0]) };

int store_schema_version(void)
{
	return NMIGRATIONS;
}

/* A statement (constant text) answering one integer. */
static int query_int(struct store *st, const char *sql, int *out)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(s, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(s);
	return rc;
}

static int read_version(struct store *st, int *out)
{
	return query_int(st, "PRAGMA user_version", out);
}

static int too_new(const char *path, int version, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "database '%s' has schema version %d, newer than this foiad "
		 "supports (%d); upgrade foiad",
		 path, version, (int)NMIGRATIONS);
	return STORE_ERROR;
}

/* Apply migration n (1-based) unless another process got there first. */
static int apply_one(struct store *st, int n, const char *path, char *err,
		     size_t errlen)
{
	char bump[48];
	int version = 0;
	int rc = sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	/* Read again under the write lock: a second foiad opening the same
	 * file at the same moment may have migrated it meanwhile. */
	rc = read_version(st, &version);
	if (rc != SQLITE_OK)
		goto fail;
	if (version > NMIGRATIONS) {
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return too_new(path, version, err, errlen);
	}
	if (version == 0 && n == 1) {
		/* Version 0 with tables in it is some other program's file:
		 * leave it alone rather than mix our schema into it. */
		int tables = 0;
		rc = query_int(st, "SELECT count(*) FROM sqlite_schema",
			       &tables);
		if (rc != SQLITE_OK)
			goto fail;
		if (tables > 0) {
			(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL,
					   NULL);
			snprintf(err, errlen,
				 "'%s' is not a foiad database (it has tables "
				 "but no schema version)",
				 path);
			return STORE_ERROR;
		}
	}
	if (version < n) {
		rc = sqlite3_exec(st->db, migrations[n - 1], NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail;
		/* PRAGMA takes no parameters; n is our own constant. */
		snprintf(bump, sizeof(bump), "PRAGMA user_version = %d", n);
		rc = sqlite3_exec(st->db, bump, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			goto fail;
	}
	rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		goto fail;
	return STORE_OK;
fail:
	if ((rc & 0xff) == SQLITE_NOTADB) {
		store_open_error(st->db, rc, path, err, errlen);
	} else {
		snprintf(err, errlen,
			 "cannot migrate database '%s' to schema version %d: "
			 "%s",
			 path, n, sqlite3_errmsg(st->db));
	}
	if (!sqlite3_get_autocommit(st->db))
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return store_map_rc(rc) == STORE_OK ? STORE_ERROR : store_map_rc(rc);
}

int store_migrate(struct store *st, const char *path, bool apply, char *err,
		  size_t errlen)
{
	int version = 0;
	int rc = read_version(st, &version);
	if (rc != SQLITE_OK) {
		store_open_error(st->db, rc, path, err, errlen);
		return STORE_ERROR;
	}
	if (version > NMIGRATIONS)
		return too_new(path, version, err, errlen);
	if (version < 0) {
		snprintf(err, errlen,
			 "database '%s' has schema version %d, which no foiad "
			 "wrote",
			 path, version);
		return STORE_ERROR;
	}
	if (!apply)
		return STORE_OK;
	for (int n = version + 1; n <= NMIGRATIONS; n++) {
		rc = apply_one(st, n, path, err, errlen);
		if (rc != STORE_OK)
			return rc;
	}
	return STORE_OK;
}
