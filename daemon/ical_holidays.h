/*
 * ical_holidays.h: holiday dates read from an iCalendar feed (RFC 5545),
 * such as the bank-holiday feeds governments publish and Alaveteli
 * imports.
 *
 * Each VEVENT gives one or more days off named by its SUMMARY: the date of
 * DTSTART (a DATE, or the date part of a DATE-TIME as written, in its own
 * zone); every day up to an all-day event's exclusive DTEND (or DURATION);
 * the dates of its RRULE up to the last year asked for, plus RDATEs, less
 * EXDATEs and the instances another VEVENT overrides (RECURRENCE-ID).
 * Cancelled events give nothing. Days outside first_year..last_year are
 * counted as skipped, not refused: a feed may well start before the
 * calendar does. Everything else that is off (not iCalendar, no VEVENT, a
 * name too long, not UTF-8, an event of over ICAL_MAX_SPAN days, a rule
 * repeating more than daily or too many days in all) refuses the whole
 * feed with a message saying why, so a bad feed never half-imports.
 */
#ifndef FOIAD_ICAL_HOLIDAYS_H
#define FOIAD_ICAL_HOLIDAYS_H

#include <stddef.h>
#include <stdint.h>

/* Most days one feed may give (after expanding rules). */
#define ICAL_MAX_DAYS 20000
/* Longest event, in days: a "holiday" of months is a wrong feed. */
#define ICAL_MAX_SPAN 31

struct ical_day {
	int32_t date; /* day number, include/foia/civil.h */
	char *name;   /* at most WORKCAL_MAX_NAME bytes, one line */
};

struct ical_days {
	struct ical_day *v; /* in feed order; a date may repeat */
	size_t n;
	size_t skipped; /* days outside first_year..last_year */
};

/*
 * Read the feed text (len bytes; need not be NUL-terminated) into out,
 * keeping days of first_year..last_year. Returns 0, or -1 with out empty
 * and a message in err such as "not an iCalendar file (it does not begin
 * with BEGIN:VCALENDAR)".
 */
int ical_holidays_parse(const char *text, size_t len, int first_year,
			int last_year, struct ical_days *out, char *err,
			size_t errlen);
void ical_days_free(struct ical_days *days);

#endif
