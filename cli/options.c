/*
 * options.c: the generic command-line parser and the value checks.
 *
 * A command line is read in two passes. The first runs getopt_long over
 * the command's option tables and only records which option came with which
 * argument; then every usage rule (arity, required options, options that
 * exclude or need each other) is checked, so a malformed command line is
 * always reported as such (EX_USAGE) before any value is judged. The second
 * pass checks each value as its kind says (EX_DATAERR) and stores it in the
 * params of the request. Names such as statuses are left to foiad, which
 * owns them; everything else that can be judged here is, before sending.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "foia/civil.h"
#include "foia/protocol.h"
#include "foia/utf8.h"
#include "options.h"

const char *const foia_statuses[] = {FOIA_STATUS_NAMES, NULL};
const char *const foia_methods[] = {FOIA_METHOD_NAMES, NULL};
const char *const foia_fee_categories[] = {FOIA_FEE_CATEGORY_NAMES, NULL};
const char *const foia_toll_reasons[] = {FOIA_TOLL_REASON_NAMES, NULL};

/* getopt_long values: OPT_BASE + index into the flat option list, so they
 * never collide with a short option character. */
#define OPT_BASE 256
#define OPT_HELP 255

/* All options of one command, flattened for getopt_long, with the short
 * aliases as getopt's optstring and a map from letter to option. */
struct optset {
	struct option *longopts;
	const struct opt **opts;
	size_t n;
	char shorts[2 * 128 + 4]; /* "+:h" then "o:" per alias */
	const struct opt *by_short[128];
	int short_index[128]; /* its index in opts */
};

/* One option as it appeared on the command line. */
struct seen {
	const struct opt *opt;
	const char *arg;
};

/* --- value checks -------------------------------------------------- */

bool utf8_valid(const char *s, size_t len)
{
	return foia_utf8_invalid_at(s, len) == len;
}

int check_text(const char *label, const char *s, size_t len, size_t limit)
{
	if (!utf8_valid(s, len)) {
		err("%s is not valid UTF-8", label);
		return EX_DATAERR;
	}
	if (len > limit) {
		err("%s is %zu bytes, the limit is %zu", label, len, limit);
		return EX_DATAERR;
	}
	return 0;
}

/* Today's date where the user is, minus back days. */
static bool local_date(int back, char *out, size_t outlen)
{
	time_t now = time(NULL);
	struct tm tm;

	if (now == (time_t)-1 || !localtime_r(&now, &tm))
		return false;
	int32_t day =
		civil_to_days(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	civil_format(day - back, out, outlen);
	return true;
}

bool parse_date(const char *s, char *out, size_t outlen)
{
	int32_t day;

	if (outlen < sizeof "YYYY-MM-DD")
		return false;
	if (strcmp(s, "today") == 0)
		return local_date(0, out, outlen);
	if (strcmp(s, "yesterday") == 0)
		return local_date(1, out, outlen);
	if (!civil_parse(s, &day))
		return false;
	civil_format(day, out, outlen);
	return true;
}

/* Up to 13 integer digits: far beyond any fee, far below INT64_MAX cents. */
#define MONEY_DIGITS 13

bool parse_money(const char *s, char *out, size_t outlen)
{
	long long units = 0, cents = 0;
	size_t n = 0;

	for (; *s >= '0' && *s <= '9'; s++, n++) {
		if (n == MONEY_DIGITS)
			return false;
		units = units * 10 + (*s - '0');
	}
	if (n == 0)
		return false;
	if (*s == '.') {
		s++;
		for (n = 0; *s >= '0' && *s <= '9'; s++, n++) {
			if (n == 2)
				return false;
			cents = cents * 10 + (*s - '0');
		}
		if (n == 0)
			return false;
		if (n == 1)
			cents *= 10;
	}
	if (*s != '\0')
		return false;
	int w = snprintf(out, outlen, "%lld.%02lld", units, cents);
	return w > 0 && (size_t)w < outlen;
}

bool parse_id(const char *s, json_int_t *out)
{
	json_int_t v = 0;

	if (*s == '\0')
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		int d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v == 0)
		return false;
	*out = v;
	return true;
}

bool name_in(const char *const *names, const char *s)
{
	for (; *names; names++)
		if (strcmp(*names, s) == 0)
			return true;
	return false;
}

void join_names(const char *const *names, char *buf, size_t len)
{
	size_t used = 0;

	if (len == 0)
		return;
	buf[0] = '\0';
	for (; *names && used < len; names++) {
		int w = snprintf(buf + used, len - used, "%s%s",
				 used ? ", " : "", *names);
		if (w < 0)
			return;
		used += (size_t)w;
	}
}

/* --- the option set ------------------------------------------------ */

static bool takes_value(enum opt_kind k)
{
	return k != K_TRUE && k != K_FALSE && k != K_JSON && k != K_CSV;
}

static void optset_free(struct optset *set)
{
	free(set->longopts);
	free(set->opts);
}

/* Add o's short alias to the optstring; a letter that is not ASCII, is
 * 'h' or is taken twice in one command is a mistake in the tables. */
static int short_add(const struct command *cmd, struct optset *set, size_t i,
		     const struct opt *o)
{
	unsigned char ch = (unsigned char)o->short_name;
	size_t len = strlen(set->shorts);

	if (!ch)
		return 0;
	if (ch >= 128 ||
	    !((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) ||
	    ch == 'h' || set->by_short[ch] || len + 3 > sizeof set->shorts) {
		err("internal error: bad short option '-%c' for '--%s' in "
		    "'%s'",
		    ch < 128 ? ch : '?', o->name, cmd->name);
		return EXIT_REFUSED;
	}
	set->by_short[ch] = o;
	set->short_index[ch] = (int)i;
	set->shorts[len++] = (char)ch;
	if (takes_value(o->kind))
		set->shorts[len++] = ':';
	set->shorts[len] = '\0';
	return 0;
}

static void optset_add(struct optset *set, size_t i, const struct opt *o)
{
	set->opts[i] = o;
	set->longopts[i].name = o->name;
	set->longopts[i].has_arg =
		takes_value(o->kind) ? required_argument : no_argument;
	set->longopts[i].val = OPT_BASE + (int)i;
}

static int optset_build(const struct command *cmd, struct optset *set)
{
	const struct opt_group *g;
	const struct opt *o;
	size_t n = 0;

	for (g = cmd->groups; g && g->title; g++)
		for (o = g->opts; o->name; o++)
			n += group_has(g, o);
	set->longopts = calloc(n + 2, sizeof *set->longopts);
	set->opts = calloc(n + 1, sizeof *set->opts);
	if (!set->longopts || !set->opts) {
		optset_free(set);
		return out_of_memory();
	}
	/* "+": foia's own options end where the command begins. */
	snprintf(set->shorts, sizeof set->shorts, "%s",
		 cmd->flags & CMD_STOP ? "+:h" : ":h");
	for (g = cmd->groups, set->n = 0; g && g->title; g++)
		for (o = g->opts; o->name; o++)
			if (group_has(g, o)) {
				int rc = short_add(cmd, set, set->n, o);
				if (rc) {
					optset_free(set);
					return rc;
				}
				optset_add(set, set->n++, o);
			}
	set->longopts[n] = (struct option){"help", no_argument, NULL, OPT_HELP};
	return 0;
}

/* --- pass one: syntax ---------------------------------------------- */

/* Options whose name starts with the prefix typed, for a helpful message
 * when getopt_long refused an abbreviation. */
static size_t count_prefixed(const struct optset *set, const char *word,
			     size_t len)
{
	size_t hits = 0;

	for (const struct option *lo = set->longopts; lo->name; lo++)
		if (strncmp(lo->name, word, len) == 0)
			hits++;
	return hits;
}

static int bad_option(const struct command *cmd, const struct optset *set,
		      int ch, char **argv)
{
	const char *word = argv[optind - 1];

	if (optopt >= OPT_BASE) {
		const char *name = set->opts[optopt - OPT_BASE]->name;
		if (ch == ':')
			return usage_error(cmd, "option '--%s' needs a value",
					   name);
		return usage_error(cmd, "option '--%s' takes no value", name);
	}
	if (ch == ':' && optopt > 0 && optopt < 128 && set->by_short[optopt])
		return usage_error(cmd, "option '-%c' (--%s) needs a value",
				   optopt, set->by_short[optopt]->name);
	if (optopt != 0)
		return usage_error(cmd, "unknown option '-%c'", optopt);
	size_t len = strcspn(word, "=");
	if (len > 2 && count_prefixed(set, word + 2, len - 2) > 1)
		return usage_error(cmd, "ambiguous option '%.*s'", (int)len,
				   word);
	return usage_error(cmd, "unknown option '%.*s'", (int)len, word);
}

static int scan(const struct command *cmd, const struct optset *set, int argc,
		char **argv, struct seen *seen, size_t *nseen, bool *help)
{
	optind = 0; /* glibc: start afresh, whatever parsed before */
	opterr = 0;
	for (;;) {
		int ch = getopt_long(argc, argv, set->shorts, set->longopts,
				     NULL);
		if (ch == -1)
			return 0;
		if (ch == 'h' || ch == OPT_HELP) {
			*help = true;
			return 0;
		}
		/* A short alias is its long option. */
		if (ch > 0 && ch < 128 && ch != ':' && ch != '?' &&
		    set->by_short[ch])
			ch = OPT_BASE + set->short_index[ch];
		if (ch < OPT_BASE)
			return bad_option(cmd, set, ch, argv);
		seen[*nseen].opt = set->opts[ch - OPT_BASE];
		seen[*nseen].arg = optarg;
		(*nseen)++;
	}
}

/* --- usage rules --------------------------------------------------- */

static const struct seen *find_seen(const struct seen *seen, size_t n,
				    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i].opt->name, name) == 0)
			return &seen[i];
	return NULL;
}

/* Two different options that set the same param (--expedite and
 * --no-expedite, --description and --description-file), or two output
 * formats, cannot both be given. */
static bool same_target(const struct opt *a, const struct opt *b)
{
	if (a == b)
		return false;
	if (!a->param || !b->param)
		return !a->param && !b->param;
	return strcmp(a->param, b->param) == 0;
}

static int check_pairs(const struct command *cmd, const struct seen *seen,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct opt *o = seen[i].opt;
		for (size_t j = i + 1; j < n; j++)
			if (same_target(o, seen[j].opt))
				return usage_error(
					cmd,
					"options '--%s' and '--%s' cannot be "
					"used together",
					o->name, seen[j].opt->name);
		if (o->needs && !find_seen(seen, n, o->needs))
			return usage_error(cmd, "option '--%s' needs '--%s'",
					   o->name, o->needs);
	}
	return 0;
}

/* "missing option '--from' or '--until'" when none of them was given. */
static int check_one_of(const struct command *cmd, const struct seen *seen,
			size_t n)
{
	const char *const *names = cmd->one_of;
	char list[256];
	size_t used = 0;

	if (!names || !*names)
		return 0;
	for (const char *const *p = names; *p; p++)
		if (find_seen(seen, n, *p))
			return 0;
	list[0] = '\0';
	for (const char *const *p = names; *p && used < sizeof list; p++) {
		int w = snprintf(list + used, sizeof list - used, "%s'--%s'",
				 p == names ? "" : " or ", *p);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	return usage_error(cmd, "missing option %s", list);
}

static bool sends_param(const struct seen *seen, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (seen[i].opt->param)
			return true;
	return false;
}

static int check_usage(const struct command *cmd, const struct seen *seen,
		       size_t n, const struct call *c)
{
	if (c->argc < cmd->min_args)
		return usage_error(cmd, "missing %s",
				   cmd->args ? cmd->args[c->argc].noun
					     : "argument");
	if (cmd->max_args >= 0 && c->argc > cmd->max_args)
		return usage_error(cmd, "unexpected argument '%s'",
				   c->argv[cmd->max_args]);
	for (const char *const *r = cmd->required; r && *r; r++)
		if (!find_seen(seen, n, *r))
			return usage_error(cmd, "missing option '--%s'", *r);
	if ((cmd->flags & CMD_CHANGES) && !sends_param(seen, n))
		return usage_error(cmd, "nothing to update");
	int rc = check_one_of(cmd, seen, n);
	return rc ? rc : check_pairs(cmd, seen, n);
}

/* --- pass two: values ---------------------------------------------- */

static bool is_list(enum opt_kind k)
{
	return k == K_LIST || k == K_ENUM_LIST || k == K_TOLL;
}

/* Strip trailing line ends, the way an editor leaves a file. */
static size_t chomp(const char *buf, size_t len)
{
	while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		len--;
	return len;
}

/* Read at most cap bytes of f into buf; count the rest without keeping
 * it, so an oversized file is measured in bounded memory. */
static bool read_bounded(FILE *f, char *buf, size_t cap, size_t *kept,
			 size_t *total)
{
	char sink[4096];
	size_t n;

	*kept = fread(buf, 1, cap, f);
	*total = *kept;
	if (*kept == cap)
		while ((n = fread(sink, 1, sizeof sink, f)) > 0)
			*total += n;
	return !ferror(f);
}

static int cannot_read(const char *path, int errnum)
{
	err("cannot read '%s': %s", path, strerror(errnum));
	return EX_DATAERR;
}

/* The checks of K_TEXT, on file contents that may be cut short. */
static int file_checks(const char *label, size_t limit, const char *buf,
		       size_t kept, size_t total)
{
	if (memchr(buf, '\0', kept)) {
		err("%s contains a NUL byte", label);
		return EX_DATAERR;
	}
	if (total > limit) {
		err("%s is %zu bytes, the limit is %zu", label, total, limit);
		return EX_DATAERR;
	}
	return check_text(label, buf, kept, limit);
}

int read_text(const char *label, const char *path, size_t limit, json_t **out)
{
	bool in = strcmp(path, "-") == 0;
	FILE *f = in ? stdin : fopen(path, "rb");
	size_t cap = limit + 2, kept, total; /* room for "\r\n" */
	int rc;

	if (!f)
		return cannot_read(path, errno);
	char *buf = malloc(cap);
	bool ok = buf && read_bounded(f, buf, cap, &kept, &total);
	int saved = errno;
	if (!in)
		fclose(f);
	if (!buf)
		return out_of_memory();
	if (!ok) {
		free(buf);
		return cannot_read(path, saved);
	}
	if (kept == total)
		total = kept = chomp(buf, kept);
	rc = file_checks(label, limit, buf, kept, total);
	if (rc == 0 && !(*out = json_stringn(buf, kept)))
		rc = out_of_memory();
	free(buf);
	return rc;
}

static int file_text(const struct opt *o, const char *path, json_t **out)
{
	char label[80];

	snprintf(label, sizeof label, "--%s", o->name);
	return read_text(label, path, o->limit, out);
}

/* An empty value: refused, or sent as "" to clear the field. */
static int empty_value(const struct command *cmd, const struct opt *o,
		       json_t **out)
{
	if (is_list(o->kind) || (o->flags & OPT_NONEMPTY) ||
	    !(cmd->flags & CMD_CLEARS)) {
		err("empty value for '--%s'", o->name);
		return EX_DATAERR;
	}
	*out = json_string("");
	return *out ? 0 : out_of_memory();
}

/* The checked form of v as the option's kind says, as text. */
static int checked(const struct opt *o, const char *v, char *buf, size_t len,
		   const char **text)
{
	char label[80];

	*text = v;
	switch (o->kind) {
	case K_ENUM:
	case K_ENUM_LIST:
		/* foiad owns the names ("unknown status 'x'"); the list here
		 * is for help, which a newer foiad may outgrow. */
		snprintf(label, sizeof label, "--%s", o->name);
		return check_text(label, v, strlen(v), SIZE_MAX);
	case K_DATE:
		*text = buf;
		if (parse_date(v, buf, len))
			return 0;
		err("invalid date '%s' for --%s (expected YYYY-MM-DD, today "
		    "or yesterday)",
		    v, o->name);
		return EX_DATAERR;
	case K_MONEY:
		*text = buf;
		if (parse_money(v, buf, len))
			return 0;
		err("invalid amount '%s' for --%s (expected a number with at "
		    "most two decimals, like 25 or 25.50)",
		    v, o->name);
		return EX_DATAERR;
	default:
		snprintf(label, sizeof label, "--%s", o->name);
		return check_text(label, v, strlen(v), o->limit);
	}
}

static int count_value(const struct opt *o, const char *v, json_t **out)
{
	json_int_t n;
	bool zero = (o->flags & OPT_ZERO) && strcmp(v, "0") == 0;

	if (zero)
		n = 0;
	else if (!parse_id(v, &n)) {
		err("invalid number '%s' for --%s (expected a %s whole number)",
		    v, o->name,
		    o->flags & OPT_ZERO ? "non-negative" : "positive");
		return EX_DATAERR;
	}
	*out = json_integer(n);
	return *out ? 0 : out_of_memory();
}

/* "FROM:UNTIL", or "FROM:" for a toll still open. */
static int toll_value(const struct opt *o, const char *v, json_t **out)
{
	char from[16], until[16], part[32];
	const char *colon = strchr(v, ':');
	bool open = colon && colon[1] == '\0';

	/* A part cut short to fit is still no date. */
	if (colon)
		snprintf(part, sizeof part, "%.*s", (int)(colon - v), v);
	if (!colon || !parse_date(part, from, sizeof from) ||
	    (!open && !parse_date(colon + 1, until, sizeof until))) {
		err("invalid toll '%s' for --%s (expected FROM:UNTIL, or FROM: "
		    "for a toll still open, dates as YYYY-MM-DD)",
		    v, o->name);
		return EX_DATAERR;
	}
	*out = json_pack("{s:s, s:s?}", "from", from, "until",
			 open ? NULL : until);
	return *out ? 0 : out_of_memory();
}

static int value_of(const struct command *cmd, const struct opt *o,
		    const char *v, json_t **out)
{
	char buf[32];
	const char *text;
	int rc;

	if (o->kind == K_TRUE || o->kind == K_FALSE) {
		*out = json_boolean(o->kind == K_TRUE);
		return 0;
	}
	if (o->kind == K_FILE)
		return file_text(o, v, out);
	if (*v == '\0')
		return empty_value(cmd, o, out);
	if (o->kind == K_COUNT)
		return count_value(o, v, out);
	if (o->kind == K_TOLL)
		return toll_value(o, v, out);
	if ((rc = checked(o, v, buf, sizeof buf, &text)))
		return rc;
	*out = json_string(text);
	return *out ? 0 : out_of_memory();
}

/* Set the param, or append to it for a repeatable option. Takes v. */
static int store_value(json_t *params, const struct opt *o, json_t *v)
{
	if (!is_list(o->kind))
		return json_object_set_new(params, o->param, v)
			       ? out_of_memory()
			       : 0;
	json_t *a = json_object_get(params, o->param);
	if (!a) {
		a = json_array();
		if (!a || json_object_set_new(params, o->param, a)) {
			json_decref(v);
			return out_of_memory();
		}
	}
	if (json_array_size(a) >= o->max_items) {
		json_decref(v);
		err("too many '--%s' options, the limit is %zu", o->name,
		    o->max_items);
		return EX_DATAERR;
	}
	return json_array_append_new(a, v) ? out_of_memory() : 0;
}

static int apply(const struct command *cmd, const struct seen *s,
		 struct call *c)
{
	json_t *v = NULL;
	int rc;

	if (s->opt->kind == K_JSON || s->opt->kind == K_CSV) {
		c->format = s->opt->kind == K_JSON ? FORMAT_JSON : FORMAT_CSV;
		return 0;
	}
	if ((rc = value_of(cmd, s->opt, s->arg, &v)))
		return rc;
	return store_value(c->params, s->opt, v);
}

/* --- positional arguments ------------------------------------------ */

/* argv[0..n) joined by single spaces, or NULL when out of memory. */
static char *join_words(int n, char **argv)
{
	size_t len = 0;

	for (int i = 0; i < n; i++)
		len += strlen(argv[i]) + 1;
	char *s = malloc(len + 1), *p = s;
	if (!s)
		return NULL;
	for (int i = 0; i < n; i++) {
		size_t w = strlen(argv[i]);
		memcpy(p, argv[i], w);
		p += w;
		*p++ = ' ';
	}
	if (p > s)
		p--; /* the last space */
	*p = '\0';
	return s;
}

static int arg_text(const struct arg *a, const char *s, json_t **out)
{
	int rc;

	if (*s == '\0') {
		err("%s is empty", a->noun);
		return EX_DATAERR;
	}
	if ((rc = check_text(a->noun, s, strlen(s), a->limit)))
		return rc;
	*out = json_string(s);
	return *out ? 0 : out_of_memory();
}

static int arg_value(const struct arg *a, int n, char **argv, json_t **out)
{
	json_int_t id;

	if (a->kind == A_ID) {
		if (!parse_id(argv[0], &id)) {
			err("invalid request id '%s'", argv[0]);
			return EX_DATAERR;
		}
		*out = json_integer(id);
		return *out ? 0 : out_of_memory();
	}
	if (a->kind == A_CODE)
		return arg_text(a, argv[0], out);
	char *words = join_words(n, argv);
	if (!words)
		return out_of_memory();
	int rc = arg_text(a, words, out);
	free(words);
	return rc;
}

static int apply_args(const struct command *cmd, struct call *c)
{
	if (!cmd->args)
		return 0;
	for (int i = 0; i < c->argc && cmd->args[i].param; i++) {
		const struct arg *a = &cmd->args[i];
		json_t *v = NULL;
		if (a->kind == A_KEEP)
			continue;
		int rc = arg_value(a, c->argc - i, c->argv + i, &v);
		if (rc)
			return rc;
		if (json_object_set_new(c->params, a->param, v))
			return out_of_memory();
		if (a->kind == A_WORDS)
			break;
	}
	return 0;
}

/* --- the parser ---------------------------------------------------- */

static int parse_with(const struct command *cmd, const struct optset *set,
		      int argc, char **argv, struct call *c)
{
	struct seen *seen = calloc((size_t)argc + 1, sizeof *seen);
	size_t n = 0;
	int rc;

	if (!seen)
		return out_of_memory();
	rc = scan(cmd, set, argc, argv, seen, &n, &c->help);
	if (rc == 0 && !c->help) {
		c->argc = argc - optind;
		c->argv = argv + optind;
		rc = check_usage(cmd, seen, n, c);
	}
	if (rc == 0 && !c->help)
		rc = apply_args(cmd, c);
	for (size_t i = 0; rc == 0 && !c->help && i < n; i++)
		rc = apply(cmd, &seen[i], c);
	free(seen);
	return rc;
}

int parse_call(const struct command *cmd, int argc, char **argv, struct call *c)
{
	struct optset set = {0};
	int rc;

	c->cmd = cmd;
	c->format = FORMAT_TEXT;
	c->params = json_object();
	if (!c->params)
		return out_of_memory();
	if ((rc = optset_build(cmd, &set)))
		return rc;
	rc = parse_with(cmd, &set, argc, argv, c);
	optset_free(&set);
	return rc;
}

void call_clear(struct call *c)
{
	json_decref(c->params);
	c->params = NULL;
}
