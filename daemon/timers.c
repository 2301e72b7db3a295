/*
 * timers.c: a small table of one-shot timers and change listeners (see
 * timers.h). Timers are few and long-lived, so a linear scan is the whole
 * data structure.
 */
#include "timers.h"

#include <time.h>

int64_t timers_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int timer_add(struct timers *t, timer_fn fn, void *arg)
{
	if (t->n >= TIMERS_MAX)
		return -1;
	t->v[t->n] = (struct timer){.fn = fn, .arg = arg};
	return t->n++;
}

void timer_arm_in(struct timers *t, int id, int64_t delay_ms)
{
	if (id < 0 || id >= t->n)
		return;
	t->v[id].armed = true;
	t->v[id].due_ms = timers_now_ms() + (delay_ms > 0 ? delay_ms : 0);
}

void timer_disarm(struct timers *t, int id)
{
	if (id >= 0 && id < t->n)
		t->v[id].armed = false;
}

int64_t timers_next_ms(const struct timers *t)
{
	int64_t now = timers_now_ms(), best = -1;
	for (int i = 0; i < t->n; i++) {
		if (!t->v[i].armed)
			continue;
		int64_t left = t->v[i].due_ms > now ? t->v[i].due_ms - now : 0;
		if (best < 0 || left < best)
			best = left;
	}
	return best;
}

void timers_run_due(struct timers *t, struct daemon *d)
{
	int64_t now = timers_now_ms();
	for (int i = 0; i < t->n; i++) {
		if (!t->v[i].armed || t->v[i].due_ms > now)
			continue;
		/* Disarm first: the callback may arm it again. */
		t->v[i].armed = false;
		t->v[i].fn(d, t->v[i].arg);
	}
}

int change_listen(struct timers *t, change_fn fn)
{
	if (t->nlisteners >= CHANGE_LISTENERS_MAX)
		return -1;
	t->listeners[t->nlisteners++] = fn;
	return 0;
}

void timers_changed(struct timers *t, struct daemon *d)
{
	for (int i = 0; i < t->nlisteners; i++)
		t->listeners[i](d);
}
