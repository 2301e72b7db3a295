/*
 * upload.h: files larger than a protocol line, sent in parts.
 *
 * A request line is at most FOIA_MAX_LINE bytes, and that limit guards
 * every method. A file for `import` may be far larger, so the client sends
 * it with `upload` in parts under the line limit, appended in order, and
 * then names the upload in `import` ({upload: token}), which takes it.
 * An upload belongs to the connection that made it: no other connection
 * can name it, and it vanishes when that connection closes. The bytes
 * held by all uploads together never pass FOIA_MAX_UPLOAD; a part that
 * would is refused and its upload dropped.
 */
#ifndef FOIAD_UPLOAD_H
#define FOIAD_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "rpc.h"

/* The `upload` method: {data, upload?} -> {upload, size}. */
int method_upload(struct call *c, json_t *params, json_t **result);

/* Take the upload named token of c's connection: *text is its content,
 * NUL-terminated, for the caller to free; *len its length. 0, or -1 with
 * the error recorded in c. */
int upload_take(struct call *c, const char *token, char **text, size_t *len);

/* Forget every upload of connection conn of server s (it closed). */
void upload_drop_conn(const struct server *s, uint64_t conn);

/* Bytes held by all uploads, for tests and status. */
size_t upload_held(void);

#endif
