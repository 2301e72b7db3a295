/*
 * method_status.c: `status`, the daemon describing itself: version,
 * database, uptime and how many requests are in each status.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "foia/protocol.h"
#include "method_util.h"
#include "methods.h"

static int count_one(const char *status, int64_t n, void *arg)
{
	return json_object_set_new(arg, status, json_integer(n));
}

int method_status(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {NULL};
	int64_t requests = 0, agencies = 0;
	json_t *by_status;
	int rc;

	if (params_known(c, params, allowed, false) < 0)
		return -1;
	if (!(by_status = json_object()))
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if ((rc = store_count_requests(c->d->store, &requests)) != STORE_OK ||
	    (rc = store_count_agencies(c->d->store, &agencies)) != STORE_OK ||
	    (rc = store_count_by_status(c->d->store, count_one, by_status)) !=
		    STORE_OK) {
		json_decref(by_status);
		return rc < 0 ? call_error(c, FOIA_E_INTERNAL, "out of memory")
			      : store_failure(c, rc, "count requests");
	}
	*result =
		json_pack("{s:s, s:i, s:s, s:s, s:I, s:I, s:I, s:I, s:o}",
			  "version", FOIA_VERSION, "protocol",
			  FOIA_PROTOCOL_VERSION, "database", c->d->cfg.database,
			  "mode", c->d->system_mode ? "system" : "user", "pid",
			  (json_int_t)getpid(), "uptime",
			  (json_int_t)(time(NULL) - c->d->started), "requests",
			  (json_int_t)requests, "agencies",
			  (json_int_t)agencies, "by_status", by_status);
	return *result ? 0 : call_error(c, FOIA_E_INTERNAL, "out of memory");
}
