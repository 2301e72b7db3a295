/*
 * timers.h: the daemon's timers and change listeners.
 *
 * The event loop sleeps until the earliest armed timer (or a client): a
 * part of the daemon that has work at a known moment (reminders, a
 * debounced calendar rewrite) arms a timer for it instead of polling.
 * Change listeners run after every successful change made through the
 * socket, and after a reload, so derived outputs re-plan at once.
 */
#ifndef FOIAD_TIMERS_H
#define FOIAD_TIMERS_H

#include <stdbool.h>
#include <stdint.h>

struct daemon;

#define TIMERS_MAX	     16
#define CHANGE_LISTENERS_MAX 8

typedef void (*timer_fn)(struct daemon *d, void *arg);
typedef void (*change_fn)(struct daemon *d);

struct timer {
	timer_fn fn;
	void *arg;
	bool armed;
	int64_t due_ms; /* monotonic */
};

struct timers {
	struct timer v[TIMERS_MAX];
	int n;
	change_fn listeners[CHANGE_LISTENERS_MAX];
	int nlisteners;
};

/* Monotonic milliseconds. */
int64_t timers_now_ms(void);

/* Register a timer; returns its id, or -1 when the table is full. */
int timer_add(struct timers *t, timer_fn fn, void *arg);
void timer_arm_in(struct timers *t, int id, int64_t delay_ms);
void timer_disarm(struct timers *t, int id);
/* Milliseconds until the earliest armed timer, or -1 when none is. */
int64_t timers_next_ms(const struct timers *t);
/* Run (and disarm) every timer that is due. */
void timers_run_due(struct timers *t, struct daemon *d);

int change_listen(struct timers *t, change_fn fn);
/* Tell every listener that requests, agencies or laws changed. */
void timers_changed(struct timers *t, struct daemon *d);

#endif
