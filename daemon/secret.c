/*
 * secret.c: reading password files (secret.h).
 *
 * The mode is checked on the open file (fstat), not on the path before
 * opening it, so the file read is the file checked.
 */
#include "secret.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int check_stat(const char *path, const struct stat *st, char *err,
		      size_t errlen)
{
	if (!S_ISREG(st->st_mode)) {
		snprintf(err, errlen,
			 "password file '%s' is not a regular file", path);
		return -1;
	}
	if (st->st_mode & (S_IRGRP | S_IROTH)) {
		snprintf(err, errlen,
			 "password file '%s' is readable by %s: refused "
			 "(chmod 600 it)",
			 path,
			 (st->st_mode & S_IROTH) ? "everyone" : "its group");
		return -1;
	}
	return 0;
}

int secret_check(const char *path, char *err, size_t errlen)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "password file '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	return check_stat(path, &st, err, errlen);
}

void secret_wipe(void *buf, size_t len)
{
	volatile unsigned char *p = buf;
	while (len--)
		*p++ = 0;
}

int secret_read(const char *path, char *buf, size_t len, char *err,
		size_t errlen)
{
	struct stat st;
	char tmp[SECRET_MAX + 2];
	ssize_t n = 0, got;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "password file '%s': %s", path,
			 strerror(errno));
		return -1;
	}
	if (errlen)
		err[0] = '\0';
	if (fstat(fd, &st) < 0 || check_stat(path, &st, err, errlen) < 0) {
		if (!err[0])
			snprintf(err, errlen, "password file '%s': %s", path,
				 strerror(errno));
		close(fd);
		return -1;
	}
	while ((size_t)n < sizeof(tmp) - 1 &&
	       (got = read(fd, tmp + n, sizeof(tmp) - 1 - (size_t)n)) > 0)
		n += got;
	close(fd);
	tmp[n] = '\0';
	size_t line = strcspn(tmp, "\r\n");
	int rc = 0;
	if (line == 0) {
		snprintf(err, errlen, "password file '%s' is empty", path);
		rc = -1;
	} else if (line >= len || line > SECRET_MAX) {
		snprintf(err, errlen,
			 "password file '%s': the password is "
			 "too long",
			 path);
		rc = -1;
	} else {
		memcpy(buf, tmp, line);
		buf[line] = '\0';
	}
	secret_wipe(tmp, sizeof(tmp));
	return rc;
}
