/*
 * holiday_load.c: reading the imported holidays out of the store and
 * building the calendars with them (holiday_load.h).
 *
 * Kept apart from jurisdiction.c, which is pure, and from the store, which
 * knows nothing of calendars. Used at start, on reload and after every
 * import: rebuilding every calendar costs a few milliseconds, so there is
 * one way of getting the days in rather than one per occasion.
 */
#include "holiday_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"
#include "grow.h"
#include "log.h"

struct collect {
	const struct jurisdictions *j;
	struct juris_extra_day *v;
	size_t n, cap;
	size_t orphans; /* days of calendars not configured */
	size_t bad;	/* dates that do not parse (an edited file) */
	const char *orphan_name;
};

static bool known(const struct jurisdictions *j, const char *name)
{
	for (size_t i = 0; i < j->n_calendars; i++)
		if (strcmp(j->calendars[i].name, name) == 0)
			return true;
	return false;
}

static void collect_free(struct collect *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free((void *)c->v[i].calendar);
		free((void *)c->v[i].name);
	}
	free(c->v);
	free((void *)c->orphan_name);
}

static int collect_one(const struct holiday *h, void *arg)
{
	struct collect *c = arg;
	int32_t date;
	if (!h->date || !civil_parse(h->date, &date) || !h->name) {
		c->bad++;
		return 0;
	}
	if (!known(c->j, h->calendar)) {
		if (!c->orphans++ && !(c->orphan_name = strdup(h->calendar)))
			return -1;
		return 0;
	}
	if (!grow_array((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v)))
		return -1;
	char *cal = strdup(h->calendar), *name = strdup(h->name);
	if (!cal || !name) {
		free(cal);
		free(name);
		return -1;
	}
	c->v[c->n++] = (struct juris_extra_day){cal, date, name};
	return 0;
}

int holidays_build(struct store *st, struct jurisdictions *j, char *err,
		   size_t errlen)
{
	struct collect c = {.j = j};
	int rc = store_holiday_list(st, collect_one, &c);
	if (rc == -1) {
		snprintf(err, errlen, "out of memory reading the holidays");
		collect_free(&c);
		return -1;
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, "%s", store_errmsg(st));
		collect_free(&c);
		return -1;
	}
	if (c.orphans)
		log_warnx("%zu imported holidays are of calendars not "
			  "configured (such as '%s'): not used",
			  c.orphans, c.orphan_name);
	if (c.bad)
		log_warnx("%zu imported holidays have no valid date: not used",
			  c.bad);
	rc = jurisdictions_build_extra(j, c.v, c.n, err, errlen);
	collect_free(&c);
	return rc == WORKCAL_OK ? 0 : -1;
}
