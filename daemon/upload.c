/*
 * upload.c: uploads, files sent in parts for `import` (upload.h).
 *
 * The uploads live in one small table, each tagged with its server and
 * connection id (a call without a server, as the unit tests make, is
 * connection 0 of no server). The server calls upload_drop_conn when a
 * connection goes, so an upload never outlives the client that sent it;
 * a part is only appended, never parsed, so a part costs the loop no more
 * than reading its line did. The total held is bounded by FOIA_MAX_UPLOAD
 * and each connection holds at most UPLOAD_PER_CONN uploads.
 */
#include "upload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/protocol.h"
#include "method_util.h"

#define UPLOAD_PER_CONN 4
#define UPLOAD_SLOTS	64

struct upload {
	const struct server *server;
	uint64_t conn;
	unsigned id; /* the token is "u<id>" */
	char *buf;
	size_t len, cap;
};

static struct upload uploads[UPLOAD_SLOTS];
static size_t nuploads;
static size_t held;
static unsigned next_id;

size_t upload_held(void)
{
	return held;
}

static void upload_free(size_t i)
{
	held -= uploads[i].len;
	free(uploads[i].buf);
	uploads[i] = uploads[--nuploads];
	memset(&uploads[nuploads], 0, sizeof(uploads[nuploads]));
}

static bool mine(const struct upload *u, const struct call *c)
{
	return u->server == c->token.server && u->conn == c->token.conn;
}

/* The index of c's upload named token, or -1 with the error in c. */
static long find(struct call *c, const char *token)
{
	unsigned id;
	char end;
	if (sscanf(token, "u%u%c", &id, &end) == 1)
		for (size_t i = 0; i < nuploads; i++)
			if (uploads[i].id == id && mine(&uploads[i], c))
				return (long)i;
	call_error(c, FOIA_E_NOT_FOUND,
		   "no upload '%.40s' on this connection (uploads belong to "
		   "the connection that sent them)",
		   token);
	return -1;
}

static long create(struct call *c)
{
	size_t n = 0;
	for (size_t i = 0; i < nuploads; i++)
		n += mine(&uploads[i], c);
	if (n >= UPLOAD_PER_CONN || nuploads == UPLOAD_SLOTS) {
		call_error(c, FOIA_E_CONFLICT,
			   "too many uploads open (at most %d per connection)",
			   UPLOAD_PER_CONN);
		return -1;
	}
	struct upload *u = &uploads[nuploads];
	memset(u, 0, sizeof(*u));
	u->server = c->token.server;
	u->conn = c->token.conn;
	u->id = ++next_id;
	return (long)nuploads++;
}

static int append(struct call *c, size_t i, const char *data, size_t n)
{
	struct upload *u = &uploads[i];
	if (n > FOIA_MAX_UPLOAD - held) {
		upload_free(i);
		return call_error(c, FOIA_E_INVALID,
				  "the upload is over the limit of %d MiB "
				  "(for all uploads together); it is dropped",
				  FOIA_MAX_UPLOAD >> 20);
	}
	if (u->cap - u->len < n + 1) {
		size_t cap = u->cap ? u->cap : 1 << 20;
		while (cap - u->len < n + 1)
			cap *= 2;
		char *b = realloc(u->buf, cap);
		if (!b)
			return call_error(c, FOIA_E_INTERNAL, "out of memory");
		u->buf = b;
		u->cap = cap;
	}
	memcpy(u->buf + u->len, data, n);
	u->len += n;
	u->buf[u->len] = '\0';
	held += n;
	return 0;
}

int method_upload(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"upload", "data", NULL};
	const char *token, *data;
	char name[24];

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "upload", &token) < 0 ||
	    param_string(c, params, "data", &data) < 0)
		return -1;
	if (!data)
		return call_error(c, FOIA_E_INVALID, "missing 'data'");
	size_t n = json_string_length(json_object_get(params, "data"));
	if (strlen(data) != n)
		return call_error(c, FOIA_E_INVALID,
				  "the file holds a NUL byte");
	long i = token ? find(c, token) : create(c);
	if (i < 0 || append(c, (size_t)i, data, n) < 0)
		return -1;
	snprintf(name, sizeof(name), "u%u", uploads[i].id);
	*result = json_pack("{s:s, s:I}", "upload", name, "size",
			    (json_int_t)uploads[i].len);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}

int upload_take(struct call *c, const char *token, char **text, size_t *len)
{
	long i = find(c, token);
	if (i < 0)
		return -1;
	struct upload *u = &uploads[i];
	if (!u->buf && !(u->buf = calloc(1, 1)))
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	*text = u->buf;
	*len = u->len;
	u->buf = NULL;
	upload_free((size_t)i);
	return 0;
}

void upload_drop_conn(const struct server *s, uint64_t conn)
{
	for (size_t i = nuploads; i-- > 0;)
		if (uploads[i].server == s && uploads[i].conn == conn)
			upload_free(i);
}
