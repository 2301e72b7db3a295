/*
 * server.h: the daemon's event loop over the control socket, signals and
 * downloads (fetch.h).
 */
#ifndef FOIAD_SERVER_H
#define FOIAD_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon.h"
#include "rpc.h"

struct conn;

struct server {
	struct daemon *d;
	int listen_fd;
	int sig_fd;
	struct conn **conns;
	size_t nconns;
	uint64_t next_conn_id; /* ids name connections in reply tokens */
	bool stopping;
	void (*on_reload)(struct daemon *);
};

/* Block SIGTERM, SIGINT and SIGHUP into a signalfd; ignore SIGPIPE. */
int server_init(struct server *s, struct daemon *d, int listen_fd,
		void (*on_reload)(struct daemon *));
/* Serve until SIGTERM or SIGINT, then finish sending replies in flight. */
int server_run(struct server *s);
void server_free(struct server *s);

/*
 * The reply to a call that answered RPC_PENDING (see rpc.h): queue line
 * (malloc'd, taken over) on the token's connection, which then goes back
 * to reading requests. Returns false, freeing line, when that connection
 * is gone. Never drops or moves a connection, so it may be called from
 * anywhere in the loop.
 */
bool server_reply_later(const struct rpc_token *token, char *line);

#endif
