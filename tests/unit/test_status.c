/*
 * test_status.c: unit tests of the request life cycle (daemon/status.c).
 *
 * The expected transitions are written out again here, as a matrix over
 * every pair of statuses, so a change to the table in status.c that was
 * not meant shows up as a failing pair rather than passing unnoticed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "foia/protocol.h"
#include "status.h"

static const char *const all[] = {FOIA_STATUS_NAMES};
#define NSTATUS (sizeof(all) / sizeof(all[0]))

/* The life cycle as documented in status.c: from, then its next statuses
 * in the order status_next_list prints them. */
static const struct {
	const char *from;
	const char *next;
} expected[] = {
	{"draft", "submitted, withdrawn"},
	{"submitted",
	 "acknowledged, processing, awaiting-requester, partial-release, "
	 "granted, partially-granted, denied, no-records, withdrawn, "
	 "litigation, closed"},
	{"acknowledged",
	 "processing, awaiting-requester, partial-release, granted, "
	 "partially-granted, denied, no-records, withdrawn, litigation, "
	 "closed"},
	{"processing",
	 "awaiting-requester, partial-release, granted, partially-granted, "
	 "denied, no-records, withdrawn, litigation, closed"},
	{"awaiting-requester",
	 "processing, acknowledged, partial-release, granted, "
	 "partially-granted, denied, no-records, withdrawn, closed"},
	{"partial-release",
	 "processing, awaiting-requester, partial-release, granted, "
	 "partially-granted, denied, no-records, withdrawn, appealed, "
	 "litigation, closed"},
	{"granted", "appealed, litigation, closed"},
	{"partially-granted", "appealed, litigation, closed"},
	{"denied", "appealed, litigation, closed"},
	{"no-records", "appealed, litigation, closed"},
	{"withdrawn", "none"},
	{"appealed",
	 "appeal-decided, processing, litigation, withdrawn, closed"},
	{"appeal-decided", "processing, litigation, closed"},
	{"litigation",
	 "processing, partial-release, granted, partially-granted, closed"},
	{"closed", "appealed, litigation"},
};
#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

/* Is to a whole item of the ", "-separated list? */
static bool listed(const char *list, const char *to)
{
	size_t n = strlen(to);
	for (const char *p = list; (p = strstr(p, to)); p += n) {
		bool start = p == list || (p >= list + 2 && p[-2] == ',');
		bool end = p[n] == '\0' || p[n] == ',';
		if (start && end)
			return true;
	}
	return false;
}

static void test_names(void **state)
{
	(void)state;
	size_t n = 0;
	while (status_names[n])
		n++;
	assert_int_equal(n, 15);
	assert_int_equal(n, NSTATUS);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(status_names[i], all[i]);
		assert_true(status_known(all[i]));
	}
	assert_false(status_known(""));
	assert_false(status_known("gone"));
	assert_false(status_known("Draft"));
	assert_false(status_known("draft "));
	assert_false(status_known("appeal"));
}

/* Every status has a row in the expected table, and the other way. */
static void test_table_complete(void **state)
{
	(void)state;
	assert_int_equal(NEXPECTED, NSTATUS);
	for (size_t i = 0; i < NSTATUS; i++) {
		bool found = false;
		for (size_t k = 0; k < NEXPECTED; k++)
			found |= strcmp(expected[k].from, all[i]) == 0;
		if (!found)
			fail_msg("no expected row for '%s'", all[i]);
	}
}

/* All 15 x 15 pairs. */
static void test_every_pair(void **state)
{
	(void)state;
	for (size_t k = 0; k < NEXPECTED; k++)
		for (size_t j = 0; j < NSTATUS; j++) {
			bool want = listed(expected[k].next, all[j]);
			bool got = status_transition_allowed(expected[k].from,
							     all[j]);
			if (want != got)
				fail_msg("%s -> %s: %s, expected %s",
					 expected[k].from, all[j],
					 got ? "allowed" : "refused",
					 want ? "allowed" : "refused");
		}
}

static void test_some_pairs_by_name(void **state)
{
	(void)state;
	/* The rules in the words of status.c. */
	assert_true(status_transition_allowed("draft", "submitted"));
	assert_false(status_transition_allowed("draft", "granted"));
	assert_false(status_transition_allowed("draft", "draft"));
	assert_false(status_transition_allowed("submitted", "draft"));
	assert_false(status_transition_allowed("submitted", "submitted"));
	assert_true(status_transition_allowed("submitted", "denied"));
	assert_false(status_transition_allowed("submitted", "appealed"));
	assert_true(
		status_transition_allowed("awaiting-requester", "processing"));
	assert_false(
		status_transition_allowed("awaiting-requester", "litigation"));
	assert_true(status_transition_allowed("denied", "appealed"));
	assert_false(status_transition_allowed("denied", "processing"));
	assert_true(status_transition_allowed("closed", "appealed"));
	assert_false(status_transition_allowed("closed", "processing"));
	assert_false(status_transition_allowed("closed", "closed"));
	assert_true(status_transition_allowed("partial-release",
					      "partial-release"));
	assert_true(status_transition_allowed("appealed", "appeal-decided"));
	assert_false(status_transition_allowed("appeal-decided", "appealed"));
	assert_false(status_transition_allowed("litigation", "denied"));
}

static void test_withdrawn_is_final(void **state)
{
	(void)state;
	char buf[64];
	for (size_t j = 0; j < NSTATUS; j++)
		if (status_transition_allowed("withdrawn", all[j]))
			fail_msg("withdrawn -> %s allowed", all[j]);
	status_next_list("withdrawn", buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

static void test_unknown_statuses(void **state)
{
	(void)state;
	char buf[64];
	assert_false(status_transition_allowed("gone", "closed"));
	assert_false(status_transition_allowed("draft", "gone"));
	assert_false(status_transition_allowed("", ""));
	assert_false(status_transition_allowed("Draft", "submitted"));
	assert_false(status_transition_allowed("draft", "Submitted"));
	status_next_list("gone", buf, sizeof(buf));
	assert_string_equal(buf, "none");
}

static void test_next_list_text(void **state)
{
	(void)state;
	char buf[512];
	for (size_t k = 0; k < NEXPECTED; k++) {
		memset(buf, 'Z', sizeof(buf));
		status_next_list(expected[k].from, buf, sizeof(buf));
		if (strcmp(buf, expected[k].next) != 0)
			fail_msg("next of %s: '%s', expected '%s'",
				 expected[k].from, buf, expected[k].next);
	}
}

static void test_next_list_small_buffer(void **state)
{
	(void)state;
	for (size_t len = 1; len < 64; len++) {
		char buf[80];
		memset(buf, 'Z', sizeof(buf));
		status_next_list("submitted", buf, len);
		assert_true(strlen(buf) < len);
		for (size_t k = len; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 'Z');
		/* What fits is the start of the full list. */
		assert_memory_equal(buf, "acknowledged, processing, awaiting",
				    strlen(buf) < 34 ? strlen(buf) : 34);
	}
}

static void test_date_field(void **state)
{
	(void)state;
	assert_string_equal(status_date_field("submitted"), "sent");
	assert_string_equal(status_date_field("acknowledged"), "acknowledged");
	assert_string_equal(status_date_field("withdrawn"), "closed");
	assert_string_equal(status_date_field("closed"), "closed");
	static const char *const none[] = {
		"draft",	   "processing", "awaiting-requester",
		"partial-release", "granted",	 "partially-granted",
		"denied",	   "no-records", "appealed",
		"appeal-decided",  "litigation", "gone",
	};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (status_date_field(none[i]))
			fail_msg("'%s' records '%s'", none[i],
				 status_date_field(none[i]));
}

static void test_is_open(void **state)
{
	(void)state;
	for (size_t i = 0; i < NSTATUS; i++) {
		bool want = strcmp(all[i], "withdrawn") != 0 &&
			    strcmp(all[i], "closed") != 0;
		if (status_is_open(all[i]) != want)
			fail_msg("status_is_open(%s) is %d", all[i], !want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table_complete),
		cmocka_unit_test(test_every_pair),
		cmocka_unit_test(test_some_pairs_by_name),
		cmocka_unit_test(test_withdrawn_is_final),
		cmocka_unit_test(test_unknown_statuses),
		cmocka_unit_test(test_next_list_text),
		cmocka_unit_test(test_next_list_small_buffer),
		cmocka_unit_test(test_date_field),
		cmocka_unit_test(test_is_open),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
