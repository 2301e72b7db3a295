/*
 * daemon.h: the state one running foiad carries, handed to every method.
 */
#ifndef FOIAD_DAEMON_H
#define FOIAD_DAEMON_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "jurisdiction.h"
#include "store.h"
#include "timers.h"

struct daemon {
	struct timers timers; /* wake-ups and change listeners */
	struct config cfg;
	struct jurisdictions laws; /* empty when no file was found */
	/* Moves whenever the laws or settings deadlines are derived from
	 * are replaced or extended (a reload, imported holidays): what was
	 * derived under the old ones is to be derived again. */
	unsigned long laws_gen;
	bool system_mode;
	struct store *store;
	time_t started;
};

#endif
