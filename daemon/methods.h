/*
 * methods.h: the table of daemon methods. Each entry is a name, the
 * handler, who may call it, and a one-line summary; rpc.c dispatches from
 * it and `foia help` describes the same commands on the client side.
 */
#ifndef FOIAD_METHODS_H
#define FOIAD_METHODS_H

#include <jansson.h>

#include "rpc.h"

enum method_perm {
	PERM_READ,  /* any allowed peer */
	PERM_WRITE, /* members: file, update */
	PERM_ADMIN, /* admins: agencies, jurisdictions (rpc.c enforces it) */
};

/* Returns 0 with *result set, -1 with the error recorded in c, or
 * RPC_PENDING when it will answer later (rpc.h). */
typedef int (*method_fn)(struct call *c, json_t *params, json_t **result);

struct method {
	const char *name;
	method_fn handler;
	enum method_perm perm;
	const char *summary;
};

const struct method *method_find(const char *name);

/* Handlers, one file per family. */
int method_status(struct call *c, json_t *params, json_t **result);
int method_request_file(struct call *c, json_t *params, json_t **result);
int method_request_list(struct call *c, json_t *params, json_t **result);
int method_request_show(struct call *c, json_t *params, json_t **result);
int method_request_update(struct call *c, json_t *params, json_t **result);
int method_request_note(struct call *c, json_t *params, json_t **result);
int method_agency_add(struct call *c, json_t *params, json_t **result);
int method_agency_list(struct call *c, json_t *params, json_t **result);
int method_agency_show(struct call *c, json_t *params, json_t **result);
int method_agency_update(struct call *c, json_t *params, json_t **result);
int method_agency_import(struct call *c, json_t *params, json_t **result);
int method_request_toll(struct call *c, json_t *params, json_t **result);
int method_request_extend(struct call *c, json_t *params, json_t **result);
int method_request_agree(struct call *c, json_t *params, json_t **result);
int method_deadlines(struct call *c, json_t *params, json_t **result);
int method_calc(struct call *c, json_t *params, json_t **result);
int method_holidays(struct call *c, json_t *params, json_t **result);
int method_holidays_import(struct call *c, json_t *params, json_t **result);
int method_jurisdiction_list(struct call *c, json_t *params, json_t **result);
int method_export(struct call *c, json_t *params, json_t **result);
int method_import_requests(struct call *c, json_t *params, json_t **result);
int method_report(struct call *c, json_t *params, json_t **result);
int method_ics(struct call *c, json_t *params, json_t **result);
int method_remind(struct call *c, json_t *params, json_t **result);
int method_reminders(struct call *c, json_t *params, json_t **result);
int method_upload(struct call *c, json_t *params, json_t **result);
int method_verify(struct call *c, json_t *params, json_t **result);
int method_backup(struct call *c, json_t *params, json_t **result);
int method_backup_read(struct call *c, json_t *params, json_t **result);
int method_backup_close(struct call *c, json_t *params, json_t **result);
int method_letter(struct call *c, json_t *params, json_t **result);
int method_letter_send(struct call *c, json_t *params, json_t **result);

#endif
