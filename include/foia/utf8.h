/*
 * utf8.h: the protocol's text is UTF-8, checked the same way on both ends.
 *
 * Strict RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF.
 * Pure and inline, like civil.h, so foia and foiad share one definition.
 */
#ifndef FOIA_UTF8_H
#define FOIA_UTF8_H

#include <stddef.h>

/* Offset of the first byte that is not part of a valid sequence, or len
 * when all of s is valid. */
static inline size_t foia_utf8_invalid_at(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned min, cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1, min = 0x80, cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2, min = 0x800, cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return i;
		}
		if (i + n >= len) /* truncated sequence */
			return i;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n + 1;
	}
	return len;
}

#endif
