/*
 * method_ics.c: the "ics" method: the calendar feed of everything, or of
 * one project, as text, for `foia ics`. The text is made by feeds.c
 * exactly as the files in calendar.directory are, so it works without a
 * calendar block and equals the file when there is one.
 */
#include <stdlib.h>

#include "feeds.h"
#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"

int method_ics(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"project", NULL};
	const char *project;
	char err[512];
	char *text;
	size_t len;

	if (params_known(c, params, allowed, false) < 0 ||
	    param_string(c, params, "project", &project) < 0)
		return -1;
	if (project && !*project)
		return call_error(c, FOIA_E_INVALID,
				  "'project' must not be empty");
	struct feed_clock clk = feeds_clock_now();
	int rc = feeds_render(c->d, project, &clk, &text, &len, err,
			      sizeof(err));
	if (rc == 1)
		return call_error(c, FOIA_E_NOT_FOUND, "%s", err);
	if (rc < 0)
		return call_error(c, FOIA_E_INTERNAL, "%s", err);
	*result = json_pack("{s:s%}", "text", text, len);
	free(text);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
