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
	if (a->portal && strncmp(a->portal, "https://", 8) != 0 &&
	    strncmp(a->portal, "http://", 7) != 0) {
		snprintf(err, errlen,
			 "invalid portal '%.64s' (expected an http or https "
			 "URL)",
			 a->portal);
		return false;
	}
	if (a->parent && strcasecmp(a->parent, a->code) == 0) {
		snprintf(err, errlen, "agency '%s' cannot be its own parent",
			 a->code);
		return false;
	}
	return true;
}
