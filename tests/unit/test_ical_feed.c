/*
 * test_ical_feed.c: the calendar feeds (issue 4): the iCalendar text of
 * deadlines (daemon/ical_feed.c), what goes into the feeds and how they
 * are split and written (daemon/feeds.c), the SEQUENCE and time stamps
 * kept in the store (daemon/store_feed.c), the "ics" method, and the
 * calendar and reminders blocks of foiad.conf.
 *
 * Each test runs on a fresh ":memory:" store seeded from
 * config/agencies.conf, with the laws of config/jurisdictions.conf loaded
 * once (tests run from the repository root; FOIAD_SRCDIR overrides).
 * Requests are made through rpc_handle_line as foia makes them. Feeds are
 * rendered at a fixed clock (today 2025-03-20 unless a test moves it), so
 * which deadlines are due or overdue is certain. Every feed is checked the
 * same way: libical parses it without an error and its restriction checks
 * pass, reprinting it gives the same bytes, every line ends in CRLF, no
 * line is over 75 octets and no fold splits a UTF-8 character.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "config.h"
#include "daemon.h"
#include "feeds.h"
#include "foia/civil.h"
#include "ical_feed.h"
#include "jurisdiction.h"
#include "peer.h"
#include "rpc.h"
#include "seed.h"
#include "store.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define LAWS	 FOIAD_SRCDIR "/config/jurisdictions.conf"
#define AGENCIES FOIAD_SRCDIR "/config/agencies.conf"

static struct daemon dmn;
static struct jurisdictions laws;
static const struct peer alice = {
	.pid = 1, .uid = 1000, .gid = 1000, .name = "alice"};
static json_int_t next_id;
static char tmpdir[PATH_MAX];

/* 2025-03-20 12:00:00 UTC, and later moments. */
#define T0 ((time_t)1742472000)

static struct feed_clock clock_at(const char *today, time_t now)
{
	struct feed_clock c = {0, now};
	assert_true(civil_parse(today, &c.today));
	return c;
}

/* --- plumbing ------------------------------------------------------------ */

static json_t *call(const char *method, json_t *params)
{
	json_t *req = json_pack("{s:i, s:I, s:s}", "v", 1, "id", ++next_id,
				"method", method);
	assert_non_null(req);
	if (params)
		assert_int_equal(json_object_set_new(req, "params", params), 0);
	char *line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	assert_non_null(line);
	char *out = rpc_handle_line(&dmn, &alice, line, strlen(line));
	free(line);
	assert_non_null(out);
	json_error_t jerr;
	json_t *reply = json_loads(out, 0, &jerr);
	if (!reply)
		fail_msg("reply is not JSON (%s): '%s'", jerr.text, out);
	free(out);
	return reply;
}

/* The result of a call that must succeed (the reply is freed). */
static void ok(const char *method, json_t *params)
{
	json_t *reply = call(method, params);
	if (!json_object_get(reply, "result")) {
		char *s = json_dumps(reply, 0);
		fprintf(stderr, "# %s\n", s);
		free(s);
		fail_msg("%s failed", method);
	}
	json_decref(reply);
}

/* The error code of a call that must fail. */
static void fails(const char *method, json_t *params, const char *code)
{
	json_t *reply = call(method, params);
	const char *got = json_string_value(
		json_object_get(json_object_get(reply, "error"), "code"));
	if (!got || strcmp(got, code) != 0)
		fail_msg("%s: expected error %s, got %s", method, code,
			 got ? got : "a result");
	json_decref(reply);
}

/* File one request; returns its id. received NULL: a draft. */
static json_int_t file_req(const char *agency, const char *subject,
			   const char *project, const char *received,
			   bool expedited)
{
	json_t *p = json_pack("{s:[s], s:s, s:b}", "agencies", agency,
			      "subject", subject, "expedited", expedited);
	assert_non_null(p);
	if (project)
		json_object_set_new(p, "project", json_string(project));
	if (received) {
		json_object_set_new(p, "sent", json_string(received));
		json_object_set_new(p, "received", json_string(received));
	}
	json_t *reply = call("request.file", p);
	json_t *ids = json_object_get(json_object_get(reply, "result"), "ids");
	if (json_array_size(ids) != 1)
		fail_msg("request.file refused '%s'", subject);
	json_int_t id = json_integer_value(json_array_get(ids, 0));
	json_decref(reply);
	return id;
}

static void set_status(json_int_t id, const char *status, const char *date)
{
	ok("request.update", json_pack("{s:I, s:s, s:s}", "id", id, "status",
				       status, "date", date));
}

static void toll(json_int_t id, const char *from, const char *until)
{
	ok("request.toll",
	   json_pack("{s:I, s:s, s:s, s:s}", "id", id, "from", from, "until",
		     until, "reason", "clarification"));
}

static int group_setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char err[256] = "";
	const char *base = getenv("TMPDIR");
	if (config_load_jurisdictions(LAWS, &laws, &errs) != 0 ||
	    jurisdictions_build(&laws, err, sizeof(err)) != 0) {
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.text[i]);
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/test_ical_feed.XXXXXX",
		 base && *base ? base : "/tmp");
	return mkdtemp(tmpdir) ? 0 : -1;
}

/* Remove dir and what is in it (one level of subdirectories). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[PATH_MAX + 256];
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) < 0)
			remove_tree(p);
	}
	closedir(d);
	rmdir(dir);
}

static int group_teardown(void **state)
{
	(void)state;
	jurisdictions_free(&laws);
	remove_tree(tmpdir);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	struct config_errors errs = {0};
	char err[256];
	memset(&dmn, 0, sizeof(dmn));
	if (config_defaults(&dmn.cfg, false) < 0)
		return -1;
	dmn.cfg.calendar.domain = strdup("foiad.test");
	dmn.store = store_open(":memory:", err, sizeof(err));
	if (!dmn.store || !dmn.cfg.calendar.domain) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	dmn.laws = laws;
	if (seed_agencies(dmn.store, AGENCIES, &errs) < 1)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	feeds_shutdown(&dmn);
	store_close(dmn.store);
	config_clear(&dmn.cfg);
	memset(&dmn, 0, sizeof(dmn));
	return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* --- reading feeds ------------------------------------------------------- */

/* Every check a feed must pass; returns its number of events. */
static size_t check_feed(const char *text)
{
	char err[512];
	size_t n = 0, len = strlen(text);
	if (ical_feed_check(text, &n, err, sizeof(err)) != 0)
		fail_msg("%s\n%s", err, text);
	char *again = ical_feed_reprint(text);
	assert_non_null(again);
	if (strcmp(again, text) != 0)
		fail_msg("libical does not print the feed back the same:\n%s",
			 again);
	free(again);
	assert_true(strncmp(text, "BEGIN:VCALENDAR\r\n", 17) == 0);
	assert_true(len >= 15 &&
		    strcmp(text + len - 15, "END:VCALENDAR\r\n") == 0);
	const char *line = text;
	for (const char *p = text; *p; p++) {
		if (*p == '\r')
			assert_int_equal(p[1], '\n');
		if (*p != '\n')
			continue;
		if (p == text || p[-1] != '\r')
			fail_msg("a bare LF at offset %td", p - text);
		size_t octets = (size_t)(p - 1 - line);
		if (octets > 75)
			fail_msg("a line of %zu octets: %.*s", octets,
				 (int)octets, line);
		/* A folded line goes on after one space: never with the
		 * rest of a UTF-8 character. */
		if (p[1] == ' ' && ((unsigned char)p[2] & 0xc0) == 0x80)
			fail_msg("a fold splits a character at offset %td",
				 p - text);
		line = p + 1;
	}
	return n;
}

/* text without its folds. */
static char *unfold(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(n + 1), *q = out;
	assert_non_null(out);
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '\r' && text[i + 1] == '\n' &&
		    text[i + 2] == ' ') {
			i += 2;
			continue;
		}
		*q++ = text[i];
	}
	*q = '\0';
	return out;
}

/* The unfolded VEVENT of uid in text (a malloc'd copy), or NULL. */
static char *event_of(const char *text, const char *uid)
{
	char key[256];
	char *flat = unfold(text);
	snprintf(key, sizeof(key), "\r\nUID:%s\r\n", uid);
	char *at = strstr(flat, key);
	char *out = NULL;
	if (at) {
		char *begin = at;
		while (begin > flat && strncmp(begin, "BEGIN:VEVENT", 12) != 0)
			begin--;
		char *end = strstr(at, "END:VEVENT\r\n");
		assert_non_null(end);
		end += 12;
		out = strndup(begin, (size_t)(end - begin));
	}
	free(flat);
	return out;
}

/* The value of the first property name of an unfolded component. */
static char *prop(const char *ev, const char *name)
{
	char key[64];
	snprintf(key, sizeof(key), "\r\n%s", name);
	const char *at = strstr(ev, key);
	if (!at)
		fail_msg("no %s in:\n%s", name, ev);
	at += strlen(key);
	const char *end = strstr(at, "\r\n");
	return strndup(at, (size_t)(end - at));
}

static void expect_prop(const char *ev, const char *name, const char *want)
{
	char *got = prop(ev, name);
	if (strcmp(got, want) != 0)
		fail_msg("%s: got '%s', expected '%s'", name, got, want);
	free(got);
}

static void expect_in(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not in:\n%s", want, text);
}

static void expect_not_in(const char *text, const char *what)
{
	if (strstr(text, what))
		fail_msg("'%s' unexpectedly in:\n%s", what, text);
}

static char *render(const char *project, struct feed_clock clk)
{
	char *text, err[256];
	size_t len;
	if (feeds_render(&dmn, project, &clk, &text, &len, err, sizeof(err)) !=
	    0)
		fail_msg("feeds_render: %s", err);
	assert_int_equal(strlen(text), len);
	check_feed(text);
	return text;
}

static size_t count(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, what)); p++)
		n++;
	return n;
}

/* The fixture: ids 1..5. */
struct fixture {
	json_int_t cecot, overdue, closed, draft, other;
};

static struct fixture make_fixture(void)
{
	struct fixture f;
	/* Due 2025-03-31 (20 working days), expedition 2025-03-13. */
	f.cecot = file_req("ICE", "Detention records, 2019; all emails",
			   "cecot", "2025-03-03", true);
	ok("request.update", json_pack("{s:I, s:s}", "id", f.cecot, "tracking",
				       "2025-ICFO-00012"));
	/* Due 2025-03-04 (Presidents Day skipped): overdue. */
	f.overdue = file_req("CBP", "Body cameras", NULL, "2025-02-03", false);
	f.closed = file_req("ICE", "Closed one", "cecot", "2025-03-03", false);
	set_status(f.closed, "closed", "2025-03-05");
	f.draft = file_req("ICE", "Not sent", "drafts", NULL, false);
	f.other = file_req("CBP", "Another project", "Other Proj/x",
			   "2025-03-05", false);
	return f;
}

/* --- the text of a feed -------------------------------------------------- */

static void test_feed_text(void **state)
{
	(void)state;
	struct fixture f = make_fixture();
	char *text = render(NULL, clock_at("2025-03-20", T0));
	char *ev;

	assert_int_equal(check_feed(text), 4);
	expect_in(text, "\r\nX-WR-CALNAME:FOIA deadlines\r\n");
	expect_in(text, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n");
	expect_in(text, "\r\nX-PUBLISHED-TTL:PT1H\r\n");
	expect_in(text, "\r\nPRODID:-//foiad//foiad ");

	ev = event_of(text, "1-determination@foiad.test");
	assert_non_null(ev);
	expect_prop(ev, "DTSTART;VALUE=DATE:", "20250331");
	expect_prop(ev, "DTEND;VALUE=DATE:", "20250401");
	expect_prop(ev, "SEQUENCE:", "0");
	expect_prop(ev, "DTSTAMP:", "20250320T120000Z");
	expect_prop(ev, "LAST-MODIFIED:", "20250320T120000Z");
	expect_prop(ev, "CREATED:", "20250320T120000Z");
	expect_prop(ev, "SUMMARY:", "ICE #1: FOIA response due");
	/* Commas and semicolons escaped, line breaks as \n. */
	expect_in(ev, "DESCRIPTION:Subject: Detention records\\, 2019\\; all "
		      "emails\\nAgency: ICE");
	expect_in(ev, "\\nTracking number: 2025-ICFO-00012\\n");
	expect_in(ev, "\\nStatute: 5 U.S.C. 552");
	expect_in(ev, "\\nDays allowed: 20 working days\\n");
	expect_in(ev, "\\nDue: 2025-03-31\\nProject: cecot\\n");
	expect_in(ev, "Details: foia show 1\r\n");
	expect_in(ev, "\r\nCATEGORIES:cecot\r\nCATEGORIES:ICE\r\n"
		      "CATEGORIES:us-federal\r\n");
	/* Leads 7, 1, 0 at 09:00. */
	assert_int_equal(count(ev, "BEGIN:VALARM"), 3);
	/* The alarm names agency and deadline (the summary names the
	 * request): one text for many events, printed once. */
	expect_in(ev, "TRIGGER:-P6DT15H\r\nDESCRIPTION:ICE: FOIA response "
		      "due in 7 days\r\n");
	expect_in(ev, "TRIGGER:-PT15H\r\n");
	expect_in(ev, "TRIGGER:PT9H\r\n");
	free(ev);

	/* Overdue: marked, no alarms (all in the past), still there. */
	ev = event_of(text, "1-expedited@foiad.test");
	assert_non_null(ev);
	expect_prop(ev, "DTSTART;VALUE=DATE:", "20250313");
	expect_prop(ev, "SUMMARY:",
		    "OVERDUE: ICE #1: expedited processing decision due");
	expect_in(ev, "\\nDue: 2025-03-13\\, overdue since 2025-03-14\\n");
	expect_not_in(ev, "VALARM");
	free(ev);
	ev = event_of(text, "2-determination@foiad.test");
	assert_non_null(ev);
	expect_prop(ev, "DTSTART;VALUE=DATE:", "20250304");
	expect_prop(ev, "SUMMARY:", "OVERDUE: CBP #2: FOIA response due");
	expect_in(ev, "\\nTracking number: none\\n");
	expect_not_in(ev, "CATEGORIES:cecot");
	free(ev);

	/* Closed and draft requests have no events. */
	expect_not_in(text, "UID:3-");
	expect_not_in(text, "UID:4-");
	assert_non_null(ev = event_of(text, "5-determination@foiad.test"));
	free(ev);
	(void)f;

	/* The same data, the same clock: the same bytes. */
	char *again = render(NULL, clock_at("2025-03-20", T0 + 60));
	assert_string_equal(again, text);
	free(again);
	free(text);
}

static void test_sequence(void **state)
{
	(void)state;
	struct fixture f = make_fixture();
	char *text, *ev;

	free(render(NULL, clock_at("2025-03-20", T0)));
	/* A toll moves the response date: same UID, SEQUENCE 1, stamped
	 * when it moved; nothing else changes. */
	toll(f.cecot, "2025-03-10", "2025-03-20");
	text = render(NULL, clock_at("2025-03-20", T0 + 3600));
	ev = event_of(text, "1-determination@foiad.test");
	assert_non_null(ev);
	expect_prop(ev, "DTSTART;VALUE=DATE:", "20250410");
	expect_prop(ev, "SEQUENCE:", "1");
	expect_prop(ev, "DTSTAMP:", "20250320T130000Z");
	expect_prop(ev, "LAST-MODIFIED:", "20250320T130000Z");
	expect_prop(ev, "CREATED:", "20250320T120000Z");
	free(ev);
	ev = event_of(text, "1-expedited@foiad.test");
	expect_prop(ev, "SEQUENCE:", "0");
	expect_prop(ev, "DTSTAMP:", "20250320T120000Z");
	free(ev);
	ev = event_of(text, "2-determination@foiad.test");
	expect_prop(ev, "SEQUENCE:", "0");
	expect_prop(ev, "LAST-MODIFIED:", "20250320T120000Z");
	free(ev);

	/* Regenerated later with nothing changed: the same text. */
	char *again = render(NULL, clock_at("2025-03-20", T0 + 7200));
	assert_string_equal(again, text);
	free(again);
	free(text);

	/* Another move, by an extension: SEQUENCE 2. */
	ok("request.extend", json_pack("{s:I, s:s, s:i}", "id", f.cecot, "date",
				       "2025-03-20", "days", 5));
	text = render(NULL, clock_at("2025-03-20", T0 + 10800));
	ev = event_of(text, "1-determination@foiad.test");
	expect_prop(ev, "DTSTART;VALUE=DATE:", "20250417");
	expect_prop(ev, "SEQUENCE:", "2");
	free(ev);
	free(text);

	/* Other text changes the stamps, not SEQUENCE. */
	ok("request.update", json_pack("{s:I, s:s}", "id", f.cecot, "tracking",
				       "2025-ICFO-00099"));
	text = render(NULL, clock_at("2025-03-20", T0 + 14400));
	ev = event_of(text, "1-determination@foiad.test");
	expect_prop(ev, "SEQUENCE:", "2");
	expect_prop(ev, "LAST-MODIFIED:", "20250320T160000Z");
	expect_prop(ev, "DTSTAMP:", "20250320T160000Z");
	expect_in(ev, "Tracking number: 2025-ICFO-00099");
	free(ev);
	ev = event_of(text, "2-determination@foiad.test");
	expect_prop(ev, "LAST-MODIFIED:", "20250320T120000Z");
	free(ev);
	free(text);

	/* Turning overdue changes the SUMMARY and LAST-MODIFIED, not the
	 * date, so not SEQUENCE. */
	text = render(NULL, clock_at("2025-04-18", T0 + 86400 * 29));
	ev = event_of(text, "1-determination@foiad.test");
	expect_prop(ev, "SUMMARY:", "OVERDUE: ICE #1: FOIA response due");
	expect_prop(ev, "SEQUENCE:", "2");
	expect_prop(ev, "DTSTART;VALUE=DATE:", "20250417");
	expect_prop(ev, "LAST-MODIFIED:", "20250418T120000Z");
	free(ev);
	free(text);

	/* Answered: the response leaves; the appeal window of a denial
	 * comes in with its own UID. */
	set_status(f.cecot, "denied", "2025-04-18");
	text = render(NULL, clock_at("2025-04-18", T0 + 86400 * 29 + 60));
	expect_not_in(text, "UID:1-determination@");
	expect_not_in(text, "UID:1-expedited@");
	ev = event_of(text, "1-appeal_window@foiad.test");
	assert_non_null(ev);
	expect_prop(ev, "SEQUENCE:", "0");
	expect_prop(ev, "SUMMARY:", "ICE #1: appeal window closes");
	free(ev);
	free(text);

	/* Closed: every deadline of the request leaves. */
	set_status(f.overdue, "closed", "2025-04-18");
	text = render(NULL, clock_at("2025-04-18", T0 + 86400 * 29 + 120));
	expect_not_in(text, "UID:2-");
	free(text);
}

/* A clock stopped by an open toll has no date: its event leaves the feed
 * and comes back, moved, when the toll ends. */
static void test_open_toll(void **state)
{
	(void)state;
	struct fixture f = make_fixture();
	char *text = render(NULL, clock_at("2025-03-20", T0)), *ev;
	ev = event_of(text, "5-determination@foiad.test");
	assert_non_null(ev);
	char *before = prop(ev, "DTSTART;VALUE=DATE:");
	free(ev);
	free(text);
	ok("request.toll", json_pack("{s:I, s:s, s:s}", "id", f.other, "from",
				     "2025-03-10", "reason", "fees"));
	text = render(NULL, clock_at("2025-03-20", T0 + 60));
	expect_not_in(text, "UID:5-determination@");
	free(text);
	ok("request.toll",
	   json_pack("{s:I, s:s}", "id", f.other, "until", "2025-03-14"));
	text = render(NULL, clock_at("2025-03-20", T0 + 120));
	ev = event_of(text, "5-determination@foiad.test");
	assert_non_null(ev);
	char *after = prop(ev, "DTSTART;VALUE=DATE:");
	assert_true(strcmp(after, before) > 0);
	expect_prop(ev, "SEQUENCE:", "1");
	expect_prop(ev, "CREATED:", "20250320T120000Z");
	expect_prop(ev, "DTSTAMP:", "20250320T120200Z");
	free(before);
	free(after);
	free(ev);
	free(text);
}

/* --- projects and files -------------------------------------------------- */

static char *read_file(const char *dir, const char *name)
{
	char path[PATH_MAX + 256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s", path);
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		fwrite(chunk, 1, n, mem);
	fclose(fp);
	fclose(mem);
	return buf;
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX + 256];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	fputs(text, fp);
	assert_int_equal(fclose(fp), 0);
}

static size_t count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_project_files(void **state)
{
	(void)state;
	char dir[PATH_MAX + 32], other[96], all_proj[96], err[256];
	struct feed_clock clk = clock_at("2025-03-20", T0);
	make_fixture();
	file_req("ICE", "A project called all", "all", "2025-03-10", false);
	snprintf(dir, sizeof(dir), "%s/feeds/calendars", tmpdir);

	/* The directory is made; every project has a file. */
	int n = feeds_write(&dmn, dir, &clk, err, sizeof(err));
	if (n < 0)
		fail_msg("feeds_write: %s", err);
	assert_int_equal(n, 5);
	feeds_file_name("Other Proj/x", other, sizeof(other));
	feeds_file_name("all", all_proj, sizeof(all_proj));
	assert_true(exists(dir, "all.ics"));
	assert_true(exists(dir, "cecot.ics"));
	assert_true(exists(dir, "drafts.ics"));
	assert_true(exists(dir, other));
	assert_true(exists(dir, all_proj));
	assert_int_equal(count_files(dir), 5);

	char *all = read_file(dir, "all.ics");
	char *cecot = read_file(dir, "cecot.ics");
	char *drafts = read_file(dir, "drafts.ics");
	char *oth = read_file(dir, other);
	assert_int_equal(check_feed(all), 5);
	assert_int_equal(check_feed(cecot), 2);
	assert_int_equal(check_feed(drafts), 0);
	assert_int_equal(check_feed(oth), 1);
	expect_in(cecot, "\r\nX-WR-CALNAME:FOIA deadlines: cecot\r\n");
	expect_in(cecot, "UID:1-determination@foiad.test\r\n");
	expect_in(cecot, "UID:1-expedited@foiad.test\r\n");
	expect_not_in(cecot, "UID:2-");
	expect_not_in(cecot, "UID:3-"); /* closed */
	/* X-WR-CALNAME loses the characters libical would not escape. */
	expect_in(oth, "X-WR-CALNAME:FOIA deadlines: Other Proj/x\r\n");
	expect_in(oth, "UID:5-determination@foiad.test\r\n");

	/* The file and the method give the same text. */
	char *text = render("cecot", clk);
	assert_string_equal(text, cecot);
	free(text);
	text = render(NULL, clk);
	assert_string_equal(text, all);
	free(text);

	/* Unchanged: no file is replaced. */
	struct stat before, after;
	char path[PATH_MAX + 160];
	snprintf(path, sizeof(path), "%s/cecot.ics", dir);
	assert_int_equal(stat(path, &before), 0);
	assert_int_equal(feeds_write(&dmn, dir, &clk, err, sizeof(err)), 0);
	assert_int_equal(stat(path, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);

	/* A change in cecot replaces its file and all.ics only; a feed of
	 * ours no project has any more goes, with temporaries a crash
	 * left; a file that is not ours stays. */
	write_text(dir, "gone.ics",
		   "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//foiad//foiad "
		   "0.0.1//EN\r\nEND:VCALENDAR\r\n");
	write_text(dir, "mine.ics", "BEGIN:VCALENDAR\r\nPRODID:-//me//EN\r\n");
	write_text(dir, ".all.ics.Ab12Cd", "partial");
	struct stat other_before, other_after;
	snprintf(path, sizeof(path), "%s/%s", dir, other);
	assert_int_equal(stat(path, &other_before), 0);
	toll(1, "2025-03-10", "2025-03-20");
	clk.now += 60;
	assert_int_equal(feeds_write(&dmn, dir, &clk, err, sizeof(err)), 2);
	assert_int_equal(stat(path, &other_after), 0);
	assert_int_equal(other_before.st_ino, other_after.st_ino);
	snprintf(path, sizeof(path), "%s/cecot.ics", dir);
	assert_int_equal(stat(path, &after), 0);
	assert_int_not_equal(before.st_ino, after.st_ino);
	assert_false(exists(dir, "gone.ics"));
	assert_false(exists(dir, ".all.ics.Ab12Cd"));
	assert_true(exists(dir, "mine.ics"));
	assert_true(exists(dir, "drafts.ics"));
	free(cecot);
	cecot = read_file(dir, "cecot.ics");
	char *ev = event_of(cecot, "1-determination@foiad.test");
	expect_prop(ev, "SEQUENCE:", "1");
	free(ev);
	assert_int_equal((int)(after.st_mode & 0777), 0644);
	/* all.ics, made of the new cecot events and the others copied from
	 * their unchanged files, is what a full rendering gives. */
	free(all);
	all = read_file(dir, "all.ics");
	text = render(NULL, clk);
	assert_string_equal(text, all);
	free(text);
	/* A project file removed behind foiad's back is made again. */
	snprintf(path, sizeof(path), "%s/%s", dir, other);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(feeds_write(&dmn, dir, &clk, err, sizeof(err)), 1);
	assert_true(exists(dir, other));

	free(all);
	free(cecot);
	free(drafts);
	free(oth);
}

static void test_file_names(void **state)
{
	(void)state;
	char a[128], b[128];
	feeds_file_name("cecot", a, sizeof(a));
	assert_string_equal(a, "cecot.ics");
	feeds_file_name("ice-2025_v2.1", a, sizeof(a));
	assert_string_equal(a, "ice-2025_v2.1.ics");
	/* Unsafe names get a hash of the whole name. */
	feeds_file_name("Other Proj/x", a, sizeof(a));
	assert_int_equal(strncmp(a, "Other-Proj-x-", 13), 0);
	assert_int_equal(strlen(a), 13 + 8 + 4);
	feeds_file_name("Other Proj-x", b, sizeof(b));
	assert_string_not_equal(a, b);
	feeds_file_name("../etc/passwd", a, sizeof(a));
	assert_int_equal(strncmp(a, "_.-etc-passwd-", 14), 0);
	assert_null(strchr(a, '/'));
	feeds_file_name(".hidden", a, sizeof(a));
	assert_int_equal(a[0], '_');
	feeds_file_name("-rf", a, sizeof(a));
	assert_int_equal(a[0], '_');
	feeds_file_name("all", a, sizeof(a));
	assert_string_not_equal(a, "all.ics");
	assert_int_equal(strncmp(a, "all-", 4), 0);
	feeds_file_name("café", a, sizeof(a));
	assert_int_equal(strncmp(a, "caf--", 5), 0);
}

/* --- refusals and failures ----------------------------------------------- */

static void test_failures(void **state)
{
	(void)state;
	char *text, err[256], path[PATH_MAX + 32];
	size_t len;
	struct feed_clock clk = clock_at("2025-03-20", T0);
	make_fixture();

	assert_int_equal(
		feeds_render(&dmn, "nope", &clk, &text, &len, err, sizeof(err)),
		1);
	assert_null(text);
	assert_string_equal(err, "no project 'nope'");
	/* A project whose requests are all drafts or closed: an empty
	 * calendar, not an error. */
	text = render("drafts", clk);
	assert_int_equal(check_feed(text), 0);
	free(text);

	/* A directory that cannot be made. */
	write_text(tmpdir, "plain", "x");
	snprintf(path, sizeof(path), "%s/plain/calendars", tmpdir);
	assert_int_equal(feeds_write(&dmn, path, &clk, err, sizeof(err)), -1);
	expect_in(err, "cannot create directory '");
	expect_in(err, "plain/calendars'");

	/* The method. */
	fails("ics", json_pack("{s:s}", "project", "nope"), "not_found");
	fails("ics", json_pack("{s:s}", "project", ""), "invalid");
	fails("ics", json_pack("{s:i}", "project", 3), "invalid");
	fails("ics", json_pack("{s:b}", "all", 1), "invalid");

	/* libical's check finds what is wrong. */
	assert_int_equal(
		ical_feed_check("not a calendar", &len, err, sizeof(err)), -1);
	assert_int_equal(
		ical_feed_check(
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
			"BEGIN:VEVENT\r\nUID:1\r\nDTSTAMP:20250101T000000Z"
			"\r\nDTSTART:notadate\r\n"
			"END:VEVENT\r\nEND:VCALENDAR\r\n",
			&len, err, sizeof(err)),
		-1);
	assert_int_equal(
		ical_feed_check(
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
			"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20250101\r\n"
			"END:VEVENT\r\nEND:VCALENDAR\r\n",
			&len, err, sizeof(err)),
		-1);
	assert_string_equal(err, "a VEVENT without exactly one UID");
}

static void test_method_ics(void **state)
{
	(void)state;
	make_fixture();
	struct feed_clock clk = feeds_clock_now();
	char *want = render("cecot", clk);
	json_t *reply = call("ics", json_pack("{s:s}", "project", "cecot"));
	const char *got = json_string_value(
		json_object_get(json_object_get(reply, "result"), "text"));
	assert_non_null(got);
	assert_string_equal(got, want);
	json_decref(reply);
	free(want);
	/* Without a project: everything. */
	reply = call("ics", NULL);
	got = json_string_value(
		json_object_get(json_object_get(reply, "result"), "text"));
	assert_non_null(got);
	assert_int_equal(check_feed(got), 4);
	json_decref(reply);
}

/* --- the writer on its own ----------------------------------------------- */

static void test_escaping(void **state)
{
	(void)state;
	static const int leads[] = {2};
	const char *cats[] = {"a,b;c\\d", "ok"};
	char desc[2048];
	/* Long lines of multi-byte characters must fold between them. */
	size_t n = 0;
	while (n + 3 < 600) {
		memcpy(desc + n, n % 7 ? "é" : "€", n % 7 ? 2 : 3);
		n += n % 7 ? 2 : 3;
	}
	desc[n] = '\0';
	struct ical_feed_event e = {
		.uid = "9-determination@foiad.test",
		.date = civil_to_days(2025, 12, 31),
		.sequence = 4,
		.created = "2025-01-02T03:04:05Z",
		.changed = "2025-06-07T08:09:10Z",
		.summary = "a, b; c\\d\ne\r\nf\x01g",
		.description = desc,
		.categories = cats,
		.ncategories = 2,
	};
	struct ical_feed_alarms alarms = {leads, 1, 17 * 60 + 30};
	struct ical_feed_info info = {"x; y, z", NULL, 15};
	char *head = ical_feed_head(&info), *ev = ical_feed_event(&e, &alarms);
	assert_non_null(head);
	assert_non_null(ev);
	const char *tail = ical_feed_tail();
	size_t hl = strlen(head), el = strlen(ev), tl = strlen(tail);
	char *all = malloc(hl + el + tl + 1);
	assert_non_null(all);
	memcpy(all, head, hl);
	memcpy(all + hl, ev, el);
	memcpy(all + hl + el, tail, tl + 1); /* with its NUL */
	assert_int_equal(check_feed(all), 1);
	char *flat = unfold(all);
	expect_in(flat, "\r\nSUMMARY:a\\, b\\; c\\\\d\\ne\\nf g\r\n");
	expect_in(flat, "\r\nCATEGORIES:a b c d\r\nCATEGORIES:ok\r\n");
	expect_in(flat, "\r\nX-WR-CALNAME:x  y  z\r\n");
	expect_in(flat, "\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n");
	expect_in(flat, "\r\nDTSTART;VALUE=DATE:20251231\r\n");
	expect_in(flat, "\r\nDTEND;VALUE=DATE:20260101\r\n");
	expect_in(flat, "\r\nSEQUENCE:4\r\n");
	expect_in(flat, "\r\nCREATED:20250102T030405Z\r\n");
	expect_in(flat, "\r\nDTSTAMP:20250607T080910Z\r\n");
	/* Two days before at 17:30: -(48h - 17.5h). */
	expect_in(flat, "\r\nTRIGGER:-P1DT6H30M\r\n");
	expect_in(flat, "\r\nDESCRIPTION:");
	expect_in(flat, desc);
	free(flat);
	free(all);
	free(head);
	free(ev);

	/* A malformed time stamp is refused, not printed. */
	e.changed = "2025-06-07 08:09:10";
	assert_null(ical_feed_event(&e, NULL));
	e.changed = "2025-06-07T08:09:10Z";
	e.created = "";
	assert_null(ical_feed_event(&e, NULL));
}

/* The writer's events are libical's, byte for byte: random texts (commas,
 * semicolons, backslashes, line breaks, control and multi-byte characters,
 * lines long enough to fold), dates, stamps, categories and alarms, enough
 * distinct lines to fill the writer's memory and go past it. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8;
}

static void random_text(char *buf, size_t cap)
{
	static const char *const bits[] = {"a",
					   "Zz",
					   " ",
					   ",",
					   ";",
					   "\\",
					   "\n",
					   "\r\n",
					   "\t",
					   "\x01",
					   "é",
					   "€",
					   "𝄞",
					   ":",
					   "\"",
					   "ICE #12",
					   "FOIA response due"};
	size_t n = 0, want = rnd() % 300;
	while (n < want) {
		const char *b = bits[rnd() % (sizeof(bits) / sizeof(bits[0]))];
		size_t l = strlen(b);
		if (n + l + 1 > cap)
			break;
		memcpy(buf + n, b, l);
		n += l;
	}
	buf[n] = '\0';
}

static void writer_matches_libical(void **state)
{
	(void)state;
	static const int leads_a[] = {7, 1, 0}, leads_b[] = {30};
	static const char *const stamps[] = {"2025-01-02T03:04:05Z",
					     "2025-06-07T08:09:10Z",
					     "2026-11-23T23:59:59Z"};
	static const char *const cats_pool[] = {"cecot",    "ICE", "us-federal",
						"a,b;c\\d", "é€",  ""};
	struct ical_feed_writer *w = ical_feed_writer_new();
	assert_non_null(w);
	char uid[64], summary[1300], desc[1300], alarm[1300];
	for (int i = 0; i < 6000; i++) {
		const char *cats[3];
		size_t ncats = rnd() % 4;
		for (size_t k = 0; k < ncats; k++)
			cats[k] = cats_pool[rnd() % 6];
		snprintf(uid, sizeof(uid), "%d-determination@foiad.test", i);
		random_text(summary, sizeof(summary));
		random_text(desc, sizeof(desc));
		random_text(alarm, sizeof(alarm));
		struct ical_feed_alarms alarms = {rnd() % 2 ? leads_a : leads_b,
						  rnd() % 2 ? 3 : 1,
						  (int)(rnd() % 1440)};
		if (alarms.leads == leads_b)
			alarms.n = 1;
		struct ical_feed_event e = {
			.uid = uid,
			/* 1978..2100: more dates than the writer keeps */
			.date = civil_to_days(1978, 1, 1) +
				(int32_t)(rnd() % 44000),
			.sequence = rnd() % 5,
			.created = stamps[rnd() % 3],
			.changed = stamps[rnd() % 3],
			.summary = summary,
			.description = rnd() % 5 ? desc : NULL,
			.categories = cats,
			.ncategories = ncats,
			.alarm_text = rnd() % 3
					      ? (rnd() % 2 ? "ICE: due" : alarm)
					      : NULL,
		};
		const struct ical_feed_alarms *a = rnd() % 4 ? &alarms : NULL;
		char *want = ical_feed_event(&e, a);
		char *got = ical_feed_writer_event(w, &e, a);
		assert_non_null(want);
		assert_non_null(got);
		assert_string_equal(got, want);
		free(want);
		free(got);
	}
	/* A malformed stamp is refused by both, first seen or not. */
	struct ical_feed_event bad = {.uid = "x@y",
				      .date = 20000,
				      .created = "2025-01-02T03:04:05Z",
				      .changed = "2025-01-02 03:04:05",
				      .summary = "s"};
	assert_null(ical_feed_event(&bad, NULL));
	assert_null(ical_feed_writer_event(w, &bad, NULL));
	assert_null(ical_feed_writer_event(w, &bad, NULL));
	bad.changed = "2025-01-02T03:04:05Z";
	bad.created = "yesterday";
	assert_null(ical_feed_writer_event(w, &bad, NULL));
	ical_feed_writer_free(w);
}

/* --- configuration ------------------------------------------------------- */

static int load(const char *text, struct config *cfg,
		struct config_errors *errs)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof(path), "%s/foiad.conf", tmpdir);
	write_text(tmpdir, "foiad.conf", text);
	memset(errs, 0, sizeof(*errs));
	assert_int_equal(config_defaults(cfg, false), 0);
	return config_load(cfg, path, true, errs);
}

static void expect_error(const struct config_errors *errs, const char *want)
{
	for (size_t i = 0; i < errs->count; i++)
		if (strstr(errs->text[i], want))
			return;
	for (size_t i = 0; i < errs->count; i++)
		fprintf(stderr, "# %s\n", errs->text[i]);
	fail_msg("no error '%s'", want);
}

static void test_config(void **state)
{
	(void)state;
	struct config cfg;
	struct config_errors errs;

	/* Defaults. */
	assert_int_equal(load("", &cfg, &errs), 0);
	assert_null(cfg.calendar.directory);
	assert_null(cfg.calendar.domain);
	assert_int_equal(cfg.reminders.nleads, 3);
	assert_int_equal(cfg.reminders.leads[0], 7);
	assert_int_equal(cfg.reminders.leads[1], 1);
	assert_int_equal(cfg.reminders.leads[2], 0);
	assert_int_equal(cfg.reminders.time, 9 * 60);
	assert_non_null(cfg.reminders.timezone);
	assert_int_equal(cfg.reminders.followup_every, 14);
	assert_int_equal(cfg.reminders.digest, DIGEST_WEEKLY);
	config_clear(&cfg);

	assert_int_equal(
		load("calendar = { directory = \"/srv/cal\"; domain = "
		     "\"foiad.example.org\"; };\n"
		     "reminders = { leads = [1, 14, 0]; time = \"17:45\"; "
		     "timezone = \"UTC\"; followup_every = 30; digest = "
		     "\"off\"; };\n",
		     &cfg, &errs),
		0);
	assert_string_equal(cfg.calendar.directory, "/srv/cal");
	assert_string_equal(cfg.calendar.domain, "foiad.example.org");
	assert_int_equal(cfg.reminders.nleads, 3);
	assert_int_equal(cfg.reminders.leads[0], 14); /* largest first */
	assert_int_equal(cfg.reminders.leads[2], 0);
	assert_int_equal(cfg.reminders.time, 17 * 60 + 45);
	assert_string_equal(cfg.reminders.timezone, "UTC");
	assert_int_equal(cfg.reminders.followup_every, 30);
	assert_int_equal(cfg.reminders.digest, DIGEST_OFF);
	config_clear(&cfg);

	assert_int_equal(load("reminders = { leads = []; };\n", &cfg, &errs),
			 0);
	assert_int_equal(cfg.reminders.nleads, 0);
	config_clear(&cfg);

	/* Every mistake reported, with its line; nothing applied. */
	assert_int_equal(
		load("calendar = { directory = \"cal\"; domain = \"a..b\"; "
		     "dir = 1; };\n"
		     "reminders = { leads = [3, 3]; time = \"25:00\"; timezone "
		     "= \"../etc/passwd\"; followup_every = 0; digest = "
		     "\"hourly\"; };\n"
		     "calendars = 1;\n",
		     &cfg, &errs),
		-1);
	expect_error(&errs, ":1: 'calendar.directory' must be an absolute "
			    "path, not 'cal'");
	expect_error(&errs, ":1: 'calendar.domain' must be a domain name");
	expect_error(&errs, ":1: unknown setting 'calendar.dir' (expected "
			    "directory or domain)");
	expect_error(&errs, ":2: 'reminders.leads' has 3 twice");
	expect_error(&errs, ":2: 'reminders.time' must be a time of day");
	expect_error(&errs, ":2: unknown time zone '../etc/passwd'");
	expect_error(&errs, ":2: 'reminders.followup_every' must be");
	expect_error(&errs, ":2: unknown reminders.digest 'hourly'");
	expect_error(&errs, ":3: unknown setting 'calendars'");
	assert_null(cfg.calendar.directory);
	config_clear(&cfg);

	assert_int_equal(load("calendar = \"/srv/cal\";\n"
			      "reminders = { leads = [400]; };\n",
			      &cfg, &errs),
			 -1);
	expect_error(&errs, ":1: 'calendar' must be a group");
	expect_error(&errs, ":2: 'reminders.leads' must hold whole numbers");
	config_clear(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_feed_text),  T(test_sequence),
		T(test_open_toll),  T(test_project_files),
		T(test_file_names), T(test_failures),
		T(test_method_ics), T(test_escaping),
		T(test_config),	    cmocka_unit_test(writer_matches_libical),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
