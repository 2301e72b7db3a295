/*
 * store.h: the only door to the SQLite database.
 *
 * Every line of SQL in foiad lives behind this interface (daemon/store*.c),
 * always as prepared statements with bound parameters. The store knows
 * nothing of JSON or sockets; it stores and returns plain structs. It does
 * not validate business rules (which status may follow which): that is the
 * caller's job (daemon/requests.c). It does enforce what the schema enforces
 * (foreign keys, CHECK constraints, the append-only event table).
 *
 * Opening applies numbered forward migrations (PRAGMA user_version) and
 * refuses a database written by a newer foiad. Writes are grouped by the
 * caller with store_begin/store_commit; a caller acknowledges a change to its
 * client only after store_commit returned STORE_OK.
 *
 * Text fields are heap strings owned by the struct (NULL means absent) and
 * released by the matching *_clear function. Dates are "YYYY-MM-DD" text,
 * timestamps "YYYY-MM-DDTHH:MM:SSZ" (UTC), money in cents (-1 = absent).
 */
#ifndef FOIAD_STORE_H
#define FOIAD_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum store_rc {
	STORE_OK = 0,
	STORE_NOT_FOUND, /* no such row */
	STORE_CONFLICT,	 /* unique or check constraint refused the write */
	STORE_BUSY,	 /* locked by another process past the busy timeout */
	STORE_FULL,	 /* disk full */
	STORE_READONLY,	 /* database or its directory is read-only */
	STORE_ERROR,	 /* anything else; store_errmsg() says what */
};

struct agency {
	int64_t id;
	char *code; /* unique, case-insensitive: "ICE", "DHS-PRIV" */
	char *name;
	char *parent;	    /* code of the parent agency, or NULL */
	char *jurisdiction; /* "us-federal", "sv", ... */
	char *email;
	char *portal;
	char *address;
	char *website;
	/* What the agency publishes of itself (FOIA.gov): median working
	 * days of its simple and complex tracks in fiscal year
	 * published_year (0: none), and where the figures came from. */
	bool has_median_simple, has_median_complex;
	double median_simple, median_complex;
	int published_year;
	char *published_source;
};

struct request {
	int64_t id;
	int64_t batch;	   /* id of the first request of a linked batch, or 0 */
	char *agency;	   /* agency code */
	char *agency_name; /* filled by reads, ignored by writes */
	char *component;
	char *jurisdiction;
	char *subject;
	char *description;
	char *requester;
	char *project;
	char **tags; /* ntags strings, sorted by the store on read */
	size_t ntags;
	char *method; /* email, portal, mail, fax, in-person, or NULL */
	char *tracking;
	char *sent; /* dates */
	char *received;
	char *acknowledged;
	char *closed;
	bool expedited;
	bool fee_waiver;
	char *fee_category;
	int64_t fees_estimated; /* cents, -1 if absent */
	int64_t fees_paid;	/* cents, -1 if absent */
	char *status;
	char *created; /* timestamps, set by the store on insert/save */
	char *updated;
	char *created_by;
};

struct event {
	int64_t id;
	int64_t request_id; /* 0 when the event is about an agency */
	char *agency;	    /* agency code when about an agency, else NULL */
	char *at;	    /* UTC timestamp; set by the store when NULL */
	char *actor;
	char *kind; /* filed, status, field, tag, note, agency, holidays */
	char *field;
	char *old_value;
	char *new_value;
	char *date; /* the civil date the change took effect, or NULL */
	char *note;
};

struct request_filter {
	const char **statuses; /* NULL-terminated list, or NULL for any */
	int64_t id;	       /* this request alone, or 0 for any */
	const char *agency;    /* code, or NULL */
	const char *project;
	const char *tag;
	bool open_only; /* leave out withdrawn and closed */
};

/* Open (creating if needed) and migrate. On failure returns NULL and writes
 * a one-line reason into err. path may be ":memory:". A database that is
 * not writable (its file, directory or file system) is opened read-only:
 * reads work, writes fail with STORE_READONLY, and store_begin reopens it
 * for writing as soon as it is writable again. */
struct store *store_open(const char *path, char *err, size_t errlen);
/* Whether the store is serving a database it cannot write just now. */
bool store_readonly(const struct store *st);
void store_close(struct store *st);
/* The last error, for logs and error replies. */
const char *store_errmsg(const struct store *st);
/* Schema version the store migrates to, and the one found on disk. */
int store_schema_version(void);

int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Agencies. */
int store_agency_get(struct store *st, const char *code, struct agency *out);
int store_agency_insert(struct store *st, struct agency *a); /* sets a->id */
int store_agency_save(struct store *st, const struct agency *a); /* by id */
int store_agency_list(struct store *st,
		      int (*cb)(const struct agency *, void *), void *arg);
int store_agency_count_requests(struct store *st, const char *code,
				int64_t *out);
void agency_clear(struct agency *a);
/* Whether the database holds only what the agency seed put there: no
 * row but agencies and the events recording that foiad added them from
 * the seed file (a restore may replace those). */
int store_agency_seed_only(struct store *st, bool *only);
/* Within a transaction, on such a database: delete the seeded agencies
 * and their events, so a backup can be restored in their place. */
int store_agency_unseed(struct store *st);

/* Requests. insert sets r->id, r->created, r->updated; save writes every
 * column and the tag set of the row r->id and updates r->updated. */
int store_request_insert(struct store *st, struct request *r);
int store_request_save(struct store *st, struct request *r);
int store_request_get(struct store *st, int64_t id, struct request *out);
/* Calls cb for each match in id order; a nonzero cb return stops the walk
 * and is returned. */
int store_request_list(struct store *st, const struct request_filter *f,
		       int (*cb)(const struct request *, void *), void *arg);
void request_clear(struct request *r);

/* Events: append-only. append sets e->id and e->at when NULL. */
int store_event_append(struct store *st, struct event *e);
int store_event_list(struct store *st, int64_t request_id,
		     int (*cb)(const struct event *, void *), void *arg);
void event_clear(struct event *e);

/* The events' hash chain (store_chain.c), checked whole for `verify`:
 * ids run 1, 2, 3... and each stored hash is the one its fields and the
 * hash before it give. The first event that breaks it is bad_id. */
enum chain_problem {
	CHAIN_OK,
	CHAIN_MISSING, /* event bad_id is not there (a gap in the ids) */
	CHAIN_ALTERED, /* its fields, its hash or the link to the one before */
	CHAIN_NO_HASH, /* it has no hash */
};
struct chain_report {
	int64_t events;	 /* events checked and found whole */
	int64_t last_id; /* the last of them, 0 when none */
	char head[65];	 /* its hash (hex) when the chain is whole, else "" */
	enum chain_problem problem;
	int64_t bad_id;
};
int store_event_verify(struct store *st, struct chain_report *out);
/* The same walk a step at a time, so a caller can serve others between
 * steps: start, then step until *done (the report is then w->r). */
struct chain_walk {
	struct chain_report r;
	int64_t want;  /* the id the next event must have */
	char prev[65]; /* the hash of the last event checked */
	bool has_prev;
};
void store_event_verify_start(struct chain_walk *w);
int store_event_verify_step(struct store *st, struct chain_walk *w,
			    int max_events, bool *done);

/* A day off imported into a working-day calendar (holidays.import). */
struct holiday {
	int64_t id;
	char *calendar; /* calendar name, as in jurisdictions.conf */
	char *date;	/* "YYYY-MM-DD" */
	char *name;
	char *source; /* the URL it came from, or NULL */
	char *created;
	char *created_by;
};

/* Holidays: only ever added. add sets h->id and the created timestamp
 * (h->created is ignored); it returns STORE_CONFLICT, changing nothing,
 * when the calendar already has a holiday on that date. */
int store_holiday_add(struct store *st, struct holiday *h);
/* Every stored holiday, by calendar and date; a nonzero cb return stops
 * the walk and is returned. */
int store_holiday_list(struct store *st,
		       int (*cb)(const struct holiday *, void *), void *arg);
void holiday_clear(struct holiday *h);

/*
 * Calendar feeds: what was last published of one deadline of a request
 * (feeds.c), so a deadline keeps its SEQUENCE, DTSTAMP and LAST-MODIFIED
 * across regenerations: SEQUENCE grows when its date moves, the time
 * stamps when its date or any of its text does. Dates and timestamps in
 * the fixed formats above; kind is a deadline kind name.
 */
struct feed_stamp {
	int64_t request_id;
	char kind[32];
	char date[11];
	int64_t digest; /* of the event's text but the date and stamps */
	int64_t sequence;
	char created[21]; /* first published */
	char changed[21]; /* date or text last changed */
};

/* Every stamp, by request id; a nonzero cb return stops the walk and is
 * returned. */
int store_feed_stamp_list(struct store *st,
			  int (*cb)(const struct feed_stamp *, void *),
			  void *arg);
/* The stamp of one deadline: STORE_OK, or STORE_NOT_FOUND when it was never
 * published. */
int store_feed_stamp_get(struct store *st, int64_t request_id, const char *kind,
			 struct feed_stamp *out);
/* Insert or replace n stamps, all or none. */
int store_feed_stamp_save(struct store *st, const struct feed_stamp *v,
			  size_t n);

/*
 * The reminders' outbox (scheduler.c plans, notifier.c sends). One row is
 * one message on one channel ("email", "webhook"); key names the reminder
 * ("12:determination:2025-03-31:7": request, deadline kind, deadline date,
 * lead in days, negative for a follow-up after the date; "12:snooze:
 * 2025-05-02:3" for a personal reminder; "digest:weekly:2025-04-07") and
 * (key, channel) is unique, so adding a row twice adds it once.
 *
 * A row's state moves pending -> sending (a transfer started) ->
 * delivering (the whole message went; the server may have it) -> sent;
 * or back to pending to retry (a transfer that certainly delivered
 * nothing), or to failed, or from pending to cancelled.
 */
struct outbox_row {
	int64_t id;
	char *key;
	char *channel;
	int64_t request_id; /* 0 for a digest */
	char *kind;	    /* deadline kind name, "snooze" or "digest" */
	char *date;	    /* the deadline's, snooze's or digest's date */
	int lead;
	char *summary; /* one line: subject, webhook text */
	char *body;    /* plain text */
	char *due_at;  /* when it fell due */
	char *state;
	int attempts;
	char *next_attempt_at; /* pending: not before this; NULL: at once */
	char *last_error;
	char *sent_at;
	bool late; /* queued more than a few minutes after it fell due */
	char *created;
};

/* Add r in state pending (r->state ignored) and set r->id; when (key,
 * channel) is there already, STORE_CONFLICT and nothing changes. */
int store_outbox_add(struct store *st, struct outbox_row *r);
/* For `status` (store_health.c): rows waiting to go (pending, sending,
 * delivering), rows failed for good, and the id of the newest row still
 * pending or failed that carries a last_error (0: none). */
int store_outbox_health(struct store *st, int64_t *waiting, int64_t *failed,
			int64_t *last_error_id);
/* Is (key, channel) in the outbox, in any state? */
int store_outbox_has(struct store *st, const char *key, const char *channel,
		     bool *out);
int store_outbox_get(struct store *st, int64_t id, struct outbox_row *out);
/* Rows in state (NULL: any), newest first, at most limit (0: all). */
int store_outbox_list(struct store *st, const char *state, size_t limit,
		      int (*cb)(const struct outbox_row *, void *), void *arg);
/* Pending rows whose next attempt is not after now, oldest first, at most
 * limit. */
int store_outbox_due(struct store *st, const char *now, size_t limit,
		     int (*cb)(const struct outbox_row *, void *), void *arg);
/* The earliest next attempt of a pending row ("" when one is due at once,
 * *found false when none is pending). */
int store_outbox_next_attempt(struct store *st, char out[21], bool *found);
/* pending -> sending, counting the attempt; STORE_CONFLICT when the row
 * is not pending. */
int store_outbox_sending(struct store *st, int64_t id);
/* sending -> delivering. */
int store_outbox_delivering(struct store *st, int64_t id);
/* sending or delivering -> sent, now. */
int store_outbox_sent(struct store *st, int64_t id);
/* sending or delivering -> pending, not before next_attempt_at. */
int store_outbox_retry(struct store *st, int64_t id,
		       const char *next_attempt_at, const char *error);
/* Any state but sent -> failed, or pending -> cancelled, with why. */
int store_outbox_fail(struct store *st, int64_t id, const char *error);
int store_outbox_cancel(struct store *st, int64_t id, const char *why);
/* After a restart: rows left sending go back to pending (their message
 * cannot have been taken whole), rows left delivering fail (it may have
 * been: sending again could deliver it twice). Counts of each. */
int store_outbox_recover(struct store *st, int64_t *retried, int64_t *failed);
void outbox_row_clear(struct outbox_row *r);

/* A personal reminder (`foia remind`): state scheduled until its day
 * comes, then queued (in the outbox), or cancelled with its request. */
struct snooze {
	int64_t id;
	int64_t request_id;
	char *date;
	char *note;
	char *state;
	char *created;
	char *created_by;
};

/* Add s (state scheduled) and set s->id and s->created. */
int store_snooze_add(struct store *st, struct snooze *s);
/* Snoozes in state (NULL: any), by date then id. */
int store_snooze_list(struct store *st, const char *state,
		      int (*cb)(const struct snooze *, void *), void *arg);
int store_snooze_set_state(struct store *st, int64_t id, const char *state);
void snooze_clear(struct snooze *s);

/*
 * CalDAV publishing (caldav.c): one row per deadline event the CalDAV
 * server holds, as last sent. Kind is a deadline kind name; hash names the
 * content sent; etag is the server's, or empty when it gave none.
 */
struct caldav_stamp {
	int64_t request_id;
	char kind[32];
	char date[11];
	char hash[17];
	int64_t sequence;
	char created[21];
	char changed[21];
	char etag[256];
};

/* Every stamp, by request and kind; a nonzero cb return stops the walk
 * and is returned. */
int store_caldav_list(struct store *st,
		      int (*cb)(const struct caldav_stamp *, void *),
		      void *arg);
/* Insert or replace one. */
int store_caldav_save(struct store *st, const struct caldav_stamp *s);
/* Forget one (the server no longer has it). */
int store_caldav_delete(struct store *st, int64_t request_id, const char *kind);

/* Counts for `status`. */
int store_count_requests(struct store *st, int64_t *out);
int store_count_agencies(struct store *st, int64_t *out);
int store_count_by_status(struct store *st,
			  int (*cb)(const char *status, int64_t n, void *),
			  void *arg);

#endif
