/*
 * rpc.c: the protocol envelope. A line becomes a call, a call's outcome a
 * reply line. Everything a client can get wrong about the envelope (not
 * JSON, not an object, wrong version, unknown method, params of the wrong
 * type) ends here in an error reply; the connection lives on.
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

static json_t *run_call(struct call *c, json_t *req, json_int_t *id)
{
	const struct method *m = NULL;
	json_t *params = NULL, *result = NULL;

	if (read_envelope(c, req, id, &m, &params) < 0)
		return NULL;
	json_t *empty = params ? NULL : json_object();
	if (!params && !empty) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		return NULL;
	}
	int rc = m->handler(c, params ? params : empty, &result);
	json_decref(empty);
	if (rc < 0) {
		json_decref(result);
		if (!c->err_code)
			call_error(c, FOIA_E_INTERNAL, "%s failed", m->name);
		return NULL;
	}
	log_debug("%s by %s: ok", m->name, c->peer->name);
	return result;
}

char *rpc_handle_line(struct daemon *d, const struct peer *peer,
		      const char *line, size_t len)
{
	struct call c = {.d = d, .peer = peer};
	json_error_t jerr;
	json_int_t id = -1;
	json_t *result = NULL;

	json_t *req = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!req)
		call_error(&c, FOIA_E_PARSE, "not valid JSON: %s", jerr.text);
	else
		result = run_call(&c, req, &id);
	json_decref(req);
	if (!result) {
		if (strcmp(c.err_code, FOIA_E_INTERNAL) == 0)
			log_warnx("internal error for %s: %s", peer->name,
				  c.err_msg);
		return rpc_error_reply(id, c.err_code, c.err_msg);
	}
	return finish(json_pack("{s:i, s:o, s:o}", "v", FOIA_PROTOCOL_VERSION,
				"id", id_value(id), "result", result));
}
