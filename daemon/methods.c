/*
 * methods.c: the table of every method the daemon answers. Adding a method
 * is one line here and one handler; rpc.c needs no change.
 */
#include "methods.h"

#include <string.h>

#include "foia/protocol.h"

static const struct method methods[] = {
	{FOIA_M_STATUS, method_status, PERM_READ,
	 "daemon version, database and counts"},
	{FOIA_M_REQUEST_FILE, method_request_file, PERM_WRITE,
	 "file a request to one or more agencies"},
	{FOIA_M_REQUEST_LIST, method_request_list, PERM_READ,
	 "list requests, open ones unless asked"},
	{FOIA_M_REQUEST_SHOW, method_request_show, PERM_READ,
	 "one request and its history"},
	{FOIA_M_REQUEST_UPDATE, method_request_update, PERM_WRITE,
	 "change fields or the status of a request"},
	{FOIA_M_REQUEST_NOTE, method_request_note, PERM_WRITE,
	 "add a note to a request's history"},
	{FOIA_M_AGENCY_ADD, method_agency_add, PERM_ADMIN, "add an agency"},
	{FOIA_M_AGENCY_LIST, method_agency_list, PERM_READ, "list agencies"},
	{FOIA_M_AGENCY_SHOW, method_agency_show, PERM_READ,
	 "one agency and its number of requests"},
	{FOIA_M_AGENCY_UPDATE, method_agency_update, PERM_ADMIN,
	 "change an agency's details"},
	{FOIA_M_AGENCY_IMPORT, method_agency_import, PERM_ADMIN,
	 "add or update agencies from FOIA.gov's agency components"},
	{FOIA_M_REQUEST_TOLL, method_request_toll, PERM_WRITE,
	 "stop a request's clock, or restart it"},
	{FOIA_M_REQUEST_EXTEND, method_request_extend, PERM_WRITE,
	 "record an unusual-circumstances extension"},
	{FOIA_M_REQUEST_AGREE, method_request_agree, PERM_WRITE,
	 "record a due date agreed with the agency"},
	{FOIA_M_DEADLINES, method_deadlines, PERM_READ,
	 "deadlines coming up across requests"},
	{FOIA_M_CALC, method_calc, PERM_READ,
	 "compute a deadline without a stored request"},
	{FOIA_M_HOLIDAYS, method_holidays, PERM_READ,
	 "the non-working days of a law's calendar"},
	{FOIA_M_HOLIDAYS_IMPORT, method_holidays_import, PERM_ADMIN,
	 "add holidays to a calendar from an iCalendar file or URL"},
	{FOIA_M_JURISDICTION_LIST, method_jurisdiction_list, PERM_READ,
	 "the laws foiad knows"},
	{FOIA_M_REPORT, method_report, PERM_READ, "the group status report"},
	{FOIA_M_EXPORT, method_export, PERM_READ,
	 "the database as a JSON backup, or requests as CSV"},
	/* CSV for members; restoring a JSON backup needs an admin, checked
	 * by the handler. */
	{FOIA_M_IMPORT, method_import_requests, PERM_WRITE,
	 "restore a backup, or bring in requests from CSV"},
	/* Read: an upload changes no data, so nothing is re-planned after
	 * each part; the import that takes it checks its own rights. */
	{FOIA_M_UPLOAD, method_upload, PERM_READ,
	 "send a file too big for one line, in parts, for import"},
	{FOIA_M_ICS, method_ics, PERM_READ,
	 "the iCalendar feed of the deadlines of open requests"},
	{FOIA_M_REMIND, method_remind, PERM_WRITE,
	 "a personal reminder about a request on a later day"},
	{FOIA_M_REMINDERS, method_reminders, PERM_READ,
	 "the reminders queued, sent and scheduled"},
	{FOIA_M_VERIFY, method_verify, PERM_READ,
	 "check the history's hash chain"},
	{FOIA_M_BACKUP, method_backup, PERM_READ,
	 "copy the database while foiad runs (then backup.read)"},
	{FOIA_M_BACKUP_READ, method_backup_read, PERM_READ,
	 "a piece of a finished backup copy"},
	{FOIA_M_BACKUP_CLOSE, method_backup_close, PERM_READ,
	 "forget a backup copy"},
	{FOIA_M_LETTER, method_letter, PERM_READ,
	 "a request's letter, rendered from its template"},
	{FOIA_M_LETTER_SEND, method_letter_send, PERM_WRITE,
	 "email a request's letter to its agency"},
};

const struct method *method_find(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (strcmp(methods[i].name, name) == 0)
			return &methods[i];
	return NULL;
}
