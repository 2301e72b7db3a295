/*
 * jurisdiction.c: the laws foiad knows once loaded (jurisdiction.h):
 * building every calendar's index, lookups by code and agency, and freeing.
 *
 * Pure: no I/O, no libconfig (the loader is config_jurisdictions.c). The
 * loader hands over complete workcal specs, so building is one workcal_new
 * per calendar over JURIS_FIRST_YEAR..JURIS_LAST_YEAR; a law then finds its
 * calendar by name. Everything a struct jurisdictions points to is owned by
 * it, including the holiday names in the specs' tables.
 */
#include "jurisdiction.h"

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

static void unbuild(struct jurisdictions *j)
{
	for (size_t i = 0; i < j->n_calendars; i++) {
		workcal_free(j->calendars[i].cal);
		j->calendars[i].cal = NULL;
	}
}

/*
 * All or nothing: on failure no calendar stays built, so a caller never
 * runs with some laws counted and others not. Returns a workcal.h code.
 */
int jurisdictions_build(struct jurisdictions *j, char *err, size_t errlen)
{
	char why[256];

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
	unbuild(j);
	for (size_t i = 0; i < j->n_calendars; i++) {
		struct juris_calendar *c = &j->calendars[i];
		c->spec.rules = c->rules;
		c->spec.oneoffs = c->oneoffs;
		c->spec.first_year = JURIS_FIRST_YEAR;
		c->spec.last_year = JURIS_LAST_YEAR;
		why[0] = '\0';
		const int rc = workcal_new(&c->spec, &c->cal, why, sizeof(why));
		if (rc != WORKCAL_OK) {
			if (err && errlen)
				snprintf(err, errlen, "calendar '%s': %s",
					 c->name,
					 why[0] ? why : workcal_strerror(rc));
			unbuild(j);
			return rc;
		}
	}
	return WORKCAL_OK;
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
