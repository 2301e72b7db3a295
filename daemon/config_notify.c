/*
 * config_notify.c: the settings of where reminders go: the smtp, webhook
 * and caldav blocks and the projects list of foiad.conf (libconfig).
 *
 * Each block is optional; one that is there must be whole (smtp needs its
 * url, from and to) and holds only the keys documented in foiad.conf, so a
 * misspelt key is an error at its line, not a reminder that silently never
 * goes. Addresses are checked to be plain addresses (no display names, no
 * line ends that could add a header), URLs to be of the scheme the
 * channel speaks, and a password file to be readable by its owner only.
 * The password itself is read when it is used (secret.h), never here.
 */
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_notify.h"
#include "foia/protocol.h"
#include "secret.h"

struct ctx {
	const char *file;
	struct config *cfg;
	struct config_errors *errs;
};

static void errf(struct ctx *c, config_setting_t *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(struct ctx *c, config_setting_t *s, const char *fmt, ...)
{
	char msg[CONFIG_ERROR_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	config_error_add(c->errs, c->file, config_setting_source_line(s), "%s",
			 msg);
}

/* A plain address: local@domain, printable ASCII or UTF-8, none of the
 * characters that would make it more than one address or another header. */
bool config_address_ok(const char *a)
{
	const char *at = strchr(a, '@');
	size_t n = strlen(a);
	if (n == 0 || n > FOIA_MAX_EMAIL || !at || at == a || !at[1] ||
	    strchr(at + 1, '@'))
		return false;
	for (const char *p = a; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch <= ' ' || ch == 0x7f || strchr("<>,;:\"()[]\\", ch))
			return false;
	}
	return true;
}

static bool url_ok(const char *u, const char *const *schemes)
{
	for (size_t i = 0; schemes[i]; i++) {
		size_t n = strlen(schemes[i]);
		if (strncmp(u, schemes[i], n) == 0 && u[n] &&
		    strlen(u) <= FOIA_MAX_URL && !strpbrk(u, " \t\r\n"))
			return true;
	}
	return false;
}

/* The string value of s (named block.key in messages), or NULL. */
static const char *string_of(struct ctx *c, config_setting_t *s,
			     const char *block)
{
	const char *v = config_setting_get_string(s);
	if (!v)
		errf(c, s, "'%s.%s' must be a string", block,
		     config_setting_name(s));
	else if (!*v)
		errf(c, s, "'%s.%s' must not be empty", block,
		     config_setting_name(s));
	return v && *v ? v : NULL;
}

static void set(char **dst, const char *v)
{
	free(*dst);
	*dst = v ? strdup(v) : NULL;
}

static void set_url(struct ctx *c, config_setting_t *s, const char *block,
		    const char *const *schemes, const char *expect, char **dst)
{
	const char *v = string_of(c, s, block);
	if (!v)
		return;
	if (!url_ok(v, schemes)) {
		errf(c, s, "'%s.%s' must be a %s URL, not '%.200s'", block,
		     config_setting_name(s), expect, v);
		return;
	}
	/* Not echoed: the part before '@' is a password. */
	const char *host = strstr(v, "://") + 3;
	const char *at = strchr(host, '@');
	if (at && at < host + strcspn(host, "/?#")) {
		errf(c, s,
		     "'%s.%s' must not hold a user name or password "
		     "(user:password@); see 'user' and 'password_file'",
		     block, config_setting_name(s));
		return;
	}
	set(dst, v);
}

static void set_password_file(struct ctx *c, config_setting_t *s,
			      const char *block, char **dst)
{
	char err[CONFIG_ERROR_LEN];
	const char *v = string_of(c, s, block);
	if (!v)
		return;
	if (*v != '/') {
		errf(c, s,
		     "'%s.password_file' must be an absolute path, not "
		     "'%.200s'",
		     block, v);
		return;
	}
	if (secret_check(v, err, sizeof(err)) < 0) {
		errf(c, s, "%s", err);
		return;
	}
	set(dst, v);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* An array (or list) of addresses into *dst / *n. */
static void set_addresses(struct ctx *c, config_setting_t *s, const char *block,
			  char ***dst, size_t *n)
{
	int len = config_setting_length(s);
	if (!(config_setting_is_array(s) || config_setting_is_list(s)) ||
	    len < 1) {
		errf(c, s,
		     "'%s.to' must be a list of addresses: to = "
		     "[\"team@example.org\"];",
		     block);
		return;
	}
	/* NULL-terminated as well as counted: fetch.h takes it so. */
	char **v = calloc((size_t)len + 1, sizeof(*v));
	if (!v) {
		errf(c, s, "out of memory");
		return;
	}
	for (int i = 0; i < len; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *a = config_setting_get_string(e);
		if (!a || !config_address_ok(a)) {
			errf(c, e, "'%s.to' has %s%.200s%s, not an address",
			     block, a ? "'" : "", a ? a : "a non-string",
			     a ? "'" : "");
			free_list(v, (size_t)i);
			return;
		}
		if (!(v[i] = strdup(a))) {
			errf(c, e, "out of memory");
			free_list(v, (size_t)i);
			return;
		}
	}
	free_list(*dst, *n);
	*dst = v;
	*n = (size_t)len;
}

/* Is s a group? Otherwise say what one looks like. */
static bool want_group(struct ctx *c, config_setting_t *s, const char *example)
{
	if (config_setting_is_group(s))
		return true;
	errf(c, s, "'%s' must be a group: %s", config_setting_name(s), example);
	return false;
}

static void unknown(struct ctx *c, config_setting_t *m, const char *block,
		    const char *expected)
{
	errf(c, m, "unknown setting '%s.%s' (expected %s)", block,
	     config_setting_name(m), expected);
}

static void missing(struct ctx *c, config_setting_t *s, const char *block,
		    const char *key)
{
	errf(c, s, "'%s' needs '%s.%s'", block, block, key);
}

/* user and password_file go together. */
static void check_login(struct ctx *c, config_setting_t *s, const char *block)
{
	bool user = config_setting_get_member(s, "user") != NULL;
	bool password_file =
		config_setting_get_member(s, "password_file") != NULL;
	if (user && !password_file)
		missing(c, s, block, "password_file");
	if (password_file && !user)
		missing(c, s, block, "user");
}

static void apply_smtp(struct ctx *c, config_setting_t *s)
{
	static const char *const schemes[] = {"smtp://", "smtps://", NULL};
	struct smtp_config *m = &c->cfg->smtp;
	if (!want_group(c, s,
			"smtp = { url = \"smtp://mail.example.org:587\"; "
			"from = \"foiad@example.org\"; to = "
			"[\"team@example.org\"]; };"))
		return;
	m->starttls = true;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(e), *v;
		if (strcmp(k, "url") == 0) {
			set_url(c, e, "smtp", schemes, "smtp:// or smtps://",
				&m->url);
		} else if (strcmp(k, "from") == 0) {
			if (!(v = string_of(c, e, "smtp")))
				continue;
			if (!config_address_ok(v))
				errf(c, e,
				     "'smtp.from' must be a plain address "
				     "(foiad@example.org), not '%.200s'",
				     v);
			else
				set(&m->from, v);
		} else if (strcmp(k, "to") == 0) {
			set_addresses(c, e, "smtp", &m->to, &m->nto);
		} else if (strcmp(k, "user") == 0) {
			if ((v = string_of(c, e, "smtp")))
				set(&m->user, v);
		} else if (strcmp(k, "password_file") == 0) {
			set_password_file(c, e, "smtp", &m->password_file);
		} else if (strcmp(k, "starttls") == 0) {
			if (config_setting_type(e) != CONFIG_TYPE_BOOL)
				errf(c, e,
				     "'smtp.starttls' must be true or "
				     "false");
			else
				m->starttls = config_setting_get_bool(e);
		} else {
			unknown(c, e, "smtp",
				"url, from, to, user, password_file or "
				"starttls");
		}
	}
	if (!config_setting_get_member(s, "url"))
		missing(c, s, "smtp", "url");
	if (!config_setting_get_member(s, "from"))
		missing(c, s, "smtp", "from");
	if (!config_setting_get_member(s, "to"))
		missing(c, s, "smtp", "to");
	check_login(c, s, "smtp");
}

static void apply_webhook(struct ctx *c, config_setting_t *s)
{
	static const char *const schemes[] = {"http://", "https://", NULL};
	if (!want_group(c, s,
			"webhook = { url = \"https://chat.example.org/hooks/"
			"abc\"; };"))
		return;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (strcmp(config_setting_name(e), "url") == 0)
			set_url(c, e, "webhook", schemes, "http:// or https://",
				&c->cfg->webhook.url);
		else
			unknown(c, e, "webhook", "url");
	}
	if (!config_setting_get_member(s, "url"))
		missing(c, s, "webhook", "url");
}

static void apply_caldav(struct ctx *c, config_setting_t *s)
{
	static const char *const schemes[] = {"http://", "https://", NULL};
	struct caldav_config *m = &c->cfg->caldav;
	if (!want_group(c, s,
			"caldav = { url = \"https://dav.example.org/foia/\"; "
			"};"))
		return;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(e), *v;
		if (strcmp(k, "url") == 0)
			set_url(c, e, "caldav", schemes, "http:// or https://",
				&m->url);
		else if (strcmp(k, "user") == 0) {
			if ((v = string_of(c, e, "caldav")))
				set(&m->user, v);
		} else if (strcmp(k, "password_file") == 0)
			set_password_file(c, e, "caldav", &m->password_file);
		else
			unknown(c, e, "caldav", "url, user or password_file");
	}
	if (!config_setting_get_member(s, "url"))
		missing(c, s, "caldav", "url");
	check_login(c, s, "caldav");
}

static void project_clear(struct project_config *p)
{
	free(p->name);
	free_list(p->to, p->nto);
	free(p->webhook);
	memset(p, 0, sizeof(*p));
}

static void apply_project(struct ctx *c, config_setting_t *s,
			  struct project_config *p)
{
	static const char *const schemes[] = {"http://", "https://", NULL};
	const char *v;
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *k = config_setting_name(e);
		if (strcmp(k, "name") == 0) {
			if (!(v = string_of(c, e, "projects")))
				continue;
			if (strlen(v) > FOIA_MAX_PROJECT)
				errf(c, e,
				     "project name '%.80s...' is over %d "
				     "bytes",
				     v, FOIA_MAX_PROJECT);
			else
				set(&p->name, v);
		} else if (strcmp(k, "to") == 0) {
			set_addresses(c, e, "projects", &p->to, &p->nto);
		} else if (strcmp(k, "webhook") == 0) {
			set_url(c, e, "projects", schemes,
				"http:// or https://", &p->webhook);
		} else {
			unknown(c, e, "projects", "name, to or webhook");
		}
	}
	if (!config_setting_get_member(s, "name"))
		missing(c, s, "projects", "name");
}

static void apply_projects(struct ctx *c, config_setting_t *s)
{
	int n = config_setting_length(s);
	if (!config_setting_is_list(s)) {
		errf(c, s,
		     "'projects' must be a list of groups: projects = ( { "
		     "name = \"ice\"; to = [\"ice-team@example.org\"]; } );");
		return;
	}
	struct project_config *v = calloc((size_t)n + 1, sizeof(*v));
	if (!v) {
		errf(c, s, "out of memory");
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (!config_setting_is_group(e)) {
			errf(c, e,
			     "each project must be a group: { name = "
			     "\"ice\"; to = [\"ice-team@example.org\"]; }");
			continue;
		}
		apply_project(c, e, &v[i]);
		for (int j = 0; v[i].name && j < i; j++)
			if (v[j].name && strcmp(v[j].name, v[i].name) == 0)
				errf(c, e, "project '%.80s' is listed twice",
				     v[i].name);
	}
	for (size_t i = 0; i < c->cfg->nprojects; i++)
		project_clear(&c->cfg->projects[i]);
	free(c->cfg->projects);
	c->cfg->projects = v;
	c->cfg->nprojects = (size_t)n;
}

bool config_notify_setting(const char *name)
{
	return strcmp(name, "smtp") == 0 || strcmp(name, "webhook") == 0 ||
	       strcmp(name, "caldav") == 0 || strcmp(name, "projects") == 0;
}

void config_notify_apply(const char *file, struct config *cfg,
			 struct config_errors *errs, config_setting_t *s)
{
	struct ctx c = {file, cfg, errs};
	const char *name = config_setting_name(s);
	if (strcmp(name, "smtp") == 0)
		apply_smtp(&c, s);
	else if (strcmp(name, "webhook") == 0)
		apply_webhook(&c, s);
	else if (strcmp(name, "caldav") == 0)
		apply_caldav(&c, s);
	else if (strcmp(name, "projects") == 0)
		apply_projects(&c, s);
}

void config_notify_clear(struct config *cfg)
{
	free(cfg->smtp.url);
	free(cfg->smtp.from);
	free_list(cfg->smtp.to, cfg->smtp.nto);
	free(cfg->smtp.user);
	free(cfg->smtp.password_file);
	memset(&cfg->smtp, 0, sizeof(cfg->smtp));
	free(cfg->webhook.url);
	memset(&cfg->webhook, 0, sizeof(cfg->webhook));
	free(cfg->caldav.url);
	free(cfg->caldav.user);
	free(cfg->caldav.password_file);
	memset(&cfg->caldav, 0, sizeof(cfg->caldav));
	for (size_t i = 0; i < cfg->nprojects; i++)
		project_clear(&cfg->projects[i]);
	free(cfg->projects);
	cfg->projects = NULL;
	cfg->nprojects = 0;
}

/* Copy a string that may be NULL; false only when out of memory. */
static bool dup_to(char **dst, const char *src)
{
	*dst = src ? strdup(src) : NULL;
	return !src || *dst;
}

static bool dup_list(char ***dst, size_t *dn, char *const *src, size_t n)
{
	*dst = NULL;
	*dn = 0;
	if (!src)
		return true;
	if (!(*dst = calloc(n + 1, sizeof(**dst))))
		return false;
	*dn = n;
	for (size_t i = 0; i < n; i++)
		if (!((*dst)[i] = strdup(src[i])))
			return false;
	return true;
}

int config_notify_copy(struct config *dst, const struct config *src)
{
	const struct smtp_config *s = &src->smtp;
	struct smtp_config *d = &dst->smtp;
	memset(d, 0, sizeof(*d));
	memset(&dst->webhook, 0, sizeof(dst->webhook));
	memset(&dst->caldav, 0, sizeof(dst->caldav));
	dst->projects = NULL;
	dst->nprojects = 0;
	d->starttls = s->starttls;
	bool ok = dup_to(&d->url, s->url) && dup_to(&d->from, s->from) &&
		  dup_list(&d->to, &d->nto, s->to, s->nto) &&
		  dup_to(&d->user, s->user) &&
		  dup_to(&d->password_file, s->password_file) &&
		  dup_to(&dst->webhook.url, src->webhook.url) &&
		  dup_to(&dst->caldav.url, src->caldav.url) &&
		  dup_to(&dst->caldav.user, src->caldav.user) &&
		  dup_to(&dst->caldav.password_file, src->caldav.password_file);
	if (ok && src->nprojects) {
		dst->projects = calloc(src->nprojects, sizeof(*dst->projects));
		ok = dst->projects != NULL;
		if (ok)
			dst->nprojects = src->nprojects;
		for (size_t i = 0; ok && i < src->nprojects; i++) {
			const struct project_config *p = &src->projects[i];
			struct project_config *q = &dst->projects[i];
			ok = dup_to(&q->name, p->name) &&
			     dup_list(&q->to, &q->nto, p->to, p->nto) &&
			     dup_to(&q->webhook, p->webhook);
		}
	}
	if (!ok) {
		config_notify_clear(dst);
		return -1;
	}
	return 0;
}

const struct project_config *config_project(const struct config *cfg,
					    const char *name)
{
	for (size_t i = 0; name && i < cfg->nprojects; i++)
		if (cfg->projects[i].name &&
		    strcmp(cfg->projects[i].name, name) == 0)
			return &cfg->projects[i];
	return NULL;
}
