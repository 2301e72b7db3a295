/*
 * caldav.h: publishing every deadline to a CalDAV collection (the caldav
 * block of foiad.conf), for calendars that sync rather than subscribe.
 *
 * Each live deadline of each open request (the events of the feeds,
 * feeds.h) is its own resource, <collection>/<request>-<kind>.ics, whose
 * event has the feeds' UID. A sync compares what should be there with
 * what the server was last known to hold (store.h, caldav_event) and
 * sends only the differences: PUT with If-None-Match: * for a new one,
 * PUT with If-Match: <the ETag held> for one that changed (SEQUENCE grows
 * when its date moves), DELETE (If-Match) for one that went away (met,
 * closed, withdrawn). A resource's name never changes, so whatever
 * happens (a crash between the server's answer and the record of it, a
 * 412 because someone else changed it, which foiad then overwrites) no
 * event is ever there twice.
 *
 * Syncs run one request at a time on the event loop without blocking it
 * (fetch.h): after a change (debounced), after a reload, just after local
 * midnight (deadlines turn overdue), and when the server is down, again
 * after 10 s, 20 s, 40 s ... up to an hour.
 */
#ifndef FOIAD_CALDAV_H
#define FOIAD_CALDAV_H

struct daemon;

#define CALDAV_DEBOUNCE_MS 1000
#define CALDAV_MAX_OPS	   1000 /* per pass; a longer list takes passes */
#define CALDAV_TIMEOUT_S   60L

/* Register the timers and the change listener and sync as soon as the
 * loop runs. -1 on failure (logged). */
int caldav_init(struct daemon *d);

/* Start a sync now unless one is running (which then runs again). */
void caldav_sync(struct daemon *d);

/* The name of a deadline's resource: "12-determination.ics". */
void caldav_resource(long long request, const char *kind, char *buf,
		     unsigned long len);

#endif
