/*
 * method_util.h: what the method handlers share: reading params, turning
 * store results into error replies, and rendering records as JSON.
 */
#ifndef FOIAD_METHOD_UTIL_H
#define FOIAD_METHOD_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "rpc.h"
#include "store.h"

/* Today's civil date where the daemon runs, as a day number. */
int32_t today_days(void);
void today_string(char *buf, size_t len);

/* A required positive integer param. */
int param_id(struct call *c, json_t *params, const char *key, int64_t *id);
/* An optional string param; *out is NULL when absent. */
int param_string(struct call *c, json_t *params, const char *key,
		 const char **out);
/* Refuse params not in the NULL-terminated list allowed, nor (when
 * with_fields) in the request field table. */
int params_known(struct call *c, json_t *params, const char *const *allowed,
		 bool with_fields);

/* When laws are loaded, code must name one of them. */
int check_law(struct call *c, const char *code);

/* Load request id into r, or reply not_found. */
int request_load(struct call *c, int64_t id, struct request *r);

/* Sort a JSON array in place with a qsort comparator over json_t *
 * elements. Returns 0, or -1 when out of memory (a left unchanged). */
int json_array_sort(json_t *a, int (*cmp)(const void *, const void *));

/* Map a failed store call to an error reply; returns -1. */
int store_failure(struct call *c, int rc, const char *doing);

json_t *request_to_json(const struct request *r, int32_t today);
json_t *event_to_json(const struct event *e);
json_t *agency_to_json(const struct agency *a);
/* The agency's published medians, {simple, complex, year, source}, or
 * JSON null when it published neither. */
json_t *agency_published_json(const struct agency *a);

/* The first five of an import's refused rows, "line 3: unknown status
 * 'gone'; line 7: ...; and 4 more", into out: each row of bad is an object
 * with the number under key and a "reason"; what names the number. */
void bad_rows_summary(json_t *bad, const char *what, const char *key, char *out,
		      size_t len);

/* Only http and https, to a host, without spaces or controls: 0, or -1
 * with the error in c. */
int check_url(struct call *c, const char *url);
/* check_url, and this caller can wait for a download (it came through the
 * server; else it is told to send instead, "the file as 'text'") and there is
 * room for one more transfer. */
int call_may_download(struct call *c, const char *url, const char *instead);

/* "request":id,"agency":..,"subject":..,"project":..,"status":.. of r,
 * as JSON text onto t (no braces, no leading comma): what every item of
 * the report's and the deadlines' lists says of its request. */
struct text;
void request_item_text(struct text *t, const struct request *r);

/* At most 48 bytes of a client's text s for a message, cut between UTF-8
 * characters (replies must stay UTF-8), with "..." when cut: s itself
 * when short enough, else buf. */
const char *text_excerpt(const char *s, char buf[64]);

#endif
