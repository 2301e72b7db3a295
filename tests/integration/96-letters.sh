#!/usr/bin/env bash
#
# 96-letters.sh: letters (`foia letter`) and filing by email (`foia send`)
# through a real foiad and a real SMTP server (Debian's python3-aiosmtpd,
# mailsink.py) on 127.0.0.1.
#
# Each kind of letter is rendered from the shipped templates and checked
# for what it must say: a request with and without its fee-waiver and
# expedited sections, a follow-up citing the statutory due date and the
# days overdue foiad computes (equal to `foia show`), an appeal citing the
# determination, its date from the history, the tracking number and the
# appeal deadline; a state request's letters cite the state's law and no
# federal one. A group's own template (and one per jurisdiction) is used;
# a broken one is refused naming the file, line and field. `foia send`
# delivers the letter, parsed back with Python's email library; the
# history records it with its Message-ID, and a request letter moves the
# draft to submitted, sent today by email. --dry-run prints the message
# and changes nothing; an agency without email, and a foiad without smtp,
# are refused in one line, changing nothing.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

SYSPY=/usr/bin/python3
if ! "$SYSPY" -c 'import aiosmtpd' 2>/dev/null; then
	echo "1..0 # SKIP python3-aiosmtpd not installed"
	exit 0
fi
HERE=$(cd "$(dirname "$0")" && pwd)
DAEMON_ENV=(no_proxy='*' NO_PROXY='*')

MAIL=$T_DIR/mail
TPL=$T_DIR/templates
mkdir "$MAIL" "$TPL" || bail_out "cannot create the directories"
TODAY=$(date +%F)
SENT=$(date -d '-60 days' +%F)
DENIED=$(date -d '-5 days' +%F)

# -- the SMTP server
"$SYSPY" -u "$HERE/mailsink.py" "$MAIL" 0 foiad 'letter pass' \
	>"$T_DIR/smtp.port" 2>"$T_DIR/smtp.log" &
SMTP_PID=$!
at_exit kill "$SMTP_PID"
wait_for 10 test -s "$T_DIR/smtp.port" ||
	bail_out "the SMTP server did not start: $(cat "$T_DIR/smtp.log")"
SMTP_PORT=$(head -n 1 "$T_DIR/smtp.port")
printf 'letter pass\n' >"$T_DIR/smtp.pass"
chmod 600 "$T_DIR/smtp.pass"

# -- the templates: the shipped ones, and a group's own
cp "$T_REPO"/config/templates/*.txt "$TPL/" || bail_out "no templates"
cat >"$TPL/thanks.txt" <<'EOF'
{{! a group's own kind of letter }}
Subject: Thank you: {{subject}}

Thank you for your answer of {{determination_date}}{{^determination_date}}(no date){{/determination_date}} to request {{id}}.
{{requester}}
EOF
cat >"$TPL/thanks.us-ca.txt" <<'EOF'
Subject: Gracias: {{subject}}

California's own thanks, under {{statute}}.
EOF
cat >"$TPL/broken.txt" <<'EOF'
Subject: {{subject}}
{{#fee_waiver}}
{{fee_wiaver}}
{{/fee_waiver}}
EOF

# -- the letters block is checked like every other
write_config 'letters = { templates = "relative/dir"; reply_to = "Ana <ana@example.org>"; signature = "x"; };'
expect_exit 1 "foiad -n refuses a bad letters block" -- "$BUILD/foiad" -n -c "$CONF"
like "$ERR" "foiad.conf:5: 'letters.templates' must be an absolute path, not 'relative/dir'" \
	"a relative templates directory: file:line and the value"
like "$ERR" "'letters.reply_to' must be a plain address" "a reply_to that is no plain address"
like "$ERR" "unknown setting 'letters.signature' \(expected templates, requester, contact or reply_to\)" \
	"an unknown key"

LETTERS="letters = { templates = \"$TPL\"; requester = \"Ana Ruiz, Border Records Project\"; contact = \"ana@example.org\"; reply_to = \"ana@example.org\"; };"
SMTP="smtp = { url = \"smtp://127.0.0.1:$SMTP_PORT\"; from = \"foiad@example.org\"; to = [\"team@example.org\"]; user = \"foiad\"; password_file = \"$T_DIR/smtp.pass\"; };"
# No reminders: the only mail is the letters'.
QUIET='reminders = { leads = []; digest = "off"; followup_every = 366; };'
write_config "$LETTERS" "$SMTP" "$QUIET"
ok "daemon starts" start_daemon || bail_out "foiad did not start"

# -- what the sink got
cat >"$T_DIR/inspect.py" <<'EOF'
import email, email.policy, email.utils, glob, json, os, sys

d = sys.argv[1]
out = []
for name in sorted(glob.glob(os.path.join(d, '*.eml'))):
    with open(name, 'rb') as f:
        m = email.message_from_bytes(f.read(), policy=email.policy.default)
    if m['X-Foiad-Request'] is None:
        continue  # not a letter
    body = m.get_body(preferencelist=('plain',))
    out.append({
        'defects': [str(x) for x in m.defects],
        'date_ok': email.utils.parsedate_to_datetime(m['Date']) is not None,
        'from': m['From'], 'to': m['To'], 'reply_to': m['Reply-To'],
        'subject': m['Subject'], 'message_id': m['Message-ID'],
        'request': m['X-Foiad-Request'],
        'text': body.get_content() if body else None,
        'rcpt': open(name[:-4] + '.env').read().split('\n')[1:-1],
    })
print(json.dumps(out))
EOF
letters() { "$SYSPY" "$T_DIR/inspect.py" "$MAIL"; }
letter_count() { letters | json_eval 'len(d)'; }
letter_count_is() { [[ $(letter_count) == "$1" ]]; }

# -- agencies
foia agency add TESTA --name "Test Records Agency" --jurisdiction us-federal \
	--email foia@agency.example >/dev/null ||
	bail_out "cannot add an agency"
foia agency add CA-DOJ --name "California Department of Justice" \
	--jurisdiction us-ca --email pra@doj.ca.example >/dev/null ||
	bail_out "cannot add a state agency"
foia agency add POSTAL --name "Postal Only Office" --jurisdiction us-federal \
	--address $'1 Main Street\nSpringfield, IL 62701' >/dev/null ||
	bail_out "cannot add a postal agency"

# file ARGS...: a new request's id.
file() { foia file "$@" --json | json_eval 'd["ids"][0]'; }

# -- request letters
R1=$(file --agency TESTA --subject "Removal flight manifests" \
	--description "Every manifest of March 2025." --fee-waiver --expedite)
R2=$(file --agency TESTA --subject "Detention contracts")
expect_exit 0 "foia letter on a draft" -- foia letter "$R1"
expect_out_matches "a draft's letter is a request, its subject first" \
	'^Subject: Freedom of Information Act request: Removal flight manifests$'
expect_out_contains "it cites the federal law" \
	"a request under the Freedom of Information Act, 5 U.S.C. 552."
expect_out_contains "the description" "Every manifest of March 2025."
expect_out_contains "fee waiver: public interest, 552(a)(4)(A)(iii)" \
	"waiver of all fees under 5 U.S.C. 552(a)(4)(A)(iii)"
expect_out_contains "expedited: urgency to inform, 552(a)(6)(E)(v)(II)" \
	"urgency to inform the public concerning actual or alleged Federal Government activity (5 U.S.C. 552(a)(6)(E)(v)(II))"
expect_out_contains "the certification of 552(a)(6)(E)(vi)" \
	"true and correct to the best of my knowledge and belief (5 U.S.C. 552(a)(6)(E)(vi))"
expect_out_contains "signed by letters.requester" "Ana Ruiz, Border Records Project"
expect_exit 0 "a request without fee waiver or expedition" -- \
	foia letter "$R2" --kind request
expect_out_contains "its letter has the request" "Detention contracts"
unlike "$OUT" "552\(a\)\(4\)\(A\)\(iii\)|552\(a\)\(6\)\(E\)|true and correct" \
	"and neither section"
J=$(foia letter "$R1" --json)
is "$(json_eval '[d["kind"], d["request"], d["to"]["email"], d["template"]]' <<<"$J")" \
	"[\"request\", $R1, \"foia@agency.example\", \"$TPL/request.txt\"]" \
	"--json: kind, request, the agency's email and the template used"

# -- follow-up
R3=$(file --agency TESTA --subject "Use of force reports" --sent "$SENT" \
	--tracking "2025-TST-77")
DUE=$(foia show "$R3" --json | json_eval '[x["due"] for x in d["deadlines"] if x["kind"] == "determination"][0]')
OVER=$(foia show "$R3" --json | json_eval '[-x["days_left"] for x in d["deadlines"] if x["kind"] == "determination"][0]')
is "$OVER" "$(( ($(date -u -d "$TODAY" +%s) - $(date -u -d "$DUE" +%s)) / 86400 ))" \
	"foia show counts the days overdue from the due date"
expect_exit 0 "foia letter on an unanswered request" -- foia letter "$R3"
expect_out_matches "it is a follow-up, with the tracking number" \
	'^Subject: Follow-up on FOIA request 2025-TST-77: Use of force reports$'
expect_out_contains "it cites the statutory due date and days overdue" \
	"Under 5 U.S.C. 552(a)(6)(A)(i), your determination was due on $DUE. It is now $OVER days overdue"
expect_out_contains "and the sent date" "sent to you on $SENT"
expect_exit 1 "a follow-up of a draft is refused" -- \
	foia letter "$R2" --kind follow-up
expect_err_matches "one line saying why" \
	"^foia: request $R2 has not been sent: a follow-up needs its sent date"

# -- appeal
R4=$(file --agency TESTA --subject "Body camera footage" --sent "$SENT" \
	--tracking "2025-TST-88")
foia update "$R4" --status denied --date "$DENIED" >/dev/null
WINDOW=$(foia show "$R4" --json | json_eval '[x["due"] for x in d["deadlines"] if x["kind"] == "appeal_window"][0]')
expect_exit 0 "foia letter after a denial" -- foia letter "$R4"
expect_out_matches "it is an appeal" \
	'^Subject: FOIA appeal of request 2025-TST-88: Body camera footage$'
expect_out_contains "it cites the determination, its date and the tracking number" \
	"of the determination of $DENIED on my request number 2025-TST-88, sent on $SENT"
expect_out_contains "it says the request was denied" "The request was denied."
expect_out_contains "and the appeal deadline" \
	"the time to appeal runs until $WINDOW (5 U.S.C. 552(a)(6)(A)(i)(III)(aa))"
APPEALED=$(date -d '-2 days' +%F)
foia appeal "$R4" --date "$APPEALED" >/dev/null
DECISION=$(foia show "$R4" --json | json_eval '[x["due"] for x in d["deadlines"] if x["kind"] == "appeal_decision"][0]')
expect_exit 0 "foia letter once appealed" -- foia letter "$R4"
expect_out_matches "it is a follow-up" '^Subject: Follow-up on FOIA request 2025-TST-88'
expect_out_contains "of the appeal: its decision's due date, under (A)(ii)" \
	"Under 5 U.S.C. 552(a)(6)(A)(ii), your decision on my appeal is due on $DECISION."
expect_exit 0 "an appeal letter can still be made" -- foia letter "$R4" --kind appeal
expect_out_contains "naming the determination appealed" "of the determination of $DENIED"
expect_exit 1 "an appeal of an unanswered request is refused" -- \
	foia letter "$R3" --kind appeal
expect_err_matches "one line: no adverse determination" \
	"^foia: request $R3 has no adverse determination to appeal \(it is submitted"

# -- a state request: its own law, no federal citation
R5=$(file --agency CA-DOJ --subject "Use-of-force records" --sent "$SENT" \
	--fee-waiver)
expect_exit 0 "a state request's follow-up" -- foia letter "$R5"
expect_out_matches "its subject" '^Subject: Follow-up on records request: Use-of-force records$'
expect_out_contains "it cites the state's law" "Under Gov. Code 7922.535, your determination was due on"
unlike "$OUT" "U\.S\.C\." "and no federal citation"
expect_exit 0 "a state request's request letter" -- foia letter "$R5" --kind request
expect_out_contains "names the state's law" "a request under the California Public Records Act."
unlike "$OUT" "U\.S\.C\." "no federal citation there either"

# -- a group's own templates, and bad ones
expect_exit 0 "a group's own kind" -- foia letter "$R4" --kind thanks
expect_out_contains "rendered from its template" \
	"Thank you for your answer of $DENIED to request $R4."
expect_exit 0 "a template for one jurisdiction wins for its requests" -- \
	foia letter "$R5" --kind thanks
expect_out_contains "the California one" "California's own thanks, under Gov. Code 7922.535."
expect_exit 1 "a template with an unknown field" -- foia letter "$R1" --kind broken
expect_err_matches "refused naming file, line and field" \
	"^foia: $TPL/broken.txt:3: unknown field 'fee_wiaver'$"
expect_exit 1 "a kind with no template" -- foia letter "$R1" --kind nonesuch
expect_err_matches "refused in one line" "^foia: unknown kind 'nonesuch': no template"
expect_exit 1 "a kind that is no name" -- foia letter "$R1" --kind '../x'
expect_err_matches "refused in one line" "^foia: unknown kind '../x' \(expected request, follow-up or appeal"
expect_exit 1 "no such request" -- foia letter 999
expect_err_matches "not found" "^foia: .*999"

# -- send --dry-run changes nothing
BEFORE=$(foia show "$R1" --json)
expect_exit 0 "send --dry-run" -- foia send "$R1" --dry-run
expect_out_matches "it prints the message: To the agency" '^To: foia@agency\.example$'
expect_out_matches "From smtp.from" '^From: foiad@example\.org$'
expect_out_matches "the subject" '^Subject: Freedom of Information Act request: Removal flight manifests$'
expect_out_matches "a Message-ID" '^Message-ID: <foiad\.[0-9]+\.request\.[0-9]+\.[0-9a-f]{8}@example\.org>$'
expect_out_matches "Reply-To letters.reply_to" '^Reply-To: ana@example\.org$'
sleep 0.3
is "$(letter_count)" 0 "nothing was mailed"
is "$(foia show "$R1" --json)" "$BEFORE" "nothing changed"

# -- refusals
R6=$(file --agency ICE --subject "Detainee deaths")
expect_exit 1 "send to an agency without email" -- foia send "$R6"
expect_err_matches "one line naming the portal" \
	"^foia: agency ICE has no email: file it through the portal https://www\.dhs\.gov/foia$"
R7=$(file --agency POSTAL --subject "Mail logs")
expect_exit 1 "send to an agency with only a postal address" -- foia send "$R7" --dry-run
expect_err_matches "one line naming the address" \
	"^foia: agency POSTAL has no email: send it by post to 1 Main Street, Springfield, IL 62701$"

# -- send
expect_exit 0 "foia send a request letter" -- foia send "$R1"
like "$OUT" "^request $R1: request letter emailed to foia@agency\.example \(Message-ID <[^>]+>\)$" \
	"it says where it went and its Message-ID"
MID=$(sed -n 's/.*(Message-ID \(<[^>]*>\))$/\1/p' <<<"$OUT")
ok "the message arrives" wait_for 10 letter_count_is 1
M=$(letters | json_eval 'd[0]')
is "$(json_eval '[d["defects"], d["date_ok"], d["from"], d["to"], d["reply_to"], d["request"]]' <<<"$M")" \
	"[[], true, \"foiad@example.org\", \"foia@agency.example\", \"ana@example.org\", \"$R1\"]" \
	"it parses without defects: Date, From, To, Reply-To"
is "$(json_eval 'd["message_id"]' <<<"$M")" "$MID" "its Message-ID is the one foia printed"
is "$(sort -u "$MAIL/auth.log" 2>/dev/null)" foiad \
	"foiad logged in with smtp.user and the password file"
is "$(json_eval 'd["subject"]' <<<"$M")" \
	"Freedom of Information Act request: Removal flight manifests" "its subject"
is "$(json_eval 'd["rcpt"]' <<<"$M")" '["foia@agency.example", "team@example.org"]' \
	"the agency, and the group's copy in the envelope only"
TEXT=$(json_eval 'd["text"]' <<<"$M")
like "$TEXT" "waiver of all fees under 5 U\.S\.C\. 552\(a\)\(4\)\(A\)\(iii\)" \
	"the body is the letter, fee waiver and all"
like "$TEXT" "true and correct to the best of my knowledge and belief" \
	"with the certification"
unlike "$TEXT" "^Subject:" "the subject line is not repeated in the body"
S=$(foia show "$R1" --json)
is "$(json_eval '[d["request"]["status"], d["request"]["sent"], d["request"]["method"]]' <<<"$S")" \
	"[\"submitted\", \"$TODAY\", \"email\"]" \
	"the draft is submitted, sent today by email"
is "$(json_eval '[[e["kind"], e["field"], e["to"], e["date"]] for e in d["events"] if e["kind"] == "letter"]' <<<"$S")" \
	"[[\"letter\", \"request\", \"$MID\", \"$TODAY\"]]" \
	"the history records the letter with its Message-ID and date"
like "$(json_eval '[e["note"] for e in d["events"] if e["kind"] == "letter"][0]' <<<"$S")" \
	"^emailed to foia@agency\.example: Freedom of Information Act request" \
	"and where it went"
is "$(json_eval '[[e["from"], e["to"], e["date"]] for e in d["events"] if e["kind"] == "status"]' <<<"$S")" \
	"[[\"draft\", \"submitted\", \"$TODAY\"]]" "the status change is recorded"

expect_exit 1 "a second request letter is refused" -- foia send "$R1" --kind request
expect_err_matches "one line: when it went, and how to file again" \
	"^foia: request $R1 was emailed to the agency on $TODAY \(Message-ID $MID\); to file it again, add --again$"
expect_exit 0 "--again --dry-run would send it" -- \
	foia send "$R1" --kind request --again --dry-run
expect_out_matches "the same letter" '^To: foia@agency\.example$'
sleep 0.3
is "$(letter_count)" 1 "nothing more was mailed"

expect_exit 0 "foia send a follow-up" -- foia send "$R3" --json
is "$(json_eval '[d["kind"], d["to"], d["request"]["status"], d["changes"]]' <<<"$OUT")" \
	'["follow-up", "foia@agency.example", "submitted", 0]' \
	"a follow-up changes no field"
ok "it arrives" wait_for 10 letter_count_is 2
is "$(foia show "$R3" --json | json_eval '[e["field"] for e in d["events"] if e["kind"] == "letter"]')" \
	'["follow-up"]' "and is recorded"

# -- no smtp: refused, in one line, also for a dry run
write_config "$LETTERS" "$QUIET"
kill -HUP "$DAEMON_PID"
no_smtp() { ! foia send "$R2" --dry-run >/dev/null 2>&1; }
ok "the reload takes" wait_for 5 no_smtp
expect_exit 1 "send without smtp" -- foia send "$R2"
expect_err_matches "one line saying so" "^foia: no smtp block in foiad.conf: letters cannot be emailed"
is "$(foia show "$R2" --json | json_eval 'd["request"]["status"]')" draft \
	"the request is untouched"
expect_exit 0 "foia letter still works" -- foia letter "$R2"

# -- a mail server that is down: an error, nothing recorded
write_config "$LETTERS" "$QUIET" \
	"smtp = { url = \"smtp://127.0.0.1:1\"; from = \"foiad@example.org\"; to = [\"team@example.org\"]; };"
kill -HUP "$DAEMON_PID"
dry_ok() { foia send "$R2" --dry-run >/dev/null 2>&1; }
ok "the reload takes" wait_for 5 dry_ok
expect_exit 1 "send with the server down" -- foia send "$R2"
expect_err_matches "one line: not sent" "^foia: the letter was not sent to foia@agency\.example: "
is "$(foia show "$R2" --json | json_eval '[d["request"]["status"], [e for e in d["events"] if e["kind"] == "letter"]]')" \
	'["draft", []]' "nothing is recorded"

stop_daemon
done_testing
