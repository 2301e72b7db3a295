/*
 * ical_feed.c: the iCalendar text of deadline feeds (see ical_feed.h).
 *
 * Each event is built as a small libical tree, printed with the _r variant
 * (whose memory is ours, unlike the plain one's ring buffer) and freed
 * before the next: the feed is a stream. The calendar's head is printed
 * the same way from a VCALENDAR without components, cut before its END
 * line.
 *
 * libical 3.0 escapes TEXT values of known properties, but writes X-
 * properties (X-WR-CALNAME) and each CATEGORIES value as given and splits
 * them again at commas when reading: such values lose their commas,
 * semicolons and backslashes here, so that what is read back is what was
 * written. Control characters other than line breaks and tabs are not
 * allowed in TEXT (RFC 5545 3.3.11) and become spaces.
 */
#include "ical_feed.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"
#include "foia/protocol.h"

#define PRODID "-//foiad//foiad " FOIA_VERSION "//EN"

/* A copy of s fit for a TEXT value: no control characters but line breaks
 * and tabs (CRLF becomes LF); with flat, no line breaks either, nor the
 * characters libical would not escape. */
static char *clean_text(const char *s, bool flat)
{
	size_t n = strlen(s);
	char *out = malloc(n + 1), *p = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '\r' && s[i + 1] == '\n')
			continue;
		if (flat && (ch == ',' || ch == ';' || ch == '\\'))
			ch = ' ';
		else if ((ch < 0x20 && (flat || (ch != '\n' && ch != '\t'))) ||
			 ch == 0x7f)
			ch = ' ';
		*p++ = (char)ch;
	}
	*p = '\0';
	return out;
}

/* A TEXT property made by make from a cleaned copy of s, or NULL. */
static icalproperty *text_prop(icalproperty *(*make)(const char *),
			       const char *s, bool flat)
{
	char *v = clean_text(s, flat);
	if (!v)
		return NULL;
	icalproperty *p = make(v);
	free(v);
	return p;
}

/* Add a TEXT property made by make from a cleaned copy of s. */
static bool add_text(icalcomponent *c, icalproperty *(*make)(const char *),
		     const char *s, bool flat)
{
	icalproperty *p = text_prop(make, s, flat);
	if (!p)
		return false;
	icalcomponent_add_property(c, p);
	return true;
}

/* An X- or other non-libical property with a TEXT (or, with value_kind,
 * another) value. */
static bool add_named(icalcomponent *c, const char *name, const char *value,
		      icalparameter_value value_kind)
{
	char *v = clean_text(value, true);
	if (!v)
		return false;
	icalproperty *p = icalproperty_new_x(v);
	free(v);
	if (!p)
		return false;
	icalproperty_set_x_name(p, name);
	if (value_kind != ICAL_VALUE_NONE)
		icalproperty_add_parameter(p,
					   icalparameter_new_value(value_kind));
	icalcomponent_add_property(c, p);
	return true;
}

/* Print c and free it. */
static char *print_free(icalcomponent *c)
{
	char *s = icalcomponent_as_ical_string_r(c);
	icalcomponent_free(c);
	return s;
}

char *ical_feed_head(const struct ical_feed_info *info)
{
	static const char end[] = "END:VCALENDAR\r\n";
	char ttl[32];
	icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
	if (!cal)
		return NULL;
	icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
	icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
	icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
	/* REFRESH-INTERVAL (RFC 7986) for clients that follow the standard,
	 * X-PUBLISHED-TTL for those (Outlook, Apple) that predate it. */
	char *dur = icaldurationtype_as_ical_string_r(
		icaldurationtype_from_int(info->refresh_minutes * 60));
	if (!dur) {
		icalcomponent_free(cal);
		return NULL;
	}
	snprintf(ttl, sizeof(ttl), "%s", dur);
	free(dur);
	if (!add_named(cal, "X-WR-CALNAME", info->name, ICAL_VALUE_NONE) ||
	    (info->description &&
	     !add_named(cal, "X-WR-CALDESC", info->description,
			ICAL_VALUE_NONE)) ||
	    !add_named(cal, "REFRESH-INTERVAL", ttl, ICAL_VALUE_DURATION) ||
	    !add_named(cal, "X-PUBLISHED-TTL", ttl, ICAL_VALUE_NONE)) {
		icalcomponent_free(cal);
		return NULL;
	}
	char *s = print_free(cal);
	size_t n = s ? strlen(s) : 0;
	if (!s || n < sizeof(end) - 1 ||
	    strcmp(s + n - (sizeof(end) - 1), end) != 0) {
		free(s);
		return NULL;
	}
	s[n - (sizeof(end) - 1)] = '\0';
	return s;
}

const char *ical_feed_tail(void)
{
	return "END:VCALENDAR\r\n";
}

static struct icaltimetype date_value(int32_t days)
{
	struct icaltimetype t = icaltime_null_date();
	civil_from_days(days, &t.year, &t.month, &t.day);
	return t;
}

/* "2025-03-01T12:00:00Z" as a UTC date-time; false when malformed. */
static bool utc_value(const char *ts, struct icaltimetype *out)
{
	char basic[17];
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ";
	if (!ts || strlen(ts) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? ts[i] < '0' || ts[i] > '9'
				    : ts[i] != shape[i])
			return false;
	/* YYYYMMDDTHHMMSSZ */
	snprintf(basic, sizeof(basic), "%.4s%.2s%.2sT%.2s%.2s%.2sZ", ts, ts + 5,
		 ts + 8, ts + 11, ts + 14, ts + 17);
	*out = icaltime_from_string(basic);
	return !icaltime_is_null_time(*out) && icaltime_is_valid_time(*out);
}

/* One VALARM ringing at minute of the day lead days before the event. */
static icalcomponent *make_alarm(const char *text, int lead, int minute)
{
	char desc[1024];
	struct icaltriggertype tr;
	memset(&tr, 0, sizeof(tr));
	tr.time = icaltime_null_time();
	tr.duration = icaldurationtype_from_int(-lead * 86400 + minute * 60);
	if (lead == 0)
		snprintf(desc, sizeof(desc), "%s today", text);
	else if (lead == 1)
		snprintf(desc, sizeof(desc), "%s tomorrow", text);
	else
		snprintf(desc, sizeof(desc), "%s in %d days", text, lead);
	icalcomponent *a = icalcomponent_new(ICAL_VALARM_COMPONENT);
	if (!a)
		return NULL;
	icalcomponent_add_property(
		a, icalproperty_new_action(ICAL_ACTION_DISPLAY));
	icalcomponent_add_property(a, icalproperty_new_trigger(tr));
	if (!add_text(a, icalproperty_new_description, desc, false)) {
		icalcomponent_free(a);
		return NULL;
	}
	return a;
}

static int clamp_sequence(int64_t sequence)
{
	return (int)(sequence > 0x7fffffff ? 0x7fffffff
		     : sequence < 0	   ? 0
					   : sequence);
}

char *ical_feed_event(const struct ical_feed_event *e,
		      const struct ical_feed_alarms *alarms)
{
	struct icaltimetype created, changed;
	if (!utc_value(e->created, &created) ||
	    !utc_value(e->changed, &changed))
		return NULL;
	icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
	if (!ev)
		return NULL;
	icalcomponent_add_property(ev, icalproperty_new_uid(e->uid));
	icalcomponent_add_property(ev, icalproperty_new_dtstamp(changed));
	icalcomponent_add_property(ev, icalproperty_new_created(created));
	icalcomponent_add_property(ev, icalproperty_new_lastmodified(changed));
	icalcomponent_add_property(
		ev, icalproperty_new_sequence(clamp_sequence(e->sequence)));
	icalcomponent_add_property(
		ev, icalproperty_new_dtstart(date_value(e->date)));
	/* The end of an all-day event is the next day (exclusive); some
	 * clients show an event without DTEND as lasting no time. */
	icalcomponent_add_property(
		ev, icalproperty_new_dtend(date_value(e->date + 1)));
	/* A deadline takes no time: it never shows the team as busy. */
	icalcomponent_add_property(
		ev, icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT));
	bool ok = add_text(ev, icalproperty_new_summary, e->summary, false) &&
		  (!e->description || add_text(ev, icalproperty_new_description,
					       e->description, false));
	for (size_t i = 0; ok && i < e->ncategories; i++)
		if (e->categories[i] && *e->categories[i])
			ok = add_text(ev, icalproperty_new_categories,
				      e->categories[i], true);
	for (size_t i = 0; ok && alarms && i < alarms->n; i++) {
		icalcomponent *a =
			make_alarm(e->alarm_text ? e->alarm_text : e->summary,
				   alarms->leads[i], alarms->minute);
		if (a)
			icalcomponent_add_component(ev, a);
		ok = a != NULL;
	}
	if (!ok) {
		icalcomponent_free(ev);
		return NULL;
	}
	return print_free(ev);
}

/* --- the writer: remembered lines ------------------------------------ */

/* What a remembered line is of; with the key, names it. */
enum memo_tag {
	MEMO_DTSTAMP,
	MEMO_CREATED,
	MEMO_LASTMOD,
	MEMO_SEQUENCE,
	MEMO_DTSTART,
	MEMO_DTEND,
	MEMO_TRANSP,
	MEMO_CATEGORY,
	MEMO_ALARM,
};

struct memo {
	uint64_t hash; /* 0: empty slot */
	char *key;
	char *text;
	size_t len;
};

enum { MEMO_SLOTS = 2 * ICAL_FEED_MEMO_MAX }; /* at most half full */

struct ical_feed_writer {
	struct memo *slots;
	size_t used;
	char *buf; /* the event being made */
	size_t len, cap;
};

struct ical_feed_writer *ical_feed_writer_new(void)
{
	struct ical_feed_writer *w = calloc(1, sizeof(*w));
	if (w && !(w->slots = calloc(MEMO_SLOTS, sizeof(*w->slots)))) {
		free(w);
		return NULL;
	}
	return w;
}

void ical_feed_writer_free(struct ical_feed_writer *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < MEMO_SLOTS; i++) {
		free(w->slots[i].key);
		free(w->slots[i].text);
	}
	free(w->slots);
	free(w->buf);
	free(w);
}

static uint64_t memo_hash(enum memo_tag tag, const char *key)
{
	uint64_t h = 14695981039346656037u ^ (uint64_t)tag;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h ? h : 1;
}

/* The slot of (tag, key): the one holding it, or the empty one where it
 * would go. */
static struct memo *memo_slot(struct ical_feed_writer *w, enum memo_tag tag,
			      const char *key, uint64_t *hash)
{
	*hash = memo_hash(tag, key);
	size_t i = (size_t)(*hash % MEMO_SLOTS);
	for (;; i = (i + 1) % MEMO_SLOTS) {
		struct memo *m = &w->slots[i];
		if (m->hash == 0 ||
		    (m->hash == *hash && m->key[0] == (char)('A' + tag) &&
		     strcmp(m->key + 1, key) == 0))
			return m;
	}
}

static bool put(struct ical_feed_writer *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap) {
		size_t cap = w->cap ? w->cap : 2048;
		while (cap < w->len + n + 1)
			cap *= 2;
		char *b = realloc(w->buf, cap);
		if (!b)
			return false;
		w->buf = b;
		w->cap = cap;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
	w->buf[w->len] = '\0';
	return true;
}

/* Append text (libical's, ours to free), remembering it under (tag, key)
 * when slot is not NULL and there is room. */
static bool put_new(struct ical_feed_writer *w, char *text, struct memo *slot,
		    enum memo_tag tag, const char *key, uint64_t hash)
{
	if (!text)
		return false;
	size_t n = strlen(text);
	bool ok = put(w, text, n);
	size_t klen = strlen(key);
	char *k = NULL;
	if (ok && slot && w->used < ICAL_FEED_MEMO_MAX &&
	    (k = malloc(klen + 2))) {
		k[0] = (char)('A' + tag);
		memcpy(k + 1, key, klen + 1);
		*slot = (struct memo){hash, k, text, n};
		w->used++;
		return true;
	}
	free(text);
	return ok;
}

static char *print_prop(icalproperty *p)
{
	if (!p)
		return NULL;
	char *s = icalproperty_as_ical_string_r(p);
	icalproperty_free(p);
	return s;
}

/* The line of (tag, key), remembered or made now. */
static bool put_line(struct ical_feed_writer *w, enum memo_tag tag,
		     const char *key, int num)
{
	uint64_t hash;
	struct memo *m = memo_slot(w, tag, key, &hash);
	if (m->hash)
		return put(w, m->text, m->len);
	struct icaltimetype t;
	icalproperty *p = NULL;
	char *text = NULL;
	switch (tag) {
	case MEMO_DTSTAMP:
	case MEMO_CREATED:
	case MEMO_LASTMOD:
		if (!utc_value(key, &t))
			return false;
		p = tag == MEMO_DTSTAMP	  ? icalproperty_new_dtstamp(t)
		    : tag == MEMO_CREATED ? icalproperty_new_created(t)
					  : icalproperty_new_lastmodified(t);
		break;
	case MEMO_SEQUENCE:
		p = icalproperty_new_sequence(num);
		break;
	case MEMO_DTSTART:
	case MEMO_DTEND:
		p = tag == MEMO_DTSTART
			    ? icalproperty_new_dtstart(date_value(num))
			    : icalproperty_new_dtend(date_value(num));
		break;
	case MEMO_TRANSP:
		p = icalproperty_new_transp(ICAL_TRANSP_TRANSPARENT);
		break;
	case MEMO_CATEGORY:
		p = text_prop(icalproperty_new_categories, key, true);
		break;
	case MEMO_ALARM:
		return false; /* put_alarm's */
	}
	text = print_prop(p);
	return put_new(w, text, m, tag, key, hash);
}

static bool put_alarm(struct ical_feed_writer *w, const char *text, int lead,
		      int minute)
{
	char key[1200];
	uint64_t hash;
	int n = snprintf(key, 32, "%d %d ", lead, minute);
	size_t tlen = strlen(text);
	bool keep = n > 0 && (size_t)n + tlen < sizeof(key);
	if (keep)
		memcpy(key + n, text, tlen + 1);
	struct memo *m = keep ? memo_slot(w, MEMO_ALARM, key, &hash) : NULL;
	if (m && m->hash)
		return put(w, m->text, m->len);
	icalcomponent *a = make_alarm(text, lead, minute);
	return a && put_new(w, print_free(a), m, MEMO_ALARM, keep ? key : "",
			    keep ? hash : 0);
}

/* A line printed now and not kept: what is each event's own. */
static bool put_once(struct ical_feed_writer *w, icalproperty *p)
{
	char *s = print_prop(p);
	bool ok = s && put(w, s, strlen(s));
	free(s);
	return ok;
}

static bool put_event(struct ical_feed_writer *w,
		      const struct ical_feed_event *e,
		      const struct ical_feed_alarms *alarms)
{
	char num[24];
	snprintf(num, sizeof(num), "%d", clamp_sequence(e->sequence));
	/* The order is ical_feed_event's: libical prints in that order. */
	bool ok = put(w, "BEGIN:VEVENT\r\n", 14) &&
		  put_once(w, icalproperty_new_uid(e->uid)) &&
		  put_line(w, MEMO_DTSTAMP, e->changed, 0) &&
		  put_line(w, MEMO_CREATED, e->created, 0) &&
		  put_line(w, MEMO_LASTMOD, e->changed, 0) &&
		  put_line(w, MEMO_SEQUENCE, num, clamp_sequence(e->sequence));
	snprintf(num, sizeof(num), "%ld", (long)e->date);
	ok = ok && put_line(w, MEMO_DTSTART, num, e->date);
	snprintf(num, sizeof(num), "%ld", (long)e->date + 1);
	ok = ok && put_line(w, MEMO_DTEND, num, e->date + 1) &&
	     put_line(w, MEMO_TRANSP, "", 0) &&
	     put_once(w,
		      text_prop(icalproperty_new_summary, e->summary, false)) &&
	     (!e->description ||
	      put_once(w, text_prop(icalproperty_new_description,
				    e->description, false)));
	for (size_t i = 0; ok && i < e->ncategories; i++)
		if (e->categories[i] && *e->categories[i])
			ok = put_line(w, MEMO_CATEGORY, e->categories[i], 0);
	for (size_t i = 0; ok && alarms && i < alarms->n; i++)
		ok = put_alarm(w, e->alarm_text ? e->alarm_text : e->summary,
			       alarms->leads[i], alarms->minute);
	return ok && put(w, "END:VEVENT\r\n", 12);
}

char *ical_feed_writer_event(struct ical_feed_writer *w,
			     const struct ical_feed_event *e,
			     const struct ical_feed_alarms *alarms)
{
	/* A stamp is checked when first printed (put_line), so both
	 * functions refuse the same events. */
	w->len = 0;
	if (!put_event(w, e, alarms))
		return NULL;
	char *out = malloc(w->len + 1);
	if (out)
		memcpy(out, w->buf, w->len + 1);
	return out;
}

/* The first X-LIC-ERROR in c or below, or NULL. */
static const char *find_error(icalcomponent *c)
{
	icalproperty *p =
		icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY);
	if (p)
		return icalproperty_get_xlicerror(p);
	for (icalcomponent *k =
		     icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     k; k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		const char *e = find_error(k);
		if (e)
			return e;
	}
	return NULL;
}

/* The properties RFC 5545 requires exactly once in each component of a
 * calendar without METHOD, which libical's restriction table does not
 * hold it to. */
struct required {
	icalcomponent_kind comp;
	icalproperty_kind prop;
};

static const struct required required[] = {
	{ICAL_VCALENDAR_COMPONENT, ICAL_VERSION_PROPERTY},
	{ICAL_VCALENDAR_COMPONENT, ICAL_PRODID_PROPERTY},
	{ICAL_VEVENT_COMPONENT, ICAL_UID_PROPERTY},
	{ICAL_VEVENT_COMPONENT, ICAL_DTSTAMP_PROPERTY},
	{ICAL_VEVENT_COMPONENT, ICAL_DTSTART_PROPERTY},
	{ICAL_VALARM_COMPONENT, ICAL_ACTION_PROPERTY},
	{ICAL_VALARM_COMPONENT, ICAL_TRIGGER_PROPERTY},
};

/* A property c or a component below it lacks or repeats, or NULL. */
static const char *missing(icalcomponent *c, icalcomponent **where)
{
	icalcomponent_kind kind = icalcomponent_isa(c);
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (required[i].comp == kind &&
		    icalcomponent_count_properties(c, required[i].prop) != 1) {
			*where = c;
			return icalproperty_kind_to_string(required[i].prop);
		}
	for (icalcomponent *k =
		     icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT);
	     k; k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT)) {
		const char *m = missing(k, where);
		if (m)
			return m;
	}
	return NULL;
}

int ical_feed_check(const char *text, size_t *nevents, char *err, size_t errlen)
{
	icalcomponent *where = NULL;
	icalcomponent *c = icalparser_parse_string(text);
	const char *bad;
	if (!c) {
		snprintf(err, errlen, "libical cannot parse the feed");
		return -1;
	}
	if (icalcomponent_isa(c) != ICAL_VCALENDAR_COMPONENT) {
		snprintf(err, errlen, "the feed is a %s, not a VCALENDAR",
			 icalcomponent_kind_to_string(icalcomponent_isa(c)));
		icalcomponent_free(c);
		return -1;
	}
	if ((bad = find_error(c))) {
		snprintf(err, errlen, "libical: %s", bad);
		icalcomponent_free(c);
		return -1;
	}
	/* The check adds an X-LIC-ERROR for each rule broken. */
	if (!icalrestriction_check(c)) {
		bad = find_error(c);
		snprintf(err, errlen, "libical restriction: %s",
			 bad ? bad : "failed");
		icalcomponent_free(c);
		return -1;
	}
	if ((bad = missing(c, &where))) {
		snprintf(err, errlen, "a %s without exactly one %s",
			 icalcomponent_kind_to_string(icalcomponent_isa(where)),
			 bad);
		icalcomponent_free(c);
		return -1;
	}
	*nevents = (size_t)icalcomponent_count_components(
		c, ICAL_VEVENT_COMPONENT);
	icalcomponent_free(c);
	return 0;
}

char *ical_feed_reprint(const char *text)
{
	icalcomponent *c = icalparser_parse_string(text);
	return c ? print_free(c) : NULL;
}
