/*
 * bench_import.c: how long importing 100,000 CSV rows takes (`make
 * bench`). The target is under 5 seconds; the figure is printed,
 * never checked.
 *
 * A CSV of 100,000 requests in our export's columns (about 12 MB) is sent
 * as `foia import` sends a file too big for one line: `upload` calls of
 * at most FOIA_MAX_LINE / 8 bytes each, each a protocol line through
 * rpc_handle_line as the server hands it over, then one `import` naming
 * the upload. The time from the first part to the import's reply is the
 * figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "daemon.h"
#include "foia/protocol.h"
#include "jurisdiction.h"
#include "peer.h"
#include "rpc.h"
#include "store.h"

#define ROWS 100000
#define PART (FOIA_MAX_LINE / 8)

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_import: %s: %.300s\n", what, why);
	exit(1);
}

/* The CSV, in one heap buffer. */
static char *make_csv(size_t *len)
{
	size_t cap = (size_t)ROWS * 160 + 256, n = 0;
	char *buf = malloc(cap);
	if (!buf)
		die("csv", "out of memory");
	n += (size_t)snprintf(buf, cap,
			      "title,status,agency,submitted,project,tags,"
			      "tracking,description\n");
	for (int i = 0; i < ROWS; i++) {
		int w = snprintf(buf + n, cap - n,
				 "\"Flight manifests, batch %d\",submitted,"
				 "AG%d,2025-%02d-%02d,%s,\"flights,ice\","
				 "2025-ICFO-%06d,\"Records of removal "
				 "flights, part %d\"\n",
				 i, i % 10, 1 + i % 12, 1 + i % 28,
				 i % 2 ? "alpha" : "beta", i, i);
		if (w < 0 || (size_t)w >= cap - n)
			die("csv", "buffer too small");
		n += (size_t)w;
	}
	*len = n;
	return buf;
}

static json_t *call(struct daemon *d, const struct peer *me, json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!line)
		die("request", "out of memory");
	char *out = rpc_handle_line(d, me, line, strlen(line));
	free(line);
	json_t *reply = out ? json_loads(out, 0, NULL) : NULL;
	json_t *res = json_object_get(reply, "result");
	if (!res)
		die("reply", out ? out : "none");
	json_incref(res);
	json_decref(reply);
	free(out);
	return res;
}

int main(void)
{
	char dir[] = "/tmp/bench_import.XXXXXX", path[64], err[512], code[16];
	struct config_errors errs = {0};
	struct daemon d;
	const struct peer me = {.pid = 1, .uid = 0, .gid = 0, .name = "bench"};
	size_t len;

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
	for (int i = 0; i < 10; i++) {
		snprintf(code, sizeof(code), "AG%d", i);
		struct agency a = {.code = code,
				   .name = code,
				   .jurisdiction = "us-federal"};
		if (store_agency_insert(d.store, &a) != STORE_OK)
			die("agency", store_errmsg(d.store));
	}
	char *csv = make_csv(&len);

	double t0 = now_s(), c0 = cpu_s();
	const char *token = NULL;
	json_t *res = NULL;
	size_t parts = 0;
	for (size_t off = 0; off < len; parts++) {
		size_t n = len - off > PART ? PART : len - off;
		json_t *params = json_pack("{s:s%}", "data", csv + off, n);
		if (token)
			json_object_set_new(params, "upload",
					    json_string(token));
		json_t *r =
			call(&d, &me,
			     json_pack("{s:i, s:i, s:s, s:o}", "v", 1, "id", 1,
				       "method", "upload", "params", params));
		json_decref(res);
		res = r;
		token = json_string_value(json_object_get(res, "upload"));
		off += n;
	}
	double t1 = now_s();
	json_t *imp =
		call(&d, &me,
		     json_pack("{s:i, s:i, s:s, s:{s:s, s:s, s:s}}", "v", 1,
			       "id", 1, "method", "import", "params", "format",
			       "csv", "upload", token, "source", "bench.csv"));
	double t2 = now_s(), c2 = cpu_s();
	json_int_t n = json_integer_value(json_object_get(imp, "imported"));
	if (n != ROWS)
		die("import", "not every row imported");
	printf("import: %d CSV rows (%zu bytes, %zu parts) in %.3f s, %.3f s "
	       "of CPU (upload %.3f s, import %.3f s; target 5 s)\n",
	       ROWS, len, parts, t2 - t0, c2 - c0, t1 - t0, t2 - t1);
	printf("FIGURE import_csv_100k %.0f ms target 5000\n",
	       (t2 - t0) * 1000);
	json_decref(res);
	json_decref(imp);
	free(csv);
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
