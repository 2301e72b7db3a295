/*
 * client.h: finding foiad's socket and making one call to it.
 */
#ifndef FOIA_CLI_CLIENT_H
#define FOIA_CLI_CLIENT_H

#include <jansson.h>
#include <stddef.h>

/* The socket to use: the option, $FOIA_SOCKET, or the default for this
 * user. Returns 0, or -1 when the path does not fit in buf. */
int socket_path(const char *option, char *buf, size_t len);

/* Send one request and wait for its reply. On success returns 0 and stores
 * the result object (a new reference) in *result. Otherwise prints why and
 * returns the exit code: EX_UNAVAILABLE when foiad cannot be reached or
 * gave no usable reply, EX_NOPERM for permission_denied, EXIT_REFUSED for
 * any other error reply. */
int client_call(const char *socket, const char *method, json_t *params,
		json_t **result);

/* Keep one connection for the calls that follow, until
 * client_session_close: calls that depend on each other (an upload's parts
 * and the import that names it) must share a connection. 0, or the exit
 * code after printing why. */
int client_session_open(const char *socket);
void client_session_close(void);

#endif
