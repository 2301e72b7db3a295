/*
 * validate.c: the value checks behind every write (see validate.h).
 */
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "foia/civil.h"
#include "foia/utf8.h"

size_t utf8_invalid_at(const char *s, size_t len)
{
	return foia_utf8_invalid_at(s, len);
}

bool utf8_valid(const char *s, size_t len)
{
	return utf8_invalid_at(s, len) == len;
}

bool check_text(const char *field, const char *v, size_t limit, bool multiline,
		char *err, size_t errlen)
{
	size_t len = strlen(v);
	if (len > limit) {
		snprintf(err, errlen, "'%s' is %zu bytes, the limit is %zu",
			 field, len, limit);
		return false;
	}
	if (!utf8_valid(v, len)) {
		snprintf(err, errlen, "'%s' is not valid UTF-8", field);
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		bool ok_space =
			multiline && (*p == '\n' || *p == '\t' || *p == '\r');
		if ((*p < 0x20 || *p == 0x7F) && !ok_space) {
			snprintf(err, errlen,
				 "'%s' contains a control character", field);
			return false;
		}
	}
	return true;
}

bool check_date(const char *field, const char *v, char *err, size_t errlen)
{
	int32_t day;
	if (civil_parse(v, &day))
		return true;
	snprintf(err, errlen,
		 "invalid date '%.40s' for '%s' (expected "
		 "YYYY-MM-DD)",
		 v, field);
	return false;
}

bool check_code(const char *field, const char *v, char *err, size_t errlen)
{
	size_t len = strlen(v);
	bool ok = len > 0 && len <= 32 && isalnum((unsigned char)v[0]);
	for (size_t i = 0; ok && i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		ok = isalnum(c) || c == '-' || c == '_' || c == '.';
	}
	if (!ok)
		snprintf(err, errlen,
			 "invalid %s '%.64s' (expected 1-32 letters, digits, "
			 "'-', '_' or '.')",
			 field, v);
	return ok;
}

bool check_jurisdiction(const char *v, char *err, size_t errlen)
{
	size_t len = strlen(v);
	bool ok = len >= 2 && len <= 32 && islower((unsigned char)v[0]);
	for (size_t i = 0; ok && i < len; i++) {
		unsigned char c = (unsigned char)v[i];
		ok = islower(c) || isdigit(c) || (c == '-' && i + 1 < len);
	}
	if (!ok)
		snprintf(err, errlen,
			 "invalid jurisdiction '%.64s' (expected a code such "
			 "as 'us-federal', 'us-ca' or 'sv')",
			 v);
	return ok;
}

bool check_enum(const char *field, const char *v, const char *const *names,
		char *err, size_t errlen)
{
	size_t used;
	for (size_t i = 0; names[i]; i++)
		if (strcmp(v, names[i]) == 0)
			return true;
	used = (size_t)snprintf(err, errlen, "unknown %s '%.64s' (expected ",
				field, v);
	for (size_t i = 0; names[i] && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s%s",
					 i ? ", " : "", names[i]);
	if (used < errlen)
		snprintf(err + used, errlen - used, ")");
	return false;
}

bool parse_money(const char *field, const char *v, int64_t *cents, char *err,
		 size_t errlen)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, decimals = -1;
	const char *p = v;
	for (; *p; p++) {
		if (*p == '.' && decimals < 0 && digits > 0) {
			decimals = 0;
		} else if (isdigit((unsigned char)*p) &&
			   (decimals < 0 ? digits < 10 : decimals < 2)) {
			if (decimals < 0)
				whole = whole * 10 + (*p - '0'), digits++;
			else
				frac = frac * 10 + (*p - '0'), decimals++;
		} else {
			break;
		}
	}
	if (*p || digits == 0 || decimals == 0) {
		snprintf(err, errlen,
			 "invalid amount '%.40s' for '%s' (expected dollars "
			 "such as 25 or 25.50)",
			 v, field);
		return false;
	}
	if (decimals == 1)
		frac *= 10;
	*cents = whole * 100 + frac;
	return true;
}

void format_money(int64_t cents, char *buf, size_t len)
{
	snprintf(buf, len, "%lld.%02lld", (long long)(cents / 100),
		 (long long)(cents % 100));
}
