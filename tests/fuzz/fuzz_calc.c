/*
 * fuzz_calc.c: libFuzzer target for the deadline engine (daemon/deadline.c)
 * on the federal calendar (daemon/workcal.c).
 *
 * The input bytes choose a calendar (closures on or off, DC area), a rule
 * (one of the federal built-ins, or one made of fuzzed fields, bad ones
 * included), a receipt date (in the span or anywhere), cut-off and
 * misrouting, up to eight tolls, an extension, an agreed date, and a step
 * buffer of any size or none. deadline_compute must not crash, must return
 * one of its three codes with a message on error, must give the same
 * result with and without steps, and a due date it computes must be a
 * working day whenever the rule's last unit is working days or it rolls
 * forward; the steps must format without overrunning.
 *
 * One exception is left out on purpose: a rule of 0 working days (which
 * jurisdictions.conf accepts) gives the start date itself, weekend or not.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "foia/civil.h"
#include "workcal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_TOLLS 8
#define MAX_STEPS 40

struct reader {
	const uint8_t *p;
	size_t n;
};

/* Little-endian, zeros once the input runs out. */
static uint32_t take(struct reader *r, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		uint32_t b = 0;
		if (r->n > 0) {
			b = *r->p++;
			r->n--;
		}
		v |= b << (8 * i);
	}
	return v;
}

static void check(bool ok)
{
	if (!ok)
		abort();
}

static struct workcal *cals[3];

static const struct workcal *calendar(unsigned k)
{
	if (cals[k] == NULL) {
		struct workcal_spec spec;
		check(workcal_federal_spec(&spec, k != 1, k == 2, 1990, 2100) ==
		      WORKCAL_OK);
		check(workcal_new(&spec, &cals[k], NULL, 0) == WORKCAL_OK);
	}
	return cals[k];
}

/* A date: near `base` most of the time, anywhere at all sometimes. */
static int32_t date_near(struct reader *r, int32_t base)
{
	const uint32_t mode = take(r, 1);
	if (mode < 8)
		return (int32_t)take(r, 4);
	/* Wrapping: base itself may be any int32_t. */
	return (int32_t)((uint32_t)base +
			 (uint32_t)((int16_t)take(r, 2) % 400));
}

static bool same(const struct deadline_result *a,
		 const struct deadline_result *b)
{
	return a->state == b->state && a->due == b->due &&
	       a->overdue_from == b->overdue_from && a->agreed == b->agreed &&
	       a->computed == b->computed &&
	       a->computed_due == b->computed_due && a->start == b->start &&
	       a->period == b->period && a->used == b->used &&
	       a->tolled == b->tolled && a->stopped_on == b->stopped_on &&
	       a->has_exhaustion == b->has_exhaustion &&
	       a->exhaustion == b->exhaustion &&
	       a->has_limitations == b->has_limitations &&
	       a->limitations == b->limitations;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = {data, size};
	const struct workcal *cal = calendar(take(&r, 1) % 3);
	const int32_t lo = workcal_first_day(cal), hi = workcal_last_day(cal);

	struct deadline_rule rule;
	const uint32_t which = take(&r, 1) % 6;
	if (which == 0)
		rule = deadline_federal_initial;
	else if (which == 1)
		rule = deadline_federal_appeal;
	else if (which == 2)
		rule = deadline_federal_expedited;
	else if (which == 3)
		rule = deadline_federal_appeal_window;
	else {
		const uint32_t flags = take(&r, 1);
		memset(&rule, 0, sizeof(rule));
		rule.what = which == 4 ? "fuzzed rule" : NULL;
		rule.unit = (enum deadline_unit)(take(&r, 1) % 3);
		rule.days = (int16_t)take(&r, 2);
		rule.roll_forward = flags & 1;
		rule.receipt_is_day1 = flags & 2;
		rule.cutoff_next_day = flags & 4;
		rule.one_info_toll = flags & 8;
		rule.exhaustion = flags & 16;
		rule.misroute_cap = (int16_t)take(&r, 2);
		rule.ext_unit = (enum deadline_unit)(take(&r, 1) % 3);
		rule.ext_max = (int16_t)take(&r, 2);
		rule.limitations_years = (int8_t)take(&r, 1);
	}

	struct deadline_toll tolls[MAX_TOLLS];
	struct deadline_input in;
	memset(&in, 0, sizeof(in));
	const uint32_t flags = take(&r, 1);
	in.received =
		(flags & 1)
			? (int32_t)take(&r, 4)
			: lo + (int32_t)(take(&r, 4) % (uint32_t)(hi - lo + 1));
	in.after_cutoff = flags & 2;
	in.misrouted = flags & 4;
	if (in.misrouted)
		in.first_received = date_near(&r, in.received);
	in.agreed = flags & 8;
	if (in.agreed)
		in.agreed_due = date_near(&r, in.received);
	in.extension =
		(flags & 16) ? (int32_t)take(&r, 4) : (int)(take(&r, 1) % 40);
	in.n_tolls = take(&r, 1) % (MAX_TOLLS + 1);
	in.tolls = (flags & 32) && in.n_tolls == 0 ? NULL : tolls;
	for (size_t i = 0; i < in.n_tolls; i++) {
		const uint32_t tf = take(&r, 1);
		tolls[i].kind = (enum deadline_toll_kind)(tf % 3);
		tolls[i].open = (tf & 0x80) != 0;
		tolls[i].asked = date_near(&r, in.received);
		tolls[i].answered = date_near(&r, tolls[i].asked);
	}
	const size_t cap = take(&r, 1) % (MAX_STEPS + 1);
	const bool use_steps = (flags & 64) != 0;

	struct deadline_step v[MAX_STEPS];
	struct deadline_steps st = {.v = v, .cap = cap};
	struct deadline_result res, again;
	char err[256] = "";
	const int rc =
		deadline_compute(cal, &rule, &in, &res, use_steps ? &st : NULL,
				 err, sizeof(err));
	check(rc == WORKCAL_OK || rc == WORKCAL_ERANGE || rc == WORKCAL_EINVAL);
	check(memchr(err, '\0', sizeof(err)) != NULL);
	if (rc != WORKCAL_OK) {
		check(err[0] != '\0');
		return 0;
	}

	/* The same answer whether or not the steps are asked for. */
	struct deadline_step v2[MAX_STEPS];
	struct deadline_steps st2 = {.v = v2, .cap = MAX_STEPS};
	check(deadline_compute(cal, &rule, &in, &again, use_steps ? NULL : &st2,
			       NULL, 0) == WORKCAL_OK);
	check(same(&res, &again));

	if (res.state == DEADLINE_STOPPED) {
		check(!res.computed && res.used < res.period);
	} else {
		check(res.state == DEADLINE_DUE);
		check(res.overdue_from == res.due + 1);
		check(!res.has_limitations || res.limitations > res.exhaustion);
		if (in.agreed)
			check(res.due == in.agreed_due);
		/* An agreed date stands even while a toll stops the
		 * clock; then there is no computed one. */
		check(res.computed || in.agreed);
		const enum deadline_unit last =
			in.extension > 0 && rule.ext_unit != rule.unit
				? rule.ext_unit
				: rule.unit;
		if (res.computed && res.period > 0) {
			check(workcal_in_span(cal, res.computed_due));
			check(res.computed_due >= res.start);
			if (last == DEADLINE_WORKING_DAYS ||
			    rule.roll_forward) {
				bool w = false;
				check(workcal_is_working_day(cal,
							     res.computed_due,
							     &w) == WORKCAL_OK);
				check(w);
			}
		}
	}

	if (use_steps) {
		check(st.n <= cap && st.total >= st.n);
		static char text[MAX_STEPS * 400];
		const size_t need = deadline_format_steps(v, st.n, NULL, 0);
		const size_t len = take(&r, 2) % sizeof(text);
		check(deadline_format_steps(v, st.n, text, len) == need);
		if (len > 0)
			check(strlen(text) == (need < len ? need : len - 1));
	}
	return 0;
}
