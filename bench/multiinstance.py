#!/usr/bin/env python3
"""Multi-instance figures of issue 11, measured on one machine with real processes.

    bench/multiinstance.py [BUILD_DIR] [--trials 100] [--instances 3] [--duration 5]

Starts a throwaway PostgreSQL server (scripts/pg-test-server.sh), N `portico-gateway serve`
instances on one store there, and measures:
  - revocation delay: a key disabled on the command line, then the time until every instance
    refuses it (401), over --trials trials: median and maximum, from the command's exit;
  - requests per second of one instance on PostgreSQL and the same on SQLite, with wrk
    (64 connections, the built-in mock model), --duration seconds each;
  - usage rows lost when PostgreSQL is stopped under load and started again: requests answered
    200 by the instances during --outage-load seconds (PostgreSQL down for the middle third)
    against the usage rows in the database after the instances stopped.
Prints a table and a JSON line. Keys are passed in files or the environment, never printed.
Timings are for reading, not pass/fail.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CONFIG = """chat_models:
  - model_id: demo
    model: mock/echo
routes:
  demo: { chat_models: [demo] }
"""
BODY = json.dumps({"model": "demo", "messages": [{"role": "user", "content": "hello"}]})


def status(port, key):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/v1/chat/completions", BODY,
                 {"Authorization": "Bearer " + key, "Content-Type": "application/json"})
    code = conn.getresponse().status
    conn.close()
    return code


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", nargs="?", default=os.path.join(SOURCE, "build-release"))
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--outage-load", type=int, default=9)
    args = parser.parse_args()
    cli = os.path.join(args.build_dir, "app", "portico-gateway", "portico-gateway")
    work = tempfile.mkdtemp(prefix="portico-multi-")
    os.chmod(work, 0o755)
    pg_dir = os.path.join(work, "pg")
    serves = []
    try:
        uri = subprocess.check_output([os.path.join(SOURCE, "scripts", "pg-test-server.sh"),
                                       "start", pg_dir], text=True).strip()
        config = os.path.join(work, "config.yaml")
        with open(config, "w") as f:
            f.write(CONFIG)

        def gw(db, *command):
            return subprocess.run([cli, "--db", db, "--config", config, *command],
                                  capture_output=True, text=True, check=True).stdout

        def serve(db):
            # stderr to a file: the gateway logs every request there, and a pipe nobody reads
            # would fill and stall it.
            log = os.path.join(work, f"serve-{len(serves)}.log")
            process = subprocess.Popen([cli, "--db", db, "--config", config, "serve",
                                        "--listen", "127.0.0.1:0"],
                                       stderr=open(log, "w"), stdout=subprocess.DEVNULL)
            serves.append(process)
            for _ in range(600):
                with open(log) as f:
                    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", f.read())
                if match:
                    return int(match.group(1))
                time.sleep(0.05)
            raise RuntimeError("serve did not start")

        gw(uri, "groups", "create", "bench")
        gw(uri, "groups", "add-route", "bench", "demo")
        ports = [serve(uri) for _ in range(args.instances)]

        delays = []
        for trial in range(args.trials):
            created = json.loads(gw(uri, "--json", "keys", "create", f"trial {trial}",
                                    "--group", "bench"))
            key = created["key"]
            for port in ports:
                while status(port, key) != 200:
                    time.sleep(0.005)
            gw(uri, "keys", "disable", created["uuid"])
            start = time.monotonic()
            pending = set(ports)
            while pending:
                for port in list(pending):
                    if status(port, key) == 401:
                        pending.discard(port)
            delays.append((time.monotonic() - start) * 1000)

        results = {"instances": args.instances, "trials": args.trials,
                   "revocation_ms_median": round(statistics.median(delays), 1),
                   "revocation_ms_max": round(max(delays), 1)}

        if shutil.which("wrk"):
            for name, db in (("postgresql", uri), ("sqlite", os.path.join(work, "bench.db"))):
                if name == "sqlite":
                    gw(db, "groups", "create", "bench")
                    gw(db, "groups", "add-route", "bench", "demo")
                    port = serve(db)
                else:
                    port = ports[0]
                key = json.loads(gw(db, "--json", "keys", "create", f"wrk {name}",
                                    "--group", "bench"))["key"]
                key_file = os.path.join(work, f"key-{name}")
                with open(key_file, "w") as f:
                    f.write(key)
                os.chmod(key_file, 0o600)
                env = dict(os.environ, BENCH_KEY_FILE=key_file, BENCH_MODEL="demo")
                out = subprocess.run(["wrk", "-t2", "-c64", f"-d{args.duration}s", "-s",
                                      os.path.join(HERE, "request.lua"),
                                      f"http://127.0.0.1:{port}/v1/chat/completions"],
                                     capture_output=True, text=True, env=env).stdout
                match = re.search(r"Requests/sec:\s+([\d.]+)", out)
                results[f"rps_{name}"] = float(match.group(1)) if match else None

        # PostgreSQL stopped under load and started again.
        created = json.loads(gw(uri, "--json", "keys", "create", "outage", "--group", "bench"))
        key = created["key"]
        answered = [0]
        for port in ports:  # every instance knows the new key before the load starts
            while status(port, key) != 200:
                time.sleep(0.005)
            answered[0] += 1  # that answer has its usage row too
        other = [0]
        other_kinds = {}
        counting = threading.Lock()
        stop_at = time.monotonic() + args.outage_load

        def load(port):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            while time.monotonic() < stop_at:
                try:
                    conn.request("POST", "/v1/chat/completions", BODY,
                                 {"Authorization": "Bearer " + key,
                                  "Content-Type": "application/json"})
                    response = conn.getresponse()
                    response.read()
                    with counting:  # += on shared numbers is not atomic across threads
                        if response.status == 200:
                            answered[0] += 1
                        else:
                            other[0] += 1
                            other_kinds[response.status] = other_kinds.get(response.status, 0) + 1
                except OSError as error:
                    with counting:
                        other[0] += 1
                        name = type(error).__name__
                        other_kinds[name] = other_kinds.get(name, 0) + 1
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.close()

        threads = [threading.Thread(target=load, args=(port,)) for port in ports for _ in range(2)]
        for thread in threads:
            thread.start()
        time.sleep(args.outage_load / 3)
        subprocess.run([os.path.join(SOURCE, "scripts", "pg-test-server.sh"), "halt", pg_dir],
                       capture_output=True, check=True)
        time.sleep(args.outage_load / 3)
        subprocess.run([os.path.join(SOURCE, "scripts", "pg-test-server.sh"), "resume", pg_dir],
                       capture_output=True, check=True)
        for thread in threads:
            thread.join()
        # SIGTERM: each instance writes what it holds before it exits.
        for process in serves:
            process.terminate()
            process.wait()
        serves.clear()
        rows = int(subprocess.run(["psql", uri, "-tAc",
                                   f"SELECT count(*) FROM usage WHERE key_uuid = "
                                   f"'{created['uuid']}' AND status = 200"],
                                  capture_output=True, text=True, check=True).stdout.strip())
        results["outage_answered"] = answered[0]
        results["outage_other"] = other[0]
        results["outage_other_kinds"] = {str(k): v for k, v in other_kinds.items()}
        results["outage_rows_lost"] = answered[0] - rows

        print(f"instances                 {results['instances']}")
        print(f"revocation delay median   {results['revocation_ms_median']} ms "
              f"(max {results['revocation_ms_max']} ms, {args.trials} trials)")
        for name in ("postgresql", "sqlite"):
            if f"rps_{name}" in results:
                print(f"requests/s, one instance  {name}: {results[f'rps_{name}']}")
        print(f"PostgreSQL down {args.outage_load / 3:.0f} s of {args.outage_load} s under load: "
              f"{results['outage_answered']} answered, {results['outage_rows_lost']} usage rows "
              f"lost ({results['outage_other']} other answers: {results['outage_other_kinds']})")
        print(json.dumps(results))
    finally:
        for process in serves:
            process.terminate()
            process.wait()
        subprocess.run([os.path.join(SOURCE, "scripts", "pg-test-server.sh"), "stop", pg_dir],
                       capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
