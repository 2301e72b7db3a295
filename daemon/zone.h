/*
 * zone.h: wall-clock time in a named time zone ("America/New_York"), for
 * the moments reminders go out.
 *
 * Deadlines are civil dates; a reminder is sent at a time of day on one of
 * them, in the zone the group works in (reminders.timezone), which need
 * not be the zone foiad runs in. These convert between that local (day,
 * minute) and UTC instants with the system's tz database. A NULL or empty
 * zone means the daemon's own local time.
 */
#ifndef FOIAD_ZONE_H
#define FOIAD_ZONE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Is z shaped like an IANA zone name ("UTC", "America/New_York",
 * "Etc/GMT+5"): a relative path of letters, digits, _ + -, nothing that
 * could climb out of the zoneinfo tree? */
bool zone_name_ok(const char *z);
/* Is there a tz database (TZDIR, else /usr/share/zoneinfo) to check
 * names against? */
bool zone_database(void);
/* Is name a zone of the tz database: well shaped and a file under it
 * ("UTC" always is)? */
bool zone_valid(const char *name);

/* The local civil day and minute of the day of instant t in zone. */
void zone_local(const char *zone, time_t t, int32_t *day, int *minute);

/* The instant of minute of day in zone. A time skipped by a change to
 * summer time is taken as the same time after the change (02:30 -> 03:30);
 * a time repeated at the change back, as its first occurrence. */
time_t zone_instant(const char *zone, int32_t day, int minute);

/* "YYYY-MM-DDTHH:MM:SSZ" of t, into buf (at least 21 bytes). */
void zone_utc_stamp(time_t t, char *buf, size_t len);

/* The instant of a "YYYY-MM-DDTHH:MM:SSZ" stamp; false when malformed. */
bool zone_parse_stamp(const char *s, time_t *out);

#endif
