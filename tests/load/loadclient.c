/*
 * loadclient.c: the load generator behind tests/load/run: many clients at
 * once against one real foiad, each on its own thread and connection,
 * sending the mix a group's members would (file, update, list, show) for
 * a fixed time, while two bad clients misbehave beside them: one sends a
 * request a byte a second, one sends requests and never reads a reply.
 *
 * It is written in C, not python, so that the latencies measured are the
 * daemon's and not the client's: with 64 clients on a shared two-core
 * machine, an interpreter's own time per request would be of the order of
 * what is being measured.
 *
 *   loadclient --socket PATH --pid PID [--clients N] [--seconds S]
 *              [--seed N] [--no-bad]
 *
 * First it files --seed requests (project "seed", default 200) on one
 * connection: list and show then work on a set that does not grow, so
 * that the memory samples compare like with like. Then for --seconds each
 * client loops: 20% request.file (project "load"), 20% request.update of
 * a field, 30% request.list of project "seed", 30% request.show of a
 * random existing id, reconnecting every 50 requests as separate foia
 * runs would. Every reply is parsed; an "error" reply, a malformed
 * reply, a closed connection or a wait over 30 s counts as an error.
 *
 * While they run, the daemon's VmRSS and VmHWM (/proc/PID/status) are
 * sampled every 250 ms. The output is "key value" lines for the script to
 * check (see tests/load/run), and FIGURE lines for `make bench`
 * (tests/bench/table).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define REPLY_TIMEOUT_MS 30000
#define RECONNECT_EVERY	 50

enum op { OP_FILE, OP_UPDATE, OP_LIST, OP_SHOW, NOPS };
static const char *const op_names[NOPS] = {"file", "update", "list", "show"};

static const char *sock_path;
static long daemon_pid;
static int nclients = 64;
static double seconds = 60;
static int nseed = 200;
static bool bad_clients = true;

static atomic_bool stop;
static atomic_long max_id;	 /* highest request id known to exist */
static atomic_long total_errors; /* across all normal clients */

struct lat {
	double *v; /* milliseconds */
	size_t n, cap;
};

struct client {
	pthread_t th;
	int index;
	uint64_t rng;
	struct lat lat[NOPS];
	long errors;
	char first_error[512];
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static uint32_t rnd(uint64_t *s, uint32_t n)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return (uint32_t)((*s * 0x2545F4914F6CDD1Dull) >> 32) % n;
}

static void lat_add(struct lat *l, double ms)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		double *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			fprintf(stderr, "loadclient: out of memory\n");
			exit(2);
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = ms;
}

static int connect_sock(void)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	if (strlen(sock_path) >= sizeof(a.sun_path))
		return -1;
	memcpy(a.sun_path, sock_path, strlen(sock_path) + 1);
	const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		const ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* A connection's read buffer: what came after the last reply line. */
struct conn {
	int fd;
	char *buf;
	size_t len, cap;
};

/* The next reply line (without '\n') into c->buf[0..*n); false on EOF,
 * error or timeout. The caller drops it with conn_consume. */
static bool read_line(struct conn *c, size_t *n, char *why, size_t whylen)
{
	const double deadline = now_ms() + REPLY_TIMEOUT_MS;
	for (;;) {
		char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
		if (nl) {
			*n = (size_t)(nl - c->buf);
			return true;
		}
		if (c->cap - c->len < 65536) {
			size_t cap = c->cap ? c->cap * 2 : 131072;
			char *b = realloc(c->buf, cap);
			if (!b) {
				snprintf(why, whylen, "out of memory");
				return false;
			}
			c->buf = b;
			c->cap = cap;
		}
		const double left = deadline - now_ms();
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, (int)left + 1) == 0) {
			snprintf(why, whylen, "no reply within %d ms",
				 REPLY_TIMEOUT_MS);
			return false;
		}
		const ssize_t r =
			recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(why, whylen, "connection %s",
				 r == 0 ? "closed by foiad" : strerror(errno));
			return false;
		}
		c->len += (size_t)r;
	}
}

static void conn_consume(struct conn *c, size_t n)
{
	memmove(c->buf, c->buf + n + 1, c->len - n - 1);
	c->len -= n + 1;
}

/* One call; its result (decref it) or NULL with why. */
static json_t *call(struct conn *c, const char *method, json_t *params,
		    char *why, size_t whylen)
{
	static atomic_long next_id;
	json_t *req = json_pack("{s:i, s:I, s:s, s:o}", "v", 1, "id",
				(json_int_t)++next_id, "method", method,
				"params", params);
	char *line = req ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (!line) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	const size_t len = strlen(line);
	bool ok = send_all(c->fd, line, len) && send_all(c->fd, "\n", 1);
	free(line);
	if (!ok) {
		snprintf(why, whylen, "send: %s", strerror(errno));
		return NULL;
	}
	size_t n;
	if (!read_line(c, &n, why, whylen))
		return NULL;
	json_error_t jerr;
	json_t *reply = json_loadb(c->buf, n, 0, &jerr);
	conn_consume(c, n);
	json_t *result = json_incref(json_object_get(reply, "result"));
	if (!result) {
		json_t *e = json_object_get(reply, "error");
		snprintf(
			why, whylen, "%s: %s: %s", method,
			reply ? json_string_value(json_object_get(e, "code"))
			      : "not JSON",
			reply ? json_string_value(json_object_get(e, "message"))
			      : jerr.text);
	}
	json_decref(reply);
	return result;
}

static long first_id(json_t *file_result)
{
	json_t *ids = json_object_get(file_result, "ids");
	return (long)json_integer_value(json_array_get(ids, 0));
}

static void note_id(long id)
{
	long cur = atomic_load(&max_id);
	while (id > cur && !atomic_compare_exchange_weak(&max_id, &cur, id))
		;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct conn c = {.fd = -1};
	char why[512];
	long done = 0;

	while (!atomic_load(&stop)) {
		if (c.fd < 0 || done % RECONNECT_EVERY == 0) {
			if (c.fd >= 0)
				close(c.fd);
			c.len = 0;
			c.fd = connect_sock();
			if (c.fd < 0) {
				snprintf(why, sizeof(why), "connect: %s",
					 strerror(errno));
				goto error;
			}
		}
		const uint32_t r = rnd(&cl->rng, 10);
		const enum op op = r < 2   ? OP_FILE
				   : r < 4 ? OP_UPDATE
				   : r < 7 ? OP_LIST
					   : OP_SHOW;
		const long id =
			1 + (long)rnd(&cl->rng, (uint32_t)atomic_load(&max_id));
		json_t *params;
		const char *method;
		char text[96];
		switch (op) {
		case OP_FILE:
			snprintf(text, sizeof(text),
				 "Load test request of client %d, number %ld",
				 cl->index, done);
			method = "request.file";
			params = json_pack(
				"{s:[s], s:s, s:s, s:[s]}", "agencies",
				cl->index % 2 ? "ICE" : "CBP", "subject", text,
				"project", "load", "tags", "load");
			break;
		case OP_UPDATE:
			snprintf(text, sizeof(text), "L-%d-%ld", cl->index,
				 done);
			method = "request.update";
			params = json_pack("{s:I, s:s}", "id", (json_int_t)id,
					   "tracking", text);
			break;
		case OP_LIST:
			method = "request.list";
			params = json_pack("{s:s}", "project", "seed");
			break;
		default:
			method = "request.show";
			params = json_pack("{s:I}", "id", (json_int_t)id);
			break;
		}
		const double t0 = now_ms();
		json_t *res = call(&c, method, params, why, sizeof(why));
		const double t1 = now_ms();
		if (!res)
			goto error;
		if (op == OP_FILE)
			note_id(first_id(res));
		json_decref(res);
		lat_add(&cl->lat[op], t1 - t0);
		done++;
		continue;
	error:
		if (atomic_load(&stop))
			break; /* a reply cut by the end is not an error */
		if (cl->errors++ == 0)
			snprintf(cl->first_error, sizeof(cl->first_error), "%s",
				 why);
		atomic_fetch_add(&total_errors, 1);
		if (c.fd >= 0)
			close(c.fd);
		c.fd = -1;
		done = 0;
		usleep(10000);
	}
	if (c.fd >= 0)
		close(c.fd);
	free(c.buf);
	return NULL;
}

/* --- the bad clients ------------------------------------------------------ */

struct slow_stats {
	long bytes, replies, closed;
};

/* A status request a byte a second, again and again: foiad must answer
 * or time it out, and serve everyone else meanwhile. */
static void *slow_main(void *arg)
{
	struct slow_stats *st = arg;
	static const char line[] = "{\"v\":1,\"id\":1,\"method\":\"status\"}\n";
	int fd = -1;
	size_t at = 0;
	while (!atomic_load(&stop)) {
		if (fd < 0) {
			fd = connect_sock();
			at = 0;
			if (fd < 0) {
				sleep(1);
				continue;
			}
		}
		if (at < sizeof(line) - 1) {
			if (!send_all(fd, line + at, 1)) {
				st->closed++;
				close(fd);
				fd = -1;
				continue;
			}
			st->bytes++;
			at++;
		}
		/* Wait a second, reading whatever comes back. */
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 1000) > 0) {
			char buf[4096];
			const ssize_t r = recv(fd, buf, sizeof(buf), 0);
			if (r <= 0) {
				st->closed++;
				close(fd);
				fd = -1;
				continue;
			}
			for (ssize_t i = 0; i < r; i++)
				if (buf[i] == '\n')
					st->replies++;
			if (at == sizeof(line) - 1)
				at = 0; /* answered: trickle the next one */
		}
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

struct deaf_stats {
	long sent;
};

/* Requests with big replies (the list), written until the socket is full,
 * and no reply ever read. */
static void *deaf_main(void *arg)
{
	struct deaf_stats *st = arg;
	const int fd = connect_sock();
	if (fd < 0)
		return NULL;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	static const char line[] = "{\"v\":1,\"id\":1,\"method\":\"request."
				   "list\",\"params\":{\"project\":"
				   "\"seed\"}}\n";
	size_t at = 0;
	while (!atomic_load(&stop)) {
		const ssize_t w = send(fd, line + at, sizeof(line) - 1 - at,
				       MSG_NOSIGNAL);
		if (w > 0) {
			at += (size_t)w;
			if (at == sizeof(line) - 1) {
				at = 0;
				st->sent++;
			}
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			break; /* closed by foiad: fine too */
		usleep(100000);
	}
	close(fd);
	return NULL;
}

/* --- memory ----------------------------------------------------------- */

/* VmRSS and VmHWM of the daemon in kB; false once it is gone. */
static bool mem_kb(long *rss, long *hwm)
{
	char path[64], line[256];
	snprintf(path, sizeof(path), "/proc/%ld/status", daemon_pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	*rss = *hwm = -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "VmRSS:", 6) == 0)
			*rss = strtol(line + 6, NULL, 10);
		else if (strncmp(line, "VmHWM:", 6) == 0)
			*hwm = strtol(line + 6, NULL, 10);
	}
	fclose(f);
	return *rss >= 0 && *hwm >= 0;
}

static int cmp_double(const void *a, const void *b)
{
	const double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v. */
static double pct(const double *v, size_t n, double p)
{
	if (n == 0)
		return 0;
	size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
	if (k < 1)
		k = 1;
	return v[k > n ? n - 1 : k - 1];
}

static void print_lat(const char *name, struct lat *l, double secs)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_double);
	printf("latency_%s count %zu rate %.1f/s p50 %.2f ms p99 %.2f ms "
	       "max %.2f ms\n",
	       name, l->n, (double)l->n / secs, pct(l->v, l->n, 50),
	       pct(l->v, l->n, 99), l->n ? l->v[l->n - 1] : 0.0);
}

static int seed_requests(void)
{
	struct conn c = {.fd = connect_sock()};
	char why[512];
	if (c.fd < 0) {
		fprintf(stderr, "loadclient: cannot connect to '%s': %s\n",
			sock_path, strerror(errno));
		return -1;
	}
	long last = 0;
	for (int i = 0; i < nseed; i++) {
		char subject[64];
		snprintf(subject, sizeof(subject), "Seed request %d", i);
		json_t *res = call(&c, "request.file",
				   json_pack("{s:[s], s:s, s:s, s:s}",
					     "agencies", i % 3 ? "ICE" : "CBP",
					     "subject", subject, "project",
					     "seed", "sent", "2025-03-20"),
				   why, sizeof(why));
		if (!res) {
			fprintf(stderr, "loadclient: seeding: %s\n", why);
			close(c.fd);
			free(c.buf);
			return -1;
		}
		last = first_id(res);
		json_decref(res);
	}
	note_id(last > 0 ? last : 1);
	close(c.fd);
	free(c.buf);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: loadclient --socket PATH --pid PID "
			"[--clients N] [--seconds S] [--seed N] [--no-bad]\n");
	exit(64);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--no-bad") == 0) {
			bad_clients = false;
			continue;
		}
		if (!v)
			usage();
		if (strcmp(a, "--socket") == 0)
			sock_path = v;
		else if (strcmp(a, "--pid") == 0)
			daemon_pid = strtol(v, NULL, 10);
		else if (strcmp(a, "--clients") == 0)
			nclients = atoi(v);
		else if (strcmp(a, "--seconds") == 0)
			seconds = atof(v);
		else if (strcmp(a, "--seed") == 0)
			nseed = atoi(v);
		else
			usage();
		i++;
	}
	if (!sock_path || daemon_pid <= 0 || nclients < 1 || seconds <= 0 ||
	    nseed < 1)
		usage();

	long rss0, hwm0;
	if (!mem_kb(&rss0, &hwm0)) {
		fprintf(stderr, "loadclient: no process %ld\n", daemon_pid);
		return 2;
	}
	if (seed_requests() < 0)
		return 2;
	long rss_seeded, hwm;
	mem_kb(&rss_seeded, &hwm);

	struct client *cl = calloc((size_t)nclients, sizeof(*cl));
	if (!cl)
		return 2;
	struct slow_stats slow = {0};
	struct deaf_stats deaf = {0};
	pthread_t slow_th, deaf_th;
	if (bad_clients) {
		pthread_create(&slow_th, NULL, slow_main, &slow);
		pthread_create(&deaf_th, NULL, deaf_main, &deaf);
	}
	const double t0 = now_ms();
	for (int i = 0; i < nclients; i++) {
		cl[i].index = i;
		cl[i].rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
		if (pthread_create(&cl[i].th, NULL, client_main, &cl[i]) != 0) {
			fprintf(stderr, "loadclient: cannot start client %d\n",
				i);
			return 2;
		}
	}

	/* Memory samples: every 250 ms; the first fifth of the run is the
	 * warm-up (caches filling), the rest must stay flat. */
	long samples = 0, rss = rss_seeded, rss_warm = -1, rss_max = 0;
	long rss_end = rss_seeded;
	double alive = 1;
	while (now_ms() - t0 < seconds * 1000) {
		usleep(250000);
		if (!mem_kb(&rss, &hwm)) {
			alive = 0;
			break;
		}
		samples++;
		if (rss_warm < 0 && now_ms() - t0 >= seconds * 200)
			rss_warm = rss;
		if (rss_warm >= 0 && rss > rss_max)
			rss_max = rss;
		rss_end = rss;
	}
	atomic_store(&stop, true);
	const double secs = (now_ms() - t0) / 1000;
	for (int i = 0; i < nclients; i++)
		pthread_join(cl[i].th, NULL);
	if (bad_clients) {
		pthread_join(slow_th, NULL);
		pthread_join(deaf_th, NULL);
	}
	if (alive && !mem_kb(&rss, &hwm))
		alive = 0;
	if (rss_warm < 0)
		rss_warm = rss_end;

	struct lat all = {0};
	for (int op = 0; op < NOPS; op++) {
		struct lat merged = {0};
		for (int i = 0; i < nclients; i++)
			for (size_t k = 0; k < cl[i].lat[op].n; k++) {
				lat_add(&merged, cl[i].lat[op].v[k]);
				lat_add(&all, cl[i].lat[op].v[k]);
			}
		print_lat(op_names[op], &merged, secs);
		free(merged.v);
	}
	print_lat("all", &all, secs);
	qsort(all.v, all.n, sizeof(*all.v), cmp_double);
	const char *first_error = "";
	for (int i = 0; i < nclients; i++)
		if (cl[i].errors && !*first_error)
			first_error = cl[i].first_error;
	printf("clients %d\nseconds %.1f\nrequests %zu\nerrors %ld\n", nclients,
	       secs, all.n, atomic_load(&total_errors));
	if (*first_error)
		printf("first_error %s\n", first_error);
	printf("p50_ms %.2f\np99_ms %.2f\nmax_ms %.2f\n", pct(all.v, all.n, 50),
	       pct(all.v, all.n, 99), all.n ? all.v[all.n - 1] : 0.0);
	printf("rss_start_kb %ld\nrss_seeded_kb %ld\nrss_warm_kb %ld\n"
	       "rss_max_kb %ld\nrss_end_kb %ld\nhwm_kb %ld\nmem_samples %ld\n",
	       rss0, rss_seeded, rss_warm, rss_max, rss_end, hwm, samples);
	printf("daemon_alive %d\n", (int)alive);
	if (bad_clients)
		printf("slow_bytes %ld\nslow_replies %ld\nslow_closed %ld\n"
		       "deaf_sent %ld\n",
		       slow.bytes, slow.replies, slow.closed, deaf.sent);
	printf("FIGURE load_p99 %.2f ms target -\n", pct(all.v, all.n, 99));
	printf("FIGURE load_rate %.0f req/s target -\n", (double)all.n / secs);
	free(all.v);
	for (int i = 0; i < nclients; i++)
		for (int op = 0; op < NOPS; op++)
			free(cl[i].lat[op].v);
	free(cl);
	return 0;
}
