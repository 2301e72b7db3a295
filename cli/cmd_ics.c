/*
 * cmd_ics.c: `foia ics [--project P]`: the calendar feed of the deadlines
 * of open requests, as foiad writes it into calendar.directory, printed to
 * stdout byte for byte (CRLF line ends and all), so it can be redirected
 * into a file or piped into a calendar program.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "foia/protocol.h"
#include "options.h"

static const struct opt ics_opts[] = {
	OPT_TEXT("project", "project", FOIA_MAX_PROJECT, "<project>",
		 "only the deadlines of this project's requests"),
	OPT_END,
};

const struct opt_group ics_groups[] = {
	{"options", ics_opts, 0},
	{NULL, NULL, 0},
};

static int ics_text(struct call *c, json_t *res)
{
	const json_t *text = json_object_get(res, "text");
	size_t len = json_string_length(text);

	(void)c;
	if (!json_is_string(text)) {
		err("unusable reply from foiad: no 'text' in it");
		return EX_UNAVAILABLE;
	}
	/* Written as is: the text is what the calendar file holds. */
	if (len && fwrite(json_string_value(text), 1, len, stdout) != len)
		return EXIT_REFUSED; /* main() reports the write error */
	return 0;
}

int cmd_ics(struct call *c)
{
	return call_render(c, FOIA_M_ICS, NULL, ics_text);
}
