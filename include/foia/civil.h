/*
 * civil.h: civil dates as day numbers, and their wire form "YYYY-MM-DD".
 *
 * Both programs speak dates in this form, so it lives with the protocol. A
 * civil date has no time of day and no zone: deadline arithmetic is done on
 * day numbers (days since 1970-01-01, proleptic Gregorian), never on time_t.
 * The conversions are Howard Hinnant's days_from_civil/civil_from_days.
 * Pure functions only: no I/O, no globals.
 */
#ifndef FOIA_CIVIL_H
#define FOIA_CIVIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Years accepted on the wire. Wide enough for any FOIA history. */
#define CIVIL_MIN_YEAR 1900
#define CIVIL_MAX_YEAR 2199

static inline bool civil_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static inline int civil_days_in_month(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	if (m < 1 || m > 12)
		return 0;
	return m == 2 && civil_is_leap(y) ? 29 : days[m - 1];
}

/* Day number of y-m-d (days since 1970-01-01). */
static inline int32_t civil_to_days(int y, int m, int d)
{
	y -= m <= 2;
	const int era = (y >= 0 ? y : y - 399) / 400;
	const int yoe = y - era * 400;
	const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Any int32_t day number is accepted: the arithmetic is done in 64 bits
 * so that extreme values (from a fuzzer, say) cannot overflow. Years past
 * int range are not produced by valid dates. */
static inline void civil_from_days(int32_t days, int *y, int *m, int *d)
{
	const int64_t z = (int64_t)days + 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int doe = (int)(z - era * 146097);
	const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Monday ... 6 = Sunday. 1970-01-01 was a Thursday. */
static inline int civil_weekday(int32_t days)
{
	int r = (int)((days + 3) % 7);
	return r < 0 ? r + 7 : r;
}

/*
 * Parse exactly "YYYY-MM-DD" (no more, no less) into a day number.
 * Refuses impossible dates such as 2025-02-30 and years outside
 * CIVIL_MIN_YEAR..CIVIL_MAX_YEAR.
 */
static inline bool civil_parse(const char *s, int32_t *out)
{
	int v[3] = {0, 0, 0};
	const int width[3] = {4, 2, 2};
	for (int part = 0; part < 3; part++) {
		for (int i = 0; i < width[part]; i++, s++) {
			if (*s < '0' || *s > '9')
				return false;
			v[part] = v[part] * 10 + (*s - '0');
		}
		if (part < 2 && *s++ != '-')
			return false;
	}
	if (*s != '\0')
		return false;
	if (v[0] < CIVIL_MIN_YEAR || v[0] > CIVIL_MAX_YEAR)
		return false;
	if (v[2] < 1 || v[2] > civil_days_in_month(v[0], v[1]))
		return false;
	*out = civil_to_days(v[0], v[1], v[2]);
	return true;
}

/* Write "YYYY-MM-DD" into buf, which must hold at least 11 bytes (an
 * empty string is written when it does not). Years outside 0..9999 are
 * clamped: they never come from a parsed date. */
static inline void civil_format(int32_t days, char *buf, size_t len)
{
	int y, m, d;
	if (len < 11) {
		if (len)
			buf[0] = '\0';
		return;
	}
	civil_from_days(days, &y, &m, &d);
	y = y < 0 ? 0 : y > 9999 ? 9999 : y;
	const int v[3] = {y, m, d}, width[3] = {4, 2, 2};
	char *p = buf;
	for (int part = 0; part < 3; part++) {
		for (int i = width[part] - 1, n = v[part]; i >= 0; i--, n /= 10)
			p[i] = (char)('0' + n % 10);
		p += width[part];
		*p++ = part < 2 ? '-' : '\0';
	}
}

#endif
