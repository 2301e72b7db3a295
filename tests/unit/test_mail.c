/*
 * test_mail.c: reminder messages: the RFC 5322 / MIME builder
 * (daemon/mail.c), the words of reminders and of the digest
 * (daemon/remind_text.c) and the webhook's JSON (daemon/webhook.c).
 *
 * Messages are checked by parsing them back here, as a mail client would:
 * every line ends in CRLF and is short, the headers unfold to what was
 * asked (an encoded subject decodes to the original), the multipart body
 * splits on its boundary, and the quoted-printable text and the base64
 * attachment decode to exactly what went in, whatever it held (UTF-8,
 * "=", trailing spaces, a line of dots, very long lines). The integration
 * test 85-reminders.sh parses real deliveries with Python's email library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <jansson.h>

#include "foia/civil.h"
#include "mail.h"
#include "remind_text.h"
#include "webhook.h"

static int32_t D(const char *s)
{
	int32_t d = 0;
	if (!civil_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

/* --- a small parser, as a client reads the message -------------------- */

/* Every line ends in CRLF, none is over max characters, no bare CR or
 * LF, nothing but printable ASCII and tabs (the message is 7-bit). */
static void check_lines(const char *m, size_t len, size_t max)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)m[i];
		if (ch == '\r') {
			assert_true(i + 1 < len && m[i + 1] == '\n');
			i++;
			col = 0;
			continue;
		}
		assert_true(ch != '\n');
		if (ch != '\t' && (ch < 32 || ch > 126))
			fail_msg("byte 0x%02x at %zu: not 7-bit text", ch, i);
		if (++col > max)
			fail_msg("line over %zu characters at byte %zu", max,
				 i);
	}
	assert_int_equal(col, 0); /* ends with a line end */
}

/* The unfolded value of header name in the head (up to the empty line),
 * malloc'd, or NULL. */
static char *header(const char *m, const char *name)
{
	const char *end = strstr(m, "\r\n\r\n");
	size_t n = strlen(name);
	assert_non_null(end);
	for (const char *p = m; p && p < end;) {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (*v == ' ')
				v++;
			char *out = calloc(1, (size_t)(end - v) + 1);
			size_t k = 0;
			for (const char *q = v; q < end + 2; q++) {
				if (q[0] == '\r' && q[1] == '\n') {
					if (q[2] != ' ' && q[2] != '\t')
						break;
					q += 1; /* the fold: keep the space */
					continue;
				}
				out[k++] = *q;
			}
			return out;
		}
		p = strstr(p, "\r\n");
		if (p)
			p += 2;
	}
	return NULL;
}

static int b64val(char c)
{
	const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			  "0123456789+/";
	const char *p = c ? strchr(set, c) : NULL;
	return p ? (int)(p - set) : -1;
}

/* Decode base64 (line ends skipped) into a malloc'd buffer. */
static char *unbase64(const char *s, size_t len, size_t *outlen)
{
	char *out = malloc(len + 1);
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '=')
			continue;
		int v = b64val(s[i]);
		if (v < 0)
			fail_msg("not base64: '%c'", s[i]);
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (char)((acc >> bits) & 0xff);
		}
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

/* Decode quoted-printable: soft breaks vanish, CRLF becomes "\n". */
static char *unqp(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 < len && s[i + 1] == '\r' &&
		    s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=') {
			assert_true(i + 2 < len);
			int a = hexval(s[i + 1]), b = hexval(s[i + 2]);
			assert_true(a >= 0 && b >= 0);
			out[n++] = (char)(a * 16 + b);
			i += 2;
		} else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			/* A space or tab before a hard line end would be
			 * stripped in transit: it must have been encoded. */
			assert_false(n > 0 &&
				     (s[i - 1] == ' ' || s[i - 1] == '\t'));
			out[n++] = '\n';
			i++;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return out;
}

/* An encoded subject back to UTF-8: "=?UTF-8?B?...?=" words separated by
 * folding white space, or plain text. */
static char *unsubject(const char *v)
{
	if (strncmp(v, "=?UTF-8?B?", 10) != 0)
		return strdup(v);
	char *out = calloc(1, strlen(v) + 1);
	size_t n = 0;
	const char *p = v;
	while ((p = strstr(p, "=?UTF-8?B?"))) {
		p += 10;
		const char *e = strstr(p, "?=");
		assert_non_null(e);
		size_t k;
		char *w = unbase64(p, (size_t)(e - p), &k);
		memcpy(out + n, w, k);
		n += k;
		free(w);
		p = e + 2;
	}
	return out;
}

struct parts {
	char *text;   /* decoded */
	char *attach; /* decoded */
	size_t attach_len;
	char *attach_headers;
	int count;
};

/* Split a multipart/mixed message on its boundary and decode its parts. */
static void split(const char *m, struct parts *out)
{
	char *ct = header(m, "Content-Type");
	const char *b = strstr(ct, "boundary=\"");
	assert_non_null(b);
	char delim[128];
	b += 10;
	snprintf(delim, sizeof(delim), "\r\n--%.*s", (int)strcspn(b, "\""), b);
	const char *body = strstr(m, "\r\n\r\n") + 2;
	memset(out, 0, sizeof(*out));
	const char *p = strstr(body, delim);
	assert_non_null(p);
	for (;;) {
		p += strlen(delim);
		if (strncmp(p, "--\r\n", 4) == 0) {
			assert_int_equal(p[4], '\0'); /* the end is the end */
			break;
		}
		assert_true(strncmp(p, "\r\n", 2) == 0);
		p += 2;
		const char *head_end = strstr(p, "\r\n\r\n");
		const char *next = strstr(p, delim);
		assert_non_null(head_end);
		assert_non_null(next);
		const char *content = head_end + 4;
		/* The CRLF before the delimiter belongs to it. */
		size_t clen = (size_t)(next - content);
		char *heads = strndup(p, (size_t)(head_end - p) + 4);
		if (strstr(heads, "text/plain")) {
			assert_non_null(strstr(heads, "quoted-printable"));
			out->text = unqp(content, clen);
			free(heads);
		} else {
			assert_non_null(strstr(heads, "base64"));
			out->attach = unbase64(content, clen, &out->attach_len);
			out->attach_headers = heads;
		}
		out->count++;
		p = next;
	}
	free(ct);
}

static void parts_free(struct parts *p)
{
	free(p->text);
	free(p->attach);
	free(p->attach_headers);
}

/* --- mail_build ------------------------------------------------------- */

static const char *const two[] = {"team@example.org", "editor@example.org"};

static void test_date(void **state)
{
	(void)state;
	char buf[64];
	mail_date(0, buf, sizeof(buf));
	assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 +0000");
	mail_date(1743498000, buf, sizeof(buf)); /* 2025-04-01 09:00 UTC */
	assert_string_equal(buf, "Tue, 01 Apr 2025 09:00:00 +0000");
}

static void test_headers(void **state)
{
	(void)state;
	const char *hdrs[] = {"X-Foiad-Key: 12:determination:2025-03-31:7",
			      NULL};
	struct mail m = {.from = "foiad@example.org",
			 .to = two,
			 .nto = 2,
			 .subject = "ICE #12: FOIA response due 2025-03-31 "
				    "(in 7 days)",
			 .text = "Hello\n",
			 .message_id = "foiad.12@foiad.test",
			 .date = 1743498000,
			 .headers = hdrs};
	size_t len;
	char *msg = mail_build(&m, &len);
	assert_non_null(msg);
	assert_int_equal(strlen(msg), len);
	check_lines(msg, len, 78);
	char *v;
	assert_string_equal(v = header(msg, "Date"),
			    "Tue, 01 Apr 2025 09:00:00 +0000");
	free(v);
	assert_string_equal(v = header(msg, "From"), "foiad@example.org");
	free(v);
	assert_string_equal(v = header(msg, "To"),
			    "team@example.org, editor@example.org");
	free(v);
	assert_string_equal(v = header(msg, "Subject"), m.subject);
	free(v);
	assert_string_equal(v = header(msg, "Message-ID"),
			    "<foiad.12@foiad.test>");
	free(v);
	assert_string_equal(v = header(msg, "X-Foiad-Key"),
			    "12:determination:2025-03-31:7");
	free(v);
	assert_string_equal(v = header(msg, "MIME-Version"), "1.0");
	free(v);
	/* No attachment: one text part. */
	v = header(msg, "Content-Type");
	assert_string_equal(v, "text/plain; charset=utf-8");
	free(v);
	assert_string_equal(strstr(msg, "\r\n\r\n"), "\r\n\r\nHello\r\n");
	free(msg);
}

static void test_many_recipients_fold(void **state)
{
	(void)state;
	const char *to[12];
	char names[12][40];
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]),
			 "member%02d@newsroom.example", i);
		to[i] = names[i];
	}
	struct mail m = {.from = "f@x.example",
			 .to = to,
			 .nto = 12,
			 .subject = "s",
			 .text = "",
			 .message_id = "i@x",
			 .date = 0};
	size_t len;
	char *msg = mail_build(&m, &len);
	check_lines(msg, len, 78);
	char *v = header(msg, "To");
	for (int i = 0; i < 12; i++)
		assert_non_null(strstr(v, names[i]));
	assert_non_null(strstr(v, "member00@newsroom.example, member01"));
	free(v);
	free(msg);
}

static void test_encoded_subject(void **state)
{
	(void)state;
	/* Non-ASCII, long enough for several encoded words, with a line end
	 * that must not start a new header. */
	const char *subject =
		"DGME #7: respuesta de la Dirección General de Migración y "
		"Extranjería vence el 2025-03-31 — ¡mañana!\nBcc: x@evil";
	struct mail m = {.from = "f@x.example",
			 .to = two,
			 .nto = 1,
			 .subject = subject,
			 .text = "t\n",
			 .message_id = "i@x",
			 .date = 0};
	size_t len;
	char *msg = mail_build(&m, &len);
	check_lines(msg, len, 78);
	assert_null(strstr(msg, "\r\nBcc:"));
	char *v = header(msg, "Subject");
	char *dec = unsubject(v);
	char *want = strdup(subject);
	*strchr(want, '\n') = ' ';
	assert_string_equal(dec, want);
	free(want);
	free(dec);
	free(v);
	free(msg);
}

static void test_body_and_attachment_roundtrip(void **state)
{
	(void)state;
	char text[4096];
	/* A long line, '=', trailing blanks, UTF-8, a lone dot, tabs. */
	snprintf(text, sizeof(text),
		 "ICE #12: FOIA response due\n\nAgency: ICE (Inmigración)\n"
		 "a=b and 100%% =3D sure \n.\n\tindented\t\n%s\nend",
		 "0123456789 0123456789 0123456789 0123456789 0123456789 "
		 "0123456789 0123456789 0123456789 0123456789 0123456789 "
		 "0123456789 0123456789 0123456789");
	const char ics[] = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
			   "UID:12-determination@foiad.test\r\n"
			   "DTSTART;VALUE=DATE:20250331\r\nSUMMARY:ICE #12: "
			   "FOIA response due – ✓\r\nEND:VEVENT\r\n"
			   "END:VCALENDAR\r\n";
	struct mail m = {.from = "f@x.example",
			 .to = two,
			 .nto = 2,
			 .subject = "s",
			 .text = text,
			 .message_id = "foiad.12.determination@foiad.test",
			 .date = 0,
			 .attachment = ics,
			 .attachment_len = sizeof(ics) - 1,
			 .attachment_type = "text/calendar",
			 .attachment_name = "foia-12-determination.ics"};
	size_t len;
	char *msg = mail_build(&m, &len);
	assert_non_null(msg);
	check_lines(msg, len, 78);
	struct parts p;
	split(msg, &p);
	assert_int_equal(p.count, 2);
	/* The text comes back whole, with a final line end added. */
	char want[4200];
	snprintf(want, sizeof(want), "%s\n", text);
	assert_string_equal(p.text, want);
	assert_int_equal(p.attach_len, sizeof(ics) - 1);
	assert_memory_equal(p.attach, ics, sizeof(ics) - 1);
	assert_non_null(strstr(p.attach_headers,
			       "Content-Type: text/calendar; charset=utf-8; "
			       "name=\"foia-12-determination.ics\""));
	assert_non_null(strstr(p.attach_headers,
			       "Content-Disposition: attachment; "
			       "filename=\"foia-12-determination.ics\""));
	parts_free(&p);
	free(msg);
}

static void test_attachment_sizes(void **state)
{
	(void)state;
	/* base64 of every length around a 57-byte line and a 3-byte group. */
	char data[200];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (char)(i * 7 + 1);
	for (size_t n = 1; n < sizeof(data); n++) {
		struct mail m = {.from = "f@x.example",
				 .to = two,
				 .nto = 1,
				 .subject = "s",
				 .text = "t",
				 .message_id = "i@x",
				 .date = 0,
				 .attachment = data,
				 .attachment_len = n,
				 .attachment_type = "application/octet-stream",
				 .attachment_name = "x"};
		size_t len;
		char *msg = mail_build(&m, &len);
		check_lines(msg, len, 78);
		struct parts p;
		split(msg, &p);
		assert_int_equal(p.attach_len, n);
		assert_memory_equal(p.attach, data, n);
		assert_string_equal(p.text, "t\n");
		parts_free(&p);
		free(msg);
	}
}

/* --- the words -------------------------------------------------------- */

static struct remind_facts facts(int32_t due, int32_t today)
{
	return (struct remind_facts){
		.request = 12,
		.agency = "ICE",
		.agency_name = "U.S. Immigration and Customs Enforcement",
		.subject = "Detention contracts 2024",
		.tracking = "2025-ICFO-12345",
		.project = "detention",
		.status = "submitted",
		.what = "FOIA response due",
		.due = due,
		.today = today,
		.citation = "5 U.S.C. 552(a)(6)(A)(i)",
		.period = 20,
		.unit = "working",
	};
}

static void test_summary(void **state)
{
	(void)state;
	char buf[256];
	int32_t due = D("2025-03-31");
	struct remind_facts f = facts(due, due - 7);
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(
		buf, "ICE #12: FOIA response due 2025-03-31 (in 7 days)");
	f.today = due - 1;
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(buf,
			    "ICE #12: FOIA response due 2025-03-31 (tomorrow)");
	f.today = due;
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(buf,
			    "ICE #12: FOIA response due 2025-03-31 (today)");
	f.today = due + 1;
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(
		buf, "ICE #12: FOIA response due 2025-03-31 (1 day overdue)");
	f.today = due + 15;
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(
		buf, "ICE #12: FOIA response due 2025-03-31 (15 days overdue)");
	/* A snooze with a note that has line ends. */
	f.snooze = true;
	f.note = "call the\nFOIA officer";
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(buf, "ICE #12: reminder: call the FOIA officer");
	f.note = NULL;
	remind_summary(&f, buf, sizeof(buf));
	assert_string_equal(buf, "ICE #12: reminder");
}

static void test_summary_cut_between_characters(void **state)
{
	(void)state;
	char buf[24];
	struct remind_facts f = facts(D("2025-03-31"), D("2025-03-30"));
	f.snooze = true;
	f.note = "ñññññññññññññññ";
	remind_summary(&f, buf, sizeof(buf));
	/* "ICE #12: reminder: " is 19 bytes; then whole 2-byte ñs. */
	assert_string_equal(buf, "ICE #12: reminder: ññ");
	assert_true(strlen(buf) < sizeof(buf));
}

static void test_body(void **state)
{
	(void)state;
	int32_t due = D("2025-03-31");
	struct remind_facts f = facts(due, due - 7);
	char *b = remind_body(&f);
	assert_non_null(b);
	assert_string_equal(
		b, "ICE #12: FOIA response due 2025-03-31 (in 7 days)\n\n"
		   "Agency:    ICE (U.S. Immigration and Customs "
		   "Enforcement)\n"
		   "Request:   #12, Detention contracts 2024\n"
		   "Tracking:  2025-ICFO-12345\n"
		   "Project:   detention\n"
		   "Status:    submitted\n"
		   "Deadline:  FOIA response due 2025-03-31 (Monday), in 7 "
		   "days\n"
		   "Law:       5 U.S.C. 552(a)(6)(A)(i), 20 working days\n"
		   "\nSee: foia show 12\n");
	free(b);
	f.late = true;
	f.due_at = "2025-03-24 09:00 America/New_York";
	f.tracking = f.project = NULL;
	b = remind_body(&f);
	assert_null(strstr(b, "Tracking:"));
	assert_null(strstr(b, "Project:"));
	assert_non_null(strstr(b, "\n\nThis reminder was due 2025-03-24 09:00 "
				  "America/New_York and is sent late"));
	free(b);
}

static void test_digest(void **state)
{
	(void)state;
	int32_t today = D("2025-04-07");
	char summary[200];
	struct digest_item v[] = {
		{3, "FBI", "Later", "FOIA response due", today + 20},
		{2, "ICE", "Soon", "FOIA response due", today + 3},
		{1, "DHS", "Late", "FOIA response due", today - 9},
		{4, "EPA", "Today", "appeal decision due", today},
	};
	char *b = remind_digest(v, 4, today, summary, sizeof(summary));
	assert_string_equal(summary, "foiad digest 2025-04-07: 1 overdue, 2 "
				     "due in the next 14 days");
	const char *o = strstr(b, "Overdue (1):\n  2025-03-29  9 days overdue"
				  " DHS #1: FOIA response due - Late\n");
	assert_non_null(o);
	const char *t =
		strstr(b, "Due in the next 14 days (2):\n"
			  "  2025-04-07  today     EPA #4: appeal "
			  "decision due - Today\n"
			  "  2025-04-10  in 3 days ICE #2: FOIA response "
			  "due - Soon\n");
	assert_non_null(t);
	assert_true(o < t);
	assert_null(strstr(b, "FBI")); /* beyond the horizon */
	free(b);
	/* Nothing at all. */
	b = remind_digest(NULL, 0, today, summary, sizeof(summary));
	assert_non_null(strstr(b, "Overdue (0):\n  none\n"));
	free(b);
}

static void test_digest_is_bounded(void **state)
{
	(void)state;
	int32_t today = D("2025-04-07");
	size_t n = DIGEST_MAX_LINES + 30;
	struct digest_item *v = calloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct digest_item){(int64_t)i + 1, "ICE", "x",
					    "FOIA response due", today - 1};
	char summary[200];
	char *b = remind_digest(v, n, today, summary, sizeof(summary));
	assert_non_null(strstr(b, "and 30 more: foia deadlines --overdue"));
	size_t lines = 0;
	for (const char *p = b; (p = strstr(p, " ICE #")); p++)
		lines++;
	assert_int_equal(lines, DIGEST_MAX_LINES);
	free(b);
	free(v);
}

/* --- the webhook ------------------------------------------------------ */

static void test_webhook_json(void **state)
{
	(void)state;
	struct webhook_facts f = {
		.text = "ICE #12: FOIA response due 2025-03-31 (in 7 days)",
		.key = "12:determination:2025-03-31:7",
		.type = "reminder",
		.request = 12,
		.agency = "ICE",
		.subject = "Detention \"contracts\"",
		.deadline_kind = "determination",
		.what = "FOIA response due",
		.due = "2025-03-31",
		.lead = 7,
		.late = true,
		.body = "line 1\nline 2",
	};
	char *s = webhook_json(&f);
	assert_non_null(s);
	json_error_t e;
	json_t *doc = json_loads(s, 0, &e);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "text")),
			    f.text);
	json_t *x = json_object_get(doc, "foiad");
	assert_int_equal(json_integer_value(json_object_get(x, "request")), 12);
	assert_string_equal(json_string_value(json_object_get(x, "subject")),
			    "Detention \"contracts\"");
	assert_true(json_is_null(json_object_get(x, "project")));
	assert_true(json_is_true(json_object_get(x, "late")));
	assert_int_equal(json_integer_value(json_object_get(x, "lead")), 7);
	json_t *dl = json_object_get(x, "deadline");
	assert_string_equal(json_string_value(json_object_get(dl, "due")),
			    "2025-03-31");
	assert_string_equal(json_string_value(json_object_get(dl, "kind")),
			    "determination");
	assert_string_equal(json_string_value(json_object_get(x, "body")),
			    "line 1\nline 2");
	json_decref(doc);
	free(s);
	/* A digest: no request, no deadline. */
	struct webhook_facts g = {.text = "digest", .type = "digest"};
	s = webhook_json(&g);
	doc = json_loads(s, 0, &e);
	x = json_object_get(doc, "foiad");
	assert_true(json_is_null(json_object_get(x, "request")));
	assert_true(json_is_null(json_object_get(x, "deadline")));
	json_decref(doc);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_many_recipients_fold),
		cmocka_unit_test(test_encoded_subject),
		cmocka_unit_test(test_body_and_attachment_roundtrip),
		cmocka_unit_test(test_attachment_sizes),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_cut_between_characters),
		cmocka_unit_test(test_body),
		cmocka_unit_test(test_digest),
		cmocka_unit_test(test_digest_is_bounded),
		cmocka_unit_test(test_webhook_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
