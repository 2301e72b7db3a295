/*
 * server.c: the event loop. One poll() over the signal fd, the listening
 * socket, every client and the sockets of running downloads (fetch.h);
 * nothing in here ever blocks on a client or a download.
 *
 * Each connection reads newline-delimited requests into a bounded buffer and
 * answers them one at a time: a connection with a reply still unsent is not
 * read from, so a client that never reads its replies holds at most one
 * reply's memory and no one else's time. A client must complete each
 * request line within client_timeout seconds of the previous reply (or of
 * connecting): trickling bytes does not extend it.
 *
 * A call may answer later (RPC_PENDING, rpc.h): its connection then waits,
 * neither read from nor timed out (the download has its own timeout), and
 * polled only to notice a hang-up; server_reply_later queues the reply,
 * found by connection id since the connection may be gone by then, and
 * the connection carries on as after any reply.
 */
#include "server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fetch.h"
#include "foia/protocol.h"
#include "log.h"
#include "rpc.h"
#include "upload.h"

#define MAX_CONNS	  512
#define READ_CHUNK	  65536
#define SHUTDOWN_GRACE_MS 2000
#define TIMEOUT_GRACE_MS  1000

struct conn {
	int fd;
	uint64_t id; /* unique for the life of the server */
	struct peer peer;
	char *in;
	size_t inlen, incap;
	char *out;
	size_t outlen, outoff;
	int64_t deadline; /* monotonic ms */
	bool eof;	  /* the client closed its side */
	bool closing;	  /* close once out is sent */
	bool waiting;	  /* a call will answer later (RPC_PENDING) */
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void conn_free(struct conn *c)
{
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void conn_reply(struct conn *c, char *line)
{
	if (!line) {
		log_warnx("out of memory answering %s", c->peer.name);
		c->closing = true;
		return;
	}
	c->out = line;
	c->outlen = strlen(line);
	c->outoff = 0;
}

static void conn_refuse(struct conn *c, const char *code, const char *msg)
{
	conn_reply(c, rpc_error_reply(-1, code, msg));
	c->closing = true;
	c->inlen = 0;
}

/* Send what we can; true when the connection should be dropped. */
static bool conn_flush(struct server *s, struct conn *c)
{
	while (c->out && c->outoff < c->outlen) {
		ssize_t n =
			send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
			     MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return false;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return true;
		c->outoff += (size_t)n;
		c->deadline = now_ms() + s->d->cfg.client_timeout * 1000LL;
	}
	free(c->out);
	c->out = NULL;
	return c->closing;
}

/* Answer complete lines, one at a time, while nothing is waiting to go. */
static void conn_process(struct server *s, struct conn *c)
{
	while (!c->out && !c->closing && !c->waiting && !s->stopping) {
		char *nl = memchr(c->in, '\n', c->inlen);
		if (!nl) {
			if (c->inlen > FOIA_MAX_LINE)
				conn_refuse(c, FOIA_E_TOO_LONG,
					    "request line over 1 MiB");
			else if (c->eof)
				c->closing = true;
			return;
		}
		size_t len = (size_t)(nl - c->in);
		if (len > FOIA_MAX_LINE) {
			conn_refuse(c, FOIA_E_TOO_LONG,
				    "request line over 1 MiB");
			return;
		}
		char *reply;
		int rc = rpc_handle(s->d, &c->peer, s, c->id, c->in, len,
				    &reply);
		memmove(c->in, nl + 1, c->inlen - len - 1);
		c->inlen -= len + 1;
		if (rc == RPC_PENDING) {
			c->waiting = true;
			return;
		}
		conn_reply(c, reply);
		if (!conn_flush(s, c) && !c->out)
			c->deadline =
				now_ms() + s->d->cfg.client_timeout * 1000LL;
	}
}

/* Read what is there; true when the connection should be dropped. */
static bool conn_read(struct server *s, struct conn *c)
{
	for (;;) {
		if (c->incap - c->inlen < READ_CHUNK) {
			size_t cap = c->incap ? c->incap * 2 : READ_CHUNK * 2;
			char *in = realloc(c->in, cap);
			if (!in)
				return true;
			c->in = in;
			c->incap = cap;
		}
		ssize_t n = recv(c->fd, c->in + c->inlen, c->incap - c->inlen,
				 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno != EAGAIN && errno != EWOULDBLOCK;
		if (n == 0) {
			c->eof = true;
			break;
		}
		c->inlen += (size_t)n;
		/* Stop reading once a whole line or too much is here. */
		if (c->inlen > FOIA_MAX_LINE ||
		    memchr(c->in + c->inlen - (size_t)n, '\n', (size_t)n))
			break;
	}
	conn_process(s, c);
	return conn_flush(s, c) ||
	       (c->eof && !c->out && !c->waiting && c->inlen == 0);
}

static void drop(struct server *s, size_t i)
{
	log_debug("client %s (pid %d) gone", s->conns[i]->peer.name,
		  (int)s->conns[i]->peer.pid);
	upload_drop_conn(s, s->conns[i]->id); /* uploads die with it */
	conn_free(s->conns[i]);
	s->conns[i] = s->conns[--s->nconns];
}

static void accept_one(struct server *s, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->fd = fd;
	c->id = ++s->next_conn_id;
	c->deadline = now_ms() + s->d->cfg.client_timeout * 1000LL;
	if (peer_identify(fd, &c->peer) < 0) {
		log_warn("SO_PEERCRED");
		conn_free(c);
		return;
	}
	s->conns[s->nconns++] = c;
	if (!peer_allowed(&c->peer, s->d->system_mode,
			  s->d->cfg.access_group)) {
		log_warnx("refused uid %u (%s): not allowed on this socket",
			  (unsigned)c->peer.uid, c->peer.name);
		conn_refuse(c, FOIA_E_PERMISSION,
			    "permission denied: you are not in the group "
			    "allowed to use foiad");
		if (conn_flush(s, c))
			drop(s, s->nconns - 1);
		return;
	}
	if (s->nconns > MAX_CONNS) {
		conn_refuse(c, FOIA_E_INTERNAL, "too many connections");
		if (conn_flush(s, c))
			drop(s, s->nconns - 1);
	}
}

static void accept_all(struct server *s)
{
	for (;;) {
		if (s->nconns >= MAX_CONNS + 1)
			return; /* leave the rest in the backlog for now */
		int fd = accept4(s->listen_fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_warn("accept");
			return;
		}
		accept_one(s, fd);
	}
}

/* Time out stalled clients; returns ms until the next deadline. */
static int sweep_deadlines(struct server *s)
{
	int64_t now = now_ms(), next = INT64_MAX;
	for (size_t i = 0; i < s->nconns;) {
		struct conn *c = s->conns[i];
		if (c->waiting) {
			i++; /* its download has a timeout of its own */
			continue;
		}
		if (c->deadline <= now && (c->out || c->closing)) {
			drop(s, i); /* not reading its reply: give up */
			continue;
		}
		if (c->deadline <= now) {
			log_debug("client %s timed out", c->peer.name);
			conn_refuse(c, FOIA_E_TIMEOUT,
				    "timed out waiting for a complete request");
			c->deadline = now + TIMEOUT_GRACE_MS;
			if (conn_flush(s, c)) {
				drop(s, i);
				continue;
			}
		}
		if (c->deadline < next)
			next = c->deadline;
		i++;
	}
	return next == INT64_MAX ? -1 : (int)(next - now);
}

static void handle_signals(struct server *s)
{
	struct signalfd_siginfo si;
	while (read(s->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP && s->on_reload) {
			s->on_reload(s->d);
		} else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
			log_info("received signal %u, stopping", si.ssi_signo);
			s->stopping = true;
		}
	}
}

static void serve_clients(struct server *s, struct pollfd *pfd, size_t n)
{
	/* Walk backwards: drop() moves the last connection into slot i. */
	for (size_t k = n; k-- > 0;) {
		struct conn *c = s->conns[k];
		short ev = pfd[k].revents;
		bool gone = false;
		if (ev & (POLLERR | POLLNVAL))
			gone = true;
		else if (c->waiting)
			gone = (ev & POLLHUP) != 0; /* nobody left to answer */
		else if (ev & POLLOUT) {
			gone = conn_flush(s, c);
			if (!gone && !c->out) {
				conn_process(s, c);
				gone = conn_flush(s, c);
			}
		} else if (ev & (POLLIN | POLLHUP))
			gone = conn_read(s, c);
		if (gone)
			drop(s, k);
	}
}

/* Replies unsent or still to come (a call answering later). */
static bool has_pending_output(const struct server *s)
{
	for (size_t i = 0; i < s->nconns; i++)
		if (s->conns[i]->out || s->conns[i]->waiting)
			return true;
	return false;
}

bool server_reply_later(const struct rpc_token *token, char *line)
{
	struct server *s = token ? token->server : NULL;
	for (size_t i = 0; s && i < s->nconns; i++) {
		struct conn *c = s->conns[i];
		if (c->id != token->conn || !c->waiting)
			continue;
		c->waiting = false;
		conn_reply(c, line);
		/* Sent on the next turn of the loop (POLLOUT), which then
		 * reads on: nothing here may drop a connection. */
		c->deadline = now_ms() + s->d->cfg.client_timeout * 1000LL;
		return true;
	}
	free(line);
	return false;
}

/* The earlier of two poll timeouts, -1 meaning none. */
static int min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int poll_once(struct server *s, struct pollfd *pfd, int timeout)
{
	size_t n = s->nconns;
	for (size_t i = 0; i < n; i++) {
		struct conn *c = s->conns[i];
		pfd[i].fd = c->fd;
		/* A waiting connection asks for nothing: poll still reports
		 * a hang-up. A closing one goes as soon as it can. */
		if (c->waiting)
			pfd[i].events = 0;
		else if (c->out || c->closing)
			pfd[i].events = POLLOUT;
		else
			pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	pfd[n] = (struct pollfd){.fd = s->sig_fd, .events = POLLIN};
	pfd[n + 1] = (struct pollfd){.fd = s->stopping ? -1 : s->listen_fd,
				     .events = POLLIN};
	size_t nf = fetch_pollfds(pfd + n + 2, FETCH_MAX_POLLFDS);
	timeout = min_timeout(timeout, fetch_timeout_ms());
	int64_t timer = timers_next_ms(&s->d->timers);
	timeout = min_timeout(timeout,
			      timer > INT32_MAX ? INT32_MAX : (int)timer);
	int rc = poll(pfd, n + 2 + nf, timeout);
	if (rc < 0 && errno != EINTR)
		fatal("poll");
	if (rc > 0) {
		if (pfd[n].revents & POLLIN)
			handle_signals(s);
		serve_clients(s, pfd, n);
		if (!s->stopping && (pfd[n + 1].revents & POLLIN))
			accept_all(s);
	}
	/* Downloads move on (and their timers run) on every turn; a
	 * finished one may queue a reply with server_reply_later. */
	fetch_dispatch(pfd + n + 2, rc > 0 ? nf : 0);
	if (!s->stopping)
		timers_run_due(&s->d->timers, s->d);
	return 0;
}

int server_run(struct server *s)
{
	struct pollfd *pfd =
		calloc(MAX_CONNS + 3 + FETCH_MAX_POLLFDS, sizeof(*pfd));
	int64_t stop_by = 0;
	if (!pfd)
		fatalx("out of memory");
	while (!s->stopping || (has_pending_output(s) && now_ms() < stop_by)) {
		int timeout = sweep_deadlines(s);
		if (s->stopping && (timeout < 0 || timeout > 100))
			timeout = 100;
		poll_once(s, pfd, timeout);
		if (s->stopping && !stop_by)
			stop_by = now_ms() + SHUTDOWN_GRACE_MS;
	}
	while (s->nconns)
		drop(s, s->nconns - 1);
	free(pfd);
	return 0;
}

int server_init(struct server *s, struct daemon *d, int listen_fd,
		void (*on_reload)(struct daemon *))
{
	sigset_t mask;
	memset(s, 0, sizeof(*s));
	s->d = d;
	s->listen_fd = listen_fd;
	s->on_reload = on_reload;
	s->conns = calloc(MAX_CONNS + 1, sizeof(*s->conns));
	if (!s->conns)
		return -1;
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -1;
	s->sig_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	signal(SIGPIPE, SIG_IGN);
	return s->sig_fd < 0 ? -1 : 0;
}

void server_free(struct server *s)
{
	if (s->sig_fd > 0)
		close(s->sig_fd);
	free(s->conns);
}
