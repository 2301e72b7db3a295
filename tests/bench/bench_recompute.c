/*
 * bench_recompute.c: how long recomputing every open request's deadlines
 * takes at 100,000 requests, as after a configuration reload (`make
 * bench`). The target is "well under a second".
 *
 * A database in a temporary directory is filled with 100,000 federal
 * requests (each filed with a status event and, for a third of them, a
 * closed toll), then timed: every open request listed from the store, its
 * events read, its deadlines derived. The figure is printed (also as a
 * FIGURE line for tests/bench/table, against the target of 1 s), never
 * checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "event_list.h"
#include "foia/civil.h"
#include "jurisdiction.h"
#include "request_deadlines.h"
#include "store.h"

#define REQUESTS 100000

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_recompute: %s: %s\n", what, why);
	exit(1);
}

static void add_event(struct store *st, int64_t id, const char *kind,
		      const char *field, const char *date, const char *to)
{
	struct event e = {.request_id = id,
			  .actor = "bench",
			  .kind = (char *)kind,
			  .field = (char *)field,
			  .date = (char *)date,
			  .new_value = (char *)to};
	if (store_event_append(st, &e) != STORE_OK)
		die("event", store_errmsg(st));
	free(e.at);
}

static void fill(struct store *st)
{
	struct agency a = {
		.code = "ICE", .name = "ICE", .jurisdiction = "us-federal"};
	char sent[16], toll[16], until[16];
	if (store_begin(st) != STORE_OK ||
	    store_agency_insert(st, &a) != STORE_OK)
		die("agency", store_errmsg(st));
	for (int i = 0; i < REQUESTS; i++) {
		int32_t d = civil_to_days(2024, 1, 1) + i % 700;
		civil_format(d, sent, sizeof(sent));
		struct request r = {.agency = "ICE",
				    .subject = "bench",
				    .jurisdiction = "us-federal",
				    .sent = sent,
				    .received = sent,
				    .status = "submitted",
				    .created_by = "bench",
				    .fees_estimated = -1,
				    .fees_paid = -1};
		if (store_request_insert(st, &r) != STORE_OK)
			die("request", store_errmsg(st));
		add_event(st, r.id, "filed", "status", sent, "submitted");
		if (i % 3 == 0) {
			civil_format(d + 5, toll, sizeof(toll));
			civil_format(d + 12, until, sizeof(until));
			add_event(st, r.id, "toll", "clarification", toll,
				  until);
		}
		free(r.created);
		free(r.updated);
	}
	if (store_commit(st) != STORE_OK)
		die("commit", store_errmsg(st));
}

struct walk {
	struct store *st;
	const struct jurisdictions *laws;
	int32_t today;
	long computed, due;
};

static int one(const struct request *r, void *arg)
{
	struct walk *w = arg;
	struct event_list ev;
	struct rd_set set;
	char err[256];
	const struct jurisdiction *law =
		jurisdiction_find(w->laws, r->jurisdiction);
	const struct juris_calendar *cal = jurisdiction_calendar(w->laws, law);
	if (event_list_load(w->st, r->id, &ev) != STORE_OK)
		return -1;
	int rc = request_deadlines(r, ev.v, ev.n, law, cal->cal, w->today,
				   false, &set, err, sizeof(err));
	event_list_free(&ev);
	if (rc < 0)
		return -1;
	w->computed++;
	w->due += rd_next(&set) != NULL;
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/bench_recompute.XXXXXX", path[64], err[512];
	struct jurisdictions laws;
	struct config_errors errs = {0};

	if (!mkdtemp(dir))
		die("mkdtemp", "failed");
	snprintf(path, sizeof(path), "%s/foiad.db", dir);
	struct store *st = store_open(path, err, sizeof(err));
	if (!st)
		die("open", err);
	if (config_load_jurisdictions("config/jurisdictions.conf", &laws,
				      &errs) < 0 ||
	    jurisdictions_build(&laws, err, sizeof(err)) < 0)
		die("jurisdictions", errs.count ? errs.text[0] : err);
	double t0 = now_s();
	fill(st);
	double t1 = now_s();
	struct walk w = {st, &laws, civil_to_days(2026, 1, 1), 0, 0};
	struct request_filter f = {.open_only = true};
	if (store_request_list(st, &f, one, &w) != STORE_OK)
		die("list", store_errmsg(st));
	double t2 = now_s();
	printf("recompute: %ld open requests' deadlines in %.3f s "
	       "(%.1f us each; %ld with a live deadline; fill took %.1f s)\n",
	       w.computed, t2 - t1, (t2 - t1) * 1e6 / (double)w.computed, w.due,
	       t1 - t0);
	printf("FIGURE recompute_100k %.0f ms target 1000\n", (t2 - t1) * 1e3);
	store_close(st);
	jurisdictions_free(&laws);
	unlink(path);
	snprintf(path, sizeof(path), "%s/foiad.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/foiad.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
