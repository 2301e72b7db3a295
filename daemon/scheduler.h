/*
 * scheduler.h: the daemon's reminder scheduler.
 *
 * From every open request's deadlines and the reminders settings (leads,
 * time, timezone, followup_every, digest) it works out which reminders
 * have fallen due (sched_plan.h), queues each in the outbox once per
 * channel (store.h), cancels the pending ones that no longer apply (the
 * request was closed or withdrawn, the deadline met or moved), and arms
 * one timer for the next moment anything falls due: between those
 * moments foiad does not wake. A change made through the socket, a
 * holidays import and a reload re-plan (a burst of changes once, shortly
 * after the first), and the notifier (notifier.h) then sends what was
 * queued.
 */
#ifndef FOIAD_SCHEDULER_H
#define FOIAD_SCHEDULER_H

#include <time.h>

struct daemon;

#define SCHED_DEBOUNCE_MS 200

/* Register the timers and the change listener, recover the outbox, and
 * plan as soon as the event loop runs. -1 on failure (logged). */
int scheduler_init(struct daemon *d);

/* Plan now (the timers call this). */
void scheduler_plan(struct daemon *d);

/* When the scheduler will next wake by itself (UTC), or 0 for never. */
time_t scheduler_next(void);

#endif
