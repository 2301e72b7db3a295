/*
 * peer.h: who is on the other end of a control-socket connection.
 *
 * The kernel tells us the caller's uid (SO_PEERCRED); from it we take the
 * user name recorded as the actor of every change, and decide whether the
 * caller may talk to us at all. The daemon checks this itself rather than
 * trusting the socket's file mode alone, so a mis-set mode or a socket
 * passed in by systemd cannot widen access.
 */
#ifndef FOIAD_PEER_H
#define FOIAD_PEER_H

#include <stdbool.h>
#include <sys/types.h>

struct peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	char name[64]; /* user name, or "uid:N" when it has none */
};

/* Fill p from the connected socket fd. Returns 0, or -1 with errno. */
int peer_identify(int fd, struct peer *p);
/* root, the daemon's own user, or (system mode) a member of group. */
bool peer_allowed(const struct peer *p, bool system_mode, const char *group);

struct config;
/* May p call the admin methods (PERM_ADMIN)? root and the daemon's own
 * user always; in user mode anyone connected (only the owner and root can
 * connect); in system mode also the users of access.admins and the members
 * of access.admin_group. Members of access.group alone may read, file and
 * update, but not change agencies, calendars or restore a backup. */
bool peer_is_admin(const struct peer *p, bool system_mode,
		   const struct config *cfg);

#endif
