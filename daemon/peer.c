/*
 * peer.c: SO_PEERCRED, the caller's name, and the two checks made on it:
 * may the caller use foiad at all (access.group), and is the caller an
 * admin (access.admins, access.admin_group). Group membership is read from
 * the group database, not from /proc, which the service's sandbox hides.
 */
#include "peer.h"

#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int peer_identify(int fd, struct peer *p)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -1;
	p->pid = cred.pid;
	p->uid = cred.uid;
	p->gid = cred.gid;
	if (getpwuid_r(cred.uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(p->name, sizeof(p->name), "%s", pw.pw_name);
	else
		snprintf(p->name, sizeof(p->name), "uid:%u",
			 (unsigned)cred.uid);
	return 0;
}

/* Is the user (uid, primary gid) a member of group gid? */
static bool in_group(uid_t uid, gid_t primary, gid_t gid)
{
	struct passwd pw, *res = NULL;
	char buf[4096];
	gid_t groups[256];
	int n = (int)(sizeof(groups) / sizeof(groups[0]));

	if (primary == gid)
		return true;
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	if (getgrouplist(pw.pw_name, pw.pw_gid, groups, &n) < 0)
		return false; /* more than 256 groups: refuse, never guess */
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

/* Is the peer a member of the group named group (NULL: no group)? */
static bool in_named_group(const struct peer *p, const char *group)
{
	struct group gr, *res = NULL;
	char buf[8192];

	if (!group)
		return false;
	if (getgrnam_r(group, &gr, buf, sizeof(buf), &res) != 0 || !res)
		return false;
	return in_group(p->uid, p->gid, gr.gr_gid);
}

bool peer_allowed(const struct peer *p, bool system_mode, const char *group)
{
	if (p->uid == 0 || p->uid == geteuid())
		return true;
	return system_mode && in_named_group(p, group);
}

bool peer_is_admin(const struct peer *p, bool system_mode,
		   const struct config *cfg)
{
	if (p->uid == 0 || p->uid == geteuid())
		return true;
	/* In user mode only the owner and root get past peer_allowed: whoever
	 * is connected is one of them (rpc tests call with other uids). */
	if (!system_mode)
		return true;
	/* A name is compared only when it came from the user database: a
	 * "uid:N" stand-in can never match an entry of access.admins. */
	for (size_t i = 0; i < cfg->naccess_admins; i++)
		if (strcmp(p->name, cfg->access_admins[i]) == 0 &&
		    strncmp(p->name, "uid:", 4) != 0)
			return true;
	return in_named_group(p, cfg->access_admin_group);
}
