/*
 * fuzz_civil.c: libFuzzer target for the wire form of dates
 * (include/foia/civil.h): civil_parse must accept exactly "YYYY-MM-DD" for
 * real dates in CIVIL_MIN_YEAR..CIVIL_MAX_YEAR, and whatever it accepts,
 * civil_format must write back byte for byte and civil_parse read back to
 * the same day number. Anything else must be refused without touching the
 * output. Every date a client sends passes through civil_parse, so this
 * is the first thing a hostile request meets.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* No return on failure: libFuzzer records the input that got here. */
static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[64], out[16];
	int32_t d = 0x5A5A5A5A;

	/* A C string, as the protocol layer hands it over: the bytes up to
	 * the first NUL (embedded NULs end it, as in JSON decoding to C). */
	if (size >= sizeof(in))
		size = sizeof(in) - 1;
	memcpy(in, data, size);
	in[size] = '\0';

	if (!civil_parse(in, &d)) {
		check(d == 0x5A5A5A5A);
		return 0;
	}
	/* Accepted: exactly ten bytes, a year in range, a real day. */
	check(strlen(in) == 10);
	int y, m, day;
	civil_from_days(d, &y, &m, &day);
	check(y >= CIVIL_MIN_YEAR && y <= CIVIL_MAX_YEAR);
	check(m >= 1 && m <= 12 && day >= 1 &&
	      day <= civil_days_in_month(y, m));
	check(civil_to_days(y, m, day) == d);
	check(civil_weekday(d) >= 0 && civil_weekday(d) <= 6);

	memset(out, 'x', sizeof(out));
	civil_format(d, out, sizeof(out));
	check(strcmp(out, in) == 0);
	int32_t back = 0;
	check(civil_parse(out, &back) && back == d);

	/* The neighbours format and parse too, unless they leave the range
	 * the wire accepts. */
	for (int delta = -1; delta <= 1; delta += 2) {
		civil_format(d + delta, out, sizeof(out));
		const bool ok = civil_parse(out, &back);
		civil_from_days(d + delta, &y, &m, &day);
		check(ok == (y >= CIVIL_MIN_YEAR && y <= CIVIL_MAX_YEAR));
		check(!ok || back == d + delta);
	}
	/* A buffer too small gets an empty string, never a partial date. */
	civil_format(d, out, 10);
	check(out[0] == '\0');
	return 0;
}
