/*
 * cmd_status.c: `foia status`, what the daemon says about itself, with the
 * client's own version next to it so a mismatch shows at a glance, and
 * what an operator checks first when reminders stop coming: the disk the
 * database takes, the reminders waiting or failed, the newest delivery
 * error and when foiad next wakes up.
 */
#include <stdio.h>

#include "cli.h"
#include "foia/protocol.h"
#include "options.h"
#include "render.h"

static const struct opt json_only[] = {OPT_JSON, OPT_END};

const struct opt_group status_groups[] = {
	{"options", json_only, 0},
	{NULL, NULL, 0},
};

static const struct field status_fields[] = {
	{"foiad version", "version"},
	{"Protocol", "protocol"},
	{"Database", "database"},
	{"Mode", "mode"},
	{"PID", "pid"},
	{"Uptime", "uptime"},
	{"Requests", "requests"},
	{"Agencies", "agencies"},
};
#define STATUS_WIDTH 16 /* "foiad version:  " */
#define COUNT_WIDTH  20 /* "awaiting-requester  " */

/* Seconds as "2d 3h 4m 5s", leaving out leading zero units. */
static void format_uptime(json_int_t s, char *buf, size_t len)
{
	const json_int_t unit[] = {86400, 3600, 60, 1};
	const char tag[] = "dhms";
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 4 && used < len; i++) {
		json_int_t n = s / unit[i];
		s %= unit[i];
		if (n == 0 && used == 0 && i < 3)
			continue;
		int w = snprintf(buf + used, len - used,
				 "%s%" JSON_INTEGER_FORMAT "%c",
				 used ? " " : "", n, tag[i]);
		if (w < 0)
			return;
		used += (size_t)w;
	}
}

static int humanize_uptime(json_t *res)
{
	const json_t *up = json_object_get(res, "uptime");
	char buf[64];

	if (!json_is_integer(up) || json_integer_value(up) < 0)
		return 0;
	format_uptime(json_integer_value(up), buf, sizeof buf);
	return json_object_set_new(res, "uptime", json_string(buf))
		       ? out_of_memory()
		       : 0;
}

static void print_count(const char *status, const json_t *n)
{
	fputs("  ", stdout);
	size_t used = print_text(status, COUNT_WIDTH - 2);
	printf("%*s%" JSON_INTEGER_FORMAT "\n", COUNT_WIDTH - (int)used, "",
	       json_integer_value(n));
}

/* Counts in the order of the status names, then any the client does not
 * know (a newer foiad). */
static void print_by_status(json_t *by)
{
	const char *key;
	json_t *n;

	if (json_object_size(by) == 0)
		return;
	puts("By status:");
	for (const char *const *p = foia_statuses; *p; p++)
		if ((n = json_object_get(by, *p)))
			print_count(*p, n);
	json_object_foreach(by, key, n)
	{
		if (!name_in(foia_statuses, key))
			print_count(key, n);
	}
}

/* Bytes as "512 B", "3.4 KiB", "12.0 MiB", "1.2 GiB". */
static void format_bytes(json_int_t n, char *buf, size_t len)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	size_t i = 0;

	if (n < 1024) {
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT " B", n);
		return;
	}
	for (v /= 1024; v >= 1024 && i < 3; i++)
		v /= 1024;
	snprintf(buf, len, "%.1f %s", v, unit[i]);
}

static json_int_t int_member(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* "1.2 MiB (database 1.1 MiB, write-ahead log 96.0 KiB)". */
static void print_disk(const json_t *disk)
{
	char all[32], db[32], wal[32], line[128];

	if (!json_is_object(disk))
		return;
	format_bytes(int_member(disk, "db") + int_member(disk, "wal"), all,
		     sizeof all);
	format_bytes(int_member(disk, "db"), db, sizeof db);
	format_bytes(int_member(disk, "wal"), wal, sizeof wal);
	snprintf(line, sizeof line, "%s (database %s, write-ahead log %s)", all,
		 db, wal);
	print_field("Disk", line, STATUS_WIDTH);
}

/* "Reminders: 3 waiting, 1 failed" and the newest delivery error. */
static void print_outbox(const json_t *outbox)
{
	const json_t *e = json_object_get(outbox, "last_error");
	char line[2048];

	if (!json_is_object(outbox))
		return;
	snprintf(line, sizeof line,
		 "%" JSON_INTEGER_FORMAT " waiting, %" JSON_INTEGER_FORMAT
		 " failed",
		 int_member(outbox, "pending"), int_member(outbox, "failed"));
	print_field("Reminders", line, STATUS_WIDTH);
	if (!json_is_object(e))
		return;
	const char *next =
		json_string_value(json_object_get(e, "next_attempt_at"));
	const char *channel = json_string_value(json_object_get(e, "channel"));
	const char *state = json_string_value(json_object_get(e, "state"));
	const char *error = json_string_value(json_object_get(e, "error"));
	snprintf(line, sizeof line,
		 "%s (%s, reminder %" JSON_INTEGER_FORMAT
		 ", %s after %" JSON_INTEGER_FORMAT " tries%s%s)",
		 error ? error : "?", channel ? channel : "?",
		 int_member(e, "outbox"), state ? state : "?",
		 int_member(e, "attempts"), next ? ", next at " : "",
		 next ? next : "");
	print_field("Last error", line, STATUS_WIDTH);
}

static void print_when(const char *label, const json_t *res, const char *key)
{
	const char *v = json_string_value(json_object_get(res, key));
	if (json_object_get(res, key))
		print_field(label, v ? v : "none", STATUS_WIDTH);
}

static int status_text(struct call *c, json_t *res)
{
	int rc;

	(void)c;
	if ((rc = humanize_uptime(res)))
		return rc;
	print_field("foia version", FOIA_VERSION, STATUS_WIDTH);
	if ((rc = render_fields(res, status_fields, COUNT(status_fields),
				STATUS_WIDTH)))
		return rc;
	print_disk(json_object_get(res, "disk"));
	print_outbox(json_object_get(res, "outbox"));
	print_when("Next wake-up", res, "next_wakeup");
	print_when("Next reminder", res, "next_reminder");
	print_by_status(json_object_get(res, "by_status"));
	return 0;
}

int cmd_status(struct call *c)
{
	return call_render(c, FOIA_M_STATUS, NULL, status_text);
}
