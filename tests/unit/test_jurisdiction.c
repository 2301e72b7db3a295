/*
 * test_jurisdiction.c: the jurisdictions loader (daemon/config_jurisdictions.c)
 * and the pure side (daemon/jurisdiction.c), with the shipped
 * config/jurisdictions.conf.
 *
 * The shipped file is read from the repository (tests run from its root;
 * FOIAD_SRCDIR overrides) and must hold every law of
 * docs/jurisdictions.md, the U.S. federal clocks exactly as the engine's
 * built-ins, and calendars that give the days the docs and their sources
 * give. The worked examples of docs/deadline-rules.md are run on the loaded
 * rule and calendar. Loader errors are checked on their exact
 * "file:line: message" text, from files written to a mkdtemp directory.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "deadline.h"
#include "foia/civil.h"
#include "jurisdiction.h"
#include "testutil.h"
#include "workcal.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define SHIPPED FOIAD_SRCDIR "/config/jurisdictions.conf"

static struct jurisdictions shipped;
static struct config_errors shipped_errs;
static int shipped_rc = -1, shipped_build_rc = -1;
static char shipped_build_err[256];

/* Every law of docs/jurisdictions.md, and the federal one. */
static const char *const all_codes[] = {
	"us-federal", "us-al", "us-ak", "us-az", "us-ar", "us-ca", "us-co",
	"us-ct",      "us-de", "us-dc", "us-fl", "us-ga", "us-hi", "us-id",
	"us-il",      "us-in", "us-ia", "us-ks", "us-ky", "us-la", "us-me",
	"us-md",      "us-ma", "us-mi", "us-mn", "us-ms", "us-mo", "us-mt",
	"us-ne",      "us-nv", "us-nh", "us-nj", "us-nm", "us-ny", "us-nc",
	"us-nd",      "us-oh", "us-ok", "us-or", "us-pa", "us-ri", "us-sc",
	"us-sd",      "us-tn", "us-tx", "us-ut", "us-vt", "us-va", "us-wa",
	"us-wv",      "us-wi", "us-wy", "uk",	 "ca",	  "eu",	   "sv",
	"mx",
};
#define N_CODES (sizeof(all_codes) / sizeof(all_codes[0]))

static int group_setup(void **state)
{
	(void)state;
	if (tmpdir_make("test_jurisdiction") < 0)
		return -1;
	shipped_rc =
		config_load_jurisdictions(SHIPPED, &shipped, &shipped_errs);
	if (shipped_rc == 0)
		shipped_build_rc = jurisdictions_build(
			&shipped, shipped_build_err, sizeof(shipped_build_err));
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	jurisdictions_free(&shipped);
	return tmpdir_remove();
}

static void need_shipped(void)
{
	if (shipped_rc != 0) {
		for (size_t i = 0; i < shipped_errs.count; i++)
			print_error("%s\n", shipped_errs.text[i]);
		fail_msg("%s did not load", SHIPPED);
	}
	if (shipped_build_rc != WORKCAL_OK)
		fail_msg("build failed: %s", shipped_build_err);
}

static const struct jurisdiction *law(const char *code)
{
	need_shipped();
	const struct jurisdiction *l = jurisdiction_find(&shipped, code);
	if (!l)
		fail_msg("no jurisdiction '%s'", code);
	return l;
}

static const struct workcal *cal_of(const char *code)
{
	const struct juris_calendar *c =
		jurisdiction_calendar(&shipped, law(code));
	assert_non_null(c);
	assert_non_null(c->cal);
	return c->cal;
}

static bool working(const struct workcal *cal, const char *date)
{
	bool w = false;
	assert_int_equal(workcal_is_working_day(cal, D(date), &w), WORKCAL_OK);
	return w;
}

static void expect_off(const struct workcal *cal, const char *date,
		       const char *name)
{
	if (working(cal, date))
		fail_msg("%s should not be a working day", date);
	if (name) {
		const char *got = workcal_holiday_name(cal, D(date));
		if (!got || strcmp(got, name) != 0)
			fail_msg("%s is '%s', expected '%s'", date,
				 got ? got : "(none)", name);
	}
}

static void expect_on(const struct workcal *cal, const char *date)
{
	if (!working(cal, date))
		fail_msg("%s should be a working day (%s)", date,
			 workcal_holiday_name(cal, D(date))
				 ? workcal_holiday_name(cal, D(date))
				 : "weekend");
}

/* Due date of rule on cal for a request received on `received`. */
static int32_t due(const struct workcal *cal, const struct deadline_rule *rule,
		   const char *received, const struct deadline_toll *tolls,
		   size_t n_tolls)
{
	struct deadline_input in = {
		.received = D(received), .tolls = tolls, .n_tolls = n_tolls};
	struct deadline_result res;
	char err[200] = "";
	int rc = deadline_compute(cal, rule, &in, &res, NULL, err, sizeof(err));
	if (rc != WORKCAL_OK)
		fail_msg("deadline_compute: %d: %s", rc, err);
	assert_int_equal(res.state, DEADLINE_DUE);
	return res.due;
}

static void expect_due(const struct workcal *cal,
		       const struct deadline_rule *rule, const char *received,
		       const char *want)
{
	char got[16];
	civil_format(due(cal, rule, received, NULL, 0), got, sizeof(got));
	if (strcmp(got, want) != 0)
		fail_msg("received %s: due %s, expected %s", received, got,
			 want);
}

/* Field by field, `what` by text. */
static void expect_rule_equal(const struct deadline_rule *a,
			      const struct deadline_rule *b)
{
	assert_non_null(a->what);
	assert_non_null(b->what);
	assert_string_equal(a->what, b->what);
	assert_int_equal(a->unit, b->unit);
	assert_int_equal(a->days, b->days);
	assert_int_equal(a->roll_forward, b->roll_forward);
	assert_int_equal(a->receipt_is_day1, b->receipt_is_day1);
	assert_int_equal(a->cutoff_next_day, b->cutoff_next_day);
	assert_int_equal(a->misroute_cap, b->misroute_cap);
	assert_int_equal(a->ext_unit, b->ext_unit);
	assert_int_equal(a->ext_max, b->ext_max);
	assert_int_equal(a->one_info_toll, b->one_info_toll);
	assert_int_equal(a->exhaustion, b->exhaustion);
	assert_int_equal(a->limitations_years, b->limitations_years);
}

/* --- the shipped file ---------------------------------------------------- */

static void test_shipped_loads_and_builds(void **state)
{
	(void)state;
	need_shipped();
	assert_int_equal(shipped_errs.count, 0);
	assert_int_equal(shipped.n, N_CODES);
	assert_true(shipped.n_calendars >= 7);
	for (size_t i = 0; i < shipped.n_calendars; i++) {
		const struct juris_calendar *c = &shipped.calendars[i];
		assert_non_null(c->cal);
		assert_int_equal(workcal_first_year(c->cal), JURIS_FIRST_YEAR);
		assert_int_equal(workcal_last_year(c->cal), JURIS_LAST_YEAR);
	}
	for (size_t i = 0; i < shipped.n; i++) {
		const struct jurisdiction *l = &shipped.v[i];
		assert_true(l->name && *l->name);
		assert_true(l->citation && *l->citation);
		assert_non_null(jurisdiction_calendar(&shipped, l));
		/* A law either has a clock or gets follow-ups. */
		if (l->initial.set) {
			assert_int_equal(l->followup_every, 0);
			assert_string_equal(l->initial.rule.what,
					    "initial determination");
		} else {
			assert_true(l->followup_every > 0);
		}
		/* Borrowing a calendar is only ever the federal one. */
		if (!l->own_calendar)
			assert_string_equal(l->calendar, "us-federal");
		assert_int_equal(l->mail_days, 5);
	}
}

static void test_every_code_present(void **state)
{
	(void)state;
	need_shipped();
	for (size_t i = 0; i < N_CODES; i++) {
		const struct jurisdiction *l = law(all_codes[i]);
		assert_string_equal(l->code, all_codes[i]);
	}
	/* Nothing else, and no code twice. */
	assert_int_equal(shipped.n, N_CODES);
	for (size_t i = 0; i < shipped.n; i++)
		for (size_t k = i + 1; k < shipped.n; k++)
			assert_string_not_equal(shipped.v[i].code,
						shipped.v[k].code);
}

static void test_federal_equals_builtins(void **state)
{
	(void)state;
	const struct jurisdiction *f = law("us-federal");
	assert_true(f->initial.set);
	assert_true(f->expedited.set);
	assert_true(f->appeal_window.set);
	assert_true(f->appeal_decision.set);
	expect_rule_equal(&f->initial.rule, &deadline_federal_initial);
	expect_rule_equal(&f->expedited.rule, &deadline_federal_expedited);
	expect_rule_equal(&f->appeal_window.rule,
			  &deadline_federal_appeal_window);
	expect_rule_equal(&f->appeal_decision.rule, &deadline_federal_appeal);
	assert_int_equal(f->confidence, JURIS_STATUTE);
	assert_string_equal(f->citation, "5 U.S.C. 552");
	assert_string_equal(f->calendar, "us-federal");
	assert_true(f->own_calendar);
	assert_int_equal(f->followup_every, 0);

	/* deadline-rules.md: Interior day 1 and 5 p.m.; EPA 5 p.m. */
	assert_int_equal(f->n_overrides, 2);
	const struct juris_override *doi = jurisdiction_override(f, "DOI");
	assert_non_null(doi);
	assert_true(doi->has_receipt_is_day1 && doi->receipt_is_day1);
	assert_true(doi->has_cutoff);
	assert_int_equal(doi->cutoff_minutes, 17 * 60);
	assert_false(doi->has_appeal_window);
	const struct juris_override *epa = jurisdiction_override(f, "epa");
	assert_non_null(epa);
	assert_false(epa->has_receipt_is_day1);
	assert_true(epa->has_cutoff);
	assert_int_equal(epa->cutoff_minutes, 1020);
	assert_null(jurisdiction_override(f, "ICE"));
	assert_null(jurisdiction_override(f, NULL));
}

/* The loaded us-federal calendar is the built-in one, day for day. */
static void test_federal_calendar_is_builtin(void **state)
{
	(void)state;
	const struct workcal *loaded = cal_of("us-federal");
	struct workcal_spec spec;
	struct workcal *ref = NULL;
	assert_int_equal(workcal_federal_spec(&spec, true, false,
					      JURIS_FIRST_YEAR,
					      JURIS_LAST_YEAR),
			 WORKCAL_OK);
	assert_int_equal(workcal_new(&spec, &ref, NULL, 0), WORKCAL_OK);
	for (int32_t d = workcal_first_day(ref); d <= workcal_last_day(ref);
	     d++) {
		struct workcal_day a, b;
		assert_int_equal(workcal_day_info(loaded, d, &a), WORKCAL_OK);
		assert_int_equal(workcal_day_info(ref, d, &b), WORKCAL_OK);
		if (a.working != b.working)
			fail_msg("day %d differs from the built-in", (int)d);
		assert_int_equal(a.holiday == NULL, b.holiday == NULL);
		if (a.holiday)
			assert_string_equal(a.holiday->name, b.holiday->name);
	}
	workcal_free(ref);
	expect_off(loaded, "2025-12-24",
		   "Christmas Eve (executive-order closure)");
	/* Inauguration Day is a DC-area holiday only (6103(c)). */
	expect_on(loaded, "2021-01-20");
}

/* docs/deadline-rules.md section 1, worked examples. */
static void test_worked_examples(void **state)
{
	(void)state;
	const struct jurisdiction *f = law("us-federal");
	const struct juris_calendar *jc = jurisdiction_calendar(&shipped, f);
	const struct deadline_rule *r = &f->initial.rule;

	/* The examples without closures, on the loaded spec with closures
	 * turned off. */
	struct workcal_spec spec = jc->spec;
	struct workcal *plain = NULL;
	spec.closures = false;
	assert_int_equal(workcal_new(&spec, &plain, NULL, 0), WORKCAL_OK);

	expect_due(plain, r, "2025-03-03", "2025-03-31");
	const struct deadline_toll toll = {.kind = DEADLINE_TOLL_INFO,
					   .asked = D("2025-03-10"),
					   .answered = D("2025-03-20")};
	assert_int_equal(due(plain, r, "2025-03-03", &toll, 1),
			 D("2025-04-10"));
	expect_due(plain, r, "2025-06-10", "2025-07-10");
	expect_due(plain, r, "2025-12-10", "2026-01-09");
	/* The shipped calendar counts the Dec 24 and 26 closures. */
	expect_due(jc->cal, r, "2025-12-10", "2026-01-13");
	/* The others do not meet a closure. */
	expect_due(jc->cal, r, "2025-03-03", "2025-03-31");
	expect_due(jc->cal, r, "2025-06-10", "2025-07-10");
	workcal_free(plain);
}

static void test_spot_checks(void **state)
{
	(void)state;
	const struct jurisdiction *l;

	l = law("us-ca"); /* 10 calendar days, +14 */
	assert_true(l->initial.set);
	assert_int_equal(l->initial.rule.days, 10);
	assert_int_equal(l->initial.rule.unit, DEADLINE_CALENDAR_DAYS);
	assert_int_equal(l->initial.rule.ext_max, 14);
	assert_int_equal(l->initial.rule.ext_unit, DEADLINE_CALENDAR_DAYS);
	assert_int_equal(l->confidence, JURIS_STATUTE);
	assert_string_equal(l->citation, "Gov. Code 7922.535");
	assert_false(l->own_calendar);
	assert_string_equal(l->calendar, "us-federal");

	l = law("us-tx"); /* 10 working days */
	assert_int_equal(l->initial.rule.days, 10);
	assert_int_equal(l->initial.rule.unit, DEADLINE_WORKING_DAYS);
	assert_int_equal(l->initial.rule.ext_max, 0);

	l = law("uk");
	assert_int_equal(l->initial.rule.days, 20);
	assert_int_equal(l->initial.rule.unit, DEADLINE_WORKING_DAYS);
	assert_int_equal(l->initial.rule.ext_max, 20);
	assert_string_equal(l->calendar, "uk");
	assert_true(l->own_calendar);
	assert_int_equal(l->confidence, JURIS_OFFICIAL);

	l = law("sv");
	assert_int_equal(l->initial.rule.days, 10);
	assert_int_equal(l->initial.rule.unit, DEADLINE_WORKING_DAYS);
	assert_string_equal(l->calendar, "sv");

	l = law("us-az"); /* "promptly": no clock, follow-ups */
	assert_false(l->initial.set);
	assert_false(l->expedited.set);
	assert_false(l->appeal_window.set);
	assert_false(l->appeal_decision.set);
	assert_int_equal(l->followup_every, 10);
	assert_int_equal(l->confidence, JURIS_SECONDARY);
	assert_non_null(l->notes);

	l = law("us-wi");
	assert_false(l->initial.set);
	assert_int_equal(l->followup_every, 14);

	l = law("us-pa"); /* +30 calendar days on a working-day clock */
	assert_int_equal(l->initial.rule.unit, DEADLINE_WORKING_DAYS);
	assert_int_equal(l->initial.rule.ext_unit, DEADLINE_CALENDAR_DAYS);
	assert_int_equal(l->initial.rule.ext_max, 30);

	l = law("us-de"); /* no cap */
	assert_int_equal(l->initial.rule.ext_max, -1);

	l = law("us-ny"); /* the appeal clock of its row */
	assert_true(l->appeal_decision.set);
	assert_int_equal(l->appeal_decision.rule.days, 10);
	assert_string_equal(l->appeal_decision.rule.what, "appeal decision");

	l = law("ca");
	assert_int_equal(l->initial.rule.days, 30);
	assert_int_equal(l->initial.rule.unit, DEADLINE_CALENDAR_DAYS);
	assert_true(l->initial.rule.roll_forward);
	assert_true(l->initial.rule.exhaustion);

	l = law("eu");
	assert_int_equal(l->initial.rule.days, 15);
	assert_int_equal(l->initial.rule.ext_max, 15);
	assert_true(l->appeal_window.set);
	assert_int_equal(l->appeal_window.rule.unit, DEADLINE_WORKING_DAYS);
	assert_string_equal(l->appeal_window.rule.what, "time to appeal");

	l = law("mx");
	assert_int_equal(l->confidence, JURIS_UNVERIFIED);
	assert_int_equal(l->initial.rule.days, 20);
	assert_int_equal(l->initial.rule.ext_max, 10);

	l = law("us-nd");
	assert_int_equal(l->confidence, JURIS_UNVERIFIED);

	/* us-ca: 10 calendar days rolled forward. Received Wed 2025-06-25:
	 * day 10 is Sat 07-05, so Monday 07-07. */
	expect_due(cal_of("us-ca"), &law("us-ca")->initial.rule, "2025-06-25",
		   "2025-07-07");
	/* us-tx: 10 working days over Juneteenth. */
	expect_due(cal_of("us-tx"), &law("us-tx")->initial.rule, "2025-06-16",
		   "2025-07-01");
}

static void test_uk_calendar(void **state)
{
	(void)state;
	const struct workcal *uk = cal_of("uk");

	expect_off(uk, "2025-04-18", "Good Friday");
	expect_off(uk, "2025-04-21", "Easter Monday");
	expect_off(uk, "2025-12-25", "Christmas Day");
	expect_off(uk, "2025-12-26", "Boxing Day");
	expect_off(uk, "2025-05-05", "Early May bank holiday");
	expect_off(uk, "2025-05-26", "Spring bank holiday");
	expect_off(uk, "2025-08-04", "Summer bank holiday (Scotland)");
	expect_off(uk, "2025-08-25", "Summer bank holiday");
	expect_off(uk, "2025-01-02", "2nd January (Scotland)");
	expect_off(uk, "2025-03-17", "St Patrick's Day (Northern Ireland)");
	/* Substitutes: 12 July 2025 and 30 November 2025 are weekend days. */
	expect_off(uk, "2025-07-14",
		   "Battle of the Boyne (Northern Ireland) (substitute day)");
	expect_off(uk, "2025-12-01",
		   "St Andrew's Day (Scotland) (substitute day)");
	/* Christmas on a Saturday (2021) and on a Sunday (2022). */
	expect_off(uk, "2021-12-27", "Christmas Day (substitute day)");
	expect_off(uk, "2021-12-28", "Boxing Day (substitute day)");
	expect_off(uk, "2022-12-26", "Boxing Day");
	expect_off(uk, "2022-12-27", "Christmas Day (substitute day)");
	expect_on(uk, "2022-12-28");
	/* 1 January 2022 a Saturday: Monday 3 and (Scotland) Tuesday 4. */
	expect_off(uk, "2022-01-03", "New Year's Day (substitute day)");
	expect_off(uk, "2022-01-04", "2nd January (Scotland) (substitute day)");
	expect_on(uk, "2022-01-05");
	/* 1 January 2023 a Sunday: Monday 2 is Scotland's 2 January, so
	 * New Year's substitute is Tuesday 3. */
	expect_off(uk, "2023-01-02", "2nd January (Scotland)");
	expect_off(uk, "2023-01-03", "New Year's Day (substitute day)");
	/* Moved and added bank holidays. */
	expect_on(uk, "2022-05-30");
	expect_off(uk, "2022-06-02", "Spring bank holiday");
	expect_off(uk, "2022-06-03", "Platinum Jubilee bank holiday");
	expect_off(uk, "2022-09-19", "State Funeral of Queen Elizabeth II");
	expect_on(uk, "2020-05-04");
	expect_off(uk, "2020-05-08", "Early May bank holiday (VE Day)");
	expect_off(uk, "2023-05-08", "Coronation of King Charles III");
	expect_on(uk, "2012-05-28");
	expect_off(uk, "2012-06-05", "Diamond Jubilee bank holiday");
	/* St Andrew's Day only since 2007: 30 November 2006 a Thursday. */
	expect_on(uk, "2006-11-30");
	expect_off(uk, "2007-11-30", "St Andrew's Day (Scotland)");
	/* The Early May bank holiday begins in 1978, the first year. */
	expect_off(uk, "1978-05-01", "Early May bank holiday");

	/* 20 working days from Monday 14 April 2025 skip Good Friday,
	 * Easter Monday and the Early May bank holiday. */
	expect_due(uk, &law("uk")->initial.rule, "2025-04-14", "2025-05-15");
}

static void test_sv_calendar(void **state)
{
	(void)state;
	const struct workcal *sv = cal_of("sv");

	expect_off(sv, "2025-04-14",
		   "Vacaciones de Semana Santa (lunes santo)");
	expect_off(sv, "2025-04-17", "Jueves Santo");
	expect_off(sv, "2025-04-18", "Viernes Santo");
	expect_on(sv, "2025-04-21"); /* Easter Monday: unconfirmed, counted */
	expect_off(sv, "2025-05-01", "Día del Trabajo");
	expect_off(sv, "2025-06-17", "Día del Padre");
	expect_on(sv, "2011-06-17"); /* a Friday; 17 June only from 2013 */
	expect_off(sv, "2025-08-05", "Vacaciones agostinas");
	expect_off(sv, "2025-08-06", "Fiesta del Divino Salvador del Mundo");
	expect_off(sv, "2025-09-15", "Día de la Independencia");
	expect_on(sv, "2025-11-03"); /* 2 November a Sunday: no shift */
	expect_off(sv, "2025-12-29", "Vacaciones de fin de año");
	expect_off(sv, "2026-01-02", "Vacaciones de fin de año");
	expect_on(sv, "2026-01-05");
	expect_off(sv, "2022-09-16", "Licencia remunerada (Independencia)");

	/* Received Thursday 10 April 2025: Friday is day 1, Holy Week and
	 * 1 May are not counted. */
	expect_due(sv, &law("sv")->initial.rule, "2025-04-10", "2025-05-02");
}

static void test_other_calendars(void **state)
{
	(void)state;
	const struct workcal *ca = cal_of("ca");
	expect_off(ca, "2025-05-19", "Victoria Day");
	expect_off(ca, "2025-07-01", "Canada Day");
	expect_off(ca, "2025-09-30",
		   "National Day for Truth and Reconciliation");
	expect_on(ca, "2020-09-30");
	expect_off(ca, "2025-10-13", "Thanksgiving Day");
	expect_off(ca, "2021-12-27", "Christmas Day (substitute day)");
	expect_off(ca, "2021-12-28", "Boxing Day (substitute day)");
	expect_off(ca, "2022-09-19",
		   "National Day of Mourning (Queen Elizabeth II)");
	/* 30 calendar days from 1 June 2025 land on Canada Day (Tuesday),
	 * rolled to Wednesday. */
	expect_due(ca, &law("ca")->initial.rule, "2025-06-01", "2025-07-02");

	const struct workcal *dc = cal_of("us-dc");
	const struct workcal *fed = cal_of("us-federal");
	assert_true(law("us-dc")->own_calendar);
	expect_off(dc, "2025-04-16", "DC Emancipation Day");
	expect_on(fed, "2025-04-16");
	expect_off(dc, "2022-04-15", "DC Emancipation Day"); /* Sat -> Fri */
	expect_off(dc, "2023-04-17", "DC Emancipation Day"); /* Sun -> Mon */
	/* A DC legal public holiday from 2007 only: 16 April 2006 was a
	 * Sunday, and Monday 17 April 2006 a working day. */
	expect_on(dc, "2006-04-17");
	expect_off(dc, "2007-04-16", "DC Emancipation Day");
	expect_off(dc, "2021-01-20", "Inauguration Day");
	expect_on(fed, "2021-01-20");
	expect_on(dc, "2025-12-24"); /* no federal closures for DC */

	const struct workcal *eu = cal_of("eu");
	expect_off(eu, "2025-05-29", "Ascension Day");
	expect_off(eu, "2025-05-30", "Friday after Ascension Day");
	expect_off(eu, "2025-06-09", "Whit Monday");
	expect_off(eu, "2025-04-17", "Maundy Thursday");
	expect_off(eu, "2025-12-31", "End-of-year days");

	const struct workcal *mx = cal_of("mx");
	expect_off(mx, "2025-02-03", "Día de la Constitución");
	expect_off(mx, "2025-11-17", "Día de la Revolución");
	expect_off(mx, "2006-12-01", "Transmisión del Poder Ejecutivo Federal");
	expect_off(mx, "2024-10-01", "Transmisión del Poder Ejecutivo Federal");
	expect_on(mx, "2025-10-01");
}

static void test_lookups(void **state)
{
	(void)state;
	need_shipped();
	assert_non_null(jurisdiction_find(&shipped, "US-CA"));
	assert_null(jurisdiction_find(&shipped, "us-xx"));
	assert_null(jurisdiction_find(&shipped, NULL));
	assert_null(jurisdiction_find(NULL, "us-ca"));
	assert_null(jurisdiction_calendar(&shipped, NULL));
	assert_string_equal(juris_confidence_name(JURIS_STATUTE), "statute");
	assert_string_equal(juris_confidence_name(JURIS_OFFICIAL), "official");
	assert_string_equal(juris_confidence_name(JURIS_SECONDARY),
			    "secondary");
	assert_string_equal(juris_confidence_name(JURIS_UNVERIFIED),
			    "unverified");
	assert_string_equal(juris_confidence_name((enum juris_confidence)9),
			    "unknown");
}

static void test_free_zeroed(void **state)
{
	(void)state;
	struct jurisdictions z;
	memset(&z, 0, sizeof(z));
	jurisdictions_free(&z);
	jurisdictions_free(&z);
	jurisdictions_free(NULL);
	assert_int_equal(z.n, 0);
	assert_null(z.v);
}

/* --- the loader on small files ------------------------------------------- */

/* Load text that must fail; out must come back empty. */
static void load_bad(const char *name, const char *text, char *path,
		     size_t pathlen, struct config_errors *errs)
{
	struct jurisdictions j;
	memset(&j, 0xA5, sizeof(j)); /* whatever the caller had */
	write_file(path, pathlen, name, text);
	memset(errs, 0, sizeof(*errs));
	assert_int_equal(config_load_jurisdictions(path, &j, errs), -1);
	assert_true(errs->count > 0);
	assert_null(j.v);
	assert_int_equal(j.n, 0);
	assert_null(j.calendars);
	assert_int_equal(j.n_calendars, 0);
}

/* The valid file the error tests start from; one setting a line. */
#define CAL_LINES                                                              \
	"calendars = (\n"	  /* 1 */                                      \
	"  { name = \"cal\"; }\n" /* 2 */                                      \
	");\n"			  /* 3 */
#define LAW_HEAD                                                               \
	"jurisdictions = (\n"		  /* 4 */                              \
	"  { code = \"xx\";\n"		  /* 5 */                              \
	"    name = \"X law\";\n"	  /* 6 */                              \
	"    citation = \"X 1\";\n"	  /* 7 */                              \
	"    confidence = \"statute\";\n" /* 8 */

static void test_minimal_file(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct jurisdictions j;
	struct config_errors errs = {0};
	write_file(path, sizeof(path), "ok.conf",
		   CAL_LINES LAW_HEAD
		   "    calendar = \"cal\";\n"
		   "    initial = { days = 5; unit = \"working\"; };\n"
		   "  }\n"
		   ");\n");
	assert_int_equal(config_load_jurisdictions(path, &j, &errs), 0);
	assert_int_equal(errs.count, 0);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.n_calendars, 1);
	const struct jurisdiction *x = jurisdiction_find(&j, "xx");
	assert_non_null(x);
	assert_true(x->own_calendar);
	assert_null(x->notes);
	assert_int_equal(x->initial.rule.ext_max, 0);
	assert_int_equal(x->initial.rule.ext_unit, DEADLINE_WORKING_DAYS);
	assert_int_equal(x->followup_every, 0);
	assert_int_equal(x->mail_days, 5);
	assert_null(j.calendars[0].cal);
	char err[256];
	assert_int_equal(jurisdictions_build(&j, err, sizeof(err)), WORKCAL_OK);
	assert_non_null(j.calendars[0].cal);
	/* Rebuilding replaces the index without leaking it. */
	assert_int_equal(jurisdictions_build(&j, err, sizeof(err)), WORKCAL_OK);
	jurisdictions_free(&j);
	assert_null(j.v);
}

static void test_error_syntax(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;
	load_bad("syntax.conf",
		 CAL_LINES LAW_HEAD
		 "    calendar = = \"cal\";\n" /* 9 */
		 "    initial = { days = 5; unit = \"working\"; };\n"
		 "  }\n"
		 ");\n",
		 path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 9, "syntax error");
	assert_int_equal(errs.count, 1);
}

static void test_error_unknown_key(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;
	load_bad("key.conf",
		 CAL_LINES LAW_HEAD
		 "    calendar = \"cal\";\n"			   /* 9 */
		 "    colour = \"red\";\n"			   /* 10 */
		 "    initial = { days = 5; unit = \"working\";\n" /* 11 */
		 "                dayz = 3; };\n"		   /* 12 */
		 "  }\n"
		 ");\n",
		 path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 10,
		     "unknown jurisdiction setting 'colour'");
	expect_error(&errs, 1, path, 12, "unknown clock setting 'dayz'");
	assert_int_equal(errs.count, 2);
}

static void test_error_unknown_calendar(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;
	load_bad("cal.conf",
		 CAL_LINES LAW_HEAD
		 "    calendar = \"mars\";\n" /* 9 */
		 "    initial = { days = 5; unit = \"working\"; };\n"
		 "  }\n"
		 ");\n",
		 path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 9,
		     "jurisdiction 'xx': unknown calendar 'mars'");
	assert_int_equal(errs.count, 1);
}

static void test_error_bad_unit(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;
	load_bad("unit.conf",
		 CAL_LINES LAW_HEAD
		 "    calendar = \"cal\";\n"	  /* 9 */
		 "    initial = {\n"		  /* 10 */
		 "      days = 5;\n"		  /* 11 */
		 "      unit = \"fortnights\";\n" /* 12 */
		 "    };\n"
		 "    expedited = { days = 5; unit = \"working\";\n"  /* 14 */
		 "                  extension_unit = \"hours\"; };\n" /* 15 */
		 "  }\n"
		 ");\n",
		 path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 12,
		     "unknown unit 'fortnights' (expected working, calendar)");
	expect_error(&errs, 1, path, 15,
		     "unknown extension_unit 'hours' (expected working, "
		     "calendar)");
	assert_int_equal(errs.count, 2);
}

static void test_error_duplicate_code(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;
	load_bad(
		"dup.conf",
		CAL_LINES LAW_HEAD
		"    calendar = \"cal\";\n"			     /* 9 */
		"    initial = { days = 5; unit = \"working\"; };\n" /* 10 */
		"  },\n"					     /* 11 */
		"  { code = \"xx\"; name = \"Again\"; citation = \"c\";\n" /* 12
									    */
		"    confidence = \"official\"; calendar = \"cal\";\n" /* 13 */
		"    followup_every = 7; }\n"			       /* 14 */
		");\n",
		path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 12,
		     "duplicate jurisdiction 'xx' (first at line 5)");
	assert_int_equal(errs.count, 1);
}

static void test_error_values(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;
	load_bad(
		"values.conf",
		"calendars = (\n"				       /* 1 */
		"  { name = \"cal\";\n"				       /* 2 */
		"    weekend = [\"sat\", \"caturday\"];\n"	       /* 3 */
		"    days_off = ( { date = \"2025-02-30\";\n"	       /* 4 */
		"                   name = \"Nope\"; } );\n"	       /* 5 */
		"    holidays = ( { name = \"H\"; month = 13;\n"       /* 6 */
		"                   day = 1; } ); },\n"		       /* 7 */
		"  { name = \"cal\"; }\n"			       /* 8 */
		");\n"						       /* 9 */
		"jurisdictions = (\n"				       /* 10 */
		"  { code = \"xx\"; name = \"X\"; citation = \"c\";\n" /* 11 */
		"    confidence = \"certain\";\n"		       /* 12 */
		"    calendar = \"cal\";\n"			       /* 13 */
		"    initial = { days = -1; unit = \"working\";\n"     /* 14 */
		"                extension = \"lots\"; };\n"	       /* 15 */
		"    followup_every = 3;\n"			       /* 16 */
		"    agencies = ( { agency = \"EPA\"; cutoff = \"5pm\"; } );\n" /* 17 */
		"  }\n"
		");\n",
		path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 3,
		     "unknown weekday 'caturday' in 'weekend' (expected mon, "
		     "tue, wed, thu, fri, sat, sun)");
	expect_error(&errs, 1, path, 6,
		     "'month' must be a whole number from 1 to 12");
	expect_error(&errs, 2, path, 4,
		     "invalid date '2025-02-30' (expected YYYY-MM-DD)");
	expect_error(&errs, 3, path, 8,
		     "duplicate calendar 'cal' (first at line 2)");
	expect_error(&errs, 4, path, 12,
		     "unknown confidence 'certain' (expected statute, "
		     "official, secondary, unverified)");
	expect_error(&errs, 5, path, 14,
		     "'initial.days' must be a whole number from 0 to 36600");
	expect_error(&errs, 6, path, 15,
		     "'initial.extension' must be a number of days from 0 to "
		     "36600 or \"uncapped\"");
	expect_error(&errs, 7, path, 16,
		     "'followup_every' is for a law with no 'initial' clock");
	expect_error(&errs, 8, path, 17,
		     "invalid cutoff '5pm' (expected HH:MM, such as "
		     "\"17:00\")");
	assert_int_equal(errs.count, 9);
}

static void test_error_shapes(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs;

	load_bad("noroot.conf", "calendars = ();\nextra = 1;\n", path,
		 sizeof(path), &errs);
	expect_error(&errs, 0, path, 2, "unknown top-level setting 'extra'");
	expect_error(&errs, 1, path, 0,
		     "expected jurisdictions = ( { code = ...; }, ... );");
	assert_int_equal(errs.count, 2);

	load_bad(
		"holiday.conf",
		"calendars = (\n"					 /* 1 */
		"  { name = \"cal\"; holidays = (\n"			 /* 2 */
		"    { name = \"A\"; month = 5; },\n"			 /* 3 */
		"    { name = \"B\"; month = 5; weekday = \"mon\"; },\n" /* 4 */
		"    { name = \"C\"; easter = 1; month = 4; },\n"	 /* 5 */
		"    { name = \"D\"; month = 5; day = 1; every = 4; },\n" /* 6
									   */
		"    { name = \"E\"; month = 5; day = 1; from = 2000;\n" /* 7 */
		"      except = [1999]; },\n"				 /* 8 */
		"    { name = \"F\"; month = 5; day = 1;\n"		 /* 9 */
		"      observe = \"sideways\"; }\n" /* 10 */
		"  ); }\n"
		");\n"
		"jurisdictions = ();\n",
		path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 3,
		     "holiday 'A' needs either 'day' or 'weekday'");
	expect_error(&errs, 1, path, 4,
		     "holiday 'B' needs either 'nth = 1..5' or 'last = true'");
	expect_error(&errs, 2, path, 5,
		     "holiday 'C': 'easter' takes no month, day, weekday, nth, "
		     "last or offset");
	expect_error(&errs, 3, path, 6,
		     "holiday 'D': 'every' needs 'from', the first year");
	expect_error(&errs, 4, path, 8,
		     "'except' years must be whole numbers from 2000 to 2199 "
		     "(the holiday's years)");
	expect_error(&errs, 5, path, 10,
		     "unknown observe 'sideways' (expected none, federal, "
		     "next-monday, sunday-next, substitute)");
	assert_int_equal(errs.count, 6);

	load_bad("override.conf",
		 CAL_LINES LAW_HEAD
		 "    calendar = \"cal\"; followup_every = 5;\n"      /* 9 */
		 "    agencies = (\n"				      /* 10 */
		 "      { agency = \"EPA\"; },\n"		      /* 11 */
		 "      { agency = \"doj\"; appeal_window = 60; },\n" /* 12 */
		 "      { agency = \"A\"; cutoff = \"17:00\"; },\n"   /* 13 */
		 "      { agency = \"a\"; cutoff = \"09:30\"; }\n"    /* 14 */
		 "    );\n"
		 "  }\n"
		 ");\n",
		 path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 11,
		     "agency override 'EPA' changes nothing");
	expect_error(&errs, 1, path, 12,
		     "'appeal_window' override for a law with no "
		     "appeal_window clock");
	expect_error(&errs, 2, path, 14, "duplicate agency override 'a'");
	assert_int_equal(errs.count, 3);

	load_bad(
		"missing-things.conf",
		"calendars = ( { name = \"cal\"; builtin = \"us-state\"; },\n" /* 1 */
		"  { name = \"c2\"; dc_area = true; } );\n"  /* 2 */
		"jurisdictions = ( { code = \"xx\"; } );\n", /* 3 */
		path, sizeof(path), &errs);
	expect_error(&errs, 0, path, 1,
		     "unknown builtin calendar 'us-state' (expected "
		     "us-federal)");
	expect_error(&errs, 1, path, 2,
		     "'dc_area' needs builtin = \"us-federal\"");
	expect_error(&errs, 2, path, 3, "jurisdiction 'xx' needs a 'name'");
	expect_error(&errs, 3, path, 3, "jurisdiction 'xx' needs a 'citation'");
	expect_error(&errs, 4, path, 3,
		     "jurisdiction 'xx' needs a 'confidence' (statute, "
		     "official, secondary or unverified)");
	expect_error(&errs, 5, path, 3, "jurisdiction 'xx' needs a 'calendar'");
	assert_int_equal(errs.count, 6);
}

static void test_error_missing_file(void **state)
{
	(void)state;
	char path[PATH_MAX + 32];
	struct jurisdictions j;
	struct config_errors errs = {0};
	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	assert_int_equal(config_load_jurisdictions(path, &j, &errs), -1);
	expect_error(&errs, 0, path, 0,
		     "cannot read: No such file or directory");
	assert_int_equal(j.n, 0);
	/* A NULL error list is allowed. */
	assert_int_equal(config_load_jurisdictions(path, &j, NULL), -1);
}

/* Calendar features: builtin plus additions, substitute, except, offsets,
 * weekends, closures. */
static void test_calendar_features(void **state)
{
	(void)state;
	char path[PATH_MAX], err[256];
	struct jurisdictions j;
	struct config_errors errs = {0};
	write_file(
		path, sizeof(path), "features.conf",
		"calendars = (\n"
		"  { name = \"fed-plus\"; builtin = \"us-federal\";\n"
		"    closures = false;\n"
		"    holidays = ( { name = \"Day after Thanksgiving\";\n"
		"      month = 11; weekday = \"thu\"; nth = 4; offset = 1; } "
		");\n"
		"    days_off = ( { date = \"2025-07-03\"; name = \"Office "
		"closed\";\n"
		"                   closure = true; },\n"
		"                 { date = \"2025-07-07\"; name = "
		"\"Imported\"; "
		"} ); },\n"
		"  { name = \"fri-sat\"; weekend = [\"fri\", \"sat\"];\n"
		"    holidays = (\n"
		"      { name = \"Xmas\"; month = 12; day = 25; observe = "
		"\"substitute\"; },\n"
		"      { name = \"Boxing\"; month = 12; day = 26; observe = "
		"\"substitute\"; },\n"
		"      { name = \"May Monday\"; month = 5; weekday = \"mon\"; "
		"nth = 1;\n"
		"        except = [2020, 2022]; from = 2000; until = 2030; },\n"
		"      { name = \"Victoria\"; month = 5; weekday = \"mon\"; "
		"last "
		"= true;\n"
		"        offset = -7; },\n"
		"      { name = \"Whit\"; easter = 50; },\n"
		"      { name = \"Quad\"; month = 3; day = 3; from = 2001; "
		"every "
		"= 4; } ); }\n"
		");\n"
		"jurisdictions = (\n"
		"  { code = \"aa\"; name = \"A\"; citation = \"a\"; confidence "
		"= "
		"\"official\";\n"
		"    calendar = \"fri-sat\"; own_calendar = true;\n"
		"    initial = { days = 30; unit = \"calendar\"; roll_forward "
		"= "
		"true;\n"
		"                extension = \"uncapped\"; receipt_is_day1 = "
		"true; "
		"};\n"
		"    appeal_window = { days = 60; unit = \"calendar\"; };\n"
		"    agencies = ( { agency = \"X.Y-1\"; appeal_window = 30; "
		"receipt_is_day1 = false; } );\n"
		"    mail_days = 3; notes = \"n\"; },\n"
		"  { code = \"bb\"; name = \"B\"; citation = \"b\"; confidence "
		"= "
		"\"unverified\";\n"
		"    calendar = \"fed-plus\"; own_calendar = false; }\n"
		");\n");
	if (config_load_jurisdictions(path, &j, &errs) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			print_error("%s\n", errs.text[i]);
		fail();
	}
	assert_int_equal(jurisdictions_build(&j, err, sizeof(err)), WORKCAL_OK);

	const struct jurisdiction *a = jurisdiction_find(&j, "aa");
	assert_int_equal(a->initial.rule.ext_max, -1);
	assert_int_equal(a->initial.rule.ext_unit, DEADLINE_CALENDAR_DAYS);
	assert_true(a->initial.rule.receipt_is_day1);
	assert_true(a->initial.rule.roll_forward);
	assert_int_equal(a->mail_days, 3);
	assert_string_equal(a->notes, "n");
	const struct juris_override *o = jurisdiction_override(a, "x.y-1");
	assert_non_null(o);
	assert_true(o->has_appeal_window);
	assert_int_equal(o->appeal_window_days, 30);
	assert_true(o->has_receipt_is_day1);
	assert_false(o->receipt_is_day1);
	assert_false(o->has_cutoff);

	const struct jurisdiction *b = jurisdiction_find(&j, "bb");
	assert_false(b->initial.set);
	assert_int_equal(b->followup_every, 10); /* the default */
	assert_false(b->own_calendar);

	const struct workcal *fp = jurisdiction_calendar(&j, b)->cal;
	expect_off(fp, "2025-11-28", "Day after Thanksgiving");
	expect_off(fp, "2025-11-27", "Thanksgiving Day");
	expect_on(fp, "2025-07-03"); /* closure dropped: closures = false */
	expect_off(fp, "2025-07-07", "Imported");
	expect_on(fp, "2025-12-24"); /* no executive-order closures */
	expect_off(fp, "2025-07-04", "Independence Day");

	const struct workcal *fs = jurisdiction_calendar(&j, a)->cal;
	/* Friday and Saturday are the weekend; Sunday works. */
	expect_on(fs, "2025-06-01");
	assert_false(working(fs, "2025-06-06"));
	/* Christmas 2026 is a Friday: Sunday 27 is the substitute, and
	 * Boxing Day (Saturday) moves to Monday 28. */
	expect_off(fs, "2026-12-27", "Xmas (substitute day)");
	expect_off(fs, "2026-12-28", "Boxing (substitute day)");
	expect_on(fs, "2026-12-29");
	/* Christmas 2025 is a Thursday, Boxing Day a Friday (weekend):
	 * Sunday 28 December. */
	expect_off(fs, "2025-12-25", "Xmas");
	expect_off(fs, "2025-12-28", "Boxing (substitute day)");
	/* except: not in 2020 and 2022; from/until bound it. */
	expect_off(fs, "2021-05-03", "May Monday");
	expect_on(fs, "2020-05-04");
	expect_on(fs, "2022-05-02");
	expect_off(fs, "2023-05-01", "May Monday");
	expect_on(fs, "1999-05-03");
	expect_on(fs, "2031-05-05");
	expect_off(fs, "2025-05-19", "Victoria");
	expect_off(fs, "2025-06-09", "Whit");
	expect_off(fs, "2025-03-03", "Quad");
	expect_on(fs, "2026-03-03");
	jurisdictions_free(&j);
}

/* A calendar workcal refuses: the build names it and leaves nothing
 * built. */
static void test_build_failure(void **state)
{
	(void)state;
	char path[PATH_MAX], err[256];
	struct jurisdictions j;
	struct config_errors errs = {0};
	write_file(
		path, sizeof(path), "build.conf",
		"calendars = ( { name = \"good\"; },\n"
		"  { name = \"bad\"; holidays = ( { name = \"H\"; month = 1; "
		"day = 1; } ); } );\n"
		"jurisdictions = ( { code = \"xx\"; name = \"X\"; citation = "
		"\"c\";\n"
		"  confidence = \"statute\"; calendar = \"good\"; } );\n");
	assert_int_equal(config_load_jurisdictions(path, &j, &errs), 0);
	j.calendars[1].rules[0].month = 13; /* past the loader's checks */
	assert_int_equal(jurisdictions_build(&j, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err,
			    "calendar 'bad': holiday rule 'H': month 13 out "
			    "of range");
	assert_null(j.calendars[0].cal);
	assert_null(j.calendars[1].cal);

	/* A law naming a calendar that is not there. */
	j.calendars[1].rules[0].month = 1;
	free(j.v[0].calendar);
	j.v[0].calendar = strdup("gone");
	assert_non_null(j.v[0].calendar);
	assert_int_equal(jurisdictions_build(&j, err, sizeof(err)),
			 WORKCAL_EINVAL);
	assert_string_equal(err, "jurisdiction 'xx': unknown calendar 'gone'");
	jurisdictions_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_loads_and_builds),
		cmocka_unit_test(test_every_code_present),
		cmocka_unit_test(test_federal_equals_builtins),
		cmocka_unit_test(test_federal_calendar_is_builtin),
		cmocka_unit_test(test_worked_examples),
		cmocka_unit_test(test_spot_checks),
		cmocka_unit_test(test_uk_calendar),
		cmocka_unit_test(test_sv_calendar),
		cmocka_unit_test(test_other_calendars),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_free_zeroed),
		cmocka_unit_test(test_minimal_file),
		cmocka_unit_test(test_error_syntax),
		cmocka_unit_test(test_error_unknown_key),
		cmocka_unit_test(test_error_unknown_calendar),
		cmocka_unit_test(test_error_bad_unit),
		cmocka_unit_test(test_error_duplicate_code),
		cmocka_unit_test(test_error_values),
		cmocka_unit_test(test_error_shapes),
		cmocka_unit_test(test_error_missing_file),
		cmocka_unit_test(test_calendar_features),
		cmocka_unit_test(test_build_failure),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
