/*
 * test_json_text.c: the section writer of json_text.h on sections large
 * enough to span several blocks, in every order and on both sorting paths
 * (the counting sort for id-ordered items with narrow keys, qsort
 * otherwise). The expected array is built independently: every item is
 * remembered as (key, id, sequence) and sorted here by (key in the
 * section's direction, id, sequence), then written out one by one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_text.h"

struct item {
	long long key;
	int64_t id;
	size_t seq;
};

static int cmp_order; /* for by_item */

static int by_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	if (a->key != b->key)
		return (a->key < b->key ? -1 : 1) * cmp_order;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Item i's text: long enough that the section needs several blocks. */
static void item_text(struct text *t, const struct item *it)
{
	char buf[64];
	int n = snprintf(buf, sizeof(buf),
			 "{\"id\":%lld,\"key\":%lld,\"n\":", (long long)it->id,
			 it->key);
	t_put(t, buf, (size_t)n);
	t_int(t, (long long)it->seq);
	t_key(t, "pad");
	t_str(t, "a fairly long string to fill the blocks quickly, with "
		 "\"quotes\" and a tab\tinside");
	t_put(t, "}", 1);
}

/* n items with keys from keyf and ids from idf, in section order order;
 * the section's array must be the independently sorted one. */
static void check(int order, size_t n, long long (*keyf)(size_t),
		  int64_t (*idf)(size_t))
{
	struct section sec = {.order = order};
	struct item *items = calloc(n ? n : 1, sizeof(*items));
	assert_non_null(items);
	for (size_t i = 0; i < n; i++) {
		items[i] = (struct item){keyf(i), idf(i), i};
		section_begin(&sec);
		item_text(&sec.t, &items[i]);
		assert_int_equal(section_end(&sec, items[i].key, items[i].id),
				 0);
	}
	assert_true(sec.nblocks > 0 || n < 10000); /* spans blocks */
	struct text got = {0}, want = {0};
	section_array(&got, &sec);
	assert_false(got.oom);
	if (order) {
		cmp_order = order;
		qsort(items, n, sizeof(*items), by_item);
	}
	t_put(&want, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			t_put(&want, ",", 1);
		item_text(&want, &items[i]);
	}
	t_put(&want, "]", 1);
	assert_int_equal(got.len, want.len);
	if (memcmp(got.p, want.p, got.len) != 0)
		fail_msg("section order %d of %zu items differs", order, n);
	free(got.p);
	free(want.p);
	free(items);
	section_free(&sec);
}

static long long narrow_key(size_t i)
{
	return (long long)((i * 7919) % 401) - 200;
}

static long long wide_key(size_t i)
{
	return (long long)((i * 2654435761u) % 1000003) * 1000003LL -
	       (long long)1e12;
}

static int64_t ascending_id(size_t i)
{
	return (int64_t)(i / 3) + 1; /* some ids carry several items */
}

static int64_t shuffled_id(size_t i)
{
	return (int64_t)((i * 40503) % 65537);
}

#define N 120000 /* about 16 MB of items: four blocks */

static void test_counting_path(void **state)
{
	(void)state;
	check(1, N, narrow_key, ascending_id);
	check(-1, N, narrow_key, ascending_id);
}

static void test_qsort_paths(void **state)
{
	(void)state;
	check(1, N, wide_key, ascending_id);   /* keys too wide */
	check(-1, N, narrow_key, shuffled_id); /* ids out of order */
}

static void test_as_added(void **state)
{
	(void)state;
	check(0, N, wide_key, shuffled_id);
	check(1, 1, narrow_key, ascending_id);
	check(-1, 0, narrow_key, ascending_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counting_path),
		cmocka_unit_test(test_qsort_paths),
		cmocka_unit_test(test_as_added),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
