/*
 * bench_report.c: how long the `report` method takes at 100,000 requests
 * and 1,000,000 events (`make bench`). The target for `foia report
 * --format json` is under 300 ms; the figure is printed, never checked.
 *
 * A database in a temporary directory is filled with 100,000 federal
 * requests over ten agencies and five projects, ten events each: filed,
 * acknowledged, notes, a closed toll for a third, and a determination for
 * half. Then one `report` call goes through rpc_handle_line as the server
 * sends it, and the time to the reply line is printed. Then deadlines and
 * request.list: the first page cold (one pass over every request and
 * history, whose sorted result request.list then keeps: list_memo.h),
 * the first page again and the second page warm (the 10 ms
 * target: the kept order serves them), the first page after a note
 * (the kept order brought up to date with the one request written), and
 * the whole list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "foia/civil.h"
#include "jurisdiction.h"
#include "peer.h"
#include "rpc.h"
#include "store.h"

#define REQUESTS 100000
#define AGENCIES 10

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: on a machine shared with other work the
 * wall time says more about the neighbours than about foiad. */
static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_report: %s: %s\n", what, why);
	exit(1);
}

static long nevents;

static void add_event(struct store *st, int64_t id, const char *kind,
		      const char *field, int32_t day, const char *to)
{
	char date[16];
	civil_format(day, date, sizeof(date));
	struct event e = {.request_id = id,
			  .actor = "bench",
			  .kind = (char *)kind,
			  .field = (char *)field,
			  .date = date,
			  .new_value = (char *)to,
			  .note = strcmp(kind, "note") ? NULL : "called"};
	if (store_event_append(st, &e) != STORE_OK)
		die("event", store_errmsg(st));
	free(e.at);
	nevents++;
}

static void fill(struct store *st)
{
	static const char *const projects[] = {"alpha", "beta", "gamma",
					       "delta", "epsilon"};
	char code[16], sent[16], until[16];
	if (store_begin(st) != STORE_OK)
		die("begin", store_errmsg(st));
	for (int i = 0; i < AGENCIES; i++) {
		snprintf(code, sizeof(code), "AG%d", i);
		struct agency a = {.code = code,
				   .name = code,
				   .jurisdiction = "us-federal"};
		if (store_agency_insert(st, &a) != STORE_OK)
			die("agency", store_errmsg(st));
	}
	for (int i = 0; i < REQUESTS; i++) {
		int32_t d = civil_to_days(2024, 1, 1) + i % 700;
		bool answered = i % 2 == 0;
		civil_format(d, sent, sizeof(sent));
		snprintf(code, sizeof(code), "AG%d", i % AGENCIES);
		struct request r = {.agency = code,
				    .subject = "bench",
				    .jurisdiction = "us-federal",
				    .sent = sent,
				    .received = sent,
				    .status =
					    answered ? "granted" : "processing",
				    .project = (char *)projects[i % 5],
				    .created_by = "bench",
				    .fees_estimated = -1,
				    .fees_paid = -1};
		if (store_request_insert(st, &r) != STORE_OK)
			die("request", store_errmsg(st));
		add_event(st, r.id, "filed", "status", d, "submitted");
		add_event(st, r.id, "status", "status", d + 2, "acknowledged");
		add_event(st, r.id, "status", "status", d + 5, "processing");
		int n = 3;
		if (i % 3 == 0) {
			civil_format(d + 12, until, sizeof(until));
			add_event(st, r.id, "toll", "clarification", d + 6,
				  until);
			n++;
		}
		if (answered) {
			add_event(st, r.id, "status", "status", d + 20 + i % 30,
				  "granted");
			n++;
		}
		while (n++ < 10)
			add_event(st, r.id, "note", NULL, d + n, NULL);
		free(r.created);
		free(r.updated);
	}
	if (store_commit(st) != STORE_OK)
		die("commit", store_errmsg(st));
}

/* One call through the protocol, timed; its FIGURE line (target 0: none
 * set, printed as "-"). */
static void timed(struct daemon *d, const struct peer *me, const char *name,
		  const char *method, const char *params, int target_ms)
{
	char line[256], target[16] = "-";
	int n = snprintf(line, sizeof(line),
			 "{\"v\":1,\"id\":1,\"method\":\"%s\",\"params\":%s}",
			 method, params);
	if (n < 0 || (size_t)n >= sizeof(line))
		die(name, "request too long");
	double t0 = now_s(), c0 = cpu_s();
	char *out = rpc_handle_line(d, me, line, (size_t)n);
	double t1 = now_s(), c1 = cpu_s();
	if (!out || !strstr(out, "\"result\""))
		die(name, out ? out : "no reply");
	if (target_ms > 0)
		snprintf(target, sizeof(target), "%d", target_ms);
	printf("%s: %.3f s, %.3f s of CPU (reply %zu bytes)\n", name, t1 - t0,
	       c1 - c0, strlen(out));
	printf("FIGURE %s %.0f ms target %s\n", name, (t1 - t0) * 1000,
	       target);
	/* BENCH_OUT_<name>: keep the reply, to compare two builds. */
	char var[64];
	snprintf(var, sizeof(var), "BENCH_OUT_%s", name);
	const char *save = getenv(var);
	FILE *sf = save ? fopen(save, "w") : NULL;
	if (sf) {
		fputs(out, sf);
		fclose(sf);
	}
	free(out);
}

int main(void)
{
	char dir[] = "/tmp/bench_report.XXXXXX", path[64], err[512];
	struct config_errors errs = {0};
	struct daemon d;
	const struct peer me = {.pid = 1, .uid = 0, .gid = 0, .name = "bench"};
	static const char line[] =
		"{\"v\":1,\"id\":1,\"method\":\"report\",\"params\":{}}";

	memset(&d, 0, sizeof(d));
	if (!mkdtemp(dir))
		die("mkdtemp", "failed");
	snprintf(path, sizeof(path), "%s/foiad.db", dir);
	if (!(d.store = store_open(path, err, sizeof(err))))
		die("open", err);
	if (config_load_jurisdictions("config/jurisdictions.conf", &d.laws,
				      &errs) < 0 ||
	    jurisdictions_build(&d.laws, err, sizeof(err)) < 0)
		die("jurisdictions", errs.count ? errs.text[0] : err);
	double t0 = now_s();
	/* BENCH_DB names a database to keep between runs (filled when
	 * absent), for profiling the method alone. */
	const char *keep = getenv("BENCH_DB");
	if (keep) {
		bool had = access(keep, F_OK) == 0;
		store_close(d.store);
		if (!(d.store = store_open(keep, err, sizeof(err))))
			die("open", err);
		if (had)
			nevents = 1000000;
		else
			fill(d.store);
	} else {
		fill(d.store);
	}
	double t1 = now_s(), c1 = cpu_s();
	char *out = rpc_handle_line(&d, &me, line, sizeof(line) - 1);
	double t2 = now_s(), c2 = cpu_s();
	if (!out || !strstr(out, "\"result\""))
		die("report", out ? out : "no reply");
	printf("report: %d requests, %ld events in %.3f s, %.3f s of CPU "
	       "(reply %zu bytes; target 0.300 s; fill took %.1f s)\n",
	       REQUESTS, nevents, t2 - t1, c2 - c1, strlen(out), t1 - t0);
	printf("FIGURE report %.0f ms target 300\n", (t2 - t1) * 1000);
	/* BENCH_OUT: keep the reply, to compare two builds' reports. */
	const char *save = getenv("BENCH_OUT");
	FILE *sf = save ? fopen(save, "w") : NULL;
	if (sf) {
		fputs(out, sf);
		fclose(sf);
	}
	free(out);
	/* BENCH_ONLY=report: stop here, to profile the report alone. */
	const char *only = getenv("BENCH_ONLY");
	if (only && strcmp(only, "report") == 0)
		goto done;
	timed(&d, &me, "deadlines", "deadlines", "{}", 300);
	/* request.list keeps its sorted entries (list_memo.h): the first
	 * call in a process pays the whole pass (cold); the target is for
	 * the pages after it, with or without writes between. */
	timed(&d, &me, "list_first_page_cold", "request.list",
	      "{\"limit\":50}", 0);
	timed(&d, &me, "list_first_page", "request.list", "{\"limit\":50}",
	      10);
	timed(&d, &me, "list_second_page", "request.list",
	      "{\"limit\":50,\"offset\":50}", 10);
	/* After a write the kept entries are brought up to date: the
	 * written request alone is computed again (list_memo.h). */
	timed(&d, &me, "note", "request.note",
	      "{\"id\":2,\"text\":\"called the agency\"}", 0);
	timed(&d, &me, "list_first_page_after_write", "request.list",
	      "{\"limit\":50}", 10);
	timed(&d, &me, "list_all", "request.list", "{}", 0);
done:
	store_close(d.store);
	jurisdictions_free(&d.laws);
	unlink(path);
	snprintf(path, sizeof(path), "%s/foiad.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/foiad.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return 0;
}
