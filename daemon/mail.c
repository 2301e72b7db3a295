/*
 * mail.c: building reminder messages (mail.h).
 *
 * The text grows in a small buffer that remembers running out of memory,
 * so the many appends are checked once at the end. The MIME boundary
 * starts with "=_", which neither quoted-printable nor base64 output can
 * contain, so no part can end the message early whatever its text.
 */
#include "mail.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void add(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void adds(struct buf *b, const char *s)
{
	add(b, s, strlen(s));
}

static void addf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void addf(struct buf *b, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = true; /* only short fixed texts come here */
		return;
	}
	add(b, tmp, (size_t)n);
}

void mail_date(time_t t, char *buf, size_t len)
{
	static const char *const days[] = {"Sun", "Mon", "Tue", "Wed",
					   "Thu", "Fri", "Sat"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
					     "May", "Jun", "Jul", "Aug",
					     "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "Thu, 01 Jan 1970 00:00:00 +0000");
		return;
	}
	snprintf(buf, len, "%s, %02d %s %04d %02d:%02d:%02d +0000",
		 days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of s[0..n) without line breaks. */
static void add_base64(struct buf *b, const unsigned char *s, size_t n)
{
	char q[4];
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		q[0] = b64[(v >> 18) & 63];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		add(b, q, 4);
	}
}

/* base64 in lines of 76 characters (57 bytes each). */
static void add_base64_lines(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i += 57) {
		add_base64(b, (const unsigned char *)s + i,
			   n - i < 57 ? n - i : 57);
		adds(b, "\r\n");
	}
}

static bool plain_header_text(const char *s)
{
	size_t n = 0;
	for (; *s; s++, n++)
		if ((unsigned char)*s < ' ' || (unsigned char)*s > '~')
			return false;
	return n <= 900;
}

/* The subject, as it is or as encoded words of at most 39 bytes each
 * (52 characters of base64 and the markers: with "Subject: ", under 78 a
 * line), cut only between UTF-8 characters. Line ends in it become
 * spaces. */
static void add_subject(struct buf *b, const char *subject)
{
	size_t n = strlen(subject);
	char *s = malloc(n + 1);
	if (!s) {
		b->oom = true;
		return;
	}
	for (size_t i = 0; i <= n; i++)
		s[i] = subject[i] == '\r' || subject[i] == '\n' ? ' '
								: subject[i];
	adds(b, "Subject: ");
	if (plain_header_text(s)) {
		adds(b, s);
	} else {
		for (size_t i = 0; i < n;) {
			size_t k = n - i < 39 ? n - i : 39;
			while (k > 1 && i + k < n &&
			       ((unsigned char)s[i + k] & 0xc0) == 0x80)
				k--;
			adds(b, i ? "\r\n =?UTF-8?B?" : "=?UTF-8?B?");
			add_base64(b, (const unsigned char *)s + i, k);
			adds(b, "?=");
			i += k;
		}
	}
	adds(b, "\r\n");
	free(s);
}

/* "To: a, b" folded before an address that would pass 76 columns. */
static void add_to(struct buf *b, const char *const *to, size_t n)
{
	size_t col = 4;
	adds(b, "To: ");
	for (size_t i = 0; i < n; i++) {
		size_t w = strlen(to[i]);
		if (i) {
			adds(b, ",");
			col++;
			if (col + 1 + w > 76) {
				adds(b, "\r\n");
				col = 0;
			}
			adds(b, " ");
			col++;
		}
		adds(b, to[i]);
		col += w;
	}
	adds(b, "\r\n");
}

/*
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text with "\n" line ends:
 * lines of at most 76 characters, soft breaks ("=") where longer, a
 * space or tab before a line end encoded so that no one strips it.
 */
static void add_qp(struct buf *b, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		char enc[4];
		size_t w;
		if (*p == '\n') {
			adds(b, "\r\n");
			col = 0;
			continue;
		}
		if (*p == '\r')
			continue;
		bool at_end = p[1] == '\n' || p[1] == '\0' ||
			      (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=') ||
		    ((*p == ' ' || *p == '\t') && !at_end)) {
			enc[0] = (char)*p;
			w = 1;
		} else {
			enc[0] = '=';
			enc[1] = hex[*p >> 4];
			enc[2] = hex[*p & 15];
			w = 3;
		}
		if (col + w > 75) {
			adds(b, "=\r\n");
			col = 0;
		}
		add(b, enc, w);
		col += w;
	}
	if (col)
		adds(b, "\r\n");
}

/* A boundary of its own for each message id. */
static void boundary_for(const char *id, char *out, size_t len)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	snprintf(out, len, "=_foiad_%016llx", (unsigned long long)h);
}

static void add_text_part_headers(struct buf *b)
{
	adds(b, "Content-Type: text/plain; charset=utf-8\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n");
}

char *mail_build(const struct mail *m, size_t *len)
{
	struct buf b = {0};
	char date[64], boundary[64];

	mail_date(m->date, date, sizeof(date));
	boundary_for(m->message_id, boundary, sizeof(boundary));
	addf(&b, "Date: %s\r\n", date);
	adds(&b, "From: ");
	adds(&b, m->from);
	adds(&b, "\r\n");
	add_to(&b, m->to, m->nto);
	add_subject(&b, m->subject);
	adds(&b, "Message-ID: <");
	adds(&b, m->message_id);
	adds(&b, ">\r\n");
	for (size_t i = 0; m->headers && m->headers[i]; i++) {
		adds(&b, m->headers[i]);
		adds(&b, "\r\n");
	}
	adds(&b, "MIME-Version: 1.0\r\n");
	if (!m->attachment) {
		add_text_part_headers(&b);
		adds(&b, "\r\n");
		add_qp(&b, m->text);
	} else {
		addf(&b,
		     "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n"
		     "This is a message in MIME format.\r\n\r\n--%s\r\n",
		     boundary, boundary);
		add_text_part_headers(&b);
		adds(&b, "\r\n");
		add_qp(&b, m->text);
		addf(&b, "\r\n--%s\r\n", boundary);
		adds(&b, "Content-Type: ");
		adds(&b, m->attachment_type);
		adds(&b, "; charset=utf-8; name=\"");
		adds(&b, m->attachment_name);
		adds(&b, "\"\r\nContent-Disposition: attachment; filename=\"");
		adds(&b, m->attachment_name);
		adds(&b, "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		add_base64_lines(&b, m->attachment, m->attachment_len);
		addf(&b, "\r\n--%s--\r\n", boundary);
	}
	if (b.oom) {
		free(b.p);
		return NULL;
	}
	*len = b.len;
	return b.p;
}
