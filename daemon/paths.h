/*
 * paths.h: where foiad keeps its files by default, and making the
 * directories they live in.
 *
 * System mode (root): /etc/foiad/foiad.conf, /var/lib/foiad/foiad.db,
 * /run/foiad/foiad.sock. User mode: the XDG base directories, with a private
 * /tmp/foiad-<uid> for the socket when $XDG_RUNTIME_DIR is unset.
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

#endif
