/*
 * fuzz_jurisdictions.c: libFuzzer target for the jurisdictions loader
 * (daemon/config_jurisdictions.c, libconfig) and what follows it at
 * startup: jurisdictions_build, the lookups, and one deadline per clock.
 *
 * libconfig reads files, so each input is written to a file of its own in
 * a temporary directory made once. The loader must either refuse the file
 * with at least one "file:line: message" and leave nothing behind, or
 * accept it; an accepted file must build (or fail with a message naming a
 * calendar), and every law's clocks must compute on its calendar without
 * crashing. Everything is freed each time, so LeakSanitizer sees leaks.
 *
 * libconfig's @include would make the input read other files (a FIFO or
 * /dev/zero would hang the fuzzer); an input containing it is skipped:
 * includes belong to the file system, not to the format under test.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "deadline.h"
#include "foia/civil.h"
#include "jurisdiction.h"
#include "workcal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

/*
 * libconfig 1.5 (Debian 12) itself leaks the scanner's string buffer when
 * a file ends inside a string (64 bytes per refused file, from
 * strbuf_append): not foiad's to fix, and a refused file is read once per
 * start or reload. Leaks anywhere else are still reported.
 */
const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static char dir[64];
static char path[96];

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/fuzzjur.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("fuzz_jurisdictions: mkdtemp");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/jurisdictions.conf", dir);
	atexit(cleanup);
	return 0;
}

static bool write_file(const uint8_t *data, size_t size)
{
	const int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return false;
	size_t off = 0;
	while (off < size) {
		const ssize_t w = write(fd, data + off, size - off);
		if (w <= 0) {
			close(fd);
			return false;
		}
		off += (size_t)w;
	}
	return close(fd) == 0;
}

static bool has_include(const uint8_t *data, size_t size)
{
	static const char word[] = "@include";
	const size_t n = sizeof(word) - 1;
	for (size_t i = 0; i + n <= size; i++)
		if (strncasecmp((const char *)data + i, word, n) == 0)
			return true;
	return false;
}

/* Every clock of a law, once, on its calendar. */
static void run_clocks(const struct jurisdictions *j,
		       const struct jurisdiction *law)
{
	const struct juris_calendar *jc = jurisdiction_calendar(j, law);
	check(jc != NULL && jc->cal != NULL);
	const struct juris_clock *clocks[] = {&law->initial, &law->expedited,
					      &law->appeal_window,
					      &law->appeal_decision};
	const struct deadline_toll toll = {.kind = DEADLINE_TOLL_INFO,
					   .asked = civil_to_days(2025, 3, 10),
					   .answered =
						   civil_to_days(2025, 3, 20)};
	for (size_t i = 0; i < 4; i++) {
		if (!clocks[i]->set)
			continue;
		const struct deadline_rule *rule = &clocks[i]->rule;
		const struct deadline_input in = {
			.received = civil_to_days(2025, 3, 3),
			.tolls = &toll,
			.n_tolls = 1,
			.extension = rule->ext_max > 0 ? rule->ext_max : 0};
		struct deadline_step v[64];
		struct deadline_steps st = {.v = v, .cap = 64};
		struct deadline_result res;
		char err[256] = "";
		const int rc = deadline_compute(jc->cal, rule, &in, &res, &st,
						err, sizeof(err));
		check(rc == WORKCAL_OK || err[0] != '\0');
		char text[4096];
		deadline_format_steps(v, st.n, text, sizeof(text));
	}
	for (size_t k = 0; k < law->n_overrides; k++)
		check(jurisdiction_override(law, law->overrides[k].agency) !=
		      NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (has_include(data, size) || !write_file(data, size))
		return 0;

	struct jurisdictions j;
	struct config_errors errs;
	memset(&errs, 0, sizeof(errs));
	if (config_load_jurisdictions(path, &j, &errs) != 0) {
		/* Refused: said why, and handed back nothing. */
		check(errs.count > 0 && errs.text[0][0] != '\0');
		check(j.n == 0 && j.v == NULL && j.n_calendars == 0 &&
		      j.calendars == NULL);
		jurisdictions_free(&j);
		return 0;
	}

	char err[256] = "";
	if (jurisdictions_build(&j, err, sizeof(err)) != 0) {
		check(err[0] != '\0');
		for (size_t i = 0; i < j.n_calendars; i++)
			check(j.calendars[i].cal == NULL);
		jurisdictions_free(&j);
		return 0;
	}
	for (size_t i = 0; i < j.n; i++) {
		const struct jurisdiction *law = &j.v[i];
		check(jurisdiction_find(&j, law->code) != NULL);
		run_clocks(&j, law);
	}
	check(jurisdiction_find(&j, "no-such-law") == NULL);
	jurisdictions_free(&j);
	return 0;
}
