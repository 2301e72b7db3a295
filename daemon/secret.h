/*
 * secret.h: passwords kept in files (smtp.password_file,
 * caldav.password_file).
 *
 * A password file must be a regular file that neither its group nor
 * anyone else may read: one that is, is refused rather than used, since
 * the password in it may already be known to others. The password is the
 * file's first line without its line end. It is never logged, and never
 * quoted in an error.
 */
#ifndef FOIAD_SECRET_H
#define FOIAD_SECRET_H

#include <stddef.h>

#define SECRET_MAX 1024

/* 0 when path is a regular file with no read permission for group or
 * others; -1 with err naming the file and the problem. */
int secret_check(const char *path, char *err, size_t errlen);

/* Check path as above and read the password into buf (at most len - 1
 * bytes, NUL-terminated): 0, or -1 with err. An empty password, or one
 * longer than buf, is refused. */
int secret_read(const char *path, char *buf, size_t len, char *err,
		size_t errlen);

/* Overwrite len bytes of buf in a way the compiler keeps. */
void secret_wipe(void *buf, size_t len);

#endif
