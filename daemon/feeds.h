/*
 * feeds.h: the calendar feeds: every live deadline of every open request as
 * an all-day iCalendar event, in one feed of everything (all.ics) and one
 * per project (<project>.ics) in calendar.directory, kept up to date after
 * every change; and the same text on demand for `foia ics`.
 *
 * What goes in: for each request that is not closed or withdrawn, each
 * deadline that has a date and is not met (due, agreed or overdue); an
 * overdue one is marked in its SUMMARY and stays until the request moves
 * on. A deadline whose clock is stopped by an open toll has no date and is
 * left out until the clock runs again. Each project that any request names
 * has a file, empty when none of its requests has a live deadline, so a
 * subscription never breaks.
 *
 * Every event's UID is "<request id>-<kind>@<domain>", stable for the life
 * of the deadline. The store remembers what was last published of each
 * (store_feed.c): SEQUENCE goes up by one each time the date moves, and
 * DTSTAMP / LAST-MODIFIED change only when the date or the text does (a
 * new subject or tracking number, the overdue marking), so regenerating
 * an unchanged feed gives the same bytes.
 *
 * Writing is debounced: a change arms a timer, and a burst of changes is
 * written once, about a second after the last (at most five seconds after
 * the first). The feeds are also written at start and just after local
 * midnight (deadlines turn overdue with the date). Each file is replaced
 * atomically: written to a temporary file in the same directory, synced,
 * renamed over the old one, and the directory synced; a reader sees the old
 * file or the new, never a part. A file whose content did not change since
 * foiad last wrote it is left alone, so web servers' ETag and
 * Last-Modified stay put.
 *
 * The writing runs on the event loop: at 100,000 open requests a full
 * regeneration takes a few seconds (tests/bench/bench_feed.c), during
 * which clients wait; at the scale of a newsroom's requests it takes
 * milliseconds.
 */
#ifndef FOIAD_FEEDS_H
#define FOIAD_FEEDS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct daemon;

/* The clock a feed is made at: the civil date that decides what is
 * overdue, and the time stamped on what changed. */
struct feed_clock {
	int32_t today;
	time_t now;
};

/* The real clock: today where the daemon runs, and now. */
struct feed_clock feeds_clock_now(void);

/* Register with the daemon's timers and change listeners, and arm the
 * first write (the feeds are written as soon as the loop runs). */
int feeds_init(struct daemon *d);
/* Write feeds still waiting for their debounce, at shutdown. */
void feeds_shutdown(struct daemon *d);

/*
 * The feed of one project, or of everything when project is NULL, as a
 * malloc'd string in *text (length *len). Returns 0, or -1 with err set
 * (1 when project names no project: *text is NULL).
 */
int feeds_render(struct daemon *d, const char *project,
		 const struct feed_clock *clk, char **text, size_t *len,
		 char *err, size_t errlen);

/* Write all.ics and every project's file into dir (created if missing).
 * Returns the number of files replaced, or -1 with err set. */
int feeds_write(struct daemon *d, const char *dir, const struct feed_clock *clk,
		char *err, size_t errlen);

/* The file name of a project's feed: "<project>.ics" when the name is made
 * of ASCII letters, digits, '_', and '.' or '-' (not first), and is not
 * "all"; else its safe characters ('-' for the others, '_' for an unsafe
 * first one), '-' and a hash of the whole name, so two projects never
 * share a file: "Cecot 2025" -> "Cecot-2025-1a2b3c4d.ics". */
void feeds_file_name(const char *project, char *buf, size_t len);

/* The right-hand side of UIDs: calendar.domain, else the host's fully
 * qualified name, else "foiad.invalid". */
void feeds_domain(const struct daemon *d, char *buf, size_t len);

#endif
