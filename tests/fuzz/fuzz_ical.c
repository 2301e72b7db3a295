/*
 * fuzz_ical.c: libFuzzer target for the iCalendar holiday reader
 * (daemon/ical_holidays.c, libical), which holidays.import runs on text a
 * client sends or a URL serves: a hostile feed meets it first.
 *
 * The input is the feed, read for the years the daemon reads
 * (JURIS_FIRST_YEAR..JURIS_LAST_YEAR). ical_holidays_parse must either
 * refuse it with a message and an empty result, or give at most
 * ICAL_MAX_DAYS days, each inside those years, with a name of at most
 * WORKCAL_MAX_NAME bytes on one line. Reading the same text again must
 * give the same days. Everything is freed each time, so LeakSanitizer
 * sees leaks (in foiad's code or in how it drives libical).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"
#include "ical_holidays.h"
#include "jurisdiction.h"
#include "workcal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ical_days a, b;
	char err[512];
	memset(err, 'x', sizeof(err));
	const int rc =
		ical_holidays_parse((const char *)data, size, JURIS_FIRST_YEAR,
				    JURIS_LAST_YEAR, &a, err, sizeof(err));
	if (rc != 0) {
		check(rc == -1);
		check(memchr(err, '\0', sizeof(err)) && err[0] != '\0');
		check(a.n == 0 && a.v == NULL);
		ical_days_free(&a);
	} else {
		check(a.n <= ICAL_MAX_DAYS);
		const int32_t lo = civil_to_days(JURIS_FIRST_YEAR, 1, 1),
			      hi = civil_to_days(JURIS_LAST_YEAR, 12, 31);
		for (size_t i = 0; i < a.n; i++) {
			check(a.v[i].date >= lo && a.v[i].date <= hi);
			check(a.v[i].name != NULL);
			const size_t len = strlen(a.v[i].name);
			check(len <= WORKCAL_MAX_NAME);
			check(!memchr(a.v[i].name, '\n', len) &&
			      !memchr(a.v[i].name, '\r', len));
		}
	}
	const int again =
		ical_holidays_parse((const char *)data, size, JURIS_FIRST_YEAR,
				    JURIS_LAST_YEAR, &b, err, sizeof(err));
	check(again == rc);
	if (rc == 0) {
		check(b.n == a.n && b.skipped == a.skipped);
		for (size_t i = 0; i < a.n; i++)
			check(a.v[i].date == b.v[i].date &&
			      strcmp(a.v[i].name, b.v[i].name) == 0);
		ical_days_free(&a);
	}
	ical_days_free(&b);
	return 0;
}
