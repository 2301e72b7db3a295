/*
 * listener.c: binding the control socket with the right owner and mode.
 *
 * User mode: socket 0600 in a 0700 directory owned by the user. System mode:
 * 0660 with access.group, or 0600 when no group is set. A socket file left
 * by a crashed daemon is replaced; a live one is never stolen.
 */
#include "listener.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "paths.h"

#define ERR(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static int from_systemd(struct listener *l)
{
	const char *pid = getenv("LISTEN_PID");
	const char *fds = getenv("LISTEN_FDS");
	if (!pid || !fds || strtol(pid, NULL, 10) != (long)getpid() ||
	    strtol(fds, NULL, 10) < 1)
		return 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	l->fd = 3;
	l->activated = true;
	int fl = fcntl(l->fd, F_GETFL);
	if (fl < 0 || fcntl(l->fd, F_SETFL, fl | O_NONBLOCK) < 0 ||
	    fcntl(l->fd, F_SETFD, FD_CLOEXEC) < 0)
		return -1;
	return 1;
}

static gid_t lookup_gid(const char *group, bool *found)
{
	struct group gr, *res = NULL;
	char buf[8192];
	*found = getgrnam_r(group, &gr, buf, sizeof(buf), &res) == 0 && res;
	return *found ? gr.gr_gid : (gid_t)-1;
}

/* Our own directory: create it, and insist it is ours and private enough. */
static int secure_dir(const char *path, bool system_mode, gid_t gid, char *err,
		      size_t errlen)
{
	char dir[4096];
	struct stat st;
	mode_t mode = system_mode ? 0750 : 0700;

	if (paths_dirname(path, dir, sizeof(dir)) < 0)
		return ERR("socket path '%s' is too long", path);
	if (paths_make_parent(path, mode) < 0)
		return ERR("cannot create '%s': %s", dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return ERR("cannot stat '%s': %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return ERR("refusing socket directory '%s': not a directory "
			   "owned by this user",
			   dir);
	/* Under systemd's syscall filter chown fails even as a no-op, so
	 * only ask for it when the group differs. */
	if (gid != (gid_t)-1 && st.st_gid != gid &&
	    chown(dir, (uid_t)-1, gid) < 0)
		return ERR("cannot chgrp '%s': %s", dir, strerror(errno));
	if ((st.st_mode & 07777) != mode && chmod(dir, mode) < 0)
		return ERR("cannot chmod '%s': %s", dir, strerror(errno));
	return 0;
}

/* Remove a socket left by a dead daemon; refuse to touch a live one. */
static int clear_stale(const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT ? 0
				       : ERR("cannot stat '%s': %s",
					     sa->sun_path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return ERR("'%s' exists and is not a socket", sa->sun_path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ERR("socket: %s", strerror(errno));
	int live = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	if (live)
		return ERR("another foiad is already listening on '%s'",
			   sa->sun_path);
	if (unlink(sa->sun_path) < 0)
		return ERR("cannot remove stale socket '%s': %s", sa->sun_path,
			   strerror(errno));
	return 0;
}

static int bind_socket(struct listener *l, const struct sockaddr_un *sa,
		       mode_t mode, gid_t gid, char *err, size_t errlen)
{
	l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0)
		return ERR("socket: %s", strerror(errno));
	/* umask closes the window between bind and chmod. */
	mode_t old = umask(0177);
	int rc = bind(l->fd, (const struct sockaddr *)sa, sizeof(*sa));
	umask(old);
	if (rc < 0)
		return ERR("cannot bind '%s': %s", sa->sun_path,
			   strerror(errno));
	struct stat st;
	if (stat(sa->sun_path, &st) < 0)
		return ERR("cannot stat '%s': %s", sa->sun_path,
			   strerror(errno));
	if (gid != (gid_t)-1 && st.st_gid != gid &&
	    chown(sa->sun_path, (uid_t)-1, gid) < 0)
		return ERR("cannot chgrp '%s': %s", sa->sun_path,
			   strerror(errno));
	if (chmod(sa->sun_path, mode) < 0)
		return ERR("cannot chmod '%s': %s", sa->sun_path,
			   strerror(errno));
	if (listen(l->fd, 128) < 0)
		return ERR("cannot listen on '%s': %s", sa->sun_path,
			   strerror(errno));
	return 0;
}

int listener_open(struct listener *l, const char *path, bool system_mode,
		  const char *group, bool default_dir, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	gid_t gid = (gid_t)-1;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	int act = from_systemd(l);
	if (act < 0)
		return ERR("LISTEN_FDS socket unusable: %s", strerror(errno));
	if (act > 0) {
		snprintf(l->path, sizeof(l->path), "(systemd socket)");
		return 0;
	}
	if (strlen(path) >= sizeof(sa.sun_path))
		return ERR("socket path '%s' is too long (limit %zu bytes)",
			   path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (system_mode && group) {
		bool found;
		gid = lookup_gid(group, &found);
		if (!found)
			return ERR("access.group '%s': no such group", group);
	}
	/* Our own directory is made private; a directory the user named is
	 * created when missing but otherwise left as it is. */
	if (default_dir && secure_dir(path, system_mode, gid, err, errlen) < 0)
		return -1;
	if (!default_dir &&
	    paths_make_parent(path, system_mode ? 0750 : 0700) < 0)
		return ERR("cannot create the directory of '%s': %s", path,
			   strerror(errno));
	if (clear_stale(&sa, err, errlen) < 0)
		return -1;
	snprintf(l->path, sizeof(l->path), "%s", path);
	if (bind_socket(l, &sa, gid != (gid_t)-1 ? 0660 : 0600, gid, err,
			errlen) < 0) {
		listener_close(l);
		return -1;
	}
	return 0;
}

void listener_close(struct listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	if (!l->activated && l->path[0] == '/')
		unlink(l->path);
	l->fd = -1;
	l->path[0] = '\0';
}
