#!/usr/bin/env python3
"""rawclient.py: speak foiad's wire protocol byte by byte, for the tests.

The foia CLI only ever sends well-formed requests; these checks need bad
ones, stalled ones and many at once. Standard library only.

    rawclient.py SOCK lines LINE...       one connection: send each LINE,
                                          print the reply line (or EOF or
                                          TIMEOUT) before sending the next
    rawclient.py SOCK pipeline LINE...    send all LINEs in one write, then
                                          print as many reply lines
    rawclient.py SOCK toolong BYTES       send one line of BYTES bytes;
                                          print the reply and whether the
                                          connection was then closed (JSON)
    rawclient.py SOCK stall none|half WAIT
                                          hold a silent (or half-line)
                                          connection, time a status request
                                          on another one, then wait up to
                                          WAIT s for the silent one to be
                                          answered or closed (JSON)
    rawclient.py SOCK many N              N connections at once, each sends
                                          status; print how many got a
                                          correct answer (JSON)
    rawclient.py SOCK slowread WAIT       ask for request.list --all and do
                                          not read it for WAIT s, timing a
                                          status request on another
                                          connection meanwhile; then read
                                          the whole reply (JSON summary)

RAW_TIMEOUT (seconds, default 5) bounds each wait for a reply.
"""

import json
import os
import select
import socket
import sys
import threading
import time

TIMEOUT = float(os.environ.get("RAW_TIMEOUT", "5"))


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect(path)
    return s


class LineReader:
    """Reads newline-terminated lines from a socket, keeping leftovers."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def line(self, timeout=TIMEOUT):
        """A reply line as text, "EOF" or "TIMEOUT"."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return "EOF"
            left = deadline - time.monotonic()
            if left <= 0:
                return "TIMEOUT"
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return "TIMEOUT"
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.eof = True
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def closed(self, timeout=TIMEOUT):
        """True if the peer closes (after any further data) in time."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.eof = True
            self.buf += chunk
        return True


def status_line(rid):
    return json.dumps({"v": 1, "id": rid, "method": "status", "params": {}})


def cmd_lines(path, lines):
    s = connect(path)
    r = LineReader(s)
    for l in lines:
        try:
            s.sendall(l.encode("utf-8", "surrogateescape") + b"\n")
        except OSError as e:
            print("SENDERROR %s" % e.strerror)
            break
        reply = r.line()
        print(reply)
        if reply in ("EOF", "TIMEOUT"):
            break
    s.close()


def cmd_pipeline(path, lines):
    s = connect(path)
    r = LineReader(s)
    data = b"".join(l.encode() + b"\n" for l in lines)
    s.sendall(data)
    for _ in lines:
        print(r.line())
    s.close()


def cmd_toolong(path, nbytes):
    s = connect(path)
    r = LineReader(s)
    sent = {"error": None}

    def sender():
        # The daemon stops reading once the limit is passed, so this may
        # block and then fail with EPIPE/ECONNRESET: that is expected.
        try:
            s.sendall(b'{"v":1,"id":1,"method":"status","params":{"x":"'
                      + b"a" * nbytes + b'"}}\n')
        except OSError as e:
            sent["error"] = e.strerror

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    reply = r.line(TIMEOUT * 2)
    closed = r.closed(TIMEOUT) if reply not in ("EOF", "TIMEOUT") else \
        reply == "EOF"
    try:
        reply_obj = json.loads(reply)
    except ValueError:
        reply_obj = reply
    print(json.dumps({"reply": reply_obj, "closed": closed}))
    s.close()


def cmd_stall(path, mode, wait):
    t0 = time.monotonic()
    a = connect(path)
    if mode == "half":
        a.sendall(b'{"v":1,"id":1,"meth')
    # Another client must be served while a stalls.
    time.sleep(0.2)
    t1 = time.monotonic()
    b = connect(path)
    b.sendall(status_line(2).encode() + b"\n")
    other = LineReader(b).line(TIMEOUT)
    other_latency = time.monotonic() - t1
    b.close()
    ra = LineReader(a)
    reply = ra.line(max(0.0, wait - (time.monotonic() - t0)))
    if reply == "EOF":
        stalled, closed = None, True
    elif reply == "TIMEOUT":
        stalled, closed = None, False
    else:
        try:
            stalled = json.loads(reply)
        except ValueError:
            stalled = reply
        closed = ra.closed(max(0.5, wait - (time.monotonic() - t0)))
    elapsed = time.monotonic() - t0
    try:
        other_obj = json.loads(other)
    except ValueError:
        other_obj = other
    print(json.dumps({"other": other_obj, "other_latency": other_latency,
                      "stalled": stalled, "stalled_closed": closed,
                      "stalled_elapsed": elapsed}))
    a.close()


def cmd_many(path, n):
    socks = []
    for _ in range(n):
        socks.append(connect(path))
    for i, s in enumerate(socks):
        s.sendall(status_line(100 + i).encode() + b"\n")
    readers = {s.fileno(): (i, s, LineReader(s)) for i, s in enumerate(socks)}
    good = 0
    bad = []
    deadline = time.monotonic() + TIMEOUT * 2
    pending = dict(readers)
    while pending and time.monotonic() < deadline:
        rl, _, _ = select.select(list(pending), [], [],
                                 max(0.0, deadline - time.monotonic()))
        for fd in rl:
            i, s, r = pending[fd]
            line = r.line(1)
            if line == "TIMEOUT":
                continue
            del pending[fd]
            try:
                obj = json.loads(line)
                if obj.get("id") == 100 + i and "result" in obj:
                    good += 1
                else:
                    bad.append(line)
            except ValueError:
                bad.append(line)
    for s in socks:
        s.close()
    print(json.dumps({"answered": good, "bad": bad[:3],
                      "unanswered": len(pending)}))


def cmd_slowread(path, wait):
    a = connect(path)
    a.sendall(json.dumps({"v": 1, "id": 1, "method": "request.list",
                          "params": {"all": True}}).encode() + b"\n")
    time.sleep(0.2)
    t1 = time.monotonic()
    b = connect(path)
    b.sendall(status_line(2).encode() + b"\n")
    other = LineReader(b).line(TIMEOUT)
    other_latency = time.monotonic() - t1
    b.close()
    time.sleep(max(0.0, wait - 0.2))
    line = LineReader(a).line(TIMEOUT * 2)
    a.close()
    try:
        reqs = json.loads(line)["result"]["requests"]
        summary = {"requests": len(reqs), "bytes": len(line)}
    except (ValueError, KeyError, TypeError):
        summary = {"error": line[:200]}
    try:
        other_ok = "result" in json.loads(other)
    except ValueError:
        other_ok = False
    summary.update({"other_ok": other_ok, "other_latency": other_latency})
    print(json.dumps(summary))


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    path, cmd, args = argv[1], argv[2], argv[3:]
    if cmd == "lines":
        cmd_lines(path, args)
    elif cmd == "pipeline":
        cmd_pipeline(path, args)
    elif cmd == "toolong":
        cmd_toolong(path, int(args[0]))
    elif cmd == "stall":
        cmd_stall(path, args[0], float(args[1]))
    elif cmd == "many":
        cmd_many(path, int(args[0]))
    elif cmd == "slowread":
        cmd_slowread(path, float(args[0]))
    else:
        sys.stderr.write("rawclient.py: unknown command '%s'\n" % cmd)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
