/*
 * test_sha256.c: daemon/sha256.c against the test vectors of FIPS 180-4
 * (NIST's "SHA-256 examples": "abc", the empty message, the 448- and
 * 896-bit messages, a million 'a'), messages around the padding
 * boundaries (55, 56, 63, 64, 65, 119, 120 bytes; digests from Python's
 * hashlib), and feeding a message in pieces of every size gives the
 * digest of feeding it whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sha256.h"

static void hex_of(const void *msg, size_t len, char out[SHA256_HEX])
{
	uint8_t d[SHA256_LEN];
	sha256(msg, len, d);
	sha256_hex(d, out);
}

static void test_fips_vectors(void **state)
{
	(void)state;
	char hex[SHA256_HEX];
	hex_of("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	hex_of("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
				 "27ae41e4649b934ca495991b7852b855");
	const char *m448 =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	hex_of(m448, strlen(m448), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
				 "a33ce45964ff2167f6ecedd419db06c1");
	const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklm"
			   "ghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrs"
			   "mnopqrstnopqrstu";
	hex_of(m896, strlen(m896), hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b049237"
				 "0b249b11e8f07a51afac45037afee9d1");
}

static void test_million_a(void **state)
{
	(void)state;
	struct sha256 s;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX];
	char a[1000];
	memset(a, 'a', sizeof(a));
	sha256_init(&s);
	for (int i = 0; i < 1000; i++)
		sha256_update(&s, a, sizeof(a));
	sha256_final(&s, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
				 "f1809a48a497200e046d39ccc7112cd0");
}

static void test_padding_boundaries(void **state)
{
	(void)state;
	static const struct {
		size_t n;
		const char *hex;
	} want[] = {
		{55, "576a1bf8d4478657e6dc4af9398544765c2a92cde28478b019235cfed"
		     "315fc09"},
		{56, "9b20501dfd1d99161c257950f3444f3e49230c351c5c8e0943ef369f8"
		     "5f5205d"},
		{63,
		 "30b345906b493f06f69444b6521113511c242f30e29840462950035043"
		 "682f1e"},
		{64,
		 "d8bc63b4fc1156e5e7d95a418b9bf54cd3174bedbc2db40f74895349b2"
		 "29b3c0"},
		{65,
		 "1ee23b0fbcaecc1aff4a9e8f1645f35ab2c8e13609cd73b68df8b5e3f6"
		 "3ce073"},
		{119,
		 "7a6589821178918ca8d9edaba5abfc1e9b2669564f4469b66885379c1"
		 "530b2c8"},
		{120, "655250427d56b1b0eeb8497d21428704273458a01772d6881b65c0ab"
		      "ac0f8a98"},
	};
	uint8_t msg[128];
	char hex[SHA256_HEX];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 7);
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
		hex_of(msg, want[k].n, hex);
		assert_string_equal(hex, want[k].hex);
	}
}

static void test_pieces(void **state)
{
	(void)state;
	uint8_t msg[300], whole[SHA256_LEN], parts[SHA256_LEN];
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (uint8_t)(i * 31 + 5);
	for (size_t len = 0; len <= sizeof(msg); len += 13) {
		sha256(msg, len, whole);
		for (size_t step = 1; step <= 70; step++) {
			struct sha256 s;
			sha256_init(&s);
			for (size_t off = 0; off < len; off += step)
				sha256_update(&s, msg + off,
					      len - off < step ? len - off
							       : step);
			sha256_final(&s, parts);
			assert_memory_equal(whole, parts, SHA256_LEN);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_vectors),
		cmocka_unit_test(test_million_a),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
