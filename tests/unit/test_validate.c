/*
 * test_validate.c: unit tests of the value checks in daemon/validate.c.
 *
 * These checks guard every write that comes from a client or the seed
 * file, so each one is tested on what it must accept and on what it must
 * refuse, and the refusals on the exact words of the message, since those
 * words reach the user unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "foia/protocol.h"
#include "validate.h"

/* --- utf8_valid ---------------------------------------------------------- */

static bool valid(const char *s)
{
	return utf8_valid(s, strlen(s));
}

static void test_utf8_accepts(void **state)
{
	(void)state;
	assert_true(utf8_valid("", 0));
	assert_true(valid("plain ascii ~\x7f"));
	assert_true(valid("\xC2\x80"));		 /* U+0080, smallest 2-byte */
	assert_true(valid("\xC3\xA9t\xC3\xA9")); /* "été" */
	assert_true(valid("\xDF\xBF"));		 /* U+07FF */
	assert_true(valid("\xE0\xA0\x80"));	 /* U+0800, smallest 3-byte */
	assert_true(valid("\xE2\x82\xAC"));	 /* U+20AC euro sign */
	assert_true(valid("\xED\x9F\xBF"));	 /* U+D7FF, before surrogates */
	assert_true(valid("\xEE\x80\x80"));	 /* U+E000, after them */
	assert_true(valid("\xEF\xBF\xBF"));	 /* U+FFFF */
	assert_true(valid("\xF0\x90\x80\x80"));	 /* U+10000 */
	assert_true(valid("\xF0\x9F\x98\x80"));	 /* U+1F600 */
	assert_true(valid("\xF4\x8F\xBF\xBF"));	 /* U+10FFFF, the last */
	/* NUL is ASCII: within len it is valid UTF-8. */
	assert_true(utf8_valid("a\0b", 3));
}

static void test_utf8_overlongs(void **state)
{
	(void)state;
	assert_false(valid("\xC0\x80"));	 /* NUL in two bytes */
	assert_false(valid("\xC0\xAF"));	 /* '/' in two bytes */
	assert_false(valid("\xC1\xBF"));	 /* U+007F in two bytes */
	assert_false(valid("\xE0\x80\xAF"));	 /* '/' in three */
	assert_false(valid("\xE0\x9F\xBF"));	 /* U+07FF in three */
	assert_false(valid("\xF0\x80\x80\xAF")); /* '/' in four */
	assert_false(valid("\xF0\x8F\xBF\xBF")); /* U+FFFF in four */
}

static void test_utf8_surrogates(void **state)
{
	(void)state;
	assert_false(valid("\xED\xA0\x80")); /* U+D800 */
	assert_false(valid("\xED\xAD\xBF")); /* U+DB7F */
	assert_false(valid("\xED\xB0\x80")); /* U+DC00 */
	assert_false(valid("\xED\xBF\xBF")); /* U+DFFF */
	/* A CESU-8 pair for U+1F600 is two surrogates: refused. */
	assert_false(valid("\xED\xA0\xBD\xED\xB8\x80"));
}

static void test_utf8_truncated(void **state)
{
	(void)state;
	assert_false(valid("\xC3"));
	assert_false(valid("\xE2\x82"));
	assert_false(valid("\xE2"));
	assert_false(valid("\xF0\x9F\x98"));
	assert_false(valid("\xF0\x9F"));
	assert_false(valid("abc\xC3"));
	/* A truncated sequence followed by more text. */
	assert_false(valid("\xC3"
			   "A"));
	assert_false(valid("\xE2\x82"
			   "A"));
	assert_false(valid("\xF0\x9F\x98"
			   "A"));
	/* Cut by len, not by NUL: the tail beyond len is not looked at. */
	assert_false(utf8_valid("\xC3\xA9", 1));
	assert_false(utf8_valid("\xE2\x82\xAC", 2));
	assert_false(utf8_valid("\xF0\x9F\x98\x80", 3));
	assert_true(utf8_valid("a\xC3\xA9", 1));
}

static void test_utf8_out_of_range(void **state)
{
	(void)state;
	assert_false(valid("\xF4\x90\x80\x80")); /* U+110000 */
	assert_false(valid("\xF5\x80\x80\x80"));
	assert_false(valid("\xF7\xBF\xBF\xBF"));
	assert_false(valid("\xF8\x88\x80\x80\x80"));	 /* old 5-byte form */
	assert_false(valid("\xFC\x84\x80\x80\x80\x80")); /* old 6-byte form */
	assert_false(valid("\xFE"));
	assert_false(valid("\xFF"));
}

static void test_utf8_stray_continuation(void **state)
{
	(void)state;
	assert_false(valid("\x80"));
	assert_false(valid("a\xBF"
			   "b"));
	assert_false(valid("\xC3\xA9\xA9"));
	/* A lead byte where a continuation byte belongs. */
	assert_false(valid("\xC3\xC3\xA9"));
	assert_false(valid("\xE2\x82\xE2\x82\xAC"));
}

/* --- check_text ---------------------------------------------------------- */

static void test_text_limit(void **state)
{
	(void)state;
	char err[256] = "", buf[FOIA_MAX_SUBJECT + 2];

	memset(buf, 'a', FOIA_MAX_SUBJECT);
	buf[FOIA_MAX_SUBJECT] = '\0';
	assert_true(check_text("subject", buf, FOIA_MAX_SUBJECT, false, err,
			       sizeof(err)));
	buf[FOIA_MAX_SUBJECT] = 'a';
	buf[FOIA_MAX_SUBJECT + 1] = '\0';
	assert_false(check_text("subject", buf, FOIA_MAX_SUBJECT, false, err,
				sizeof(err)));
	assert_string_equal(err, "'subject' is 501 bytes, the limit is 500");

	/* The limit counts bytes, not characters: three "é" are six bytes. */
	assert_true(check_text("tag", "\xC3\xA9\xC3\xA9\xC3\xA9", 6, false, err,
			       sizeof(err)));
	assert_false(check_text("tag", "\xC3\xA9\xC3\xA9\xC3\xA9", 5, false,
				err, sizeof(err)));
	assert_string_equal(err, "'tag' is 6 bytes, the limit is 5");

	/* Empty text passes the value check (presence is checked elsewhere). */
	assert_true(check_text("subject", "", 10, false, err, sizeof(err)));
}

static void test_text_utf8(void **state)
{
	(void)state;
	char err[256] = "";
	assert_true(check_text("subject", "Solicitud de informaci\xC3\xB3n",
			       100, false, err, sizeof(err)));
	assert_false(check_text("subject", "bad \xC0\x80 byte", 100, false, err,
				sizeof(err)));
	assert_string_equal(err, "'subject' is not valid UTF-8");
	assert_false(check_text("description", "x\xED\xA0\x80", 100, true, err,
				sizeof(err)));
	assert_string_equal(err, "'description' is not valid UTF-8");
	assert_false(check_text("subject", "cut \xE2\x82", 100, false, err,
				sizeof(err)));
	assert_string_equal(err, "'subject' is not valid UTF-8");
}

static void test_text_control(void **state)
{
	(void)state;
	char err[256] = "";
	static const char *const bad_single[] = {
		"a\nb",	  "a\rb",	"a\tb",	   "\x01",
		"bell\a", "esc\x1b[0m", "del\x7f", "x\x1f",
	};
	for (size_t i = 0; i < sizeof(bad_single) / sizeof(bad_single[0]);
	     i++) {
		err[0] = '\0';
		if (check_text("subject", bad_single[i], 100, false, err,
			       sizeof(err)))
			fail_msg("single-line accepted control in case %zu", i);
		assert_string_equal(err,
				    "'subject' contains a control character");
	}
	/* Multi-line text may hold newlines, carriage returns and tabs. */
	assert_true(check_text("description", "line 1\nline 2\r\n\tindented",
			       100, true, err, sizeof(err)));
	/* but no other control characters. */
	static const char *const bad_multi[] = {"a\x01", "esc\x1b", "del\x7f",
						"\x0b", "\x0c"};
	for (size_t i = 0; i < sizeof(bad_multi) / sizeof(bad_multi[0]); i++) {
		err[0] = '\0';
		if (check_text("description", bad_multi[i], 100, true, err,
			       sizeof(err)))
			fail_msg("multi-line accepted control in case %zu", i);
		assert_string_equal(
			err, "'description' contains a control character");
	}
	/* Non-ASCII above U+007F is not a control character here. */
	assert_true(check_text("subject", "\xC2\xA0nbsp", 100, false, err,
			       sizeof(err)));
}

/* --- check_date ---------------------------------------------------------- */

static void test_date_good(void **state)
{
	(void)state;
	char err[256] = "";
	static const char *const good[] = {
		"2025-01-01", "2024-02-29", "2000-02-29", "2025-12-31",
		"1900-01-01", "2199-12-31", "2025-04-30", "1999-12-31",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!check_date("sent", good[i], err, sizeof(err)))
			fail_msg("refused '%s': %s", good[i], err);
}

static void test_date_bad(void **state)
{
	(void)state;
	char err[256], want[256];
	static const char *const bad[] = {
		"2025-02-30",
		"2025-02-29",
		"1900-02-29",
		"2100-02-29",
		"2025-04-31",
		"2025-13-01",
		"2025-00-10",
		"2025-01-00",
		"2025-01-32",
		"2025-3-4",
		"2025-03-4",
		"25-03-04",
		"2025/03/04",
		"20250304",
		"2025-01-01x",
		"2025-01-01 ",
		" 2025-01-01",
		"2025-01-01T00:00:00Z",
		"",
		"x",
		"1899-12-31",
		"2200-01-01",
		"0000-01-01",
		"9999-12-31",
		"+025-01-01",
		"2025-+1-01",
		"2025-01--1",
		"\xEF\xBC\x92"
		"025-01-01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (check_date("sent", bad[i], err, sizeof(err)))
			fail_msg("accepted '%s'", bad[i]);
		snprintf(want, sizeof(want),
			 "invalid date '%s' for 'sent' (expected YYYY-MM-DD)",
			 bad[i]);
		assert_string_equal(err, want);
	}
}

static void test_date_message(void **state)
{
	(void)state;
	char err[256] = "";
	assert_false(check_date("received", "2025-02-30", err, sizeof(err)));
	assert_string_equal(err, "invalid date '2025-02-30' for 'received' "
				 "(expected YYYY-MM-DD)");
	/* A very long value is cut in the message, which stays bounded. */
	char longv[300];
	memset(longv, '9', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_false(check_date("sent", longv, err, sizeof(err)));
	assert_true(strlen(err) < 120);
	assert_non_null(strstr(err, "for 'sent' (expected YYYY-MM-DD)"));
	/* A small buffer is never overrun and stays terminated. */
	char small[16];
	memset(small, 'Z', sizeof(small));
	assert_false(check_date("sent", "nope", small, sizeof(small)));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

/* --- check_code ---------------------------------------------------------- */

static void test_code(void **state)
{
	(void)state;
	char err[256] = "";
	static const char *const good[] = {
		"ICE",
		"DHS-PRIV",
		"a",
		"9",
		"x.y_z-1",
		"uscis",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", /* 32 */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!check_code("agency code", good[i], err, sizeof(err)))
			fail_msg("refused '%s': %s", good[i], err);

	static const char *const bad[] = {
		"",	      "-ICE",
		".ICE",	      "_ICE",
		"IC E",	      "ICE/",
		"IC\xC3\x89", "ICE;",
		"ICE\n",      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", /* 33 */
	};
	char want[300];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (check_code("agency code", bad[i], err, sizeof(err)))
			fail_msg("accepted '%s'", bad[i]);
		snprintf(want, sizeof(want),
			 "invalid agency code '%s' (expected 1-32 letters, "
			 "digits, '-', '_' or '.')",
			 bad[i]);
		assert_string_equal(err, want);
	}
}

/* --- check_jurisdiction -------------------------------------------------- */

static void test_jurisdiction(void **state)
{
	(void)state;
	char err[256] = "";
	static const char *const good[] = {
		"us-federal", "sv", "us-ca",
		"mx",	      "x1", "abcdefghijklmnopqrstuvwxyzabcdef", /* 32 */
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!check_jurisdiction(good[i], err, sizeof(err)))
			fail_msg("refused '%s': %s", good[i], err);

	static const char *const bad[] = {
		"",
		"s",
		"US",
		"Us-federal",
		"us-Federal",
		"us-",
		"-us",
		"us_ca",
		"us ca",
		"1us",
		"us.ca",
		"sv\n",
		"abcdefghijklmnopqrstuvwxyzabcdefg", /* 33 */
	};
	char want[300];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (check_jurisdiction(bad[i], err, sizeof(err)))
			fail_msg("accepted '%s'", bad[i]);
		snprintf(want, sizeof(want),
			 "invalid jurisdiction '%s' (expected a code such as "
			 "'us-federal', 'us-ca' or 'sv')",
			 bad[i]);
		assert_string_equal(err, want);
	}
}

/* --- check_enum ---------------------------------------------------------- */

static void test_enum(void **state)
{
	(void)state;
	static const char *const methods[] = {FOIA_METHOD_NAMES, NULL};
	char err[512] = "";

	assert_true(check_enum("method", "email", methods, err, sizeof(err)));
	assert_true(
		check_enum("method", "in-person", methods, err, sizeof(err)));
	assert_false(check_enum("method", "pigeon", methods, err, sizeof(err)));
	assert_string_equal(err, "unknown method 'pigeon' (expected email, "
				 "portal, mail, fax, in-person)");
	/* Names are compared exactly: no case folding, no prefixes. */
	assert_false(check_enum("method", "Email", methods, err, sizeof(err)));
	assert_string_equal(err, "unknown method 'Email' (expected email, "
				 "portal, mail, fax, in-person)");
	assert_false(check_enum("method", "e", methods, err, sizeof(err)));
	assert_false(check_enum("method", "", methods, err, sizeof(err)));
	assert_string_equal(err, "unknown method '' (expected email, portal, "
				 "mail, fax, in-person)");

	static const char *const one[] = {"only", NULL};
	assert_false(check_enum("kind", "x", one, err, sizeof(err)));
	assert_string_equal(err, "unknown kind 'x' (expected only)");
}

static void test_enum_small_buffer(void **state)
{
	(void)state;
	static const char *const names[] = {"alpha", "beta", "gamma", "delta",
					    NULL};
	for (size_t len = 1; len < 70; len++) {
		char buf[80];
		memset(buf, 'Z', sizeof(buf));
		assert_false(check_enum("greek", "omega", names, buf, len));
		/* Terminated inside the buffer, nothing written past it. */
		assert_true(strlen(buf) < len);
		for (size_t k = len; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 'Z');
	}
}

/* --- parse_money / format_money ------------------------------------------ */

static void test_money_parse(void **state)
{
	(void)state;
	struct {
		const char *in;
		int64_t cents;
	} good[] = {
		{"25", 2500},	 {"25.5", 2550},
		{"25.50", 2550}, {"25.05", 2505},
		{"0", 0},	 {"0.01", 1},
		{"0.5", 50},	 {"1234567890", 123456789000},
		{"007", 700},	 {"999999999.99", 99999999999},
	};
	char err[256] = "";
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int64_t c = -7;
		if (!parse_money("fees_paid", good[i].in, &c, err, sizeof(err)))
			fail_msg("refused '%s': %s", good[i].in, err);
		assert_int_equal(c, good[i].cents);
	}
}

static void test_money_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		".5",	 "1.234", "abc", "-1",	  "",
		"25.",	 "1.2.3", " 25", "25 ",	  "$25",
		"1,000", "+5",	  "1e3", "25.5x", "12345678901", /* 11 digits */
		"0x10",	 "25..5", ".",
	};
	char err[256], want[256];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int64_t c = 4242;
		err[0] = '\0';
		if (parse_money("fees_paid", bad[i], &c, err, sizeof(err)))
			fail_msg("accepted '%s' as %lld", bad[i], (long long)c);
		/* The output is untouched on failure. */
		assert_int_equal(c, 4242);
		snprintf(want, sizeof(want),
			 "invalid amount '%s' for 'fees_paid' (expected "
			 "dollars such as 25 or 25.50)",
			 bad[i]);
		assert_string_equal(err, want);
	}
}

static void test_money_format(void **state)
{
	(void)state;
	char buf[32];
	format_money(2550, buf, sizeof(buf));
	assert_string_equal(buf, "25.50");
	format_money(2505, buf, sizeof(buf));
	assert_string_equal(buf, "25.05");
	format_money(0, buf, sizeof(buf));
	assert_string_equal(buf, "0.00");
	format_money(1, buf, sizeof(buf));
	assert_string_equal(buf, "0.01");
	format_money(100, buf, sizeof(buf));
	assert_string_equal(buf, "1.00");
	format_money(999999999999, buf, sizeof(buf));
	assert_string_equal(buf, "9999999999.99");
	/* A short buffer is cut, never overrun. */
	char small[4];
	format_money(2550, small, sizeof(small));
	assert_string_equal(small, "25.");
}

static void test_money_round_trip(void **state)
{
	(void)state;
	char buf[32], err[256];
	/* Whatever parse_money accepts, format_money writes in a form that
	 * parse_money accepts again: a value shown by foia can be typed back
	 * (the largest whole amount accepted is ten digits). */
	static const char *const edge[] = {"1234567890", "9999999999",
					   "999999999.99"};
	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		int64_t c = -1, back = -1;
		if (!parse_money("fees", edge[i], &c, err, sizeof(err)))
			fail_msg("refused '%s': %s", edge[i], err);
		format_money(c, buf, sizeof(buf));
		if (!parse_money("fees", buf, &back, err, sizeof(err)))
			fail_msg("accepted '%s' but refuses its own form '%s': "
				 "%s",
				 edge[i], buf, err);
		assert_int_equal(back, c);
	}
	for (int64_t c = 0; c < 100000; c += 7) {
		int64_t back = -1;
		format_money(c, buf, sizeof(buf));
		if (!parse_money("fees", buf, &back, err, sizeof(err)))
			fail_msg("refused own output '%s': %s", buf, err);
		assert_int_equal(back, c);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_accepts),
		cmocka_unit_test(test_utf8_overlongs),
		cmocka_unit_test(test_utf8_surrogates),
		cmocka_unit_test(test_utf8_truncated),
		cmocka_unit_test(test_utf8_out_of_range),
		cmocka_unit_test(test_utf8_stray_continuation),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_text_utf8),
		cmocka_unit_test(test_text_control),
		cmocka_unit_test(test_date_good),
		cmocka_unit_test(test_date_bad),
		cmocka_unit_test(test_date_message),
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_jurisdiction),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_enum_small_buffer),
		cmocka_unit_test(test_money_parse),
		cmocka_unit_test(test_money_refused),
		cmocka_unit_test(test_money_format),
		cmocka_unit_test(test_money_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
