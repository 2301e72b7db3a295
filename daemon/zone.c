/*
 * zone.c: local time in a named zone (zone.h).
 *
 * The C library converts in one zone at a time, the one TZ names, so each
 * conversion sets TZ to the zone asked for and puts the old value back
 * after: the daemon is single-threaded, and nothing else reads TZ in
 * between. The scheduler converts a handful of instants per plan, so the
 * cost of reloading the zone's file each time does not matter.
 */
#include "zone.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "foia/civil.h"

bool zone_name_ok(const char *z)
{
	size_t n = z ? strlen(z) : 0;
	if (n == 0 || n > 64 || z[0] == '/' || z[n - 1] == '/')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = z[i];
		bool part_start = i == 0 || z[i - 1] == '/';
		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '+' ||
		    (ch == '-' && !part_start) || (ch == '/' && !part_start))
			continue;
		return false;
	}
	return true;
}

static const char *zone_dir(void)
{
	const char *dir = getenv("TZDIR");
	return dir && *dir ? dir : "/usr/share/zoneinfo";
}

bool zone_database(void)
{
	struct stat st;
	return stat(zone_dir(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool zone_valid(const char *name)
{
	char path[4096];
	struct stat st;
	if (!zone_name_ok(name))
		return false;
	if (strcmp(name, "UTC") == 0)
		return true;
	int n = snprintf(path, sizeof(path), "%s/%s", zone_dir(), name);
	return n > 0 && (size_t)n < sizeof(path) && stat(path, &st) == 0 &&
	       S_ISREG(st.st_mode);
}

struct saved_tz {
	bool active; /* TZ was changed */
	bool had;    /* TZ was set before */
	char *old;
};

static void enter(const char *zone, struct saved_tz *s)
{
	memset(s, 0, sizeof(*s));
	if (!zone || !*zone)
		return;
	const char *old = getenv("TZ");
	s->had = old != NULL;
	s->old = old ? strdup(old) : NULL;
	if (old && !s->old)
		return; /* out of memory: stay in the daemon's zone */
	if (setenv("TZ", zone, 1) < 0) {
		free(s->old);
		return;
	}
	s->active = true;
	tzset();
}

static void leave(struct saved_tz *s)
{
	if (!s->active)
		return;
	if (s->had)
		setenv("TZ", s->old, 1);
	else
		unsetenv("TZ");
	free(s->old);
	tzset();
}

void zone_local(const char *zone, time_t t, int32_t *day, int *minute)
{
	struct saved_tz s;
	struct tm tm;
	enter(zone, &s);
	localtime_r(&t, &tm);
	leave(&s);
	*day = civil_to_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	*minute = tm.tm_hour * 60 + tm.tm_min;
}

time_t zone_instant(const char *zone, int32_t day, int minute)
{
	struct saved_tz s;
	struct tm tm = {0};
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = minute / 60;
	tm.tm_min = minute % 60;
	tm.tm_isdst = -1;
	enter(zone, &s);
	time_t t = mktime(&tm);
	if (t != (time_t)-1 && tm.tm_hour * 60 + tm.tm_min < minute &&
	    tm.tm_mday == d) {
		/* Some C libraries go back to before a gap: go past it. */
		struct tm again = tm;
		again.tm_hour = minute / 60;
		again.tm_min = minute % 60;
		again.tm_isdst = 1;
		t = mktime(&again);
	}
	leave(&s);
	return t;
}

void zone_utc_stamp(time_t t, char *buf, size_t len)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "1970-01-01T00:00:00Z");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool zone_parse_stamp(const char *s, time_t *out)
{
	char date[11];
	int32_t day;
	unsigned h, m, sec;
	char z, extra;
	if (!s || strlen(s) != 20 || s[10] != 'T')
		return false;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (!civil_parse(date, &day) ||
	    sscanf(s + 11, "%2u:%2u:%2u%c%c", &h, &m, &sec, &z, &extra) != 4 ||
	    z != 'Z' || h > 23 || m > 59 || sec > 60)
		return false;
	*out = (time_t)day * 86400 + (time_t)(h * 3600 + m * 60 + sec);
	return true;
}
