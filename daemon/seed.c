/*
 * seed.c: bringing config/agencies.conf into the database at start and on
 * reload. New codes are added, existing ones left as the group edited them;
 * the whole seed is one transaction, so a bad entry adds nothing.
 */
#include "seed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency_check.h"

struct seed_walk {
	struct store *st;
	int added;
};

static int seed_one(const struct agency *a, void *arg, char *err, size_t errlen)
{
	struct seed_walk *w = arg;
	struct agency have = {0}, copy = *a;

	if (!copy.jurisdiction)
		copy.jurisdiction = "us-federal";
	if (!agency_valid(&copy, err, errlen))
		return -1;
	int rc = store_agency_get(w->st, a->code, &have);
	agency_clear(&have);
	if (rc == STORE_OK)
		return 0;
	if (rc == STORE_NOT_FOUND)
		rc = store_agency_insert(w->st, &copy);
	if (rc == STORE_OK) {
		struct event e = {.agency = copy.code,
				  .actor = "foiad",
				  .kind = "agency",
				  .field = "code",
				  .new_value = copy.code,
				  .note = "added from the seed file"};
		rc = store_event_append(w->st, &e);
		free(e.at);
	}
	if (rc != STORE_OK) {
		snprintf(err, errlen, "agency '%s': %s", a->code,
			 rc == STORE_NOT_FOUND ? "unknown parent (list parents "
						 "before their components)"
					       : store_errmsg(w->st));
		return -1;
	}
	w->added++;
	return 0;
}

int seed_agencies(struct store *st, const char *file,
		  struct config_errors *errs)
{
	struct seed_walk w = {st, 0};
	if (store_begin(st) != STORE_OK) {
		config_error_add(errs, file, 0, "%s", store_errmsg(st));
		return -1;
	}
	if (config_load_agencies(file, seed_one, &w, errs) < 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st) != STORE_OK) {
		config_error_add(errs, file, 0, "%s", store_errmsg(st));
		store_rollback(st);
		return -1;
	}
	return w.added;
}
