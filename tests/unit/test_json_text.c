/*
 * test_json_text.c: the section writer of json_text.h on sections large
 * enough to span several blocks, in every order and on both sorting paths
 * (the counting sort for id-ordered items with narrow keys, qsort
 * otherwise). The expected array is built independently: every item is
 * remembered as (key, id, sequence) and sorted here by (key in the
 * section's direction, id, sequence), then written out one by one.
 * Then the writers for numbers and dates, kept texts, the ordering of
 * any records keyed as sections are, and the large-block allocator.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "foia/civil.h"
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

/* t_int writes what "%lld" writes, at the ends of the range too. */
static void test_int(void **state)
{
	(void)state;
	static const long long v[] = {0,
				      1,
				      -1,
				      9,
				      10,
				      -10,
				      99,
				      100,
				      -2147483648LL,
				      1234567890123LL,
				      LLONG_MAX,
				      LLONG_MIN,
				      LLONG_MIN + 1};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct text t = {0};
		char want[32];
		t_raw(&t, "x");
		t_int(&t, v[i]);
		snprintf(want, sizeof(want), "x%lld", v[i]);
		assert_false(t.oom);
		assert_string_equal(t.p, want);
		assert_int_equal(t.len, strlen(want));
		free(t.p);
	}
	struct text t = {0};
	t_int(&t, LLONG_MIN);
	assert_string_equal(t.p, "-9223372036854775808");
	free(t.p);
}

/* A date quoted (it never needs escaping), or null. */
static void test_date(void **state)
{
	(void)state;
	struct text t = {0};
	t_date(&t, true, 0);
	t_put(&t, ",", 1);
	t_date(&t, true, civil_to_days(2025, 3, 31));
	t_put(&t, ",", 1);
	t_date(&t, false, civil_to_days(2025, 3, 31));
	t_put(&t, ",", 1);
	t_date(&t, true, civil_to_days(1900, 1, 1));
	t_put(&t, ",", 1);
	t_date(&t, true, civil_to_days(2199, 12, 31));
	assert_false(t.oom);
	assert_string_equal(t.p, "\"1970-01-01\",\"2025-03-31\",null,"
				 "\"1900-01-01\",\"2199-12-31\"");
	free(t.p);
}

/* Kept texts stay where they were written while the section moves on to
 * new blocks, and read back exactly. */
static void test_keep(void **state)
{
	(void)state;
	enum { KEEP = 60000 }; /* about 6 MB: two blocks */
	struct section sec = {0};
	struct kept *k = calloc(KEEP, sizeof(*k));
	assert_non_null(k);
	section_big(&sec);
	for (size_t i = 0; i < KEEP; i++) {
		section_begin(&sec);
		t_raw(&sec.t, "{\"n\":");
		t_int(&sec.t, (long long)i);
		t_key(&sec.t, "pad");
		t_str(&sec.t, "a text long enough to fill more than one block "
			      "of four megabytes with sixty thousand of them");
		assert_true(section_keep(&sec, &k[i]));
	}
	assert_true(sec.nblocks > 0);
	assert_int_equal(sec.n, 0); /* kept, not items */
	for (size_t i = 0; i < KEEP; i++) {
		char want[160];
		int n = snprintf(want, sizeof(want),
				 "{\"n\":%zu,\"pad\":\"a text long enough to "
				 "fill more than one block of four megabytes "
				 "with sixty thousand of them\"",
				 i);
		assert_int_equal(k[i].len, (size_t)n);
		assert_memory_equal(section_kept(&sec, k[i]), want, (size_t)n);
	}
	free(k);
	section_free(&sec);
}

/* items_order on records other than a section's entries. */
struct rec {
	struct item_key k;
	unsigned seq;
	char pad[12];
};

static int rec_dir;

static int by_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	if (a->k.key != b->k.key)
		return (a->k.key < b->k.key ? -1 : 1) * rec_dir;
	if (a->k.id != b->k.id)
		return a->k.id < b->k.id ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void check_order(int order, size_t n, long long (*keyf)(size_t),
			int64_t (*idf)(size_t))
{
	struct rec *v = calloc(n ? n : 1, sizeof(*v)),
		   *want = calloc(n ? n : 1, sizeof(*want));
	uint32_t *ord = NULL;
	assert_true(v && want);
	for (size_t i = 0; i < n; i++)
		v[i] = (struct rec){{keyf(i), idf(i)}, (unsigned)i, {0}};
	memcpy(want, v, n * sizeof(*v));
	rec_dir = order;
	if (order)
		qsort(want, n, sizeof(*want), by_rec);
	assert_true(items_order(v, n, sizeof(*v), order, &ord));
	if (!order || !n)
		assert_null(ord);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[ord ? ord[i] : i].seq, want[i].seq);
	free(ord);
	free(v);
	free(want);
}

static void test_items_order(void **state)
{
	(void)state;
	check_order(1, 5000, narrow_key, ascending_id);	 /* counting */
	check_order(-1, 5000, narrow_key, ascending_id); /* counting */
	check_order(1, 5000, wide_key, ascending_id);	 /* qsort */
	check_order(-1, 5000, narrow_key, shuffled_id);	 /* qsort */
	check_order(0, 5000, wide_key, shuffled_id);	 /* as added */
	check_order(1, 0, narrow_key, ascending_id);
}

/* mem_grow keeps what it is told to keep, small and large, and puts a
 * large block on a huge page's boundary. */
static void test_mem_grow(void **state)
{
	(void)state;
	static const size_t sizes[] = {100, 4096, 300000, (size_t)3 << 20,
				       (size_t)9 << 20};
	unsigned char *p = NULL;
	size_t have = 0;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		unsigned char *q = mem_grow(p, have, sizes[s]);
		assert_non_null(q);
		for (size_t i = 0; i < have; i++)
			if (q[i] != (unsigned char)(i * 31 + 7))
				fail_msg("byte %zu lost growing to %zu", i,
					 sizes[s]);
		if (sizes[s] >= ((size_t)2 << 20))
			assert_int_equal((uintptr_t)q % ((size_t)2 << 20), 0);
		for (size_t i = have; i < sizes[s]; i++)
			q[i] = (unsigned char)(i * 31 + 7);
		p = q;
		have = sizes[s];
	}
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counting_path),
		cmocka_unit_test(test_qsort_paths),
		cmocka_unit_test(test_as_added),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_date),
		cmocka_unit_test(test_keep),
		cmocka_unit_test(test_items_order),
		cmocka_unit_test(test_mem_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
