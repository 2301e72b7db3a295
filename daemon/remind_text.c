/*
 * remind_text.c: the words of reminders and of the digest
 * (remind_text.h).
 *
 * The texts are written once, when a reminder is queued, and kept with it
 * in the outbox, so every channel and every retry says the same thing.
 */
#include "remind_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"

struct text {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct text *t, const char *s)
{
	size_t n = strlen(s);
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 1024;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n + 1);
	t->len += n;
}

static void putf(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void putf(struct text *t, const char *fmt, ...)
{
	char tmp[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	put(t, tmp);
}

/* snprintf, then cut back to a whole UTF-8 character if it was cut. */
static void fit(char *buf, size_t len, int n)
{
	if (n < 0 || len == 0 || (size_t)n < len)
		return;
	size_t k = len - 1;
	while (k > 0 && ((unsigned char)buf[k] & 0xc0) == 0x80)
		k--;
	buf[k] = '\0';
}

static const char *plural(int64_t n)
{
	return n == 1 || n == -1 ? "" : "s";
}

/* "(in 7 days)", "(tomorrow)", "(today)" */
static void when(int32_t due, int32_t today, char *buf, size_t len)
{
	int64_t left = (int64_t)due - today;
	if (left == 0)
		snprintf(buf, len, "today");
	else if (left == 1)
		snprintf(buf, len, "tomorrow");
	else if (left > 1)
		snprintf(buf, len, "in %lld days", (long long)left);
	else
		snprintf(buf, len, "%lld day%s overdue", (long long)-left,
			 plural(left));
}

void remind_summary(const struct remind_facts *f, char *buf, size_t len)
{
	char date[16], w[48];
	int n;
	civil_format(f->due, date, sizeof(date));
	when(f->due, f->today, w, sizeof(w));
	if (f->snooze)
		n = snprintf(buf, len, "%s #%lld: reminder%s%s", f->agency,
			     (long long)f->request, f->note ? ": " : "",
			     f->note ? f->note : "");
	else
		n = snprintf(buf, len, "%s #%lld: %s %s (%s)", f->agency,
			     (long long)f->request, f->what, date, w);
	/* A note's line ends must not reach a subject line. */
	for (char *p = buf; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	fit(buf, len, n);
}

char *remind_body(const struct remind_facts *f)
{
	static const char *const wday[] = {"Monday",   "Tuesday", "Wednesday",
					   "Thursday", "Friday",  "Saturday",
					   "Sunday"};
	struct text t = {0};
	char line[1024], date[16], w[48];

	remind_summary(f, line, sizeof(line));
	civil_format(f->due, date, sizeof(date));
	when(f->due, f->today, w, sizeof(w));
	put(&t, line);
	put(&t, "\n\n");
	put(&t, "Agency:    ");
	put(&t, f->agency);
	if (f->agency_name && *f->agency_name) {
		put(&t, " (");
		put(&t, f->agency_name);
		put(&t, ")");
	}
	putf(&t, "\nRequest:   #%lld, ", (long long)f->request);
	put(&t, f->subject ? f->subject : "");
	if (f->tracking) {
		put(&t, "\nTracking:  ");
		put(&t, f->tracking);
	}
	if (f->project) {
		put(&t, "\nProject:   ");
		put(&t, f->project);
	}
	if (f->status) {
		put(&t, "\nStatus:    ");
		put(&t, f->status);
	}
	if (f->snooze) {
		putf(&t, "\nReminder:  %s (%s), set with foia remind", date,
		     wday[civil_weekday(f->due)]);
	} else {
		putf(&t, "\nDeadline:  %s %s (%s), %s", f->what, date,
		     wday[civil_weekday(f->due)], w);
	}
	if (f->citation) {
		put(&t, "\nLaw:       ");
		put(&t, f->citation);
		if (f->period > 0)
			putf(&t, ", %d %s day%s", f->period,
			     f->unit ? f->unit : "", plural(f->period));
	}
	if (f->note) {
		put(&t, "\n\nNote: ");
		put(&t, f->note);
	}
	if (f->late && f->due_at) {
		put(&t, "\n\nThis reminder was due ");
		put(&t, f->due_at);
		put(&t, " and is sent late (foiad was not running, or the "
			"request was recorded after that time).");
	}
	putf(&t, "\n\nSee: foia show %lld\n", (long long)f->request);
	if (t.oom) {
		free(t.p);
		return NULL;
	}
	return t.p;
}

static int by_due(const void *pa, const void *pb)
{
	const struct digest_item *a = pa, *b = pb;
	if (a->due != b->due)
		return a->due < b->due ? -1 : 1;
	return a->request < b->request ? -1 : a->request > b->request;
}

static void digest_line(struct text *t, const struct digest_item *d,
			int32_t today)
{
	char date[16], w[48], line[1024];
	civil_format(d->due, date, sizeof(date));
	when(d->due, today, w, sizeof(w));
	int n = snprintf(line, sizeof(line), "  %s  %-9s %s #%lld: %s - %s",
			 date, w, d->agency, (long long)d->request, d->what,
			 d->subject ? d->subject : "");
	fit(line, sizeof(line), n);
	put(t, line);
	put(t, "\n");
}

char *remind_digest(struct digest_item *v, size_t n, int32_t today,
		    char *summary, size_t slen)
{
	struct text t = {0};
	size_t overdue = 0, soon = 0, shown;
	char date[16];

	if (n > 1)
		qsort(v, n, sizeof(*v), by_due);
	for (size_t i = 0; i < n; i++) {
		if (v[i].due < today)
			overdue++;
		else if (v[i].due - today <= DIGEST_HORIZON)
			soon++;
	}
	civil_format(today, date, sizeof(date));
	snprintf(summary, slen,
		 "foiad digest %s: %zu overdue, %zu due in the next %d days",
		 date, overdue, soon, DIGEST_HORIZON);
	put(&t, summary);
	put(&t, "\n\n");
	putf(&t, "Overdue (%zu):\n", overdue);
	shown = 0;
	for (size_t i = 0; i < n && v[i].due < today; i++)
		if (shown++ < DIGEST_MAX_LINES)
			digest_line(&t, &v[i], today);
	if (overdue > DIGEST_MAX_LINES)
		putf(&t, "  and %zu more: foia deadlines --overdue\n",
		     overdue - DIGEST_MAX_LINES);
	if (!overdue)
		put(&t, "  none\n");
	putf(&t, "\nDue in the next %d days (%zu):\n", DIGEST_HORIZON, soon);
	shown = 0;
	for (size_t i = 0; i < n; i++)
		if (v[i].due >= today && v[i].due - today <= DIGEST_HORIZON &&
		    shown++ < DIGEST_MAX_LINES)
			digest_line(&t, &v[i], today);
	if (soon > DIGEST_MAX_LINES)
		putf(&t, "  and %zu more: foia deadlines --within %d\n",
		     soon - DIGEST_MAX_LINES, DIGEST_HORIZON);
	if (!soon)
		put(&t, "  none\n");
	putf(&t, "\nSee: foia deadlines --within %d\n", DIGEST_HORIZON);
	if (t.oom) {
		free(t.p);
		return NULL;
	}
	return t.p;
}
