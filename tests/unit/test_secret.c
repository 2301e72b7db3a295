/*
 * test_secret.c: unit tests of the password files (daemon/secret.c).
 *
 * A password is taken only from a regular file that neither its group nor
 * others may read, checked on the file opened (a symbolic link is not
 * followed); it is the first line, without its line end; and no error
 * ever quotes it. Each refusal is checked by its exact message.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "secret.h"
#include "testutil.h"

#define PASSWORD "c0rrect-h0rse-battery"

static char path[PATH_MAX + 64];

static int setup(void **state)
{
	(void)state;
	return tmpdir_make("test_secret");
}

static int teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

/* tmpdir/name with content, mode mode; its path in path. */
static void put(const char *name, const char *content, mode_t mode)
{
	assert_true(snprintf(path, sizeof(path), "%s/%s", tmpdir, name) <
		    (int)sizeof(path));
	unlink(path);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(content, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* secret_read of path must fail with exactly want, never quoting the
 * password; secret_check must agree when check_too. */
static void refused(const char *want, bool check_too)
{
	char buf[64] = "untouched", err[512] = "";
	assert_int_equal(secret_read(path, buf, sizeof(buf), err, sizeof(err)),
			 -1);
	assert_string_equal(err, want);
	assert_null(strstr(err, PASSWORD));
	assert_string_equal(buf, "untouched");
	if (check_too) {
		err[0] = '\0';
		assert_int_equal(secret_check(path, err, sizeof(err)), -1);
		assert_string_equal(err, want);
	}
}

static void test_private_file(void **state)
{
	(void)state;
	char buf[64], err[512];
	put("ok.pass", PASSWORD "\nsecond line\n", 0600);
	assert_int_equal(secret_check(path, err, sizeof(err)), 0);
	assert_int_equal(secret_read(path, buf, sizeof(buf), err, sizeof(err)),
			 0);
	assert_string_equal(buf, PASSWORD);

	/* CRLF, no final newline, owner read-only: the same. */
	put("crlf.pass", PASSWORD "\r\n", 0400);
	assert_int_equal(secret_read(path, buf, sizeof(buf), err, sizeof(err)),
			 0);
	assert_string_equal(buf, PASSWORD);
	put("bare.pass", PASSWORD, 0600);
	assert_int_equal(secret_read(path, buf, sizeof(buf), err, sizeof(err)),
			 0);
	assert_string_equal(buf, PASSWORD);
}

static void test_readable_by_others(void **state)
{
	(void)state;
	char want[PATH_MAX + 256];
	put("group.pass", PASSWORD "\n", 0640);
	snprintf(want, sizeof(want),
		 "password file '%s' is readable by its group: refused (chmod "
		 "600 it)",
		 path);
	refused(want, true);
	put("world.pass", PASSWORD "\n", 0604);
	snprintf(want, sizeof(want),
		 "password file '%s' is readable by everyone: refused (chmod "
		 "600 it)",
		 path);
	refused(want, true);
	put("both.pass", PASSWORD "\n", 0644);
	refused((snprintf(want, sizeof(want),
			  "password file '%s' is readable by everyone: "
			  "refused (chmod 600 it)",
			  path),
		 want),
		true);
}

static void test_not_a_plain_file(void **state)
{
	(void)state;
	char want[PATH_MAX + 256], link[PATH_MAX + 64];

	/* A link to a private file is still refused: the file read must be
	 * the file named, not wherever a link points. */
	put("target.pass", PASSWORD "\n", 0600);
	assert_true(snprintf(link, sizeof(link), "%s/link.pass", tmpdir) <
		    (int)sizeof(link));
	unlink(link);
	assert_int_equal(symlink(path, link), 0);
	memcpy(path, link, sizeof(path));
	snprintf(want, sizeof(want), "password file '%s': %s", path,
		 strerror(ELOOP));
	refused(want, false);
	unlink(link);

	assert_true(snprintf(path, sizeof(path), "%s/missing.pass", tmpdir) <
		    (int)sizeof(path));
	snprintf(want, sizeof(want), "password file '%s': %s", path,
		 strerror(ENOENT));
	refused(want, true);
}

static void test_empty_and_too_long(void **state)
{
	(void)state;
	char want[PATH_MAX + 256], big[200], buf[64], err[512];

	put("empty.pass", "\nafter a blank line\n", 0600);
	snprintf(want, sizeof(want), "password file '%s' is empty", path);
	refused(want, false);

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("long.pass", big, 0600);
	assert_int_equal(secret_read(path, buf, sizeof(buf), err, sizeof(err)),
			 -1);
	snprintf(want, sizeof(want),
		 "password file '%s': the password is too long", path);
	assert_string_equal(err, want);
	assert_null(strstr(err, "xxxx"));
}

#define T(name) cmocka_unit_test(name)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_private_file),
		T(test_readable_by_others),
		T(test_not_a_plain_file),
		T(test_empty_and_too_long),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
