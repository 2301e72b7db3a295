/*
 * paths.h: where foiad keeps its files by default, and making the
 * directories they live in.
 *
 * System mode (root): /etc/foiad/foiad.conf, /var/lib/foiad/foiad.db,
 * /run/foiad/foiad.sock. User mode: the XDG base directories, with a private
 * /tmp/foiad-<uid> for the socket when $XDG_RUNTIME_DIR is unset.
 * Also the checks that keep those files private: the database is created
 * 0600 (0660 in system mode), and a configuration file or database
 * directory anyone may write is refused.
 */
#ifndef FOIAD_PATHS_H
#define FOIAD_PATHS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Each writes a path into buf; returns 0, or -1 if it does not fit. */
int paths_default_config(bool system_mode, char *buf, size_t len);
int paths_default_database(bool system_mode, char *buf, size_t len);
int paths_default_socket(bool system_mode, char *buf, size_t len);

/* Create the directory holding file (and its parents) with mode when
 * missing. Returns 0, or -1 with errno set. */
int paths_make_parent(const char *file, mode_t mode);
/* Copy the directory part of file into buf ("." when there is none). */
int paths_dirname(const char *file, char *buf, size_t len);
/* Create file, empty, with exactly mode (whatever the umask) unless it
 * exists. Returns 0, or -1 with errno set. */
int paths_create_file(const char *file, mode_t mode);
/* Refuse path (what names it: "configuration file") when anyone may write
 * it: another user could replace what foiad reads or writes there. With
 * dir, the check is of the directory holding path. 0 when fine or absent,
 * else -1 with a one-line reason in err. */
int paths_check_not_world_writable(const char *path, bool dir, const char *what,
				   char *err, size_t len);

#endif
