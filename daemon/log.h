/*
 * log.h: the daemon's logging, OpenBSD style.
 *
 * One line per event, with its severity. In the foreground (-f) and under
 * systemd, lines go to stderr: "foiad: warning: message", or with the
 * "<4>" priority prefix journald reads when stderr is the journal's
 * stream; otherwise to syslog. fatal() and fatalx() log and exit 1:
 * fatal() appends strerror(errno), fatalx() does not.
 */
#ifndef FOIAD_LOG_H
#define FOIAD_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* to_stderr: stderr (the journal's form when stderr is its stream);
 * otherwise syslog, facility daemon. */
void log_init(bool to_stderr, enum log_level level);
/* Is stderr the journal (JOURNAL_STREAM names it)? */
bool log_stderr_is_journal(void);
/* Started by systemd (INVOCATION_ID set, or stderr is the journal): foiad
 * then stays in the foreground and logs to stderr even without -f. */
bool log_under_systemd(void);
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
