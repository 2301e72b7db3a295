/*
 * letter.h: the template language of letters (`foia letter`, `foia send`):
 * plain text with named fields, rendered with the facts of one request.
 *
 *     {{name}}                 the field's value ("" when it has none)
 *     {{#name}} ... {{/name}}  shown when the field has a value
 *     {{^name}} ... {{/name}}  shown when it has none
 *     {{! a comment }}         nothing
 *
 * A line holding nothing but one section or comment tag (and blanks) is
 * dropped whole, so sections can sit on lines of their own. Tags do not
 * span lines; CRLF line ends are read as LF. Every tag is checked whether or
 * not its section is shown, so a template with a misspelt field fails for every
 * request, not only for the one that reaches that section: errors name the
 * template file and line ("request.txt:12: unknown field 'agency_nme'"). Values
 * are inserted as they are and never read as template text.
 *
 * Pure: the caller reads the file and gathers the values (method_letter.c).
 */
#ifndef FOIAD_LETTER_H
#define FOIAD_LETTER_H

#include <stddef.h>

#define LETTER_MAX_TEMPLATE (64 * 1024) /* bytes of one template file */
#define LETTER_MAX_DEPTH    16		/* sections inside sections */

/* One field a template may name; value NULL or "" has no value. */
struct letter_field {
	const char *name;
	const char *value;
};

/*
 * Render tmpl (len bytes, the text of file) with fields[0..n). Returns the
 * text (malloc'd, NUL-terminated), or NULL with err set to
 * "file:line: message" (or "out of memory").
 */
char *letter_render(const char *tmpl, size_t len, const char *file,
		    const struct letter_field *fields, size_t n, char *err,
		    size_t errlen);

/*
 * A rendered letter whose first line is "Subject: ...": *subject gets that
 * line's text (malloc'd; NULL when there is no such line) and *body points
 * into text after it and the blank lines that follow. Returns 0, or -1
 * when out of memory.
 */
int letter_split_subject(const char *text, char **subject, const char **body);

#endif
