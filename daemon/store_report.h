/*
 * store_report.h: the SQL side of the group status report (`report`):
 * counts grouped by status, agency, project and member, and the requests
 * the report covers. The handler (method_report.c) derives the
 * deadline sections and agency performance from those requests.
 */
#ifndef FOIAD_STORE_REPORT_H
#define FOIAD_STORE_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* Which requests a report covers; NULL members do not filter. since and
 * until ("YYYY-MM-DD") bound the date sent (the creation date when never
 * sent); member matches the filer or anyone who recorded an event. */
struct report_filter {
	const char *project;
	const char *agency;
	const char *since;
	const char *until;
	const char *member;
};

enum report_group {
	REPORT_BY_STATUS,
	REPORT_BY_AGENCY,
	REPORT_BY_PROJECT,
	REPORT_BY_MEMBER,
};

/* The four groupings, in the order of enum report_group, each largest
 * first, then by key (key NULL for requests without a project, last; name
 * is the agency's name for REPORT_BY_AGENCY, else NULL), from one query
 * over the combinations (status, agency, project, member): cb is called
 * for each group with its grouping. A nonzero cb return stops and is
 * returned. */
int store_report_count_all(struct store *st, const struct report_filter *f,
			   int (*cb)(enum report_group g, const char *key,
				     const char *name, int64_t n, void *arg),
			   void *arg);

/* Calls cb for each matching request in id order, its strings borrowed
 * for the call (store_history.h). Only what the report and the deadline
 * engine read is filled: id, agency (code and name), jurisdiction,
 * subject, project, method, the dates, expedited and status; the rest
 * is NULL, 0 or -1 (no tags). A nonzero cb return stops the walk and is
 * returned. */
int store_report_requests(struct store *st, const struct report_filter *f,
			  int (*cb)(const struct request *, void *), void *arg);

/* A read transaction around the whole report: one consistent snapshot,
 * and one lock for its thousands of reads instead of one each. end ends
 * it (a read commits nothing). */
int store_report_begin(struct store *st);
void store_report_end(struct store *st);

#endif
