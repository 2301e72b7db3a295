/*
 * daemon.h: the state one running foiad carries, handed to every method.
 */
#ifndef FOIAD_DAEMON_H
#define FOIAD_DAEMON_H

#include <stdbool.h>
#include <time.h>

#include "config.h"
#include "store.h"

struct daemon {
	struct config cfg;
	bool system_mode;
	struct store *store;
	time_t started;
};

#endif
