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
	bool system_mode;
	struct store *store;
	time_t started;
};

#endif
