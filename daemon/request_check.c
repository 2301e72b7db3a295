/*
 * request_check.c: whole-request rules and tag handling (request_check.h).
 */
#include "request_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"
#include "foia/protocol.h"
#include "jurisdiction.h"
#include "validate.h"

static bool not_before_sent(const struct request *r, const char *name,
			    const char *date, char *err, size_t errlen)
{
	/* ISO dates compare correctly as text. */
	if (!date || !r->sent || strcmp(date, r->sent) >= 0)
		return true;
	snprintf(err, errlen, "%s date %s is before the sent date %s", name,
		 date, r->sent);
	return false;
}

/* Dates the deadline calendars can count: a year such as 1925 is a typo. */
static bool in_counted_years(const char *name, const char *date, char *err,
			     size_t errlen)
{
	int32_t d;
	int y, m, day;
	if (!date || !civil_parse(date, &d))
		return true;
	civil_from_days(d, &y, &m, &day);
	if (y >= JURIS_FIRST_YEAR && y <= JURIS_LAST_YEAR)
		return true;
	snprintf(err, errlen,
		 "%s date %s is outside the years foiad counts (%d to %d)",
		 name, date, JURIS_FIRST_YEAR, JURIS_LAST_YEAR);
	return false;
}

bool request_consistent(const struct request *r, char *err, size_t errlen)
{
	if (!in_counted_years("sent", r->sent, err, errlen) ||
	    !in_counted_years("received", r->received, err, errlen) ||
	    !in_counted_years("acknowledged", r->acknowledged, err, errlen) ||
	    !in_counted_years("closed", r->closed, err, errlen))
		return false;
	if (!r->subject || !*r->subject) {
		snprintf(err, errlen, "a request needs a subject");
		return false;
	}
	if (!r->sent && strcmp(r->status, "draft") != 0 &&
	    strcmp(r->status, "withdrawn") != 0) {
		snprintf(err, errlen,
			 "a %s request needs a sent date (give one with "
			 "--sent or --date)",
			 r->status);
		return false;
	}
	return not_before_sent(r, "received", r->received, err, errlen) &&
	       not_before_sent(r, "acknowledged", r->acknowledged, err,
			       errlen) &&
	       not_before_sent(r, "closed", r->closed, err, errlen);
}

static bool has_tag(const struct request *r, const char *tag, size_t *at)
{
	for (size_t i = 0; i < r->ntags; i++)
		if (strcmp(r->tags[i], tag) == 0) {
			*at = i;
			return true;
		}
	return false;
}

static bool add_tag(struct request *r, const char *tag, char *err,
		    size_t errlen)
{
	size_t at;
	if (has_tag(r, tag, &at))
		return true;
	if (r->ntags >= FOIA_MAX_TAGS) {
		snprintf(err, errlen, "a request has at most %d tags",
			 FOIA_MAX_TAGS);
		return false;
	}
	char **tags = realloc(r->tags, (r->ntags + 1) * sizeof(*tags));
	char *copy = strdup(tag);
	if (tags)
		r->tags = tags;
	if (!tags || !copy) {
		free(copy);
		snprintf(err, errlen, "out of memory");
		return false;
	}
	r->tags[r->ntags++] = copy;
	return true;
}

static void remove_tag(struct request *r, const char *tag)
{
	size_t at;
	if (!has_tag(r, tag, &at))
		return;
	free(r->tags[at]);
	memmove(&r->tags[at], &r->tags[at + 1],
		(r->ntags - at - 1) * sizeof(*r->tags));
	r->ntags--;
}

static bool check_tag(const char *tag, char *err, size_t errlen)
{
	if (!check_text("tag", tag, FOIA_MAX_TAG, false, err, errlen))
		return false;
	if (!*tag || strchr(tag, ',') || strchr(tag, ';')) {
		snprintf(err, errlen,
			 "invalid tag '%.64s' (tags are non-empty and hold no "
			 "',' or ';')",
			 tag);
		return false;
	}
	return true;
}

static int tag_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Tags are kept sorted, as the store returns them, so sets compare as
 * text. */
bool request_tags_apply(struct request *r, json_t *list, bool remove, char *err,
			size_t errlen)
{
	size_t i;
	json_t *v;
	if (!json_is_array(list)) {
		snprintf(err, errlen, "tags must be a list of strings");
		return false;
	}
	json_array_foreach(list, i, v)
	{
		const char *tag = json_string_value(v);
		if (!tag) {
			snprintf(err, errlen, "tags must be strings");
			return false;
		}
		if (!check_tag(tag, err, errlen))
			return false;
		if (remove)
			remove_tag(r, tag);
		else if (!add_tag(r, tag, err, errlen))
			return false;
	}
	if (r->ntags > 1)
		qsort(r->tags, r->ntags, sizeof(*r->tags), tag_cmp);
	return true;
}

char *request_tags_text(const struct request *r)
{
	size_t len = 1;
	for (size_t i = 0; i < r->ntags; i++)
		len += strlen(r->tags[i]) + 2;
	char *s = malloc(len), *p = s;
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = 0; i < r->ntags; i++)
		p += snprintf(p, len - (size_t)(p - s), "%s%s", i ? ", " : "",
			      r->tags[i]);
	return s;
}
