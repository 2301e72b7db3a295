/*
 * test_agency_import.c: unit tests of agency.import
 * (daemon/method_agency_import.c): FOIA.gov's JSON:API list of agency
 * components (the fixture tests/integration/data/agency_components.json)
 * and a plain array of attribute objects, read into new and updated
 * agencies with their published medians; bad components reported by index
 * and reason, refusing the whole import unless skip_bad; and the params a
 * caller may get wrong. Also the store's test for a database that holds
 * only the agency seed, and the removal of that seed before a restore
 * (store_agency_seed_only, store_agency_unseed).
 *
 * The calls go through the protocol envelope on a ":memory:" store, as a
 * caller named "alice". Every refused import is checked to have changed
 * nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "daemon.h"
#include "foia/protocol.h"
#include "rpc.h"
#include "store.h"

#define TESTUTIL_RPC
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define FIXTURE FOIAD_SRCDIR "/tests/integration/data/agency_components.json"

static int setup(void **state)
{
	(void)state;
	return rpc_open();
}

static int teardown(void **state)
{
	(void)state;
	rpc_close();
	return 0;
}

/* The fixture's text, kept until the test ends. */
static const char *fixture(void)
{
	json_error_t jerr;
	json_t *doc = json_load_file(FIXTURE, 0, &jerr);
	if (!doc)
		fail_msg("%s: %s", FIXTURE, jerr.text);
	char *text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	assert_non_null(text);
	json_t *s = json_string(text);
	free(text);
	assert_non_null(s);
	assert_int_equal(json_array_append_new(keep, s), 0);
	return json_string_value(s);
}

static void add_agency(const char *code, const char *name)
{
	ok("agency.add", P("{s:s, s:s}", "code", code, "name", name));
}

static json_t *agency(const char *code)
{
	return get(ok("agency.show", P("{s:s}", "code", code)), "agency");
}

static size_t agency_count(void)
{
	return json_array_size(get(ok("agency.list", NULL), "agencies"));
}

/* The published medians of an agency as "simple/complex/year/source". */
static void expect_published(const char *code, const char *want)
{
	json_t *p = get(agency(code), "published_median");
	char got[256];
	if (!want) {
		assert_true(json_is_null(p));
		return;
	}
	char num[3][32];
	json_t *v[3] = {get(p, "simple"), get(p, "complex"), get(p, "year")};
	for (int i = 0; i < 3; i++) {
		if (json_is_integer(v[i]))
			snprintf(num[i], sizeof(num[i]), "%lld",
				 (long long)json_integer_value(v[i]));
		else if (json_is_real(v[i]))
			snprintf(num[i], sizeof(num[i]), "%g",
				 json_real_value(v[i]));
		else
			snprintf(num[i], sizeof(num[i]), "-");
	}
	snprintf(got, sizeof(got), "%s/%s/%s/%s", num[0], num[1], num[2],
		 json_string_value(get(p, "source")));
	if (strcmp(got, want) != 0)
		fail_msg("%s published '%s', expected '%s'", code, got, want);
}

/* The skipped list as "index:reason|..." */
static void expect_skipped(json_t *res, const char *want)
{
	char got[2048] = "";
	size_t used = 0, i;
	json_t *b;
	json_array_foreach(get(res, "skipped"), i, b)
	{
		used += (size_t)snprintf(got + used, sizeof(got) - used,
					 "%s%lld:%s", i ? "|" : "",
					 (long long)int_of(b, "index"),
					 json_string_value(get(b, "reason")));
		assert_true(used < sizeof(got));
	}
	if (strcmp(got, want) != 0)
		fail_msg("skipped '%s', expected '%s'", got, want);
}

#define CLASH                                                                  \
	"2:abbreviation 'OIG' is also that of component 3|"                    \
	"3:abbreviation 'oig' is also that of component 2|"                    \
	"4:invalid abbreviation 'CIS OMBUDSMAN' (expected 1-32 letters, "      \
	"digits, '-', '_' or '.')"

/* FOIA.gov's answer: ICE and CBP are updated, OBIM is new (under DHS,
 * from the included agency), the two OIGs clash and the ombudsman's
 * abbreviation is no code. */
static void test_jsonapi_skip_bad(void **state)
{
	(void)state;
	add_agency("DHS", "Department of Homeland Security");
	add_agency("ICE", "Immigration and Customs Enforcement");
	add_agency("cbp", "Customs and Border Protection");
	json_t *r = ok("agency.import",
		       P("{s:s, s:s, s:b}", "text", fixture(), "source",
			 "components.json", "skip_bad", 1));
	expect_int(r, "added", 1);
	expect_int(r, "updated", 2);
	expect_int(r, "unchanged", 0);
	expect_str(r, "source", "components.json");
	expect_skipped(r, CLASH);
	assert_int_equal(agency_count(), 4);

	json_t *ice = agency("ICE");
	expect_str(ice, "name", "U.S. Immigration and Customs Enforcement");
	expect_str(ice, "email", "ice-foia@ice.dhs.gov");
	expect_str(ice, "portal", "https://www.securerelease.us/");
	expect_str(ice, "website", "https://www.ice.gov/foia");
	expect_str(ice, "address",
		   "500 12th Street SW, Stop 5009\n"
		   "Freedom of Information Act Office\n"
		   "Washington, DC 20536-5009");
	expect_str(ice, "parent", NULL); /* an existing one's is kept */
	expect_published("ICE", "23/85.5/2024/components.json");

	json_t *obim = agency("OBIM");
	expect_str(obim, "name", "Office of Biometric Identity Management");
	expect_str(obim, "parent", "DHS");
	expect_str(obim, "jurisdiction", "us-federal");
	expect_str(obim, "portal", NULL);
	expect_published("OBIM", "9.25/-/2024/components.json");

	/* "N/A" is no figure; the code keeps the group's spelling. */
	expect_str(agency("CBP"), "code", "cbp");
	expect_published("CBP", "-/41/2024/components.json");
	expect_published("DHS", NULL);
}

/* Without skip_bad the bad components refuse everything. */
static void test_jsonapi_all_or_nothing(void **state)
{
	(void)state;
	add_agency("ICE", "Immigration and Customs Enforcement");
	const char *m = fails("agency.import", P("{s:s}", "text", fixture()),
			      FOIA_E_INVALID, NULL);
	assert_non_null(strstr(m, "component 2: abbreviation 'OIG' is also "
				  "that of component 3; component 3:"));
	assert_non_null(strstr(m, "(3 bad components; nothing imported; "
				  "--skip-bad imports the rest)"));
	assert_int_equal(agency_count(), 1);
	expect_str(agency("ICE"), "name",
		   "Immigration and Customs Enforcement");
	expect_published("ICE", NULL);
}

/* The same file again changes nothing; a later one changes what it says
 * and keeps what it leaves out. */
static void test_again_and_partial(void **state)
{
	(void)state;
	json_t *params = P("{s:s, s:b}", "text", fixture(), "skip_bad", 1);
	json_incref(params);
	ok("agency.import", params);
	json_t *r = ok("agency.import", params);
	expect_int(r, "added", 0);
	expect_int(r, "updated", 0);
	expect_int(r, "unchanged", 3);
	r = ok("agency.import",
	       P("{s:s, s:s}", "text",
		 "[{\"abbreviation\": \"ICE\", \"title\": \"ICE\", "
		 "\"request_data_year\": 2025, "
		 "\"request_data_simple_median_days\": \"19.126\"}]",
		 "source", "fy2025.json"));
	expect_int(r, "updated", 1);
	json_t *ice = agency("ICE");
	expect_str(ice, "name", "ICE");
	expect_str(ice, "email", "ice-foia@ice.dhs.gov"); /* kept */
	/* A report's figures go together: no complex median in FY2025. */
	expect_published("ICE", "19.13/-/2025/fy2025.json");
}

/* A plain array of attribute objects, and the values refused in it. */
static void test_plain_array_bad_values(void **state)
{
	(void)state;
	add_agency("DOJ", "Department of Justice");
	const char *text =
		"[{\"abbreviation\": \"OIP\", \"title\": \"Office of "
		"Information Policy\", \"parent\": \"DOJ\", \"email\": "
		"\"oip@usdoj.gov\", \"website\": \"https://www.justice.gov/"
		"oip\", \"submission_address\": \"441 G St NW\\nWashington, "
		"DC\", \"request_data_year\": \"2024\", "
		"\"request_data_simple_median_days\": 12, "
		"\"request_data_complex_median_days\": \"\"},"
		" {\"abbreviation\": \"A\", \"title\": \"A\", "
		"\"request_data_simple_median_days\": \"soon\"},"
		" {\"abbreviation\": \"B\", \"title\": \"B\", "
		"\"request_data_simple_median_days\": -1},"
		" {\"abbreviation\": \"C\", \"title\": \"C\", "
		"\"request_data_simple_median_days\": 3, "
		"\"request_data_year\": \"1900\"},"
		" {\"abbreviation\": \"D\"},"
		" {\"title\": \"E\"},"
		" 7,"
		" {\"type\": \"agency\", \"attributes\": {\"abbreviation\": "
		"\"F\", \"title\": \"F\"}},"
		" {\"abbreviation\": \"G\", \"title\": \"G\", \"email\": "
		"\"nobody\"},"
		" {\"abbreviation\": \"H\", \"title\": \"H\", \"website\": "
		"\"ftp://h.example\"}]";
	size_t before = agency_count();
	fails("agency.import", P("{s:s}", "text", text), FOIA_E_INVALID, NULL);
	assert_int_equal(agency_count(), before);
	json_t *r = ok("agency.import",
		       P("{s:s, s:b}", "text", text, "skip_bad", 1));
	expect_int(r, "added", 1);
	expect_skipped(
		r, "1:invalid 'request_data_simple_median_days' 'soon'|"
		   "2:invalid 'request_data_simple_median_days' -1 (expected "
		   "0 to 100000 working days)|"
		   "3:invalid 'request_data_year' (expected a fiscal year "
		   "from 1975)|"
		   "4:no title (the agency name)|"
		   "5:no abbreviation (the agency code)|"
		   "6:not an object|"
		   "7:not an agency component (type 'agency')|"
		   "8:invalid email 'nobody' for agency 'G'|"
		   "9:invalid website 'ftp://h.example' (expected an http or "
		   "https URL)");
	json_t *oip = agency("OIP");
	expect_str(oip, "parent", "DOJ");
	expect_str(oip, "website", "https://www.justice.gov/oip");
	expect_str(oip, "address", "441 G St NW\nWashington, DC");
	expect_published("OIP", "12/-/2024/a file");
}

static void test_params(void **state)
{
	(void)state;
	fails("agency.import", P("{}"), FOIA_E_INVALID,
	      "'text' (the file) or 'url' is required");
	fails("agency.import",
	      P("{s:s, s:s}", "text", "[]", "url", "https://x.example/"),
	      FOIA_E_INVALID, "give either 'text' or 'url', not both");
	fails("agency.import", P("{s:s}", "url", "ftp://x.example/"),
	      FOIA_E_INVALID,
	      "url 'ftp://x.example/' must start with http:// or https://");
	fails("agency.import", P("{s:s}", "url", "https:///a.json"),
	      FOIA_E_INVALID, "url 'https:///a.json' has no host");
	/* rpc_handle_line's caller cannot be answered later. */
	fails("agency.import", P("{s:s}", "url", "https://x.example/a.json"),
	      FOIA_E_INVALID,
	      "this caller cannot wait for a download; send the file as "
	      "'text'");
	fails("agency.import",
	      P("{s:s, s:s}", "text", "{\"data\": 1}", "source", "x.json"),
	      FOIA_E_INVALID,
	      "'x.json' is not a list of agency components (expected "
	      "FOIA.gov's {\"data\":[...]} or an array)");
	fails("agency.import", P("{s:s, s:s}", "text", "[", "source", "y.json"),
	      FOIA_E_INVALID, NULL);
	fails("agency.import", P("{s:s, s:i}", "text", "[]", "skip_bad", 1),
	      FOIA_E_INVALID, "'skip_bad' must be true or false");
	fails("agency.import", P("{s:s, s:s}", "text", "[]", "colour", "red"),
	      FOIA_E_INVALID, NULL);
	json_t *r = ok("agency.import", P("{s:s}", "text", "{\"data\": []}"));
	expect_int(r, "added", 0);
	assert_int_equal(agency_count(), 0);
}

/* What counts as "only the seed", and taking it away. */
static void test_seed_only_and_unseed(void **state)
{
	(void)state;
	bool only = false;
	assert_int_equal(store_agency_seed_only(dmn.store, &only), STORE_OK);
	assert_true(only); /* empty */

	/* An agency as seed.c adds one. */
	struct agency a = {.code = "ICE", .name = "ICE"};
	assert_int_equal(store_begin(dmn.store), STORE_OK);
	assert_int_equal(store_agency_insert(dmn.store, &a), STORE_OK);
	struct event e = {.agency = "ICE",
			  .actor = "foiad",
			  .kind = "agency",
			  .field = "code",
			  .new_value = "ICE",
			  .note = "added from the seed file"};
	assert_int_equal(store_event_append(dmn.store, &e), STORE_OK);
	free(e.at);
	assert_int_equal(store_commit(dmn.store), STORE_OK);
	free(a.jurisdiction);
	assert_int_equal(store_agency_seed_only(dmn.store, &only), STORE_OK);
	assert_true(only);

	/* Any change by someone makes it more than the seed. */
	ok("agency.update",
	   P("{s:s, s:s}", "code", "ICE", "website", "https://ice.example/"));
	assert_int_equal(store_agency_seed_only(dmn.store, &only), STORE_OK);
	assert_false(only);
	assert_int_equal(store_begin(dmn.store), STORE_OK);
	assert_int_equal(store_agency_unseed(dmn.store), STORE_CONFLICT);
	store_rollback(dmn.store);
	assert_int_equal(agency_count(), 1);
}

static void test_unseed(void **state)
{
	(void)state;
	struct agency a = {.code = "FBI", .name = "FBI"};
	assert_int_equal(store_begin(dmn.store), STORE_OK);
	assert_int_equal(store_agency_insert(dmn.store, &a), STORE_OK);
	struct event e = {.agency = "FBI",
			  .actor = "foiad",
			  .kind = "agency",
			  .field = "code",
			  .new_value = "FBI",
			  .note = "added from the seed file"};
	assert_int_equal(store_event_append(dmn.store, &e), STORE_OK);
	free(e.at);
	free(a.jurisdiction);
	assert_int_equal(store_commit(dmn.store), STORE_OK);

	/* Rolled back, the seed is as it was. */
	assert_int_equal(store_begin(dmn.store), STORE_OK);
	assert_int_equal(store_agency_unseed(dmn.store), STORE_OK);
	store_rollback(dmn.store);
	assert_int_equal(agency_count(), 1);

	assert_int_equal(store_begin(dmn.store), STORE_OK);
	assert_int_equal(store_agency_unseed(dmn.store), STORE_OK);
	assert_int_equal(store_commit(dmn.store), STORE_OK);
	assert_int_equal(agency_count(), 0);
	/* The guards are back: an agency still cannot be deleted. */
	add_agency("DOJ", "Department of Justice");
	struct agency doj;
	assert_int_equal(store_agency_get(dmn.store, "DOJ", &doj), STORE_OK);
	agency_clear(&doj);
	assert_int_equal(store_begin(dmn.store), STORE_OK);
	assert_int_not_equal(store_agency_unseed(dmn.store), STORE_OK);
	store_rollback(dmn.store);
	assert_int_equal(agency_count(), 1);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_jsonapi_skip_bad),
		T(test_jsonapi_all_or_nothing),
		T(test_again_and_partial),
		T(test_plain_array_bad_values),
		T(test_params),
		T(test_seed_only_and_unseed),
		T(test_unseed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
