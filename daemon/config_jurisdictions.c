/*
 * config_jurisdictions.c: reads config/jurisdictions.conf (libconfig) into
 * struct jurisdictions (jurisdiction.h): the working calendars and the laws
 * with their clocks and per-agency overrides. The format is documented at
 * the top of config/jurisdictions.conf.
 *
 * Strict like config.c: an unknown setting, a value of the wrong type, an
 * unknown name (unit, confidence, weekday, observance) or a reference to a
 * calendar that does not exist is an error reported as "file:line: message",
 * and every error in the file is reported, not only the first. A deadline
 * computed from a half-read law would be worse than no deadline, so on any
 * error the caller gets nothing.
 *
 * The loader also turns the file's calendars into complete workcal specs
 * (jurisdictions_build only indexes them): a `builtin = "us-federal"`
 * calendar gets a copy of the 5 U.S.C. 6103 rules and closures of
 * workcal.c, a holiday with `except` years is split into rules with year
 * ranges, and holidays observed "substitute" (the British and Canadian
 * rule: a holiday on a weekend day moves to the next working day that is not
 * already a holiday, which workcal's fixed observance shifts cannot say)
 * are expanded here into one-off days over the calendar span.
 */
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "foia/civil.h"
#include "grow.h"
#include "jurisdiction.h"
#include "validate.h"

/* Holiday names leave room for " (substitute day)" within
 * WORKCAL_MAX_NAME. */
#define NAME_MAX_BYTES	  160
#define TEXT_MAX_BYTES	  4096
#define MAX_EXCEPT	  64
#define DEFAULT_FOLLOWUP  10 /* calendar days, when the law sets no period */
#define DEFAULT_MAIL_DAYS 5
#define MAX_FOLLOWUP	  365
#define MAX_MAIL_DAYS	  60
#define MAX_LIMITATIONS	  100
#define SUBSTITUTE_SUFFIX " (substitute day)"

struct loader {
	const char *file;
	struct config_errors *errs;
	size_t bad; /* errors found, even past CONFIG_MAX_ERRORS */
	struct jurisdictions *j;
	int *cal_lines; /* source line of each calendar */
	int *law_lines; /* source line of each law */
};

__attribute__((format(printf, 3, 4))) static void
fail(struct loader *L, config_setting_t *s, const char *fmt, ...)
{
	char msg[CONFIG_ERROR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_error_add(L->errs, L->file,
			 s ? (int)config_setting_source_line(s) : 0, "%s", msg);
	L->bad++;
}

static void nomem(struct loader *L)
{
	fail(L, NULL, "out of memory");
}

/* --- typed access ------------------------------------------------------ */

/* "initial.days" or "days": how a setting is named in messages. */
static const char *label(const char *ctx, const char *key, char *buf,
			 size_t len)
{
	if (!ctx)
		return key;
	snprintf(buf, len, "%s.%s", ctx, key);
	return buf;
}

/* Every member of g must be one of keys (NULL-terminated). */
static void check_keys(struct loader *L, config_setting_t *g, const char *what,
		       const char *const *keys)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k = 0;
		while (keys[k] && strcmp(keys[k], name) != 0)
			k++;
		if (!keys[k])
			fail(L, m, "unknown %s setting '%s'", what, name);
	}
}

/* The getters return 1 when the setting is there and valid, 0 when it is
 * absent, -1 when it is there but wrong (already reported). */

static int get_string(struct loader *L, config_setting_t *g, const char *ctx,
		      const char *key, const char **out)
{
	char buf[128];
	config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return 0;
	const char *v = config_setting_get_string(s);
	if (!v) {
		fail(L, s, "'%s' must be a string",
		     label(ctx, key, buf, sizeof(buf)));
		return -1;
	}
	*out = v;
	return 1;
}

/* A one-line text of 1..limit bytes. */
static int get_text(struct loader *L, config_setting_t *g, const char *ctx,
		    const char *key, size_t limit, const char **out)
{
	char buf[128], err[256];
	const char *v;
	int rc = get_string(L, g, ctx, key, &v);
	if (rc <= 0)
		return rc;
	config_setting_t *s = config_setting_get_member(g, key);
	const char *name = label(ctx, key, buf, sizeof(buf));
	if (*v == '\0') {
		fail(L, s, "'%s' must not be empty", name);
		return -1;
	}
	if (!check_text(name, v, limit, false, err, sizeof(err))) {
		fail(L, s, "%s", err);
		return -1;
	}
	*out = v;
	return 1;
}

static int get_int(struct loader *L, config_setting_t *g, const char *ctx,
		   const char *key, int min, int max, int *out)
{
	char buf[128];
	config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return 0;
	long long v = 0;
	bool ok = false;
	if (config_setting_type(s) == CONFIG_TYPE_INT) {
		v = config_setting_get_int(s);
		ok = true;
	} else if (config_setting_type(s) == CONFIG_TYPE_INT64) {
		v = config_setting_get_int64(s);
		ok = true;
	}
	if (!ok || v < min || v > max) {
		fail(L, s, "'%s' must be a whole number from %d to %d",
		     label(ctx, key, buf, sizeof(buf)), min, max);
		return -1;
	}
	*out = (int)v;
	return 1;
}

static int get_bool(struct loader *L, config_setting_t *g, const char *ctx,
		    const char *key, bool *out)
{
	char buf[128];
	config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL) {
		fail(L, s, "'%s' must be true or false",
		     label(ctx, key, buf, sizeof(buf)));
		return -1;
	}
	*out = config_setting_get_bool(s) != 0;
	return 1;
}

/* One of names (NULL-terminated); *out = its index. */
static int get_enum(struct loader *L, config_setting_t *g, const char *key,
		    const char *what, const char *const *names, int *out)
{
	const char *v;
	char err[256];
	int rc = get_string(L, g, NULL, key, &v);
	if (rc <= 0)
		return rc;
	if (!check_enum(what, v, names, err, sizeof(err))) {
		fail(L, config_setting_get_member(g, key), "%s", err);
		return -1;
	}
	for (int i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			*out = i;
	return 1;
}

/* A list "( ... )" or array "[ ... ]" named key; NULL (reported) if it is
 * something else, NULL (silently) if absent. */
static config_setting_t *get_list(struct loader *L, config_setting_t *g,
				  const char *key, const char *shape)
{
	config_setting_t *s = config_setting_get_member(g, key);
	if (!s)
		return NULL;
	if (!config_setting_is_list(s) && !config_setting_is_array(s)) {
		fail(L, s, "'%s' must be a list: %s", key, shape);
		return NULL;
	}
	return s;
}

static const char *const weekday_names[] = {"mon", "tue", "wed", "thu",
					    "fri", "sat", "sun", NULL};

/* --- calendars --------------------------------------------------------- */

/* A calendar being filled: c's tables grow here, subst[] parallels
 * c->rules (its own capacity, so that each array grows by grow_array). */
struct calbuild {
	struct juris_calendar *c;
	size_t cap_rules, cap_oneoffs, cap_subst;
	bool *subst;
};

static int push_rule(struct calbuild *b, const struct workcal_rule *r,
		     bool subst)
{
	struct juris_calendar *c = b->c;
	if (!grow_array((void **)&c->rules, &b->cap_rules, c->spec.n_rules + 1,
			sizeof(*c->rules)))
		return -1;
	c->spec.rules = c->rules;
	if (!grow_array((void **)&b->subst, &b->cap_subst, c->spec.n_rules + 1,
			sizeof(*b->subst)))
		return -1;
	char *name = strdup(r->name);
	if (!name)
		return -1;
	c->rules[c->spec.n_rules] = *r;
	c->rules[c->spec.n_rules].name = name;
	b->subst[c->spec.n_rules] = subst;
	c->spec.n_rules++;
	return 0;
}

static int push_oneoff(struct calbuild *b, int32_t date, const char *name,
		       bool closure)
{
	struct juris_calendar *c = b->c;
	if (!grow_array((void **)&c->oneoffs, &b->cap_oneoffs,
			c->spec.n_oneoffs + 1, sizeof(*c->oneoffs)))
		return -1;
	c->spec.oneoffs = c->oneoffs;
	char *copy = strdup(name);
	if (!copy)
		return -1;
	c->oneoffs[c->spec.n_oneoffs++] = (struct workcal_oneoff){
		.date = date, .name = copy, .closure = closure};
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	const int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* except = [2002, 2012]: sorted, distinct, within the rule's years. */
static int get_except(struct loader *L, config_setting_t *h,
		      const struct workcal_rule *r, int *years, size_t *n)
{
	config_setting_t *s =
		get_list(L, h, "except", "except = [2002, 2012];");
	*n = 0;
	if (!s)
		return config_setting_get_member(h, "except") ? -1 : 0;
	const int lo = r->first_year ? r->first_year : CIVIL_MIN_YEAR;
	const int hi = r->last_year ? r->last_year : CIVIL_MAX_YEAR;
	const int len = config_setting_length(s);
	if (len > MAX_EXCEPT) {
		fail(L, s, "'except' lists more than %d years", MAX_EXCEPT);
		return -1;
	}
	for (int i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_INT ||
		    config_setting_get_int(e) < lo ||
		    config_setting_get_int(e) > hi) {
			fail(L, e,
			     "'except' years must be whole numbers from %d "
			     "to %d (the holiday's years)",
			     lo, hi);
			return -1;
		}
		years[(*n)++] = config_setting_get_int(e);
	}
	qsort(years, *n, sizeof(*years), cmp_int);
	for (size_t i = 1; i < *n; i++)
		if (years[i] == years[i - 1]) {
			fail(L, s, "'except' lists %d twice", years[i]);
			return -1;
		}
	return 1;
}

/* Push r once per year range left between the except years. */
static int push_split(struct calbuild *b, const struct workcal_rule *r,
		      bool subst, const int *except, size_t n)
{
	struct workcal_rule part = *r;
	int start = r->first_year;
	for (size_t i = 0; i < n; i++) {
		if (start == 0 || start <= except[i] - 1) {
			part.first_year = start;
			part.last_year = except[i] - 1;
			if (push_rule(b, &part, subst) < 0)
				return -1;
		}
		start = except[i] + 1;
	}
	if (r->last_year == 0 || start <= r->last_year) {
		part.first_year = start;
		part.last_year = r->last_year;
		if (push_rule(b, &part, subst) < 0)
			return -1;
	}
	return 0;
}

enum { OBSERVE_SUBSTITUTE = 4 };

static const char *const observe_names[] = {
	"none", "federal", "next-monday", "sunday-next", "substitute", NULL};

/* Which date the rule gives: a fixed day, an n-th or last weekday, or an
 * Easter offset. */
static bool holiday_kind(struct loader *L, config_setting_t *h,
			 const char *name, struct workcal_rule *r)
{
	const bool has_easter = config_setting_get_member(h, "easter");
	const bool has_day = config_setting_get_member(h, "day");
	const bool has_wd = config_setting_get_member(h, "weekday");
	const bool has_nth = config_setting_get_member(h, "nth");
	const bool has_last = config_setting_get_member(h, "last");
	const bool has_month = config_setting_get_member(h, "month");
	const bool has_offset = config_setting_get_member(h, "offset");
	int wd = 0;
	bool last = false;

	if (has_easter) {
		if (has_day || has_wd || has_nth || has_last || has_month ||
		    has_offset) {
			fail(L, h,
			     "holiday '%s': 'easter' takes no month, day, "
			     "weekday, nth, last or offset",
			     name);
			return false;
		}
		r->kind = WORKCAL_EASTER;
		return get_int(L, h, NULL, "easter", -366, 366, &r->offset) > 0;
	}
	if (get_int(L, h, NULL, "month", 1, 12, &r->month) <= 0) {
		if (!has_month)
			fail(L, h, "holiday '%s' needs 'month' (or 'easter')",
			     name);
		return false;
	}
	if (has_day == has_wd) {
		fail(L, h, "holiday '%s' needs either 'day' or 'weekday'",
		     name);
		return false;
	}
	if (has_day) {
		if (has_nth || has_last) {
			fail(L, h,
			     "holiday '%s': 'nth' and 'last' go with "
			     "'weekday', not 'day'",
			     name);
			return false;
		}
		r->kind = WORKCAL_FIXED;
		/* 2000 is a leap year: Feb 29 is accepted and skipped in
		 * other years. */
		return get_int(L, h, NULL, "day", 1,
			       civil_days_in_month(2000, r->month),
			       &r->day) > 0;
	}
	if (get_enum(L, h, "weekday", "weekday", weekday_names, &wd) <= 0)
		return false;
	r->weekday = wd;
	if (has_last && get_bool(L, h, NULL, "last", &last) < 0)
		return false;
	if (has_nth == last) {
		fail(L, h,
		     "holiday '%s' needs either 'nth = 1..5' or 'last = true'",
		     name);
		return false;
	}
	if (has_nth) {
		r->kind = WORKCAL_NTH_WEEKDAY;
		return get_int(L, h, NULL, "nth", 1, 5, &r->nth) > 0;
	}
	r->kind = WORKCAL_LAST_WEEKDAY;
	return true;
}

static void parse_holiday(struct loader *L, struct calbuild *b,
			  config_setting_t *h)
{
	static const char *const keys[] = {
		"name",	 "month",  "day",    "weekday", "nth",
		"last",	 "easter", "offset", "observe", "from",
		"until", "every",  "except", NULL};
	struct workcal_rule r = {0};
	const char *name = NULL;
	int observe = 0, except[MAX_EXCEPT];
	size_t n_except = 0;
	const size_t before = L->bad;

	if (!config_setting_is_group(h)) {
		fail(L, h, "each holiday must be a { ... } group");
		return;
	}
	check_keys(L, h, "holiday", keys);
	if (get_text(L, h, NULL, "name", NAME_MAX_BYTES, &name) == 0)
		fail(L, h, "a holiday needs a 'name'");
	if (!name)
		return;
	r.name = name;
	if (!holiday_kind(L, h, name, &r))
		return;
	get_int(L, h, NULL, "offset", -366, 366, &r.offset);
	get_enum(L, h, "observe", "observe", observe_names, &observe);
	get_int(L, h, NULL, "from", CIVIL_MIN_YEAR, CIVIL_MAX_YEAR,
		&r.first_year);
	get_int(L, h, NULL, "until", CIVIL_MIN_YEAR, CIVIL_MAX_YEAR,
		&r.last_year);
	if (r.first_year && r.last_year && r.first_year > r.last_year)
		fail(L, h, "holiday '%s': 'from' %d is after 'until' %d", name,
		     r.first_year, r.last_year);
	if (get_int(L, h, NULL, "every", 1, 100, &r.every) > 0 && r.every > 1 &&
	    r.first_year == 0)
		fail(L, h, "holiday '%s': 'every' needs 'from', the first year",
		     name);
	if (L->bad != before)
		return;
	if (get_except(L, h, &r, except, &n_except) < 0)
		return;
	if (n_except && r.every > 1) {
		fail(L, h,
		     "holiday '%s': 'except' cannot be combined with "
		     "'every'",
		     name);
		return;
	}
	const bool subst = observe == OBSERVE_SUBSTITUTE;
	r.observe =
		subst ? WORKCAL_OBSERVE_NONE : (enum workcal_observe)observe;
	if (push_split(b, &r, subst, except, n_except) < 0)
		nomem(L);
}

static void parse_day_off(struct loader *L, struct calbuild *b,
			  config_setting_t *d)
{
	static const char *const keys[] = {"date", "name", "closure", NULL};
	const char *name = NULL, *date = NULL;
	bool closure = false;
	int32_t day = 0;
	const size_t before = L->bad;

	if (!config_setting_is_group(d)) {
		fail(L, d, "each day off must be a { ... } group");
		return;
	}
	check_keys(L, d, "day off", keys);
	if (get_text(L, d, NULL, "name", NAME_MAX_BYTES, &name) == 0)
		fail(L, d, "a day off needs a 'name'");
	if (get_string(L, d, NULL, "date", &date) == 0)
		fail(L, d, "a day off needs a 'date'");
	get_bool(L, d, NULL, "closure", &closure);
	if (date && !civil_parse(date, &day)) {
		fail(L, config_setting_get_member(d, "date"),
		     "invalid date '%.40s' (expected YYYY-MM-DD)", date);
		return;
	}
	if (L->bad != before)
		return;
	if (push_oneoff(b, day, name, closure) < 0)
		nomem(L);
}

struct candidate {
	int32_t date;
	size_t rule;
};

static int cmp_candidate(const void *pa, const void *pb)
{
	const struct candidate *a = pa, *b = pb;
	if (a->date != b->date)
		return a->date < b->date ? -1 : 1;
	return (a->rule > b->rule) - (a->rule < b->rule);
}

/* Every date rule i gives over the span, by building a calendar of that
 * rule alone (so the dates are exactly workcal's), appended to *v. */
static int rule_dates(const struct workcal_rule *r, unsigned weekend, size_t i,
		      struct candidate **v, size_t *n, size_t *cap)
{
	struct workcal_spec one = {.weekend = 0,
				   .rules = r,
				   .n_rules = 1,
				   .first_year = JURIS_FIRST_YEAR,
				   .last_year = JURIS_LAST_YEAR};
	struct workcal *cal;
	struct workcal_iter it;
	const struct workcal_holiday *h;

	if (workcal_new(&one, &cal, NULL, 0) != WORKCAL_OK)
		return -1;
	if (workcal_range_holidays(cal, workcal_first_day(cal),
				   workcal_last_day(cal), &it) != WORKCAL_OK) {
		workcal_free(cal);
		return -1;
	}
	while ((h = workcal_iter_next(&it)) != NULL) {
		if (!(weekend & WORKCAL_DAYBIT(civil_weekday(h->date))))
			continue;
		if (!grow_array((void **)v, cap, *n + 1, sizeof(**v))) {
			workcal_free(cal);
			return -1;
		}
		(*v)[(*n)++] = (struct candidate){h->date, i};
	}
	workcal_free(cal);
	return 0;
}

static bool taken(const int32_t *v, size_t n, int32_t d)
{
	for (size_t i = n; i-- > 0;)
		if (v[i] == d)
			return true;
	return false;
}

/*
 * Holidays observed "substitute": each one that falls on a weekend day
 * gets the next day that is a working day of the calendar without
 * substitutes and not already given to an earlier substitute, in date
 * order. Christmas on a Saturday and Boxing Day on a Sunday so become
 * Monday 27 and Tuesday 28 December; Christmas on a Sunday becomes Tuesday
 * 27, Boxing Day keeping Monday 26 (Banking and Financial Dealings Act
 * 1971, Sch. 1, and the proclamations that complete it).
 */
static int add_substitutes(struct calbuild *b, char *err, size_t errlen)
{
	struct juris_calendar *c = b->c;
	struct candidate *cand = NULL;
	size_t n = 0, cap = 0, n_taken = 0;
	int32_t *done = NULL;
	struct workcal *base = NULL;
	int rc = -1;

	for (size_t i = 0; i < c->spec.n_rules; i++)
		if (b->subst[i] && rule_dates(&c->rules[i], c->spec.weekend, i,
					      &cand, &n, &cap) < 0)
			goto out;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	qsort(cand, n, sizeof(*cand), cmp_candidate);
	if (workcal_new(&c->spec, &base, err, errlen) != WORKCAL_OK)
		goto out;
	done = malloc(n * sizeof(*done));
	if (!done)
		goto out;
	for (size_t k = 0; k < n; k++) {
		for (int32_t d = cand[k].date + 1;; d++) {
			bool working;
			if (workcal_is_working_day(base, d, &working) !=
			    WORKCAL_OK)
				break; /* past the span */
			if (!working || taken(done, n_taken, d))
				continue;
			char name[WORKCAL_MAX_NAME + 1];
			snprintf(name, sizeof(name), "%s%s",
				 c->rules[cand[k].rule].name,
				 SUBSTITUTE_SUFFIX);
			if (push_oneoff(b, d, name, false) < 0)
				goto out;
			done[n_taken++] = d;
			break;
		}
	}
	rc = 0;
out:
	workcal_free(base);
	free(done);
	free(cand);
	return rc;
}

static void parse_weekend(struct loader *L, config_setting_t *g, unsigned *mask)
{
	config_setting_t *s =
		get_list(L, g, "weekend", "weekend = [\"sat\", \"sun\"];");
	if (!s)
		return;
	*mask = 0;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_get_string(e);
		int k = 0;
		while (v && weekday_names[k] && strcmp(v, weekday_names[k]))
			k++;
		if (!v || !weekday_names[k]) {
			fail(L, e,
			     "unknown weekday '%s' in 'weekend' (expected "
			     "mon, tue, wed, thu, fri, sat, sun)",
			     v ? v : "?");
			return;
		}
		*mask |= WORKCAL_DAYBIT(k);
	}
	if (*mask == 0x7Fu)
		fail(L, s, "a weekend of all seven days leaves no working day");
}

static bool known_calendar(const struct jurisdictions *j, const char *name,
			   size_t *at)
{
	for (size_t i = 0; i < j->n_calendars; i++)
		if (strcmp(j->calendars[i].name, name) == 0) {
			if (at)
				*at = i;
			return true;
		}
	return false;
}

/* Copy the built-in federal rules and closures into the calendar. */
static int add_builtin(struct calbuild *b, bool dc_area)
{
	const struct workcal_rule *rules;
	const struct workcal_oneoff *days;
	size_t n = workcal_federal_rules(dc_area, &rules);
	for (size_t i = 0; i < n; i++)
		if (push_rule(b, &rules[i], false) < 0)
			return -1;
	n = workcal_federal_closures(&days);
	for (size_t i = 0; i < n; i++)
		if (push_oneoff(b, days[i].date, days[i].name,
				days[i].closure) < 0)
			return -1;
	return 0;
}

static void parse_calendar_body(struct loader *L, struct calbuild *b,
				config_setting_t *g)
{
	struct juris_calendar *c = b->c;
	const char *builtin = NULL;
	bool dc_area = false, closures = true;
	const size_t before = L->bad;

	if (get_string(L, g, NULL, "builtin", &builtin) > 0 &&
	    strcmp(builtin, "us-federal") != 0) {
		fail(L, config_setting_get_member(g, "builtin"),
		     "unknown builtin calendar '%s' (expected us-federal)",
		     builtin);
		return;
	}
	if (get_bool(L, g, NULL, "dc_area", &dc_area) > 0 && !builtin)
		fail(L, config_setting_get_member(g, "dc_area"),
		     "'dc_area' needs builtin = \"us-federal\"");
	if (builtin && config_setting_get_member(g, "weekend"))
		fail(L, config_setting_get_member(g, "weekend"),
		     "the builtin us-federal calendar keeps its weekend");
	get_bool(L, g, NULL, "closures", &closures);
	c->spec.weekend = WORKCAL_WEEKEND_DEFAULT;
	parse_weekend(L, g, &c->spec.weekend);
	c->spec.closures = closures;
	c->spec.first_year = JURIS_FIRST_YEAR;
	c->spec.last_year = JURIS_LAST_YEAR;
	if (builtin && add_builtin(b, dc_area) < 0) {
		nomem(L);
		return;
	}

	config_setting_t *hols = get_list(
		L, g, "holidays", "holidays = ( { name = ...; ... }, ... );");
	for (int i = 0; hols && i < config_setting_length(hols); i++)
		parse_holiday(L, b, config_setting_get_elem(hols, (unsigned)i));
	config_setting_t *days =
		get_list(L, g, "days_off",
			 "days_off = ( { date = ...; name = ...; } );");
	for (int i = 0; days && i < config_setting_length(days); i++)
		parse_day_off(L, b, config_setting_get_elem(days, (unsigned)i));
	if (L->bad != before)
		return;

	char err[256] = "";
	if (add_substitutes(b, err, sizeof(err)) < 0) {
		if (err[0])
			fail(L, g, "calendar '%s': %s", c->name, err);
		else
			nomem(L);
	}
}

static void parse_calendar(struct loader *L, config_setting_t *g)
{
	static const char *const keys[] = {"name",     "builtin", "closures",
					   "dc_area",  "weekend", "holidays",
					   "days_off", NULL};
	struct jurisdictions *j = L->j;
	const char *name = NULL;
	char err[256];
	size_t at;

	if (!config_setting_is_group(g)) {
		fail(L, g, "each calendar must be a { ... } group");
		return;
	}
	check_keys(L, g, "calendar", keys);
	if (get_string(L, g, NULL, "name", &name) == 0)
		fail(L, g, "a calendar needs a 'name'");
	if (!name)
		return;
	if (!check_jurisdiction(name, err, sizeof(err))) {
		fail(L, config_setting_get_member(g, "name"),
		     "invalid calendar name '%.64s' (expected lower case, such "
		     "as 'us-federal' or 'uk')",
		     name);
		return;
	}
	if (known_calendar(j, name, &at)) {
		fail(L, config_setting_get_member(g, "name"),
		     "duplicate calendar '%s' (first at line %d)", name,
		     L->cal_lines[at]);
		return;
	}

	struct juris_calendar *v =
		realloc(j->calendars, (j->n_calendars + 1) * sizeof(*v));
	int *lines =
		realloc(L->cal_lines, (j->n_calendars + 1) * sizeof(*lines));
	if (v)
		j->calendars = v;
	if (lines)
		L->cal_lines = lines;
	if (!v || !lines) {
		nomem(L);
		return;
	}
	struct juris_calendar *c = &j->calendars[j->n_calendars];
	memset(c, 0, sizeof(*c));
	L->cal_lines[j->n_calendars] = config_setting_source_line(g);
	j->n_calendars++;
	if (!(c->name = strdup(name))) {
		nomem(L);
		return;
	}
	struct calbuild b = {.c = c};
	parse_calendar_body(L, &b, g);
	free(b.subst);
}

/* --- laws -------------------------------------------------------------- */

static const char *const unit_names[] = {"working", "calendar", NULL};
static const char *const confidence_names[] = {"statute", "official",
					       "secondary", "unverified", NULL};

/* extension = 10; or extension = "uncapped"; (ext_max < 0). */
static void get_extension(struct loader *L, config_setting_t *g,
			  const char *ctx, int *out)
{
	config_setting_t *s = config_setting_get_member(g, "extension");
	const char *v;
	if (!s)
		return;
	if (config_setting_type(s) == CONFIG_TYPE_STRING) {
		v = config_setting_get_string(s);
		if (strcmp(v, "uncapped") == 0) {
			*out = -1;
			return;
		}
	} else if (config_setting_type(s) == CONFIG_TYPE_INT) {
		get_int(L, g, ctx, "extension", 0, DEADLINE_MAX_DAYS, out);
		return;
	}
	fail(L, s,
	     "'%s.extension' must be a number of days from 0 to %d or "
	     "\"uncapped\"",
	     ctx, DEADLINE_MAX_DAYS);
}

static void parse_clock(struct loader *L, config_setting_t *law,
			const char *key, const char *what,
			struct juris_clock *clock)
{
	static const char *const keys[] = {"days",
					   "unit",
					   "roll_forward",
					   "receipt_is_day1",
					   "misroute_cap",
					   "extension",
					   "extension_unit",
					   "one_info_toll",
					   "exhaustion",
					   "limitations_years",
					   NULL};
	config_setting_t *g = config_setting_get_member(law, key);
	struct deadline_rule *r = &clock->rule;
	int unit = 0, ext_unit = -1;
	char ctx[64];
	const size_t before = L->bad;

	if (!g)
		return;
	if (!config_setting_is_group(g)) {
		fail(L, g,
		     "'%s' must be a group: %s = { days = 20; unit = "
		     "\"working\"; };",
		     key, key);
		return;
	}
	snprintf(ctx, sizeof(ctx), "%s", key);
	check_keys(L, g, "clock", keys);
	memset(r, 0, sizeof(*r));
	r->what = what;
	int has_days =
		get_int(L, g, ctx, "days", 0, DEADLINE_MAX_DAYS, &r->days);
	if (has_days == 0)
		fail(L, g, "'%s' needs 'days'", key);
	if (get_enum(L, g, "unit", "unit", unit_names, &unit) == 0)
		fail(L, g, "'%s' needs 'unit' (working or calendar)", key);
	r->unit = (enum deadline_unit)unit;
	/* Zero working days would put the due date on the day of receipt,
	 * weekend or not: no law counts that way. */
	if (r->unit == DEADLINE_WORKING_DAYS && r->days == 0 && has_days > 0)
		fail(L, config_setting_get_member(g, "days"),
		     "'%s.days' must be at least 1 for a working-day clock",
		     key);
	bool has_roll =
		get_bool(L, g, ctx, "roll_forward", &r->roll_forward) > 0;
	get_bool(L, g, ctx, "receipt_is_day1", &r->receipt_is_day1);
	get_int(L, g, ctx, "misroute_cap", 0, DEADLINE_MAX_DAYS,
		&r->misroute_cap);
	get_extension(L, g, ctx, &r->ext_max);
	get_enum(L, g, "extension_unit", "extension_unit", unit_names,
		 &ext_unit);
	r->ext_unit = ext_unit < 0 ? r->unit : (enum deadline_unit)ext_unit;
	/* Rolling forward matters only where calendar days are counted: the
	 * period itself, or an extension in calendar days (Pennsylvania). */
	if (has_roll && r->unit != DEADLINE_CALENDAR_DAYS &&
	    r->ext_unit != DEADLINE_CALENDAR_DAYS)
		fail(L, config_setting_get_member(g, "roll_forward"),
		     "'%s.roll_forward' applies only to clocks that count "
		     "calendar days",
		     key);
	get_bool(L, g, ctx, "one_info_toll", &r->one_info_toll);
	get_bool(L, g, ctx, "exhaustion", &r->exhaustion);
	get_int(L, g, ctx, "limitations_years", 0, MAX_LIMITATIONS,
		&r->limitations_years);
	clock->set = L->bad == before;
}

/* "17:00" -> 1020. */
static bool parse_hhmm(const char *s, int *minutes)
{
	if (strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	const int h = (s[0] - '0') * 10 + (s[1] - '0');
	const int m = (s[3] - '0') * 10 + (s[4] - '0');
	if (h > 23 || m > 59)
		return false;
	*minutes = h * 60 + m;
	return true;
}

static void parse_override(struct loader *L, struct jurisdiction *law,
			   config_setting_t *g)
{
	static const char *const keys[] = {"agency", "receipt_is_day1",
					   "cutoff", "appeal_window", NULL};
	struct juris_override o = {0};
	const char *agency = NULL, *cutoff = NULL;
	char err[256];
	const size_t before = L->bad;

	if (!config_setting_is_group(g)) {
		fail(L, g, "each agency override must be a { ... } group");
		return;
	}
	check_keys(L, g, "agency override", keys);
	if (get_string(L, g, NULL, "agency", &agency) == 0)
		fail(L, g, "an agency override needs 'agency'");
	if (agency && !check_code("agency", agency, err, sizeof(err))) {
		fail(L, config_setting_get_member(g, "agency"), "%s", err);
		agency = NULL;
	}
	o.has_receipt_is_day1 =
		get_bool(L, g, NULL, "receipt_is_day1", &o.receipt_is_day1) > 0;
	if (get_string(L, g, NULL, "cutoff", &cutoff) > 0) {
		o.has_cutoff = parse_hhmm(cutoff, &o.cutoff_minutes);
		if (!o.has_cutoff)
			fail(L, config_setting_get_member(g, "cutoff"),
			     "invalid cutoff '%.20s' (expected HH:MM, such "
			     "as \"17:00\")",
			     cutoff);
	}
	o.has_appeal_window =
		get_int(L, g, NULL, "appeal_window", 0, DEADLINE_MAX_DAYS,
			&o.appeal_window_days) > 0;
	if (o.has_appeal_window && !law->appeal_window.set)
		fail(L, config_setting_get_member(g, "appeal_window"),
		     "'appeal_window' override for a law with no "
		     "appeal_window clock");
	if (L->bad != before || !agency)
		return;
	if (!o.has_receipt_is_day1 && !o.has_cutoff && !o.has_appeal_window) {
		fail(L, g, "agency override '%s' changes nothing", agency);
		return;
	}
	for (size_t i = 0; i < law->n_overrides; i++)
		if (strcasecmp(law->overrides[i].agency, agency) == 0) {
			fail(L, g, "duplicate agency override '%s'", agency);
			return;
		}
	struct juris_override *v =
		realloc(law->overrides, (law->n_overrides + 1) * sizeof(*v));
	if (!v) {
		nomem(L);
		return;
	}
	law->overrides = v;
	if (!(o.agency = strdup(agency))) {
		nomem(L);
		return;
	}
	law->overrides[law->n_overrides++] = o;
}

static int dup_into(char **dst, const char *src)
{
	if (!src)
		return 0;
	*dst = strdup(src);
	return *dst ? 0 : -1;
}

static void parse_law_body(struct loader *L, struct jurisdiction *law,
			   config_setting_t *g)
{
	const char *name = NULL, *citation = NULL, *notes = NULL, *cal = NULL;
	int conf = 0;

	if (get_text(L, g, NULL, "name", NAME_MAX_BYTES, &name) == 0)
		fail(L, g, "jurisdiction '%s' needs a 'name'", law->code);
	if (get_text(L, g, NULL, "citation", NAME_MAX_BYTES, &citation) == 0)
		fail(L, g, "jurisdiction '%s' needs a 'citation'", law->code);
	get_text(L, g, NULL, "notes", TEXT_MAX_BYTES, &notes);
	if (get_enum(L, g, "confidence", "confidence", confidence_names,
		     &conf) == 0)
		fail(L, g,
		     "jurisdiction '%s' needs a 'confidence' (statute, "
		     "official, secondary or unverified)",
		     law->code);
	law->confidence = (enum juris_confidence)conf;
	if (get_string(L, g, NULL, "calendar", &cal) == 0)
		fail(L, g, "jurisdiction '%s' needs a 'calendar'", law->code);
	else if (cal && !known_calendar(L->j, cal, NULL))
		fail(L, config_setting_get_member(g, "calendar"),
		     "jurisdiction '%s': unknown calendar '%.64s'", law->code,
		     cal);
	law->own_calendar = true;
	get_bool(L, g, NULL, "own_calendar", &law->own_calendar);

	parse_clock(L, g, "initial", "initial determination", &law->initial);
	parse_clock(L, g, "expedited", "expedited processing decision",
		    &law->expedited);
	parse_clock(L, g, "appeal_window", "time to appeal",
		    &law->appeal_window);
	parse_clock(L, g, "appeal_decision", "appeal decision",
		    &law->appeal_decision);

	int rc = get_int(L, g, NULL, "followup_every", 1, MAX_FOLLOWUP,
			 &law->followup_every);
	if (rc > 0 && config_setting_get_member(g, "initial"))
		fail(L, config_setting_get_member(g, "followup_every"),
		     "'followup_every' is for a law with no 'initial' clock");
	else if (rc == 0 && !config_setting_get_member(g, "initial"))
		law->followup_every = DEFAULT_FOLLOWUP;
	law->mail_days = DEFAULT_MAIL_DAYS;
	get_int(L, g, NULL, "mail_days", 0, MAX_MAIL_DAYS, &law->mail_days);

	config_setting_t *ov = get_list(
		L, g, "agencies", "agencies = ( { agency = \"EPA\"; ... } );");
	for (int i = 0; ov && i < config_setting_length(ov); i++)
		parse_override(L, law,
			       config_setting_get_elem(ov, (unsigned)i));

	if (dup_into(&law->name, name) < 0 ||
	    dup_into(&law->citation, citation) < 0 ||
	    dup_into(&law->notes, notes) < 0 ||
	    dup_into(&law->calendar, cal) < 0)
		nomem(L);
}

static void parse_law(struct loader *L, config_setting_t *g)
{
	static const char *const keys[] = {"code",
					   "name",
					   "citation",
					   "confidence",
					   "calendar",
					   "own_calendar",
					   "notes",
					   "initial",
					   "expedited",
					   "appeal_window",
					   "appeal_decision",
					   "followup_every",
					   "mail_days",
					   "agencies",
					   NULL};
	struct jurisdictions *j = L->j;
	const char *code = NULL;
	char err[256];

	if (!config_setting_is_group(g)) {
		fail(L, g, "each jurisdiction must be a { ... } group");
		return;
	}
	check_keys(L, g, "jurisdiction", keys);
	if (get_string(L, g, NULL, "code", &code) == 0)
		fail(L, g, "a jurisdiction needs a 'code'");
	if (!code)
		return;
	if (!check_jurisdiction(code, err, sizeof(err))) {
		fail(L, config_setting_get_member(g, "code"), "%s", err);
		return;
	}
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->v[i].code, code) == 0) {
			fail(L, config_setting_get_member(g, "code"),
			     "duplicate jurisdiction '%s' (first at line %d)",
			     code, L->law_lines[i]);
			return;
		}

	struct jurisdiction *v = realloc(j->v, (j->n + 1) * sizeof(*v));
	int *lines = realloc(L->law_lines, (j->n + 1) * sizeof(*lines));
	if (v)
		j->v = v;
	if (lines)
		L->law_lines = lines;
	if (!v || !lines) {
		nomem(L);
		return;
	}
	struct jurisdiction *law = &j->v[j->n];
	memset(law, 0, sizeof(*law));
	L->law_lines[j->n] = config_setting_source_line(g);
	j->n++;
	if (!(law->code = strdup(code))) {
		nomem(L);
		return;
	}
	parse_law_body(L, law, g);
}

/* --- the file ---------------------------------------------------------- */

static void parse_root(struct loader *L, config_t *lc)
{
	static const char *const keys[] = {"calendars", "jurisdictions", NULL};
	config_setting_t *root = config_root_setting(lc);
	check_keys(L, root, "top-level", keys);

	config_setting_t *cals = config_setting_get_member(root, "calendars");
	if (!cals || !config_setting_is_list(cals)) {
		fail(L, cals, "expected calendars = ( { name = ...; }, ... );");
		return;
	}
	for (int i = 0; i < config_setting_length(cals); i++)
		parse_calendar(L, config_setting_get_elem(cals, (unsigned)i));

	config_setting_t *laws =
		config_setting_get_member(root, "jurisdictions");
	if (!laws || !config_setting_is_list(laws)) {
		fail(L, laws,
		     "expected jurisdictions = ( { code = ...; }, ... );");
		return;
	}
	for (int i = 0; i < config_setting_length(laws); i++)
		parse_law(L, config_setting_get_elem(laws, (unsigned)i));
}

int config_load_jurisdictions(const char *file, struct jurisdictions *out,
			      struct config_errors *errs)
{
	struct config_errors scratch;
	struct jurisdictions tmp;
	struct loader L = {.file = file, .j = &tmp};
	config_t lc;

	if (!errs) {
		memset(&scratch, 0, sizeof(scratch));
		errs = &scratch;
	}
	L.errs = errs;
	memset(&tmp, 0, sizeof(tmp));
	memset(out, 0, sizeof(*out));

	config_init(&lc);
	if (!config_read_file(&lc, file)) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			config_error_add(errs, file, 0, "cannot read: %s",
					 strerror(errno));
		else
			config_error_add(errs, file, config_error_line(&lc),
					 "%s", config_error_text(&lc));
		config_destroy(&lc);
		return -1;
	}
	parse_root(&L, &lc);
	config_destroy(&lc);
	free(L.cal_lines);
	free(L.law_lines);
	if (L.bad) {
		jurisdictions_free(&tmp);
		return -1;
	}
	*out = tmp;
	return 0;
}
