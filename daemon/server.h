/*
 * server.h: the daemon's event loop over the control socket and signals.
 */
#ifndef FOIAD_SERVER_H
#define FOIAD_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "daemon.h"

struct conn;

struct server {
	struct daemon *d;
	int listen_fd;
	int sig_fd;
	struct conn **conns;
	size_t nconns;
	bool stopping;
	void (*on_reload)(struct daemon *);
};

/* Block SIGTERM, SIGINT and SIGHUP into a signalfd; ignore SIGPIPE. */
int server_init(struct server *s, struct daemon *d, int listen_fd,
		void (*on_reload)(struct daemon *));
/* Serve until SIGTERM or SIGINT, then finish sending replies in flight. */
int server_run(struct server *s);
void server_free(struct server *s);

#endif
