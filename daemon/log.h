/*
 * log.h: the daemon's logging, OpenBSD style.
 *
 * In the foreground (and so under systemd, whose journal reads stderr) lines
 * go to stderr prefixed "foiad: "; otherwise to syslog. fatal() and fatalx()
 * log and exit 1: fatal() appends strerror(errno), fatalx() does not.
 */
#ifndef FOIAD_LOG_H
#define FOIAD_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

void log_init(bool to_stderr, enum log_level level);
void log_set_level(enum log_level level);
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif
