/*
 * protocol.h: the contract between foiad and foia, shared by both programs.
 *
 * Transport: a Unix stream socket carrying newline-delimited JSON. Each line
 * the client sends is one request object:
 *
 *     {"v":1,"id":7,"method":"request.show","params":{"id":12}}
 *
 * and the daemon answers each with one line, in order:
 *
 *     {"v":1,"id":7,"result":{...}}
 *     {"v":1,"id":7,"error":{"code":"not_found","message":"no request 12"}}
 *
 * "v" must equal FOIA_PROTOCOL_VERSION on every request; "id" is echoed back
 * (null when the request could not be parsed far enough to read it).
 * A line longer than FOIA_MAX_LINE bytes is refused with "too_long" and the
 * connection is closed, since the rest of that line cannot be trusted.
 *
 * Roles: every method is open to any caller allowed on the socket, except
 * agency.add, agency.update, agency.import, holidays.import and import of
 * a JSON backup (format json, the default), which need an admin (root,
 * foiad's own user, access.admins or access.admin_group in foiad.conf; in
 * user mode the owner). A member calling them gets "forbidden", naming
 * the method:
 *     {"code":"forbidden","message":"agency.add needs an admin (see
 *      access.admins and access.admin_group in foiad.conf)"}
 * and nothing changes. CSV and MuckRock imports are for members.
 *
 * Wire conventions: dates are civil dates "YYYY-MM-DD"; timestamps are UTC
 * "YYYY-MM-DDTHH:MM:SSZ"; money is a decimal string "12.50"; absent optional
 * values are JSON null. In update params an empty string clears a field.
 *
 * Methods and their params (results are objects):
 *
 *   status          {}  -> {version, protocol, database, pid, uptime
 *                    (seconds), mode, requests, agencies,
 *                    by_status:{status:n}, disk:{db, wal} (bytes of the
 *                    database file and its write-ahead log; 0 when absent),
 *                    outbox:{pending (waiting, sending or delivering),
 *                    failed, last_error:{outbox:id, channel, request:
 *                    id|null, summary, state, attempts, next_attempt_at:
 *                    timestamp|null, error}|null (the newest pending or
 *                    failed reminder that carries an error)},
 *                    next_wakeup:timestamp|null (the daemon's next timer:
 *                    a feed rewrite, a retry, the reminder plan),
 *                    next_reminder:timestamp|null (the scheduler's next
 *                    reminder)}. Never a password.
 *   request.file    {agencies:[code,...], subject, description?, requester?,
 *                    project?, tags?:[..], method?, tracking?, component?,
 *                    jurisdiction?, sent?, received?, expedited?:bool,
 *                    fee_waiver?:bool, fee_category?, fees_estimated?,
 *                    fees_paid?}
 *                   -> {ids:[n,...], batch:n|null}
 *   request.list    {status?:[s,..], agency?, project?, tag?, all?:bool,
 *                    limit?:n (>= 1), offset?:n (>= 0)}
 *                   -> {requests:[request,...], total:n, offset:n,
 *                    limit:n|null}
 *                   each request gains next: {kind, what, due, days_left,
 *                   overdue, state} | null (its most urgent open deadline);
 *                   sorted by urgency: overdue first (most overdue first),
 *                   then by due date, then those without a deadline by id.
 *                   A page: the requests at positions offset..offset+
 *                   limit-1 of that order (every one when no limit);
 *                   total counts all that match.
 *   request.show    {id, explain?:bool} -> {request, events:[event,...],
 *                    deadlines:[deadline,...], clock, exhaustion:date|null,
 *                    limitations:date|null, jurisdiction_info}
 *                   deadlines in order: determination, expedited,
 *                   appeal_window, appeal_decision, followup.
 *                   clock: {state:"running"|"stopped"|"done"|"none",
 *                    since:date|null, used:n|null, period:n|null,
 *                    unit:"working"|"calendar"|null}
 *                   jurisdiction_info: {code, name, citation, confidence,
 *                    own_calendar:bool, calendar}
 *   request.update  {id, <any request field>?, status?, date?, note?,
 *                    add_tags?:[..], remove_tags?:[..]}
 *                   -> {request, changes:n}
 *   request.note    {id, text} -> {event}
 *   request.toll    {id, from?:date, until?:date,
 *                    reason?:"clarification"|"fees", note?}
 *                   from given: records a new toll (reason required)
 *                   from..until (until optional = open); only until:
 *                   closes the open toll. -> {request, deadlines}
 *   request.extend  {id, date (the notice), days?:n (default: the law's
 *                    maximum), note?} -> {request, deadlines}
 *   request.agree   {id, date (the agreed due date), reason}
 *                   -> {request, deadlines}
 *   deadlines       {within?:n days, overdue?:bool, project?}
 *                   -> {deadlines:[{request:id, agency, subject, project,
 *                    status, kind, what, due, days_left, overdue,
 *                    state},...]}  sorted by due date; only open
 *                    requests' live deadlines (not met ones)
 *   calc            {received:date, jurisdiction?:code (default
 *                    us-federal), agency?:code (for overrides),
 *                    tolls?:[{from:date, until:date|null}],
 *                    extension?:n, explain?:bool}
 *                   -> {due:date|null, state:"due"|"stopped", start,
 *                    period, unit, extension, jurisdiction, citation,
 *                    confidence, overdue_from, exhaustion, limitations,
 *                    used, explain:[line,...]}
 *   holidays        {year?:n (default this year), jurisdiction?:code
 *                    (default us-federal)}
 *                   -> {jurisdiction, calendar, own_calendar:bool, year,
 *                    days:[{date, weekday:"Mon", name, closure:bool,
 *                    observed:bool},...]}
 *   holidays.import {calendar:name, ics?:text (iCalendar), url?}
 *                   -> {added:n, skipped:n, calendar}
 *   jurisdiction.list {} -> {jurisdictions:[{code, name, citation,
 *                    confidence, calendar, own_calendar,
 *                    initial:{days, unit, extension}|null,
 *                    followup_every:n|null},...]}
 *   ics             {project?} -> {text: the iCalendar feed of every open
 *                    request's live deadlines (of one project's), the same
 *                    as all.ics (<project>.ics) in calendar.directory}
 *                   not_found when no request names the project.
 *   report          {project?, agency?, since?:date, until?:date,
 *                    member?}  the group status report; since/until bound
 *                    the date sent (created when unsent), member is the
 *                    filer or anyone who recorded an event
 *                   -> {today, filter:{project, agency, since, until,
 *                    member}, totals:{requests, open},
 *                    by_status:[{status, n}], by_agency:[{agency, name,
 *                    n}], by_project:[{project|null, n}],
 *                    by_member:[{member, n}]  (largest first),
 *                    overdue:[item + {kind, what, due, days_overdue}]
 *                    (most overdue first), upcoming_days:14,
 *                    upcoming:[item + {kind, what, due, days_left}],
 *                    ripe_for_suit:[item + {since:date (constructive
 *                    exhaustion), days}], appeal_windows:[item + {due,
 *                    days_left}], tolls_open:[item + {reason, since,
 *                    days}] (the agency waits on us),
 *                    open:[item + {sent|null, due|null, age_days|null}],
 *                    performance:{min_sample, agencies:[{agency, name,
 *                    sample:{acknowledgment:n, determination:n,
 *                    on_time:n}, acknowledgment:{median, p90}|null,
 *                    determination:{median, p90}|null,
 *                    on_time_share:0..1|null,
 *                    published_median:published|null}]}}
 *                   item: {request, agency, subject, project, status}.
 *                   The deadline lists cover requests not withdrawn or
 *                   closed; overdue lists what the agency owes
 *                   (determination, expedited, appeal_decision);
 *                   ripe_for_suit only requests still unanswered.
 *                   totals.open and open count pending requests (no
 *                   answer yet: not granted, partially-granted, denied,
 *                   no-records, appeal-decided, withdrawn or closed).
 * Performance counts working days on the request's law's calendar from receipt
 * (else sent) to acknowledgment and to the first determination (granted,
 * partially-granted, denied, no-records), less the days a toll stopped the
 * clock; median (mean of the middle two when even) and p90 (nearest rank); on
 * time = determined on or before the determination due date. Below min_sample
 * (config report.min_sample) a statistic is null; the sample sizes are always
 * given. published_median is what the agency published of itself (as in
 * the agency object; null when nothing was imported for it), beside the
 * group's own figures.
 *   export          {format?:"json"|"csv" (default json)}
 *                   -> {format, text}
 *                   json: a complete, versioned backup of every table,
 *                   {"format":"foiad-export","version":1,"schema":n,
 *                   "agency":[..],"request":[..],"request_tag":[..],
 *                   "event":[..],"holiday":[..],"outbox":[..],...}:
 *                   one array per table, rows as stored, by key;
 *                   csv: one row per request (title, status, agency,
 *                   jurisdiction, tracking, submitted, due, done,
 *                   days_since_submitted, fees, project, tags, ...)
 *   upload          {data:text, upload?:token}  a part of a file too big
 *                    for one line: without upload starts a new upload,
 *                    with it appends data to that one, in order
 *                   -> {upload:token, size:bytes so far}. An upload
 *                   belongs to its connection (not_found on any other)
 *                   and vanishes when the connection closes; at most 4
 *                   per connection; all uploads together hold at most
 *                   FOIA_MAX_UPLOAD bytes: the part that would pass it
 *                   is refused (invalid) and its upload dropped. Parts
 *                   are split between UTF-8 characters (each is a JSON
 *                   string).
 *   import          {format?:"json"|"csv"|"muckrock", text | upload
 *                    (a token from upload on this connection, taken),
 *                    source?, skip_bad?:bool}
 *                   json: restores an export of the same schema into
 *                   an empty database, or one holding only the agencies
 *                   seeded from config (the backup's replace them)
 *                   -> {format, restored:{table:n}};
 *                   csv, muckrock:
 *                   files requests -> {format, imported:n, ids:[..],
 *                   skipped:[{line, reason}]}; bad rows refuse the
 *                   whole import unless skip_bad
 *   remind          {id, in?:"3w"|"10d"|"5" (days), on?:date, note?}
 *                   exactly one of in and on; the request must be open
 *                   and the date today or later (in reminders.timezone)
 *                   -> {reminder: snooze}; sent at reminders.time that
 *                   day on every channel, like a deadline's reminder
 *   reminders       {pending?:bool, sent?:bool, limit?:n (default 200)}
 *                   -> {reminders:[outbox row,...] (newest first; pending
 *                    includes those being sent), scheduled:[snooze,...]
 *                    (not yet due), next:timestamp|null (when the
 *                    scheduler next wakes)}
 *                   outbox row: {id, key, channel:"email"|"webhook",
 *                    request:id|null, kind (a deadline kind, "snooze" or
 *                    "digest"), date, lead (days before date; negative:
 *                    a follow-up after it), summary, due_at, state:
 *                    "pending"|"sending"|"delivering"|"sent"|"failed"|
 *                    "cancelled", attempts, next_attempt_at, last_error,
 *                    sent_at, late:bool, created}
 *                   snooze: {id, request, date, note, state, created,
 *                    created_by}
 *   letter          {id, kind?:"request"|"follow-up"|"appeal"|<own>}
 *                   -> {request:id, kind, subject, text, template (the
 *                    file used), to:{agency, name, email, portal,
 *                    address}}  the letter rendered from the template
 *                   <kind>.<jurisdiction>.txt, else <kind>.txt, in
 *                   letters.templates. Default kind: request for a
 *                   draft, appeal after denied, partially-granted or
 *                   no-records, else follow-up. A follow-up needs a sent
 *                   request, an appeal an adverse determination
 *                   (conflict); a kind without a template is not_found;
 *                   a broken template is internal, "file:line: message".
 *   letter.send     {id, kind?, dry_run?:bool, again?:bool}  the letter
 *                   emailed to the agency's email through the smtp
 *                   block, with the group's addresses (the project's,
 *                   else smtp.to) in the envelope only; answered once
 *                   the server took it
 *                   -> {request, kind, to, subject, message_id:"<...>",
 *                    sent:date, event, changes:n}; recorded as an event
 *                   {kind:"letter", field:<kind>, to:<Message-ID>,
 *                   date, note:"emailed to <to>: <subject>"}; a request
 *                   letter also sets sent (when empty) and method email
 *                   and moves a draft to submitted. dry_run: -> {dry_run:
 *                   true, request, kind, to, subject, message_id,
 *                   message (RFC 5322 text)}, nothing sent or changed.
 *                   conflict when the agency has no email (the message
 *                   names its portal or postal address) or no smtp is
 *                   configured, and for a request letter when one was
 *                   emailed already, unless again (a second filing);
 *                   internal when the server refused.
 *   agency.add      {code, name, parent?, jurisdiction?, email?, portal?,
 *                    address?, website?} -> {agency}
 *   agency.list     {} -> {agencies:[agency,...]}
 *   agency.show     {code} -> {agency, requests:n}
 *   agency.update   {code, name?, parent?, jurisdiction?, email?, portal?,
 *                    address?, website?} -> {agency, changes:n}
 *   agency.import   {text? (the file) | url?, source? (the file's name),
 *                    skip_bad?:bool}  FOIA.gov's agency components: its
 *                    JSON:API answer {"data":[{"type":"agency_component",
 *                    "attributes":{...}},...], "included":[agency,...]}
 *                    or a plain array of attribute objects. Attributes
 *                    read: abbreviation (the code), title (the name),
 *                    email (text or list; else submission_email),
 *                    submission_web (else portal) and website (text or
 *                    {uri}), submission_address ({organization,
 *                    address_line1, address_line2, locality,
 *                    administrative_area, postal_code, country_code} or
 *                    text), request_data_simple_median_days,
 *                    request_data_complex_median_days (numbers or
 *                    numeric text; "" and "N/A" are none),
 *                    request_data_year; a new agency's parent from
 *                    relationships.agency via included (or a plain
 *                    parent or agency.abbreviation) when the group has
 *                    it. A known code is updated with the values given,
 *                    a new one added (us-federal), one event per change.
 *                    Bad components (no or invalid abbreviation, one
 *                    that two components share, values agency.add
 *                    refuses) refuse the whole import unless skip_bad.
 *                    url: downloaded by foiad, following links.next
 *                    (same host, at most 100 pages), answered when done.
 *                   -> {added:n, updated:n, unchanged:n,
 *                    skipped:[{index (0-based, in data), reason}],
 *                    source}
 *   verify          {} -> {ok:bool, events:n (whole, in order), last:id|
 *                    null, head:hash|null (the last event's, when ok),
 *                    problem:null|"missing"|"altered"|"no_hash",
 *                    event:id|null (the first bad one), message}
 *                   checks the history's hash chain: event ids run 1,
 *                   2, 3..., and each event's hash (SHA-256, hex) is
 *                   that of the previous event's hash and its own
 *                   stored fields (daemon/store_chain.c gives the
 *                   encoding). A broken chain is a result (ok:false),
 *                   not an error. The walk goes a step per turn of
 *                   the event loop and answers when it ends. The JSON
 *                   export carries each hash; import refuses a history
 *                   whose chain is broken.
 *   backup          {} -> {token, bytes, pages}: a consistent copy of the
 *                    database file (SQLite's online backup, a few pages
 *                    per turn of the event loop), answered when whole;
 *                    then, by the same user:
 *   backup.read     {token, offset} -> {data: up to 512 KiB of the copy
 *                    from offset, in lower-case hex, eof:bool}
 *   backup.close    {token} -> {} (a copy idle for 2 minutes goes too)
 * A write that finds the disk full fails with disk_full, one on a
 * read-only database with read_only; reads go on working.
 *
 * A request object: id, batch, agency, agency_name, component, jurisdiction,
 * subject, description, requester, project, tags, method, tracking, sent,
 * received, acknowledged, closed, expedited, fee_waiver, fee_category,
 * fees_estimated, fees_paid, status, created, updated, created_by,
 * days_open.
 * An event object: id, request (id or null), agency (code or null), at,
 * actor, kind, field, from, to, date, note.
 * An agency object: code, name, parent, jurisdiction, email, portal, address,
 * website, published_median: published|null.
 * published: {simple:days|null, complex:days|null, year:n|null (the fiscal
 * year of the annual report), source (the file or URL imported)}: the
 * median working days the agency published for its simple and complex
 * tracks.
 * A deadline object: kind ("determination"|"expedited"|"appeal_window"|
 * "appeal_decision"|"followup"), what (human label, "FOIA response due"),
 * state ("due": upcoming or today | "overdue" | "stopped": clock stopped,
 * no date | "met": answered on met_on | "agreed": due is an agreed date,
 * otherwise like due), due:date|null, days_left:n|null (negative when
 * overdue), overdue:bool, met_on:date|null, assumed_start:bool (receipt
 * date unknown: counted from sent), start:date|null, period:n,
 * unit:"working"|"calendar", extension:n, explain:[line,...] (only when
 * the params had explain:true).
 */
#ifndef FOIA_PROTOCOL_H
#define FOIA_PROTOCOL_H

#define FOIA_PROTOCOL_VERSION 1
#define FOIA_VERSION	      "0.1.0"

/* One request or reply line, newline excluded. */
#define FOIA_MAX_LINE (1024 * 1024)

/* Method names. */
#define FOIA_M_STATUS	      "status"
#define FOIA_M_REQUEST_FILE   "request.file"
#define FOIA_M_REQUEST_LIST   "request.list"
#define FOIA_M_REQUEST_SHOW   "request.show"
#define FOIA_M_REQUEST_UPDATE "request.update"
#define FOIA_M_REQUEST_NOTE   "request.note"
#define FOIA_M_AGENCY_ADD     "agency.add"
#define FOIA_M_AGENCY_LIST    "agency.list"
#define FOIA_M_AGENCY_SHOW    "agency.show"
#define FOIA_M_AGENCY_UPDATE  "agency.update"
#define FOIA_M_AGENCY_IMPORT  "agency.import"

/* Deadlines, calendars and jurisdictions. */
#define FOIA_M_REQUEST_TOLL	 "request.toll"
#define FOIA_M_REQUEST_EXTEND	 "request.extend"
#define FOIA_M_REQUEST_AGREE	 "request.agree"
#define FOIA_M_DEADLINES	 "deadlines"
#define FOIA_M_CALC		 "calc"
#define FOIA_M_HOLIDAYS		 "holidays"
#define FOIA_M_HOLIDAYS_IMPORT	 "holidays.import"
#define FOIA_M_JURISDICTION_LIST "jurisdiction.list"

/* Export and import; the JSON export's "format" and "version". */
#define FOIA_M_EXPORT	    "export"
#define FOIA_M_IMPORT	    "import"
#define FOIA_EXPORT_FORMAT  "foiad-export"
#define FOIA_EXPORT_VERSION 1
#define FOIA_M_REPORT	    "report"

/* Calendar feeds. */
#define FOIA_M_ICS "ics"

/* Files larger than a line, sent in parts (upload), and the most that all
 * uploads together may hold. */
#define FOIA_M_UPLOAD	"upload"
#define FOIA_MAX_UPLOAD (512 * 1024 * 1024)

/* Reminders. */
#define FOIA_M_REMIND	 "remind"
#define FOIA_M_REMINDERS "reminders"

/* Letters. */
#define FOIA_M_LETTER	   "letter"
#define FOIA_M_LETTER_SEND "letter.send"

/* Durability: the history's hash chain, and a copy of the database. */
#define FOIA_M_VERIFY	    "verify"
#define FOIA_M_BACKUP	    "backup"
#define FOIA_M_BACKUP_READ  "backup.read"
#define FOIA_M_BACKUP_CLOSE "backup.close"

/* Error codes. The CLI maps them to exit codes (see cli/). */
#define FOIA_E_PARSE	  "parse_error"	   /* not JSON, or not an object */
#define FOIA_E_TOO_LONG	  "too_long"	   /* line over FOIA_MAX_LINE */
#define FOIA_E_VERSION	  "bad_version"	   /* "v" missing or unsupported */
#define FOIA_E_METHOD	  "unknown_method" /* no such method */
#define FOIA_E_INVALID	  "invalid"	   /* a param is wrong */
#define FOIA_E_NOT_FOUND  "not_found"	   /* no such request or agency */
#define FOIA_E_CONFLICT	  "conflict"	   /* illegal transition, duplicate */
#define FOIA_E_PERMISSION "permission_denied" /* caller may not connect */
#define FOIA_E_FORBIDDEN  "forbidden" /* a member calling an admin method */
#define FOIA_E_INTERNAL	  "internal"  /* storage or other failure */
#define FOIA_E_TIMEOUT	  "timeout"   /* client too slow */
#define FOIA_E_DISK_FULL  "disk_full" /* a write found no room: retry later */
#define FOIA_E_READ_ONLY  "read_only" /* the database cannot be written */

/* Field limits, in bytes of UTF-8. */
#define FOIA_MAX_CODE	     32
#define FOIA_MAX_NAME	     200
#define FOIA_MAX_SUBJECT     500
#define FOIA_MAX_DESCRIPTION (64 * 1024)
#define FOIA_MAX_REQUESTER   200
#define FOIA_MAX_PROJECT     64
#define FOIA_MAX_TAG	     64
#define FOIA_MAX_TAGS	     32
#define FOIA_MAX_TRACKING    128
#define FOIA_MAX_COMPONENT   200
#define FOIA_MAX_NOTE	     (8 * 1024)
#define FOIA_MAX_EMAIL	     254
#define FOIA_MAX_URL	     2048
#define FOIA_MAX_ADDRESS     1000
#define FOIA_MAX_BATCH	     64 /* agencies in one request.file */

/*
 * Request statuses: their names are the interface. The daemon owns which
 * transitions are legal (daemon/status.c); the CLI uses the list for help.
 */
#define FOIA_STATUS_NAMES                                                      \
	"draft", "submitted", "acknowledged", "processing",                    \
		"awaiting-requester", "partial-release", "granted",            \
		"partially-granted", "denied", "no-records", "withdrawn",      \
		"appealed", "appeal-decided", "litigation", "closed"

/* Ways a request is sent, and fee categories of 5 U.S.C. 552(a)(4)(A)(ii). */
#define FOIA_METHOD_NAMES "email", "portal", "mail", "fax", "in-person"
#define FOIA_FEE_CATEGORY_NAMES                                                \
	"commercial", "educational", "noncommercial-scientific", "news-media", \
		"other"

/* Why the clock stops (request.toll): to ask the requester for information
 * (5 U.S.C. 552(a)(6)(A)(ii)(I)), or to clarify fees ((ii)(II)). */
#define FOIA_TOLL_REASON_NAMES "clarification", "fees"

#endif
