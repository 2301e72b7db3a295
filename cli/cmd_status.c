/*
 * cmd_status.c: `foia status`, what the daemon says about itself, with the
 * client's own version next to it so a mismatch shows at a glance.
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
	print_by_status(json_object_get(res, "by_status"));
	return 0;
}

int cmd_status(struct call *c)
{
	return call_render(c, FOIA_M_STATUS, NULL, status_text);
}
