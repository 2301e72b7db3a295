#!/usr/bin/env python3
"""crashwriter.py: keep writing to foiad while it is killed and restarted.

    crashwriter.py SOCK DIR THREADS SECONDS

THREADS threads each hold a connection to SOCK and, in turn, file a
request (subject "t<k>-<n>") and add a note to request 1 (text
"t<k>-<n>"), reconnecting whenever foiad is gone. Every write foiad
acknowledged (a reply with a result) is appended, once the reply is in, as
one line "file t<k>-<n>" or "note t<k>-<n>" to DIR/acked-<k>; the test
checks each one is in the database after every crash. Runs for SECONDS,
then prints the counts as JSON. Standard library only.
"""

import json
import os
import socket
import sys
import threading
import time


def writer(path, outdir, k, stop, counts):
    fd = os.open(os.path.join(outdir, "acked-%d" % k),
                 os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sock, buf, n, rid = None, b"", 0, 0
    while not stop.is_set():
        if sock is None:
            try:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(5)
                sock.connect(path)
                buf = b""
            except OSError:
                sock = None
                counts["refused"] += 1
                time.sleep(0.02)
                continue
        n += 1
        rid += 1
        name = "t%d-%d" % (k, n)
        if n % 2:
            kind = "file"
            req = {"v": 1, "id": rid, "method": "request.file",
                   "params": {"agencies": ["ICE"], "subject": name}}
        else:
            kind = "note"
            req = {"v": 1, "id": rid, "method": "request.note",
                   "params": {"id": 1, "text": name}}
        try:
            sock.sendall((json.dumps(req) + "\n").encode())
            while b"\n" not in buf:
                chunk = sock.recv(65536)
                if not chunk:
                    raise OSError("eof")
                buf += chunk
            line, buf = buf.split(b"\n", 1)
        except OSError:
            sock.close()
            sock = None
            counts["lost"] += 1
            continue
        reply = json.loads(line)
        if "result" in reply:
            os.write(fd, ("%s %s\n" % (kind, name)).encode())
            counts["acked"] += 1
        else:
            counts["errors"] += 1
            counts["last_error"] = reply.get("error")
    if sock is not None:
        sock.close()
    os.close(fd)


def main(argv):
    path, outdir, threads, seconds = argv[1], argv[2], int(argv[3]), \
        float(argv[4])
    stop = threading.Event()
    counts = [{"acked": 0, "lost": 0, "refused": 0, "errors": 0}
              for _ in range(threads)]
    ts = [threading.Thread(target=writer,
                           args=(path, outdir, k, stop, counts[k]))
          for k in range(threads)]
    for t in ts:
        t.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not os.path.exists(
            os.path.join(outdir, "stop")):
        time.sleep(0.05)
    stop.set()
    for t in ts:
        t.join()
    total = {key: sum(c[key] for c in counts)
             for key in ("acked", "lost", "refused", "errors")}
    total["last_error"] = [c.get("last_error") for c in counts
                           if c.get("last_error")][:1]
    print(json.dumps(total))


if __name__ == "__main__":
    main(sys.argv)
