/*
 * paths.c: default file locations for each mode and directory creation.
 * The user-mode rules follow the XDG base directory specification so that
 * foiad behaves like any other per-user service on a laptop. Also the
 * checks that keep foiad's files private (paths.h).
 */
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fits(int n, size_t len)
{
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static const char *home_dir(void)
{
	const char *home = getenv("HOME");
	if (home && *home)
		return home;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir ? pw->pw_dir : "/";
}

/* $VAR/foiad/leaf, or $HOME/fallback/foiad/leaf when VAR is unset. */
static int xdg_path(const char *var, const char *fallback, const char *leaf,
		    char *buf, size_t len)
{
	const char *base = getenv(var);
	if (base && *base == '/')
		return fits(snprintf(buf, len, "%s/foiad/%s", base, leaf), len);
	return fits(snprintf(buf, len, "%s/%s/foiad/%s", home_dir(), fallback,
			     leaf),
		    len);
}

int paths_default_config(bool system_mode, char *buf, size_t len)
{
	if (system_mode)
		return fits(snprintf(buf, len, "%s/foiad/foiad.conf",
				     FOIAD_SYSCONFDIR),
			    len);
	return xdg_path("XDG_CONFIG_HOME", ".config", "foiad.conf", buf, len);
}

int paths_default_database(bool system_mode, char *buf, size_t len)
{
	if (system_mode)
		return fits(snprintf(buf, len, "/var/lib/foiad/foiad.db"), len);
	return xdg_path("XDG_DATA_HOME", ".local/share", "foiad.db", buf, len);
}

int paths_default_socket(bool system_mode, char *buf, size_t len)
{
	if (system_mode)
		return fits(snprintf(buf, len, "/run/foiad/foiad.sock"), len);
	const char *run = getenv("XDG_RUNTIME_DIR");
	if (run && *run == '/')
		return fits(snprintf(buf, len, "%s/foiad/foiad.sock", run),
			    len);
	return fits(snprintf(buf, len, "/tmp/foiad-%u/foiad.sock",
			     (unsigned)getuid()),
		    len);
}

int paths_dirname(const char *file, char *buf, size_t len)
{
	const char *slash = strrchr(file, '/');
	if (!slash)
		return fits(snprintf(buf, len, "."), len);
	if (slash == file)
		return fits(snprintf(buf, len, "/"), len);
	return fits(snprintf(buf, len, "%.*s", (int)(slash - file), file), len);
}

int paths_make_parent(const char *file, mode_t mode)
{
	char dir[4096];
	if (paths_dirname(file, dir, sizeof(dir)) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* Walk the path creating each missing component. */
	for (char *p = dir + 1;; p++) {
		char c = *p;
		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, mode) < 0 && errno != EEXIST)
			return -1;
		*p = c;
		if (c == '\0')
			break;
	}
	return 0;
}

int paths_create_file(const char *file, mode_t mode)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	/* The umask may have taken bits away; SQLite gives the -wal and
	 * -shm files the database's mode, so this one decides all three. */
	int rc = fchmod(fd, mode);
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

int paths_check_not_world_writable(const char *path, bool dir, const char *what,
				   char *err, size_t len)
{
	char parent[4096];
	struct stat sb;
	if (dir) {
		if (paths_dirname(path, parent, sizeof(parent)) < 0) {
			snprintf(err, len, "path too long: '%.200s'", path);
			return -1;
		}
		path = parent;
	}
	if (stat(path, &sb) < 0)
		return 0; /* nothing there to judge; opening it will say */
	if (!(sb.st_mode & S_IWOTH))
		return 0;
	snprintf(err, len,
		 "%s '%.1000s' is writable by anyone; refusing to start "
		 "(chmod o-w it)",
		 what, path);
	return -1;
}
