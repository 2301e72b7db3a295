/*
 * test_rpc_import.c: unit tests of holidays.import (daemon/method_import.c)
 * and what it leans on: the holiday table (daemon/store_holiday.c), the
 * calendars rebuilt with stored days (daemon/holiday_load.c,
 * jurisdictions_build_extra) and the deferred reply (rpc_handle answering
 * RPC_PENDING while a download runs).
 *
 * The calls go through the protocol envelope on a ":memory:" store with the
 * laws of config/jurisdictions.conf, as a caller named "alice". Every
 * refused import is checked to have changed nothing: the stored holidays,
 * the history, the calendar shown by `holidays` and a deadline from `calc`
 * are the same before and after. The URL tests run a small HTTP server in
 * this process, on 127.0.0.1, driven by the same loop that drives the
 * download (fetch_pollfds, poll, fetch_dispatch), as the server does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "daemon.h"
#include "fetch.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "holiday_load.h"
#include "jurisdiction.h"
#include "peer.h"
#include "rpc.h"
#include "server.h"
#include "store.h"

#define TESTUTIL_RPC
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif
#define SHIPPED FOIAD_SRCDIR "/config/jurisdictions.conf"

/* A feed of the given VEVENT bodies, one "DATE|NAME" per event. */
static char *feed(const char *first, ...)
{
	static char buf[1 << 14];
	va_list ap;
	size_t n = (size_t)snprintf(buf, sizeof(buf),
				    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n");
	va_start(ap, first);
	for (const char *e = first; e; e = va_arg(ap, const char *)) {
		const char *bar = strchr(e, '|');
		assert_non_null(bar);
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:%.*s"
				      "\r\nSUMMARY:%s\r\nEND:VEVENT\r\n",
				      (int)(bar - e), e, bar + 1);
	}
	va_end(ap);
	snprintf(buf + n, sizeof(buf) - n, "END:VCALENDAR\r\n");
	return buf;
}

/* --- plumbing (the rest is in testutil.h) ------------------------------- */

static const char *str_of(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("'%s' is not a string", key);
	return s;
}

static json_t *import_ics(const char *calendar, const char *ics)
{
	return ok("holidays.import",
		  json_pack("{s:s, s:s}", "calendar", calendar, "ics", ics));
}

static void expect_counts(json_t *r, json_int_t added, json_int_t skipped,
			  const char *calendar)
{
	assert_int_equal(int_of(r, "added"), added);
	assert_int_equal(int_of(r, "skipped"), skipped);
	assert_string_equal(str_of(r, "calendar"), calendar);
}

/* The day's entry in `holidays` for its year (us-federal unless juris),
 * or NULL. */
static json_t *holiday_on(const char *date, const char *juris)
{
	int year = atoi(date);
	json_t *r = ok("holidays",
		       json_pack("{s:i, s:s}", "year", year, "jurisdiction",
				 juris ? juris : "us-federal"));
	json_t *d;
	size_t i;
	json_array_foreach(json_object_get(r, "days"), i, d)
	{
		if (strcmp(str_of(d, "date"), date) == 0)
			return d;
	}
	return NULL;
}

static const char *due_of(const char *received, const char *juris)
{
	json_t *r = ok("calc", json_pack("{s:s, s:s}", "received", received,
					 "jurisdiction", juris));
	return str_of(r, "due");
}

static int count_cb(const struct holiday *h, void *arg)
{
	(void)h;
	(*(size_t *)arg)++;
	return 0;
}

static size_t stored_holidays(void)
{
	size_t n = 0;
	assert_int_equal(store_holiday_list(dmn.store, count_cb, &n), STORE_OK);
	return n;
}

/* Events about no request, of kind "holidays", kept as JSON-ish text. */
struct ev_seen {
	size_t n;
	char last[512];
};

static int event_cb(const struct event *e, void *arg)
{
	struct ev_seen *s = arg;
	if (strcmp(e->kind, "holidays") != 0)
		return 0;
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s|%s|%s|%s", e->actor,
		 e->field ? e->field : "-", e->new_value ? e->new_value : "-",
		 e->note ? e->note : "-");
	return 0;
}

static struct ev_seen holiday_events(void)
{
	struct ev_seen s = {0};
	assert_int_equal(store_event_list(dmn.store, 0, event_cb, &s),
			 STORE_OK);
	return s;
}

/* Everything a refused import must leave alone. */
struct snapshot {
	size_t stored, events;
	json_t *holidays;
	char due[16];
};

static void snap(struct snapshot *s)
{
	s->stored = stored_holidays();
	s->events = holiday_events().n;
	s->holidays = json_deep_copy(
		ok("holidays", json_pack("{s:i}", "year", 2025)));
	assert_non_null(s->holidays);
	snprintf(s->due, sizeof(s->due), "%s",
		 due_of("2025-03-03", "us-federal"));
}

static void expect_unchanged(struct snapshot *before)
{
	struct snapshot after;
	snap(&after);
	assert_int_equal(after.stored, before->stored);
	assert_int_equal(after.events, before->events);
	assert_string_equal(after.due, before->due);
	if (!json_equal(after.holidays, before->holidays))
		fail_msg("the calendar changed after a refused import");
	json_decref(before->holidays);
	json_decref(after.holidays);
}

static int load_laws(struct jurisdictions *j)
{
	struct config_errors errs = {0};
	char err[512];
	if (config_load_jurisdictions(SHIPPED, j, &errs) < 0) {
		for (size_t i = 0; i < errs.count; i++)
			fprintf(stderr, "%s\n", errs.text[i]);
		return -1;
	}
	if (holidays_build(dmn.store, j, err, sizeof(err)) < 0) {
		fprintf(stderr, "holidays_build: %s\n", err);
		jurisdictions_free(j);
		return -1;
	}
	return 0;
}

static int setup(void **state)
{
	(void)state;
	if (rpc_open() < 0 || load_laws(&dmn.laws) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	jurisdictions_free(&dmn.laws);
	rpc_close();
	return 0;
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

/* --- the store ------------------------------------------------------------ */

struct listed {
	size_t n;
	char rows[4][160];
};

static int list_cb(const struct holiday *h, void *arg)
{
	struct listed *l = arg;
	assert_true(h->id > 0);
	assert_non_null(h->created);
	assert_int_equal(strlen(h->created), 20);
	assert_int_equal(h->created[19], 'Z');
	if (l->n < 4)
		snprintf(l->rows[l->n], sizeof(l->rows[0]), "%s %s %s %s %s",
			 h->calendar, h->date, h->name,
			 h->source ? h->source : "-", h->created_by);
	l->n++;
	return 0;
}

static void test_store_holiday(void **state)
{
	(void)state;
	assert_true(store_schema_version() >= 2);
	struct holiday h = {.calendar = "uk",
			    .date = "2025-05-08",
			    .name = "VE Day",
			    .source = "https://example.org/uk.ics",
			    .created_by = "alice"};
	assert_int_equal(store_holiday_add(dmn.store, &h), STORE_OK);
	assert_true(h.id > 0);
	/* The same date again, even under another name: a conflict, and
	 * nothing written. */
	struct holiday again = h;
	again.name = "Other";
	again.id = 0;
	assert_int_equal(store_holiday_add(dmn.store, &again), STORE_CONFLICT);
	assert_int_equal(again.id, 0);
	assert_non_null(strstr(store_errmsg(dmn.store), "2025-05-08"));
	/* The same date in another calendar is another day. */
	struct holiday fed = {.calendar = "us-federal",
			      .date = "2025-05-08",
			      .name = "Local day",
			      .created_by = "bob"};
	assert_int_equal(store_holiday_add(dmn.store, &fed), STORE_OK);
	struct holiday early = {.calendar = "uk",
				.date = "2025-01-02",
				.name = "Second",
				.created_by = "alice"};
	assert_int_equal(store_holiday_add(dmn.store, &early), STORE_OK);

	struct listed l = {0};
	assert_int_equal(store_holiday_list(dmn.store, list_cb, &l), STORE_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.rows[0], "uk 2025-01-02 Second - alice");
	assert_string_equal(l.rows[1], "uk 2025-05-08 VE Day "
				       "https://example.org/uk.ics alice");
	assert_string_equal(l.rows[2], "us-federal 2025-05-08 Local day - bob");
}

/* --- holidays.import with "ics" ------------------------------------------- */

static void test_import_added(void **state)
{
	(void)state;
	assert_null(holiday_on("2025-03-14", NULL));
	json_t *r = import_ics("us-federal", feed("20250314|Pi Day",
						  "20250620|Summer day", NULL));
	expect_counts(r, 2, 0, "us-federal");
	assert_int_equal(stored_holidays(), 2);

	/* `holidays` lists it at once, as a day off that is no closure. */
	json_t *d = holiday_on("2025-03-14", NULL);
	assert_non_null(d);
	assert_string_equal(str_of(d, "name"), "Pi Day");
	assert_string_equal(str_of(d, "weekday"), "Fri");
	assert_true(json_is_false(json_object_get(d, "closure")));
	assert_true(json_is_false(json_object_get(d, "observed")));
	assert_non_null(holiday_on("2025-06-20", NULL));
	/* Every law counting on the federal calendar sees it (California
	 * does, with own_calendar false); a law with a calendar of its own
	 * (the District's) does not. */
	assert_non_null(holiday_on("2025-03-14", "us-ca"));
	assert_null(holiday_on("2025-03-14", "us-dc"));

	/* The history says who imported how many into what. */
	struct ev_seen ev = holiday_events();
	assert_int_equal(ev.n, 1);
	assert_string_equal(ev.last, "alice|us-federal|2|iCalendar text");
}

static void test_import_duplicates(void **state)
{
	(void)state;
	const char *ics = feed("20250314|Pi Day", "20250620|Summer day", NULL);
	expect_counts(import_ics("us-federal", ics), 2, 0, "us-federal");
	/* The same feed again adds nothing. */
	expect_counts(import_ics("us-federal", ics), 0, 2, "us-federal");
	assert_int_equal(stored_holidays(), 2);
	assert_int_equal(holiday_events().n, 1);
	/* A day the calendar already has (Independence Day), a date the
	 * feed gives twice, and one before 1978: skipped. */
	json_t *r = import_ics("us-federal",
			       feed("20250704|Fourth of July",
				    "20250815|Assumption", "20250815|Again",
				    "19700101|Epoch", NULL));
	expect_counts(r, 1, 3, "us-federal");
	assert_int_equal(stored_holidays(), 3);
	assert_string_equal(str_of(holiday_on("2025-07-04", NULL), "name"),
			    "Independence Day");
	assert_string_equal(str_of(holiday_on("2025-08-15", NULL), "name"),
			    "Assumption");
	assert_int_equal(holiday_events().n, 2);
}

static void test_calc_skips_imported_day(void **state)
{
	(void)state;
	/* 20 working days from Monday 3 March 2025. */
	assert_string_equal(due_of("2025-03-03", "us-federal"), "2025-03-31");
	const char *uk_before = due_of("2025-03-03", "uk");
	char uk[16];
	snprintf(uk, sizeof(uk), "%s", uk_before);

	expect_counts(import_ics("us-federal", feed("20250314|Pi Day", NULL)),
		      1, 0, "us-federal");
	assert_string_equal(due_of("2025-03-03", "us-federal"), "2025-04-01");
	/* Another calendar is not touched. */
	assert_string_equal(due_of("2025-03-03", "uk"), uk);

	/* A weekend day imported changes no count. */
	expect_counts(import_ics("us-federal", feed("20250322|Saturday", NULL)),
		      1, 0, "us-federal");
	assert_string_equal(due_of("2025-03-03", "us-federal"), "2025-04-01");
}

static void test_unknown_calendar(void **state)
{
	(void)state;
	struct snapshot before;
	snap(&before);
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "nope", "ics",
			feed("20250314|Pi Day", NULL)),
	      FOIA_E_NOT_FOUND,
	      "unknown calendar 'nope' (calendars: us-federal, us-dc, uk, ca, "
	      "eu, sv, mx)");
	/* A law's code is not a calendar name. */
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-ca", "ics",
			feed("20250314|Pi Day", NULL)),
	      FOIA_E_NOT_FOUND, NULL);
	expect_unchanged(&before);
}

static void test_bad_ics_changes_nothing(void **state)
{
	(void)state;
	struct snapshot before;
	expect_counts(import_ics("us-federal", feed("20250620|Summer", NULL)),
		      1, 0, "us-federal");
	snap(&before);
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "ics",
			"<html>404</html>"),
	      FOIA_E_INVALID,
	      "not an iCalendar file (it does not begin with "
	      "BEGIN:VCALENDAR)");
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "ics",
			"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
	      FOIA_E_INVALID, "no events (VEVENT) in the iCalendar file");
	/* One bad event refuses the whole feed: the good day before it is
	 * not imported either. */
	char bad[9 + 201 + 1] = "20250102|";
	memset(bad + 9, 'x', 201);
	bad[9 + 201] = '\0';
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "ics",
			feed("20250314|Pi Day", bad, NULL)),
	      FOIA_E_INVALID,
	      "event 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' on "
	      "2025-01-02: name over 200 bytes");
	expect_unchanged(&before);
	assert_null(holiday_on("2025-03-14", NULL));
}

static void test_params_refused(void **state)
{
	(void)state;
	struct snapshot before;
	const char *ics = feed("20250314|Pi Day", NULL);
	snap(&before);
	fails("holidays.import", json_pack("{s:s}", "ics", ics), FOIA_E_INVALID,
	      "'calendar' is required (see 'foia jurisdictions')");
	fails("holidays.import", json_pack("{s:s}", "calendar", "us-federal"),
	      FOIA_E_INVALID, "'ics' (iCalendar text) or 'url' is required");
	fails("holidays.import",
	      json_pack("{s:s, s:s, s:s}", "calendar", "us-federal", "ics", ics,
			"url", "https://example.org/x.ics"),
	      FOIA_E_INVALID, "give either 'ics' or 'url', not both");
	fails("holidays.import",
	      json_pack("{s:s, s:i}", "calendar", "us-federal", "ics", 7),
	      FOIA_E_INVALID, "'ics' must be iCalendar text");
	fails("holidays.import",
	      json_pack("{s:s, s:s, s:s}", "calendar", "us-federal", "ics", ics,
			"file", "x.ics"),
	      FOIA_E_INVALID, "unknown parameter 'file'");
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "url",
			"file:///etc/passwd"),
	      FOIA_E_INVALID,
	      "url 'file:///etc/passwd' must start with http:// or https://");
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "url",
			"http:///x.ics"),
	      FOIA_E_INVALID, "url 'http:///x.ics' has no host");
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "url",
			"http://example.org/a b.ics"),
	      FOIA_E_INVALID,
	      "url 'http://example.org/a b.ics' has a space or a character "
	      "not allowed in a URL");
	/* A caller with no server to answer later (rpc_handle_line). */
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "url",
			"http://127.0.0.1:9/x.ics"),
	      FOIA_E_INVALID,
	      "this caller cannot wait for a download; send the calendar as "
	      "'ics'");
	/* No laws loaded at all. */
	struct jurisdictions laws = dmn.laws;
	memset(&dmn.laws, 0, sizeof(dmn.laws));
	fails("holidays.import",
	      json_pack("{s:s, s:s}", "calendar", "us-federal", "ics", ics),
	      FOIA_E_CONFLICT,
	      "no jurisdictions are loaded (see the 'jurisdictions' setting "
	      "of foiad.conf)");
	dmn.laws = laws;
	expect_unchanged(&before);
}

static void test_stored_days_survive_restart(void **state)
{
	(void)state;
	expect_counts(import_ics("uk", feed("20250314|Pi Day", NULL)), 1, 0,
		      "uk");
	/* What start and reload do: the laws from the file, then the
	 * stored days. */
	struct jurisdictions fresh = {0};
	assert_int_equal(load_laws(&fresh), 0);
	const struct jurisdiction *uk = jurisdiction_find(&fresh, "uk");
	assert_non_null(uk);
	const struct juris_calendar *cal = jurisdiction_calendar(&fresh, uk);
	int32_t pi;
	assert_true(civil_parse("2025-03-14", &pi));
	assert_non_null(workcal_holiday_name(cal->cal, pi));
	assert_string_equal(workcal_holiday_name(cal->cal, pi), "Pi Day");
	/* The plain build leaves them out again. */
	char err[256];
	assert_int_equal(jurisdictions_build(&fresh, err, sizeof(err)),
			 WORKCAL_OK);
	assert_null(workcal_holiday_name(cal->cal, pi));
	jurisdictions_free(&fresh);
}

static void test_build_extra_keeps_old_on_failure(void **state)
{
	(void)state;
	const struct jurisdiction *fed =
		jurisdiction_find(&dmn.laws, "us-federal");
	const struct juris_calendar *cal =
		jurisdiction_calendar(&dmn.laws, fed);
	const struct workcal *old = cal->cal;
	int32_t day;
	assert_true(civil_parse("2025-03-14", &day));
	char toolong[WORKCAL_MAX_NAME + 2];
	memset(toolong, 'y', sizeof(toolong) - 1);
	toolong[sizeof(toolong) - 1] = '\0';
	struct juris_extra_day bad[] = {{"us-federal", day, toolong}};
	char err[256];
	assert_int_not_equal(
		jurisdictions_build_extra(&dmn.laws, bad, 1, err, sizeof(err)),
		WORKCAL_OK);
	assert_non_null(strstr(err, "calendar 'us-federal'"));
	/* Every calendar still has the index it had. */
	assert_ptr_equal(cal->cal, old);
	for (size_t i = 0; i < dmn.laws.n_calendars; i++)
		assert_non_null(dmn.laws.calendars[i].cal);
	/* Days of calendars not there are left out. */
	struct juris_extra_day other[] = {{"atlantis", day, "Sunk"},
					  {"us-federal", day, "Pi"}};
	assert_int_equal(jurisdictions_build_extra(&dmn.laws, other, 2, err,
						   sizeof(err)),
			 WORKCAL_OK);
	assert_string_equal(workcal_holiday_name(cal->cal, day), "Pi");
}

/* --- holidays.import with "url": the deferred reply ----------------------- */

/* A one-shot HTTP server on 127.0.0.1: answers every request with
 * status and body. */
struct httpd {
	int lfd, cfd;
	int port;
	const char *status; /* "200 OK" */
	const char *body;
	const char *head; /* more header lines, or NULL */
	bool silent;	  /* never answer */
	char req[4096];
	size_t reqlen;
	int served;
};

static void httpd_start(struct httpd *h, const char *status, const char *body)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	memset(h, 0, sizeof(*h));
	h->cfd = -1;
	h->status = status;
	h->body = body;
	h->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(h->lfd >= 0);
	assert_int_equal(bind(h->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(h->lfd, 4), 0);
	assert_int_equal(getsockname(h->lfd, (struct sockaddr *)&a, &alen), 0);
	h->port = ntohs(a.sin_port);
}

static void httpd_stop(struct httpd *h)
{
	if (h->cfd >= 0)
		close(h->cfd);
	close(h->lfd);
	/* The numbers may be reused by the downloads' sockets. */
	h->cfd = h->lfd = -1;
}

/* Blocking write of a small answer. */
static void httpd_answer(struct httpd *h)
{
	char head[256];
	size_t blen = strlen(h->body);
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %s\r\nContent-Type: text/calendar\r\n"
			 "%sContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 h->status, h->head ? h->head : "", blen);
	assert_int_equal(write(h->cfd, head, (size_t)n), n);
	if (blen)
		assert_int_equal(write(h->cfd, h->body, blen), (ssize_t)blen);
	close(h->cfd);
	h->cfd = -1;
	h->served++;
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run the server and the downloads until none is left (10 s at most),
 * as server.c's loop does. */
static void drive(struct httpd *h)
{
	int64_t until = mono_ms() + 10000;
	while (fetch_running() > 0 && mono_ms() < until) {
		struct pollfd pfd[2 + FETCH_MAX_POLLFDS];
		pfd[0] = (struct pollfd){.fd = h->lfd, .events = POLLIN};
		pfd[1] = (struct pollfd){.fd = h->cfd, .events = POLLIN};
		size_t n = fetch_pollfds(pfd + 2, FETCH_MAX_POLLFDS);
		int t = fetch_timeout_ms();
		int rc = poll(pfd, 2 + n, t < 0 || t > 50 ? 50 : t);
		assert_true(rc >= 0 || errno == EINTR);
		if (rc > 0 && (pfd[0].revents & POLLIN) && h->cfd < 0)
			h->cfd = accept4(h->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (rc > 0 && h->cfd >= 0 && (pfd[1].revents & POLLIN)) {
			ssize_t got = read(h->cfd, h->req + h->reqlen,
					   sizeof(h->req) - 1 - h->reqlen);
			if (got > 0) {
				h->reqlen += (size_t)got;
				h->req[h->reqlen] = '\0';
				if (strstr(h->req, "\r\n\r\n") && !h->silent) {
					httpd_answer(h);
					h->reqlen = 0;
				}
			}
		}
		fetch_dispatch(pfd + 2, rc > 0 ? n : 0);
	}
	assert_int_equal(fetch_running(), 0);
}

/* holidays.import of url through rpc_handle with a server: it must
 * answer later. The server here has no connections, so the reply that
 * comes is dropped, as for a client that left. */
static void import_url_pending(const char *url)
{
	static struct server srv; /* no connections */
	srv.d = &dmn;
	json_t *p =
		json_pack("{s:s, s:s}", "calendar", "us-federal", "url", url);
	char *line = request_line("holidays.import", p);
	char *reply = (char *)"unset";
	int rc = rpc_handle(&dmn, &alice, &srv, 42, line, strlen(line), &reply);
	free(line);
	assert_int_equal(rc, RPC_PENDING);
	assert_null(reply);
	assert_int_equal(fetch_running(), 1);
}

static void test_url_import_deferred(void **state)
{
	(void)state;
	struct httpd h;
	char url[128];
	char err[256];
	assert_int_equal(fetch_init(err, sizeof(err)), 0);
	httpd_start(&h, "200 OK", feed("20250314|Pi Day", NULL));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/us.ics", h.port);
	assert_string_equal(due_of("2025-03-03", "us-federal"), "2025-03-31");
	import_url_pending(url);
	/* Nothing is imported before the download ends. */
	assert_int_equal(stored_holidays(), 0);
	drive(&h);
	assert_int_equal(h.served, 1);
	assert_non_null(strstr(h.req, "GET /us.ics HTTP/1.1\r\n"));
	/* The client was gone; the holidays are imported all the same,
	 * and count at once. */
	assert_int_equal(stored_holidays(), 1);
	assert_string_equal(str_of(holiday_on("2025-03-14", NULL), "name"),
			    "Pi Day");
	assert_string_equal(due_of("2025-03-03", "us-federal"), "2025-04-01");
	struct ev_seen ev = holiday_events();
	assert_int_equal(ev.n, 1);
	char want[256];
	snprintf(want, sizeof(want), "alice|us-federal|1|%s", url);
	assert_string_equal(ev.last, want);
	httpd_stop(&h);
	fetch_cleanup();
}

static void test_url_import_failures_change_nothing(void **state)
{
	(void)state;
	struct httpd h;
	struct snapshot before;
	char url[128], err[256];
	assert_int_equal(fetch_init(err, sizeof(err)), 0);
	snap(&before);
	/* Not found, a page that is not iCalendar, an empty body. */
	const char *cases[][2] = {{"404 Not Found", "no such file"},
				  {"200 OK", "<html>hello</html>"},
				  {"200 OK", ""}};
	for (size_t i = 0; i < 3; i++) {
		httpd_start(&h, cases[i][0], cases[i][1]);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d/x.ics", h.port);
		import_url_pending(url);
		drive(&h);
		assert_int_equal(h.served, 1);
		httpd_stop(&h);
	}
	/* Nobody listening. */
	httpd_start(&h, "200 OK", "");
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x.ics", h.port);
	httpd_stop(&h);
	import_url_pending(url);
	drive(&h);
	expect_unchanged(&before);
	fetch_cleanup();
	/* Without fetch_init there is no downloading. */
	static struct server srv;
	srv.d = &dmn;
	char *line = request_line(
		"holidays.import",
		json_pack("{s:s, s:s}", "calendar", "us-federal", "url", url));
	char *reply = NULL;
	assert_int_equal(
		rpc_handle(&dmn, &alice, &srv, 7, line, strlen(line), &reply),
		0);
	free(line);
	json_t *r = parse_reply(reply);
	json_t *e = json_object_get(r, "error");
	assert_string_equal(str_of(e, "code"), FOIA_E_INTERNAL);
	assert_non_null(
		strstr(str_of(e, "message"), "downloads are not set up"));
}

/* --- the downloads themselves ------------------------------------------ */

struct got {
	int calls, ok;
	long status;
	size_t len;
	char body[64];
	char error[256];
};

static void got_cb(void *arg, int ok, long http_status, const char *body,
		   size_t len, const char *error)
{
	struct got *g = arg;
	g->calls++;
	g->ok = ok;
	g->status = http_status;
	g->len = len;
	if (ok) {
		assert_non_null(body);
		assert_int_equal(body[len], '\0');
		snprintf(g->body, sizeof(g->body), "%s", body);
	}
	snprintf(g->error, sizeof(g->error), "%s", error ? error : "");
}

/* One download of path from a fresh server; its outcome in g. */
static void fetch_one(struct httpd *h, const char *path, size_t max,
		      long timeout_s, struct got *g)
{
	char url[128], err[256];
	memset(g, 0, sizeof(*g));
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", h->port, path);
	assert_int_equal(
		fetch_start(url, max, timeout_s, got_cb, g, err, sizeof(err)),
		0);
	assert_int_equal(g->calls, 0); /* never from within fetch_start */
	drive(h);
	assert_int_equal(g->calls, 1);
	httpd_stop(h);
}

static void test_fetch_limits(void **state)
{
	(void)state;
	struct httpd h;
	struct got g;
	char err[256];
	assert_int_equal(fetch_init(err, sizeof(err)), 0);

	/* A body of exactly the limit comes whole; one byte more fails
	 * rather than being cut. */
	httpd_start(&h, "200 OK", "0123456789");
	fetch_one(&h, "/ten", 10, 5, &g);
	assert_true(g.ok);
	assert_int_equal(g.status, 200);
	assert_int_equal(g.len, 10);
	assert_string_equal(g.body, "0123456789");
	httpd_start(&h, "200 OK", "0123456789A");
	fetch_one(&h, "/eleven", 10, 5, &g);
	assert_false(g.ok);
	assert_string_equal(g.error, "the download is over 10 bytes");

	/* HTTP errors fail, with the status. */
	httpd_start(&h, "500 Internal Server Error", "oops");
	fetch_one(&h, "/x", 100, 5, &g);
	assert_false(g.ok);
	assert_int_equal(g.status, 500);
	assert_string_equal(g.error, "the server answered HTTP 500");

	/* A redirect to a file is not followed; a redirect loop ends. */
	httpd_start(&h, "302 Found", "");
	h.head = "Location: file:///etc/passwd\r\n";
	fetch_one(&h, "/x", 100, 5, &g);
	assert_false(g.ok);
	assert_string_equal(g.error, "only http and https URLs are fetched");
	httpd_start(&h, "302 Found", "");
	h.head = "Location: /again\r\n";
	fetch_one(&h, "/loop", 100, 5, &g);
	assert_false(g.ok);
	assert_string_equal(g.error, "more than 5 redirects");
	assert_int_equal(h.served, 6);

	/* A server that never answers: the download's own timeout. */
	httpd_start(&h, "200 OK", "");
	h.silent = true;
	fetch_one(&h, "/x", 100, 1, &g);
	assert_false(g.ok);
	assert_string_equal(g.error, "timed out after 1 s");

	/* Other schemes are refused by libcurl too, not only by the
	 * method's check. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(fetch_start("ftp://127.0.0.1:1/x", 100, 5, got_cb, &g,
				     err, sizeof(err)),
			 0);
	httpd_start(&h, "200 OK", "");
	drive(&h);
	httpd_stop(&h);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.error, "only http and https URLs are fetched");

	/* At most FETCH_MAX_TRANSFERS at once; cleanup answers each. */
	struct got many[FETCH_MAX_TRANSFERS + 1];
	memset(many, 0, sizeof(many));
	httpd_start(&h, "200 OK", "");
	h.silent = true;
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/x", h.port);
	for (int i = 0; i < FETCH_MAX_TRANSFERS; i++)
		assert_int_equal(fetch_start(url, 100, 30, got_cb, &many[i],
					     err, sizeof(err)),
				 0);
	assert_int_equal(fetch_running(), FETCH_MAX_TRANSFERS);
	assert_int_equal(fetch_start(url, 100, 30, got_cb,
				     &many[FETCH_MAX_TRANSFERS], err,
				     sizeof(err)),
			 -1);
	assert_string_equal(err,
			    "8 downloads are running already; try again later");
	fetch_cleanup();
	httpd_stop(&h);
	for (int i = 0; i < FETCH_MAX_TRANSFERS; i++) {
		assert_int_equal(many[i].calls, 1);
		assert_false(many[i].ok);
		assert_string_equal(many[i].error, "foiad is stopping");
	}
	assert_int_equal(many[FETCH_MAX_TRANSFERS].calls, 0);
	assert_int_equal(fetch_running(), 0);
}

int main(void)
{
	/* The URL tests talk to 127.0.0.1 directly, whatever proxy the
	 * environment names. */
	setenv("no_proxy", "*", 1);
	setenv("NO_PROXY", "*", 1);
	const struct CMUnitTest tests[] = {
		T(test_store_holiday),
		T(test_import_added),
		T(test_import_duplicates),
		T(test_calc_skips_imported_day),
		T(test_unknown_calendar),
		T(test_bad_ics_changes_nothing),
		T(test_params_refused),
		T(test_stored_days_survive_restart),
		T(test_build_extra_keeps_old_on_failure),
		T(test_url_import_deferred),
		T(test_url_import_failures_change_nothing),
		T(test_fetch_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
