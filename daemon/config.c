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

#include "paths.h"

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
	cfg->client_timeout = 30;
	cfg->log_level = LOG_LVL_INFO;
	if (!cfg->socket || !cfg->database || !cfg->agencies)
		return -1;
	return 0;
}

void config_clear(struct config *cfg)
{
	free(cfg->file);
	free(cfg->socket);
	free(cfg->database);
	free(cfg->agencies);
	free(cfg->access_group);
	memset(cfg, 0, sizeof(*cfg));
}

static int copy_config(struct config *dst, const struct config *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->file = dup_or_null(src->file);
	dst->socket = dup_or_null(src->socket);
	dst->database = dup_or_null(src->database);
	dst->agencies = dup_or_null(src->agencies);
	dst->access_group = dup_or_null(src->access_group);
	dst->client_timeout = src->client_timeout;
	dst->log_level = src->log_level;
	if ((src->file && !dst->file) || (src->socket && !dst->socket) ||
	    (src->database && !dst->database) ||
	    (src->agencies && !dst->agencies) ||
	    (src->access_group && !dst->access_group)) {
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
		if (strcmp(config_setting_name(m), "group") != 0) {
			config_error_add(c->errs, c->file,
					 config_setting_source_line(m),
					 "unknown setting 'access.%s' "
					 "(expected group)",
					 config_setting_name(m));
			continue;
		}
		const char *v = want_string(c, m);
		if (v) {
			free(c->cfg->access_group);
			c->cfg->access_group = strdup(v);
		}
	}
}

static const struct setting settings[] = {
	{"socket", apply_socket},
	{"database", apply_database},
	{"agencies", apply_agencies},
	{"client_timeout", apply_client_timeout},
	{"log_level", apply_log_level},
	{"access", apply_access},
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
