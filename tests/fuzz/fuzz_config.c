/*
 * fuzz_config.c: libFuzzer target for the configuration loader
 * (daemon/config.c, config_notify.c and the other config*.c blocks of
 * foiad.conf, through libconfig), as start and SIGHUP run it.
 *
 * config_load reads a file, so each input is written to one file in a
 * temporary directory made once, and loaded over the user-mode defaults.
 * The loader must either refuse the file with at least one message naming
 * it and leave the settings it was given exactly as they were (a reload
 * keeps the running configuration), or accept it with every value inside
 * the ranges the daemon relies on. Loading the same file again must give
 * the same answer: nothing may depend on what the previous load left.
 * Everything is freed each time, so LeakSanitizer sees leaks.
 *
 * As in fuzz_jurisdictions.c, an input with @include is skipped (it would
 * make libconfig read other files, a FIFO or /dev/zero among them).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/* libconfig 1.5 (Debian 12) leaks the scanner's string buffer when a file
 * ends inside a string: see fuzz_jurisdictions.c. */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static char dir[64];
static char path[96];

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/fuzzconf.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz_config: mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/foiad.conf", dir);
	atexit(cleanup);
	/* The defaults of user mode come from these: keep them inside the
	 * temporary directory, whatever the environment says. */
	setenv("XDG_RUNTIME_DIR", dir, 1);
	setenv("XDG_DATA_HOME", dir, 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	return 0;
}

static bool write_file(const uint8_t *data, size_t size)
{
	const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return false;
	size_t off = 0;
	while (off < size) {
		const ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return false;
		}
		off += (size_t)w;
	}
	return close(fd) == 0;
}

static bool has_include(const uint8_t *data, size_t size)
{
	static const char word[] = "@include";
	const size_t n = sizeof(word) - 1;
	for (size_t i = 0; i + n <= size; i++)
		if (strncasecmp((const char *)data + i, word, n) == 0)
			return true;
	return false;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* The settings a refused load must not have touched (pointers included:
 * the old strings must still be the ones in place). */
static bool unchanged(const struct config *a, const struct config *b)
{
	return a->file == b->file && a->socket == b->socket &&
	       a->database == b->database && a->agencies == b->agencies &&
	       a->jurisdictions == b->jurisdictions &&
	       a->client_timeout == b->client_timeout &&
	       a->log_level == b->log_level &&
	       a->reminders.nleads == b->reminders.nleads &&
	       a->reminders.time == b->reminders.time &&
	       a->smtp.url == b->smtp.url && a->nprojects == b->nprojects &&
	       a->projects == b->projects &&
	       a->report_min_sample == b->report_min_sample;
}

static void check_accepted(const struct config *c)
{
	check(c->file && strcmp(c->file, path) == 0);
	check(c->socket && c->database && c->jurisdictions);
	check(c->client_timeout >= 1 && c->client_timeout <= 3600);
	check(c->log_level >= LOG_LVL_ERROR && c->log_level <= LOG_LVL_DEBUG);
	check(c->reminders.nleads <= REMINDERS_MAX_LEADS);
	for (size_t i = 0; i < c->reminders.nleads; i++) {
		check(c->reminders.leads[i] >= 0);
		check(i == 0 ||
		      c->reminders.leads[i] < c->reminders.leads[i - 1]);
	}
	check(c->reminders.time >= 0 && c->reminders.time < 24 * 60);
	check(c->reminders.timezone != NULL);
	check(c->reminders.followup_every >= 0);
	for (size_t i = 0; i < c->smtp.nto; i++)
		check(c->smtp.to && c->smtp.to[i] != NULL);
	check(!c->smtp.to || c->smtp.to[c->smtp.nto] == NULL);
	for (size_t i = 0; i < c->nprojects; i++) {
		const struct project_config *p = &c->projects[i];
		check(p->name != NULL);
		check(config_project(c, p->name) != NULL);
		check(!p->to || p->to[p->nto] == NULL);
	}
}

/* Load the file over the defaults; -1 or 0, the config kept in out when
 * accepted (cleared otherwise). */
static int load_once(struct config *out, size_t *nerr)
{
	struct config cfg, before;
	struct config_errors errs;
	memset(&errs, 0, sizeof(errs));
	check(config_defaults(&cfg, false) == 0);
	before = cfg;
	const int rc = config_load(&cfg, path, true, &errs);
	check(rc == 0 || rc == -1);
	*nerr = errs.count;
	if (rc != 0) {
		check(errs.count > 0 && errs.text[0][0] != '\0');
		for (size_t i = 0; i < errs.count; i++) {
			check(memchr(errs.text[i], '\0', CONFIG_ERROR_LEN));
			check(strncmp(errs.text[i], path, strlen(path)) == 0);
		}
		check(unchanged(&cfg, &before));
		config_clear(&cfg);
		return -1;
	}
	check(errs.count == 0);
	check_accepted(&cfg);
	*out = cfg;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (has_include(data, size) || !write_file(data, size))
		return 0;
	struct config a, b;
	size_t na = 0, nb = 0;
	const int ra = load_once(&a, &na), rb = load_once(&b, &nb);
	check(ra == rb && na == nb);
	if (ra == 0) {
		check(same_str(a.socket, b.socket) &&
		      same_str(a.database, b.database) &&
		      same_str(a.smtp.url, b.smtp.url) &&
		      a.client_timeout == b.client_timeout &&
		      a.nprojects == b.nprojects);
		config_clear(&a);
		config_clear(&b);
	}
	return 0;
}
