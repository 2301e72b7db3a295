/*
 * letter.c: rendering letter templates (letter.h).
 *
 * The template is read line by line: a line is either a standalone
 * section or comment tag, dropped whole, or text with tags in it. A stack
 * of open sections says whether text is shown; tags are checked even in
 * hidden sections, so an error never depends on the request. The output
 * grows in a buffer that remembers running out of memory, so the many
 * appends are checked once at the end.
 */
#include "letter.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "validate.h"

#define NAME_MAX_LEN 64

struct out {
	char *p;
	size_t len, cap;
	bool oom;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->oom || n == 0)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

struct frame {
	char name[NAME_MAX_LEN + 1];
	int line;
	bool shown; /* this section's own condition */
};

struct render {
	const char *file;
	const struct letter_field *fields;
	size_t n;
	struct frame stack[LETTER_MAX_DEPTH];
	size_t depth;
	size_t hidden; /* open sections not shown */
	int line;
	struct out out;
	char *err;
	size_t errlen;
};

static int fail(struct render *r, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct render *r, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errlen, "%s:%d: %s", r->file, line, msg);
	return -1;
}

/* A tag as written in the template, for messages: at most 60 bytes of it,
 * cut between UTF-8 characters. */
static void tag_text(const char *s, size_t n, char buf[72])
{
	bool cut = n > 60;
	if (cut) {
		n = 60;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	snprintf(buf, 72, "{{%.*s%s}}", (int)n, s, cut ? "..." : "");
}

/* A tag between "{{" and "}}": its sigil ('#', '^', '/', '!' or 0 for a
 * field) and its name, blanks around it trimmed. */
struct tag {
	char sigil;
	char name[NAME_MAX_LEN + 1];
};

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

static int parse_tag(struct render *r, const char *s, size_t n, struct tag *t)
{
	char shown[72];
	size_t i = 0;
	t->sigil = 0;
	if (n > 0 && strchr("#^/!", s[0])) {
		t->sigil = s[0];
		i = 1;
	}
	if (t->sigil == '!')
		return 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	size_t start = i;
	while (i < n && name_char(s[i]))
		i++;
	size_t len = i - start;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (len == 0 || len > NAME_MAX_LEN || i != n) {
		tag_text(s, n, shown);
		return fail(r, r->line,
			    "bad tag '%s' (expected {{name}}, {{#name}}, "
			    "{{^name}} or {{/name}} with a name of a-z, 0-9 "
			    "and _)",
			    shown);
	}
	memcpy(t->name, s + start, len);
	t->name[len] = '\0';
	return 0;
}

static const struct letter_field *find(const struct render *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->fields[i].name, name) == 0)
			return &r->fields[i];
	return NULL;
}

/* Act on a parsed tag: a field's value, or a section opened or closed. */
static int apply_tag(struct render *r, const struct tag *t)
{
	if (t->sigil == '!')
		return 0;
	const struct letter_field *f = find(r, t->name);
	if (!f)
		return fail(r, r->line, "unknown field '%s'", t->name);
	bool has = f->value && *f->value;
	struct frame *fr;
	switch (t->sigil) {
	case 0:
		if (r->hidden == 0 && has)
			put(&r->out, f->value, strlen(f->value));
		return 0;
	case '#':
	case '^':
		if (r->depth == LETTER_MAX_DEPTH)
			return fail(r, r->line,
				    "sections nested more than %d deep",
				    LETTER_MAX_DEPTH);
		fr = &r->stack[r->depth++];
		snprintf(fr->name, sizeof(fr->name), "%s", t->name);
		fr->line = r->line;
		fr->shown = t->sigil == '#' ? has : !has;
		if (!fr->shown)
			r->hidden++;
		return 0;
	default: /* '/' */
		if (r->depth == 0)
			return fail(r, r->line,
				    "'{{/%s}}' closes no open section",
				    t->name);
		fr = &r->stack[r->depth - 1];
		if (strcmp(fr->name, t->name) != 0)
			return fail(r, r->line,
				    "'{{/%s}}' closes section '%s' opened at "
				    "line %d",
				    t->name, fr->name, fr->line);
		if (!fr->shown)
			r->hidden--;
		r->depth--;
		return 0;
	}
}

/* Where the next tag of line [p, end) starts and ends: *open at "{{",
 * *close just past "}}". 0 when there is none, -1 when one is not
 * closed on the line. */
static int next_tag(struct render *r, const char *p, const char *end,
		    const char **open, const char **close)
{
	const char *o = NULL;
	for (const char *q = p; q + 1 < end; q++)
		if (q[0] == '{' && q[1] == '{') {
			o = q;
			break;
		}
	if (!o)
		return 0;
	for (const char *q = o + 2; q + 1 < end; q++)
		if (q[0] == '}' && q[1] == '}') {
			*open = o;
			*close = q + 2;
			return 1;
		}
	return fail(r, r->line, "'{{' without '}}' on the same line");
}

static bool blank(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r')
			return false;
	return true;
}

/* A line that is one section or comment tag and blanks: acted on, and
 * true, so the caller drops the line. */
static int standalone(struct render *r, const char *p, const char *end)
{
	const char *open, *close, *o2, *c2;
	int rc = next_tag(r, p, end, &open, &close);
	if (rc <= 0)
		return rc;
	if (!blank(p, open) || !blank(close, end) || open[2] == '\0' ||
	    !strchr("#^/!", open[2]))
		return 0;
	if (next_tag(r, close, end, &o2, &c2) != 0)
		return 0; /* not alone (or unclosed: the caller says so) */
	struct tag t;
	if (parse_tag(r, open + 2, (size_t)(close - open - 4), &t) < 0 ||
	    apply_tag(r, &t) < 0)
		return -1;
	return 1;
}

static int render_line(struct render *r, const char *p, const char *end,
		       bool newline)
{
	int rc = standalone(r, p, end);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	for (;;) {
		const char *open, *close;
		rc = next_tag(r, p, end, &open, &close);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		if (r->hidden == 0)
			put(&r->out, p, (size_t)(open - p));
		struct tag t;
		if (parse_tag(r, open + 2, (size_t)(close - open - 4), &t) <
			    0 ||
		    apply_tag(r, &t) < 0)
			return -1;
		p = close;
	}
	if (r->hidden == 0) {
		put(&r->out, p, (size_t)(end - p));
		if (newline)
			put(&r->out, "\n", 1);
	}
	return 0;
}

char *letter_render(const char *tmpl, size_t len, const char *file,
		    const struct letter_field *fields, size_t n, char *err,
		    size_t errlen)
{
	struct render r = {.file = file,
			   .fields = fields,
			   .n = n,
			   .err = err,
			   .errlen = errlen};
	if (len > LETTER_MAX_TEMPLATE) {
		snprintf(err, errlen, "%s: template over %d bytes", file,
			 LETTER_MAX_TEMPLATE);
		return NULL;
	}
	size_t bad = utf8_invalid_at(tmpl, len);
	if (bad < len || memchr(tmpl, '\0', len)) {
		int line = 1;
		for (size_t i = 0; i < bad && i < len; i++)
			line += tmpl[i] == '\n';
		fail(&r, line, "not UTF-8 text");
		return NULL;
	}
	const char *p = tmpl, *end = tmpl + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		if (eol > p && eol[-1] == '\r')
			eol--; /* a template saved with CRLF line ends */
		r.line++;
		if (render_line(&r, p, eol, nl != NULL) < 0) {
			free(r.out.p);
			return NULL;
		}
		p = nl ? nl + 1 : end;
	}
	if (r.depth > 0) {
		const struct frame *fr = &r.stack[r.depth - 1];
		fail(&r, fr->line, "section '%s' is not closed", fr->name);
		free(r.out.p);
		return NULL;
	}
	if (!r.out.oom && !r.out.p)
		r.out.p = calloc(1, 1);
	if (r.out.oom || !r.out.p) {
		free(r.out.p);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	return r.out.p;
}

int letter_split_subject(const char *text, char **subject, const char **body)
{
	static const char head[] = "Subject:";
	*subject = NULL;
	*body = text;
	if (strncmp(text, head, sizeof(head) - 1) != 0)
		return 0;
	const char *s = text + sizeof(head) - 1;
	const char *eol = s + strcspn(s, "\n");
	while (s < eol && (*s == ' ' || *s == '\t'))
		s++;
	const char *e = eol;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	*subject = strndup(s, (size_t)(e - s));
	if (!*subject)
		return -1;
	const char *b = *eol ? eol + 1 : eol;
	/* The blank lines between the subject and the text. */
	for (;;) {
		const char *q = b;
		while (*q == ' ' || *q == '\t' || *q == '\r')
			q++;
		if (*q != '\n')
			break;
		b = q + 1;
	}
	*body = b;
	return 0;
}
