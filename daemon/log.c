/*
 * log.c: where the daemon's messages go and at which level. State is
 * process-wide by nature: one daemon, one log.
 *
 * Every event is one line carrying its severity, whatever the message
 * holds (a request's subject, a server's multi-line answer): line breaks
 * and other control characters become spaces. On a terminal or a file
 * (foiad -f) a line reads "foiad: warning: message". When stderr is the
 * journal's stream (JOURNAL_STREAM names it, as systemd sets it for a
 * service) the severity is the "<4>" prefix journald reads instead, so
 * `journalctl -p warning` works and the text is not doubled. Detached,
 * messages go to syslog with their priority.
 */
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>

enum log_sink { SINK_STDERR, SINK_JOURNAL, SINK_SYSLOG };

static enum log_sink log_sink = SINK_STDERR;
static enum log_level log_threshold = LOG_LVL_INFO;

static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
static const char *const names[] = {"error", "warning", "info", "debug"};

bool log_stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	char end;

	/* "DEV:INO" of the stream; stderr may since have been redirected
	 * (a test writing to a file under systemd), so compare. */
	if (!js || sscanf(js, "%llu:%llu%c", &dev, &ino, &end) != 2)
		return false;
	if (fstat(2, &st) < 0)
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

bool log_under_systemd(void)
{
	const char *id = getenv("INVOCATION_ID");
	return (id && *id) || log_stderr_is_journal();
}

void log_init(bool to_stderr, enum log_level level)
{
	log_threshold = level;
	if (to_stderr) {
		log_sink = log_stderr_is_journal() ? SINK_JOURNAL : SINK_STDERR;
		return;
	}
	log_sink = SINK_SYSLOG;
	openlog("foiad", LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_set_level(enum log_level level)
{
	log_threshold = level;
}

/* One line: every control character (newlines, tabs, escapes) a space. */
static void flatten(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static void vlog(enum log_level level, const char *fmt, va_list ap,
		 const char *suffix) __attribute__((format(printf, 2, 0)));

static void vlog(enum log_level level, const char *fmt, va_list ap,
		 const char *suffix)
{
	char msg[2048];

	if (level > log_threshold)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	flatten(msg);
	const char *sep = suffix ? ": " : "";
	if (!suffix)
		suffix = "";
	switch (log_sink) {
	case SINK_STDERR:
		fprintf(stderr, "foiad: %s: %s%s%s\n", names[level], msg, sep,
			suffix);
		fflush(stderr);
		break;
	case SINK_JOURNAL:
		fprintf(stderr, "<%d>%s%s%s\n", prio[level], msg, sep, suffix);
		fflush(stderr);
		break;
	case SINK_SYSLOG:
		syslog(prio[level], "%s%s%s", msg, sep, suffix);
		break;
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
