/*
 * sha256.h: SHA-256 (FIPS 180-4), for the hash chain of the event log
 * (store_event.c). A small implementation of our own rather than a new
 * library: the daemon links nothing else with a hash in it, and a chain
 * over short rows needs no speed beyond what a plain loop gives. Pure:
 * no I/O, no allocation.
 */
#ifndef FOIAD_SHA256_H
#define FOIAD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32 /* bytes of a digest */
#define SHA256_HEX 65 /* its lower-case hex and a NUL */

struct sha256 {
	uint32_t h[8];
	uint64_t bytes; /* message length so far */
	uint8_t buf[64];
	size_t nbuf;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
/* The digest of one buffer. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
/* Lower-case hex of a digest. */
void sha256_hex(const uint8_t d[SHA256_LEN], char out[SHA256_HEX]);

#endif
