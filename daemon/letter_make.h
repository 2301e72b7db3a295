/*
 * letter_make.h: a request's letter, made from its template with the facts
 * of the request (method_letter.c), for the methods that show it (letter)
 * and send it (letter.send, method_letter_send.c).
 */
#ifndef FOIAD_LETTER_MAKE_H
#define FOIAD_LETTER_MAKE_H

#include <jansson.h>
#include <limits.h>

#include "rpc.h"
#include "store.h"

#define LETTER_KIND_MAX 32

struct letter {
	char kind[LETTER_KIND_MAX + 1];
	char path[PATH_MAX]; /* the template used */
	struct request r;
	struct agency a; /* zeroed when the agency is gone */
	char *text;	 /* the rendered template */
	char *subject;
	const char *body; /* in text, after the subject line */
};

/* Load request params.id and its agency, and render its letter of
 * params.kind (or the kind its state calls for) into l, which the caller
 * clears with letter_clear whatever the result. 0, or -1 with the error
 * in c. */
int letter_make(struct call *c, json_t *params, struct letter *l);
void letter_clear(struct letter *l);

#endif
