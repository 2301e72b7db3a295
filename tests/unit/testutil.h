/*
 * testutil.h: helpers that several unit tests in tests/unit/ share, so that
 * each is written once: a private mkdtemp directory with files in it, the
 * exact "file:line: message" check of a loader's errors, dates written as
 * text, and (with TESTUTIL_RPC defined before the include) the harness that
 * drives the protocol through rpc_handle_line on a ":memory:" store.
 *
 * It is a header, not a .c file, because the Makefile builds every
 * tests/unit/test_*.c on its own against build/libfoiad.a; each test gets
 * its own copy. Everything is static and marked unused, since no test uses
 * all of it and -Wunused-function would otherwise fail the build.
 */
#ifndef FOIAD_TESTUTIL_H
#define FOIAD_TESTUTIL_H

#include <dirent.h>
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
#include "foia/civil.h"

#define TU_UNUSED __attribute__((unused))

/* --- a private temporary directory --------------------------------------- */

/* Made by tmpdir_make in a group setup, removed by tmpdir_remove in the
 * group teardown. */
TU_UNUSED static char tmpdir[PATH_MAX];

/* A new directory $TMPDIR/name.XXXXXX (/tmp without TMPDIR); 0 or -1. */
TU_UNUSED static int tmpdir_make(const char *name)
{
	const char *base = getenv("TMPDIR");
	snprintf(tmpdir, sizeof(tmpdir), "%s/%s.XXXXXX",
		 base && *base ? base : "/tmp", name);
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove tmpdir and the files in it (the tests make no subdirectories);
 * rmdir's result. */
TU_UNUSED static int tmpdir_remove(void)
{
	DIR *d = opendir(tmpdir);
	if (!d)
		return -1;
	struct dirent *de;
	char p[PATH_MAX + 256];
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
		unlink(p);
	}
	closedir(d);
	return rmdir(tmpdir);
}

/* tmpdir/name into buf. */
TU_UNUSED static void tmp_path(char *buf, size_t len, const char *name)
{
	int n = snprintf(buf, len, "%s/%s", tmpdir, name);
	assert_true(n > 0 && (size_t)n < len);
}

/* Write text to tmpdir/name; the path goes into buf. */
TU_UNUSED static void write_file(char *buf, size_t len, const char *name,
				 const char *text)
{
	tmp_path(buf, len, name);
	FILE *f = fopen(buf, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* --- loader errors ------------------------------------------------------- */

/* Error i is exactly "path:line: msg" (line > 0) or "path: msg". */
TU_UNUSED static void expect_error(const struct config_errors *errs, size_t i,
				   const char *path, int line, const char *msg)
{
	char want[CONFIG_ERROR_LEN + 64];
	if (line > 0)
		snprintf(want, sizeof(want), "%s:%d: %s", path, line, msg);
	else
		snprintf(want, sizeof(want), "%s: %s", path, msg);
	if (i >= errs->count)
		fail_msg("expected error %zu '%s', only %zu errors", i, want,
			 errs->count);
	if (strcmp(errs->text[i], want) != 0)
		fail_msg("error %zu is '%s', expected '%s'", i, errs->text[i],
			 want);
}

/* --- dates --------------------------------------------------------------- */

/* The day number of "YYYY-MM-DD"; a bad date fails the test. */
TU_UNUSED static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

#ifdef TESTUTIL_RPC
/* --- the protocol harness ------------------------------------------------ */

#include <time.h>

#include <jansson.h>

#include "daemon.h"
#include "peer.h"
#include "rpc.h"
#include "store.h"

/* The daemon the calls go to, opened by rpc_open and closed by rpc_close
 * around every test; the caller is always alice. */
TU_UNUSED static struct daemon dmn;
TU_UNUSED static const struct peer alice = {
	.pid = 1, .uid = 1000, .gid = 1000, .name = "alice"};
/* Every reply of the running test, so values taken from replies stay valid
 * until the test ends. */
TU_UNUSED static json_t *keep;
TU_UNUSED static json_int_t next_id;

/* A fresh ":memory:" store in dmn, and an empty keep; 0 or -1. */
TU_UNUSED static int rpc_open(void)
{
	char err[512] = "";
	memset(&dmn, 0, sizeof(dmn));
	dmn.store = store_open(":memory:", err, sizeof(err));
	if (!dmn.store) {
		fprintf(stderr, "store_open: %s\n", err);
		return -1;
	}
	dmn.cfg.database = strdup(":memory:");
	dmn.started = time(NULL);
	keep = json_array();
	next_id = 0;
	if (!dmn.cfg.database || !keep)
		return -1;
	return 0;
}

/* Undo rpc_open. Whatever else the test put in dmn is the caller's. */
TU_UNUSED static void rpc_close(void)
{
	json_decref(keep);
	keep = NULL;
	store_close(dmn.store);
	free(dmn.cfg.database);
	memset(&dmn, 0, sizeof(dmn));
}

/* A reply as the server would send it (freed here): it must be one JSON
 * value on one line ending in '\n'. Returns it, kept until rpc_close. */
TU_UNUSED static json_t *parse_reply(char *out)
{
	assert_non_null(out);
	size_t n = strlen(out);
	if (n < 2 || out[n - 1] != '\n' || memchr(out, '\n', n - 1))
		fail_msg("reply is not one line: '%s'", out);
	json_error_t jerr;
	json_t *reply = json_loadb(out, n - 1, 0, &jerr);
	if (!reply)
		fail_msg("reply is not JSON (%s): '%s'", jerr.text, out);
	free(out);
	assert_int_equal(json_array_append_new(keep, reply), 0);
	return reply;
}

/* One line through rpc_handle_line; the reply must be one JSON object on
 * one line, with "v" 1, an "id" and exactly one of result and error. */
TU_UNUSED static json_t *send_raw(const char *line, size_t len)
{
	json_t *reply = parse_reply(rpc_handle_line(&dmn, &alice, line, len));
	assert_true(json_is_object(reply));
	assert_true(json_is_integer(json_object_get(reply, "v")));
	assert_int_equal(json_integer_value(json_object_get(reply, "v")), 1);
	assert_true(!json_object_get(reply, "result") !=
		    !json_object_get(reply, "error"));
	assert_non_null(json_object_get(reply, "id"));
	return reply;
}

TU_UNUSED static json_t *send_line(const char *line)
{
	return send_raw(line, strlen(line));
}

/* Build params with json_pack; fails the test on a bad format. */
TU_UNUSED static json_t *P(const char *fmt, ...)
{
	va_list ap;
	json_error_t jerr;
	va_start(ap, fmt);
	json_t *v = json_vpack_ex(&jerr, 0, fmt, ap);
	va_end(ap);
	if (!v)
		fail_msg("json_pack '%s': %s", fmt, jerr.text);
	return v;
}

/* The request line for method with params (a new reference, stolen; NULL
 * for none), with the next id. Free it. */
TU_UNUSED static char *request_line(const char *method, json_t *params)
{
	json_t *req = json_pack("{s:i, s:I, s:s}", "v", 1, "id", ++next_id,
				"method", method);
	assert_non_null(req);
	if (params)
		assert_int_equal(json_object_set_new(req, "params", params), 0);
	char *line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_non_null(line);
	return line;
}

/* Call method with params (stolen; NULL for none). The id must be echoed.
 * Returns the reply. */
TU_UNUSED static json_t *call(const char *method, json_t *params)
{
	char *line = request_line(method, params);
	json_t *reply = send_line(line);
	free(line);
	assert_true(json_is_integer(json_object_get(reply, "id")));
	assert_int_equal(json_integer_value(json_object_get(reply, "id")),
			 next_id);
	return reply;
}

TU_UNUSED static const char *err_code(json_t *reply)
{
	return json_string_value(
		json_object_get(json_object_get(reply, "error"), "code"));
}

TU_UNUSED static const char *err_message(json_t *reply)
{
	return json_string_value(
		json_object_get(json_object_get(reply, "error"), "message"));
}

/* The result of a call that must succeed; it must be an object. */
TU_UNUSED static json_t *ok(const char *method, json_t *params)
{
	json_t *reply = call(method, params);
	json_t *result = json_object_get(reply, "result");
	if (!result)
		fail_msg("%s failed: %s: %s", method, err_code(reply),
			 err_message(reply));
	assert_true(json_is_object(result));
	return result;
}

/* A call that must fail with code and (unless NULL) exactly msg. Returns
 * the message. */
TU_UNUSED static const char *fails(const char *method, json_t *params,
				   const char *code, const char *msg)
{
	json_t *reply = call(method, params);
	if (json_object_get(reply, "result"))
		fail_msg("%s succeeded, expected %s '%s'", method, code,
			 msg ? msg : "");
	const char *c = err_code(reply), *m = err_message(reply);
	assert_non_null(c);
	assert_non_null(m);
	if (strcmp(c, code) != 0 || (msg && strcmp(m, msg) != 0))
		fail_msg("%s: got %s '%s', expected %s '%s'", method, c, m,
			 code, msg ? msg : "(any)");
	return m;
}

/* --- field access on results --------------------------------------------- */

/* o's key, which must be there. */
TU_UNUSED static json_t *get(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		fail_msg("no key '%s' in %s", key,
			 json_is_object(o) ? "object" : "non-object");
	return v;
}

/* o's key is the string want, or null when want is NULL. */
TU_UNUSED static void expect_str(json_t *o, const char *key, const char *want)
{
	json_t *v = get(o, key);
	if (!want) {
		if (!json_is_null(v))
			fail_msg("'%s' is %s, expected null", key,
				 json_string_value(v) ? json_string_value(v)
						      : "not null");
		return;
	}
	if (!json_is_string(v))
		fail_msg("'%s' is not a string (expected '%s')", key, want);
	if (strcmp(json_string_value(v), want) != 0)
		fail_msg("'%s' is '%s', expected '%s'", key,
			 json_string_value(v), want);
}

TU_UNUSED static json_int_t int_of(json_t *o, const char *key)
{
	json_t *v = get(o, key);
	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", key);
	return json_integer_value(v);
}

TU_UNUSED static void expect_int(json_t *o, const char *key, json_int_t want)
{
	if (int_of(o, key) != want)
		fail_msg("'%s' is %lld, expected %lld", key,
			 (long long)int_of(o, key), (long long)want);
}

TU_UNUSED static void expect_bool(json_t *o, const char *key, bool want)
{
	json_t *v = get(o, key);
	if (!json_is_boolean(v))
		fail_msg("'%s' is not a boolean", key);
	if (json_is_true(v) != want)
		fail_msg("'%s' is %s, expected %s", key,
			 json_is_true(v) ? "true" : "false",
			 want ? "true" : "false");
}

TU_UNUSED static void expect_null(json_t *o, const char *key)
{
	if (!json_is_null(get(o, key)))
		fail_msg("'%s' is not null", key);
}
#endif /* TESTUTIL_RPC */

#endif /* FOIAD_TESTUTIL_H */
