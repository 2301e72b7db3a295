/*
 * config.c: reads foiad.conf with libconfig into struct config.
 *
 * Each setting is described once in a table (name, type, where it goes, its
 * accepted range), so checking, defaults and error messages come from one
 * place. Unknown settings are errors rather than silently ignored: a typo in
 * a deadline-related setting must never pass unnoticed.
 */
#include "config.h"

#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_letters.h"
#include "config_notify.h"
#include "paths.h"
#include "zone.h"

void config_error_add(struct config_errors *errs, const char *file, int line,
		      const char *fmt, ...)
{
	char msg[CONFIG_ERROR_LEN];
	va_list ap;

	if (!errs || errs->count >= CONFIG_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(errs->text[errs->count], CONFIG_ERROR_LEN,
			 "%.200s:%d: %.290s", file, line, msg);
	else
		snprintf(errs->text[errs->count], CONFIG_ERROR_LEN,
			 "%.200s: %.290s", file, msg);
	errs->count++;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* The zone the system runs in: $TZ when it names a zone, else the zone
 * /etc/localtime links to, else UTC. The default of reminders.timezone. */
static char *system_timezone(void)
{
	char buf[4096];
	const char *tz = getenv("TZ");
	if (tz && *tz == ':')
		tz++;
	if (tz && zone_name_ok(tz))
		return strdup(tz);
	ssize_t n = readlink("/etc/localtime", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		const char *z = strstr(buf, "zoneinfo/");
		if (z && zone_name_ok(z + strlen("zoneinfo/")))
			return strdup(z + strlen("zoneinfo/"));
	}
	return strdup("UTC");
}

static const int default_leads[] = {7, 1, 0};

int config_defaults(struct config *cfg, bool system_mode)
{
	char sock[4096], db[4096];

	memset(cfg, 0, sizeof(*cfg));
	if (paths_default_socket(system_mode, sock, sizeof(sock)) < 0 ||
	    paths_default_database(system_mode, db, sizeof(db)) < 0)
		return -1;
	cfg->socket = strdup(sock);
	cfg->database = strdup(db);
	cfg->agencies = strdup(FOIAD_DATADIR "/agencies.conf");
	cfg->jurisdictions = strdup(FOIAD_DATADIR "/jurisdictions.conf");
	cfg->client_timeout = 30;
	cfg->report_min_sample = 5;
	cfg->log_level = LOG_LVL_INFO;
	memcpy(cfg->reminders.leads, default_leads, sizeof(default_leads));
	cfg->reminders.nleads =
		sizeof(default_leads) / sizeof(default_leads[0]);
	cfg->reminders.time = 9 * 60;
	cfg->reminders.timezone = system_timezone();
	cfg->reminders.followup_every = 14;
	cfg->reminders.digest = DIGEST_WEEKLY;
	if (config_letters_defaults(cfg) < 0)
		return -1;
	if (!cfg->socket || !cfg->database || !cfg->agencies ||
	    !cfg->jurisdictions || !cfg->reminders.timezone)
		return -1;
	return 0;
}

void config_clear(struct config *cfg)
{
	free(cfg->file);
	free(cfg->socket);
	free(cfg->database);
	free(cfg->agencies);
	free(cfg->jurisdictions);
	free(cfg->access_group);
	free(cfg->access_admin_group);
	free(cfg->calendar.directory);
	free(cfg->calendar.domain);
	free(cfg->reminders.timezone);
	config_notify_clear(cfg);
	config_letters_clear(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

static int copy_config(struct config *dst, const struct config *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->file = dup_or_null(src->file);
	dst->socket = dup_or_null(src->socket);
	dst->database = dup_or_null(src->database);
	dst->agencies = dup_or_null(src->agencies);
	dst->jurisdictions = dup_or_null(src->jurisdictions);
	dst->access_group = dup_or_null(src->access_group);
	dst->access_admin_group = dup_or_null(src->access_admin_group);
	memcpy(dst->access_admins, src->access_admins,
	       sizeof(dst->access_admins));
	dst->naccess_admins = src->naccess_admins;
	dst->client_timeout = src->client_timeout;
	dst->report_min_sample = src->report_min_sample;
	dst->log_level = src->log_level;
	dst->calendar.directory = dup_or_null(src->calendar.directory);
	dst->calendar.domain = dup_or_null(src->calendar.domain);
	dst->reminders = src->reminders;
	dst->reminders.timezone = dup_or_null(src->reminders.timezone);
	if ((src->calendar.directory && !dst->calendar.directory) ||
	    (src->calendar.domain && !dst->calendar.domain) ||
	    (src->reminders.timezone && !dst->reminders.timezone)) {
		config_clear(dst);
		return -1;
	}
	if (config_notify_copy(dst, src) < 0 ||
	    config_letters_copy(dst, src) < 0) {
		config_clear(dst);
		return -1;
	}
	if ((src->file && !dst->file) || (src->socket && !dst->socket) ||
	    (src->database && !dst->database) ||
	    (src->agencies && !dst->agencies) ||
	    (src->jurisdictions && !dst->jurisdictions) ||
	    (src->access_group && !dst->access_group) ||
	    (src->access_admin_group && !dst->access_admin_group)) {
		config_clear(dst);
		return -1;
	}
	return 0;
}

/* --- the settings table ------------------------------------------------ */

struct setting_ctx {
	const char *file;
	struct config *cfg;
	struct config_errors *errs;
};

typedef void (*setting_fn)(struct setting_ctx *, config_setting_t *);

struct setting {
	const char *name;
	setting_fn apply;
};

static const char *want_string(struct setting_ctx *c, config_setting_t *s)
{
	const char *v = config_setting_get_string(s);
	if (!v)
		config_error_add(
			c->errs, c->file, config_setting_source_line(s),
			"'%s' must be a string", config_setting_name(s));
	return v;
}

static void set_path(struct setting_ctx *c, config_setting_t *s, char **dst)
{
	const char *v = want_string(c, s);
	if (!v)
		return;
	if (*v != '/') {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be an absolute path, not '%s'",
				 config_setting_name(s), v);
		return;
	}
	free(*dst);
	*dst = strdup(v);
}

static void apply_socket(struct setting_ctx *c, config_setting_t *s)
{
	set_path(c, s, &c->cfg->socket);
}

static void apply_database(struct setting_ctx *c, config_setting_t *s)
{
	set_path(c, s, &c->cfg->database);
}

static void apply_agencies(struct setting_ctx *c, config_setting_t *s)
{
	set_path(c, s, &c->cfg->agencies);
}

static void apply_jurisdictions(struct setting_ctx *c, config_setting_t *s)
{
	set_path(c, s, &c->cfg->jurisdictions);
}

static void apply_client_timeout(struct setting_ctx *c, config_setting_t *s)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT ||
	    config_setting_get_int(s) < 1 || config_setting_get_int(s) > 3600) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'client_timeout' must be a whole number of "
				 "seconds from 1 to 3600");
		return;
	}
	c->cfg->client_timeout = config_setting_get_int(s);
}

static void apply_log_level(struct setting_ctx *c, config_setting_t *s)
{
	static const char *names[] = {"error", "warning", "info", "debug"};
	const char *v = want_string(c, s);
	if (!v)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			c->cfg->log_level = (enum log_level)i;
			return;
		}
	config_error_add(c->errs, c->file, config_setting_source_line(s),
			 "unknown log_level '%s' (expected error, warning, "
			 "info or debug)",
			 v);
}

/* access.admins: a list of user names, each at most CONFIG_NAME_LEN - 1
 * bytes; the whole list replaces the default (none). */
static void apply_admins(struct setting_ctx *c, config_setting_t *m)
{
	int line = config_setting_source_line(m);
	int n = config_setting_length(m);

	if (!config_setting_is_array(m) && !config_setting_is_list(m)) {
		config_error_add(c->errs, c->file, line,
				 "'access.admins' must be a list of user "
				 "names: admins = [\"alice\"];");
		return;
	}
	if (n > CONFIG_MAX_ADMINS) {
		config_error_add(c->errs, c->file, line,
				 "'access.admins' names %d users (at most %d)",
				 n, CONFIG_MAX_ADMINS);
		return;
	}
	c->cfg->naccess_admins = 0;
	for (int i = 0; i < n; i++) {
		const char *v = config_setting_get_string_elem(m, i);
		if (!v || !*v || strlen(v) >= CONFIG_NAME_LEN) {
			config_error_add(c->errs, c->file, line,
					 "'access.admins' entry %d must be a "
					 "user name of 1 to %d bytes",
					 i + 1, CONFIG_NAME_LEN - 1);
			continue;
		}
		snprintf(c->cfg->access_admins[c->cfg->naccess_admins++],
			 CONFIG_NAME_LEN, "%s", v);
	}
}

static void apply_access(struct setting_ctx *c, config_setting_t *s)
{
	if (!config_setting_is_group(s)) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'access' must be a group: access = { group = "
				 "\"foiad\"; };");
		return;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(m);
		char **dst = NULL;
		if (strcmp(name, "admins") == 0) {
			apply_admins(c, m);
			continue;
		}
		if (strcmp(name, "group") == 0)
			dst = &c->cfg->access_group;
		else if (strcmp(name, "admin_group") == 0)
			dst = &c->cfg->access_admin_group;
		if (!dst) {
			config_error_add(c->errs, c->file,
					 config_setting_source_line(m),
					 "unknown setting 'access.%s' "
					 "(expected group, admins or "
					 "admin_group)",
					 name);
			continue;
		}
		const char *v = want_string(c, m);
		if (v) {
			free(*dst);
			*dst = strdup(v);
		}
	}
}

/* --- calendar and reminders -------------------------------------------- */

/* A setting inside a group, named "group.member" in messages. */
struct member {
	const char *name;
	void (*apply)(struct setting_ctx *, config_setting_t *,
		      const char *qualified);
};

/* Apply each member of group s (whose name is group) from the table;
 * unknown members and a non-group are errors. */
static void apply_group(struct setting_ctx *c, config_setting_t *s,
			const char *group, const struct member *members,
			size_t n, const char *example)
{
	char qualified[128];
	char expected[256] = "";
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(expected);
		snprintf(expected + len, sizeof(expected) - len, "%s%s",
			 i == 0	      ? ""
			 : i + 1 == n ? " or "
				      : ", ",
			 members[i].name);
	}
	if (!config_setting_is_group(s)) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a group: %s", group, example);
		return;
	}
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k = 0;
		while (k < n && strcmp(name, members[k].name) != 0)
			k++;
		snprintf(qualified, sizeof(qualified), "%s.%s", group, name);
		if (k == n) {
			config_error_add(c->errs, c->file,
					 config_setting_source_line(m),
					 "unknown setting '%s' (expected %s)",
					 qualified, expected);
			continue;
		}
		members[k].apply(c, m, qualified);
	}
}

static const char *want_qstring(struct setting_ctx *c, config_setting_t *s,
				const char *qualified)
{
	const char *v = config_setting_get_string(s);
	if (!v)
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a string", qualified);
	return v;
}

static void replace_string(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
}

static void apply_calendar_directory(struct setting_ctx *c, config_setting_t *s,
				     const char *qualified)
{
	const char *v = want_qstring(c, s, qualified);
	if (!v)
		return;
	if (*v != '/') {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be an absolute path, not '%s'",
				 qualified, v);
		return;
	}
	replace_string(&c->cfg->calendar.directory, v);
}

/* A DNS name: labels of letters, digits and hyphens. It ends every UID,
 * so it must need no escaping anywhere. */
static bool domain_ok(const char *v)
{
	size_t n = strlen(v), label = 0;
	if (n == 0 || n > 253 || v[0] == '.' || v[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = v[i];
		if (ch == '.') {
			if (label == 0 || v[i - 1] == '-')
				return false;
			label = 0;
		} else if ((ch >= 'a' && ch <= 'z') ||
			   (ch >= 'A' && ch <= 'Z') ||
			   (ch >= '0' && ch <= '9') ||
			   (ch == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return v[n - 1] != '-';
}

static void apply_calendar_domain(struct setting_ctx *c, config_setting_t *s,
				  const char *qualified)
{
	const char *v = want_qstring(c, s, qualified);
	if (!v)
		return;
	if (!domain_ok(v)) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a domain name such as "
				 "\"foiad.example.org\", not '%s'",
				 qualified, v);
		return;
	}
	replace_string(&c->cfg->calendar.domain, v);
}

static void apply_calendar(struct setting_ctx *c, config_setting_t *s)
{
	static const struct member members[] = {
		{"directory", apply_calendar_directory},
		{"domain", apply_calendar_domain},
	};
	apply_group(c, s, "calendar", members,
		    sizeof(members) / sizeof(members[0]),
		    "calendar = { directory = \"/var/lib/foiad/calendars\"; "
		    "};");
}

static int by_descending(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x < y) - (x > y);
}

static void apply_reminders_leads(struct setting_ctx *c, config_setting_t *s,
				  const char *qualified)
{
	struct reminders_config *r = &c->cfg->reminders;
	int leads[REMINDERS_MAX_LEADS];
	int type = config_setting_type(s);
	int n = config_setting_length(s);
	if ((type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST) ||
	    n > REMINDERS_MAX_LEADS) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a list of at most %d numbers "
				 "of days, such as [7, 1, 0]",
				 qualified, REMINDERS_MAX_LEADS);
		return;
	}
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_INT ||
		    config_setting_get_int(e) < 0 ||
		    config_setting_get_int(e) > 366) {
			config_error_add(c->errs, c->file,
					 config_setting_source_line(s),
					 "'%s' must hold whole numbers of days "
					 "from 0 to 366",
					 qualified);
			return;
		}
		leads[i] = config_setting_get_int(e);
		for (int k = 0; k < i; k++)
			if (leads[k] == leads[i]) {
				config_error_add(c->errs, c->file,
						 config_setting_source_line(s),
						 "'%s' has %d twice", qualified,
						 leads[i]);
				return;
			}
	}
	qsort(leads, (size_t)n, sizeof(leads[0]), by_descending);
	memcpy(r->leads, leads, (size_t)n * sizeof(leads[0]));
	r->nleads = (size_t)n;
}

static void apply_reminders_time(struct setting_ctx *c, config_setting_t *s,
				 const char *qualified)
{
	const char *v = want_qstring(c, s, qualified);
	if (!v)
		return;
	bool digits = strlen(v) == 5 && v[2] == ':';
	for (int i = 0; digits && i < 5; i++)
		digits = i == 2 || (v[i] >= '0' && v[i] <= '9');
	int h = digits ? (v[0] - '0') * 10 + (v[1] - '0') : -1;
	int m = digits ? (v[3] - '0') * 10 + (v[4] - '0') : -1;
	if (h < 0 || h > 23 || m < 0 || m > 59) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a time of day HH:MM, such as "
				 "\"09:00\", not '%s'",
				 qualified, v);
		return;
	}
	c->cfg->reminders.time = h * 60 + m;
}

static void apply_reminders_timezone(struct setting_ctx *c, config_setting_t *s,
				     const char *qualified)
{
	const char *v = want_qstring(c, s, qualified);
	if (!v)
		return;
	/* Without a tz database (a minimal container) a well-shaped name
	 * is taken on trust; with one, it must be in it. */
	if (!zone_name_ok(v) || (zone_database() && !zone_valid(v))) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "unknown time zone '%s' in '%s' (expected a "
				 "zone name such as \"America/New_York\" or "
				 "\"UTC\")",
				 v, qualified);
		return;
	}
	replace_string(&c->cfg->reminders.timezone, v);
}

static void apply_reminders_followup(struct setting_ctx *c, config_setting_t *s,
				     const char *qualified)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT ||
	    config_setting_get_int(s) < 1 || config_setting_get_int(s) > 366) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a whole number of days from 1 "
				 "to 366",
				 qualified);
		return;
	}
	c->cfg->reminders.followup_every = config_setting_get_int(s);
}

static void apply_reminders_digest(struct setting_ctx *c, config_setting_t *s,
				   const char *qualified)
{
	static const char *const names[] = {"off", "daily", "weekly"};
	const char *v = want_qstring(c, s, qualified);
	if (!v)
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(v, names[i]) == 0) {
			c->cfg->reminders.digest = (enum reminders_digest)i;
			return;
		}
	config_error_add(c->errs, c->file, config_setting_source_line(s),
			 "unknown %s '%s' (expected off, daily or weekly)",
			 qualified, v);
}

static void apply_reminders(struct setting_ctx *c, config_setting_t *s)
{
	static const struct member members[] = {
		{"leads", apply_reminders_leads},
		{"time", apply_reminders_time},
		{"timezone", apply_reminders_timezone},
		{"followup_every", apply_reminders_followup},
		{"digest", apply_reminders_digest},
	};
	apply_group(c, s, "reminders", members,
		    sizeof(members) / sizeof(members[0]),
		    "reminders = { leads = [7, 1, 0]; };");
}

/* smtp, webhook, caldav and projects: config_notify.c. */
static void apply_notify(struct setting_ctx *c, config_setting_t *s)
{
	config_notify_apply(c->file, c->cfg, c->errs, s);
}

/* letters: config_letters.c. */
static void apply_letters(struct setting_ctx *c, config_setting_t *s)
{
	config_letters_apply(c->file, c->cfg, c->errs, s);
}

/* report = { min_sample = 5; }: below that many answers an agency's
 * performance statistics are hidden (too few to mean anything). */
static void apply_report_min_sample(struct setting_ctx *c, config_setting_t *s,
				    const char *qualified)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT ||
	    config_setting_get_int(s) < 1 ||
	    config_setting_get_int(s) > 100000) {
		config_error_add(c->errs, c->file,
				 config_setting_source_line(s),
				 "'%s' must be a whole number from 1 to 100000",
				 qualified);
		return;
	}
	c->cfg->report_min_sample = config_setting_get_int(s);
}

static void apply_report(struct setting_ctx *c, config_setting_t *s)
{
	static const struct member members[] = {
		{"min_sample", apply_report_min_sample},
	};
	apply_group(c, s, "report", members, 1,
		    "report = { min_sample = 5; };");
}

static const struct setting settings[] = {
	{"socket", apply_socket},
	{"database", apply_database},
	{"agencies", apply_agencies},
	{"jurisdictions", apply_jurisdictions},
	{"client_timeout", apply_client_timeout},
	{"log_level", apply_log_level},
	{"access", apply_access},
	{"smtp", apply_notify},
	{"webhook", apply_notify},
	{"caldav", apply_notify},
	{"projects", apply_notify},
	{"calendar", apply_calendar},
	{"reminders", apply_reminders},
	{"report", apply_report},
	{"letters", apply_letters},
};

static void apply_setting(struct setting_ctx *c, config_setting_t *s)
{
	const char *name = config_setting_name(s);
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
		if (strcmp(name, settings[i].name) == 0) {
			settings[i].apply(c, s);
			return;
		}
	config_error_add(c->errs, c->file, config_setting_source_line(s),
			 "unknown setting '%s'", name);
}

/* Parse file into a libconfig tree; 1 = parsed, 0 = absent, -1 = error. */
static int read_tree(config_t *lc, const char *file, bool must_exist,
		     struct config_errors *errs)
{
	struct stat st;
	if (stat(file, &st) < 0) {
		if (errno == ENOENT && !must_exist)
			return 0;
		config_error_add(errs, file, 0, "%s", strerror(errno));
		return -1;
	}
	if (!config_read_file(lc, file)) {
		if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
			config_error_add(errs, file, 0, "cannot read: %s",
					 strerror(errno));
		else
			config_error_add(errs,
					 config_error_file(lc)
						 ? config_error_file(lc)
						 : file,
					 config_error_line(lc), "%s",
					 config_error_text(lc));
		return -1;
	}
	return 1;
}

int config_load(struct config *cfg, const char *file, bool must_exist,
		struct config_errors *errs)
{
	config_t lc;
	struct config next;
	size_t errors_before = errs->count;

	config_init(&lc);
	int found = read_tree(&lc, file, must_exist, errs);
	if (found <= 0) {
		config_destroy(&lc);
		return found;
	}
	if (copy_config(&next, cfg) < 0) {
		config_destroy(&lc);
		config_error_add(errs, file, 0, "out of memory");
		return -1;
	}
	struct setting_ctx ctx = {file, &next, errs};
	config_setting_t *root = config_root_setting(&lc);
	for (int i = 0; i < config_setting_length(root); i++)
		apply_setting(&ctx, config_setting_get_elem(root, (unsigned)i));
	config_destroy(&lc);
	if (errs->count > errors_before) {
		config_clear(&next);
		return -1;
	}
	free(next.file);
	next.file = strdup(file);
	config_clear(cfg);
	*cfg = next;
	return 0;
}
