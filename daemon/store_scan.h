/*
 * store_scan.h: reading request rows without copying them, shared by the
 * store files that stream many requests (store_history.c, store_report.c).
 * Only daemon/store*.c include it. A borrowed request's strings belong to
 * SQLite and last until the statement steps again.
 */
#ifndef FOIAD_STORE_SCAN_H
#define FOIAD_STORE_SCAN_H

#include <sqlite3.h>

#include "store.h"

/* The columns store_request_borrow reads, in its order; the statement
 * joins request r with agency a. */
#define STORE_SCAN_COLS                                                        \
	"r.id, r.batch_id, a.code, a.name, r.component, r.jurisdiction, "      \
	"r.subject, r.description, r.requester, r.project, r.method, "         \
	"r.tracking, r.date_sent, r.date_received, r.date_acknowledged, "      \
	"r.date_closed, r.expedited, r.fee_waiver, r.fee_category, "           \
	"r.fees_estimated, r.fees_paid, r.status, r.created, r.updated, "      \
	"r.created_by"

/* Fill r from the current row (no tags). False when a NOT NULL column
 * came back NULL, which only running out of memory does. */
bool store_request_borrow(sqlite3_stmt *s, struct request *r);

#endif
