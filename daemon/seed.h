/*
 * seed.h: adding the agencies of the seed file that the database lacks.
 */
#ifndef FOIAD_SEED_H
#define FOIAD_SEED_H

#include "config.h"
#include "store.h"

/* Add every agency of file whose code is not yet stored; never changes
 * an agency a user may have edited. Returns the number added, or -1 with
 * errs filled (nothing is added then). */
int seed_agencies(struct store *st, const char *file,
		  struct config_errors *errs);

#endif
