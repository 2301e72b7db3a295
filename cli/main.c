/*
 * main.c: foia's entry point: its own options, the command tables, help
 * generated from them, and dispatch to the cmd_* handlers.
 *
 * foia itself is the root of the command tree: a group whose subcommands
 * are the commands, as `agency` is a group whose subcommands are add, list,
 * show and update. So `foia`, `foia agency`, `foia help agency add` and
 * `foia agency add --help` all walk the same tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cmd_backup.h"
#include "cmd_export.h"
#include "cmd_letter.h"
#include "foia/protocol.h"
#include "options.h"
#include "render.h"
#include "report.h"

#define HELP_WIDTH 80
#define OPT_COLUMN 28 /* where option help starts */

static int cmd_help(struct call *c);

/* --- tables -------------------------------------------------------- */

static const char *const file_required[] = {"agency", "subject", NULL};
static const char *const agency_add_required[] = {"name", NULL};
static const char *const date_required[] = {"date", NULL};
static const char *const agree_required[] = {"date", "reason", NULL};
static const char *const toll_one_of[] = {"from", "until", NULL};
static const char *const remind_one_of[] = {"in", "on", NULL};
static const char *const calc_required[] = {"received", NULL};
static const char *const import_required[] = {"calendar", NULL};

static const struct command holidays_commands[] = {
	{.name = "import",
	 .run = cmd_holidays_import,
	 .min_args = 1,
	 .max_args = 1,
	 .args = source_args,
	 .groups = holidays_import_groups,
	 .required = import_required,
	 .usage = "foia holidays import <file>|<url> --calendar <name> "
		  "[--json]",
	 .summary = "add the days off of an iCalendar file or URL"},
	{.name = NULL},
};

static const struct command agency_commands[] = {
	{.name = "add",
	 .run = cmd_agency_add,
	 .min_args = 1,
	 .max_args = 1,
	 .args = agency_code_args,
	 .groups = agency_add_groups,
	 .required = agency_add_required,
	 .usage = "foia agency add <code> --name <name> [<agency options>] "
		  "[--json]",
	 .summary = "add an agency"},
	{.name = "list",
	 .run = cmd_agency_list,
	 .groups = agency_list_groups,
	 .usage = "foia agency list [--json | --csv]",
	 .summary = "list the agencies"},
	{.name = "show",
	 .run = cmd_agency_show,
	 .min_args = 1,
	 .max_args = 1,
	 .args = agency_code_args,
	 .groups = agency_show_groups,
	 .usage = "foia agency show <code> [--json]",
	 .summary = "show an agency and how many requests it has"},
	{.name = "update",
	 .run = cmd_agency_update,
	 .min_args = 1,
	 .max_args = 1,
	 .args = agency_code_args,
	 .groups = agency_update_groups,
	 .flags = CMD_CLEARS | CMD_CHANGES,
	 .usage = "foia agency update <code> [<agency options>] [--json]",
	 .summary = "change an agency's details"},
	{.name = "import",
	 .run = cmd_agency_import,
	 .min_args = 1,
	 .max_args = 1,
	 .args = source_args,
	 .groups = agency_import_groups,
	 .usage = "foia agency import <file>|<url> [--skip-bad] [--json]",
	 .summary = "add or update agencies from FOIA.gov's agency "
		    "components"},
	{.name = NULL},
};

static const struct command commands[] = {
	{.name = "file",
	 .run = cmd_file,
	 .groups = file_groups,
	 .required = file_required,
	 .usage = "foia file --agency <code> [--agency <code>]... "
		  "--subject <text> [--tag <tag>]... [<field options>] "
		  "[--json]",
	 .summary = "file a request with one or more agencies"},
	{.name = "list",
	 .run = cmd_list,
	 .groups = list_groups,
	 .usage = "foia list [--status <status>]... [--agency <code>] "
		  "[--project <project>] [--tag <tag>] [--all] "
		  "[--limit <n>] [--offset <n>] [--json | --csv]",
	 .summary = "list requests (open ones unless --all)"},
	{.name = "show",
	 .run = cmd_show,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = show_groups,
	 .usage = "foia show <id> [--explain] [--json]",
	 .summary = "show a request, its deadlines and its history"},
	{.name = "update",
	 .run = cmd_update,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = update_groups,
	 .flags = CMD_CLEARS | CMD_CHANGES,
	 .usage = "foia update <id> [--status <status> [--date <date>]] "
		  "[--note <text>] [--tag <tag>]... [--untag <tag>]... "
		  "[<field options>] [--json]",
	 .summary = "change a request's status, fields or tags"},
	{.name = "appeal",
	 .run = cmd_appeal,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = appeal_groups,
	 .required = date_required,
	 .usage = "foia appeal <id> --date <date> [--note <text>] [--json]",
	 .summary = "record that the request was appealed"},
	{.name = "toll",
	 .run = cmd_toll,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = toll_groups,
	 .one_of = toll_one_of,
	 .usage = "foia toll <id> [--from <date> --reason <reason>] "
		  "[--until <date>] [--note <text>] [--json]",
	 .summary = "stop a request's clock, or start it again"},
	{.name = "extend",
	 .run = cmd_extend,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = extend_groups,
	 .required = date_required,
	 .usage = "foia extend <id> --date <date> [--days <days>] "
		  "[--note <text>] [--json]",
	 .summary = "record the agency's notice of unusual circumstances"},
	{.name = "agree",
	 .run = cmd_agree,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = agree_groups,
	 .required = agree_required,
	 .usage = "foia agree <id> --date <date> --reason <text> [--json]",
	 .summary = "record a due date agreed with the agency"},
	{.name = "deadlines",
	 .run = cmd_deadlines,
	 .groups = deadlines_groups,
	 .usage = "foia deadlines [--within <days>] [--overdue] "
		  "[--project <project>] [--json | --csv]",
	 .summary = "list the deadlines of open requests by due date"},
	{.name = "remind",
	 .run = cmd_remind,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = remind_groups,
	 .one_of = remind_one_of,
	 .usage = "foia remind <id> --in <span> | --on <date> "
		  "[--note <text>] [--json]",
	 .summary = "remind the group of a request on a later day"},
	{.name = "reminders",
	 .run = cmd_reminders,
	 .groups = reminders_groups,
	 .usage = "foia reminders [--pending | --sent] [--limit <n>] "
		  "[--json]",
	 .summary = "list the reminders queued, sent and scheduled"},
	{.name = "calc",
	 .run = cmd_calc,
	 .groups = calc_groups,
	 .required = calc_required,
	 .usage = "foia calc --received <date> [--jurisdiction <code>] "
		  "[--agency <code>] [--toll <from>:[<until>]]... "
		  "[--extension <days>] [--explain] [--json]",
	 .summary = "count a due date without filing anything"},
	{.name = "holidays",
	 .run = cmd_holidays,
	 .groups = holidays_groups,
	 .usage = "foia holidays [--year <year>] [--jurisdiction <code>] "
		  "[--json]",
	 .summary = "list the days off a law's clock skips in a year",
	 .subs = holidays_commands},
	{.name = "ics",
	 .run = cmd_ics,
	 .groups = ics_groups,
	 .usage = "foia ics [--project <project>]",
	 .summary = "print the iCalendar feed of the deadlines of open "
		    "requests"},
	{.name = "jurisdictions",
	 .run = cmd_jurisdictions,
	 .groups = jurisdictions_groups,
	 .usage = "foia jurisdictions [--json]",
	 .summary = "list the laws foiad knows and their clocks"},
	{.name = "note",
	 .run = cmd_note,
	 .min_args = 2,
	 .max_args = -1,
	 .args = note_args,
	 .groups = note_groups,
	 .usage = "foia note <id> <text>...",
	 .summary = "add a note to a request's history"},
	{.name = "letter",
	 .run = cmd_letter,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = letter_groups,
	 .usage = "foia letter <id> [--kind request|follow-up|appeal] "
		  "[--json]",
	 .summary = "print a request's letter, made from its template"},
	{.name = "send",
	 .run = cmd_send,
	 .min_args = 1,
	 .max_args = 1,
	 .args = request_id_args,
	 .groups = send_groups,
	 .usage = "foia send <id> [--kind request|follow-up|appeal] "
		  "[--dry-run] [--again] [--json]",
	 .summary = "email a request's letter to its agency"},
	{.name = "agency",
	 .usage = "foia agency <command> [<args>]",
	 .summary = "add, list, show, change and import agencies",
	 .subs = agency_commands},
	{.name = "report",
	 .run = cmd_report,
	 .groups = report_groups,
	 .usage =
		 "foia report [--project <project>] [--agency <code>] [--since "
		 "<date>] [--until <date>] [--member <name>] [--format "
		 "text|markdown|csv|json|html] [-o|--output <file>]",
	 .summary = "the group status report"},
	{.name = "export",
	 .run = cmd_export,
	 .groups = export_groups,
	 .usage = "foia export [--format json|csv]",
	 .summary = "print a JSON backup of everything, or requests as CSV"},
	{.name = "import",
	 .run = cmd_import,
	 .min_args = 1,
	 .max_args = 1,
	 .args = import_args,
	 .groups = import_groups,
	 .usage = "foia import <file> [--format json|csv|muckrock] "
		  "[--skip-bad] [--json]",
	 .summary = "restore a backup, or bring in requests from CSV"},
	{.name = "verify",
	 .run = cmd_verify,
	 .groups = verify_groups,
	 .usage = "foia verify [--json]",
	 .summary = "check the history's hash chain; exit 1 if broken"},
	{.name = "backup",
	 .run = cmd_backup,
	 .min_args = 1,
	 .max_args = 1,
	 .args = backup_args,
	 .usage = "foia backup <file>",
	 .summary = "write a consistent copy of the database to <file>"},
	{.name = "status",
	 .run = cmd_status,
	 .groups = status_groups,
	 .usage = "foia status [--json]",
	 .summary = "show foiad's version, database, counts and health"},
	{.name = "help",
	 .run = cmd_help,
	 .max_args = 2,
	 .usage = "foia help [<command> [<subcommand>]]",
	 .summary = "show help for foia or one of its commands"},
	{.name = NULL},
};

static const struct opt global_opts[] = {
	{.name = "socket",
	 .param = "socket",
	 .kind = K_TEXT,
	 .limit = 4095,
	 .flags = OPT_NONEMPTY,
	 .meta = "<path>",
	 .help = "talk to foiad at <path> (default: $FOIA_SOCKET, else "
		 "your own foiad's socket if it exists, else "
		 "/run/foiad/foiad.sock)"},
	OPT_FLAG("version", "version", K_TRUE, "print foia's version"),
	OPT_END,
};

static const struct opt_group global_groups[] = {
	{"options", global_opts, 0},
	{NULL, NULL, 0},
};

/* The root of the tree: foia's own options, then a command. */
static const struct command foia = {
	.name = "foia",
	.max_args = -1,
	.groups = global_groups,
	.flags = CMD_STOP,
	.usage = "foia [--socket <path>] <command> [<args>]",
	.summary = "track Freedom of Information Act requests kept by foiad",
	.subs = commands,
};

/* --- messages ------------------------------------------------------ */

void err(const char *fmt, ...)
{
	va_list ap;

	fputs("foia: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage_error(const struct command *cmd, const char *fmt, ...)
{
	va_list ap;

	fputs("foia: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", cmd->usage);
	return EX_USAGE;
}

int out_of_memory(void)
{
	err("out of memory");
	return EXIT_REFUSED;
}

/* --- help ---------------------------------------------------------- */

/* Write text from column col, breaking lines before HELP_WIDTH at spaces
 * outside brackets, so "[--date <date>]" is never split. */
static void wrap(FILE *f, const char *text, size_t col, size_t indent)
{
	bool first = true;

	while (*text) {
		size_t len = 0;
		int depth = 0;
		for (; text[len] && (depth > 0 || text[len] != ' '); len++)
			depth += (text[len] == '[') - (text[len] == ']');
		if (!first && col + 1 + len > HELP_WIDTH && col > indent) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(text, 1, len, f);
		col += len;
		first = false;
		text += len;
		while (*text == ' ')
			text++;
	}
}

/* "usage: foia file --agency ..." with later lines under the first
 * option. */
static void print_usage(FILE *f, const struct command *cmd)
{
	size_t head = strcspn(cmd->usage, "[<-");

	fputs("usage: ", f);
	wrap(f, cmd->usage, 7, 7 + head);
	fputc('\n', f);
}

static void print_commands(FILE *f, const struct command *group)
{
	int width = 10;

	for (const struct command *c = group->subs; c->name; c++)
		if ((int)strlen(c->name) > width)
			width = (int)strlen(c->name);
	fputs("\ncommands:\n", f);
	for (const struct command *c = group->subs; c->name; c++)
		fprintf(f, "    %-*s %s\n", width, c->name, c->summary);
}

static void print_values(const struct opt *o)
{
	char line[1024];

	memcpy(line, "one of: ", sizeof "one of: ");
	join_names(o->values, line + strlen(line), sizeof line - strlen(line));
	printf("%*s", OPT_COLUMN, "");
	wrap(stdout, line, OPT_COLUMN, OPT_COLUMN);
	putchar('\n');
}

static void print_option(const struct opt *o)
{
	/* "    -o, --output <file>", or the long name alone. */
	int used = o->short_name ? printf("    -%c, ", o->short_name)
				 : printf("    ");
	used += printf("--%s%s%s", o->name, o->meta ? " " : "",
		       o->meta ? o->meta : "");

	if (used + 2 > OPT_COLUMN)
		printf("\n%*s", OPT_COLUMN, "");
	else
		printf("%*s", OPT_COLUMN - used, "");
	wrap(stdout, o->help, OPT_COLUMN, OPT_COLUMN);
	putchar('\n');
	if (o->values)
		print_values(o);
}

/* How to get further: "foia help agency <command>" for agency. */
static void print_help_hint(const struct command *group)
{
	const char *name = group == &foia ? "" : group->name;
	const char *sp = *name ? " " : "";
	char line[256];

	snprintf(line, sizeof line,
		 "Run 'foia help%s%s <command>' or 'foia%s%s <command> "
		 "--help' for the options of a command.",
		 sp, name, sp, name);
	putchar('\n');
	wrap(stdout, line, 0, 0);
	putchar('\n');
}

static void print_help(const struct command *cmd)
{
	print_usage(stdout, cmd);
	printf("\n%s\n", cmd->summary);
	if (cmd->subs)
		print_commands(stdout, cmd);
	for (const struct opt_group *g = cmd->groups; g && g->title; g++) {
		printf("\n%s:\n", g->title);
		for (const struct opt *o = g->opts; o->name; o++)
			if (group_has(g, o))
				print_option(o);
	}
	if (cmd->subs)
		print_help_hint(cmd);
}

/* A group named without a subcommand: what it offers, on stderr. */
static int group_usage(const struct command *group)
{
	print_usage(stderr, group);
	print_commands(stderr, group);
	return EX_USAGE;
}

static const struct command *find_command(const struct command *table,
					  const char *name)
{
	for (const struct command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static int unknown_command(const struct command *group,
			   const struct command *shown, const char *name)
{
	if (*name == '-')
		return usage_error(shown, "unknown option '%s'", name);
	if (group == &foia)
		return usage_error(shown, "unknown command '%s'", name);
	return usage_error(shown, "unknown %s command '%s'", group->name, name);
}

static int cmd_help(struct call *c)
{
	const struct command *cmd = &foia;

	for (int i = 0; i < c->argc; i++) {
		const struct command *sub =
			cmd->subs ? find_command(cmd->subs, c->argv[i]) : NULL;
		if (!cmd->subs)
			return usage_error(c->cmd, "unexpected argument '%s'",
					   c->argv[i]);
		if (!sub)
			return unknown_command(cmd, c->cmd, c->argv[i]);
		cmd = sub;
	}
	print_help(cmd);
	return 0;
}

/* --- dispatch ------------------------------------------------------ */

/* A reply without the member --json prints: a foiad of another version. */
static int no_member(const char *key)
{
	err("unusable reply from foiad: no '%s' in it", key);
	return EX_UNAVAILABLE;
}

int call_render(struct call *c, const char *method, const char *json_key,
		int (*text)(struct call *c, json_t *result))
{
	json_t *res = NULL, *v;
	int rc = client_call(c->socket, method, c->params, &res);

	if (rc)
		return rc;
	if (c->format != FORMAT_JSON)
		rc = text ? text(c, res) : 0;
	else if (!json_key)
		rc = render_json(res);
	else if ((v = json_object_get(res, json_key)))
		rc = render_json(v);
	else
		rc = no_member(json_key);
	json_decref(res);
	return rc;
}

static int run_leaf(const struct command *cmd, int argc, char **argv,
		    const char *socket)
{
	struct call c = {.socket = socket};
	int rc = parse_call(cmd, argc, argv, &c);

	if (rc == 0 && c.help)
		print_help(cmd);
	else if (rc == 0)
		rc = cmd->run(&c);
	call_clear(&c);
	return rc;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* argv[0] names a command of group. A command may both run and have
 * subcommands (`holidays`, `holidays import`): a first argument naming one
 * of them picks the subcommand. */
static int dispatch(const struct command *group, int argc, char **argv,
		    const char *socket)
{
	const struct command *cmd = find_command(group->subs, argv[0]);

	if (!cmd)
		return unknown_command(group, group, argv[0]);
	if (cmd->run && cmd->subs && argc >= 2 &&
	    find_command(cmd->subs, argv[1]))
		return dispatch(cmd, argc - 1, argv + 1, socket);
	if (cmd->run)
		return run_leaf(cmd, argc, argv, socket);
	if (argc < 2)
		return group_usage(cmd);
	if (is_help(argv[1])) {
		print_help(cmd);
		return 0;
	}
	return dispatch(cmd, argc - 1, argv + 1, socket);
}

static int run(const struct call *top)
{
	const json_t *socket = json_object_get(top->params, "socket");

	if (top->help) {
		print_help(&foia);
		return 0;
	}
	if (json_is_true(json_object_get(top->params, "version"))) {
		printf("foia %s\n", FOIA_VERSION);
		return 0;
	}
	if (top->argc == 0)
		return group_usage(&foia);
	return dispatch(&foia, top->argc, top->argv, json_string_value(socket));
}

/* Output that could not be written is a failure, as in any filter. */
static int finish(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		err("cannot write output: %s", strerror(errno));
		return rc ? rc : EXIT_REFUSED;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct call top = {0};
	int rc = parse_call(&foia, argc, argv, &top);

	if (rc == 0)
		rc = run(&top);
	call_clear(&top);
	return finish(rc);
}
