/*
 * mail.h: Internet messages (RFC 5322, MIME) for the reminders sent by
 * email: headers, a plain-text body and an optional attachment (the
 * deadline as an iCalendar file).
 *
 * Pure: builds text, sends nothing (fetch.h does). The body is sent
 * quoted-printable and the attachment base64, so the message is 7-bit
 * clean with short lines whatever the text holds, and a subject that is
 * not plain ASCII is encoded (RFC 2047).
 */
#ifndef FOIAD_MAIL_H
#define FOIAD_MAIL_H

#include <stddef.h>
#include <time.h>

struct mail {
	const char *from;      /* plain address */
	const char *const *to; /* plain addresses */
	size_t nto;
	const char *subject;	/* UTF-8, one line */
	const char *text;	/* UTF-8, lines ending in "\n" */
	const char *message_id; /* without the angle brackets */
	time_t date;
	const char *const *headers; /* more "Name: value" lines, NULL-
				       terminated, or NULL */
	const char *attachment;	    /* or NULL */
	size_t attachment_len;
	const char *attachment_type; /* "text/calendar; method=PUBLISH" */
	const char *attachment_name; /* "foia-12-determination.ics" */
};

/* The message with CRLF line ends, NUL-terminated, length in *len; NULL
 * when out of memory. */
char *mail_build(const struct mail *m, size_t *len);

/* The RFC 5322 date of t in UTC: "Tue, 01 Apr 2025 09:00:00 +0000". */
void mail_date(time_t t, char *buf, size_t len);

#endif
