/*
 * rpc.h: one protocol line in, one reply line out.
 *
 * Decoding, version checks, method lookup, permission checks and error
 * replies, with no knowledge of sockets: the server hands in a line and
 * writes back what comes out, and tests and fuzzers call it directly.
 */
#ifndef FOIAD_RPC_H
#define FOIAD_RPC_H

#include <jansson.h>
#include <stddef.h>

#include "daemon.h"
#include "peer.h"

/* The context of one call, with room for its error. */
struct call {
	struct daemon *d;
	const struct peer *peer;
	const char *err_code;
	char err_msg[1024];
};

/* Record an error for the reply; returns -1 so handlers can
 * `return call_error(...)`. */
int call_error(struct call *c, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Handle one request line (no newline). Returns a malloc'd reply line
 * ending in '\n', or NULL when out of memory. */
char *rpc_handle_line(struct daemon *d, const struct peer *peer,
		      const char *line, size_t len);
/* A reply carrying only an error, for the server's own refusals
 * (too_long, timeout, permission_denied). */
char *rpc_error_reply(json_int_t id, const char *code, const char *message);

#endif
