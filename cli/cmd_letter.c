/*
 * cmd_letter.c: `foia letter` (a request's letter, rendered by foiad from
 * its templates, printed to paste into a portal or print for the post) and
 * `foia send` (the same letter emailed to the agency by foiad, or with
 * --dry-run the message that would go), with their option tables and how
 * their replies are shown. foiad chooses the kind when none is given and
 * owns the kinds' names, so a group's own templates need no new client.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_letter.h"
#include "foia/protocol.h"
#include "render.h"

#define KIND_LIMIT 32

/* --- tables -------------------------------------------------------- */

#define OPT_KIND                                                               \
	OPT_TEXT("kind", "kind", KIND_LIMIT, "<kind>",                         \
		 "request, follow-up or appeal, or a template of your "        \
		 "own (default: request for a draft, appeal after a "          \
		 "denial, else follow-up)")

static const struct opt letter_opts[] = {
	OPT_KIND,
	OPT_JSON,
	OPT_END,
};

static const struct opt send_opts[] = {
	OPT_KIND,
	OPT_FLAG("dry-run", "dry_run", K_TRUE,
		 "print the message that would be sent; send nothing, change "
		 "nothing"),
	OPT_FLAG("again", "again", K_TRUE,
		 "send a request letter although one was emailed already "
		 "(files the request a second time)"),
	OPT_JSON,
	OPT_END,
};

const struct opt_group letter_groups[] = {
	{"options", letter_opts, 0},
	{NULL, NULL, 0},
};

const struct opt_group send_groups[] = {
	{"options", send_opts, 0},
	{NULL, NULL, 0},
};

/* --- letter -------------------------------------------------------- */

/* text as it is, controls but newlines and tabs made harmless, ending in
 * a newline. */
static void print_letter_text(const char *text)
{
	size_t n = strlen(text);
	print_lines(text, "");
	if (n == 0 || text[n - 1] != '\n')
		putchar('\n');
}

static int letter_text(struct call *c, json_t *res)
{
	const char *subject = member_text(res, "subject");
	const char *text = member_text(res, "text");

	(void)c;
	if (subject) {
		fputs("Subject: ", stdout);
		print_text(subject, SIZE_MAX);
		fputs("\n\n", stdout);
	}
	print_letter_text(text ? text : "");
	return 0;
}

int cmd_letter(struct call *c)
{
	return call_render(c, FOIA_M_LETTER, NULL, letter_text);
}

/* --- send ---------------------------------------------------------- */

/* The message with its CRLF line ends as the terminal's LF. */
static int print_message(const char *msg)
{
	size_t n = strlen(msg), k = 0;
	char *s = malloc(n + 1);

	if (!s)
		return out_of_memory();
	for (size_t i = 0; i < n; i++)
		if (!(msg[i] == '\r' && msg[i + 1] == '\n'))
			s[k++] = msg[i];
	s[k] = '\0';
	print_letter_text(s);
	free(s);
	return 0;
}

static int send_text(struct call *c, json_t *res)
{
	const json_t *req = json_object_get(res, "request");
	const char *to = member_text(res, "to");
	const char *mid = member_text(res, "message_id");

	(void)c;
	if (json_is_true(json_object_get(res, "dry_run")))
		return print_message(member_text(res, "message")
					     ? member_text(res, "message")
					     : "");
	printf("request %" JSON_INTEGER_FORMAT ": ", member_int(req, "id"));
	print_text(member_text(res, "kind") ? member_text(res, "kind") : "",
		   SIZE_MAX);
	fputs(" letter emailed to ", stdout);
	print_text(to ? to : "?", SIZE_MAX);
	if (mid) {
		fputs(" (Message-ID ", stdout);
		print_text(mid, SIZE_MAX);
		putchar(')');
	}
	putchar('\n');
	return 0;
}

int cmd_send(struct call *c)
{
	return call_render(c, FOIA_M_LETTER_SEND, NULL, send_text);
}
