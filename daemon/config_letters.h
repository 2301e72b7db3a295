/*
 * config_letters.h: the letters block of foiad.conf (where the letter
 * templates are, who signs, how to be answered), for config.c's settings
 * table. Only config*.c include this header (it speaks libconfig).
 */
#ifndef FOIAD_CONFIG_LETTERS_H
#define FOIAD_CONFIG_LETTERS_H

#include <libconfig.h>

#include "config.h"

/* The defaults: templates in the data directory, nothing else. -1 when
 * out of memory. */
int config_letters_defaults(struct config *cfg);
/* Read the letters group s into cfg; problems go into errs as
 * "file:line: message". */
void config_letters_apply(const char *file, struct config *cfg,
			  struct config_errors *errs, config_setting_t *s);
/* Copy src's letters settings into dst, whose own are not yet set. -1
 * when out of memory (dst's are then empty). */
int config_letters_copy(struct config *dst, const struct config *src);
void config_letters_clear(struct config *cfg);

#endif
