/*
 * agency_check.c: value checks for agencies (see agency_check.h).
 */
#include "agency_check.h"

#include <stdio.h>
#include <string.h>

#include "foia/protocol.h"
#include "validate.h"

static bool looks_like_email(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && strchr(at + 1, '.') && !strchr(s, ' ');
}

/* NULL, or an http or https URL of at most FOIA_MAX_URL bytes. */
static bool check_url(const char *field, const char *v, char *err,
		      size_t errlen)
{
	if (!v)
		return true;
	if (!check_text(field, v, FOIA_MAX_URL, false, err, errlen))
		return false;
	if (strncmp(v, "https://", 8) != 0 && strncmp(v, "http://", 7) != 0) {
		snprintf(err, errlen,
			 "invalid %s '%.64s' (expected an http or https URL)",
			 field, v);
		return false;
	}
	return true;
}

static bool check_median(const char *field, bool has, double v, char *err,
			 size_t errlen)
{
	/* NaN fails both comparisons. */
	if (has && !(v >= 0 && v <= AGENCY_MAX_MEDIAN)) {
		snprintf(err, errlen,
			 "invalid %s %g (expected 0 to %d working days)", field,
			 v, AGENCY_MAX_MEDIAN);
		return false;
	}
	return true;
}

/* The published figures: medians in range, the fiscal year of a FOIA
 * annual report (the first covered 1975), a source of sane length. */
static bool check_published(const struct agency *a, char *err, size_t errlen)
{
	if (!check_median("simple median", a->has_median_simple,
			  a->median_simple, err, errlen) ||
	    !check_median("complex median", a->has_median_complex,
			  a->median_complex, err, errlen))
		return false;
	if (a->published_year &&
	    (a->published_year < 1975 || a->published_year > 9999)) {
		snprintf(err, errlen,
			 "invalid published year %d (expected a fiscal year "
			 "from 1975)",
			 a->published_year);
		return false;
	}
	return !a->published_source ||
	       check_text("published source", a->published_source, FOIA_MAX_URL,
			  false, err, errlen);
}

bool agency_valid(const struct agency *a, char *err, size_t errlen)
{
	if (!a->code) {
		snprintf(err, errlen, "an agency needs a code");
		return false;
	}
	if (!check_code("agency code", a->code, err, errlen))
		return false;
	if (!a->name || !*a->name) {
		snprintf(err, errlen, "agency '%s' needs a name", a->code);
		return false;
	}
	if (!check_text("name", a->name, FOIA_MAX_NAME, false, err, errlen) ||
	    (a->parent &&
	     !check_code("parent agency code", a->parent, err, errlen)) ||
	    (a->jurisdiction &&
	     !check_jurisdiction(a->jurisdiction, err, errlen)) ||
	    (a->email && !check_text("email", a->email, FOIA_MAX_EMAIL, false,
				     err, errlen)) ||
	    (a->portal && !check_text("portal", a->portal, FOIA_MAX_URL, false,
				      err, errlen)) ||
	    (a->address && !check_text("address", a->address, FOIA_MAX_ADDRESS,
				       true, err, errlen)))
		return false;
	if (a->email && !looks_like_email(a->email)) {
		snprintf(err, errlen, "invalid email '%.64s' for agency '%s'",
			 a->email, a->code);
		return false;
	}
	if (!check_url("portal", a->portal, err, errlen) ||
	    !check_url("website", a->website, err, errlen) ||
	    !check_published(a, err, errlen))
		return false;
	if (a->parent && strcasecmp(a->parent, a->code) == 0) {
		snprintf(err, errlen, "agency '%s' cannot be its own parent",
			 a->code);
		return false;
	}
	return true;
}
