/*
 * cmd_backup.c: `foia verify` (check the history's hash chain; exit 1
 * when it is broken, naming the first bad event) and `foia backup FILE`
 * (a consistent copy of the database, taken by foiad while it runs).
 *
 * foiad may run as another user, so it does not write FILE itself: it
 * makes the copy next to its database and hands it over in pieces
 * (backup.read), and this command writes them with the caller's own
 * rights: into a new file beside FILE (mode 0600: the copy holds
 * everything), checked for its size and SQLite's header, synced, then
 * renamed over FILE, so FILE is never a half-written copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "cmd_backup.h"
#include "foia/protocol.h"
#include "render.h"

static const struct opt json_only[] = {OPT_JSON, OPT_END};

const struct opt_group verify_groups[] = {
	{"options", json_only, 0},
	{NULL, NULL, 0},
};

const struct arg backup_args[] = {
	{"file", A_KEEP, 0, "file"},
	{NULL, A_ID, 0, NULL},
};

/* --- verify -------------------------------------------------------- */

int cmd_verify(struct call *c)
{
	json_t *res = NULL;
	int rc = client_call(c->socket, FOIA_M_VERIFY, c->params, &res);
	if (rc)
		return rc;
	bool whole = json_is_true(json_object_get(res, "ok"));
	const char *msg = member_text(res, "message");
	if (c->format == FORMAT_JSON) {
		rc = render_json(res);
	} else if (whole) {
		const char *head = member_text(res, "head");
		printf("history intact: %" JSON_INTEGER_FORMAT " events",
		       member_int(res, "events"));
		if (head)
			printf(", last %" JSON_INTEGER_FORMAT " with hash %s",
			       member_int(res, "last"), head);
		putchar('\n');
	}
	if (!whole && c->format != FORMAT_JSON)
		err("%s", msg ? msg : "history broken");
	json_decref(res);
	return rc ? rc : whole ? 0 : EXIT_REFUSED;
}

/* --- backup -------------------------------------------------------- */

static int hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* Decode hex text into buf (at least len / 2 bytes); -1 when malformed. */
static ssize_t unhex(const char *text, size_t len, unsigned char *buf)
{
	if (len % 2)
		return -1;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		buf[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	return (ssize_t)(len / 2);
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Fetch the copy named token (bytes long) into fd. */
static int fetch_copy(const char *socket, const char *token, json_int_t bytes,
		      int fd, const char *tmp)
{
	json_int_t at = 0;
	unsigned char *buf = NULL;
	unsigned char head[16] = {0};
	for (;;) {
		json_t *res = NULL;
		json_t *p =
			json_pack("{s:s, s:I}", "token", token, "offset", at);
		if (!p) {
			free(buf);
			return out_of_memory();
		}
		int rc = client_call(socket, FOIA_M_BACKUP_READ, p, &res);
		json_decref(p);
		if (rc) {
			free(buf);
			return rc;
		}
		json_t *data = json_object_get(res, "data");
		size_t len = json_string_length(data);
		bool eof = json_is_true(json_object_get(res, "eof"));
		unsigned char *more = realloc(buf, len / 2 + 1);
		ssize_t n = -1;
		if (more) {
			buf = more;
			n = json_is_string(data)
				    ? unhex(json_string_value(data), len, buf)
				    : -1;
		}
		json_decref(res);
		if (!more) {
			free(buf);
			return out_of_memory();
		}
		if (n < 0 || (n == 0 && !eof)) {
			free(buf);
			err("foiad sent a malformed piece of the backup");
			return EX_UNAVAILABLE;
		}
		for (ssize_t i = 0; i < n && at + i < 16; i++)
			head[at + i] = buf[i];
		if (write_all(fd, buf, (size_t)n) < 0) {
			free(buf);
			err("cannot write '%s': %s", tmp, strerror(errno));
			return EXIT_REFUSED;
		}
		at += n;
		if (eof)
			break;
	}
	free(buf);
	if (at != bytes || memcmp(head, "SQLite format 3", 16) != 0) {
		err("the backup is incomplete (%" JSON_INTEGER_FORMAT
		    " of %" JSON_INTEGER_FORMAT " bytes)",
		    at, bytes);
		return EX_UNAVAILABLE;
	}
	return 0;
}

int cmd_backup(struct call *c)
{
	const char *path = c->argv[0];
	char tmp[4096];
	json_t *res = NULL;

	int n = snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		err("file name too long: '%s'", path);
		return EX_USAGE;
	}
	/* Made before asking foiad, so a file we cannot write costs it
	 * nothing. mkstemp: mode 0600. */
	int fd = mkstemp(tmp);
	if (fd < 0) {
		err("cannot create a file beside '%s': %s", path,
		    strerror(errno));
		return EXIT_REFUSED;
	}
	int rc = client_call(c->socket, FOIA_M_BACKUP, c->params, &res);
	const char *token = rc ? NULL : member_text(res, "token");
	if (!rc && !token) {
		err("foiad answered the backup without a token");
		rc = EX_UNAVAILABLE;
	}
	if (!rc)
		rc = fetch_copy(c->socket, token, member_int(res, "bytes"), fd,
				tmp);
	if (!rc && fsync(fd) < 0) {
		err("cannot write '%s': %s", tmp, strerror(errno));
		rc = EXIT_REFUSED;
	}
	if (close(fd) < 0 && !rc) {
		err("cannot write '%s': %s", tmp, strerror(errno));
		rc = EXIT_REFUSED;
	}
	if (!rc && rename(tmp, path) < 0) {
		err("cannot rename '%s' to '%s': %s", tmp, path,
		    strerror(errno));
		rc = EXIT_REFUSED;
	}
	if (rc)
		unlink(tmp);
	if (token) {
		/* Done with it either way; foiad forgets it when idle too. */
		json_t *p = json_pack("{s:s}", "token", token), *r = NULL;
		if (p &&
		    client_call(c->socket, FOIA_M_BACKUP_CLOSE, p, &r) == 0)
			json_decref(r);
		json_decref(p);
	}
	if (!rc)
		printf("%s: %" JSON_INTEGER_FORMAT
		       " bytes, %" JSON_INTEGER_FORMAT " pages\n",
		       path, member_int(res, "bytes"),
		       member_int(res, "pages"));
	json_decref(res);
	return rc;
}
