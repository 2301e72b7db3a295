#!/usr/bin/env python3
"""sdhelper.py: stand in for systemd in the tests. Standard library only.

    sdhelper.py notify ADDR LOG [SOCK]
        Bind an AF_UNIX datagram socket at ADDR (a path, or an abstract
        name when it starts with '@'), print "ready" once bound, and append
        each datagram received to LOG as one line "|A=1|B=2|" (its lines
        joined by '|'). With SOCK, a datagram carrying READY=1 also gets
        "connect=ok" or "connect=<error>": whether SOCK accepted a
        connection at that moment. Runs until killed (at most 120 s).

    sdhelper.py activate [--pid N] SOCK MODE -- CMD...
        Create a listening AF_UNIX stream socket at SOCK with mode MODE
        (octal), put it on fd 3, set LISTEN_FDS=1 and LISTEN_PID (this
        process, or N) and exec CMD in this very process, so CMD's pid is
        LISTEN_PID as under systemd.
"""

import os
import socket
import sys
import time


def notify(addr, log, sock_path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if addr.startswith("@"):
        s.bind("\0" + addr[1:])
    else:
        s.bind(addr)
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    with open(log, "a") as f:
        while time.monotonic() < deadline:
            s.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = s.recv(65536)
            except socket.timeout:
                break
            fields = [l for l in data.decode("utf-8", "replace").split("\n")
                      if l]
            if sock_path and "READY=1" in fields:
                c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    c.connect(sock_path)
                    fields.append("connect=ok")
                except OSError as e:
                    fields.append("connect=%s" % e.strerror)
                finally:
                    c.close()
            f.write("|" + "|".join(fields) + "|\n")
            f.flush()


def activate(args):
    pid = None
    if args[0] == "--pid":
        pid = args[1]
        args = args[2:]
    path, mode = args[0], int(args[1], 8)
    if args[2] != "--":
        sys.exit("sdhelper.py: activate SOCK MODE -- CMD...")
    cmd = args[3:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, mode)
    s.listen(64)
    fd = s.detach()
    if fd != 3:
        os.dup2(fd, 3)
        os.close(fd)
    os.set_inheritable(3, True)
    env = dict(os.environ)
    env["LISTEN_FDS"] = "1"
    env["LISTEN_PID"] = pid if pid else str(os.getpid())
    env.pop("LISTEN_FDNAMES", None)
    os.execvpe(cmd[0], cmd, env)


def main(argv):
    if len(argv) >= 4 and argv[1] == "notify":
        notify(argv[2], argv[3], argv[4] if len(argv) > 4 else None)
    elif len(argv) >= 5 and argv[1] == "activate":
        activate(argv[2:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
