/*
 * rpc.h: one protocol line in, one reply line out.
 *
 * Decoding, version checks, method lookup, permission checks and error
 * replies, with no knowledge of sockets: the server hands in a line and
 * writes back what comes out, and tests and fuzzers call it directly. A
 * handler may also answer later (RPC_PENDING), through a token naming the
 * server's connection, which rpc only carries.
 */
#ifndef FOIAD_RPC_H
#define FOIAD_RPC_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "peer.h"

struct server;

/*
 * Where the reply to a call goes when it comes later: the server, its
 * connection, and the request's id. A handler that cannot answer at once
 * (holidays.import of a URL waits for the download) copies c->token,
 * returns RPC_PENDING, and later passes exactly one line made by
 * rpc_call_reply to server_reply_later(&token, line). Only a call with a
 * server may be answered later; rpc_handle_line's calls have none.
 */
struct rpc_token {
	struct server *server; /* NULL: the caller cannot wait */
	uint64_t conn;	       /* the server's connection id */
	json_int_t id;	       /* the request's id, -1 for none */
};

/* A handler's return value: the reply will come later. */
#define RPC_PENDING 1

/* The context of one call, with room for its error. */
struct call {
	struct daemon *d;
	const struct peer *peer;
	const char *err_code;
	char err_msg[1024];
	struct rpc_token token;
	/* A handler whose result is too large to build as a JSON tree
	 * cheaply (report) may instead leave *result NULL and put the
	 * result's JSON text here (malloc'd; rpc frees it). The reply line
	 * is made in its buffer: RPC_RAW_ROOM spare bytes after the text
	 * spare a reallocation. */
	char *raw;
};
#define RPC_RAW_ROOM 64

/* Record an error for the reply; returns -1 so handlers can
 * `return call_error(...)`. */
int call_error(struct call *c, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* 0 when the caller is an admin (peer_is_admin), else a "forbidden"
 * error naming what (a method, or what a handler was asked to do), logged,
 * and -1. rpc checks PERM_ADMIN methods itself; a handler calls this for a
 * case of a member method that needs more (import of a JSON backup). */
int call_require_admin(struct call *c, const char *what);

/* Handle one request line (no newline). Returns a malloc'd reply line
 * ending in '\n', or NULL when out of memory. */
char *rpc_handle_line(struct daemon *d, const struct peer *peer,
		      const char *line, size_t len);
/* The same for the server's connection conn of server: returns 0 with
 * *reply as above, or RPC_PENDING with *reply NULL when a handler will
 * answer later through server_reply_later. */
int rpc_handle(struct daemon *d, const struct peer *peer, struct server *server,
	       uint64_t conn, const char *line, size_t len, char **reply);
/* The reply line for a finished call: its result (stolen) when not NULL,
 * else the error recorded in c; to c->token.id. NULL when out of
 * memory. */
char *rpc_call_reply(struct call *c, json_t *result);
/* A reply carrying only an error, for the server's own refusals
 * (too_long, timeout, permission_denied). */
char *rpc_error_reply(json_int_t id, const char *code, const char *message);

#endif
