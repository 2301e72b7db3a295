/*
 * notifier.h: sends what the scheduler queued in the outbox, through each
 * configured channel: email (smtp) and webhook.
 *
 * Sending is asynchronous (fetch.h): a row is marked sending, committed,
 * and handed to libcurl; it is marked sent only when the server accepted
 * it. A send that certainly delivered nothing (no connection, refused
 * before the end of the message, an error status) goes back to pending
 * and is tried again after 10 s, 20 s, 40 s ... up to an hour between
 * tries, NOTIFY_MAX_ATTEMPTS tries in all. A send that broke off after the
 * whole message went, with no answer, may have been delivered: it is
 * marked failed rather than sent again, so nothing is ever delivered twice
 * on one channel, across restarts included (see store_outbox_recover).
 * Retries wait on a timer, never a polling loop.
 */
#ifndef FOIAD_NOTIFIER_H
#define FOIAD_NOTIFIER_H

#include <stdbool.h>

#include "config.h"

struct daemon;

#define NOTIFY_MAX_INFLIGHT  3 /* sends at once (downloads share the rest) */
#define NOTIFY_RETRY_FIRST_S 10
#define NOTIFY_RETRY_MAX_S   3600
#define NOTIFY_MAX_ATTEMPTS  40
#define NOTIFY_TIMEOUT_S     60L

/* Recover rows a previous run left half sent; register the retry timer.
 * -1 on failure (logged). */
int notifier_init(struct daemon *d);
/* Start the sends that are due, as many as may run, and arm the timer
 * for the next retry. Call after queueing and after a reload. */
void notifier_kick(struct daemon *d);

/* The channels a request of project (NULL: none) is sent on, by cfg. */
bool notifier_has_email(const struct config *cfg, const char *project);
bool notifier_has_webhook(const struct config *cfg, const char *project);

/* Seconds to wait before try attempts + 1, after attempts failed ones. */
long notifier_backoff(int attempts);

#endif
