/*
 * ical_feed.h: iCalendar (RFC 5545) text of deadline feeds, made with
 * libical. The only libical code that writes; feeds.c decides what goes in.
 *
 * A feed is written as a stream: the calendar's head, then each event's
 * text, then the tail. libical's cost is per component and a tree of
 * hundreds of thousands of them is several times slower than building,
 * printing and freeing one event at a time (docs/performance-notes.md), and
 * streaming lets one event's text go into two files (the feed of
 * everything and its project's) for the price of one.
 *
 * Every string returned is the caller's (free()); lines end in CRLF and are
 * folded at 75 octets by libical; TEXT values are escaped by libical.
 */
#ifndef FOIAD_ICAL_FEED_H
#define FOIAD_ICAL_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The calendar as a whole. */
struct ical_feed_info {
	const char *name;	 /* X-WR-CALNAME */
	const char *description; /* X-WR-CALDESC, or NULL */
	int refresh_minutes;	 /* REFRESH-INTERVAL and X-PUBLISHED-TTL */
};

/* The alarms of every event: one VALARM per lead, at `minute` of the day
 * `lead` days before the event's day. An all-day event has no time zone
 * (it is the same day everywhere), so the trigger is relative to its start
 * and rings at that time of day wherever the calendar is shown. */
struct ical_feed_alarms {
	const int *leads; /* days before; 0 = on the day */
	size_t n;
	int minute; /* minutes after midnight */
};

/* One all-day event. */
struct ical_feed_event {
	const char *uid;
	int32_t date; /* civil day number (foia/civil.h) */
	int64_t sequence;
	const char *created; /* UTC "YYYY-MM-DDTHH:MM:SSZ": CREATED */
	const char *changed; /* ... DTSTAMP and LAST-MODIFIED */
	const char *summary;
	const char *description;       /* or NULL */
	const char *const *categories; /* each its own CATEGORIES line */
	size_t ncategories;
	const char *alarm_text; /* the VALARMs' DESCRIPTION; NULL: summary */
};

/* Everything before the first event ("BEGIN:VCALENDAR" ... ), or NULL when
 * out of memory. */
char *ical_feed_head(const struct ical_feed_info *info);
/* What follows the last event. */
const char *ical_feed_tail(void);
/* One VEVENT with its VALARMs, or NULL when out of memory or when a
 * timestamp is malformed. */
char *ical_feed_event(const struct ical_feed_event *e,
		      const struct ical_feed_alarms *alarms);

/*
 * The same event text, made faster for a whole feed. Most lines of a feed's
 * events repeat from one event to the next (the stamps, the dates, the
 * categories, the alarms); a writer remembers each such line as libical
 * printed it the first time and copies it after, so libical prints only
 * what is new (UID, SUMMARY, DESCRIPTION). Each line is still libical's
 * text, and a VEVENT is the concatenation of its lines as
 * icalcomponent_as_ical_string_r makes it, so the result is byte for byte
 * ical_feed_event's (test_ical_feed.c checks that on many events). The
 * memory is bounded: past ICAL_FEED_MEMO_MAX lines nothing more is kept.
 */
#define ICAL_FEED_MEMO_MAX 4096
struct ical_feed_writer;
struct ical_feed_writer *ical_feed_writer_new(void);
void ical_feed_writer_free(struct ical_feed_writer *w);
char *ical_feed_writer_event(struct ical_feed_writer *w,
			     const struct ical_feed_event *e,
			     const struct ical_feed_alarms *alarms);

/*
 * Parse text as libical reads a subscription: 0 when it is one VCALENDAR
 * that libical parses without an error property (X-LIC-ERROR) anywhere,
 * that passes libical's restriction checks, and whose components have the
 * properties RFC 5545 requires (VERSION, PRODID; UID, DTSTAMP, DTSTART;
 * ACTION, TRIGGER) once each; *nevents gets its number of VEVENTs. -1 with
 * err saying what is wrong otherwise.
 */
int ical_feed_check(const char *text, size_t *nevents, char *err,
		    size_t errlen);
/* text parsed by libical and printed again (a round trip), or NULL. */
char *ical_feed_reprint(const char *text);

#endif
