/*
 * test_config.c: unit tests of the configuration loader (daemon/config.c),
 * the agency seed reader (daemon/config_agencies.c) and seeding
 * (daemon/seed.c).
 *
 * Each test writes its files into a private mkdtemp directory that the
 * group teardown removes, and checks the errors on their exact
 * "file:line: message" text, since that is what `foiad -n` prints. Seeding
 * runs into a ":memory:" store. The real config/agencies.conf is read from
 * the repository (tests run from its root; FOIAD_SRCDIR overrides).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "seed.h"
#include "store.h"
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif

static int group_setup(void **state)
{
	(void)state;
	return tmpdir_make("test_config");
}

static int group_teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

/* A known starting point, independent of the environment. */
static void base_config(struct config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->socket = strdup("/run/base/foiad.sock");
	cfg->database = strdup("/var/base/foiad.db");
	cfg->agencies = strdup("/usr/share/base/agencies.conf");
	cfg->client_timeout = 30;
	cfg->log_level = LOG_LVL_INFO;
	assert_non_null(cfg->socket);
	assert_non_null(cfg->database);
	assert_non_null(cfg->agencies);
}

/* cfg still holds exactly what base_config put there, same pointers. */
static void expect_base(const struct config *cfg, const struct config *was)
{
	assert_ptr_equal(cfg->socket, was->socket);
	assert_ptr_equal(cfg->database, was->database);
	assert_ptr_equal(cfg->agencies, was->agencies);
	assert_ptr_equal(cfg->file, was->file);
	assert_ptr_equal(cfg->access_group, was->access_group);
	assert_string_equal(cfg->socket, "/run/base/foiad.sock");
	assert_string_equal(cfg->database, "/var/base/foiad.db");
	assert_string_equal(cfg->agencies, "/usr/share/base/agencies.conf");
	assert_int_equal(cfg->client_timeout, 30);
	assert_int_equal(cfg->log_level, LOG_LVL_INFO);
}

/* Load text as a config file over the base config; returns config_load's
 * result and leaves the errors in errs. */
static int load_text(const char *name, const char *text, char *path,
		     size_t pathlen, struct config *cfg,
		     struct config_errors *errs)
{
	write_file(path, pathlen, name, text);
	memset(errs, 0, sizeof(*errs));
	return config_load(cfg, path, true, errs);
}

/* --- config_defaults ----------------------------------------------------- */

static void test_defaults(void **state)
{
	(void)state;
	struct config cfg;
	assert_int_equal(config_defaults(&cfg, true), 0);
	assert_string_equal(cfg.socket, "/run/foiad/foiad.sock");
	assert_string_equal(cfg.database, "/var/lib/foiad/foiad.db");
	assert_string_equal(cfg.agencies, FOIAD_DATADIR "/agencies.conf");
	assert_null(cfg.file);
	assert_null(cfg.access_group);
	assert_int_equal(cfg.client_timeout, 30);
	assert_int_equal(cfg.log_level, LOG_LVL_INFO);
	config_clear(&cfg);
	assert_null(cfg.socket);

	assert_int_equal(config_defaults(&cfg, false), 0);
	assert_non_null(cfg.socket);
	assert_true(cfg.socket[0] == '/');
	assert_true(cfg.database[0] == '/');
	config_clear(&cfg);
}

/* --- config_load --------------------------------------------------------- */

static void test_load_all_keys(void **state)
{
	(void)state;
	struct config cfg;
	struct config_errors errs;
	char path[PATH_MAX];
	base_config(&cfg);
	int rc = load_text("all.conf",
			   "# every setting\n"
			   "socket = \"/run/x/foiad.sock\";\n"
			   "database = \"/srv/foiad/foiad.db\";\n"
			   "agencies = \"/etc/foiad/agencies.conf\";\n"
			   "client_timeout = 45;\n"
			   "log_level = \"debug\";\n"
			   "access = { group = \"foia-team\"; admins = "
			   "[\"alice\", \"bob\"]; admin_group = "
			   "\"foia-admin\"; };\n",
			   path, sizeof(path), &cfg, &errs);
	if (rc != 0)
		fail_msg("refused: %s", errs.count ? errs.text[0] : "?");
	assert_int_equal(errs.count, 0);
	assert_string_equal(cfg.file, path);
	assert_string_equal(cfg.socket, "/run/x/foiad.sock");
	assert_string_equal(cfg.database, "/srv/foiad/foiad.db");
	assert_string_equal(cfg.agencies, "/etc/foiad/agencies.conf");
	assert_int_equal(cfg.client_timeout, 45);
	assert_int_equal(cfg.log_level, LOG_LVL_DEBUG);
	assert_string_equal(cfg.access_group, "foia-team");
	assert_int_equal(cfg.naccess_admins, 2);
	assert_string_equal(cfg.access_admins[0], "alice");
	assert_string_equal(cfg.access_admins[1], "bob");
	assert_string_equal(cfg.access_admin_group, "foia-admin");
	config_clear(&cfg);
}

/* Settings a file leaves out keep the value they had. */
static void test_load_partial(void **state)
{
	(void)state;
	struct config cfg;
	struct config_errors errs;
	char path[PATH_MAX];
	base_config(&cfg);
	assert_int_equal(load_text("partial.conf", "client_timeout = 5;\n",
				   path, sizeof(path), &cfg, &errs),
			 0);
	assert_int_equal(errs.count, 0);
	assert_int_equal(cfg.client_timeout, 5);
	assert_string_equal(cfg.socket, "/run/base/foiad.sock");
	assert_string_equal(cfg.database, "/var/base/foiad.db");
	assert_string_equal(cfg.agencies, "/usr/share/base/agencies.conf");
	assert_int_equal(cfg.log_level, LOG_LVL_INFO);
	assert_null(cfg.access_group);
	assert_string_equal(cfg.file, path);

	/* An empty file (comments only) is fine too. */
	assert_int_equal(load_text("empty.conf", "# nothing\n\n", path,
				   sizeof(path), &cfg, &errs),
			 0);
	assert_int_equal(cfg.client_timeout, 5);
	assert_string_equal(cfg.file, path);
	config_clear(&cfg);
}

static void test_load_log_levels(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum log_level level;
	} levels[] = {
		{"error", LOG_LVL_ERROR},
		{"warning", LOG_LVL_WARNING},
		{"info", LOG_LVL_INFO},
		{"debug", LOG_LVL_DEBUG},
	};
	char path[PATH_MAX], text[128];
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		struct config cfg;
		struct config_errors errs;
		base_config(&cfg);
		cfg.log_level = LOG_LVL_INFO == levels[i].level ? LOG_LVL_ERROR
								: LOG_LVL_INFO;
		snprintf(text, sizeof(text), "log_level = \"%s\";\n",
			 levels[i].name);
		assert_int_equal(load_text("level.conf", text, path,
					   sizeof(path), &cfg, &errs),
				 0);
		assert_int_equal(cfg.log_level, levels[i].level);
		config_clear(&cfg);
	}
}

static void test_load_syntax_error(void **state)
{
	(void)state;
	struct config cfg, was;
	struct config_errors errs;
	char path[PATH_MAX];
	base_config(&cfg);
	was = cfg;
	assert_int_equal(load_text("syntax.conf",
				   "socket = \"/run/y.sock\";\n"
				   "# a comment\n"
				   "database = \"/srv/y.db\";\n"
				   "client_timeout = ;\n"
				   "log_level = \"debug\";\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 4, "syntax error");
	expect_base(&cfg, &was);

	/* A missing semicolon shows on the line where parsing failed.
	 * (Not with a string there: libconfig 1.5 leaks the string token of
	 * a failed parse, which LeakSanitizer would report.) */
	assert_int_equal(load_text("syntax2.conf",
				   "client_timeout = 10\n"
				   "\n"
				   "log_level 3;\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 3, "syntax error");
	expect_base(&cfg, &was);
	config_clear(&cfg);
}

static void test_load_unknown_setting(void **state)
{
	(void)state;
	struct config cfg, was;
	struct config_errors errs;
	char path[PATH_MAX];
	base_config(&cfg);
	was = cfg;
	assert_int_equal(load_text("unknown.conf",
				   "client_timeout = 10;\n"
				   "\n"
				   "sokcet = \"/run/z.sock\";\n"
				   "log_level = \"debug\";\n"
				   "deadline_days = 20;\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 2);
	expect_error(&errs, 0, path, 3, "unknown setting 'sokcet'");
	expect_error(&errs, 1, path, 5, "unknown setting 'deadline_days'");
	/* The good settings around them were not applied either. */
	expect_base(&cfg, &was);

	assert_int_equal(load_text("access.conf",
				   "access = {\n"
				   "  group = \"foiad\";\n"
				   "  grop = \"typo\";\n"
				   "};\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 3,
		     "unknown setting 'access.grop' (expected group, admins "
		     "or admin_group)");
	expect_base(&cfg, &was);

	/* admins is a list of names, not one string. */
	assert_int_equal(load_text("admins.conf",
				   "access = { admins = \"alice\"; };\n", path,
				   sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 1,
		     "'access.admins' must be a list of user names: admins "
		     "= [\"alice\"];");
	expect_base(&cfg, &was);
	config_clear(&cfg);
}

static void test_load_wrong_types(void **state)
{
	(void)state;
	struct config cfg, was;
	struct config_errors errs;
	char path[PATH_MAX];
	base_config(&cfg);
	was = cfg;
	assert_int_equal(load_text("types.conf",
				   "socket = 5;\n"
				   "log_level = 3;\n"
				   "client_timeout = \"30\";\n"
				   "access = \"foiad\";\n"
				   "database = true;\n"
				   "agencies = [\"/a\", \"/b\"];\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 6);
	expect_error(&errs, 0, path, 1, "'socket' must be a string");
	expect_error(&errs, 1, path, 2, "'log_level' must be a string");
	expect_error(&errs, 2, path, 3,
		     "'client_timeout' must be a whole number of seconds "
		     "from 1 to 3600");
	expect_error(&errs, 3, path, 4,
		     "'access' must be a group: access = { group = "
		     "\"foiad\"; };");
	expect_error(&errs, 4, path, 5, "'database' must be a string");
	expect_error(&errs, 5, path, 6, "'agencies' must be a string");
	expect_base(&cfg, &was);

	assert_int_equal(load_text("types2.conf",
				   "log_level = \"verbose\";\n"
				   "access = { group = 7; };\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 2);
	expect_error(&errs, 0, path, 1,
		     "unknown log_level 'verbose' (expected error, warning, "
		     "info or debug)");
	expect_error(&errs, 1, path, 2, "'group' must be a string");
	expect_base(&cfg, &was);
	config_clear(&cfg);
}

static void test_load_timeout_range(void **state)
{
	(void)state;
	static const char *const bad[] = {"0",	    "-5",     "3601", "1.5",
					  "\"30\"", "100000", "true"};
	static const char *const good[] = {"1", "3600", "0x3c"};
	static const int good_value[] = {1, 3600, 60};
	char path[PATH_MAX], text[64];
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct config cfg, was;
		struct config_errors errs;
		base_config(&cfg);
		was = cfg;
		snprintf(text, sizeof(text), "\nclient_timeout = %s;\n",
			 bad[i]);
		if (load_text("timeout.conf", text, path, sizeof(path), &cfg,
			      &errs) != -1)
			fail_msg("accepted client_timeout = %s", bad[i]);
		assert_int_equal(errs.count, 1);
		expect_error(&errs, 0, path, 2,
			     "'client_timeout' must be a whole number of "
			     "seconds from 1 to 3600");
		expect_base(&cfg, &was);
		config_clear(&cfg);
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct config cfg;
		struct config_errors errs;
		base_config(&cfg);
		snprintf(text, sizeof(text), "client_timeout = %s;\n", good[i]);
		if (load_text("timeout.conf", text, path, sizeof(path), &cfg,
			      &errs) != 0)
			fail_msg("refused client_timeout = %s: %s", good[i],
				 errs.count ? errs.text[0] : "?");
		assert_int_equal(cfg.client_timeout, good_value[i]);
		config_clear(&cfg);
	}
}

static void test_load_relative_path(void **state)
{
	(void)state;
	struct config cfg, was;
	struct config_errors errs;
	char path[PATH_MAX];
	base_config(&cfg);
	was = cfg;
	assert_int_equal(load_text("relative.conf",
				   "database = \"foiad.db\";\n"
				   "socket = \"run/foiad.sock\";\n"
				   "agencies = \"./agencies.conf\";\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 3);
	expect_error(&errs, 0, path, 1,
		     "'database' must be an absolute path, not 'foiad.db'");
	expect_error(&errs, 1, path, 2,
		     "'socket' must be an absolute path, not "
		     "'run/foiad.sock'");
	expect_error(&errs, 2, path, 3,
		     "'agencies' must be an absolute path, not "
		     "'./agencies.conf'");
	expect_base(&cfg, &was);
	assert_int_equal(load_text("empty-path.conf", "database = \"\";\n",
				   path, sizeof(path), &cfg, &errs),
			 -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 1,
		     "'database' must be an absolute path, not ''");
	expect_base(&cfg, &was);
	config_clear(&cfg);
}

static void test_load_missing_optional(void **state)
{
	(void)state;
	struct config cfg, was;
	struct config_errors errs = {0};
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "does-not-exist.conf");
	base_config(&cfg);
	was = cfg;
	assert_int_equal(config_load(&cfg, path, false, &errs), 0);
	assert_int_equal(errs.count, 0);
	expect_base(&cfg, &was);
	config_clear(&cfg);
}

static void test_load_missing_required(void **state)
{
	(void)state;
	struct config cfg, was;
	struct config_errors errs = {0};
	char path[PATH_MAX];
	tmp_path(path, sizeof(path), "does-not-exist.conf");
	base_config(&cfg);
	was = cfg;
	assert_int_equal(config_load(&cfg, path, true, &errs), -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 0, "No such file or directory");
	expect_base(&cfg, &was);

	/* A missing directory on the way is an error even when optional:
	 * only "no such file" may be skipped. */
	char notdir[PATH_MAX + 32];
	write_file(path, sizeof(path), "plain-file", "x = 1;\n");
	snprintf(notdir, sizeof(notdir), "%s/foiad.conf", path);
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(config_load(&cfg, notdir, false, &errs), -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, notdir, 0, "Not a directory");
	expect_base(&cfg, &was);
	config_clear(&cfg);
}

/* Errors already collected are kept; only new ones make a load fail. */
static void test_load_error_list(void **state)
{
	(void)state;
	struct config cfg;
	struct config_errors errs = {0};
	char path[PATH_MAX];
	base_config(&cfg);
	config_error_add(&errs, "earlier.conf", 7, "earlier problem '%s'", "x");
	assert_int_equal(errs.count, 1);
	assert_string_equal(errs.text[0],
			    "earlier.conf:7: earlier problem 'x'");
	write_file(path, sizeof(path), "ok.conf", "client_timeout = 9;\n");
	assert_int_equal(config_load(&cfg, path, true, &errs), 0);
	assert_int_equal(errs.count, 1);
	assert_int_equal(cfg.client_timeout, 9);

	write_file(path, sizeof(path), "bad.conf", "client_timeout = 0;\n");
	assert_int_equal(config_load(&cfg, path, true, &errs), -1);
	assert_int_equal(errs.count, 2);
	assert_string_equal(errs.text[0],
			    "earlier.conf:7: earlier problem 'x'");
	expect_error(&errs, 1, path, 1,
		     "'client_timeout' must be a whole number of seconds "
		     "from 1 to 3600");
	assert_int_equal(cfg.client_timeout, 9);
	config_clear(&cfg);

	/* The list is bounded: more errors than it holds are dropped. */
	memset(&errs, 0, sizeof(errs));
	for (int i = 0; i < CONFIG_MAX_ERRORS + 5; i++)
		config_error_add(&errs, "f", i + 1, "problem %d", i);
	assert_int_equal(errs.count, CONFIG_MAX_ERRORS);
	assert_string_equal(errs.text[CONFIG_MAX_ERRORS - 1],
			    "f:32: problem 31");
	config_error_add(NULL, "f", 1, "ignored");
}

/* --- config_load_agencies and seed_agencies ------------------------------ */

static struct store *mem_store(void)
{
	char err[512] = "";
	struct store *st = store_open(":memory:", err, sizeof(err));
	if (!st)
		fail_msg("store_open: %s", err);
	return st;
}

static int64_t agency_count(struct store *st)
{
	int64_t n = -1;
	assert_int_equal(store_count_agencies(st, &n), STORE_OK);
	return n;
}

static const char good_seed[] =
	"# test seed\n"				       /* 1 */
	"agencies = (\n"			       /* 2 */
	"\t{\n"					       /* 3 */
	"\t\tcode = \"DHS\";\n"			       /* 4 */
	"\t\tname = \"Homeland Security\";\n"	       /* 5 */
	"\t\tportal = \"https://www.dhs.gov/foia\";\n" /* 6 */
	"\t},\n"				       /* 7 */
	"\t{\n"					       /* 8 */
	"\t\tcode = \"ICE\";\n"			       /* 9 */
	"\t\tname = \"Immigration and Customs Enforcement\";\n"
	"\t\tparent = \"DHS\";\n"
	"\t\taddress = \"500 12th St SW\\nWashington, DC\";\n"
	"\t},\n"
	"\t{\n"
	"\t\tcode = \"SV-IAIP\";\n"
	"\t\tname = \"Instituto de Acceso a la Informaci\xC3\xB3n\";\n"
	"\t\tjurisdiction = \"sv\";\n"
	"\t\temail = \"uaip@example.gob.sv\";\n"
	"\t}\n"
	");\n";

static void test_seed_adds(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct store *st = mem_store();
	write_file(path, sizeof(path), "seed.conf", good_seed);

	int added = seed_agencies(st, path, &errs);
	if (added != 3)
		fail_msg("added %d: %s", added, errs.count ? errs.text[0] : "");
	assert_int_equal(errs.count, 0);
	assert_int_equal(agency_count(st), 3);

	struct agency a;
	assert_int_equal(store_agency_get(st, "ICE", &a), STORE_OK);
	assert_string_equal(a.name, "Immigration and Customs Enforcement");
	assert_string_equal(a.parent, "DHS");
	assert_string_equal(a.jurisdiction, "us-federal"); /* the default */
	assert_string_equal(a.address, "500 12th St SW\nWashington, DC");
	assert_null(a.email);
	assert_null(a.portal);
	agency_clear(&a);
	assert_int_equal(store_agency_get(st, "dhs", &a), STORE_OK);
	assert_string_equal(a.code, "DHS");
	assert_string_equal(a.portal, "https://www.dhs.gov/foia");
	assert_null(a.parent);
	agency_clear(&a);
	assert_int_equal(store_agency_get(st, "SV-IAIP", &a), STORE_OK);
	assert_string_equal(a.jurisdiction, "sv");
	assert_string_equal(a.email, "uaip@example.gob.sv");
	assert_string_equal(a.name,
			    "Instituto de Acceso a la Informaci\xC3\xB3n");
	agency_clear(&a);

	/* A second run finds them all and adds nothing. */
	assert_int_equal(seed_agencies(st, path, &errs), 0);
	assert_int_equal(errs.count, 0);
	assert_int_equal(agency_count(st), 3);
	store_close(st);
}

static void test_seed_keeps_user_edits(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct store *st = mem_store();
	write_file(path, sizeof(path), "seed.conf", good_seed);
	assert_int_equal(seed_agencies(st, path, &errs), 3);

	/* The group edits ICE... */
	struct agency a;
	assert_int_equal(store_agency_get(st, "ICE", &a), STORE_OK);
	free(a.name);
	a.name = strdup("ICE (edited)");
	free(a.email);
	a.email = strdup("edited@example.org");
	free(a.address);
	a.address = NULL;
	assert_non_null(a.name);
	assert_int_equal(store_agency_save(st, &a), STORE_OK);
	agency_clear(&a);

	/* ...and a later seed, with one new entry, keeps the edit. */
	char more[sizeof(good_seed) + 256];
	snprintf(more, sizeof(more),
		 "%.*s,\n\t{ code = \"CBP\"; name = "
		 "\"Customs and Border Protection\"; "
		 "parent = \"DHS\"; }\n);\n",
		 (int)(strstr(good_seed, "\t}\n);") - good_seed + 2),
		 good_seed);
	write_file(path, sizeof(path), "seed.conf", more);
	int added = seed_agencies(st, path, &errs);
	if (added != 1)
		fail_msg("added %d: %s", added, errs.count ? errs.text[0] : "");
	assert_int_equal(agency_count(st), 4);
	assert_int_equal(store_agency_get(st, "ICE", &a), STORE_OK);
	assert_string_equal(a.name, "ICE (edited)");
	assert_string_equal(a.email, "edited@example.org");
	assert_null(a.address);
	agency_clear(&a);
	assert_int_equal(store_agency_get(st, "CBP", &a), STORE_OK);
	assert_string_equal(a.parent, "DHS");
	agency_clear(&a);
	store_close(st);
}

/* A seed entry whose code differs only in case is the same agency. */
static void test_seed_case_insensitive(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct store *st = mem_store();
	write_file(path, sizeof(path), "case.conf",
		   "agencies = (\n"
		   "  { code = \"ICE\"; name = \"First\"; },\n"
		   "  { code = \"ice\"; name = \"Second\"; }\n"
		   ");\n");
	assert_int_equal(seed_agencies(st, path, &errs), 1);
	assert_int_equal(agency_count(st), 1);
	struct agency a;
	assert_int_equal(store_agency_get(st, "ice", &a), STORE_OK);
	assert_string_equal(a.code, "ICE");
	assert_string_equal(a.name, "First");
	agency_clear(&a);
	store_close(st);
}

/* Seed text whose entry on line `line` is bad: nothing is added, and the
 * one error is "path:line: msg". */
static void expect_seed_refused(const char *text, int line, const char *msg)
{
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct store *st = mem_store();
	write_file(path, sizeof(path), "bad-seed.conf", text);
	int rc = seed_agencies(st, path, &errs);
	if (rc != -1)
		fail_msg("seed returned %d for a bad file (expected '%s')", rc,
			 msg);
	assert_true(errs.count >= 1);
	expect_error(&errs, 0, path, line, msg);
	assert_int_equal(agency_count(st), 0);
	store_close(st);
}

static void test_seed_bad_email(void **state)
{
	(void)state;
	expect_seed_refused("agencies = (\n"
			    "  { code = \"DHS\"; name = \"Homeland\"; },\n"
			    "\n"
			    "  {\n"
			    "    code = \"BAD\";\n"
			    "    name = \"Bad Email Office\";\n"
			    "    email = \"not-an-email\";\n"
			    "  }\n"
			    ");\n",
			    4, "invalid email 'not-an-email' for agency 'BAD'");
}

static void test_seed_unknown_key(void **state)
{
	(void)state;
	expect_seed_refused("agencies = (\n"
			    "  { code = \"DHS\"; name = \"Homeland\"; },\n"
			    "  {\n"
			    "    code = \"ICE\";\n"
			    "    name = \"ICE\";\n"
			    "    fax = \"555-0100\";\n"
			    "  }\n"
			    ");\n",
			    6, "unknown agency setting 'fax'");
}

static void test_seed_other_refusals(void **state)
{
	(void)state;
	expect_seed_refused("agencies = (\n"
			    "  { code = \"DHS\"; name = \"Homeland\"; },\n"
			    "  { code = \"ICE\"; }\n"
			    ");\n",
			    3, "an agency needs a code and a name");
	expect_seed_refused("agencies = (\n"
			    "  { code = \"DHS\";\n"
			    "    name = 5; }\n"
			    ");\n",
			    3, "agency setting 'name' must be a string");
	expect_seed_refused(
		"agencies = (\n"
		"  { code = \"-DHS\"; name = \"Homeland\"; }\n"
		");\n",
		2,
		"invalid agency code '-DHS' (expected 1-32 letters, "
		"digits, '-', '_' or '.')");
	expect_seed_refused(
		"agencies = (\n"
		"  { code = \"X\"; name = \"X\";\n"
		"    jurisdiction = \"US\"; }\n"
		");\n",
		2,
		"invalid jurisdiction 'US' (expected a code such as "
		"'us-federal', 'us-ca' or 'sv')");
	expect_seed_refused("agencies = (\n"
			    "  { code = \"X\"; name = \"X\";\n"
			    "    portal = \"ftp://x.gov\"; }\n"
			    ");\n",
			    2,
			    "invalid portal 'ftp://x.gov' (expected an http or "
			    "https URL)");
	expect_seed_refused(
		"agencies = (\n"
		"  { code = \"X\"; name = \"X\"; parent = \"x\"; }\n"
		");\n",
		2, "agency 'X' cannot be its own parent");
	/* A component listed before its parent. */
	expect_seed_refused("agencies = (\n"
			    "  { code = \"ICE\"; name = \"ICE\";\n"
			    "    parent = \"DHS\"; },\n"
			    "  { code = \"DHS\"; name = \"Homeland\"; }\n"
			    ");\n",
			    2,
			    "agency 'ICE': unknown parent (list parents before "
			    "their components)");
	/* (libconfig dates a scalar by the token after it: keep them on
	 * one line.) */
	expect_seed_refused("agencies = (\n"
			    "  \"DHS\" );\n",
			    2, "each agency must be a { ... } group");
	expect_seed_refused("agencies = (\n"
			    "  { code = \"DHS\"; name = ; }\n"
			    ");\n",
			    2, "syntax error");
	expect_seed_refused("agencies = 5;\n", 0,
			    "expected agencies = ( { code = ...; }, ... );");
	expect_seed_refused("agency = ( { code = \"DHS\"; name = \"H\"; } );\n",
			    0, "expected agencies = ( { code = ...; }, ... );");
}

static void test_seed_missing_file(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct store *st = mem_store();
	tmp_path(path, sizeof(path), "no-seed.conf");
	assert_int_equal(seed_agencies(st, path, &errs), -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 0, "cannot read the file");
	assert_int_equal(agency_count(st), 0);
	/* The store is still usable: the failed seed left no transaction. */
	write_file(path, sizeof(path), "seed.conf", good_seed);
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(seed_agencies(st, path, &errs), 3);
	store_close(st);
}

/* After a refused seed the store takes a good one: no transaction left
 * open, nothing half-written. */
static void test_seed_after_failure(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct store *st = mem_store();
	write_file(path, sizeof(path), "bad.conf",
		   "agencies = (\n"
		   "  { code = \"DHS\"; name = \"Homeland\"; },\n"
		   "  { code = \"ICE\"; name = \"ICE\"; email = \"x\"; }\n"
		   ");\n");
	assert_int_equal(seed_agencies(st, path, &errs), -1);
	assert_int_equal(agency_count(st), 0);
	write_file(path, sizeof(path), "seed.conf", good_seed);
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(seed_agencies(st, path, &errs), 3);
	assert_int_equal(agency_count(st), 3);
	store_close(st);
}

/* config_load_agencies on its own: entries in file order, and a callback's
 * refusal reported with the entry's line. */
struct collect {
	char codes[8][40];
	int n;
	const char *refuse; /* code to refuse, or NULL */
};

static int collect_cb(const struct agency *a, void *arg, char *err,
		      size_t errlen)
{
	struct collect *c = arg;
	if (c->refuse && strcmp(a->code, c->refuse) == 0) {
		snprintf(err, errlen, "refused '%s'", a->code);
		return -1;
	}
	if (c->n < 8)
		snprintf(c->codes[c->n++], sizeof(c->codes[0]), "%s", a->code);
	return 0;
}

static void test_load_agencies_order(void **state)
{
	(void)state;
	char path[PATH_MAX];
	struct config_errors errs = {0};
	struct collect c = {.n = 0};
	write_file(path, sizeof(path), "order.conf", good_seed);
	assert_int_equal(config_load_agencies(path, collect_cb, &c, &errs), 0);
	assert_int_equal(errs.count, 0);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.codes[0], "DHS");
	assert_string_equal(c.codes[1], "ICE");
	assert_string_equal(c.codes[2], "SV-IAIP");

	struct collect r = {.n = 0, .refuse = "ICE"};
	assert_int_equal(config_load_agencies(path, collect_cb, &r, &errs), -1);
	assert_int_equal(errs.count, 1);
	expect_error(&errs, 0, path, 8, "refused 'ICE'");
	/* The walk stops at the refusal. */
	assert_int_equal(r.n, 1);
}

static void test_seed_real_file(void **state)
{
	(void)state;
	char path[PATH_MAX];
	const char *src = getenv("FOIAD_SRCDIR");
	snprintf(path, sizeof(path), "%s/config/agencies.conf",
		 src && *src ? src : FOIAD_SRCDIR);
	if (access(path, R_OK) != 0)
		fail_msg("cannot read %s (run from the repository root or set "
			 "FOIAD_SRCDIR)",
			 path);
	struct config_errors errs = {0};
	struct store *st = mem_store();
	int added = seed_agencies(st, path, &errs);
	if (added < 0)
		fail_msg("%s: %s", path, errs.count ? errs.text[0] : "?");
	assert_int_equal(errs.count, 0);
	assert_true(added >= 15);
	assert_int_equal(agency_count(st), added);

	static const char *const must[] = {"DHS", "ICE", "CBP", "USCIS",
					   "DHS-PRIV"};
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++) {
		struct agency a;
		if (store_agency_get(st, must[i], &a) != STORE_OK)
			fail_msg("%s not seeded", must[i]);
		assert_string_equal(a.code, must[i]);
		assert_non_null(a.name);
		assert_non_null(a.jurisdiction);
		if (strcmp(must[i], "DHS") != 0)
			assert_string_equal(a.parent, "DHS");
		agency_clear(&a);
	}
	/* Seeding the same file again adds nothing. */
	assert_int_equal(seed_agencies(st, path, &errs), 0);
	assert_int_equal(errs.count, 0);
	store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_load_all_keys),
		cmocka_unit_test(test_load_partial),
		cmocka_unit_test(test_load_log_levels),
		cmocka_unit_test(test_load_syntax_error),
		cmocka_unit_test(test_load_unknown_setting),
		cmocka_unit_test(test_load_wrong_types),
		cmocka_unit_test(test_load_timeout_range),
		cmocka_unit_test(test_load_relative_path),
		cmocka_unit_test(test_load_missing_optional),
		cmocka_unit_test(test_load_missing_required),
		cmocka_unit_test(test_load_error_list),
		cmocka_unit_test(test_seed_adds),
		cmocka_unit_test(test_seed_keeps_user_edits),
		cmocka_unit_test(test_seed_case_insensitive),
		cmocka_unit_test(test_seed_bad_email),
		cmocka_unit_test(test_seed_unknown_key),
		cmocka_unit_test(test_seed_other_refusals),
		cmocka_unit_test(test_seed_missing_file),
		cmocka_unit_test(test_seed_after_failure),
		cmocka_unit_test(test_load_agencies_order),
		cmocka_unit_test(test_seed_real_file),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
