/*
 * bench_feed.c: how long the calendar feeds take (`make bench`).
 *
 * 1. The writer alone (the figure of issue 4): 100,000 open requests with
 *    three deadlines each, 300,000 all-day VEVENTs with three VALARMs,
 *    printed one at a time by ical_feed.c's writer (libical's text; each
 *    line that repeats from event to event printed once) and streamed
 *    into a file, as the daemon writes all.ics.
 * 2. The same kind of events built by Debian's python3-icalendar in one
 *    Calendar and printed with to_ical(), as a Python program would.
 *    Python needs minutes and gigabytes for 300,000 such events, so by
 *    default it builds BENCH_FEED_PY_EVENTS (10,000) and the time for
 *    300,000 is extrapolated linearly (its cost is per event); set
 *    BENCH_FEED_PY_EVENTS=300000 to build them all. Skipped, saying so,
 *    without /usr/bin/python3 and python3-icalendar.
 * 3. What the daemon does after a change: feeds_write() over a database of
 *    100,000 open expedited requests (two live deadlines each): walk the
 *    requests, compute every deadline, merge the stored SEQUENCE stamps,
 *    print all.ics and the project files, sync and rename. Timed three
 *    ways: the first write (every stamp new), a write with nothing changed
 *    (no file replaced), and a write after one request changed. The event
 *    loop is busy for that long, once per debounce.
 *
 * Figures are printed, never checked: a benchmark is not a test. The
 * writer's time and the three rewrites are also printed as FIGURE lines
 * for tests/bench/table.
 */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "daemon.h"
#include "feeds.h"
#include "foia/civil.h"
#include "ical_feed.h"
#include "jurisdiction.h"
#include "log.h"
#include "seed.h"
#include "store.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif

#define REQUESTS    100000
#define PER_REQUEST 3
#define PY_DEFAULT  10000
#define DB_REQUESTS 100000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *const kinds[] = {"determination", "expedited",
				    "appeal_window"};
static const char *const labels[] = {"FOIA response due",
				     "expedited processing decision due",
				     "appeal window closes"};
static const char *const agencies[] = {"ICE", "CBP", "FBI", "DHS", "USCIS"};
static const char *const projects[] = {"cecot", "detention", "border",
				       "surveillance"};

/* --- 1. the writer ------------------------------------------------------ */

static double bench_writer(const char *path, long *bytes)
{
	static const int leads[] = {7, 1, 0};
	struct ical_feed_alarms alarms = {leads, 3, 9 * 60};
	struct ical_feed_info info = {"FOIA deadlines", "bench", 60};
	char uid[96], summary[160], alarm[160], desc[1024];
	const char *cats[3];
	int32_t base = civil_to_days(2025, 1, 1);
	FILE *f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	struct ical_feed_writer *w = ical_feed_writer_new();
	if (!w) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	double t0 = now();
	char *s = ical_feed_head(&info);
	fputs(s, f);
	free(s);
	for (long r = 1; r <= REQUESTS; r++) {
		const char *agency = agencies[r % 5];
		for (int k = 0; k < PER_REQUEST; k++) {
			snprintf(uid, sizeof(uid), "%ld-%s@foiad.example.org",
				 r, kinds[k]);
			snprintf(summary, sizeof(summary), "%s #%ld: %s",
				 agency, r, labels[k]);
			snprintf(alarm, sizeof(alarm), "%s: %s", agency,
				 labels[k]);
			snprintf(desc, sizeof(desc),
				 "Subject: Records of request %ld\nAgency: "
				 "%s\nTracking number: 2025-FO-%06ld\nStatute: "
				 "5 U.S.C. 552 (Freedom of Information Act)\n"
				 "Days allowed: 20 working days\nDue: "
				 "2025-03-31\nProject: %s\nDetails: foia show "
				 "%ld",
				 r, agency, r, projects[r % 4], r);
			cats[0] = projects[r % 4];
			cats[1] = agency;
			cats[2] = "us-federal";
			struct ical_feed_event e = {
				.uid = uid,
				.date = base +
					(int32_t)((r * 7 + k * 11) % 365),
				.sequence = r % 3,
				.created = "2025-01-02T03:04:05Z",
				.changed = "2025-02-03T04:05:06Z",
				.summary = summary,
				.description = desc,
				.categories = cats,
				.ncategories = 3,
				.alarm_text = alarm,
			};
			s = ical_feed_writer_event(w, &e, &alarms);
			if (!s) {
				fprintf(stderr, "ical_feed_event failed\n");
				exit(1);
			}
			fputs(s, f);
			free(s);
		}
	}
	fputs(ical_feed_tail(), f);
	ical_feed_writer_free(w);
	if (fflush(f) != 0) {
		perror(path);
		exit(1);
	}
	double t = now() - t0;
	*bytes = ftell(f);
	fclose(f);
	return t;
}

/* --- 2. python3-icalendar ----------------------------------------------- */

static const char python[] =
	"import sys, time, datetime, icalendar\n"
	"n = int(sys.argv[1])\n"
	"t0 = time.perf_counter()\n"
	"cal = icalendar.Calendar()\n"
	"cal.add('version', '2.0')\n"
	"cal.add('prodid', '-//bench//EN')\n"
	"cal.add('x-wr-calname', 'FOIA deadlines')\n"
	"ag = ['ICE', 'CBP', 'FBI', 'DHS', 'USCIS']\n"
	"pr = ['cecot', 'detention', 'border', 'surveillance']\n"
	"kinds = ['determination', 'expedited', 'appeal_window']\n"
	"labels = ['FOIA response due', 'expedited processing decision due',"
	" 'appeal window closes']\n"
	"created = datetime.datetime(2025, 1, 2, 3, 4, 5, "
	"tzinfo=datetime.timezone.utc)\n"
	"changed = datetime.datetime(2025, 2, 3, 4, 5, 6, "
	"tzinfo=datetime.timezone.utc)\n"
	"base = datetime.date(2025, 1, 1)\n"
	"trig = [datetime.timedelta(days=-d, hours=9) for d in (7, 1, 0)]\n"
	"for i in range(n):\n"
	"    r, k = i // 3 + 1, i % 3\n"
	"    a = ag[r % 5]\n"
	"    e = icalendar.Event()\n"
	"    e.add('uid', '%d-%s@foiad.example.org' % (r, kinds[k]))\n"
	"    e.add('dtstamp', changed)\n"
	"    e.add('created', created)\n"
	"    e.add('last-modified', changed)\n"
	"    e.add('sequence', r % 3)\n"
	"    d = base + datetime.timedelta(days=(r * 7 + k * 11) % 365)\n"
	"    e.add('dtstart', d)\n"
	"    e.add('dtend', d + datetime.timedelta(days=1))\n"
	"    e.add('transp', 'TRANSPARENT')\n"
	"    s = '%s #%d: %s' % (a, r, labels[k])\n"
	"    e.add('summary', s)\n"
	"    e.add('description', 'Subject: Records of request %d\\nAgency: "
	"%s\\nTracking number: 2025-FO-%06d\\nStatute: 5 U.S.C. 552 "
	"(Freedom of Information Act)\\nDays allowed: 20 working days\\n"
	"Due: 2025-03-31\\nProject: %s\\nDetails: foia show %d' % (r, a, r, "
	"pr[r % 4], r))\n"
	"    for c in (pr[r % 4], a, 'us-federal'):\n"
	"        e.add('categories', c)\n"
	"    for t in trig:\n"
	"        al = icalendar.Alarm()\n"
	"        al.add('action', 'DISPLAY')\n"
	"        al.add('trigger', t)\n"
	"        al.add('description', s)\n"
	"        e.add_component(al)\n"
	"    cal.add_component(e)\n"
	"out = cal.to_ical()\n"
	"print('%.3f %d' % (time.perf_counter() - t0, len(out)))\n";

/* Seconds python3-icalendar takes for n events, or < 0 when it cannot
 * run. */
static double bench_python(long n, long *bytes)
{
	char script[PATH_MAX], cmd[PATH_MAX + 64];
	const char *tmp = getenv("TMPDIR");
	double secs = -1;
	snprintf(script, sizeof(script), "%s/bench_feed_py.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(script);
	if (fd < 0)
		return -1;
	FILE *f = fdopen(fd, "w");
	fputs(python, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %ld 2>/dev/null",
		 script, n);
	FILE *p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%lf %ld", &secs, bytes) != 2)
			secs = -1;
		if (pclose(p) != 0)
			secs = -1;
	}
	unlink(script);
	return secs;
}

/* --- 3. the daemon's rewrite ---------------------------------------------- */

static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[PATH_MAX + 256];
	if (!d)
		return;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
			if (unlink(p) < 0)
				remove_dir(p);
		}
	closedir(d);
	rmdir(dir);
}

static void fill_store(struct store *st, int32_t today)
{
	char sent[16];
	struct request r;
	if (store_begin(st) != STORE_OK) {
		fprintf(stderr, "%s\n", store_errmsg(st));
		exit(1);
	}
	for (long i = 1; i <= DB_REQUESTS; i++) {
		char subject[64];
		/* Received 0..59 days ago: some due, some overdue. */
		civil_format(today - (int32_t)(i % 60), sent, sizeof(sent));
		snprintf(subject, sizeof(subject), "Records of request %ld", i);
		memset(&r, 0, sizeof(r));
		r.agency = (char *)agencies[i % 5];
		r.jurisdiction = "us-federal";
		r.subject = subject;
		r.project = (char *)projects[i % 4];
		r.sent = sent;
		r.received = sent;
		r.expedited = true;
		r.fees_estimated = r.fees_paid = -1;
		r.status = "submitted";
		r.created_by = "bench";
		if (store_request_insert(st, &r) != STORE_OK) {
			fprintf(stderr, "insert: %s\n", store_errmsg(st));
			exit(1);
		}
		free(r.created);
		free(r.updated);
	}
	if (store_commit(st) != STORE_OK) {
		fprintf(stderr, "%s\n", store_errmsg(st));
		exit(1);
	}
}

static void bench_daemon(const char *dir)
{
	struct daemon d;
	struct config_errors errs = {0};
	char err[512], db[PATH_MAX + 16], cal[PATH_MAX + 8];
	memset(&d, 0, sizeof(d));
	snprintf(db, sizeof(db), "%s/bench.db", dir);
	snprintf(cal, sizeof(cal), "%s/cal", dir);
	if (config_defaults(&d.cfg, false) < 0 ||
	    config_load_jurisdictions(FOIAD_SRCDIR "/config/jurisdictions.conf",
				      &d.laws, &errs) < 0 ||
	    jurisdictions_build(&d.laws, err, sizeof(err)) < 0 ||
	    !(d.store = store_open(db, err, sizeof(err))) ||
	    seed_agencies(d.store, FOIAD_SRCDIR "/config/agencies.conf",
			  &errs) < 1) {
		fprintf(stderr, "bench_feed: cannot set up the daemon: %s %s\n",
			err, errs.count ? errs.text[0] : "");
		exit(1);
	}
	struct feed_clock clk = feeds_clock_now();
	double t0 = now();
	fill_store(d.store, clk.today);
	printf("  database: %d requests inserted in %.2f s\n", DB_REQUESTS,
	       now() - t0);

	const char *what[] = {"first write (every stamp new)",
			      "nothing changed (no file replaced)",
			      "after one change"};
	const char *figures[] = {"feed_write_first_100k",
				 "feed_write_unchanged_100k",
				 "feed_write_one_change_100k"};
	for (int pass = 0; pass < 3; pass++) {
		if (pass == 2) {
			struct request r;
			if (store_request_get(d.store, 1, &r) == STORE_OK) {
				free(r.tracking);
				r.tracking = strdup("CHANGED-1");
				store_request_save(d.store, &r);
				request_clear(&r);
			}
		}
		clk.now += 60;
		t0 = now();
		int n = feeds_write(&d, cal, &clk, err, sizeof(err));
		double t = now() - t0;
		if (n < 0) {
			fprintf(stderr, "feeds_write: %s\n", err);
			exit(1);
		}
		printf("  feeds_write, %s: %.2f s, %d files replaced\n",
		       what[pass], t, n);
		printf("FIGURE %s %.2f s target -\n", figures[pass], t);
	}
	char all[PATH_MAX + 16];
	struct stat st;
	snprintf(all, sizeof(all), "%s/all.ics", cal);
	if (stat(all, &st) == 0)
		printf("  all.ics: %.1f MB\n", (double)st.st_size / 1e6);
	feeds_shutdown(&d);
	store_close(d.store);
	jurisdictions_free(&d.laws);
	config_clear(&d.cfg);
}

int main(void)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	const char *tmp = getenv("TMPDIR");
	const char *pyenv = getenv("BENCH_FEED_PY_EVENTS");
	long events = (long)REQUESTS * PER_REQUEST, bytes = 0, pybytes = 0;
	long pyn = pyenv && atol(pyenv) > 0 ? atol(pyenv) : PY_DEFAULT;

	snprintf(dir, sizeof(dir), "%s/bench_feed.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/feed.ics", dir);

	double c = bench_writer(path, &bytes);
	printf("libical writer: %ld events (%d requests x %d, 3 VALARMs "
	       "each) in %.2f s, %.0f events/s, %.1f MB\n",
	       events, REQUESTS, PER_REQUEST, c, (double)events / c,
	       (double)bytes / 1e6);
	printf("FIGURE feed_writer_300k %.2f s target 2\n", c);
	unlink(path);

	if (pyn > events)
		pyn = events;
	double py = bench_python(pyn, &pybytes);
	if (py < 0) {
		printf("python3-icalendar: not run (needs /usr/bin/python3 "
		       "and python3-icalendar)\n");
	} else {
		double full = py * (double)events / (double)pyn;
		printf("python3-icalendar: %ld events in %.2f s, %.0f "
		       "events/s, %.1f MB%s\n",
		       pyn, py, (double)pyn / py, (double)pybytes / 1e6,
		       pyn < events ? " (a sample)" : "");
		printf("python3-icalendar for %ld events: %.1f s%s; libical "
		       "writer %.0f times faster\n",
		       events, full, pyn < events ? " (extrapolated)" : "",
		       full / c);
	}

	printf("daemon rewrite (%d open requests):\n", DB_REQUESTS);
	fflush(stdout);
	log_init(true, LOG_LVL_DEBUG); /* feeds_write says where time went */
	bench_daemon(dir);
	remove_dir(dir);
	return 0;
}
