/*
 * config_letters.c: the letters block of foiad.conf (libconfig):
 *
 *     letters = { templates = "/etc/foiad/templates";
 *                 requester = "Ana Ruiz, Border Records Project";
 *                 contact = "ana@example.org\n+1 555 0100";
 *                 reply_to = "ana@example.org"; };
 *
 * templates is the directory `foia letter` reads <kind>.txt from (default:
 * the templates installed in the data directory); requester signs letters
 * of requests that name no requester; contact goes under the signature;
 * reply_to is the Reply-To of letters sent by email, so an agency's answer
 * reaches a person even when smtp.from is a robot's address. Each is
 * checked here, so a typo is an error at its line when foiad starts or
 * reloads, not a letter that goes out wrong.
 */
#include "config_letters.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_notify.h"
#include "foia/protocol.h"
#include "validate.h"

#define CONTACT_MAX 1000

static void errf(const char *file, struct config_errors *errs,
		 config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void errf(const char *file, struct config_errors *errs,
		 config_setting_t *s, const char *fmt, ...)
{
	char msg[CONFIG_ERROR_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_error_add(errs, file, config_setting_source_line(s), "%s", msg);
}

int config_letters_defaults(struct config *cfg)
{
	cfg->letters.templates = strdup(FOIAD_DATADIR "/templates");
	return cfg->letters.templates ? 0 : -1;
}

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
}

void config_letters_apply(const char *file, struct config *cfg,
			  struct config_errors *errs, config_setting_t *s)
{
	struct letters_config *l = &cfg->letters;
	char err[256];
	if (!config_setting_is_group(s)) {
		errf(file, errs, s,
		     "'letters' must be a group: letters = { templates = "
		     "\"/etc/foiad/templates\"; requester = \"...\"; };");
		return;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(e);
		const char *v = config_setting_get_string(e);
		bool known = strcmp(k, "templates") == 0 ||
			     strcmp(k, "requester") == 0 ||
			     strcmp(k, "contact") == 0 ||
			     strcmp(k, "reply_to") == 0;
		if (!known) {
			errf(file, errs, e,
			     "unknown setting 'letters.%s' (expected "
			     "templates, requester, contact or reply_to)",
			     k);
			continue;
		}
		if (!v) {
			errf(file, errs, e, "'letters.%s' must be a string", k);
			continue;
		}
		if (strcmp(k, "templates") == 0) {
			if (*v != '/')
				errf(file, errs, e,
				     "'letters.templates' must be an absolute "
				     "path, not '%.200s'",
				     v);
			else
				set(&l->templates, v);
		} else if (strcmp(k, "reply_to") == 0) {
			if (!config_address_ok(v))
				errf(file, errs, e,
				     "'letters.reply_to' must be a plain "
				     "address (ana@example.org), not '%.200s'",
				     v);
			else
				set(&l->reply_to, v);
		} else {
			bool multi = strcmp(k, "contact") == 0;
			char field[32];
			snprintf(field, sizeof(field), "letters.%s", k);
			if (!check_text(field, v,
					multi ? CONTACT_MAX
					      : FOIA_MAX_REQUESTER,
					multi, err, sizeof(err)))
				errf(file, errs, e, "%s", err);
			else
				set(multi ? &l->contact : &l->requester, v);
		}
	}
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int config_letters_copy(struct config *dst, const struct config *src)
{
	const struct letters_config *s = &src->letters;
	struct letters_config *d = &dst->letters;
	d->templates = dup_or_null(s->templates);
	d->requester = dup_or_null(s->requester);
	d->contact = dup_or_null(s->contact);
	d->reply_to = dup_or_null(s->reply_to);
	if ((s->templates && !d->templates) ||
	    (s->requester && !d->requester) || (s->contact && !d->contact) ||
	    (s->reply_to && !d->reply_to)) {
		config_letters_clear(dst);
		return -1;
	}
	return 0;
}

void config_letters_clear(struct config *cfg)
{
	struct letters_config *l = &cfg->letters;
	free(l->templates);
	free(l->requester);
	free(l->contact);
	free(l->reply_to);
	memset(l, 0, sizeof(*l));
}
