/*
 * rpc.c: the protocol envelope. A line becomes a call, a call's outcome a
 * reply line. Everything a client can get wrong about the envelope (not
 * JSON, not an object, wrong version, unknown method, params of the wrong
 * type, a method for admins called by a member) ends here in an error
 * reply; the connection lives on. A handler
 * that answers later (RPC_PENDING) gets its reply line made here too, by
 * rpc_call_reply, when it is done.
 */
#include "rpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/protocol.h"
#include "log.h"
#include "methods.h"

int call_error(struct call *c, const char *code, const char *fmt, ...)
{
	va_list ap;
	c->err_code = code;
	va_start(ap, fmt);
	vsnprintf(c->err_msg, sizeof(c->err_msg), fmt, ap);
	va_end(ap);
	return -1;
}

static char *finish(json_t *reply)
{
	char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
	json_decref(reply);
	if (!text)
		return NULL;
	size_t len = strlen(text);
	char *line = realloc(text, len + 2);
	if (!line) {
		free(text);
		return NULL;
	}
	line[len] = '\n';
	line[len + 1] = '\0';
	return line;
}

static json_t *id_value(json_int_t id)
{
	return id >= 0 ? json_integer(id) : json_null();
}

char *rpc_error_reply(json_int_t id, const char *code, const char *message)
{
	return finish(json_pack("{s:i, s:o, s:{s:s, s:s}}", "v",
				FOIA_PROTOCOL_VERSION, "id", id_value(id),
				"error", "code", code, "message", message));
}

int call_require_admin(struct call *c, const char *what)
{
	if (peer_is_admin(c->peer, c->d->system_mode, &c->d->cfg))
		return 0;
	log_warnx("refused %s to %s (uid %u): not an admin", what,
		  c->peer->name, (unsigned)c->peer->uid);
	return call_error(c, FOIA_E_FORBIDDEN,
			  "%s needs an admin (see access.admins and "
			  "access.admin_group in foiad.conf)",
			  what);
}

/* Check the envelope; on success set *method and *params. */
static int read_envelope(struct call *c, json_t *req, json_int_t *id,
			 const struct method **method, json_t **params)
{
	if (!json_is_object(req))
		return call_error(c, FOIA_E_PARSE,
				  "a request must be a JSON object");
	json_t *jid = json_object_get(req, "id");
	if (json_is_integer(jid) && json_integer_value(jid) >= 0)
		*id = json_integer_value(jid);
	else if (jid && !json_is_null(jid))
		return call_error(c, FOIA_E_INVALID,
				  "'id' must be a non-negative integer");
	json_t *v = json_object_get(req, "v");
	if (!json_is_integer(v) ||
	    json_integer_value(v) != FOIA_PROTOCOL_VERSION)
		return call_error(c, FOIA_E_VERSION,
				  "unsupported protocol version (this foiad "
				  "speaks version %d; upgrade foia or foiad)",
				  FOIA_PROTOCOL_VERSION);
	const char *name = json_string_value(json_object_get(req, "method"));
	if (!name)
		return call_error(c, FOIA_E_INVALID,
				  "'method' must be a string");
	*method = method_find(name);
	if (!*method)
		return call_error(c, FOIA_E_METHOD, "unknown method '%.64s'",
				  name);
	*params = json_object_get(req, "params");
	if (*params && !json_is_object(*params))
		return call_error(c, FOIA_E_INVALID,
				  "'params' must be a JSON object");
	return 0;
}

/* 0 with *result set (or NULL and the error in c), or RPC_PENDING. */
static int run_call(struct call *c, json_t *req, json_t **result)
{
	const struct method *m = NULL;
	json_t *params = NULL;

	*result = NULL;
	if (read_envelope(c, req, &c->token.id, &m, &params) < 0)
		return 0;
	/* Roles: the method table says who may call what. */
	if (m->perm == PERM_ADMIN && call_require_admin(c, m->name) < 0)
		return 0;
	json_t *empty = params ? NULL : json_object();
	if (!params && !empty) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		return 0;
	}
	int rc = m->handler(c, params ? params : empty, result);
	json_decref(empty);
	if (rc == RPC_PENDING && c->token.server) {
		log_debug("%s by %s: answer pending", m->name, c->peer->name);
		return RPC_PENDING;
	}
	if (rc == RPC_PENDING)
		call_error(c, FOIA_E_INTERNAL, "%s cannot answer later here",
			   m->name);
	if (rc != 0) {
		json_decref(*result);
		*result = NULL;
		if (!c->err_code)
			call_error(c, FOIA_E_INTERNAL, "%s failed", m->name);
		return 0;
	}
	log_debug("%s by %s: ok", m->name, c->peer->name);
	/* A write succeeded: whatever is derived from the data (calendar
	 * feeds, the reminder plan) is brought up to date. */
	if (m->perm != PERM_READ)
		timers_changed(&c->d->timers, c->d);
	return 0;
}

/* The reply line around a result given as JSON text, made in raw's own
 * buffer (taken over): a large result is moved once within memory it
 * already has (a method that leaves RPC_RAW_ROOM spare bytes after its
 * text saves a reallocation too) instead of copied into a fresh one. */
static char *raw_reply(json_int_t id, char *raw)
{
	char head[64];
	int n = id >= 0 ? snprintf(head, sizeof(head),
				   "{\"v\":%d,\"id\":%" JSON_INTEGER_FORMAT
				   ",\"result\":",
				   FOIA_PROTOCOL_VERSION, id)
			: snprintf(head, sizeof(head),
				   "{\"v\":%d,\"id\":null,\"result\":",
				   FOIA_PROTOCOL_VERSION);
	size_t len = strlen(raw);
	if (n < 0 || (size_t)n >= sizeof(head)) {
		free(raw);
		return NULL;
	}
	char *line = realloc(raw, (size_t)n + len + 3);
	if (!line) {
		free(raw);
		return NULL;
	}
	memmove(line + n, line, len);
	memcpy(line, head, (size_t)n);
	memcpy(line + (size_t)n + len, "}\n", 3);
	return line;
}

char *rpc_call_reply(struct call *c, json_t *result)
{
	if (!result && c->raw && !c->err_code) {
		char *line = raw_reply(c->token.id, c->raw);
		c->raw = NULL;
		return line;
	}
	free(c->raw);
	c->raw = NULL;
	if (!result) {
		if (!c->err_code)
			call_error(c, FOIA_E_INTERNAL, "no result");
		if (strcmp(c->err_code, FOIA_E_INTERNAL) == 0)
			log_warnx("internal error for %s: %s", c->peer->name,
				  c->err_msg);
		return rpc_error_reply(c->token.id, c->err_code, c->err_msg);
	}
	return finish(json_pack("{s:i, s:o, s:o}", "v", FOIA_PROTOCOL_VERSION,
				"id", id_value(c->token.id), "result", result));
}

int rpc_handle(struct daemon *d, const struct peer *peer, struct server *server,
	       uint64_t conn, const char *line, size_t len, char **reply)
{
	struct call c = {.d = d, .peer = peer, .token = {server, conn, -1}};
	json_error_t jerr;
	json_t *result = NULL;

	*reply = NULL;
	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req) {
		call_error(&c, FOIA_E_PARSE, "not valid JSON: %s", jerr.text);
	} else if (run_call(&c, req, &result) == RPC_PENDING) {
		json_decref(req);
		return RPC_PENDING;
	}
	json_decref(req);
	*reply = rpc_call_reply(&c, result);
	return 0;
}

char *rpc_handle_line(struct daemon *d, const struct peer *peer,
		      const char *line, size_t len)
{
	char *reply;
	/* Without a server no handler may answer later. */
	(void)rpc_handle(d, peer, NULL, 0, line, len, &reply);
	return reply;
}
