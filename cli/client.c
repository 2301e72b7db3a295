/*
 * client.c: the only code of foia that touches the socket.
 *
 * It finds the socket (the same defaults as foiad's paths.c, so a user who
 * started `foiad -f` is found without options), sends exactly one request
 * line and reads exactly one reply line. Replies may be far longer than a
 * request (a whole list), so they are read into a buffer that grows up to
 * REPLY_MAX. Every way the exchange can fail ends in one message and the
 * exit code the specification gives it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "client.h"
#include "foia/protocol.h"

#define SYSTEM_SOCKET "/run/foiad/foiad.sock"
/* A whole export of a large database comes as one reply (hundreds of MB
 * at a million events). */
#define REPLY_MAX  ((size_t)1024 * 1024 * 1024)
#define REQUEST_ID 1

/* The connection of a session (client_session_open), or -1: each call
 * then connects on its own. */
static int session_fd = -1;

static int copy_path(const char *s, char *buf, size_t len)
{
	int w = snprintf(buf, len, "%s", s);
	return w >= 0 && (size_t)w < len ? 0 : -1;
}

/* Where a user-mode foiad listens: as in foiad, $XDG_RUNTIME_DIR counts
 * only when it is absolute. */
static int user_socket(char *buf, size_t len)
{
	const char *run = getenv("XDG_RUNTIME_DIR");
	int w;

	if (run && *run == '/')
		w = snprintf(buf, len, "%s/foiad/foiad.sock", run);
	else
		w = snprintf(buf, len, "/tmp/foiad-%u/foiad.sock",
			     (unsigned)getuid());
	return w >= 0 && (size_t)w < len ? 0 : -1;
}

int socket_path(const char *option, char *buf, size_t len)
{
	const char *env = getenv("FOIA_SOCKET");
	struct stat st;

	if (option)
		return copy_path(option, buf, len);
	if (env && *env)
		return copy_path(env, buf, len);
	if (geteuid() == 0)
		return copy_path(SYSTEM_SOCKET, buf, len);
	if (user_socket(buf, len) != 0)
		return -1;
	/* No per-user daemon: a system one may serve this user. */
	if (stat(buf, &st) != 0 && (errno == ENOENT || errno == ENOTDIR))
		return copy_path(SYSTEM_SOCKET, buf, len);
	return 0;
}

static int unreachable(const char *path, int errnum)
{
	err("cannot reach foiad at '%s': %s", path, strerror(errnum));
	err("start it with 'foiad -f' (or 'systemctl --user start foiad')");
	return EX_UNAVAILABLE;
}

/* A connected socket, or -1 with errno set. */
static int connect_to(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len = strlen(path);

	if (len >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sa.sun_path, path, len + 1);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		int saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}

/* The request as one line, newline included; NULL when out of memory. */
static char *request_line(const char *method, json_t *params, size_t *len)
{
	json_t *req =
		json_pack("{s:i, s:i, s:s, s:O}", "v", FOIA_PROTOCOL_VERSION,
			  "id", REQUEST_ID, "method", method, "params", params);
	char *s = req ? json_dumps(req, JSON_COMPACT) : NULL;

	json_decref(req);
	if (!s)
		return NULL;
	*len = strlen(s);
	char *line = realloc(s, *len + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[(*len)++] = '\n';
	line[*len] = '\0';
	return line;
}

/* 0, or an errno value. MSG_NOSIGNAL: a daemon that hung up must not kill
 * us with SIGPIPE before we read why it did. */
static int send_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

enum read_rc {
	READ_OK,
	READ_EOF,     /* closed before the first byte */
	READ_PARTIAL, /* closed in mid-line */
	READ_BIG,     /* over REPLY_MAX */
	READ_NOMEM,
	READ_ERROR, /* errno says why */
};

struct reply_buf {
	char *p;
	size_t len, cap;
	size_t scanned; /* bytes known to hold no newline */
};

static bool grow(struct reply_buf *b)
{
	size_t cap = b->cap ? b->cap * 2 : 64 * 1024;
	if (cap > REPLY_MAX + 1)
		cap = REPLY_MAX + 1;
	char *p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

/* Read up to the first newline, which is replaced by a NUL. */
static enum read_rc read_line(int fd, struct reply_buf *b)
{
	for (;;) {
		/* Only the new bytes: rescanning a reply of hundreds of MB
		 * after each read would take quadratic time. */
		char *nl = b->len > b->scanned ? memchr(b->p + b->scanned, '\n',
							b->len - b->scanned)
					       : NULL;
		b->scanned = b->len;
		if (nl) {
			*nl = '\0';
			b->len = (size_t)(nl - b->p);
			return READ_OK;
		}
		if (b->len == REPLY_MAX + 1)
			return READ_BIG;
		if (b->len == b->cap && !grow(b))
			return READ_NOMEM;
		ssize_t n = recv(fd, b->p + b->len, b->cap - b->len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return READ_ERROR;
		if (n == 0)
			return b->len ? READ_PARTIAL : READ_EOF;
		b->len += (size_t)n;
	}
}

static int no_reply(const char *path, enum read_rc rc, int send_err)
{
	if (rc == READ_EOF && send_err)
		return unreachable(path, send_err);
	if (rc == READ_EOF)
		err("foiad at '%s' closed the connection without a reply",
		    path);
	else if (rc == READ_PARTIAL)
		err("foiad at '%s' closed the connection in mid-reply", path);
	else if (rc == READ_BIG)
		err("reply from foiad at '%s' is over %zu MiB", path,
		    REPLY_MAX >> 20);
	else
		err("cannot read from foiad at '%s': %s", path,
		    strerror(errno));
	return EX_UNAVAILABLE;
}

static int bad_reply(const char *path, const char *why)
{
	err("unusable reply from foiad at '%s': %s", path, why);
	return EX_UNAVAILABLE;
}

static int error_reply(const json_t *error)
{
	const char *code = json_string_value(json_object_get(error, "code"));
	const char *msg = json_string_value(json_object_get(error, "message"));

	err("%s", msg ? msg : code ? code : "unknown error");
	if (code && strcmp(code, FOIA_E_PERMISSION) == 0)
		return EX_NOPERM;
	if (code && strcmp(code, FOIA_E_FORBIDDEN) == 0)
		return EXIT_FORBIDDEN;
	/* Nothing was written; the same command may work later. */
	if (code && (strcmp(code, FOIA_E_DISK_FULL) == 0 ||
		     strcmp(code, FOIA_E_READ_ONLY) == 0))
		return EX_TEMPFAIL;
	return EXIT_REFUSED;
}

/* Judge a reply line: a result (stored in *result), or an error. */
static int decode(const char *path, const struct reply_buf *b, json_t **result)
{
	json_error_t jerr;
	json_t *reply = json_loadb(b->p, b->len, 0, &jerr);
	int rc;

	if (!json_is_object(reply)) {
		json_decref(reply);
		return bad_reply(path, reply ? "not an object" : jerr.text);
	}
	json_t *id = json_object_get(reply, "id");
	json_t *error = json_object_get(reply, "error");
	json_t *res = json_object_get(reply, "result");
	rc = 0;
	if (id && !json_is_null(id) && json_integer_value(id) != REQUEST_ID)
		rc = bad_reply(path, "it answers another request");
	else if (json_is_object(error))
		rc = error_reply(error);
	else if (!json_is_object(res))
		rc = bad_reply(path, "no result");
	else
		*result = json_incref(res);
	json_decref(reply);
	return rc;
}

static int exchange(int fd, const char *path, const char *line, size_t len,
		    json_t **result)
{
	struct reply_buf b = {0};
	int send_err = send_all(fd, line, len);
	/* Read even when sending failed: foiad may have refused us with a
	 * reply before hanging up. */
	enum read_rc rc = read_line(fd, &b);
	int ret;

	if (rc == READ_NOMEM)
		ret = out_of_memory();
	else if (rc != READ_OK)
		ret = no_reply(path, rc, send_err);
	else
		ret = decode(path, &b, result);
	free(b.p);
	return ret;
}

int client_call(const char *socket, const char *method, json_t *params,
		json_t **result)
{
	char path[4096];
	size_t len = 0;
	int rc;

	if (socket_path(socket, path, sizeof path) != 0) {
		err("socket path is too long");
		return EX_USAGE;
	}
	char *line = request_line(method, params, &len);
	if (!line)
		return out_of_memory();
	if (len - 1 > FOIA_MAX_LINE) {
		err("request is %zu bytes, the limit is %d", len - 1,
		    FOIA_MAX_LINE);
		free(line);
		return EX_DATAERR;
	}
	if (session_fd >= 0) {
		rc = exchange(session_fd, path, line, len, result);
		free(line);
		return rc;
	}
	int fd = connect_to(path);
	if (fd < 0)
		rc = unreachable(path, errno);
	else
		rc = exchange(fd, path, line, len, result);
	if (fd >= 0)
		close(fd);
	free(line);
	return rc;
}

int client_session_open(const char *socket)
{
	char path[4096];
	if (socket_path(socket, path, sizeof path) != 0) {
		err("socket path is too long");
		return EX_USAGE;
	}
	if (session_fd >= 0)
		return 0;
	session_fd = connect_to(path);
	return session_fd < 0 ? unreachable(path, errno) : 0;
}

void client_session_close(void)
{
	if (session_fd >= 0)
		close(session_fd);
	session_fd = -1;
}
