/*
 * webhook.c: a reminder as the JSON body of a webhook POST (webhook.h).
 */
#include "webhook.h"

#include <jansson.h>

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *webhook_json(const struct webhook_facts *f)
{
	json_t *deadline =
		f->deadline_kind
			? json_pack("{s:s, s:o, s:o}", "kind", f->deadline_kind,
				    "what", str_or_null(f->what), "due",
				    str_or_null(f->due))
			: json_null();
	json_t *facts = json_pack(
		"{s:o, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:i, s:b, "
		"s:o, s:o}",
		"key", str_or_null(f->key), "type", f->type, "request",
		f->request ? json_integer(f->request) : json_null(), "agency",
		str_or_null(f->agency), "agency_name",
		str_or_null(f->agency_name), "subject", str_or_null(f->subject),
		"project", str_or_null(f->project), "tracking",
		str_or_null(f->tracking), "status", str_or_null(f->status),
		"deadline", deadline, "lead", f->lead, "late", f->late, "note",
		str_or_null(f->note), "body", str_or_null(f->body));
	json_t *doc = facts ? json_pack("{s:o, s:o}", "text",
					str_or_null(f->text), "foiad", facts)
			    : NULL;
	char *out = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(doc);
	return out;
}
