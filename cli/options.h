/*
 * options.h: turning a command line into checked request params.
 *
 * parse_call() runs getopt_long over a command's option tables, reports
 * usage errors (EX_USAGE) before any value is looked at, then checks each
 * value (EX_DATAERR) and stores it in the params object. The value checks
 * are exported for the handlers that take values of their own.
 */
#ifndef FOIA_CLI_OPTIONS_H
#define FOIA_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* Parse argv (argv[0] is the command name) into c. Returns 0, or the exit
 * code after printing an error. Sets c->help and stops early on --help. */
int parse_call(const struct command *cmd, int argc, char **argv,
	       struct call *c);
/* Release what parse_call() allocated. */
void call_clear(struct call *c);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, surrogates or
 * code points past U+10FFFF). */
bool utf8_valid(const char *s, size_t len);
/* Valid UTF-8 of at most limit bytes, else a message naming label and
 * EX_DATAERR. */
int check_text(const char *label, const char *s, size_t len, size_t limit);

/* The text of a file ("-" for stdin) as a JSON string, trailing line ends
 * dropped; a message naming label and EX_DATAERR when it cannot be read,
 * holds a NUL, is not UTF-8 or is over limit bytes. */
int read_text(const char *label, const char *path, size_t limit, json_t **out);

/* True when s is one of the NULL-terminated names. */
bool name_in(const char *const *names, const char *s);

/* The names joined by ", " into buf, cut short if it is too small. */
void join_names(const char *const *names, char *buf, size_t len);

/* "YYYY-MM-DD", "today" or "yesterday" (local time) into out[11]. */
bool parse_date(const char *s, char *out, size_t outlen);
/* "25", "25.5" or "25.50" into the wire form "25.50". */
bool parse_money(const char *s, char *out, size_t outlen);
/* A positive decimal integer that fits in a json_int_t. */
bool parse_id(const char *s, json_int_t *out);

#endif
