/*
 * config.h: foiad's settings, as read from foiad.conf (libconfig syntax),
 * and the agency seed file. Only config*.c speak libconfig.
 *
 * Loading never exits: every problem found is collected as a
 * "file:line: message" string, so `foiad -n` can print them all and a
 * reload with a broken file can keep the settings it had.
 */
#ifndef FOIAD_CONFIG_H
#define FOIAD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"
#include "store.h"

#define CONFIG_MAX_ERRORS 32
#define CONFIG_ERROR_LEN  512
#define CONFIG_MAX_ADMINS 64 /* access.admins */
#define CONFIG_NAME_LEN	  64 /* a user name, NUL included */

struct config_errors {
	size_t count;
	char text[CONFIG_MAX_ERRORS][CONFIG_ERROR_LEN];
};

/* calendar: the iCalendar feeds written by the daemon (feeds.c). */
struct calendar_config {
	char *directory; /* where the .ics files go; NULL: none written */
	char *domain;	 /* right-hand side of every UID; NULL: a default */
};

#define REMINDERS_MAX_LEADS 16

enum reminders_digest {
	DIGEST_OFF,
	DIGEST_DAILY,
	DIGEST_WEEKLY,
};

/* reminders: when deadlines are announced, both by the feeds' VALARMs and
 * by the daemon's reminder scheduler. */
struct reminders_config {
	int leads[REMINDERS_MAX_LEADS]; /* days before a deadline, largest
					   first, no repeats; 0 = the day */
	size_t nleads;
	int time;	    /* minutes after midnight the reminders go */
	char *timezone;	    /* IANA zone name of `time`, e.g. "UTC" */
	int followup_every; /* days between follow-ups of an overdue one */
	enum reminders_digest digest;
};

/* Where reminders go (config_notify.c). Every block is optional: an
 * absent one leaves its url NULL. */
struct smtp_config {
	char *url;  /* smtp://host[:port] or smtps://...; NULL: no email */
	char *from; /* sender address */
	char **to;  /* the group's addresses, NULL-terminated */
	size_t nto;
	char *user;	     /* NULL: no authentication */
	char *password_file; /* with user: not readable by group or others */
	bool starttls; /* smtp://: STARTTLS required (the default; a server
			  on a loopback address may go without) */
};

struct webhook_config {
	char *url; /* http(s) URL that takes a JSON POST; NULL: none */
};

struct caldav_config {
	char *url; /* collection URL; NULL: no publishing */
	char *user;
	char *password_file;
};

/* letters: `foia letter` and `foia send` (config_letters.c). */
struct letters_config {
	char *templates; /* directory of <kind>.txt; default in the data dir */
	char *requester; /* signs when a request names none; NULL: none */
	char *contact;	 /* lines under the signature; NULL: none */
	char *reply_to;	 /* Reply-To of letters sent; NULL: none */
};

/* A project's own recipients, in place of smtp.to and webhook.url. */
struct project_config {
	char *name;
	char **to; /* NULL-terminated; NULL: smtp.to */
	size_t nto;
	char *webhook; /* NULL: webhook.url */
};

struct config {
	char *file; /* the file read, or NULL when none was */
	char *socket;
	char *database;
	char *agencies;	     /* seed file, or NULL */
	char *jurisdictions; /* laws and calendars */
	char *access_group;  /* system mode: group allowed on the socket */
	/* system mode: who may also call the admin methods (besides root and
	 * foiad's own user): these users, and members of this group. */
	char access_admins[CONFIG_MAX_ADMINS][CONFIG_NAME_LEN];
	size_t naccess_admins;
	char *access_admin_group;
	int client_timeout; /* seconds */
	enum log_level log_level;
	struct calendar_config calendar;
	struct reminders_config reminders;
	struct smtp_config smtp;
	struct webhook_config webhook;
	struct caldav_config caldav;
	struct project_config *projects;
	size_t nprojects;
	int report_min_sample; /* report: fewest answers to show a statistic */
	struct letters_config letters;
};

/* Fill cfg with the built-in defaults of the mode (system when root). */
int config_defaults(struct config *cfg, bool system_mode);
/* Read file over cfg. A missing file is an error only if must_exist.
 * Returns 0, or -1 with errs filled; cfg is left unchanged on error. */
int config_load(struct config *cfg, const char *file, bool must_exist,
		struct config_errors *errs);
void config_clear(struct config *cfg);

/* Read the agency seed file; calls cb for each entry in file order. A cb
 * refusing an entry writes why into err; it is reported with the entry's
 * line. */
typedef int (*agency_seed_fn)(const struct agency *a, void *arg, char *err,
			      size_t errlen);
int config_load_agencies(const char *file, agency_seed_fn cb, void *arg,
			 struct config_errors *errs);

/* The project named name (compared exactly), or NULL. */
const struct project_config *config_project(const struct config *cfg,
					    const char *name);

void config_error_add(struct config_errors *errs, const char *file, int line,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
