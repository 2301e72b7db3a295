#!/usr/bin/python3
"""mailsink.py: a real SMTP server on 127.0.0.1 for the reminder tests
(Debian's python3-aiosmtpd), writing each message it accepts to a file.

    mailsink.py DIR PORT [USER PASSWORD]

Listens on PORT (0: a free one) and prints the port once it accepts
connections. Each message goes to DIR/<n>.eml, written to a temporary
name and renamed, so a file that exists is whole; its envelope goes to
DIR/<n>.env ("from" line, then one line per recipient). With USER and
PASSWORD it offers AUTH (without TLS, on loopback) and appends each
successful login name to DIR/auth.log; mail without a login is still
taken. Runs until killed.
"""
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

outdir, port = sys.argv[1], int(sys.argv[2])
user = sys.argv[3].encode() if len(sys.argv) > 4 else None
password = sys.argv[4].encode() if len(sys.argv) > 4 else None


def next_name():
    n = 1
    while os.path.exists(os.path.join(outdir, "%04d.eml" % n)):
        n += 1
    return os.path.join(outdir, "%04d" % n)


class Sink:
    async def handle_DATA(self, server, session, envelope):
        base = next_name()
        with open(base + ".env", "w") as f:
            f.write(envelope.mail_from + "\n")
            for r in envelope.rcpt_tos:
                f.write(r + "\n")
        with open(base + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(base + ".tmp", base + ".eml")
        return "250 OK queued"


def authenticate(server, session, envelope, mechanism, auth_data):
    if (isinstance(auth_data, LoginPassword) and auth_data.login == user
            and auth_data.password == password):
        with open(os.path.join(outdir, "auth.log"), "a") as f:
            f.write(auth_data.login.decode() + "\n")
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


if port == 0:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
kw = {}
if user:
    kw = dict(authenticator=authenticate, auth_require_tls=False,
              auth_required=False)
c = Controller(Sink(), hostname="127.0.0.1", port=port, **kw)
c.start()
print(port, flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    c.stop()
