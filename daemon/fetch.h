/*
 * fetch.h: HTTP(S) downloads, and the uploads of the notifier (mail over
 * SMTP, webhook POSTs, CalDAV PUT and DELETE), that never block the daemon.
 *
 * A download is started with fetch_start and finishes later, in a call of
 * its done callback from fetch_dispatch. The transfers run on libcurl's
 * multi interface, driven by the server's poll loop: each turn the server
 * adds fetch_pollfds' sockets to its poll set, bounds its wait by
 * fetch_timeout_ms, and after poll hands the same slots to fetch_dispatch,
 * which moves the transfers on and reports those that ended. Only http
 * and https are fetched (redirects too), at most FETCH_MAX_REDIRS
 * redirects are followed, an HTTP status of 400 or more fails, and a body
 * over its max_bytes fails rather than being cut.
 *
 * Uploads (fetch_send_start) share the same machinery and limits: a mail
 * handed to an SMTP server, or a body sent with an HTTP method. They
 * report more than a download does (struct fetch_reply), because the
 * notifier must know whether the server may have taken a message it did
 * not acknowledge: it never sends one twice.
 *
 * One set of transfers per process (libcurl's own state is global too):
 * fetch_init once at start, fetch_cleanup once at the end.
 */
#ifndef FOIAD_FETCH_H
#define FOIAD_FETCH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

#define FETCH_MAX_TRANSFERS 8  /* downloads at once */
#define FETCH_MAX_POLLFDS   64 /* sockets the server need poll for them */
#define FETCH_MAX_REDIRS    5

/*
 * A finished download. ok: body holds len bytes, NUL-terminated as a
 * convenience (the body itself may hold NULs). Otherwise error says what
 * went wrong in lower case ("the server answered HTTP 404", "the download
 * is over 4 MiB", "timed out after 30 s"), and http_status is the last
 * status seen or 0.
 * body and error are valid only during the call.
 */
typedef void (*fetch_done_fn)(void *arg, int ok, long http_status,
			      const char *body, size_t len, const char *error);

int fetch_init(char *err, size_t errlen);
/* Abort whatever is running; each done callback is called (not ok). */
void fetch_cleanup(void);

/*
 * Start a GET of url. done(arg, ...) is called exactly once, later, from
 * fetch_dispatch or fetch_cleanup; never from within fetch_start. Returns
 * 0, or -1 with a message in err (not started, done never called).
 */
int fetch_start(const char *url, size_t max_bytes, long timeout_s,
		fetch_done_fn done, void *arg, char *err, size_t errlen);

enum fetch_verb {
	FETCH_SMTP,   /* send body as a mail (RFC 5322 message) */
	FETCH_POST,   /* HTTP POST of body */
	FETCH_PUT,    /* HTTP PUT of body */
	FETCH_DELETE, /* HTTP DELETE, no body */
};

/* What to send. Everything is copied by fetch_send_start. */
struct fetch_send {
	enum fetch_verb verb;
	const char *url;       /* smtp:// or smtps:// for mail; else http(s) */
	const char *user;      /* NULL: no authentication */
	const char *password;  /* with user; never logged */
	const char *mail_from; /* SMTP: the envelope sender address */
	const char *const *rcpt;    /* SMTP: recipients, NULL-terminated */
	bool require_tls;	    /* SMTP smtp://: fail unless STARTTLS works
				       (otherwise TLS is used when offered) */
	const char *const *headers; /* HTTP: "Name: value", NULL-terminated */
	const char *body;	    /* SMTP, POST, PUT */
	size_t len;
	long timeout_s;
	size_t max_reply; /* HTTP: bytes of the answer kept (more are
			     dropped, not an error) */
};

/*
 * How a send ended. ok: the server accepted it (SMTP: the message was
 * queued; HTTP: a 2xx status). status: the last SMTP or HTTP status seen,
 * or 0. uploaded: the whole body was handed over, so a server that did
 * not answer may still have taken it; false means it certainly did not
 * (nothing was sent, or the transfer broke off before the end of the
 * body). body/len: the HTTP answer, NUL-terminated; etag: its ETag header
 * or NULL; error: why it failed (lower case), NULL when ok. All valid only
 * during the call.
 */
struct fetch_reply {
	bool ok;
	long status;
	bool uploaded;
	const char *body;
	size_t len;
	const char *etag;
	const char *error;
};
typedef void (*fetch_sent_fn)(void *arg, const struct fetch_reply *r);
/* Called once, from within fetch_dispatch, when the last byte of the body
 * has been handed to libcurl (before the server's answer). */
typedef void (*fetch_uploaded_fn)(void *arg);

/*
 * Start a send; done(arg, ...) is called exactly once, later, as with
 * fetch_start; uploaded (may be NULL) before it when the whole body went.
 * Returns 0, or -1 with a message in err (not started, nothing called).
 */
int fetch_send_start(const struct fetch_send *s, fetch_sent_fn done,
		     fetch_uploaded_fn uploaded, void *arg, char *err,
		     size_t errlen);

/* Transfers (downloads and sends) still running. */
size_t fetch_running(void);

/* Fill up to max poll slots with the sockets libcurl waits on; returns
 * how many were filled. */
size_t fetch_pollfds(struct pollfd *pfd, size_t max);
/* Milliseconds until libcurl's timer is due (0: now), or -1 for none. */
int fetch_timeout_ms(void);
/* After poll: act on the ready slots of those fetch_pollfds filled, run a
 * due timer, and call the done callbacks of the downloads that ended. */
void fetch_dispatch(const struct pollfd *pfd, size_t n);

#endif
