/*
 * main.c: foiad's start-up and shutdown: options, configuration, the
 * database, the socket, then the event loop until a signal ends it.
 *
 * Everything that can fail at start is done before forking into the
 * background, so the user who started foiad sees why it did not start.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "caldav.h"
#include "config.h"
#include "daemon.h"
#include "feeds.h"
#include "fetch.h"
#include "foia/protocol.h"
#include "holiday_load.h"
#include "listener.h"
#include "log.h"
#include "paths.h"
#include "scheduler.h"
#include "sdnotify.h"
#include "seed.h"
#include "server.h"
#include "store.h"

struct options {
	const char *config;
	const char *socket;
	const char *database;
	bool foreground;
	bool check_only;
	bool verbose;
	bool system; /* --system: system mode without being root */
};

static const char usage_text[] =
	"usage: foiad [-fnv] [-c file] [--system] [--socket path] "
	"[--database path]\n"
	"\n"
	"  -c, --config FILE   configuration file (default: see foiad.conf)\n"
	"  -f, --foreground    stay in the foreground, log to stderr (so\n"
	"                      does a foiad started by systemd)\n"
	"  -n, --check         check the configuration and exit\n"
	"  -v, --verbose       log debug messages\n"
	"      --system        system mode even when not root (for a service\n"
	"                      running as its own user)\n"
	"      --socket PATH   control socket (overrides the config)\n"
	"      --database PATH SQLite database (overrides the config)\n"
	"  -V, --version       print the version and exit\n";

static void usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	exit(status);
}

static void parse_options(int argc, char **argv, struct options *o)
{
	enum { OPT_SOCKET = 256, OPT_DATABASE, OPT_SYSTEM };
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"foreground", no_argument, NULL, 'f'},
		{"check", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},
		{"socket", required_argument, NULL, OPT_SOCKET},
		{"database", required_argument, NULL, OPT_DATABASE},
		{"system", no_argument, NULL, OPT_SYSTEM},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "c:fnvVh", longopts, NULL)) !=
	       -1) {
		switch (ch) {
		case 'c':
			o->config = optarg;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'n':
			o->check_only = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case OPT_SOCKET:
			o->socket = optarg;
			break;
		case OPT_DATABASE:
			o->database = optarg;
			break;
		case OPT_SYSTEM:
			o->system = true;
			break;
		case 'V':
			printf("foiad %s (protocol %d)\n", FOIA_VERSION,
			       FOIA_PROTOCOL_VERSION);
			exit(0);
		case 'h':
			usage(0);
			break;
		default:
			usage(64);
		}
	}
	if (optind != argc) {
		fprintf(stderr, "foiad: unexpected argument '%s'\n",
			argv[optind]);
		usage(64);
	}
}

static void print_errors(const struct config_errors *errs)
{
	for (size_t i = 0; i < errs->count; i++)
		fprintf(stderr, "%s\n", errs->text[i]);
}

static int replace(char **slot, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return -1;
	free(*slot);
	*slot = copy;
	return 0;
}

/* Defaults, then the file, then the command line. */
static int load_config(const struct options *o, bool system_mode,
		       struct config *cfg, struct config_errors *errs)
{
	char path[4096];
	if (config_defaults(cfg, system_mode) < 0 ||
	    paths_default_config(system_mode, path, sizeof(path)) < 0) {
		config_error_add(errs, "foiad", 0, "default paths too long");
		return -1;
	}
	const char *file = o->config ? o->config : path;
	if (config_load(cfg, file, o->config != NULL, errs) < 0)
		return -1;
	if ((o->socket && replace(&cfg->socket, o->socket) < 0) ||
	    (o->database && replace(&cfg->database, o->database) < 0))
		return -1;
	return 0;
}

static void open_database(struct daemon *d)
{
	char err[1024];
	mode_t dir_mode = d->system_mode ? 0750 : 0700;
	if (strcmp(d->cfg.database, ":memory:") != 0) {
		if (paths_make_parent(d->cfg.database, dir_mode) < 0)
			fatal("cannot create the directory of '%s'",
			      d->cfg.database);
		if (paths_check_not_world_writable(d->cfg.database, true,
						   "database directory", err,
						   sizeof(err)) < 0)
			fatalx("%s", err);
		/* Private from the first byte: 0600, or 0660 for the group. */
		if (paths_create_file(d->cfg.database,
				      d->system_mode ? 0660 : 0600) < 0)
			fatal("cannot create '%s'", d->cfg.database);
	}
	mode_t old = umask(d->system_mode ? 0007 : 0077);
	d->store = store_open(d->cfg.database, err, sizeof(err));
	umask(old);
	if (!d->store)
		fatalx("%s", err);
	/* Reads are still worth serving; writes say why they are refused,
	 * and work again once the database is writable (store_begin). */
	if (store_readonly(d->store))
		log_warnx("the database '%s' is read-only for foiad: serving "
			  "reads, refusing writes until it is writable again",
			  d->cfg.database);
}

static void seed(struct daemon *d)
{
	struct config_errors errs = {0};
	if (store_readonly(d->store)) {
		log_debug("database read-only: agency seed not applied");
		return;
	}
	if (!d->cfg.agencies || access(d->cfg.agencies, R_OK) < 0) {
		log_debug("no agency seed file at '%s'",
			  d->cfg.agencies ? d->cfg.agencies : "(none)");
		return;
	}
	int added = seed_agencies(d->store, d->cfg.agencies, &errs);
	for (size_t i = 0; i < errs.count; i++)
		log_warnx("%s", errs.text[i]);
	if (added > 0)
		log_info("added %d agencies from %s", added, d->cfg.agencies);
}

/* Read and index the laws. A missing file means no deadlines (logged);
 * a broken one is an error. */
static int load_laws(const char *file, struct jurisdictions *out,
		     struct config_errors *errs)
{
	char err[512];
	memset(out, 0, sizeof(*out));
	if (!file || access(file, F_OK) < 0) {
		log_warnx("no jurisdictions file at '%s': deadlines are not "
			  "computed",
			  file ? file : "(none)");
		return 0;
	}
	if (config_load_jurisdictions(file, out, errs) < 0)
		return -1;
	if (jurisdictions_build(out, err, sizeof(err)) < 0) {
		config_error_add(errs, file, 0, "%s", err);
		jurisdictions_free(out);
		return -1;
	}
	return 0;
}

static struct options opts;

/* SIGHUP: read the config again; keep the old one if the new is broken. */
static void reload(struct daemon *d)
{
	struct config next = {0};
	struct config_errors errs = {0};
	struct jurisdictions laws;
	char err[512];

	sd_notify_state("RELOADING=1");
	log_info("reloading configuration");
	if (load_config(&opts, d->system_mode, &next, &errs) < 0) {
		for (size_t i = 0; i < errs.count; i++)
			log_warnx("%s", errs.text[i]);
		log_warnx("configuration not reloaded; keeping the old one");
		config_clear(&next);
	} else if (load_laws(next.jurisdictions, &laws, &errs) < 0) {
		for (size_t i = 0; i < errs.count; i++)
			log_warnx("%s", errs.text[i]);
		log_warnx("jurisdictions not reloaded; keeping the old ones");
		config_clear(&next);
	} else if (holidays_build(d->store, &laws, err, sizeof(err)) < 0) {
		/* The imported days are part of the calendars: without them
		 * deadlines would come out earlier than they are. */
		log_warnx("imported holidays: %s", err);
		log_warnx("jurisdictions not reloaded; keeping the old ones");
		jurisdictions_free(&laws);
		config_clear(&next);
	} else {
		jurisdictions_free(&d->laws);
		d->laws = laws;
		d->laws_gen++;
		if (strcmp(next.socket, d->cfg.socket) != 0 ||
		    strcmp(next.database, d->cfg.database) != 0)
			log_warnx("socket and database changes take effect "
				  "at restart");
		free(next.socket);
		free(next.database);
		next.socket = d->cfg.socket;
		next.database = d->cfg.database;
		d->cfg.socket = d->cfg.database = NULL;
		config_clear(&d->cfg);
		d->cfg = next;
		log_set_level(opts.verbose ? LOG_LVL_DEBUG : d->cfg.log_level);
		seed(d);
		timers_changed(&d->timers, d); /* laws or settings moved */
	}
	sd_notify_state("READY=1");
}

static void daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		fatal("setsid");
	if ((pid = fork()) < 0)
		fatal("fork");
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0)
		fatal("chdir /");
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fatal("/dev/null");
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static bool socket_is_default(const struct daemon *d)
{
	char path[4096];
	return !opts.socket &&
	       paths_default_socket(d->system_mode, path, sizeof(path)) == 0 &&
	       strcmp(path, d->cfg.socket) == 0;
}

int main(int argc, char **argv)
{
	struct daemon d = {.system_mode = geteuid() == 0};
	struct config_errors errs = {0};
	struct listener l;
	struct server s;
	char err[1024];

	parse_options(argc, argv, &opts);
	d.system_mode = d.system_mode || opts.system;
	if (load_config(&opts, d.system_mode, &d.cfg, &errs) < 0) {
		print_errors(&errs);
		config_clear(&d.cfg);
		return 1;
	}
	log_init(true, opts.verbose ? LOG_LVL_DEBUG : d.cfg.log_level);
	if (d.cfg.file && paths_check_not_world_writable(d.cfg.file, false,
							 "configuration file",
							 err, sizeof(err)) < 0)
		fatalx("%s", err);
	if (load_laws(d.cfg.jurisdictions, &d.laws, &errs) < 0) {
		print_errors(&errs);
		config_clear(&d.cfg);
		return 1;
	}
	if (opts.check_only) {
		printf("%s: configuration ok\n",
		       d.cfg.file ? d.cfg.file : "(defaults)");
		jurisdictions_free(&d.laws);
		config_clear(&d.cfg);
		return 0;
	}
	open_database(&d);
	if (holidays_build(d.store, &d.laws, err, sizeof(err)) < 0)
		fatalx("imported holidays: %s", err);
	if (fetch_init(err, sizeof(err)) < 0)
		fatalx("%s", err);
	seed(&d);
	if (listener_open(&l, d.cfg.socket, d.system_mode, d.cfg.access_group,
			  socket_is_default(&d), err, sizeof(err)) < 0)
		fatalx("%s", err);
	/* Under systemd the service manager keeps the process and the
	 * journal reads stderr: detaching would only lose both. */
	if (!opts.foreground && !log_under_systemd()) {
		daemonize();
		log_init(false, opts.verbose ? LOG_LVL_DEBUG : d.cfg.log_level);
	}
	if (server_init(&s, &d, l.fd, reload) < 0)
		fatal("cannot set up signal handling");
	if (feeds_init(&d) < 0)
		fatalx("cannot set up the calendar feeds");
	if (scheduler_init(&d) < 0)
		fatalx("cannot set up the reminder scheduler");
	if (caldav_init(&d) < 0)
		fatalx("cannot set up CalDAV publishing");
	d.started = time(NULL);
	log_info("listening on %s (%s mode), database %s", l.path,
		 d.system_mode ? "system" : "user", d.cfg.database);
	sd_notify_state("READY=1");
	server_run(&s);
	sd_notify_state("STOPPING=1");
	feeds_shutdown(&d); /* a change still waiting to be written */
	/* Before server_free: a download cut short still answers (to no
	 * one) through the server. */
	fetch_cleanup();
	server_free(&s);
	listener_close(&l);
	store_close(d.store);
	jurisdictions_free(&d.laws);
	config_clear(&d.cfg);
	log_info("stopped");
	return 0;
}
