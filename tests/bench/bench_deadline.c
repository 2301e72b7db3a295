/*
 * bench_deadline.c: how many federal deadlines the engine computes per
 * second on one thread (`make bench`).
 *
 * 10 million random cases on the federal calendar (1990..2100, closures
 * on): a receipt date anywhere in 1990..2089 and, in the main run, 0 to 2
 * random tolls near it, some of them open; then the same receipts without
 * tolls. The rule is the federal initial determination, and steps are not
 * asked for (steps = NULL), as when foiad lists due dates.
 *
 * Cases are generated in blocks outside the timed region, so the figure is
 * the engine's alone; a block is small enough to stay in cache, as a real
 * caller's inputs would. The build machines are shared, so each set of 10
 * million is timed PASSES times (the same cases each time) and the fastest
 * pass is reported, also as FIGURE lines for tests/bench/table
 * (millions a second). A checksum of the due dates is printed so that the
 * compiler cannot drop the work. The figures are printed, never checked:
 * a benchmark is not a test.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "deadline.h"
#include "foia/civil.h"
#include "workcal.h"

#define CASES  10000000L
#define BLOCK  8192
#define PASSES 3

struct bench_case {
	struct deadline_input in;
	struct deadline_toll tolls[2];
};

#define SEED 0x243F6A8885A308D3ull
static uint64_t rng = SEED;

/* xorshift64*: fixed seed, so every run times the same cases. */
static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 32) % n;
}

static void make_block(struct bench_case *v, size_t n, int32_t lo,
		       uint32_t span, bool tolls)
{
	for (size_t i = 0; i < n; i++) {
		struct bench_case *c = &v[i];
		const int32_t rec = lo + (int32_t)rnd(span);
		const size_t nt = tolls ? rnd(3) : 0;
		for (size_t k = 0; k < nt; k++) {
			struct deadline_toll *t = &c->tolls[k];
			t->kind =
				rnd(2) ? DEADLINE_TOLL_INFO : DEADLINE_TOLL_FEE;
			t->asked = rec + (int32_t)rnd(30);
			t->answered = t->asked + (int32_t)rnd(15);
			t->open = rnd(16) == 0;
		}
		c->in = (struct deadline_input){
			.received = rec, .tolls = c->tolls, .n_tolls = nt};
	}
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run CASES computations; returns the seconds spent in the engine. */
static double run(const struct workcal *cal, bool tolls, uint64_t *sum,
		  long *stopped)
{
	static struct bench_case v[BLOCK];
	const int32_t lo = civil_to_days(1990, 1, 1);
	const uint32_t span = (uint32_t)(civil_to_days(2090, 1, 1) - lo);
	double spent = 0;

	for (long done = 0; done < CASES; done += BLOCK) {
		const size_t n =
			CASES - done < BLOCK ? (size_t)(CASES - done) : BLOCK;
		make_block(v, n, lo, span, tolls);
		const double t0 = now();
		for (size_t i = 0; i < n; i++) {
			struct deadline_result r;
			if (deadline_compute(cal, &deadline_federal_initial,
					     &v[i].in, &r, NULL, NULL,
					     0) != WORKCAL_OK) {
				fprintf(stderr, "bench: case failed\n");
				exit(1);
			}
			if (r.state == DEADLINE_DUE)
				*sum += (uint64_t)r.due;
			else
				(*stopped)++;
		}
		spent += now() - t0;
	}
	return spent;
}

static void report(const char *what, double secs, uint64_t sum, long stopped)
{
	printf("deadlines: %.0f per second, %.1f ns per computation (%ld "
	       "cases, %s, best of %d passes: %.3f s; checksum %llu, %ld "
	       "stopped)\n",
	       (double)CASES / secs, secs * 1e9 / (double)CASES, CASES, what,
	       PASSES, secs, (unsigned long long)sum, stopped);
}

/* The figure for tests/bench/table; no target was set for it (numpy's
 * busday_offset, for comparison, does 5.2 million a second). */
static void bench(const struct workcal *cal, bool tolls, const char *what,
		  const char *figure)
{
	double best = 0;
	uint64_t sum = 0;
	long stopped = 0;
	for (int pass = 0; pass < PASSES; pass++) {
		rng = SEED;
		sum = 0;
		stopped = 0;
		const double secs = run(cal, tolls, &sum, &stopped);
		if (pass == 0 || secs < best)
			best = secs;
	}
	report(what, best, sum, stopped);
	printf("FIGURE %s %.2f M/s target -\n", figure,
	       (double)CASES / best / 1e6);
}

int main(void)
{
	struct workcal_spec spec;
	struct workcal *cal = NULL;
	char err[160];

	if (workcal_federal_spec(&spec, true, false, 1990, 2100) !=
		    WORKCAL_OK ||
	    workcal_new(&spec, &cal, err, sizeof(err)) != WORKCAL_OK) {
		fprintf(stderr, "bench: cannot build the federal calendar\n");
		return 1;
	}
	bench(cal, true, "0-2 tolls", "deadlines_per_s");
	bench(cal, false, "no tolls", "deadlines_per_s_no_tolls");
	workcal_free(cal);
	return 0;
}
