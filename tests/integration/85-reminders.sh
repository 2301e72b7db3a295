#!/usr/bin/env bash
#
# 85-reminders.sh: reminders through a real foiad, a real SMTP server
# (Debian's python3-aiosmtpd, mailsink.py) and a real webhook receiver
# (hooksink.py), all on 127.0.0.1, started and stopped here.
#
# Reminders fall due at once: leads = [0] at 00:00 UTC, and each request's
# determination is agreed for today. A reminder that falls due is
# delivered once by email (with SMTP AUTH from a password file) and once to
# the webhook; the message parses with Python's email library, has Date,
# Message-ID and the deadline attached as an .ics that python3-icalendar
# reads; the webhook's JSON has the text and the facts. Planning again,
# SIGKILL right after a delivery and a restart send nothing twice. With
# the SMTP server down the reminder waits (and says why) and is delivered
# once after the server comes back; a withdrawn request's pending
# reminders (and its `foia remind`) are cancelled and never sent. `foia
# remind` sends on its day; the digest goes out after a reload turns it
# on; a password file others can read is refused.

# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
need_binaries

# Debian's python libraries belong to /usr/bin/python3, not to a pyenv
# interpreter that may come first on PATH.
SYSPY=/usr/bin/python3
if ! "$SYSPY" -c 'import aiosmtpd, icalendar' 2>/dev/null; then
	echo "1..0 # SKIP python3-aiosmtpd or python3-icalendar not installed"
	exit 0
fi
HERE=$(cd "$(dirname "$0")" && pwd)
DAEMON_ENV=(no_proxy='*' NO_PROXY='*')

MAIL=$T_DIR/mail
HOOK=$T_DIR/hook
mkdir "$MAIL" "$HOOK" || bail_out "cannot create the sink directories"
TODAY=$(date -u +%F)
SENT=$(date -u -d '-5 days' +%F)

# -- the servers
SMTP_PID=
# smtp_start [PORT]: start the mail sink (a free port the first time).
smtp_start()
{
	: >"$T_DIR/smtp.port"
	"$SYSPY" -u "$HERE/mailsink.py" "$MAIL" "${1:-0}" foiad 's3cret pass' \
		>"$T_DIR/smtp.port" 2>>"$T_DIR/smtp.log" &
	SMTP_PID=$!
	wait_for 10 test -s "$T_DIR/smtp.port"
}
smtp_stop()
{
	[[ -n $SMTP_PID ]] || return 0
	kill "$SMTP_PID" 2>/dev/null
	wait_exit "$SMTP_PID" 5
	SMTP_PID=
}
at_exit smtp_stop
smtp_start || bail_out "the SMTP server did not start: $(cat "$T_DIR/smtp.log")"
SMTP_PORT=$(head -n 1 "$T_DIR/smtp.port")

"$SYSPY" -u "$HERE/hooksink.py" "$HOOK" >"$T_DIR/hook.port" \
	2>"$T_DIR/hook.log" &
HOOK_PID=$!
at_exit kill "$HOOK_PID"
wait_for 10 test -s "$T_DIR/hook.port" ||
	bail_out "the webhook receiver did not start: $(cat "$T_DIR/hook.log")"
HOOK_URL=http://127.0.0.1:$(head -n 1 "$T_DIR/hook.port")/hooks/abc

printf 's3cret pass\n' >"$T_DIR/smtp.pass"
chmod 600 "$T_DIR/smtp.pass"

# config [DIGEST]
config()
{
	write_config \
		"reminders = { leads = [0]; time = \"00:00\"; timezone = \"UTC\"; followup_every = 14; digest = \"${1:-off}\"; };" \
		"smtp = { url = \"smtp://127.0.0.1:$SMTP_PORT\"; from = \"foiad@example.org\"; to = [\"team@example.org\", \"editor@example.org\"]; user = \"foiad\"; password_file = \"$T_DIR/smtp.pass\"; };" \
		"webhook = { url = \"$HOOK_URL\"; };" \
		"calendar = { domain = \"foiad.test\"; directory = \"$T_DIR/cal\"; };"
}

# -- what the sinks got
cat >"$T_DIR/inspect.py" <<'EOF'
import email, email.policy, email.utils, glob, json, os, re, sys
import icalendar

def mails(d):
    for name in sorted(glob.glob(os.path.join(d, '*.eml'))):
        with open(name, 'rb') as f:
            yield name, email.message_from_bytes(
                f.read(), policy=email.policy.default)

what, d = sys.argv[1], sys.argv[2]
if what == 'keys':
    # One line per message: its X-Foiad-Key.
    for name, m in mails(d):
        print(m['X-Foiad-Key'])
elif what == 'hookkeys':
    for name in sorted(glob.glob(os.path.join(d, '*.json'))):
        print(json.load(open(name))['foiad']['key'])
elif what == 'mail':
    # The message with key argv[3], checked; a JSON summary of it.
    for name, m in mails(d):
        if m['X-Foiad-Key'] != sys.argv[3]:
            continue
        out = {'defects': [str(x) for x in m.defects]}
        out['date_ok'] = email.utils.parsedate_to_datetime(
            m['Date']) is not None
        out['message_id'] = m['Message-ID']
        out['from'] = m['From']
        out['to'] = m['To']
        out['subject'] = m['Subject']
        out['auto'] = m['Auto-Submitted']
        text = m.get_body(preferencelist=('plain',))
        out['text'] = text.get_content() if text else None
        out['ics'] = []
        for part in m.iter_attachments():
            if part.get_content_type() != 'text/calendar':
                continue
            cal = icalendar.Calendar.from_ical(part.get_content())
            for ev in cal.walk('VEVENT'):
                out['ics'].append({
                    'file': part.get_filename(),
                    'uid': str(ev['UID']),
                    'date': ev.decoded('DTSTART').isoformat(),
                    'sequence': int(ev.get('SEQUENCE', 0)),
                    'summary': str(ev['SUMMARY'])})
            for c in cal.walk():
                for p in c.property_items():
                    pass
        env = name[:-4] + '.env'
        out['rcpt'] = open(env).read().split('\n')[1:-1]
        print(json.dumps(out, sort_keys=True))
        break
elif what == 'feedseq':
    # The SEQUENCE of UID argv[3] in the feed file d.
    cal = icalendar.Calendar.from_ical(open(d, 'rb').read())
    for ev in cal.walk('VEVENT'):
        if str(ev['UID']) == sys.argv[3]:
            print(int(ev.get('SEQUENCE', 0)))
elif what == 'hook':
    for name in sorted(glob.glob(os.path.join(d, '*.json'))):
        doc = json.load(open(name))
        if doc['foiad']['key'] == sys.argv[3]:
            hdr = open(name[:-5] + '.hdr').read()
            doc['idempotency'] = re.search(
                r'(?im)^Idempotency-Key: *(.*)$', hdr).group(1).strip()
            print(json.dumps(doc, sort_keys=True))
            break
EOF
inspect() { "$SYSPY" "$T_DIR/inspect.py" "$@"; }

# mails KEY / hooks KEY: how many messages the sinks got with that key.
mails() { inspect keys "$MAIL" | grep -cxF -- "$1"; }
hooks() { inspect hookkeys "$HOOK" | grep -cxF -- "$1"; }
mail_count_is() { [[ $(mails "$1") == "$2" ]]; }
hook_count_is() { [[ $(hooks "$1") == "$2" ]]; }

# row KEY CHANNEL EXPR: EXPR over the outbox row (d) of that key.
row()
{
	foia reminders --json --limit 1000 |
		json_eval "[$3 for d in d['reminders'] if d['key'] == '$1' and d['channel'] == '$2']"
}
row_is() { [[ $(row "$1" "$2" "$3") == "$4" ]]; }

# file_due_today: file a request and agree its response for today; its id.
file_due_today()
{
	local id
	id=$(foia file --agency ICE --subject "$1" --sent "$SENT" \
		--received "$SENT" --tracking "2025-ICFO-$RANDOM" --json |
		json_eval 'd["ids"][0]') || return 1
	foia agree "$id" --date "$TODAY" --reason "agreed by phone" \
		>/dev/null || return 1
	printf '%s\n' "$id"
}
key_of() { printf '%s:determination:%s:0' "$1" "$TODAY"; }

# -- a password file others can read is refused
write_config "smtp = { url = \"smtp://127.0.0.1:1\"; from = \"foiad@example.org\"; to = [\"a@example.org\"]; user = \"u\"; password_file = \"$T_DIR/open.pass\"; };"
printf 'secret\n' >"$T_DIR/open.pass"
chmod 644 "$T_DIR/open.pass"
expect_exit 1 "foiad -n refuses a world-readable password file" -- \
	"$BUILD/foiad" -n -c "$CONF"
expect_err_matches "it names the file and the fix" \
	"password file '$T_DIR/open.pass' is readable by everyone: refused \(chmod 600 it\)"
unlike "$ERR" secret "the password itself is not shown"
chmod 640 "$T_DIR/open.pass"
expect_exit 1 "foiad -n refuses a group-readable password file" -- \
	"$BUILD/foiad" -n -c "$CONF"
expect_err_matches "group-readable: says so" "readable by its group"
chmod 600 "$T_DIR/open.pass"
expect_exit 0 "foiad -n takes a 0600 password file" -- \
	"$BUILD/foiad" -n -c "$CONF"
write_config "smtp = { url = \"http://mail\"; from = \"x\"; to = []; bogus = 1; };"
expect_exit 1 "a broken smtp block is refused" -- "$BUILD/foiad" -n -c "$CONF"
like "$ERR" "foiad.conf:5: 'smtp.url' must be a smtp:// or smtps:// URL, not 'http://mail'" \
	"bad smtp.url: file:line and the value"
like "$ERR" "'smtp.from' must be a plain address" "bad smtp.from"
like "$ERR" "unknown setting 'smtp.bogus'" "unknown smtp key"

# -- a reminder that falls due is delivered once to each
config
ok "daemon starts" start_daemon || bail_out "foiad did not start"
ID1=$(file_due_today "Detention contracts")
is "$ID1" 1 "request 1 filed, due today"
K1=$(key_of 1)
ok "the email arrives" wait_for 15 mail_count_is "$K1" 1
ok "the webhook is posted" wait_for 15 hook_count_is "$K1" 1
ok "both rows are marked sent" wait_for 5 row_is "$K1" email 'd["state"]' '["sent"]'
ok "the webhook row too" wait_for 5 row_is "$K1" webhook 'd["state"]' '["sent"]'

M=$(inspect mail "$MAIL" "$K1")
is "$(json_eval '[d["defects"], d["date_ok"], d["auto"]]' <<<"$M")" \
	'[[], true, "auto-generated"]' "the email parses without defects, with a Date"
like "$(json_eval 'd["message_id"]' <<<"$M")" \
	"^<foiad\.1\.determination\.$TODAY\.0\.email@foiad\.test>$" \
	"Message-ID is stable: key and channel at calendar.domain"
is "$(json_eval '[d["from"], d["to"], d["rcpt"]]' <<<"$M")" \
	'["foiad@example.org", "team@example.org, editor@example.org", ["team@example.org", "editor@example.org"]]' \
	"From, To and the envelope"
is "$(json_eval 'd["subject"]' <<<"$M")" \
	"ICE #1: FOIA response due $TODAY (today)" "the subject names request and deadline"
TEXT=$(json_eval 'd["text"]' <<<"$M")
like "$TEXT" "Agency: +ICE \(U\.S\. Immigration and Customs Enforcement\)" \
	"the body names the agency"
like "$TEXT" "Request: +#1, Detention contracts" "the body names the request"
like "$TEXT" "Deadline: +FOIA response due $TODAY" "the body names the deadline"
like "$TEXT" "See: foia show 1" "the body says how to see it"
is "$(json_eval 'd["ics"]' <<<"$M")" \
	"[{\"date\": \"$TODAY\", \"file\": \"foia-1-determination.ics\", \"sequence\": 0, \"summary\": \"ICE #1: FOIA response due\", \"uid\": \"1-determination@foiad.test\"}]" \
	"the deadline is attached as an .ics with the feed's UID"
is "$(cat "$MAIL/auth.log" 2>/dev/null | sort -u)" foiad \
	"foiad logged in with the password file's password"

H=$(inspect hook "$HOOK" "$K1")
is "$(json_eval 'd["text"]' <<<"$H")" "ICE #1: FOIA response due $TODAY (today)" \
	"the webhook's text is the summary"
is "$(json_eval '[d["foiad"]["request"], d["foiad"]["agency"], d["foiad"]["deadline"], d["foiad"]["type"], d["idempotency"]]' <<<"$H")" \
	"[1, \"ICE\", {\"due\": \"$TODAY\", \"kind\": \"determination\", \"what\": \"FOIA response due\"}, \"reminder\", \"$K1\"]" \
	"the webhook's JSON carries the facts and the idempotency key"

# -- planning again sends nothing twice
foia note 1 "called the FOIA officer" >/dev/null
foia note 1 "and again" >/dev/null
sleep 1.5
is "$(mails "$K1")/$(hooks "$K1")" 1/1 "changes re-plan without a second delivery"
expect_exit 0 "reminders --sent" -- foia reminders --sent
expect_out_matches "the table lists the sent email" "^!?1 +sent +email .*ICE #1: FOIA response due"
expect_exit 0 "reminders --pending is empty" -- foia reminders --pending --json
is "$(json_eval 'd["reminders"]' "$OUTF")" '[]' "nothing pending"
like "$(json_eval 'd["next"]' "$OUTF")" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T' \
	"the scheduler sleeps until a known moment (the next follow-up)"

# -- SIGKILL right after a delivery, then a restart: no duplicate
ID2=$(file_due_today "Body cameras")
K2=$(key_of "$ID2")
ok "request 2's email arrives" wait_for 15 mail_count_is "$K2" 1
kill -KILL "$DAEMON_PID"
wait_exit "$DAEMON_PID" 5
DAEMON_PID=
ok "daemon restarts after SIGKILL" start_daemon || bail_out "no restart"
ok "request 2's webhook is (still) delivered" wait_for 15 hook_count_is "$K2" 1
sleep 2
is "$(mails "$K2")/$(hooks "$K2")" 1/1 "no duplicate after SIGKILL and restart"
is "$(mails "$K1")/$(hooks "$K1")" 1/1 "nor of request 1's"
unlike "$(row "$K2" email 'd["state"]')" pending "request 2's email is not pending again"

# -- the SMTP server down: the reminder waits, then goes once
smtp_stop
ID3=$(file_due_today "Use of force")
K3=$(key_of "$ID3")
ID4=$(file_due_today "Withdrawn one")
K4=$(key_of "$ID4")
expect_exit 0 "remind 4 in a week" -- foia remind "$ID4" --in 1w --note "chase"
ok "webhooks of 3 and 4 go while mail is down" \
	wait_for 15 bash -c "[[ \$(\"$SYSPY\" \"$T_DIR/inspect.py\" hookkeys \"$HOOK\" | grep -cxF -e '$K3' -e '$K4') == 2 ]]"
ok "request 3's email failed once and waits" \
	wait_for 15 row_is "$K3" email '[d["state"], d["attempts"] >= 1]' '[["pending", true]]'
like "$(row "$K3" email 'd["last_error"]')" '[Cc]onnect|refused|Couldn' \
	"the outbox says why"
like "$(row "$K3" email 'd["next_attempt_at"]')" '[0-9]T' "and when it tries again"
expect_exit 0 "reminders --pending lists it" -- foia reminders --pending
expect_out_matches "pending row in the table" "pending +email .*ICE #$ID3"

# -- a withdrawn request's reminders are cancelled
expect_exit 0 "withdraw request 4" -- foia update "$ID4" --status withdrawn
ok "its pending email is cancelled" \
	wait_for 10 row_is "$K4" email 'd["state"]' '["cancelled"]'
like "$(row "$K4" email 'd["last_error"]')" "closed or withdrawn" \
	"cancelled because the request is withdrawn"
expect_exit 0 "reminders --json" -- foia reminders --json
is "$(json_eval "[s['date'] for s in d['scheduled'] if s['request'] == $ID4]" "$OUTF")" \
	'[]' "its foia remind is cancelled too"
expect_exit 1 "remind a withdrawn request: refused" -- foia remind "$ID4" --in 3w
expect_err_matches "says why" "request $ID4 is withdrawn"

smtp_start "$SMTP_PORT" || bail_out "the SMTP server did not restart"
ok "request 3's email arrives once the server is back" \
	wait_for 40 mail_count_is "$K3" 1
ok "and is marked sent" wait_for 5 row_is "$K3" email 'd["state"]' '["sent"]'
sleep 2
is "$(mails "$K3")" 1 "delivered exactly once"
is "$(mails "$K4")" 0 "the withdrawn request's reminder never went"

# -- foia remind
expect_exit 0 "remind today" -- foia remind 1 --on "$TODAY" --note "call the FOIA officer"
expect_out_matches "remind says what it set" \
	"^reminder [0-9]+ set: request 1 on $TODAY: call the FOIA officer$"
ok "the personal reminder is emailed" wait_for 15 bash -c \
	"\"$SYSPY\" \"$T_DIR/inspect.py\" keys \"$MAIL\" | grep -q '^1:snooze:$TODAY:'"
SK=$(inspect keys "$MAIL" | grep "^1:snooze:$TODAY:")
is "$(inspect mail "$MAIL" "$SK" | json_eval 'd["subject"]')" \
	"ICE #1: reminder: call the FOIA officer" "its subject carries the note"
ok "and posted to the webhook" wait_for 15 hook_count_is "$SK" 1
IN3W=$(date -u -d '+21 days' +%F)
expect_exit 0 "remind in 3 weeks" -- foia remind 1 --in 3w
expect_exit 0 "reminders shows it scheduled" -- foia reminders
expect_out_matches "scheduled line" "^  $IN3W  request 1$"
expect_exit 64 "remind without --in or --on" -- foia remind 1
expect_exit 1 "remind --in 3x is refused" -- foia remind 1 --in 3x
expect_err_matches "says what a span is" "'in' must be a number of days or weeks"
expect_exit 1 "remind in the past is refused" -- foia remind 1 --on 2020-01-01
expect_err_matches "says it is past" "'on' 2020-01-01 is in the past"

# -- the digest, turned on by a reload
config daily
kill -HUP "$DAEMON_PID"
DK="digest:daily:$TODAY"
ok "the daily digest is emailed after the reload" wait_for 15 mail_count_is "$DK" 1
D=$(inspect mail "$MAIL" "$DK")
like "$(json_eval 'd["subject"]' <<<"$D")" \
	"^foiad digest $TODAY: 0 overdue, 3 due in the next 14 days$" \
	"the digest counts what is due"
like "$(json_eval 'd["text"]' <<<"$D")" "$TODAY +today +ICE #1: FOIA response due - Detention contracts" \
	"the digest lists request 1"
is "$(hooks "$DK")" 0 "the digest is email only"
kill -HUP "$DAEMON_PID"
sleep 1.5
is "$(mails "$DK")" 1 "a second reload sends no second digest"

# -- the attached .ics carries the feed's SEQUENCE for the same UID
IDM=$(foia file --agency ICE --subject "Moved deadline" --sent "$SENT" \
	--received "$SENT" --json | json_eval 'd["ids"][0]')
UIDM="$IDM-determination@foiad.test"
feed_has() { [[ -f $T_DIR/cal/all.ics ]] && grep -q "^UID:$UIDM" "$T_DIR/cal/all.ics"; }
ok "the feed publishes request $IDM" wait_for 15 feed_has
is "$(inspect feedseq "$T_DIR/cal/all.ics" "$UIDM")" 0 "first published: SEQUENCE 0"
foia agree "$IDM" --date "$TODAY" --reason "agreed by phone" >/dev/null
KM=$(key_of "$IDM")
ok "the moved deadline's reminder is emailed" wait_for 15 mail_count_is "$KM" 1
feed_seq_is() { [[ $(inspect feedseq "$T_DIR/cal/all.ics" "$UIDM") == "$1" ]]; }
ok "the feed moves it to SEQUENCE 1" wait_for 15 feed_seq_is 1
is "$(inspect mail "$MAIL" "$KM" | json_eval '[(e["uid"], e["sequence"]) for e in d["ics"]]')" \
	"[[\"$UIDM\", 1]]" "the attachment has the feed's UID and SEQUENCE"

# -- stop cleanly; a restart sends nothing more
stop_daemon
before=$(inspect keys "$MAIL" | wc -l)/$(inspect hookkeys "$HOOK" | wc -l)
ok "daemon starts again" start_daemon
sleep 2
is "$(inspect keys "$MAIL" | wc -l)/$(inspect hookkeys "$HOOK" | wc -l)" \
	"$before" "a restart delivers nothing twice"
# Nothing due, no client: foiad sleeps in poll() until the next reminder.
# A wake-up is a voluntary context switch; none in three seconds.
switches() { awk '/^voluntary_ctxt_switches/ {print $2}' "/proc/$DAEMON_PID/status"; }
s0=$(switches)
sleep 3
is "$(($(switches) - s0))" 0 "an idle foiad does not wake up (no polling loop)"
stop_daemon

done_testing
