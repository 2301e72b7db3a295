/*
 * cli.h: the types every part of the foia client shares.
 *
 * Commands and their options are data. A struct command names a handler, its
 * positional arguments and groups of struct opt; the generic parser
 * (options.c) turns a command line into the JSON params of one protocol
 * request, checking each value on the way, so a cmd_* handler only sends the
 * request and renders the reply. Help text is generated from the same tables
 * (main.c), so the two cannot drift apart.
 */
#ifndef FOIA_CLI_H
#define FOIA_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sysexits.h>

#include "foia/protocol.h"

/*
 * Exit codes: 0 ok, EX_USAGE (64) for a bad command line, EX_DATAERR (65) for
 * a bad value caught here, EX_UNAVAILABLE (69) when foiad cannot be reached,
 * EX_NOPERM (77) when foiad says permission_denied (not allowed on the
 * socket at all), EXIT_FORBIDDEN when foiad says forbidden (a member asking
 * for what only an admin may do), EX_TEMPFAIL (75) when foiad could not
 * write (disk_full, read_only: nothing changed, try again later), and
 * EXIT_REFUSED for any other refusal (or a local failure such as running
 * out of memory).
 */
#define EXIT_REFUSED   1
#define EXIT_FORBIDDEN 4

/* How one option's value becomes part of the request params. */
enum opt_kind {
	K_TEXT,	     /* UTF-8 text of at most limit bytes */
	K_LIST,	     /* repeatable K_TEXT, collected into an array */
	K_ENUM,	     /* one of values[] (listed in help; foiad judges) */
	K_ENUM_LIST, /* repeatable K_ENUM, collected into an array */
	K_DATE,	     /* YYYY-MM-DD, today or yesterday */
	K_MONEY,     /* decimal amount with at most two decimals */
	K_COUNT,     /* positive decimal integer, sent as a number */
	K_TOLL,	     /* repeatable "FROM:UNTIL" or "FROM:" (open), collected
			into an array of {"from", "until"} */
	K_FILE,	     /* K_TEXT read from a file, or stdin for "-" */
	K_TRUE,	     /* flag sending true */
	K_FALSE,     /* flag sending false */
	K_JSON,	     /* output format: JSON */
	K_CSV,	     /* output format: CSV */
};

/* The option's value may not be empty, even where an empty value would
 * otherwise clear a field (see CMD_CLEARS). */
#define OPT_NONEMPTY 0x1u
/* A field that is changed after filing but not set when filing (the
 * acknowledged date, --no-expedite); groups can leave these out. */
#define OPT_CHANGE 0x2u
/* A K_COUNT that may be 0 (an offset), not only positive. */
#define OPT_ZERO 0x4u

struct opt {
	const char *name;  /* long option, without the leading "--" */
	const char *param; /* JSON param it sets; NULL for output flags */
	enum opt_kind kind;
	size_t limit;		   /* bytes of one value */
	size_t max_items;	   /* K_LIST, K_ENUM_LIST: most values */
	const char *const *values; /* K_ENUM*: NULL-terminated names */
	unsigned flags;		   /* OPT_* */
	const char *needs;	   /* another option this one requires */
	const char *meta;	   /* "<date>" in help; NULL for flags */
	const char *help;
	char short_name; /* a one-letter alias ('o' for -o), or 0; never 'h' */
};

/* A titled group of options, ended by an entry whose name is NULL. The
 * options with any of the skip flags are not part of the group, so one
 * table can serve two commands. */
struct opt_group {
	const char *title;
	const struct opt *opts;
	unsigned skip;
};

static inline bool group_has(const struct opt_group *g, const struct opt *o)
{
	return !(o->flags & g->skip);
}

/* Table rows for the common kinds of option. */
#define OPT_TEXT(n, p, lim, m, h)                                              \
	{                                                                      \
		.name = (n), .param = (p), .kind = K_TEXT, .limit = (lim),     \
		.meta = (m), .help = (h)                                       \
	}
#define OPT_LIST(n, p, lim, max, m, h)                                         \
	{                                                                      \
		.name = (n), .param = (p), .kind = K_LIST, .limit = (lim),     \
		.max_items = (max), .meta = (m), .help = (h)                   \
	}
#define OPT_ENUM(n, p, vals, m, h)                                             \
	{                                                                      \
		.name = (n), .param = (p), .kind = K_ENUM, .values = (vals),   \
		.meta = (m), .help = (h)                                       \
	}
#define OPT_DATE(n, p, h)                                                      \
	{                                                                      \
		.name = (n), .param = (p), .kind = K_DATE, .meta = "<date>",   \
		.help = (h)                                                    \
	}
#define OPT_MONEY(n, p, h)                                                     \
	{                                                                      \
		.name = (n), .param = (p), .kind = K_MONEY,                    \
		.meta = "<amount>", .help = (h)                                \
	}
#define OPT_COUNT(n, p, m, h)                                                  \
	{                                                                      \
		.name = (n), .param = (p), .kind = K_COUNT, .meta = (m),       \
		.help = (h)                                                    \
	}
#define OPT_FLAG(n, p, k, h)                                                   \
	{                                                                      \
		.name = (n), .param = (p), .kind = (k), .help = (h)            \
	}
#define OPT_JSON                                                               \
	{                                                                      \
		.name = "json", .kind = K_JSON,                                \
		.help = "print the reply as JSON"                              \
	}
#define OPT_CSV                                                                \
	{                                                                      \
		.name = "csv", .kind = K_CSV, .help = "print CSV (RFC 4180)"   \
	}
#define OPT_NOTE                                                               \
	OPT_TEXT("note", "note", FOIA_MAX_NOTE, "<text>",                      \
		 "note recorded with it")
#define OPT_END                                                                \
	{                                                                      \
		.name = NULL                                                   \
	}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* How a positional argument becomes a param. */
enum arg_kind {
	A_ID,	 /* positive decimal request id */
	A_CODE,	 /* non-empty text of at most limit bytes */
	A_WORDS, /* this and all later arguments, joined by spaces */
	A_KEEP,	 /* left in argv for the handler, not a param */
};

struct arg {
	const char *param; /* NULL ends a list of them */
	enum arg_kind kind;
	size_t limit;
	const char *noun; /* "request id", for messages */
};

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV };

struct call;

#define CMD_CLEARS  0x1u /* an empty value clears a field (update) */
#define CMD_CHANGES 0x2u /* needs at least one option that sends a param */
#define CMD_STOP    0x4u /* options end at the first argument (foia's own) */

struct command {
	const char *name;
	int (*run)(struct call *c);	/* NULL for a group of subcommands */
	int min_args;			/* positional arguments */
	int max_args;			/* -1: no limit */
	const struct arg *args;		/* min..max of them, or NULL to keep */
	const struct opt_group *groups; /* ended by a NULL title */
	const char *const *required;	/* option names, NULL-terminated */
	const char *const *one_of;	/* at least one of these options */
	unsigned flags;			/* CMD_* */
	const char *usage;		/* synopsis, without "usage: " */
	const char *summary;
	const struct command *subs; /* subcommands, ended by a NULL name */
};

/* One invocation of a command, as parsed. */
struct call {
	const struct command *cmd;
	const char *socket; /* --socket, or NULL for the default */
	json_t *params;
	enum format format;
	int argc; /* positional arguments left for the handler */
	char **argv;
	bool help; /* --help was given: print help, do nothing else */
};

/* Handlers (cmd_request.c, cmd_deadline.c, cmd_calendar.c, cmd_agency.c,
 * cmd_status.c, main.c). */
int cmd_file(struct call *c);
int cmd_list(struct call *c);
int cmd_show(struct call *c);
int cmd_update(struct call *c);
int cmd_note(struct call *c);
int cmd_toll(struct call *c);
int cmd_extend(struct call *c);
int cmd_agree(struct call *c);
int cmd_appeal(struct call *c);
int cmd_deadlines(struct call *c);
int cmd_calc(struct call *c);
int cmd_holidays(struct call *c);
int cmd_holidays_import(struct call *c);
int cmd_jurisdictions(struct call *c);
int cmd_ics(struct call *c);
int cmd_remind(struct call *c);
int cmd_reminders(struct call *c);
int cmd_agency_add(struct call *c);
int cmd_agency_list(struct call *c);
int cmd_agency_show(struct call *c);
int cmd_agency_update(struct call *c);
int cmd_agency_import(struct call *c);
int cmd_status(struct call *c);

/* Send the call's request; print the result (or its member json_key) with
 * --json, else hand it to text. Returns the exit code. */
int call_render(struct call *c, const char *method, const char *json_key,
		int (*text)(struct call *c, json_t *result));

/* Positional arguments and option groups the command table refers to. */
extern const struct arg request_id_args[];
extern const struct arg note_args[];
extern const struct arg agency_code_args[];
extern const struct arg source_args[];
extern const struct opt_group file_groups[];
extern const struct opt_group list_groups[];
extern const struct opt_group show_groups[];
extern const struct opt_group update_groups[];
extern const struct opt_group note_groups[];
extern const struct opt_group toll_groups[];
extern const struct opt_group extend_groups[];
extern const struct opt_group agree_groups[];
extern const struct opt_group appeal_groups[];
extern const struct opt_group deadlines_groups[];
extern const struct opt_group calc_groups[];
extern const struct opt_group holidays_groups[];
extern const struct opt_group holidays_import_groups[];
extern const struct opt_group jurisdictions_groups[];
extern const struct opt_group ics_groups[];
extern const struct opt_group remind_groups[];
extern const struct opt_group reminders_groups[];
extern const struct opt_group agency_add_groups[];
extern const struct opt_group agency_list_groups[];
extern const struct opt_group agency_show_groups[];
extern const struct opt_group agency_update_groups[];
extern const struct opt_group agency_import_groups[];
extern const struct opt_group status_groups[];

/* Names from include/foia/protocol.h as NULL-terminated lists. */
extern const char *const foia_statuses[];
extern const char *const foia_methods[];
extern const char *const foia_fee_categories[];
extern const char *const foia_toll_reasons[];

/* "foia: <message>" on stderr. */
void err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* err(), then "usage: <cmd usage>"; returns EX_USAGE. */
int usage_error(const struct command *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "foia: out of memory"; returns EXIT_REFUSED. */
int out_of_memory(void);

#endif
