#!/usr/bin/env python3
"""hooksink.py: a webhook receiver on 127.0.0.1 for the reminder tests.

    hooksink.py DIR

Prints its port, then answers every POST with 200 and writes the body to
DIR/<n>.json (renamed into place when whole) and its headers to
DIR/<n>.hdr. Runs until killed. Standard library only.
"""
import http.server
import os
import sys

outdir = sys.argv[1]


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        n = 1
        while os.path.exists(os.path.join(outdir, "%04d.json" % n)):
            n += 1
        base = os.path.join(outdir, "%04d" % n)
        with open(base + ".hdr", "w") as f:
            f.write(str(self.headers))
        with open(base + ".tmp", "wb") as f:
            f.write(body)
        os.rename(base + ".tmp", base + ".json")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Hook)
print(srv.server_address[1], flush=True)
srv.serve_forever()
