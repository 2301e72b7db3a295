/*
 * store_chain.h: the hash chain of the event log, shared by the store
 * files that append events (store_event.c), open the database (store.c)
 * and restore backups (store_backup.c). Only daemon/store*.c include it.
 *
 * Each event's hash is SHA-256 over a canonical encoding of the hash of
 * the event before it (by id; none for the first) and of the event's own
 * stored fields, id included: changing, removing or renumbering an event
 * breaks the chain at that event. See store_chain.c for the encoding.
 */
#ifndef FOIAD_STORE_CHAIN_H
#define FOIAD_STORE_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sha256.h"
#include "store_backup.h"
#include "store_impl.h"

/* The fields hashed, in this order: id, request_id, agency_id, at, actor,
 * kind, field, old_value, new_value, date, note (the columns of event but
 * the hash). A column added to event later must join them under a new
 * version of the encoding. */
#define CHAIN_NCOLS 11

enum chain_type { CV_NULL, CV_INT, CV_TEXT, CV_OTHER };

/* One stored value: CV_OTHER is a real or a blob, which foiad never
 * writes; it is hashed (as its bytes) so that it never matches. */
struct chain_value {
	enum chain_type type;
	int64_t i;
	const char *text; /* CV_TEXT, CV_OTHER: len bytes */
	size_t len;
};

/* The hash (hex) of an event with fields v after an event whose hash is
 * prev (NULL: the first event, or one whose hash is NULL). */
void chain_hash(const char *prev, const struct chain_value v[CHAIN_NCOLS],
		char out[SHA256_HEX]);

/* The last event's id (0 when there is none) and hash (has_hash false when
 * NULL or there is no event). */
int chain_head(struct store *st, int64_t *last_id, char hash[SHA256_HEX],
	       bool *has_hash);

/* Hash the events that have none after the last one that has one (events
 * written before the chain existed), in one transaction; *filled counts
 * them. */
int store_chain_fill(struct store *st, int64_t *filled);

/* Restoring a backup's event row: when its hash is NULL, the hash it
 * should have into hash (true returned in *set); otherwise check it
 * follows the events restored before it (STORE_CONFLICT with a message
 * naming the event when not). */
int store_chain_restore(struct store *st, const struct backup_table *t,
			const struct backup_value *row, char hash[SHA256_HEX],
			bool *set);

#endif
