#!/usr/bin/env python3
"""Load pages in headless Firefox over WebDriver BiDi and dump what they show.

Firefox has no --dump-dom; this is its equivalent for tests/integration/test_html.c.
One Firefox start for all the URLs given:

    firefox_bidi.py --firefox PATH --dir DIR [--timeout S] [--screenshots] URL...

For the N-th URL (from 0) it writes DIR/pageN.dom, the document's outerHTML once the
page's script is done (<html data-ready> and data-events set, or data-error), and
DIR/pageN.log, every log.entryAdded entry seen while that page was loaded
("LEVEL TYPE: text", one a line: console messages and uncaught JavaScript errors),
and with --screenshots DIR/pageN.png (the 1400x900 viewport).  Exit 0 when every page
was dumped; else 1 with one line on stderr saying why.

Firefox runs with a fresh profile and HOME under DIR (nothing of the user's is read or
touched), its BiDi server on a free loopback port (--remote-debugging-port=0, the port
read from its "WebDriver BiDi listening on" line), in its own session so that its whole
process group is SIGKILLed on every way out, a timeout or a SIGTERM included.  Every
wait has a deadline (--timeout, overall).  Python's standard library only: the
WebSocket client (RFC 6455, client side, text frames) is below.
"""
import argparse
import base64
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time


class Failure(Exception):
    pass


class Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise Failure("timed out")
        return left


class WebSocket:
    """A minimal RFC 6455 client: masked text frames out; text, continuation,
    ping and close frames in."""

    def __init__(self, host, port, path, deadline):
        self.deadline = deadline
        self.sock = socket.create_connection((host, port), timeout=deadline.left())
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        self.buf = b""
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise Failure(f"WebSocket handshake refused: {status.decode(errors='replace')}")

    def _fill(self):
        self.sock.settimeout(self.deadline.left())
        try:
            data = self.sock.recv(1 << 16)
        except socket.timeout:
            raise Failure("timed out waiting for Firefox") from None
        if not data:
            raise Failure("Firefox closed the WebSocket")
        self.buf += data

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def _send_frame(self, opcode, payload):
        head = bytes([0x80 | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.settimeout(self.deadline.left())
        self.sock.sendall(head + mask + masked)

    def send(self, text):
        self._send_frame(0x1, text.encode())

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._take(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._take(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._take(8))[0]
            mask = self._take(4) if b1 & 0x80 else None
            payload = self._take(n)
            if mask:
                payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
            if opcode == 0x8:
                raise Failure("Firefox closed the WebSocket")
            if opcode == 0x9:
                self._send_frame(0xA, payload)
                continue
            if opcode in (0x0, 0x1, 0x2):
                message += payload
                if b0 & 0x80:
                    return message.decode()


class BiDi:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.log = []

    def call(self, method, params):
        self.next_id += 1
        cid = self.next_id
        self.ws.send(json.dumps({"id": cid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == cid:
                if msg.get("type") == "error" or "error" in msg:
                    raise Failure(f"{method}: {msg.get('error')}: {msg.get('message')}")
                return msg["result"]
            if msg.get("method") == "log.entryAdded":
                p = msg["params"]
                self.log.append(f"{p.get('level')} {p.get('type')}: {p.get('text')}")


# Resolves with the DOM once the page's script is done: ready and the events
# read (the card is complete), or an uncaught error.  Bounded by the page's
# own clock; the test then reports what is missing.
READY = """new Promise((resolve) => {
  const r = document.documentElement, t0 = Date.now();
  (function check() {
    if (r.dataset.error !== undefined || (r.dataset.ready && r.dataset.events) || Date.now() - t0 > %d)
      resolve(r.outerHTML);
    else
      setTimeout(check, 10);
  })();
})"""


def start_firefox(exe, tmp, deadline):
    # Absolute: Firefox does not start its BiDi server with a relative --profile.
    tmp = os.path.abspath(tmp)
    profile, home = os.path.join(tmp, "profile"), os.path.join(tmp, "home")
    os.makedirs(profile, exist_ok=True)
    os.makedirs(home, exist_ok=True)
    env = dict(os.environ, HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"),
               XDG_CACHE_HOME=os.path.join(home, ".cache"), XDG_DATA_HOME=os.path.join(home, ".local"),
               MOZ_HEADLESS="1", MOZ_CRASHREPORTER_DISABLE="1")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.Popen([exe, "--headless", "--no-remote", "--profile", profile,
                             "--remote-debugging-port=0", "about:blank"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=env, start_new_session=True)
    # Its output (stdout and stderr: the BiDi line is on stdout) is drained for as long as it runs (a full pipe would block
    # it); the BiDi line names the port.
    found, port, lines = threading.Event(), [], []

    def drain():
        for raw in proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            lines.append(line)
            m = re.search(r"WebDriver BiDi listening on ws://([0-9.]+):(\d+)", line)
            if m and not port:
                port.append((m.group(1), int(m.group(2))))
                found.set()
        found.set()

    try:
        threading.Thread(target=drain, daemon=True).start()
        found.wait(deadline.left())
        if not port:
            tail = " | ".join(lines[-5:])
            raise Failure(f"Firefox did not start its BiDi server (exit {proc.poll()}): {tail}")
    except BaseException:
        kill(proc)
        raise
    return proc, port[0]


def kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--firefox", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--screenshots", action="store_true")
    ap.add_argument("urls", nargs="+")
    a = ap.parse_args()

    def on_term(signum, frame):
        raise Failure(f"killed by signal {signum}")

    signal.signal(signal.SIGTERM, on_term)
    deadline = Deadline(a.timeout)
    proc = None
    try:
        proc, (host, port) = start_firefox(a.firefox, a.dir, deadline)
        bidi = BiDi(WebSocket(host, port, "/session", deadline))
        bidi.call("session.new", {"capabilities": {}})
        bidi.call("session.subscribe", {"events": ["log.entryAdded"]})
        ctx = bidi.call("browsingContext.getTree", {})["contexts"][0]["context"]
        bidi.call("browsingContext.setViewport", {"context": ctx, "viewport": {"width": 1400, "height": 900}})
        for i, url in enumerate(a.urls):
            bidi.log = []
            bidi.call("browsingContext.navigate", {"context": ctx, "url": url, "wait": "complete"})
            limit_ms = int(max(1.0, deadline.left() - 5) * 1000)
            r = bidi.call("script.evaluate", {"expression": READY % limit_ms, "target": {"context": ctx},
                                              "awaitPromise": True, "resultOwnership": "none"})
            if r.get("type") != "success" or r["result"].get("type") != "string":
                raise Failure(f"{url}: evaluating the page failed: {json.dumps(r)[:500]}")
            with open(os.path.join(a.dir, f"page{i}.dom"), "w") as f:
                f.write(r["result"]["value"])
            if a.screenshots:
                shot = bidi.call("browsingContext.captureScreenshot", {"context": ctx})
                with open(os.path.join(a.dir, f"page{i}.png"), "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
            # A round trip after the page is done: log entries sent before it
            # have arrived by its answer.
            bidi.call("script.evaluate", {"expression": "0", "target": {"context": ctx}, "awaitPromise": False})
            with open(os.path.join(a.dir, f"page{i}.log"), "w") as f:
                f.write("".join(line + "\n" for line in bidi.log))
        return 0
    except (Failure, OSError, ValueError, KeyError, IndexError) as e:
        print(f"firefox_bidi: {e}", file=sys.stderr)
        return 1
    finally:
        if proc:
            kill(proc)


if __name__ == "__main__":
    sys.exit(main())
