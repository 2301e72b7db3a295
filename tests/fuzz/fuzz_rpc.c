/*
 * fuzz_rpc.c: libFuzzer target for the protocol decoder and every method
 * behind it (daemon/rpc.c, daemon/methods.c and the method_*.c handlers),
 * as a client on the socket reaches them.
 *
 * An input is up to MAX_LINES request lines separated by '\n', handed one
 * by one to rpc_handle_line, so that a sequence (file, then update, toll,
 * show...) reaches the states a single line cannot. Each input gets the
 * fresh daemon of fuzz_daemon.h (a ":memory:" store with the seed
 * agencies, the shipped laws, nothing that reaches the network). Every
 * reply must be one JSON object on one line with "v" 1, an "id" and
 * exactly one of "result" and "error"; everything is freed after each
 * input, so LeakSanitizer sees a leak in any handler.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_daemon.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 16

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fd_init("fuzz_rpc");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct daemon d;
	fd_open(&d, true);
	const char *p = (const char *)data, *end = p + size;
	for (int i = 0; i < MAX_LINES && p < end; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_decref(fd_reply(rpc_handle_line(&d, &fd_alice, p, len)));
		p += len + (nl != NULL);
	}
	/* Only holidays.import changes a calendar; the method name may be
	 * escaped in JSON, so look for the part that cannot be. */
	fd_close(&d, memmem(data, size, "import", 6) != NULL ||
			     memmem(data, size, "\\u", 2) != NULL);
	return 0;
}
