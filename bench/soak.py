#!/usr/bin/env python3
"""Soak run of issue 13, item 7: a mixed workload against one real `portico-gateway serve`.

    bench/soak.py BUILD_DIR [--minutes N | --seconds S] [--workers 4] [--report-every 60]

Builds nothing. Copies BUILD_DIR's portico-gateway into a temporary folder (a rebuild during the
run cannot swap the binary under it), starts the fake upstream of the tests
(tests/fixtures/fake_upstream.py) and `serve` on a fresh SQLite store, and runs for the given
time, each worker thread choosing at random among:
  plain       POST /v1/chat/completions through the fake upstream (200)
  stream      the same with "stream": true, read to [DONE] (200)
  embed       POST /v1/embeddings (200)
  refused     no key (401), an unknown key (401), a route the key may not use (403), an unknown
              route (404), a malformed body (400), an unknown endpoint without a key (404)
  upstream    the upstream answers 500 (502), 429 (429), closes the connection (502) or hangs
              past the model's timeout (504)
  hangup      a stream the client closes after its first bytes (the gateway bills it, 200 or 499)
and, besides, an admin thread (the command line: keys created, rotated, disabled, enabled,
deleted; a group's routes added and removed; limits set) and a config thread (config.yaml
rewritten every 20 s, a SIGHUP every 45 s), plus a burst of 60 requests without a key to an
unknown endpoint once a minute (the refusals a flood without a key makes).

Every --report-every seconds it prints the gateway's resident memory, open file descriptors and
threads (from /proc), the requests the gateway received so far and the usage rows in the store.

The balance. Every request the gateway received leaves exactly one usage row, refused ones too;
a row of folded refusals (request_id "folded:N", one per client address and minute once an
address sent more refusals without a key than the folding threshold) stands for N requests. So
    received = answered (any HTTP status) + hung up (the client closed after the request was sent)
    rows     = sum over usage rows of (N for a "folded:N" row, else 1)
    rows == received once the gateway stopped with SIGTERM (it flushes what it holds).
During the run the difference is the lag (rows still queued: up to 200 ms of traffic, and the
refusals being counted for the current minute). Requests that failed before the gateway answered
anything and were not hung up on purpose (connection errors) are counted apart: they may or may
not have a row, so a non-zero count of them makes the check inexact and is reported.
Exit status: 0 when the final balance is exact, 1 otherwise.
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
FAKE_UPSTREAM = os.path.join(SOURCE, "tests", "fixtures", "fake_upstream.py")


def config_text(upstream_port, generation):
    base = f"http://127.0.0.1:{upstream_port}/v1"

    def model(model_id, upstream_model, extra=""):
        return (f"  - model_id: {model_id}\n    model: openai/{upstream_model}\n"
                f"    credentials: {{ api_key: sk-soak-upstream, base_url: \"{base}\" }}\n"
                + extra)

    return ("# soak config, generation %d\n" % generation
            + "chat_models:\n"
            + model("chat", "fake-chat",
                    "    params: { temperature: %.2f }\n" % (0.1 + (generation % 5) / 10)
                    + "    input_cost_per_million_tokens: 1\n"
                    + "    output_cost_per_million_tokens: 2\n")
            + model("stream", "fake-chat", "    params: { fake_delay_ms: 20 }\n")
            + model("slowstream", "fake-chat", "    params: { fake_delay_ms: 400 }\n")
            + model("err500", "fake-500", "    retry_attempts: 0\n")
            + model("err429", "fake-429")
            + model("close", "fake-close", "    retry_attempts: 0\n")
            + model("hang", "fake-hang", "    timeout_seconds: 1\n    retry_attempts: 0\n")
            + "embedding_models:\n"
            + model("embed", "fake-embed")
            + "routes:\n"
              "  chat: { chat_models: [chat], embedding_models: [embed] }\n"
              "  stream: { chat_models: [stream] }\n"
              "  slowstream: { chat_models: [slowstream] }\n"
              "  err500: { chat_models: [err500] }\n"
              "  err429: { chat_models: [err429] }\n"
              "  close: { chat_models: [close] }\n"
              "  hang: { chat_models: [hang] }\n"
              "  private: { chat_models: [chat] }\n")


LOAD_ROUTES = ["chat", "stream", "slowstream", "err500", "err429", "close", "hang"]


class Counts:
    def __init__(self):
        self.lock = threading.Lock()
        self.answered = 0
        self.hung_up = 0
        self.errors = 0  # nothing answered, not on purpose
        self.by_kind = {}
        self.by_status = {}

    def answer(self, kind, status):
        with self.lock:
            self.answered += 1
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            self.by_status[status] = self.by_status.get(status, 0) + 1

    def hangup(self):
        with self.lock:
            self.hung_up += 1
            self.by_kind["hangup"] = self.by_kind.get("hangup", 0) + 1

    def error(self, kind, what):
        with self.lock:
            self.errors += 1
            name = f"{kind}:{what}"
            self.by_kind[name] = self.by_kind.get(name, 0) + 1

    def received(self):
        with self.lock:
            return self.answered + self.hung_up


def chat_body(route, stream=False, content="hello soak"):
    body = {"model": route, "messages": [{"role": "user", "content": content}]}
    if stream:
        body["stream"] = True
        body["stream_options"] = {"include_usage": True}
    return json.dumps(body)


def request(port, method, path, body=None, key=None, timeout=30):
    """One request on a fresh connection; returns (status, body bytes)."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = "Bearer " + key
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        data = response.read()
        return response.status, data
    finally:
        conn.close()


def hang_up(port, key):
    """Sends a slow stream and closes the socket after its first bytes; True when it was sent
    and answered with something (so the gateway received it)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    try:
        body = chat_body("slowstream", stream=True).encode()
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Authorization: Bearer " + key.encode() + b"\r\n"
                     b"Content-Type: application/json\r\nContent-Length: "
                     + str(len(body)).encode() + b"\r\n\r\n" + body)
        first = sock.recv(256)
        return bool(first)
    finally:
        sock.close()


def worker(port, keys, counts, stop, seed):
    rng = random.Random(seed)
    unknown_key = "ptc_" + "A" * 39
    while not stop.is_set():
        key = keys["load"]
        choice = rng.random()
        kind = "?"
        try:
            if choice < 0.30:
                kind = "plain"
                status, _ = request(port, "POST", "/v1/chat/completions", chat_body("chat"), key)
            elif choice < 0.50:
                kind = "stream"
                status, data = request(port, "POST", "/v1/chat/completions",
                                       chat_body("stream", stream=True), key)
            elif choice < 0.57:
                kind = "embed"
                status, _ = request(port, "POST", "/v1/embeddings",
                                    json.dumps({"model": "chat", "input": ["a", "b"]}), key)
            elif choice < 0.72:
                kind = "refused"
                sub = rng.randrange(6)
                if sub == 0:
                    status, _ = request(port, "POST", "/v1/chat/completions", chat_body("chat"))
                elif sub == 1:
                    status, _ = request(port, "POST", "/v1/chat/completions", chat_body("chat"),
                                        unknown_key)
                elif sub == 2:
                    status, _ = request(port, "POST", "/v1/chat/completions",
                                        chat_body("private"), key)
                elif sub == 3:
                    status, _ = request(port, "POST", "/v1/chat/completions",
                                        chat_body("no-such-route"), key)
                elif sub == 4:
                    status, _ = request(port, "POST", "/v1/chat/completions", "{not json", key)
                else:
                    status, _ = request(port, "GET", "/v1/nothing-here")
            elif choice < 0.92:
                kind = "upstream"
                route = rng.choice(["err500", "err429", "close", "hang"])
                status, _ = request(port, "POST", "/v1/chat/completions", chat_body(route), key)
            else:
                kind = "hangup"
                if hang_up(port, key):
                    counts.hangup()
                else:
                    counts.error(kind, "nothing received")
                continue
            counts.answer(kind, status)
        except (OSError, http.client.HTTPException) as error:
            counts.error(kind, type(error).__name__)
        # A steady, moderate load: the machine is shared.
        time.sleep(rng.uniform(0.0, 0.02))


def flood(port, counts, stop):
    """Once a minute, 60 requests without a key to an unknown endpoint, one connection each."""
    while not stop.wait(15):
        for _ in range(60):
            if stop.is_set():
                return
            try:
                status, _ = request(port, "GET", "/v1/flood")
                counts.answer("flood", status)
            except (OSError, http.client.HTTPException) as error:
                counts.error("flood", type(error).__name__)
        stop.wait(45)


def admin(cli, keys, stop, admin_counts):
    """Admin changes on the command line, one every 1-2 s."""
    rng = random.Random(7)
    serial = 0
    churn = []  # uuids of keys made here
    while not stop.wait(rng.uniform(1.0, 2.0)):
        serial += 1
        action = rng.randrange(8)
        try:
            if action == 0 or not churn:
                created = json.loads(cli("--json", "keys", "create", f"churn {serial}",
                                         "--group", "soak"))
                churn.append(created["uuid"])
            elif action == 1:
                cli("keys", "rotate", rng.choice(churn), "--grace", "1h")
            elif action == 2:
                cli("keys", "disable", rng.choice(churn))
            elif action == 3:
                cli("keys", "enable", rng.choice(churn))
            elif action == 4:
                cli("keys", "set-limits", rng.choice(churn), "--rpm", str(rng.randrange(10, 1000)))
            elif action == 5:
                cli("groups", "add-route", "soak-extra", "private")
                cli("groups", "remove-route", "soak-extra", "private")
            elif action == 6 and len(churn) > 5:
                cli("keys", "delete", churn.pop(0))
            else:
                # The load key itself: rotated with a grace period, the new secret used from now.
                rotated = json.loads(cli("--json", "keys", "rotate", keys["load_uuid"],
                                         "--grace", "1h"))
                keys["load"] = rotated["key"]
            admin_counts["ok"] += 1
        except subprocess.CalledProcessError as error:
            admin_counts["failed"] += 1
            admin_counts["last_error"] = (error.stderr or "").strip()[:200]


def reloader(config_path, upstream_port, serve, stop, reload_counts):
    generation = 0
    last_hup = time.monotonic()
    while not stop.wait(20):
        generation += 1
        temporary = config_path + ".new"
        with open(temporary, "w") as f:
            f.write(config_text(upstream_port, generation))
        os.replace(temporary, config_path)
        reload_counts["rewrites"] += 1
        if time.monotonic() - last_hup >= 45:
            serve.send_signal(signal.SIGHUP)
            reload_counts["sighups"] += 1
            last_hup = time.monotonic()


def proc_figures(pid):
    rss_kib = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss_kib, fds, threads


def usage_rows(db_path):
    """(rows, weighted count): a "folded:N" row stands for N requests."""
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        rows, plain = connection.execute(
            "SELECT COUNT(*), SUM(CASE WHEN request_id LIKE 'folded:%' THEN 0 ELSE 1 END) "
            "FROM usage").fetchone()
        folded = 0
        for (request_id,) in connection.execute(
                "SELECT request_id FROM usage WHERE request_id LIKE 'folded:%'"):
            folded += int(request_id.split(":")[1])
        return rows, (plain or 0) + folded
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir")
    parser.add_argument("--minutes", type=float, default=None)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--report-every", type=float, default=60)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    duration = args.seconds if args.seconds is not None else (args.minutes or 30) * 60

    built = os.path.join(args.build_dir, "app", "portico-gateway", "portico-gateway")
    if not os.path.exists(built):
        print(f"soak: no {built}: build the project first", file=sys.stderr)
        return 2
    work = tempfile.mkdtemp(prefix="portico-soak-")
    binary = os.path.join(work, "portico-gateway")
    shutil.copy2(built, binary)
    db_path = os.path.join(work, "soak.db")
    config_path = os.path.join(work, "config.yaml")
    log_path = os.path.join(work, "serve.log")
    processes = []
    stop = threading.Event()
    threads = []
    exact = False
    try:
        upstream = subprocess.Popen([sys.executable, FAKE_UPSTREAM, "--port", "0"],
                                    stdout=subprocess.PIPE, text=True)
        processes.append(upstream)
        first = upstream.stdout.readline().split()
        if len(first) != 2 or first[0] != "PORT":
            raise RuntimeError("the fake upstream did not start")
        upstream_port = int(first[1])
        with open(config_path, "w") as f:
            f.write(config_text(upstream_port, 0))

        def cli(*command):
            return subprocess.run([binary, "--db", db_path, "--config", config_path, *command],
                                  capture_output=True, text=True, check=True).stdout

        cli("groups", "create", "soak")
        for route in LOAD_ROUTES:
            cli("groups", "add-route", "soak", route)
        cli("groups", "create", "soak-extra")
        created = json.loads(cli("--json", "keys", "create", "soak load", "--group", "soak"))
        keys = {"load": created["key"], "load_uuid": created["uuid"]}

        serve = subprocess.Popen([binary, "--db", db_path, "--config", config_path, "serve",
                                  "--listen", "127.0.0.1:0", "--log-file", log_path],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        processes.append(serve)
        port = None
        for line in serve.stderr:
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if match:
                port = int(match.group(1))
                break
        if port is None:
            raise RuntimeError("serve did not start")
        # Read stderr to the end, so that the gateway never blocks on it; it says each reload.
        reloaded = {"count": 0, "rejected": 0}

        def drain():
            for text in serve.stderr:
                if "portico-gateway: reloaded" in text:
                    reloaded["count"] += 1
                elif "does not load" in text:
                    reloaded["rejected"] += 1

        drainer = threading.Thread(target=drain, daemon=True)
        drainer.start()

        counts = Counts()
        admin_counts = {"ok": 0, "failed": 0, "last_error": ""}
        reload_counts = {"rewrites": 0, "sighups": 0}
        for i in range(args.workers):
            threads.append(threading.Thread(target=worker,
                                            args=(port, keys, counts, stop, 1000 + i)))
        threads.append(threading.Thread(target=flood, args=(port, counts, stop)))
        threads.append(threading.Thread(target=admin, args=(cli, keys, stop, admin_counts)))
        threads.append(threading.Thread(target=reloader, args=(config_path, upstream_port, serve,
                                                               stop, reload_counts)))
        for thread in threads:
            thread.start()

        print(f"soak: pid {serve.pid}, port {port}, {args.workers} workers, {duration:.0f} s; "
              f"store {db_path}", flush=True)
        header = (f"{'min':>5} {'rss MiB':>8} {'fds':>5} {'thr':>4} {'received':>9} "
                  f"{'rows':>9} {'counted':>9} {'lag':>6} {'admin':>6} {'reload':>6}")
        print(header, flush=True)
        started = time.monotonic()
        table = []
        while True:
            now = time.monotonic() - started
            if now >= duration:
                break
            time.sleep(min(args.report_every, duration - now))
            elapsed = time.monotonic() - started
            rss, fds, thread_count = proc_figures(serve.pid)
            received = counts.received()
            rows, counted = usage_rows(db_path)
            line = {"minute": round(elapsed / 60, 2), "rss_mib": round(rss / 1024, 1),
                    "fds": fds, "threads": thread_count, "received": received, "rows": rows,
                    "counted": counted, "lag": received - counted,
                    "admin_changes": admin_counts["ok"], "reloads": reloaded["count"]}
            table.append(line)
            print(f"{line['minute']:>5.1f} {line['rss_mib']:>8.1f} {fds:>5} {thread_count:>4} "
                  f"{received:>9} {rows:>9} {counted:>9} {line['lag']:>6} "
                  f"{admin_counts['ok']:>6} {reloaded['count']:>6}", flush=True)

        stop.set()
        for thread in threads:
            thread.join()
        before_stop = proc_figures(serve.pid)
        serve.send_signal(signal.SIGTERM)
        code = serve.wait(timeout=60)
        drainer.join(timeout=10)
        received = counts.received()
        rows, counted = usage_rows(db_path)
        exact = counted == received and counts.errors == 0 and code == 0
        with open(log_path, "rb") as f:
            log_lines = sum(1 for _ in f)
        summary = {
            "seconds": round(time.monotonic() - started, 1),
            "received": received, "answered": counts.answered, "hung_up": counts.hung_up,
            "client_errors": counts.errors, "usage_rows": rows, "rows_counted": counted,
            "balance": counted - received, "exact": exact, "serve_exit": code,
            "log_lines": log_lines,
            "by_kind": counts.by_kind,
            "by_status": {str(k): v for k, v in sorted(counts.by_status.items())},
            "admin": admin_counts, "reloads": dict(reload_counts, reloaded=reloaded["count"],
                                                   rejected=reloaded["rejected"]),
            "last": {"rss_mib": round(before_stop[0] / 1024, 1), "fds": before_stop[1],
                     "threads": before_stop[2]},
        }
        print(f"after SIGTERM: received {received} (answered {counts.answered}, hung up "
              f"{counts.hung_up}), usage rows {rows} counting {counted} requests: "
              f"{'exact' if exact else 'NOT exact'} (difference {counted - received}, "
              f"client errors {counts.errors}, serve exit {code})", flush=True)
        print(json.dumps(summary), flush=True)
    finally:
        stop.set()
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
        if args.keep:
            print(f"soak: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
