#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for refmirror's tests (Python 3 standard library only).

It listens on 127.0.0.1 (a free port, written to --port-file) in front of one upstream HTTP server
and forwards every request to it, except those a rule picks, which get a fault instead. It also
runs a second listener, the "sink" (its port in --sink-port-file), standing for another host that
a redirect points to: it answers 404 to everything and logs whether an Authorization header came.

Rules (arguments after the options), each "fault=NAME [match=REGEX] [count=N] [OPTION=VALUE]":
the first N requests (default 1) whose "METHOD TARGET" line, a newline and the body (as latin-1)
match REGEX (re.search; default: any) get the fault; later ones pass. The first rule that matches
and still has a count left wins.

  502          answers 502 Bad Gateway without forwarding
  429          answers 429 with "Retry-After: <retry_after>" (default 1) without forwarding
  cut          forwards, then sends the answer's headers and half its body, and closes
  corrupt      forwards, then flips one byte inside the pack data of an upload-pack answer
               (within a side-band channel-1 packet after the one that starts with PACK, so the
               pkt-line and side-band framing stay intact)
  drop         closes without an answer: before forwarding, or after with forward=1 (the
               request was applied, its answer lost)
  cut-request  forwards only the first half of the request body (declared as the whole body, so
               the server does not wait for the rest) and relays what the server answers
  garbage      answers 200 with the smart-HTTP content type and bytes that are no pkt-lines:
               without forwarding, or after with forward=1
  empty        answers 200 with the smart-HTTP content type and no body, without forwarding
  stall        holds the connection, sending nothing, until the client gives up (at most
               --lifetime seconds)
  pause        forwards, then sends the answer up to the pack's first bytes (an upload-pack answer:
               the channel-1 packet that starts with PACK; with in_pack=1, up to the end of that
               packet; none of the answer when it holds no pack), waits seconds=N (default 11,
               at most --lifetime), and sends the rest: a server slow to prepare its pack, to
               send it, or to answer a push
  redirect     answers 302 to the same path on the sink, as http://<host>:<sink port>, with host
               from host=... (default localhost: another host name than 127.0.0.1)

Requests in absolute form (as a client sends them to a forward proxy, http_proxy) are forwarded
too, and CONNECT tunnels (https_proxy) to the upstream's host are relayed as they are.

Every request is logged to --log as one line: "<n> <METHOD> <TARGET> fault=<name|-> auth=<yes|no>".
Everything is bounded: socket timeouts, answer sizes, and the process ends after --lifetime
seconds or as soon as --parent (a PID) is gone.
"""

import argparse
import os
import re
import socket
import sys
import threading
import time
import urllib.parse

IO_TIMEOUT = 60
MAX_HEADERS = 64 * 1024
MAX_BODY = 256 << 20


class Rule:
    def __init__(self, text):
        fields = dict(kv.split("=", 1) for kv in text.split())
        self.fault = fields.pop("fault")
        self.match = re.compile(fields.pop("match", ""), re.S)
        self.left = int(fields.pop("count", "1"))
        self.options = fields


class Proxy:
    def __init__(self, args):
        self.upstream = urllib.parse.urlsplit(args.upstream)
        self.rules = [Rule(r) for r in args.rules]
        self.log_path = args.log
        self.sink_log_path = args.sink_log
        self.lifetime = args.lifetime
        self.lock = threading.Lock()
        self.n = 0
        self.sink_port = 0

    # ---- bookkeeping ----

    def log(self, path, line):
        with self.lock, open(path, "a") as f:
            f.write(line + "\n")

    def pick(self, head, body):
        """The fault for this request, or None; counts it."""
        text = head.split(b"\r\n", 1)[0].decode("latin-1") + "\n" + body.decode("latin-1")
        with self.lock:
            self.n += 1
            for rule in self.rules:
                if rule.left > 0 and rule.match.search(text):
                    rule.left -= 1
                    return self.n, rule
            return self.n, None

    # ---- HTTP plumbing ----

    @staticmethod
    def read_request(conn):
        """(head bytes, headers dict lower-cased, body bytes) or None at end of stream."""
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            data += chunk
            if len(data) > MAX_HEADERS:
                raise ValueError("headers too large")
        head, body = data.split(b"\r\n\r\n", 1)
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            return head, headers, Proxy.read_chunked(conn, body)
        length = int(headers.get("content-length", "0"))
        if length > MAX_BODY:
            raise ValueError("body too large")
        while len(body) < length:
            chunk = conn.recv(min(65536, length - len(body)))
            if not chunk:
                raise ValueError("request body cut short")
            body += chunk
        return head, headers, body[:length]

    @staticmethod
    def read_chunked(conn, data):
        """The body of a chunked request (a relayed push), decoded; `data` is what came with the
        headers. It is forwarded with a Content-Length."""
        body = b""

        def need(n):
            nonlocal data
            while len(data) < n:
                chunk = conn.recv(65536)
                if not chunk:
                    raise ValueError("chunked request body cut short")
                data += chunk
                if len(data) > MAX_BODY + MAX_HEADERS:
                    raise ValueError("body too large")

        while True:
            while b"\r\n" not in data:
                need(len(data) + 1)
            line, data = data.split(b"\r\n", 1)
            size = int(line.split(b";")[0], 16)
            need(size + 2)
            body += data[:size]
            data = data[size + 2:]
            if len(body) > MAX_BODY:
                raise ValueError("body too large")
            if size == 0:
                return body

    def forward(self, head, body, declared=None):
        """Sends the request upstream as HTTP/1.0 (so the answer is not chunked and ends with the
        connection) and returns (status line, header lines, body) of the answer."""
        lines = head.split(b"\r\n")
        method, target, _ = lines[0].split(b" ", 2)
        if not target.startswith(b"/"):  # absolute form, from a client using us as its proxy
            target = urllib.parse.urlsplit(target.decode("latin-1"))
            target = (target.path + ("?" + target.query if target.query else "")).encode()
        keep = [l for l in lines[1:]
                if l.split(b":", 1)[0].strip().lower() not in
                (b"connection", b"content-length", b"accept-encoding", b"proxy-connection",
                 b"transfer-encoding", b"expect")]
        out = [method + b" " + target + b" HTTP/1.0"] + keep + [b"Connection: close"]
        if method == b"POST":
            out.append(b"Content-Length: %d" % (len(body) if declared is None else declared))
        up = socket.create_connection((self.upstream.hostname, self.upstream.port), IO_TIMEOUT)
        try:
            up.sendall(b"\r\n".join(out) + b"\r\n\r\n" + body)
            answer = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                answer += chunk
                if len(answer) > MAX_BODY:
                    raise ValueError("answer too large")
        finally:
            up.close()
        ahead, _, abody = answer.partition(b"\r\n\r\n")
        alines = ahead.split(b"\r\n")
        headers = [l for l in alines[1:]
                   if l.split(b":", 1)[0].strip().lower() not in
                   (b"connection", b"content-length", b"transfer-encoding")]
        return alines[0].replace(b"HTTP/1.0", b"HTTP/1.1", 1), headers, abody

    @staticmethod
    def answer(conn, status, headers, body, send=None):
        """Sends an answer declaring len(body) bytes, of which only `send` bytes when given."""
        head = [status] + headers + [b"Content-Length: %d" % len(body), b"Connection: close"]
        conn.sendall(b"\r\n".join(head) + b"\r\n\r\n" + body[:send])

    @staticmethod
    def content_type(head):
        target = head.split(b" ", 2)[1].decode("latin-1")
        m = re.search(r"service=(git-[a-z-]+)", target)
        if m:
            return "application/x-%s-advertisement" % m.group(1)
        m = re.search(r"/(git-[a-z-]+)$", target.split("?")[0])
        return "application/x-%s-result" % (m.group(1) if m else "git-upload-pack")

    @staticmethod
    def corrupt_pack(body):
        """Flips one byte in the middle of a channel-1 packet's data after the one starting with
        PACK (or in that one past the header), leaving the framing as it was."""
        pos, seen_pack = 0, False
        while pos + 4 <= len(body):
            size = int(body[pos:pos + 4], 16)
            if size < 4:
                pos += 4
                continue
            data_start, data_end = pos + 4, pos + size
            if body[data_start:data_start + 1] == b"\x01":
                payload = body[data_start + 1:data_end]
                if payload.startswith(b"PACK"):
                    seen_pack = True
                if seen_pack and len(payload) > 64:
                    # Inside the objects: past the 12-byte header, before a trailer at the end.
                    flip = data_start + 1 + 12 + (len(payload) - 12 - 20) // 2
                    return body[:flip] + bytes([body[flip] ^ 0x5A]) + body[flip + 1:]
            pos = data_end
        raise ValueError("no pack data to corrupt")

    @staticmethod
    def pack_start(body, in_pack):
        """The offset of the channel-1 packet whose data starts with PACK, or of its end when
        in_pack; 0 when there is none."""
        pos = 0
        while pos + 4 <= len(body):
            try:
                size = int(body[pos:pos + 4], 16)
            except ValueError:
                return 0
            if size < 4:
                pos += 4
                continue
            if body[pos + 4:pos + 9] == b"\x01PACK":
                return pos + size if in_pack else pos
            pos += size
        return 0

    # ---- the faults ----

    def serve(self, conn):
        req = self.read_request(conn)
        if req is None:
            return
        head, headers, body = req
        method = head.split(b" ", 1)[0]
        if method == b"CONNECT":
            self.tunnel(conn, head)
            return
        n, rule = self.pick(head, body)
        target = head.split(b"\r\n", 1)[0].decode("latin-1").split(" ")[1]
        self.log(self.log_path, "%d %s %s fault=%s auth=%s" % (
            n, method.decode(), target, rule.fault if rule else "-",
            "yes" if "authorization" in headers else "no"))
        fault = rule.fault if rule else None
        opt = rule.options if rule else {}
        if fault is None:
            self.answer(conn, *self.forward(head, body))
        elif fault == "502":
            self.answer(conn, b"HTTP/1.1 502 Bad Gateway", [b"Content-Type: text/plain"],
                        b"fault: bad gateway\n")
        elif fault == "429":
            self.answer(conn, b"HTTP/1.1 429 Too Many Requests",
                        [b"Content-Type: text/plain",
                         b"Retry-After: " + opt.get("retry_after", "1").encode()],
                        b"fault: slow down\n")
        elif fault == "cut":
            status, hdrs, abody = self.forward(head, body)
            self.answer(conn, status, hdrs, abody, send=len(abody) // 2)
        elif fault == "corrupt":
            status, hdrs, abody = self.forward(head, body)
            self.answer(conn, status, hdrs, self.corrupt_pack(abody))
        elif fault == "drop":
            if opt.get("forward") == "1":
                self.forward(head, body)
        elif fault == "cut-request":
            half = body[:len(body) // 2]
            self.answer(conn, *self.forward(head, half, declared=len(half)))
        elif fault == "garbage":
            if opt.get("forward") == "1":
                self.forward(head, body)
            self.answer(conn, b"HTTP/1.1 200 OK",
                        [b"Content-Type: " + self.content_type(head).encode()],
                        b"zzzz this is no pkt-line \x00\xff\xfe garbage\n" * 4)
        elif fault == "empty":
            self.answer(conn, b"HTTP/1.1 200 OK",
                        [b"Content-Type: " + self.content_type(head).encode()], b"")
        elif fault == "stall":
            self.hold(conn)
        elif fault == "pause":
            status, hdrs, abody = self.forward(head, body)
            at = self.pack_start(abody, opt.get("in_pack") == "1")
            self.answer(conn, status, hdrs, abody, send=at)
            time.sleep(min(float(opt.get("seconds", "11")), self.lifetime))
            conn.sendall(abody[at:])
        elif fault == "redirect":
            host = opt.get("host", "localhost")
            location = "http://%s:%d%s" % (host, self.sink_port, target)
            self.answer(conn, b"HTTP/1.1 302 Found",
                        [b"Location: " + location.encode(), b"Content-Type: text/plain"],
                        b"moved\n")
        else:
            raise ValueError("unknown fault " + fault)

    def hold(self, conn):
        """Sends nothing until the client closes, or the proxy's lifetime ends."""
        conn.settimeout(1)
        end = time.monotonic() + self.lifetime
        while time.monotonic() < end:
            try:
                if not conn.recv(4096):
                    return
            except socket.timeout:
                continue
            except OSError:
                return

    def tunnel(self, conn, head):
        """CONNECT host:port, only to the upstream's host: relays bytes both ways."""
        host, _, port = head.split(b" ", 2)[1].decode("latin-1").rpartition(":")
        n, _ = self.pick(head, b"")
        self.log(self.log_path, "%d CONNECT %s:%s fault=- auth=no" % (n, host, port))
        if host not in ("127.0.0.1", "localhost"):
            self.answer(conn, b"HTTP/1.1 403 Forbidden", [], b"")
            return
        up = socket.create_connection((host, int(port)), IO_TIMEOUT)
        conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(a, b):
            try:
                while True:
                    chunk = a.recv(65536)
                    if not chunk:
                        break
                    b.sendall(chunk)
            except OSError:
                pass
            finally:
                for s in (a, b):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        other = threading.Thread(target=pipe, args=(up, conn), daemon=True)
        other.start()
        pipe(conn, up)
        other.join(IO_TIMEOUT)
        up.close()

    def sink(self, conn):
        req = self.read_request(conn)
        if req is None:
            return
        head, headers, _ = req
        self.log(self.sink_log_path, "%s auth=%s" % (
            head.split(b"\r\n", 1)[0].decode("latin-1"),
            "yes" if "authorization" in headers else "no"))
        self.answer(conn, b"HTTP/1.1 404 Not Found", [b"Content-Type: text/plain"], b"sink\n")

    # ---- listeners ----

    def handle(self, conn, serve):
        conn.settimeout(IO_TIMEOUT)
        try:
            serve(conn)
        except Exception as e:  # one connection's trouble is logged, never fatal
            print("faultproxy: %s" % e, file=sys.stderr)
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def listen(self, serve):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", 0))
        s.listen(64)
        port = s.getsockname()[1]

        def loop():
            while True:
                conn, _ = s.accept()
                threading.Thread(target=self.handle, args=(conn, serve), daemon=True).start()

        threading.Thread(target=loop, daemon=True).start()
        return port


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--upstream", required=True, help="http://127.0.0.1:PORT of the real server")
    p.add_argument("--port-file", required=True)
    p.add_argument("--sink-port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--sink-log", required=True)
    p.add_argument("--lifetime", type=int, default=300, help="seconds before the proxy exits")
    p.add_argument("--parent", type=int, default=0, help="exit when this process is gone")
    p.add_argument("rules", nargs="*")
    args = p.parse_args()

    proxy = Proxy(args)
    for path in (args.log, args.sink_log):
        open(path, "a").close()
    proxy.sink_port = proxy.listen(proxy.sink)
    port = proxy.listen(proxy.serve)
    # The port files appear whole, the main port last: when it exists, both listen.
    for path, value in ((args.sink_port_file, proxy.sink_port), (args.port_file, port)):
        with open(path + ".tmp", "w") as f:
            f.write("%d\n" % value)
        os.rename(path + ".tmp", path)
    end = time.monotonic() + args.lifetime
    while time.monotonic() < end:
        if args.parent:
            try:
                os.kill(args.parent, 0)
            except OSError:
                break
        time.sleep(0.5)
    os._exit(0)


if __name__ == "__main__":
    main()
