/*
 * bench_daemon.c: the real foiad at 100,000 requests (`make bench`): how
 * long it takes to start on them, how fast list, report and import
 * answer through the socket, and how much memory the daemon needs for it
 * (VmRSS idle, VmHWM at the end, from /proc/PID/status).
 *
 * A database in a temporary directory is filled with 100,000 federal
 * requests (each with its filing event, a third with a closed toll)
 * through the store, as bench_recompute.c does; then $FOIAD (default
 * build/foiad, the Makefile passes the -O2 one) is started on it in the
 * foreground with the repository's agencies and laws, and driven over its
 * socket: request.list of the first 50 open requests (best of five), all
 * of them, report, and an import of IMPORT_ROWS CSV rows. Figures are
 * printed, also as FIGURE lines for tests/bench/table, never checked.
 * Run from the repository (make bench does).
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "foia/civil.h"
#include "store.h"

#define REQUESTS    100000
#define IMPORT_ROWS 10000
#define START_WAIT  120 /* seconds */

static char dir[PATH_MAX], sock_path[PATH_MAX + 16];
static pid_t daemon_pid = -1;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cleanup(void)
{
	static const char *const files[] = {
		"foiad.db",   "foiad.db-wal", "foiad.db-shm",
		"foiad.conf", "foiad.sock",   "foiad.log",
		NULL};
	char p[PATH_MAX + 32];
	if (daemon_pid > 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	for (int i = 0; files[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_daemon: %s: %s\n", what, why);
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

static void fill(const char *db)
{
	char err[512], sent[16], toll[16], until[16];
	struct store *st = store_open(db, err, sizeof(err));
	if (!st)
		die("open", err);
	struct agency a = {.code = "ICE",
			   .name = "U.S. Immigration and Customs Enforcement",
			   .jurisdiction = "us-federal"};
	if (store_begin(st) != STORE_OK ||
	    store_agency_insert(st, &a) != STORE_OK)
		die("agency", store_errmsg(st));
	for (int i = 0; i < REQUESTS; i++) {
		const int32_t d = civil_to_days(2024, 1, 1) + i % 700;
		civil_format(d, sent, sizeof(sent));
		struct request r = {.agency = "ICE",
				    .subject = "bench",
				    .jurisdiction = "us-federal",
				    .project = i % 5 ? "bench" : "other",
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
	store_close(st);
}

static int try_connect(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(sock_path) >= sizeof(a.sun_path))
		die("socket path too long", sock_path);
	memcpy(a.sun_path, sock_path, strlen(sock_path) + 1);
	const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket", strerror(errno));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request line on a new connection; returns the seconds to the whole
 * reply line, which must carry a result. *bytes gets its length. */
static double call(const char *line, size_t *bytes)
{
	static char *buf;
	static size_t cap;
	const int fd = try_connect();
	if (fd < 0)
		die("connect", strerror(errno));
	const double t0 = now_s();
	size_t len = strlen(line), off = 0;
	while (off < len) {
		const ssize_t w = send(fd, line + off, len - off, MSG_NOSIGNAL);
		if (w <= 0)
			die("send", strerror(errno));
		off += (size_t)w;
	}
	if (send(fd, "\n", 1, MSG_NOSIGNAL) != 1)
		die("send", strerror(errno));
	size_t n = 0;
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			buf = realloc(buf, cap);
			if (!buf)
				die("reply", "out of memory");
		}
		const ssize_t r = recv(fd, buf + n, cap - n - 1, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("reply",
			    r == 0 ? "connection closed" : strerror(errno));
		n += (size_t)r;
		if (buf[n - 1] == '\n')
			break;
	}
	const double t = now_s() - t0;
	close(fd);
	buf[n] = '\0';
	if (!strstr(buf, "\"result\"")) {
		fprintf(stderr, "bench_daemon: %.500s", buf);
		die("call failed", line);
	}
	if (bytes)
		*bytes = n;
	return t;
}

/* VmRSS and VmHWM of the daemon, in kB. */
static void mem_kb(long *rss, long *hwm)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", (long)daemon_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		die("daemon gone", path);
	*rss = *hwm = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = strtol(line + 6, NULL, 10);
	}
	fclose(f);
}

static void start_daemon(const char *foiad, const char *db)
{
	char conf[PATH_MAX + 16], log[PATH_MAX + 16], cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		die("getcwd", strerror(errno));
	snprintf(conf, sizeof(conf), "%s/foiad.conf", dir);
	snprintf(log, sizeof(log), "%s/foiad.log", dir);
	FILE *f = fopen(conf, "w");
	if (!f)
		die(conf, strerror(errno));
	fprintf(f,
		"agencies = \"%s/config/agencies.conf\";\n"
		"jurisdictions = \"%s/config/jurisdictions.conf\";\n"
		"log_level = \"warning\";\nclient_timeout = 600;\n",
		cwd, cwd);
	if (fclose(f) != 0)
		die(conf, strerror(errno));
	daemon_pid = fork();
	if (daemon_pid < 0)
		die("fork", strerror(errno));
	if (daemon_pid == 0) {
		if (!freopen(log, "w", stderr))
			_exit(127);
		execl(foiad, foiad, "-f", "-c", conf, "--socket", sock_path,
		      "--database", db, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < START_WAIT * 20; i++) {
		int status;
		if (waitpid(daemon_pid, &status, WNOHANG) == daemon_pid) {
			daemon_pid = -1;
			die("foiad exited at start; its log", log);
		}
		const int fd = try_connect();
		if (fd >= 0) {
			close(fd);
			return;
		}
		usleep(50000);
	}
	die("foiad did not listen in time; its log", log);
}

/* The import: IMPORT_ROWS requests as our own CSV. */
static char *import_line(void)
{
	const size_t cap = (size_t)IMPORT_ROWS * 96 + 256;
	char *s = malloc(cap);
	if (!s)
		die("import", "out of memory");
	int n = snprintf(s, cap,
			 "{\"v\":1,\"id\":9,\"method\":\"import\",\"params\":"
			 "{\"format\":\"csv\",\"source\":\"bench.csv\","
			 "\"text\":\"title,status,agency,submitted,project\\n");
	size_t len = (size_t)n;
	for (int i = 0; i < IMPORT_ROWS; i++) {
		n = snprintf(s + len, cap - len,
			     "Imported request %d,submitted,ICE,2025-%02d-%02d,"
			     "imported\\n",
			     i, 1 + i % 12, 1 + i % 28);
		if (n < 0 || (size_t)n >= cap - len)
			die("import", "line too long");
		len += (size_t)n;
	}
	n = snprintf(s + len, cap - len, "\"}}");
	if (n < 0 || (size_t)n >= cap - len)
		die("import", "line too long");
	return s;
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *foiad = getenv("FOIAD");
	char db[PATH_MAX + 16];
	if (!foiad || !*foiad)
		foiad = "build/foiad";
	/* sun_path is 108 bytes: a long TMPDIR is not used. */
	snprintf(dir, sizeof(dir), "%s/bench_daemon.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 60 ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp", strerror(errno));
	atexit(cleanup);
	snprintf(db, sizeof(db), "%s/foiad.db", dir);
	snprintf(sock_path, sizeof(sock_path), "%s/foiad.sock", dir);

	double t0 = now_s();
	fill(db);
	printf("daemon: %d requests inserted in %.1f s\n", REQUESTS,
	       now_s() - t0);
	fflush(stdout);

	t0 = now_s();
	start_daemon(foiad, db);
	const double started = now_s() - t0;
	long rss_idle, hwm;
	mem_kb(&rss_idle, &hwm);
	printf("daemon: %s listening after %.2f s; VmRSS %ld kB, VmHWM "
	       "%ld kB\n",
	       foiad, started, rss_idle, hwm);

	size_t bytes = 0;
	double best = 1e9;
	for (int i = 0; i < 5; i++) {
		const double t = call("{\"v\":1,\"id\":1,\"method\":\"request."
				      "list\",\"params\":{\"limit\":50}}",
				      &bytes);
		if (t < best)
			best = t;
	}
	printf("daemon: request.list, first 50 of %d open: %.1f ms (best of "
	       "5; %zu bytes)\n",
	       REQUESTS, best * 1e3, bytes);
	const double all = call("{\"v\":1,\"id\":2,\"method\":\"request.list\","
				"\"params\":{}}",
				&bytes);
	printf("daemon: request.list, all %d open: %.2f s (%.1f MB)\n",
	       REQUESTS, all, (double)bytes / 1e6);
	const double report =
		call("{\"v\":1,\"id\":3,\"method\":\"report\",\"params\":{}}",
		     &bytes);
	printf("daemon: report: %.2f s (%zu bytes)\n", report, bytes);
	char *line = import_line();
	const double imp = call(line, &bytes);
	free(line);
	printf("daemon: import of %d CSV rows: %.2f s, %.0f rows/s\n",
	       IMPORT_ROWS, imp, IMPORT_ROWS / imp);
	long rss;
	mem_kb(&rss, &hwm);
	printf("daemon: after all that, VmRSS %ld kB, VmHWM %ld kB\n", rss,
	       hwm);

	printf("FIGURE daemon_start_100k %.2f s target -\n", started);
	printf("FIGURE daemon_list_50_of_100k %.1f ms target -\n", best * 1e3);
	printf("FIGURE daemon_list_all_100k %.2f s target -\n", all);
	printf("FIGURE import_rate %.0f rows/s target -\n", IMPORT_ROWS / imp);
	printf("FIGURE daemon_rss_idle_100k %.1f MB target -\n",
	       (double)rss_idle / 1024);
	printf("FIGURE daemon_hwm_100k %.1f MB target -\n", (double)hwm / 1024);
	fflush(stdout);

	kill(daemon_pid, SIGTERM);
	int status = 0;
	if (waitpid(daemon_pid, &status, 0) == daemon_pid)
		daemon_pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("foiad", "did not exit cleanly on SIGTERM");
	return 0;
}
