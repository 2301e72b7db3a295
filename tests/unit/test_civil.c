/*
 * test_civil.c: unit tests of the civil date helpers (include/foia/civil.h).
 *
 * Every deadline is computed on these day numbers, so the conversions are
 * checked on every day of the accepted range (1900-01-01 .. 2199-12-31),
 * not a sample: each day must convert both ways, follow the day before by
 * exactly one, fall on the right weekday, and print and parse back to
 * itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "foia/civil.h"

static void test_known_day_numbers(void **state)
{
	(void)state;
	assert_int_equal(civil_to_days(1970, 1, 1), 0);
	assert_int_equal(civil_to_days(1970, 1, 2), 1);
	assert_int_equal(civil_to_days(1969, 12, 31), -1);
	assert_int_equal(civil_to_days(2000, 1, 1), 10957);
	assert_int_equal(civil_to_days(2000, 3, 1), 11017);
	assert_int_equal(civil_to_days(1900, 1, 1), -25567);
	assert_int_equal(civil_to_days(2025, 1, 1), 20089);
	assert_int_equal(civil_to_days(2038, 1, 19), 24855);
	assert_int_equal(civil_to_days(2199, 12, 31), 84005);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_true(civil_is_leap(2024));
	assert_true(civil_is_leap(2000));
	assert_true(civil_is_leap(2400));
	assert_false(civil_is_leap(2025));
	assert_false(civil_is_leap(1900));
	assert_false(civil_is_leap(2100));
	assert_int_equal(civil_days_in_month(2024, 2), 29);
	assert_int_equal(civil_days_in_month(2025, 2), 28);
	assert_int_equal(civil_days_in_month(1900, 2), 28);
	assert_int_equal(civil_days_in_month(2025, 4), 30);
	assert_int_equal(civil_days_in_month(2025, 12), 31);
	assert_int_equal(civil_days_in_month(2025, 0), 0);
	assert_int_equal(civil_days_in_month(2025, 13), 0);
	/* 1900..2199 has 300 years, 73 of them leap (1900 and 2100 are not). */
	int leaps = 0;
	for (int y = CIVIL_MIN_YEAR; y <= CIVIL_MAX_YEAR; y++)
		leaps += civil_is_leap(y);
	assert_int_equal(leaps, 73);
	assert_int_equal(civil_to_days(2200, 1, 1) - civil_to_days(1900, 1, 1),
			 300 * 365 + 73);
}

/* Every day of the range, in order, both ways. */
static void test_round_trip_every_day(void **state)
{
	(void)state;
	int32_t expect = civil_to_days(CIVIL_MIN_YEAR, 1, 1);
	long days = 0;
	for (int y = CIVIL_MIN_YEAR; y <= CIVIL_MAX_YEAR; y++)
		for (int m = 1; m <= 12; m++)
			for (int d = 1; d <= civil_days_in_month(y, m); d++) {
				int32_t z = civil_to_days(y, m, d);
				if (z != expect)
					fail_msg("%04d-%02d-%02d is day %d, "
						 "expected %d",
						 y, m, d, (int)z, (int)expect);
				int yy, mm, dd;
				civil_from_days(z, &yy, &mm, &dd);
				if (yy != y || mm != m || dd != d)
					fail_msg("day %d gave %04d-%02d-%02d, "
						 "expected %04d-%02d-%02d",
						 (int)z, yy, mm, dd, y, m, d);
				expect++;
				days++;
			}
	assert_int_equal(days, 300 * 365 + 73);
}

/* Every day prints as YYYY-MM-DD and parses back to the same number. */
static void test_format_parse_every_day(void **state)
{
	(void)state;
	int32_t first = civil_to_days(CIVIL_MIN_YEAR, 1, 1);
	int32_t last = civil_to_days(CIVIL_MAX_YEAR, 12, 31);
	char buf[16], want[48];
	for (int32_t z = first; z <= last; z++) {
		int y, m, d;
		civil_from_days(z, &y, &m, &d);
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
		memset(buf, 'Z', sizeof(buf));
		civil_format(z, buf, sizeof(buf));
		if (strcmp(buf, want) != 0)
			fail_msg("day %d printed '%s', expected '%s'", (int)z,
				 buf, want);
		int32_t back = 0;
		if (!civil_parse(buf, &back) || back != z)
			fail_msg("'%s' did not parse back to %d", buf, (int)z);
	}
}

static void test_weekday(void **state)
{
	(void)state;
	/* 0 = Monday ... 6 = Sunday. */
	struct {
		int y, m, d, wd;
	} known[] = {
		{1970, 1, 1, 3},   /* Thursday */
		{1969, 12, 31, 2}, /* Wednesday, a negative day number */
		{1900, 1, 1, 0},   /* Monday */
		{2000, 1, 1, 5},   /* Saturday */
		{2000, 2, 29, 1},  /* Tuesday */
		{2024, 2, 29, 3},  /* Thursday */
		{2025, 7, 4, 4},   /* Friday */
		{2025, 12, 25, 3}, /* Thursday */
		{2026, 1, 1, 3},   /* Thursday */
		{2001, 9, 11, 1},  /* Tuesday */
		{1941, 12, 7, 6},  /* Sunday */
		{2199, 12, 31, 1}, /* Tuesday */
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		int wd = civil_weekday(
			civil_to_days(known[i].y, known[i].m, known[i].d));
		if (wd != known[i].wd)
			fail_msg("%04d-%02d-%02d: weekday %d, expected %d",
				 known[i].y, known[i].m, known[i].d, wd,
				 known[i].wd);
	}
	/* Consecutive days cycle through the week. */
	int32_t first = civil_to_days(CIVIL_MIN_YEAR, 1, 1);
	int32_t last = civil_to_days(CIVIL_MAX_YEAR, 12, 31);
	for (int32_t z = first; z < last; z++) {
		int a = civil_weekday(z), b = civil_weekday(z + 1);
		assert_in_range(a, 0, 6);
		assert_int_equal(b, (a + 1) % 7);
	}
}

static void test_parse_good(void **state)
{
	(void)state;
	int32_t z = 0;
	assert_true(civil_parse("1970-01-01", &z));
	assert_int_equal(z, 0);
	assert_true(civil_parse("2024-02-29", &z));
	assert_int_equal(z, civil_to_days(2024, 2, 29));
	assert_true(civil_parse("1900-01-01", &z));
	assert_int_equal(z, -25567);
	assert_true(civil_parse("2199-12-31", &z));
	assert_int_equal(z, 84005);
}

static void test_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"2025-02-29",  "2025-02-30",  "2100-02-29",  "1900-02-29",
		"2025-06-31",  "2025-13-01",  "2025-00-01",  "2025-01-00",
		"2025-3-4",    "2025-03-4",   "2025-3-04",   "202-03-04",
		"20250-03-04", "2025-03-04x", "2025-03-04 ", " 2025-03-04",
		"2025_03_04",  "2025-03",     "2025",	     "",
		"1899-12-31",  "2200-01-01",  "0000-00-00",  "abcd-ef-gh",
		"2025-0a-01",  "2025-01-0a",  "-025-01-01",  "2025--1-01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int32_t z = 12345;
		if (civil_parse(bad[i], &z))
			fail_msg("parsed '%s'", bad[i]);
		/* Untouched on failure. */
		assert_int_equal(z, 12345);
	}
}

static void test_format_small_buffer(void **state)
{
	(void)state;
	char buf[16];
	memset(buf, 'Z', sizeof(buf));
	civil_format(0, buf, 10); /* needs 11 */
	assert_string_equal(buf, "");
	assert_int_equal(buf[1], 'Z');
	memset(buf, 'Z', sizeof(buf));
	civil_format(0, buf, 0); /* nothing written at all */
	assert_int_equal(buf[0], 'Z');
	civil_format(0, buf, 11);
	assert_string_equal(buf, "1970-01-01");
	assert_int_equal(buf[11], 'Z');
}

static void test_format_clamps(void **state)
{
	(void)state;
	char buf[16];
	civil_format(civil_to_days(10000, 1, 1), buf, sizeof(buf));
	assert_string_equal(buf, "9999-01-01");
	civil_format(civil_to_days(-1, 6, 15), buf, sizeof(buf));
	assert_string_equal(buf, "0000-06-15");
	civil_format(civil_to_days(1, 1, 1), buf, sizeof(buf));
	assert_string_equal(buf, "0001-01-01");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_day_numbers),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_format_parse_every_day),
		cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_format_clamps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
