/*
 * log.c: where the daemon's messages go (stderr or syslog) and at which
 * level. State is process-wide by nature: one daemon, one log.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static bool log_to_stderr = true;
static enum log_level log_threshold = LOG_LVL_INFO;

void log_init(bool to_stderr, enum log_level level)
{
	log_to_stderr = to_stderr;
	log_threshold = level;
	if (!to_stderr)
		openlog("foiad", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

static void vlog(enum log_level level, const char *fmt, va_list ap,
		 const char *suffix) __attribute__((format(printf, 2, 0)));

static void vlog(enum log_level level, const char *fmt, va_list ap,
		 const char *suffix)
{
	static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
	char msg[2048];

	if (level > log_threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_to_stderr) {
		fprintf(stderr, "foiad: %s%s%s\n", msg, suffix ? ": " : "",
			suffix ? suffix : "");
		fflush(stderr);
	} else {
		syslog(prio[level], "%s%s%s", msg, suffix ? ": " : "",
		       suffix ? suffix : "");
	}
}

#define LOG_BODY(level, suffix)                                                \
	do {                                                                   \
		va_list ap;                                                    \
		va_start(ap, fmt);                                             \
		vlog(level, fmt, ap, suffix);                                  \
		va_end(ap);                                                    \
	} while (0)

void log_warn(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(LOG_LVL_WARNING, err);
}

void log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_WARNING, NULL);
}

void log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_INFO, NULL);
}

void log_debug(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_DEBUG, NULL);
}

void fatal(const char *fmt, ...)
{
	const char *err = strerror(errno);
	LOG_BODY(LOG_LVL_ERROR, err);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_LVL_ERROR, NULL);
	exit(1);
}
