/*
 * method_import.c: holidays.import, days off taken from an iCalendar feed
 * into one of the working-day calendars of jurisdictions.conf, as
 * Alaveteli imports its public holidays.
 *
 * The feed comes as text ("ics", read by the CLI from a file) and is
 * answered at once, or as a URL the daemon downloads (fetch.h) while it
 * goes on serving everyone else: the handler answers RPC_PENDING and the
 * download's end answers through server_reply_later (rpc.h). Either way
 * the days are parsed (ical_holidays.h), the ones new to the calendar are
 * stored in one transaction with an event for the history, and the
 * calendars are rebuilt at once, so the next deadline counts them. A day
 * the calendar already has off by name (a rule's holiday, a day imported
 * before, a date the feed repeats) is skipped, as are days outside the
 * calendars' years; the reply counts both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fetch.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "holiday_load.h"
#include "ical_holidays.h"
#include "log.h"
#include "method_util.h"
#include "methods.h"
#include "server.h"

#define IMPORT_MAX_BYTES (4 * 1024 * 1024)
#define IMPORT_TIMEOUT_S 30L

/* A download under way and whom to answer when it ends. */
struct import_job {
	struct daemon *d;
	struct rpc_token token;
	struct peer peer; /* a copy: the connection may go first */
	char *calendar;
	char *url;
};

static const struct juris_calendar *find_calendar(const struct jurisdictions *j,
						  const char *name)
{
	for (size_t i = 0; i < j->n_calendars; i++)
		if (strcmp(j->calendars[i].name, name) == 0)
			return &j->calendars[i];
	return NULL;
}

static int unknown_calendar(struct call *c, const char *name)
{
	char list[512], ex[64];
	size_t used = 0;
	list[0] = '\0';
	for (size_t i = 0; i < c->d->laws.n_calendars; i++) {
		const char *cal = c->d->laws.calendars[i].name;
		int n = snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? ", " : "", cal);
		if (n < 0 || (size_t)n >= sizeof(list) - used - 5) {
			snprintf(list + used, sizeof(list) - used, ", ...");
			break;
		}
		used += (size_t)n;
	}
	return call_error(c, FOIA_E_NOT_FOUND,
			  "unknown calendar '%s' (calendars: %s)",
			  text_excerpt(name, ex), list);
}

static int calendar_param(struct call *c, json_t *params, const char **out)
{
	if (param_string(c, params, "calendar", out) < 0)
		return -1;
	if (!*out)
		return call_error(c, FOIA_E_INVALID,
				  "'calendar' is required (see 'foia "
				  "jurisdictions')");
	if (c->d->laws.n_calendars == 0)
		return call_error(c, FOIA_E_CONFLICT,
				  "no jurisdictions are loaded (see the "
				  "'jurisdictions' setting of foiad.conf)");
	if (!find_calendar(&c->d->laws, *out))
		return unknown_calendar(c, *out);
	return 0;
}

/*
 * Store the days new to the calendar, with an event, in one transaction;
 * then rebuild the calendars. url is where the days came from (NULL for
 * text sent by the client).
 */
static int import_days(struct call *c, const char *calendar,
		       const struct ical_days *days, const char *url,
		       json_t **result)
{
	struct daemon *d = c->d;
	char date[16], count[24], err[512];
	size_t added = 0, skipped = days->skipped;

	/* Looked up again: the laws may have been reloaded meanwhile. */
	const struct juris_calendar *cal = find_calendar(&d->laws, calendar);
	if (!cal || !cal->cal)
		return unknown_calendar(c, calendar);
	int rc = store_begin(d->store);
	if (rc != STORE_OK)
		return store_failure(c, rc, "import holidays");
	for (size_t i = 0; i < days->n; i++) {
		if (workcal_holiday_name(cal->cal, days->v[i].date)) {
			skipped++;
			continue;
		}
		civil_format(days->v[i].date, date, sizeof(date));
		struct holiday h = {.calendar = (char *)calendar,
				    .date = date,
				    .name = days->v[i].name,
				    .source = (char *)url,
				    .created_by = (char *)c->peer->name};
		rc = store_holiday_add(d->store, &h);
		if (rc == STORE_CONFLICT) {
			skipped++;
			continue;
		}
		if (rc != STORE_OK)
			goto fail;
		added++;
	}
	if (added) {
		snprintf(count, sizeof(count), "%zu", added);
		struct event e = {
			.actor = (char *)c->peer->name,
			.kind = "holidays",
			.field = (char *)calendar,
			.new_value = count,
			.note = (char *)(url ? url : "iCalendar text")};
		rc = store_event_append(d->store, &e);
		free(e.at);
		if (rc != STORE_OK)
			goto fail;
	}
	rc = store_commit(d->store);
	if (rc != STORE_OK)
		goto fail;
	log_info("%s imported %zu holidays into calendar '%s' from %s (%zu "
		 "skipped)",
		 c->peer->name, added, calendar, url ? url : "iCalendar text",
		 skipped);
	if (added)
		d->laws_gen++; /* the calendars gain days, now or at start */
	if (added && holidays_build(d->store, &d->laws, err, sizeof(err)) < 0)
		return call_error(c, FOIA_E_INTERNAL,
				  "imported %zu holidays into '%s', but the "
				  "calendars could not be rebuilt (they count "
				  "from the next start): %s",
				  added, calendar, err);
	*result =
		json_pack("{s:I, s:I, s:s}", "added", (json_int_t)added,
			  "skipped", (json_int_t)skipped, "calendar", calendar);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
fail:
	store_rollback(d->store);
	return store_failure(c, rc, "import holidays");
}

/* Parse text and import it; from names the text in messages. */
static int import_text(struct call *c, const char *calendar, const char *text,
		       size_t len, const char *url, json_t **result)
{
	struct ical_days days;
	char err[512];
	if (ical_holidays_parse(text, len, JURIS_FIRST_YEAR, JURIS_LAST_YEAR,
				&days, err, sizeof(err)) < 0) {
		if (url)
			return call_error(c, FOIA_E_INVALID, "'%s': %s", url,
					  err);
		return call_error(c, FOIA_E_INVALID, "%s", err);
	}
	int rc = import_days(c, calendar, &days, url, result);
	ical_days_free(&days);
	return rc;
}

static void job_free(struct import_job *job)
{
	if (!job)
		return;
	free(job->calendar);
	free(job->url);
	free(job);
}

/* The download ended: import, then answer whoever asked, if still there. */
static void import_fetched(void *arg, int ok, long http_status,
			   const char *body, size_t len, const char *error)
{
	struct import_job *job = arg;
	struct call c = {.d = job->d, .peer = &job->peer, .token = job->token};
	json_t *result = NULL;
	json_int_t added = -1;

	(void)http_status; /* in error already when it matters */
	if (!ok)
		call_error(&c, FOIA_E_INVALID, "cannot fetch '%s': %s",
			   job->url, error ? error : "failed");
	else if (import_text(&c, job->calendar, body, len, job->url, &result) ==
		 0)
		added = json_integer_value(json_object_get(result, "added"));
	if (added > 0)
		timers_changed(&job->d->timers, job->d); /* calendars moved */
	if (!ok)
		log_info("holidays for '%s' not imported: %s", job->calendar,
			 c.err_msg);
	char *line = rpc_call_reply(&c, result);
	if (!server_reply_later(&job->token, line)) {
		if (added >= 0)
			log_info("%s left before the answer; the %lld "
				 "holidays from %s are imported all the same",
				 job->peer.name, (long long)added, job->url);
		else
			log_debug("%s left before the answer", job->peer.name);
	}
	job_free(job);
}

/* Start downloading url; the answer comes when it ends. */
static int import_url(struct call *c, const char *calendar, const char *url)
{
	char err[256];
	if (call_may_download(c, url, "the calendar as 'ics'") < 0)
		return -1;
	struct import_job *job = calloc(1, sizeof(*job));
	if (job) {
		job->d = c->d;
		job->token = c->token;
		job->peer = *c->peer;
		job->calendar = strdup(calendar);
		job->url = strdup(url);
	}
	if (!job || !job->calendar || !job->url) {
		job_free(job);
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	}
	if (fetch_start(url, IMPORT_MAX_BYTES, IMPORT_TIMEOUT_S, import_fetched,
			job, err, sizeof(err)) < 0) {
		job_free(job);
		return call_error(c, FOIA_E_INTERNAL, "cannot fetch '%s': %s",
				  url, err);
	}
	log_debug("%s: downloading holidays for '%s' from %s", c->peer->name,
		  calendar, url);
	return RPC_PENDING;
}

int method_holidays_import(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"calendar", "ics", "url", NULL};
	const char *calendar, *url;

	if (params_known(c, params, allowed, false) < 0 ||
	    calendar_param(c, params, &calendar) < 0 ||
	    param_string(c, params, "url", &url) < 0)
		return -1;
	json_t *ics = json_object_get(params, "ics");
	if (json_is_null(ics))
		ics = NULL;
	if (ics && url)
		return call_error(c, FOIA_E_INVALID,
				  "give either 'ics' or 'url', not both");
	if (url)
		return import_url(c, calendar, url);
	if (!ics)
		return call_error(c, FOIA_E_INVALID,
				  "'ics' (iCalendar text) or 'url' is "
				  "required");
	if (!json_is_string(ics))
		return call_error(c, FOIA_E_INVALID,
				  "'ics' must be iCalendar text");
	return import_text(c, calendar, json_string_value(ics),
			   json_string_length(ics), NULL, result);
}
