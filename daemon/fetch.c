/*
 * fetch.c: HTTP(S) downloads, and the notifier's sends (mail over SMTP,
 * HTTP POST, PUT and DELETE), on libcurl's multi interface (fetch.h). The
 * only file that speaks libcurl.
 *
 * libcurl tells us which sockets it waits on (CURLMOPT_SOCKETFUNCTION)
 * and when it next wants to run (CURLMOPT_TIMERFUNCTION); we keep both
 * here and let the server's poll() do the waiting, then hand readiness
 * back with curl_multi_socket_action. Nothing here ever waits: name
 * lookups run in libcurl's resolver thread, and signals are off
 * (CURLOPT_NOSIGNAL) since the daemon takes its own through a signalfd.
 * Bodies are collected in memory up to the caller's limit; a larger one
 * fails the transfer instead of being cut, so a truncated calendar is
 * never taken for a whole one.
 *
 * A send uploads a copy of its body through a read callback, which is
 * how it knows (and tells the notifier) when the whole body has gone:
 * before that moment the server cannot have accepted the message, after
 * it the server may have even if no answer comes.
 */
#include "fetch.h"

#include <ctype.h>
#include <curl/curl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "foia/protocol.h"
#include "log.h"

struct transfer {
	CURL *easy;
	struct transfer *next;
	char *body;
	size_t len, cap, max;
	bool too_big;
	bool keep_partial; /* a send: an answer over max is cut, not failed */
	bool smtp;
	long timeout_s;
	fetch_done_fn done; /* a download */
	fetch_sent_fn sent; /* or a send */
	fetch_uploaded_fn uploaded;
	void *arg;
	/* A send's body, read by libcurl from up_off on. */
	char *up;
	size_t up_len, up_off;
	bool up_done;
	struct curl_slist *rcpt, *headers;
	char etag[256];
	char errbuf[CURL_ERROR_SIZE];
};

/* A socket libcurl waits on, and for what (CURL_POLL_IN/OUT/INOUT). */
struct watched {
	curl_socket_t fd;
	int what;
};

static struct {
	CURLM *multi;
	struct transfer *list;
	size_t running;
	struct watched socks[FETCH_MAX_POLLFDS];
	size_t nsocks;
	int64_t timer; /* monotonic ms when libcurl wants to run, or -1 */
} F = {.timer = -1};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp,
		     void *socketp)
{
	(void)easy, (void)userp, (void)socketp;
	size_t i = 0;
	while (i < F.nsocks && F.socks[i].fd != fd)
		i++;
	if (what == CURL_POLL_REMOVE) {
		if (i < F.nsocks)
			F.socks[i] = F.socks[--F.nsocks];
		return 0;
	}
	if (i == F.nsocks) {
		/* FETCH_MAX_TRANSFERS keeps this far off; failing here makes
		 * libcurl fail the transfers rather than hang them. */
		if (F.nsocks == FETCH_MAX_POLLFDS)
			return -1;
		F.socks[F.nsocks++].fd = fd;
	}
	F.socks[i].what = what;
	return 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
	(void)multi, (void)userp;
	F.timer = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
	return 0;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb, whole = n;
	if (n > t->max - t->len && t->keep_partial) {
		n = t->max - t->len;
		if (n == 0)
			return whole;
	} else if (n > t->max - t->len) {
		t->too_big = true;
		return 0; /* fails the transfer with CURLE_WRITE_ERROR */
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 16384;
		while (cap < t->len + n + 1)
			cap *= 2;
		if (cap > t->max + 1)
			cap = t->max + 1;
		char *body = realloc(t->body, cap);
		if (!body)
			return 0;
		t->body = body;
		t->cap = cap;
	}
	memcpy(t->body + t->len, data, n);
	t->len += n;
	t->body[t->len] = '\0';
	return whole;
}

/* libcurl asks for more of a send's body. */
static size_t on_read(char *buf, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = t->up_len - t->up_off;
	if (n > size * nmemb)
		n = size * nmemb;
	memcpy(buf, t->up + t->up_off, n);
	t->up_off += n;
	if (t->up_off == t->up_len && !t->up_done) {
		t->up_done = true;
		if (t->uploaded)
			t->uploaded(t->arg);
	}
	return n;
}

/* Keep the ETag of an HTTP answer (CalDAV updates name it in If-Match). */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	struct transfer *t = userp;
	size_t n = size * nmemb;
	if (n > 5 && strncasecmp(data, "etag:", 5) == 0) {
		size_t i = 5, j = n;
		while (i < j && (data[i] == ' ' || data[i] == '\t'))
			i++;
		while (j > i && (data[j - 1] == '\r' || data[j - 1] == '\n' ||
				 data[j - 1] == ' '))
			j--;
		if (j - i < sizeof(t->etag)) {
			memcpy(t->etag, data + i, j - i);
			t->etag[j - i] = '\0';
		}
	} else if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		t->etag[0] = '\0'; /* a new answer (after a 100 Continue) */
	}
	return n;
}

int fetch_init(char *err, size_t errlen)
{
	if (F.multi)
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "cannot set up libcurl");
		return -1;
	}
	F.multi = curl_multi_init();
	if (!F.multi ||
	    curl_multi_setopt(F.multi, CURLMOPT_SOCKETFUNCTION, on_socket) !=
		    CURLM_OK ||
	    curl_multi_setopt(F.multi, CURLMOPT_TIMERFUNCTION, on_timer) !=
		    CURLM_OK) {
		snprintf(err, errlen, "cannot set up libcurl's multi handle");
		if (F.multi)
			curl_multi_cleanup(F.multi);
		F.multi = NULL;
		curl_global_cleanup();
		return -1;
	}
	F.timer = -1;
	/* Without a resolver thread (or c-ares) a name lookup would hold the
	 * whole daemon until it ends. */
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
	if (!v || !(v->features & CURL_VERSION_ASYNCHDNS))
		log_warnx("this libcurl looks names up synchronously: a slow "
			  "DNS server holds foiad during a download");
	return 0;
}

static void transfer_free(struct transfer *t)
{
	if (t->easy)
		curl_easy_cleanup(t->easy);
	curl_slist_free_all(t->rcpt);
	curl_slist_free_all(t->headers);
	free(t->up);
	free(t->body);
	free(t);
}

/* Tell a transfer's owner it failed with error. */
static void report_failure(struct transfer *t, long status, const char *error)
{
	if (t->done) {
		t->done(t->arg, 0, status, NULL, 0, error);
		return;
	}
	struct fetch_reply r = {
		.status = status, .uploaded = t->up_done, .error = error};
	t->sent(t->arg, &r);
}

static void unlink_transfer(struct transfer *t)
{
	for (struct transfer **p = &F.list; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			F.running--;
			return;
		}
}

void fetch_cleanup(void)
{
	if (!F.multi)
		return;
	while (F.list) {
		struct transfer *t = F.list;
		F.list = t->next;
		F.running--;
		curl_multi_remove_handle(F.multi, t->easy);
		report_failure(t, 0, "foiad is stopping");
		transfer_free(t);
	}
	curl_multi_cleanup(F.multi);
	curl_global_cleanup();
	F.multi = NULL;
	F.nsocks = 0;
	F.timer = -1;
}

static bool set_options(struct transfer *t, const char *url)
{
	CURL *e = t->easy;
	return curl_easy_setopt(e, CURLOPT_URL, url) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https") ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)FETCH_MAX_REDIRS) ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_TIMEOUT, t->timeout_s) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
				(curl_off_t)t->max) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_USERAGENT, "foiad/" FOIA_VERSION) ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data) ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_WRITEDATA, t) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_PRIVATE, t) == CURLE_OK;
}

/* Add a set-up transfer to the multi handle and the list; frees it on
 * failure. */
static int launch(struct transfer *t, char *err, size_t errlen)
{
	if (curl_multi_add_handle(F.multi, t->easy) != CURLM_OK) {
		snprintf(err, errlen, "cannot start the transfer");
		transfer_free(t);
		return -1;
	}
	t->next = F.list;
	F.list = t;
	F.running++;
	return 0;
}

/* A new transfer, when the multi handle is up and below its limit.
 * unset: the message when it is not; noun: what is "running already". */
static struct transfer *transfer_new(const char *unset, const char *noun,
				     char *err, size_t errlen)
{
	if (!F.multi) {
		snprintf(err, errlen, "%s", unset);
		return NULL;
	}
	if (F.running >= FETCH_MAX_TRANSFERS) {
		snprintf(err, errlen,
			 "%d %s are running already; try again later",
			 FETCH_MAX_TRANSFERS, noun);
		return NULL;
	}
	struct transfer *t = calloc(1, sizeof(*t));
	if (!t)
		snprintf(err, errlen, "out of memory");
	return t;
}

int fetch_start(const char *url, size_t max_bytes, long timeout_s,
		fetch_done_fn done, void *arg, char *err, size_t errlen)
{
	struct transfer *t = transfer_new("downloads are not set up",
					  "downloads", err, errlen);
	if (!t)
		return -1;
	t->max = max_bytes < SIZE_MAX - 1 ? max_bytes : SIZE_MAX - 2;
	t->timeout_s = timeout_s > 0 ? timeout_s : 1;
	t->done = done;
	t->arg = arg;
	t->easy = curl_easy_init();
	if (!t->easy || !set_options(t, url)) {
		snprintf(err, errlen, "cannot set up the download");
		transfer_free(t);
		return -1;
	}
	return launch(t, err, errlen);
}

/* The options every send shares. */
static bool set_send_common(struct transfer *t, const struct fetch_send *s)
{
	CURL *e = t->easy;
	bool ok = curl_easy_setopt(e, CURLOPT_URL, s->url) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_TIMEOUT, t->timeout_s) ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf) ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_PRIVATE, t) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data) ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_WRITEDATA, t) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read) ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_READDATA, t) == CURLE_OK;
	if (ok && s->user)
		ok = curl_easy_setopt(e, CURLOPT_USERNAME, s->user) ==
			     CURLE_OK &&
		     curl_easy_setopt(e, CURLOPT_PASSWORD,
				      s->password ? s->password : "") ==
			     CURLE_OK;
	return ok;
}

static bool set_smtp(struct transfer *t, const struct fetch_send *s)
{
	CURL *e = t->easy;
	char addr[512];
	for (size_t i = 0; s->rcpt && s->rcpt[i]; i++) {
		snprintf(addr, sizeof(addr), "<%s>", s->rcpt[i]);
		struct curl_slist *l = curl_slist_append(t->rcpt, addr);
		if (!l)
			return false;
		t->rcpt = l;
	}
	snprintf(addr, sizeof(addr), "<%s>", s->mail_from ? s->mail_from : "");
	return t->rcpt &&
	       curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps") ==
		       CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_MAIL_FROM, addr) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t->rcpt) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_USE_SSL,
				s->require_tls
					? (long)CURLUSESSL_ALL
					: (long)CURLUSESSL_TRY) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
	       curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
				(curl_off_t)t->up_len) == CURLE_OK;
}

static bool set_http(struct transfer *t, const struct fetch_send *s)
{
	CURL *e = t->easy;
	/* No "Expect: 100-continue" round trip: the bodies are small. */
	struct curl_slist *l = curl_slist_append(NULL, "Expect:");
	t->headers = l;
	for (size_t i = 0; l && s->headers && s->headers[i]; i++)
		if ((l = curl_slist_append(t->headers, s->headers[i])))
			t->headers = l;
	if (!l)
		return false;
	bool ok = curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers) ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_USERAGENT,
				   "foiad/" FOIA_VERSION) == CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) ==
			  CURLE_OK &&
		  curl_easy_setopt(e, CURLOPT_HEADERDATA, t) == CURLE_OK;
	if (!ok)
		return false;
	switch (s->verb) {
	case FETCH_POST:
		return curl_easy_setopt(e, CURLOPT_POST, 1L) == CURLE_OK &&
		       curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
					(curl_off_t)t->up_len) == CURLE_OK;
	case FETCH_PUT:
		return curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
		       curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE,
					(curl_off_t)t->up_len) == CURLE_OK;
	case FETCH_DELETE:
		return curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE") ==
		       CURLE_OK;
	default:
		return false;
	}
}

int fetch_send_start(const struct fetch_send *s, fetch_sent_fn done,
		     fetch_uploaded_fn uploaded, void *arg, char *err,
		     size_t errlen)
{
	struct transfer *t =
		transfer_new("sending is not set up", "transfers", err, errlen);
	if (!t)
		return -1;
	t->max = s->max_reply;
	t->keep_partial = true;
	t->smtp = s->verb == FETCH_SMTP;
	t->timeout_s = s->timeout_s > 0 ? s->timeout_s : 1;
	t->sent = done;
	t->uploaded = uploaded;
	t->arg = arg;
	t->up_len = s->verb == FETCH_DELETE ? 0 : s->len;
	/* Nothing to upload: nothing can be half sent either. */
	t->up_done = t->up_len == 0 && s->verb != FETCH_DELETE;
	if (t->up_len && !(t->up = malloc(t->up_len))) {
		snprintf(err, errlen, "out of memory");
		free(t);
		return -1;
	}
	if (t->up_len)
		memcpy(t->up, s->body, t->up_len);
	t->easy = curl_easy_init();
	if (!t->easy || !set_send_common(t, s) ||
	    !(s->verb == FETCH_SMTP ? set_smtp(t, s) : set_http(t, s))) {
		snprintf(err, errlen, "cannot set up the transfer");
		transfer_free(t);
		return -1;
	}
	return launch(t, err, errlen);
}

size_t fetch_running(void)
{
	return F.running;
}

size_t fetch_pollfds(struct pollfd *pfd, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < F.nsocks && n < max; i++) {
		short ev = 0;
		if (F.socks[i].what & CURL_POLL_IN)
			ev |= POLLIN;
		if (F.socks[i].what & CURL_POLL_OUT)
			ev |= POLLOUT;
		pfd[n++] = (struct pollfd){.fd = F.socks[i].fd, .events = ev};
	}
	return n;
}

int fetch_timeout_ms(void)
{
	if (!F.multi || F.timer < 0)
		return -1;
	int64_t left = F.timer - now_ms();
	return left <= 0 ? 0 : left > INT_MAX ? INT_MAX : (int)left;
}

/* The error text for a failed transfer, in lower case. */
static void describe(const struct transfer *t, CURLcode res, long status,
		     char *buf, size_t len)
{
	if (t->too_big || res == CURLE_FILESIZE_EXCEEDED) {
		if (t->max >= 1 << 20 && t->max % (1 << 20) == 0)
			snprintf(buf, len, "the download is over %zu MiB",
				 t->max >> 20);
		else if (t->max >= 1024 && t->max % 1024 == 0)
			snprintf(buf, len, "the download is over %zu KiB",
				 t->max >> 10);
		else
			snprintf(buf, len, "the download is over %zu bytes",
				 t->max);
	} else if (res == CURLE_HTTP_RETURNED_ERROR) {
		snprintf(buf, len, "the server answered HTTP %ld", status);
	} else if (res == CURLE_OPERATION_TIMEDOUT) {
		snprintf(buf, len, "timed out after %ld s", t->timeout_s);
	} else if (res == CURLE_TOO_MANY_REDIRECTS) {
		snprintf(buf, len, "more than %d redirects", FETCH_MAX_REDIRS);
	} else if (res == CURLE_UNSUPPORTED_PROTOCOL && !t->sent) {
		snprintf(buf, len, "only http and https URLs are fetched");
	} else {
		snprintf(buf, len, "%s",
			 t->errbuf[0] ? t->errbuf : curl_easy_strerror(res));
		buf[0] = (char)tolower((unsigned char)buf[0]);
	}
}

/* A send ended: accepted on a clean end with an HTTP 2xx (SMTP has no
 * such status: libcurl fails the transfer on any refusal). */
static void finish_send(struct transfer *t, CURLcode res, long status)
{
	char text[CURL_ERROR_SIZE + 64];
	struct fetch_reply r = {.status = status,
				.uploaded = t->up_done,
				.body = t->body ? t->body : "",
				.len = t->len,
				.etag = t->etag[0] ? t->etag : NULL};
	if (res != CURLE_OK) {
		describe(t, res, status, text, sizeof(text));
		r.error = text;
	} else if (!t->smtp && (status < 200 || status > 299)) {
		snprintf(text, sizeof(text), "the server answered HTTP %ld",
			 status);
		r.error = text;
	} else {
		r.ok = true;
	}
	t->sent(t->arg, &r);
}

/* Report every transfer that ended and let it go. */
static void finish_done(void)
{
	CURLMsg *msg;
	int left;
	while ((msg = curl_multi_info_read(F.multi, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		/* msg dies with remove_handle: take what we need first. */
		CURL *e = msg->easy_handle;
		CURLcode res = msg->data.result;
		char *priv = NULL, text[CURL_ERROR_SIZE + 64];
		long status = 0;
		if (curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv) != CURLE_OK ||
		    !priv)
			continue; /* not ours: cannot happen */
		struct transfer *t = (struct transfer *)priv;
		if (curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status) !=
		    CURLE_OK)
			status = 0;
		curl_multi_remove_handle(F.multi, e);
		unlink_transfer(t);
		if (t->sent) {
			finish_send(t, res, status);
		} else if (res == CURLE_OK) {
			t->done(t->arg, 1, status, t->body ? t->body : "",
				t->len, NULL);
		} else {
			describe(t, res, status, text, sizeof(text));
			t->done(t->arg, 0, status, NULL, 0, text);
		}
		transfer_free(t);
	}
}

void fetch_dispatch(const struct pollfd *pfd, size_t n)
{
	int still;
	if (!F.multi)
		return;
	for (size_t i = 0; i < n; i++) {
		int ev = 0;
		if (!pfd[i].revents)
			continue;
		if (pfd[i].revents & (POLLIN | POLLHUP))
			ev |= CURL_CSELECT_IN;
		if (pfd[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (pfd[i].revents & (POLLERR | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		/* Only CURLM_BAD_SOCKET can come back here, for a socket
		 * libcurl let go of since the poll set was made: nothing to
		 * do. Failed transfers are reported through info_read. */
		(void)curl_multi_socket_action(F.multi, pfd[i].fd, ev, &still);
	}
	if (F.timer >= 0 && now_ms() >= F.timer) {
		/* The callback may set a new timer while we run this one. */
		F.timer = -1;
		(void)curl_multi_socket_action(F.multi, CURL_SOCKET_TIMEOUT, 0,
					       &still);
	}
	finish_done();
}
