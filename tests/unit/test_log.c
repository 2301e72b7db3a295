/*
 * test_log.c: unit tests of the daemon's log lines (daemon/log.c).
 *
 * On stderr each event is one line, "foiad: <severity>: <message>", with
 * every line break or other control character of the message made a
 * space; below the threshold nothing is written; with JOURNAL_STREAM
 * naming stderr the line carries journald's "<N>" priority instead. Each
 * test points fd 2 at a file of its own and reads back what was written.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "log.h"
#include "testutil.h"

static char file[PATH_MAX + 32];
static int saved_stderr = -1;

static int setup(void **state)
{
	(void)state;
	if (tmpdir_make("test_log") < 0)
		return -1;
	if (snprintf(file, sizeof(file), "%s/stderr", tmpdir) >=
	    (int)sizeof(file))
		return -1;
	fflush(stderr);
	saved_stderr = dup(2);
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || saved_stderr < 0 || dup2(fd, 2) < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	unsetenv("JOURNAL_STREAM");
	unsetenv("INVOCATION_ID");
	unlink(file);
	return tmpdir_remove();
}

/* What was written to stderr since the last call. */
static const char *written(void)
{
	static char buf[4096];
	static long from;
	fflush(stderr);
	FILE *f = fopen(file, "r");
	assert_non_null(f);
	assert_int_equal(fseek(f, from, SEEK_SET), 0);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	from += (long)n;
	fclose(f);
	return buf;
}

static void test_stderr_lines(void **state)
{
	(void)state;
	unsetenv("JOURNAL_STREAM");
	log_init(true, LOG_LVL_INFO);
	log_info("listening on %s", "/run/foiad/foiad.sock");
	assert_string_equal(
		written(), "foiad: info: listening on /run/foiad/foiad.sock\n");
	log_warnx("subject '%s' looks odd", "two\nlines\tand\r more");
	assert_string_equal(
		written(),
		"foiad: warning: subject 'two lines and  more' looks odd\n");
	errno = ENOENT;
	log_warn("open '%s'", "x.conf");
	assert_string_equal(written(),
			    "foiad: warning: open 'x.conf': No such file or "
			    "directory\n");
	log_debug("not shown at info");
	assert_string_equal(written(), "");
	log_set_level(LOG_LVL_DEBUG);
	log_debug("status by %s: ok", "alice");
	assert_string_equal(written(), "foiad: debug: status by alice: ok\n");
	log_set_level(LOG_LVL_ERROR);
	log_warnx("hidden");
	log_info("hidden");
	assert_string_equal(written(), "");
}

static void test_journal_lines(void **state)
{
	(void)state;
	struct stat st;
	char js[64];
	assert_int_equal(fstat(2, &st), 0);
	snprintf(js, sizeof(js), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	assert_int_equal(setenv("JOURNAL_STREAM", js, 1), 0);
	assert_true(log_stderr_is_journal());
	assert_true(log_under_systemd());
	log_init(true, LOG_LVL_DEBUG);
	log_warnx("smtp: %s", "login\nrefused");
	log_info("stopped");
	log_debug("client gone");
	assert_string_equal(
		written(),
		"<4>smtp: login refused\n<6>stopped\n<7>client gone\n");

	/* A stream that is not stderr (a redirect under systemd). */
	assert_int_equal(setenv("JOURNAL_STREAM", "1:1", 1), 0);
	assert_false(log_stderr_is_journal());
	unsetenv("INVOCATION_ID");
	assert_false(log_under_systemd());
	assert_int_equal(setenv("INVOCATION_ID", "0123abcd", 1), 0);
	assert_true(log_under_systemd());
	log_init(true, LOG_LVL_INFO);
	log_info("plain");
	assert_string_equal(written(), "foiad: info: plain\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stderr_lines),
		cmocka_unit_test(test_journal_lines),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
