/*
 * jurisdiction.c: the laws foiad knows once loaded (jurisdiction.h):
 * building every calendar's index, lookups by code and agency, and freeing.
 *
 * Pure: no I/O, no libconfig (the loader is config_jurisdictions.c). The
 * loader hands over complete workcal specs, so building is one workcal_new
 * per calendar over JURIS_FIRST_YEAR..JURIS_LAST_YEAR, with any days
 * imported into that calendar (jurisdictions_build_extra) added as
 * one-offs; a law then finds its calendar by name. Everything a struct
 * jurisdictions points to is owned by it, including the holiday names in
 * the specs' tables (an extra day's name is copied by workcal_new).
 */
#include "jurisdiction.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *juris_confidence_name(enum juris_confidence c)
{
	switch (c) {
	case JURIS_STATUTE:
		return "statute";
	case JURIS_OFFICIAL:
		return "official";
	case JURIS_SECONDARY:
		return "secondary";
	case JURIS_UNVERIFIED:
		return "unverified";
	}
	return "unknown";
}

static void free_calendars(struct jurisdictions *j)
{
	for (size_t i = 0; i < j->n_calendars; i++) {
		struct juris_calendar *c = &j->calendars[i];
		/* The names were allocated by the loader; the tables hold
		 * them as const only because workcal's spec does. */
		for (size_t k = 0; c->rules && k < c->spec.n_rules; k++)
			free((void *)c->rules[k].name);
		for (size_t k = 0; c->oneoffs && k < c->spec.n_oneoffs; k++)
			free((void *)c->oneoffs[k].name);
		free(c->rules);
		free(c->oneoffs);
		workcal_free(c->cal);
		free(c->name);
	}
	free(j->calendars);
}

void jurisdictions_free(struct jurisdictions *j)
{
	if (!j)
		return;
	free_calendars(j);
	for (size_t i = 0; i < j->n; i++) {
		struct jurisdiction *law = &j->v[i];
		free(law->code);
		free(law->name);
		free(law->citation);
		free(law->notes);
		free(law->calendar);
		for (size_t k = 0; k < law->n_overrides; k++)
			free(law->overrides[k].agency);
		free(law->overrides);
	}
	free(j->v);
	memset(j, 0, sizeof(*j));
}

/* The calendar's own one-offs followed by the extra days meant for it, in
 * a table of its own (names borrowed); NULL with *n 0 when it has none. */
static int merge_oneoffs(const struct juris_calendar *c,
			 const struct juris_extra_day *days, size_t ndays,
			 struct workcal_oneoff **out, size_t *n)
{
	size_t extra = 0;
	for (size_t k = 0; k < ndays; k++)
		extra += days[k].calendar &&
			 strcmp(days[k].calendar, c->name) == 0;
	*out = NULL;
	*n = c->spec.n_oneoffs;
	if (extra == 0)
		return WORKCAL_OK;
	if (extra > SIZE_MAX / sizeof(**out) - *n)
		return WORKCAL_ENOMEM;
	struct workcal_oneoff *v = malloc((*n + extra) * sizeof(*v));
	if (!v)
		return WORKCAL_ENOMEM;
	if (*n)
		memcpy(v, c->oneoffs, *n * sizeof(*v));
	for (size_t k = 0; k < ndays; k++)
		if (days[k].calendar && strcmp(days[k].calendar, c->name) == 0)
			v[(*n)++] = (struct workcal_oneoff){
				.date = days[k].date,
				.name = days[k].name,
				.closure = false,
			};
	*out = v;
	return WORKCAL_OK;
}

/*
 * All or nothing: every calendar is built into a table of new indexes
 * first, and only when all of them built are the old ones replaced, so a
 * caller never runs with some laws counted and others not, and a failed
 * rebuild leaves the laws as they were. Returns a workcal.h code.
 */
int jurisdictions_build_extra(struct jurisdictions *j,
			      const struct juris_extra_day *days, size_t n,
			      char *err, size_t errlen)
{
	char why[256];
	struct workcal **built = NULL;
	int rc = WORKCAL_OK;

	if (err && errlen)
		err[0] = '\0';
	for (size_t i = 0; i < j->n; i++)
		if (!jurisdiction_calendar(j, &j->v[i])) {
			if (err && errlen)
				snprintf(err, errlen,
					 "jurisdiction '%s': unknown calendar "
					 "'%s'",
					 j->v[i].code,
					 j->v[i].calendar ? j->v[i].calendar
							  : "");
			return WORKCAL_EINVAL;
		}
	if (j->n_calendars) {
		built = calloc(j->n_calendars, sizeof(*built));
		if (!built) {
			if (err && errlen)
				snprintf(err, errlen, "%s",
					 workcal_strerror(WORKCAL_ENOMEM));
			return WORKCAL_ENOMEM;
		}
	}
	for (size_t i = 0; i < j->n_calendars && rc == WORKCAL_OK; i++) {
		struct juris_calendar *c = &j->calendars[i];
		struct workcal_oneoff *merged;
		size_t n_merged;
		why[0] = '\0';
		rc = merge_oneoffs(c, days, n, &merged, &n_merged);
		if (rc == WORKCAL_OK) {
			struct workcal_spec spec = c->spec;
			spec.rules = c->rules;
			spec.oneoffs = merged ? merged : c->oneoffs;
			spec.n_oneoffs = n_merged;
			spec.first_year = JURIS_FIRST_YEAR;
			spec.last_year = JURIS_LAST_YEAR;
			rc = workcal_new(&spec, &built[i], why, sizeof(why));
			free(merged);
		}
		if (rc != WORKCAL_OK && err && errlen)
			snprintf(err, errlen, "calendar '%s': %s", c->name,
				 why[0] ? why : workcal_strerror(rc));
	}
	for (size_t i = 0; i < j->n_calendars; i++) {
		struct juris_calendar *c = &j->calendars[i];
		if (rc != WORKCAL_OK) {
			workcal_free(built[i]);
			continue;
		}
		workcal_free(c->cal);
		c->cal = built[i];
		c->spec.rules = c->rules;
		c->spec.oneoffs = c->oneoffs;
		c->spec.first_year = JURIS_FIRST_YEAR;
		c->spec.last_year = JURIS_LAST_YEAR;
	}
	free(built);
	return rc;
}

int jurisdictions_build(struct jurisdictions *j, char *err, size_t errlen)
{
	return jurisdictions_build_extra(j, NULL, 0, err, errlen);
}

const struct jurisdiction *jurisdiction_find(const struct jurisdictions *j,
					     const char *code)
{
	if (!j || !code)
		return NULL;
	for (size_t i = 0; i < j->n; i++)
		if (strcasecmp(j->v[i].code, code) == 0)
			return &j->v[i];
	return NULL;
}

const struct juris_calendar *
jurisdiction_calendar(const struct jurisdictions *j,
		      const struct jurisdiction *law)
{
	if (!j || !law || !law->calendar)
		return NULL;
	for (size_t i = 0; i < j->n_calendars; i++)
		if (strcmp(j->calendars[i].name, law->calendar) == 0)
			return &j->calendars[i];
	return NULL;
}

const struct juris_override *
jurisdiction_override(const struct jurisdiction *law, const char *agency)
{
	if (!law || !agency)
		return NULL;
	for (size_t i = 0; i < law->n_overrides; i++)
		if (strcasecmp(law->overrides[i].agency, agency) == 0)
			return &law->overrides[i];
	return NULL;
}
