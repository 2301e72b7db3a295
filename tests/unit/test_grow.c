/*
 * test_grow.c: grow_array (daemon/grow.c), the growing of the daemon's
 * lists: room is made, the capacity doubles, what was there stays, and a
 * size that would overflow is refused with the array unchanged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "grow.h"

static void grows_and_keeps(void **state)
{
	(void)state;
	int *v = NULL;
	size_t cap = 0, n = 0;
	for (int i = 0; i < 1000; i++) {
		assert_true(grow_array((void **)&v, &cap, n + 1, sizeof(*v)));
		assert_true(cap >= n + 1);
		v[n++] = i;
	}
	/* Doubling from 16: 1000 fits in 1024. */
	assert_int_equal(cap, 1024);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], i);
	/* Enough room already: nothing moves. */
	int *before = v;
	assert_true(grow_array((void **)&v, &cap, 10, sizeof(*v)));
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 1024);
	/* A need far past double is met at once. */
	assert_true(grow_array((void **)&v, &cap, 5000, sizeof(*v)));
	assert_int_equal(cap, 8192);
	assert_int_equal(v[999], 999);
	free(v);
}

static void refuses_overflow(void **state)
{
	(void)state;
	char *v = NULL;
	size_t cap = 0;
	assert_true(grow_array((void **)&v, &cap, 3, 1));
	v[0] = 'x';
	char *before = v;
	assert_false(grow_array((void **)&v, &cap, SIZE_MAX / 2 + 2, 1));
	assert_false(grow_array((void **)&v, &cap, 1000, SIZE_MAX / 100));
	assert_ptr_equal(v, before);
	assert_int_equal(cap, 16);
	assert_int_equal(v[0], 'x');
	free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grows_and_keeps),
		cmocka_unit_test(refuses_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
