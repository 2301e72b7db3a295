/*
 * fuzz_import.c: libFuzzer target for bringing requests in from a file:
 * the CSV reader (daemon/csv_text.c, libcsv) on any bytes, and the import
 * method (daemon/method_import_requests.c) on our own CSV export, a
 * MuckRock CSV and a JSON backup, through the protocol as `foia import`
 * sends them.
 *
 * The first byte chooses the format (csv, muckrock, json) and skip_bad;
 * the rest is the file. csv_read must hand over rows with NUL-terminated
 * fields and lines that never go backwards, or fail with a message naming
 * a line. The import runs on the fresh daemon of fuzz_daemon.h (seed
 * agencies, shipped laws, ":memory:" store); text that is not UTF-8
 * cannot be sent (JSON strings are UTF-8), so only csv_read sees it. An
 * import that succeeds must have stored what it says: request.list shows
 * as many requests as it imported, and export in both formats works
 * afterwards. Everything is freed after each input, so LeakSanitizer sees
 * leaks.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "csv_text.h"
#include "fuzz_daemon.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rows {
	long last_line;
	size_t n;
};

static int row(char **fields, size_t n, long line, void *arg)
{
	struct rows *r = arg;
	fd_check(line >= 1 && line >= r->last_line);
	for (size_t i = 0; i < n; i++)
		fd_check(fields[i] != NULL &&
			 strlen(fields[i]) < (size_t)1 << 30);
	r->last_line = line;
	r->n++;
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd_init("fuzz_import");
	return 0;
}

static size_t count_requests(struct daemon *d)
{
	json_t *reply =
		fd_call(d, "request.list", json_pack("{s:b}", "all", 1));
	json_t *reqs =
		json_object_get(json_object_get(reply, "result"), "requests");
	fd_check(json_is_array(reqs));
	/* A paged list says how many there are in all. */
	json_t *total =
		json_object_get(json_object_get(reply, "result"), "total");
	const size_t n = json_is_integer(total)
				 ? (size_t)json_integer_value(total)
				 : json_array_size(reqs);
	json_decref(reply);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const char *const formats[] = {"csv", "muckrock", "json"};
	const char *format = formats[(data[0] & 0x0f) % 3];
	const bool skip_bad = (data[0] & 0x10) != 0;
	const char *text = (const char *)data + 1;
	const size_t len = size - 1;

	struct rows r = {0, 0};
	char err[512] = "";
	const int rc = csv_read(text, len, row, &r, err, sizeof(err));
	fd_check(rc == 0 || (rc == -1 && err[0] != '\0'));

	json_t *jtext = json_stringn(text, len);
	if (!jtext)
		return 0; /* not UTF-8, or a NUL: no client can send it */
	static struct daemon d;
	fd_open(&d, strcmp(format, "json") != 0);
	const size_t before = count_requests(&d);
	json_t *reply = fd_call(&d, "import",
				json_pack("{s:s, s:o, s:s, s:b}", "format",
					  format, "text", jtext, "source",
					  "fuzz.csv", "skip_bad", skip_bad));
	json_t *result = json_object_get(reply, "result");
	if (result) {
		json_t *imported = json_object_get(result, "imported");
		if (json_is_integer(imported))
			fd_check(count_requests(&d) ==
				 before + (size_t)json_integer_value(imported));
		for (int i = 0; i < 2; i++) {
			json_t *e = fd_call(&d, "export",
					    json_pack("{s:s}", "format",
						      i ? "json" : "csv"));
			fd_check(json_object_get(e, "result") != NULL);
			json_decref(e);
		}
	}
	json_decref(reply);
	fd_close(&d, strcmp(format, "json") == 0);
	return 0;
}
