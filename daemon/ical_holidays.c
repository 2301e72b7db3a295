/*
 * ical_holidays.c: reading holiday dates out of an iCalendar feed with
 * libical (see ical_holidays.h for what a feed gives). The only file that
 * speaks libical.
 *
 * The text is checked before libical sees it (UTF-8, no NUL, starts with
 * BEGIN:VCALENDAR) because libical's parser accepts almost anything and
 * hands back what it could make of it. Dates are taken as written: a
 * DATE-TIME's date is its own day in its own zone, never converted, since
 * a holiday is a civil date. Every loop is bounded: rules are expanded
 * only up to last_year, at most MAX_ITER steps each, and a feed may give
 * at most ICAL_MAX_DAYS days, because the daemon parses in its event loop
 * and a hostile feed must not hold it.
 */
#include "ical_holidays.h"

#include <libical/ical.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "foia/civil.h"
#include "grow.h"
#include "validate.h"
#include "workcal.h"

/* Steps of one rule's expansion, dates before first_year included. */
#define MAX_ITER (4 * ICAL_MAX_DAYS)

/* An instance replaced by another VEVENT with its UID and RECURRENCE-ID. */
struct override {
	const char *uid; /* owned by the parsed tree */
	int32_t date;
};

/* Day numbers, growing. */
struct dates {
	int32_t *v;
	size_t n, cap;
};

struct parse {
	struct ical_days *out;
	size_t cap;
	int first_year, last_year;
	struct override *ovr;
	size_t n_ovr, cap_ovr;
	size_t n_events;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	if (!p->err || !p->errlen)
		return -1;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int nomem(struct parse *p)
{
	return fail(p, "out of memory reading the iCalendar file");
}

void ical_days_free(struct ical_days *days)
{
	if (!days)
		return;
	for (size_t i = 0; i < days->n; i++)
		free(days->v[i].name);
	free(days->v);
	memset(days, 0, sizeof(*days));
}

/* After an optional byte-order mark and blank lines. */
static bool begins_vcalendar(const char *s, size_t len)
{
	static const char tag[] = "BEGIN:VCALENDAR";
	size_t i = 0;
	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return len - i >= sizeof(tag) - 1 &&
	       strncasecmp(s + i, tag, sizeof(tag) - 1) == 0;
}

/* The date of t as written, as a day number; false when t holds none. */
static bool time_day(struct icaltimetype t, int32_t *out)
{
	if (icaltime_is_null_time(t) || t.month < 1 || t.month > 12 ||
	    t.day < 1 || t.day > civil_days_in_month(t.year, t.month) ||
	    t.year < 1 || t.year > 9999)
		return false;
	*out = civil_to_days(t.year, t.month, t.day);
	return true;
}

static const char *day_text(int32_t d, char *buf, size_t len)
{
	civil_format(d, buf, len);
	return buf;
}

static int push_date(struct parse *p, struct dates *d, int32_t day)
{
	if (!grow_array((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v)))
		return nomem(p);
	d->v[d->n++] = day;
	return 0;
}

static bool has_date(const struct dates *d, int32_t day)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i] == day)
			return true;
	return false;
}

static int cmp_date(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

/* One day off, or one more skipped when outside the years asked for. */
static int add_day(struct parse *p, int32_t day, const char *name)
{
	struct ical_days *o = p->out;
	int y, m, d;
	if (o->n + o->skipped >= ICAL_MAX_DAYS)
		return fail(p, "the iCalendar file gives more than %d days",
			    ICAL_MAX_DAYS);
	civil_from_days(day, &y, &m, &d);
	if (y < p->first_year || y > p->last_year) {
		o->skipped++;
		return 0;
	}
	if (!grow_array((void **)&o->v, &p->cap, o->n + 1, sizeof(*o->v)))
		return nomem(p);
	char *copy = strdup(name);
	if (!copy)
		return nomem(p);
	o->v[o->n++] = (struct ical_day){.date = day, .name = copy};
	return 0;
}

/*
 * The SUMMARY made one line: control characters (an escaped \n becomes a
 * newline in libical's hands) turn into spaces, runs of spaces into one,
 * and the ends are trimmed. "holiday" when there is none. NULL when out
 * of memory.
 */
static char *one_line(const char *summary)
{
	size_t len = summary ? strlen(summary) : 0, n = 0;
	char *name = malloc(len + sizeof("holiday"));
	if (!name)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)summary[i];
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && (n == 0 || name[n - 1] == ' '))
			continue;
		name[n++] = (char)c;
	}
	while (n > 0 && name[n - 1] == ' ')
		n--;
	name[n] = '\0';
	if (n == 0)
		memcpy(name, "holiday", sizeof("holiday"));
	return name;
}

/* At most 48 bytes of a name for a message, cut between characters so
 * that the message stays UTF-8, with "..." when cut. */
static const char *excerpt(const char *name, char buf[64])
{
	size_t n = strlen(name);
	if (n <= 48)
		return name;
	n = 48;
	while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, name, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* How many days an all-day event covers: DTEND is exclusive (RFC 5545
 * 3.6.1), DURATION counts days and weeks; neither means one day. */
static int event_span(struct parse *p, icalcomponent *ev, int32_t first,
		      const char *name, int *span)
{
	char when[16], ex[64];
	icalproperty *pe =
		icalcomponent_get_first_property(ev, ICAL_DTEND_PROPERTY);
	icalproperty *pd =
		icalcomponent_get_first_property(ev, ICAL_DURATION_PROPERTY);
	long days = 1;
	if (pe) {
		struct icaltimetype end = icalproperty_get_dtend(pe);
		int32_t last;
		if (!time_day(end, &last))
			return fail(p,
				    "event '%s' on %s has no valid end date "
				    "(DTEND)",
				    excerpt(name, ex),
				    day_text(first, when, sizeof(when)));
		days = (long)last - first;
		/* An end during a day takes that day in too. */
		if (!end.is_date && (end.hour || end.minute || end.second))
			days++;
	} else if (pd) {
		struct icaldurationtype d = icalproperty_get_duration(pd);
		days = d.is_neg ? 0 : (long)d.days + 7L * (long)d.weeks;
	}
	if (days < 1)
		days = 1; /* an end at or before the start: the one day */
	if (days > ICAL_MAX_SPAN)
		return fail(p, "event '%s' on %s lasts %ld days (at most %d)",
			    excerpt(name, ex),
			    day_text(first, when, sizeof(when)), days,
			    ICAL_MAX_SPAN);
	*span = (int)days;
	return 0;
}

/* Append the start dates rule gives from start up to last_year. */
static int expand_rule(struct parse *p, icalproperty *prop,
		       struct icaltimetype start, const char *name,
		       struct dates *starts)
{
	char ex[64];
	struct icalrecurrencetype rule = icalproperty_get_rrule(prop);
	if (rule.freq == ICAL_NO_RECURRENCE)
		return fail(p, "event '%s': RRULE not understood",
			    excerpt(name, ex));
	if (rule.freq < ICAL_DAILY_RECURRENCE)
		return fail(p, "event '%s': RRULE repeats more than daily",
			    excerpt(name, ex));
	icalrecur_iterator *it = icalrecur_iterator_new(rule, start);
	if (!it)
		return fail(p, "event '%s': RRULE not understood",
			    excerpt(name, ex));
	int rc = 0;
	for (size_t step = 0;; step++) {
		if (step >= MAX_ITER) {
			rc = fail(p, "event '%s': RRULE gives too many dates",
				  excerpt(name, ex));
			break;
		}
		struct icaltimetype t = icalrecur_iterator_next(it);
		int32_t day;
		if (icaltime_is_null_time(t) || t.year > p->last_year)
			break;
		if (!time_day(t, &day)) {
			rc = fail(p, "event '%s': RRULE gives an invalid date",
				  excerpt(name, ex));
			break;
		}
		if ((rc = push_date(p, starts, day)) < 0)
			break;
		if (starts->n > ICAL_MAX_DAYS) {
			rc = fail(p,
				  "the iCalendar file gives more than %d "
				  "days",
				  ICAL_MAX_DAYS);
			break;
		}
	}
	icalrecur_iterator_free(it);
	return rc;
}

/* Start dates from RDATE and dates left out by EXDATE or overrides. */
static int extra_dates(struct parse *p, icalcomponent *ev, struct dates *starts,
		       struct dates *except)
{
	icalproperty *prop;
	int32_t day;
	for (prop = icalcomponent_get_first_property(ev, ICAL_RDATE_PROPERTY);
	     prop;
	     prop = icalcomponent_get_next_property(ev, ICAL_RDATE_PROPERTY)) {
		struct icaldatetimeperiodtype r = icalproperty_get_rdate(prop);
		if ((time_day(r.time, &day) ||
		     time_day(r.period.start, &day)) &&
		    push_date(p, starts, day) < 0)
			return -1;
	}
	for (prop = icalcomponent_get_first_property(ev, ICAL_EXDATE_PROPERTY);
	     prop;
	     prop = icalcomponent_get_next_property(ev, ICAL_EXDATE_PROPERTY))
		if (time_day(icalproperty_get_exdate(prop), &day) &&
		    push_date(p, except, day) < 0)
			return -1;
	const char *uid = icalcomponent_get_uid(ev);
	for (size_t i = 0; uid && i < p->n_ovr; i++)
		if (strcmp(p->ovr[i].uid, uid) == 0 &&
		    push_date(p, except, p->ovr[i].date) < 0)
			return -1;
	return 0;
}

/*
 * libical drops a property it cannot read and leaves an X-LIC-ERROR in
 * its place. Losing a DTEND, RRULE or EXDATE would silently give other
 * days than the feed meant, so those refuse the feed; errors about other
 * properties (a LOCATION, an X- property) do not matter here.
 */
static int check_dropped(struct parse *p, icalcomponent *ev, const char *name)
{
	static const char *const dates[] = {
		"DTSTART", "DTEND",  "DURATION",      "RRULE",
		"RDATE",   "EXDATE", "RECURRENCE-ID", "STATUS",
	};
	char ex[64], what[48];
	for (icalproperty *e = icalcomponent_get_first_property(
		     ev, ICAL_XLICERROR_PROPERTY);
	     e;
	     e = icalcomponent_get_next_property(ev, ICAL_XLICERROR_PROPERTY)) {
		const char *text = icalproperty_get_xlicerror(e);
		for (size_t i = 0; text && i < sizeof(dates) / sizeof(*dates);
		     i++) {
			snprintf(what, sizeof(what), " in %s property",
				 dates[i]);
			if (strstr(text, what))
				return fail(p,
					    "event '%s': its %s could not be "
					    "read",
					    excerpt(name, ex), dates[i]);
		}
	}
	return 0;
}

static int read_event(struct parse *p, icalcomponent *ev)
{
	struct dates starts = {0}, except = {0};
	char when[16], ex[64];
	int32_t first;
	int span = 1, rc = -1;

	icalproperty *st =
		icalcomponent_get_first_property(ev, ICAL_STATUS_PROPERTY);
	if (st && icalproperty_get_status(st) == ICAL_STATUS_CANCELLED)
		return 0;
	char *name = one_line(icalcomponent_get_summary(ev));
	if (!name)
		return nomem(p);
	icalproperty *ps =
		icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
	struct icaltimetype start =
		ps ? icalproperty_get_dtstart(ps) : icaltime_null_time();
	if (check_dropped(p, ev, name) < 0)
		goto out;
	if (!time_day(start, &first)) {
		fail(p, "event '%s' has no valid start date (DTSTART)",
		     excerpt(name, ex));
		goto out;
	}
	if (strlen(name) > WORKCAL_MAX_NAME) {
		fail(p, "event '%s' on %s: name over %d bytes",
		     excerpt(name, ex), day_text(first, when, sizeof(when)),
		     WORKCAL_MAX_NAME);
		goto out;
	}
	if (start.is_date && event_span(p, ev, first, name, &span) < 0)
		goto out;
	if (push_date(p, &starts, first) < 0)
		goto out;
	/* An override (it has a RECURRENCE-ID) is one instance as it now
	 * is; only a master expands its rules. */
	if (!icalcomponent_get_first_property(ev, ICAL_RECURRENCEID_PROPERTY)) {
		icalproperty *r;
		for (r = icalcomponent_get_first_property(ev,
							  ICAL_RRULE_PROPERTY);
		     r; r = icalcomponent_get_next_property(
				ev, ICAL_RRULE_PROPERTY))
			if (expand_rule(p, r, start, name, &starts) < 0)
				goto out;
		if (extra_dates(p, ev, &starts, &except) < 0)
			goto out;
	}
	qsort(starts.v, starts.n, sizeof(*starts.v), cmp_date);
	for (size_t i = 0; i < starts.n; i++) {
		if ((i > 0 && starts.v[i] == starts.v[i - 1]) ||
		    has_date(&except, starts.v[i]))
			continue;
		for (int k = 0; k < span; k++)
			if (add_day(p, starts.v[i] + k, name) < 0)
				goto out;
	}
	rc = 0;
out:
	free(starts.v);
	free(except.v);
	free(name);
	return rc;
}

/* Note an override, so that its master leaves that instance out. */
static int note_override(struct parse *p, icalcomponent *ev)
{
	icalproperty *r = icalcomponent_get_first_property(
		ev, ICAL_RECURRENCEID_PROPERTY);
	const char *uid = icalcomponent_get_uid(ev);
	int32_t day;
	if (!r || !uid || !time_day(icalproperty_get_recurrenceid(r), &day))
		return 0;
	if (!grow_array((void **)&p->ovr, &p->cap_ovr, p->n_ovr + 1,
			sizeof(*p->ovr)))
		return nomem(p);
	p->ovr[p->n_ovr++] = (struct override){uid, day};
	return 0;
}

/* Run fn over every VEVENT of cal, in order. */
static int each_event(struct parse *p, icalcomponent *cal,
		      int (*fn)(struct parse *, icalcomponent *))
{
	for (icalcomponent *ev = icalcomponent_get_first_component(
		     cal, ICAL_VEVENT_COMPONENT);
	     ev; ev = icalcomponent_get_next_component(cal,
						       ICAL_VEVENT_COMPONENT)) {
		if (fn == note_override)
			p->n_events++;
		if (fn(p, ev) < 0)
			return -1;
	}
	return 0;
}

/* Every VCALENDAR of root (several calendars parse as an XROOT). */
static int each_calendar(struct parse *p, icalcomponent *root,
			 int (*fn)(struct parse *, icalcomponent *))
{
	if (icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT)
		return each_event(p, root, fn);
	for (icalcomponent *cal = icalcomponent_get_first_component(
		     root, ICAL_VCALENDAR_COMPONENT);
	     cal; cal = icalcomponent_get_next_component(
			  root, ICAL_VCALENDAR_COMPONENT))
		if (each_event(p, cal, fn) < 0)
			return -1;
	return 0;
}

int ical_holidays_parse(const char *text, size_t len, int first_year,
			int last_year, struct ical_days *out, char *err,
			size_t errlen)
{
	struct parse p = {.out = out,
			  .first_year = first_year,
			  .last_year = last_year,
			  .err = err,
			  .errlen = errlen};
	icalcomponent *root = NULL;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (err && errlen)
		err[0] = '\0';
	if (!text || len == 0)
		return fail(&p, "not an iCalendar file (it is empty)");
	if (memchr(text, '\0', len))
		return fail(&p, "not an iCalendar file (it contains a NUL "
				"byte)");
	size_t bad = utf8_invalid_at(text, len);
	if (bad < len)
		return fail(&p,
			    "the iCalendar file is not valid UTF-8 (at "
			    "byte %zu)",
			    bad);
	if (!begins_vcalendar(text, len))
		return fail(&p, "not an iCalendar file (it does not begin "
				"with BEGIN:VCALENDAR)");
	char *copy = malloc(len + 1);
	if (!copy)
		return nomem(&p);
	memcpy(copy, text, len);
	copy[len] = '\0';
	/* Errors are reported in the tree (X-LIC-ERROR), never by abort. */
	icalerror_set_errors_are_fatal(0);
	root = icalparser_parse_string(copy);
	free(copy);
	if (!root || (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT &&
		      icalcomponent_isa(root) != ICAL_XROOT_COMPONENT)) {
		fail(&p, "not an iCalendar file (no VCALENDAR could be read)");
		goto out;
	}
	if (each_calendar(&p, root, note_override) < 0)
		goto out;
	if (p.n_events == 0) {
		fail(&p, "no events (VEVENT) in the iCalendar file");
		goto out;
	}
	if (each_calendar(&p, root, read_event) < 0)
		goto out;
	rc = 0;
out:
	if (root)
		icalcomponent_free(root);
	free(p.ovr);
	icalerror_clear_errno();
	if (rc < 0)
		ical_days_free(out);
	return rc;
}
