#!/usr/bin/env python3
"""Portico benchmark harness: the gateway next to nginx as a plain reverse proxy, in one run.

Run it through bench/run.sh (bench/README.md says how to read it). Standard library only.

Every scenario sends the same load three ways when it can: straight to the upstream ("direct"),
through nginx as a reverse proxy ("nginx"), and through `portico-gateway serve` ("gateway"), one
after the other on the same machine, so the figures that matter are the gateway's next to
nginx's. Upstreams: nginx answering a fixed 648-byte chat completion (S1, S2, S6, S8) and
bench/fakeupstream (portico-fake-upstream: delayed answers, SSE streams; S3, S4). Clients: wrk
-t1 and bench/client (portico-bench-stream, S4). The CPU time of every process (from
/proc/PID/stat, or wait4 for the clients) is printed beside each run so one can see that neither
the upstream nor the client set the pace. Timings never make this script fail: it exits non-zero
only when a scenario could not run (a process did not start, a preflight request was not
answered).
"""
import argparse
import ctypes
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CLK_TCK = os.sysconf("SC_CLK_TCK")
SCENARIOS = ("S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8")
BODY = '{"model":"%s","messages":[{"role":"user","content":"Hello!"}]}'

# Counts and durations of the two modes. The smoke mode only proves the harness still runs.
PRESETS = {
    "full": {
        "s1_connections": 64, "s1_duration": 5, "s1_rounds": 2, "s1_extras": True,
        "s2_duration": 3, "s2_rounds": 5,
        "s3_connections": 1000, "s3_delay_ms": 500, "s3_duration": 20,
        "s4_streams": 500, "s4_chunks": 50, "s4_interval_ms": 20, "s4_rounds": 3,
        "s6_keys": 100_000, "s6_duration": 5, "s6_rounds": 2,
        "s8_duration": 3, "s8_rounds": 7,
    },
    "smoke": {
        "s1_connections": 64, "s1_duration": 1, "s1_rounds": 1, "s1_extras": False,
        "s2_duration": 1, "s2_rounds": 2,
        "s3_connections": 100, "s3_delay_ms": 500, "s3_duration": 2,
        "s4_streams": 50, "s4_chunks": 10, "s4_interval_ms": 20, "s4_rounds": 1,
        "s6_keys": 1000, "s6_duration": 1, "s6_rounds": 1,
        "s8_duration": 1, "s8_rounds": 1,
    },
}

# The targets the gateway is judged on (docs/PERFORMANCE.md).
TARGETS = {
    "s1_ratio": 0.6,            # S1 req/s >= 0.6 x nginx as a reverse proxy
    "s2_added_p50_us": 60,      # S2 p50 added over the direct call
    "s3_share": 0.9,            # S3 >= 90% of the ideal req/s, and no errors
    "s4_chunk_p99_ms": 2.0,     # S4 p99 chunk delay
    "s4_ttfb_added_p50_ms": 1.0,
    "s5_rest_mb": 30,
    "s5_s4_mb": 150,
    "s6_first_answer_ms": 200,
    "s6_extra_mb": 30,
    "s6_throughput_ratio": 0.9,
    "s8_cost": 0.10,
}

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


class BenchError(Exception):
    """A scenario could not run (not a slow result: those are figures)."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def us_per_request(runs, kind, percent):
    """The median over the runs of `kind` of `percent(run)` (a share of one core, in %) spread
    over the run's requests: microseconds of one core a request, whatever share of the machine
    the process got. None when no run of that kind has the figure."""
    return median(percent(r) * 1e4 / r["rps"] for r in runs
                  if r["kind"] == kind and r["rps"] and percent(r) is not None)


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


def added_ratio(a, b):
    """The ratio of two added delays; none when either is not above zero (a difference of
    medians can be, when the proxy's figure is within the noise of the direct one)."""
    return a / b if a is not None and b is not None and a > 0 and b > 0 else None


# --- processes ---------------------------------------------------------------------------------

class Process:
    """A child process whose CPU time, memory and threads can be read from /proc."""

    def __init__(self, name, argv, work, cpus=None, stdout=None, env=None):
        self.name = name
        self.log_path = os.path.join(work, f"{name}.log")
        self._log = open(self.log_path, "ab")

        def child_setup():
            # Gone with the harness, even when it is killed.
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if cpus:
                os.sched_setaffinity(0, cpus)

        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                                      stdout=stdout if stdout is not None else self._log,
                                      stderr=self._log, env=env, preexec_fn=child_setup)
        self.pid = self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def cpu_split(self):
        """(user, kernel) CPU ticks of all threads so far."""
        try:
            with open(f"/proc/{self.pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            return int(fields[11]), int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            return 0, 0

    def status(self, field):
        try:
            with open(f"/proc/{self.pid}/status") as handle:
                for line in handle:
                    if line.startswith(field + ":"):
                        return int(line.split()[1])
        except (OSError, ValueError, IndexError):
            pass
        return None

    def threads(self):
        """{tid: (cpu ns, runqueue wait ns, name)} from schedstat."""
        result = {}
        try:
            tids = os.listdir(f"/proc/{self.pid}/task")
        except OSError:
            return result
        for tid in tids:
            try:
                with open(f"/proc/{self.pid}/task/{tid}/schedstat") as handle:
                    run_ns, wait_ns = (int(x) for x in handle.read().split()[:2])
                with open(f"/proc/{self.pid}/task/{tid}/comm") as handle:
                    name = handle.read().strip()
            except (OSError, ValueError):
                continue
            result[tid] = (run_ns, wait_ns, name)
        return result

    def open_fds(self):
        try:
            return len(os.listdir(f"/proc/{self.pid}/fd"))
        except OSError:
            return None

    def stop(self, seconds=15):
        """SIGTERM, then SIGKILL after `seconds`; the exit status (negative: killed by signal)."""
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(seconds)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        self._log.close()
        return self.popen.returncode


class Meter:
    """CPU time of processes over one run, and the RSS of some of them sampled every 50 ms."""

    def __init__(self, processes, sample_rss=()):
        self.processes = {name: p for name, p in processes.items() if p is not None}
        self.sample_rss = [p for p in sample_rss if p is not None]
        self.rss_peak = {}
        self._stop = threading.Event()

    def __enter__(self):
        self.started = time.monotonic()
        self.ticks = {name: p.cpu_split() for name, p in self.processes.items()}
        self.thread_stats = {name: p.threads() for name, p in self.processes.items()}
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        return self

    def _sample(self):
        while True:
            for p in self.sample_rss:
                rss = p.status("VmRSS")
                if rss is not None:
                    self.rss_peak[p.name] = max(self.rss_peak.get(p.name, 0), rss)
            if self._stop.wait(0.05):
                return

    def __exit__(self, *exc):
        self._stop.set()
        self._sampler.join()
        self.seconds = time.monotonic() - self.started
        self.cpu = {}
        for name, p in self.processes.items():
            user, kernel = (now - then for now, then in zip(p.cpu_split(), self.ticks[name]))
            used = (user + kernel) / CLK_TCK
            before = self.thread_stats[name]
            after = p.threads()
            wait_ns = sum(w - before.get(tid, (0, 0, ""))[1] for tid, (_, w, _) in after.items())
            busiest = max(((run - before.get(tid, (0, 0, ""))[0], thread_name)
                           for tid, (run, _, thread_name) in after.items()), default=(0, ""))
            self.cpu[name] = {
                "cpu_s": round(used, 3),
                "cpu_pct": round(100 * used / self.seconds, 1),
                "kernel_pct": round(100 * kernel / CLK_TCK / self.seconds, 1),
                "wait_pct": round(100 * wait_ns / 1e9 / self.seconds, 1),
                "busiest_thread": busiest[1],
                "busiest_thread_pct": round(100 * busiest[0] / 1e9 / self.seconds, 1),
            }
        return False


# --- the bench ---------------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.preset = dict(PRESETS["smoke" if args.smoke else "full"])
        for name in ("duration", "rounds"):
            value = getattr(args, name)
            if value is not None:
                for key in self.preset:
                    if key.endswith("_" + name) and not key.startswith("s2_"):
                        self.preset[key] = value
        if args.keys is not None:
            self.preset["s6_keys"] = args.keys
        if args.streams is not None:
            self.preset["s4_streams"] = args.streams
        self.build = os.path.abspath(args.build_dir)
        self.gateway_bin = os.path.join(self.build, "app", "portico-gateway", "portico-gateway")
        self.fake_bin = os.path.join(self.build, "bench", "portico-fake-upstream")
        self.stream_bin = os.path.join(self.build, "bench", "portico-bench-stream")
        self.seed_bin = os.path.join(self.build, "bench", "portico-bench-seed")
        self.nginx_bin = args.nginx
        self.wrk_bin = args.wrk
        self.processes = []
        self.results = {"scenarios": {}, "targets": [], "notes": []}
        self.work = None
        cpus = sorted(os.sched_getaffinity(0))
        # --pin: the system under test (gateway or nginx proxy) on all CPUs but the last; the
        # clients and the upstreams on the last one.
        self.cpus_under_test = set(cpus[:-1]) if args.pin and len(cpus) > 1 else None
        self.cpus_load = {cpus[-1]} if args.pin and len(cpus) > 1 else None

    # -- helpers ----------------------------------------------------------------------------
    def spawn(self, name, argv, cpus=None, stdout=None):
        process = Process(name, argv, self.work, cpus=cpus, stdout=stdout)
        self.processes.append(process)
        return process

    def cli(self, db, *command, stdout=None):
        argv = [self.gateway_bin, "--db", db, "--config", self.config, *command]
        with open(os.path.join(self.work, "cli.log"), "ab") as err:
            completed = subprocess.run(argv, stdout=stdout or subprocess.PIPE, stderr=err)
        if completed.returncode != 0:
            raise BenchError(f"portico-gateway {' '.join(command[:2])} failed "
                             f"(see {self.work}/cli.log)")
        return completed.stdout

    def request(self, port, path, key=None, model="fixed", timeout=10):
        """One POST; (status, body bytes)."""
        body = BODY % model
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = "Bearer " + key
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def wait_first_answer(self, process, port, path, key=None, started=None, seconds=60):
        """Milliseconds from `started` to the first 200 answer on `path` (polled every ~1 ms)."""
        started = started if started is not None else time.monotonic()
        last = "no answer"
        while time.monotonic() - started < seconds:
            if not process.alive():
                raise BenchError(f"{process.name} exited at start (see {process.log_path})")
            try:
                status, body = self.request(port, path, key)
                if status == 200:
                    return (time.monotonic() - started) * 1000
                last = f"{status} {body[:200]!r}"
            except (ConnectionRefusedError, ConnectionResetError):
                pass
            except OSError as error:
                last = str(error)
            time.sleep(0.001)
        raise BenchError(f"{process.name} did not answer {path} with 200 within {seconds} s "
                         f"(last: {last})")

    def wrk(self, label, port, path, connections, duration, key_file=None, model="fixed",
            timeout="5s"):
        output = os.path.join(self.work, "wrk.out")
        env = dict(os.environ, BENCH_METHOD="POST", BENCH_MODEL=model,
                   BENCH_KEY_FILE=key_file or "")
        argv = [self.wrk_bin, "-t1", f"-c{connections}", f"-d{int(duration)}s", "--timeout",
                timeout, "-s", os.path.join(HERE, "request.lua"),
                f"http://127.0.0.1:{port}{path}"]
        cpus = self.cpus_load

        def setup():
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if cpus:
                os.sched_setaffinity(0, cpus)

        with open(output, "wb") as out:
            child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env,
                                     preexec_fn=setup)
            _, status, rusage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
        with open(output, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        match = re.search(r"^BENCH_RESULT (.*)$", text, re.M)
        if not match:
            raise BenchError(f"wrk failed for {label}: {text.strip()[-300:]}")
        raw = json.loads(match.group(1))
        errors = {name: raw[f"errors_{name}"] for name in
                  ("connect", "read", "write", "timeout", "status") if raw[f"errors_{name}"]}
        seconds = raw["duration_us"] / 1e6
        return {
            "label": label, "client": "wrk", "connections": connections,
            "requests": raw["requests"], "seconds": round(seconds, 3),
            "rps": round(raw["requests"] / seconds, 1) if seconds else None,
            "p50_us": raw["latency_p50_us"], "p90_us": raw["latency_p90_us"],
            "p99_us": raw["latency_p99_us"], "max_us": raw["latency_max_us"],
            "errors": sum(errors.values()), "error_kinds": errors,
            "client_cpu_s": round(rusage.ru_utime + rusage.ru_stime, 3),
        }

    def stream_client(self, label, port, path, connections, rounds, chunks, key_file=None,
                      model="stream", ramp_ms=None, stream=True, timeout_s=120):
        argv = [self.stream_bin, f"http://127.0.0.1:{port}{path}", "--connections",
                str(connections), "--requests", str(rounds), "--model", model,
                "--timeout-s", str(timeout_s)]
        if ramp_ms:
            argv += ["--ramp-ms", str(ramp_ms)]
        if stream:
            argv += ["--expect-chunks", str(chunks)]
        else:
            argv.append("--no-stream")
        if key_file:
            argv += ["--key-file", key_file]
        cpus = self.cpus_load

        def setup():
            _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            if cpus:
                os.sched_setaffinity(0, cpus)

        completed = subprocess.run(argv, capture_output=True, text=True, preexec_fn=setup)
        if completed.returncode != 0:
            raise BenchError(f"portico-bench-stream failed for {label}: "
                             f"{completed.stderr.strip()[-300:]}")
        result = json.loads(completed.stdout)
        result["label"] = label
        result["client"] = "portico-bench-stream"
        result["client_cpu_s"] = result.pop("cpu_s")
        return result

    def with_cpu(self, run, meter, roles):
        """Adds the CPU of each role (client, upstream, proxy) to a run, in % of one core."""
        seconds = meter.seconds
        cpu = {"client": round(100 * run["client_cpu_s"] / seconds, 1)}
        for role, name in roles.items():
            if name in meter.cpu:
                cpu[role] = meter.cpu[name]["cpu_pct"]
                if role == "proxy":
                    run["proxy_wait_pct"] = meter.cpu[name]["wait_pct"]
                    run["proxy_kernel_pct"] = meter.cpu[name]["kernel_pct"]
                    run["busiest_thread"] = (f"{meter.cpu[name]['busiest_thread']} "
                                             f"{meter.cpu[name]['busiest_thread_pct']:.0f}%")
        run["cpu_pct"] = cpu
        run["wall_s"] = round(seconds, 3)
        return run

    def target(self, scenario, name, value, op, limit, unit="", extra_ok=True):
        passed = None
        if value is not None:
            passed = (value <= limit if op == "<=" else value >= limit) and extra_ok
        entry = {"scenario": scenario, "name": name, "value": value, "op": op, "target": limit,
                 "unit": unit, "pass": passed}
        self.results["targets"].append(entry)
        return entry

    # -- set-up -----------------------------------------------------------------------------
    def setup(self):
        self.fixed_body = subprocess.run([self.fake_bin, "--print-body"], capture_output=True,
                                         text=True, check=True).stdout
        if "'" in self.fixed_body or "$" in self.fixed_body or "\\" in self.fixed_body:
            raise BenchError("the fixed answer cannot be written into nginx.conf as is")

        # The fake upstream.
        self.fake = self.spawn("fake-upstream", [self.fake_bin, "--port", "0"],
                               cpus=self.cpus_load, stdout=subprocess.PIPE)
        line = self.fake.popen.stdout.readline().decode()
        if not line.startswith("PORT "):
            raise BenchError(f"the fake upstream did not start (see {self.fake.log_path})")
        self.fake_port = int(line.split()[1])

        # nginx: the fixed upstream, then the reverse proxy.
        self.nginx_up_port = free_port()
        self.nginx_up = self.start_nginx("nginx-upstream", f"""
    server {{
        listen 127.0.0.1:{self.nginx_up_port} backlog=4096;
        default_type application/json;
        location / {{ return 200 '{self.fixed_body}'; }}
    }}""", self.cpus_load)
        self.wait_first_answer(self.nginx_up, self.nginx_up_port, "/v1/chat/completions")
        self.nginx_port = free_port()
        started = time.monotonic()
        self.nginx = self.start_nginx("nginx-proxy", f"""
    upstream nginx_upstream {{
        server 127.0.0.1:{self.nginx_up_port};
        keepalive 1024;
        keepalive_requests 1000000;
    }}
    upstream fake_upstream {{
        server 127.0.0.1:{self.fake_port};
        keepalive 1024;
        keepalive_requests 1000000;
    }}
    server {{
        listen 127.0.0.1:{self.nginx_port} backlog=4096;
        location /up/ {{
            proxy_pass http://nginx_upstream/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
        location /fake/ {{
            proxy_pass http://fake_upstream/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_read_timeout 120s;
        }}
    }}""", self.cpus_under_test)
        self.nginx_startup_ms = self.wait_first_answer(self.nginx, self.nginx_port,
                                                       "/up/v1/chat/completions", started=started)

        # The gateway's config and store: routes to each upstream, a group, a key.
        p = self.preset
        self.delay_path = f"/delay/{p['s3_delay_ms']}"
        self.stream_path = f"/stream/{p['s4_chunks']}/{p['s4_interval_ms']}"
        self.config = os.path.join(self.work, "config.yaml")
        with open(self.config, "w") as handle:
            handle.write(f"""chat_models:
  - model_id: demo
    model: mock/echo
  - model_id: nginx-fixed
    model: openai/bench-model
    credentials: {{ base_url: http://127.0.0.1:{self.nginx_up_port}/v1 }}
  - model_id: fake-delay
    model: openai/bench-model
    credentials: {{ base_url: http://127.0.0.1:{self.fake_port}{self.delay_path}/v1 }}
  - model_id: fake-stream
    model: openai/bench-model
    credentials: {{ base_url: http://127.0.0.1:{self.fake_port}{self.stream_path}/v1 }}
routes:
  demo: {{ chat_models: [demo] }}
  fixed: {{ chat_models: [nginx-fixed] }}
  delay: {{ chat_models: [fake-delay] }}
  stream: {{ chat_models: [fake-stream] }}
""")
        self.db = os.path.join(self.work, "store.db")
        self.key_file = os.path.join(self.work, "key")
        self.make_group(self.db)
        self.key = self.make_key(self.db, self.key_file)

    def make_group(self, db):
        self.cli(db, "groups", "create", "bench")
        for route in ("demo", "fixed", "delay", "stream"):
            self.cli(db, "groups", "add-route", "bench", route)

    def make_key(self, db, key_file):
        # stdout is the key alone: straight into a private file, never to the terminal.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            self.cli(db, "keys", "create", "bench-key", "--group", "bench", stdout=out)
        with open(key_file) as handle:
            key = handle.read().strip()
        if not re.fullmatch(r"ptc_[0-9A-Za-z]{36}", key):
            raise BenchError("portico-gateway keys create did not print a key")
        return key

    def start_nginx(self, name, servers, cpus):
        prefix = os.path.join(self.work, name)
        os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
        temp = "\n".join(f"    {kind}_temp_path {prefix}/{kind}_temp;"
                         for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # One process doing the work (no master): its CPU time is the whole of nginx's.
        user = "user root;\n" if os.geteuid() == 0 else ""
        conf = os.path.join(prefix, "nginx.conf")
        with open(conf, "w") as handle:
            handle.write(f"""{user}daemon off;
master_process off;
worker_processes 1;
worker_rlimit_nofile 65536;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{
    worker_connections 20000;
    multi_accept on;
}}
http {{
    access_log off;
{temp}
    keepalive_timeout 120s;
    keepalive_requests 1000000;
{servers}
}}
""")
        return self.spawn(name, [self.nginx_bin, "-p", prefix + "/", "-c", conf, "-e",
                                 f"{prefix}/logs/error.log"], cpus=cpus)

    def start_gateway(self, name, db, key, extra=()):
        port = free_port()
        argv = [self.gateway_bin, "--db", db, "--config", self.config, "serve", "--listen",
                f"127.0.0.1:{port}", *extra]
        if self.args.workers:
            argv += ["--workers", str(self.args.workers)]
        started = time.monotonic()
        process = self.spawn(name, argv, cpus=self.cpus_under_test)
        startup_ms = self.wait_first_answer(process, port, "/v1/chat/completions", key,
                                            started=started)
        return process, port, startup_ms

    # -- scenarios --------------------------------------------------------------------------
    def s1(self):
        p = self.preset
        c = p["s1_connections"]
        targets = [
            ("direct", "upstream nginx direct", self.nginx_up_port, "/v1/chat/completions",
             None, None),
            ("nginx", "nginx reverse proxy -> upstream", self.nginx_port,
             "/up/v1/chat/completions", self.nginx, None),
            ("gateway", "gateway -> upstream", self.gw_port, "/v1/chat/completions", self.gw,
             self.key_file),
        ]
        runs = []
        for round_number in range(p["s1_rounds"]):
            for kind, label, port, path, proxy, key_file in targets:
                with Meter({"proxy": proxy, "upstream": self.nginx_up}) as meter:
                    run = self.wrk(label, port, path, c, p["s1_duration"], key_file or self.key_file)
                run["kind"] = kind
                run["round"] = round_number + 1
                runs.append(self.with_cpu(run, meter, {"proxy": "proxy", "upstream": "upstream"}))
        if p["s1_extras"]:
            # No upstream: the gateway's own request path (auth, access, usage row), and the
            # HTTP layer alone.
            with Meter({"proxy": self.gw}) as meter:
                run = self.wrk("gateway, mock/echo route (no upstream)", self.gw_port,
                               "/v1/chat/completions", c, p["s1_duration"], self.key_file,
                               model="demo")
            run["kind"] = "gateway-demo"
            runs.append(self.with_cpu(run, meter, {"proxy": "proxy"}))
        summary = {kind: median(r["rps"] for r in runs if r["kind"] == kind)
                   for kind in ("direct", "nginx", "gateway")}
        summary["gateway_over_nginx"] = ratio(summary["gateway"], summary["nginx"])
        # CPU time of the proxy per request, in microseconds of one core: what each request
        # costs whatever share of the machine the proxy got (nginx has 1 worker, so at most one
        # core; the gateway as many as its workers).
        for kind in ("nginx", "gateway"):
            summary[f"{kind}_cpu_us_per_request"] = us_per_request(
                runs, kind, lambda r: r["cpu_pct"].get("proxy"))
            # The part of it spent in the kernel (system calls, the loopback TCP stack, the
            # scheduler, the proxy's disk writes), which its instruction count does not show.
            summary[f"{kind}_kernel_us_per_request"] = us_per_request(
                runs, kind, lambda r: r.get("proxy_kernel_pct"))
        self.target("S1", "throughput, x nginx reverse proxy", summary["gateway_over_nginx"],
                    ">=", TARGETS["s1_ratio"], "x")
        return {"connections": c, "runs": runs, "summary": summary}

    def s2(self):
        p = self.preset
        targets = [
            ("direct", "upstream nginx direct", self.nginx_up_port, "/v1/chat/completions", None),
            ("nginx", "nginx reverse proxy -> upstream", self.nginx_port,
             "/up/v1/chat/completions", self.nginx),
            ("gateway", "gateway -> upstream", self.gw_port, "/v1/chat/completions", self.gw),
        ]
        runs = []
        for round_number in range(p["s2_rounds"]):
            for kind, label, port, path, proxy in targets:
                with Meter({"proxy": proxy, "upstream": self.nginx_up}) as meter:
                    run = self.wrk(label, port, path, 1, p["s2_duration"], self.key_file)
                run["kind"] = kind
                run["round"] = round_number + 1
                runs.append(self.with_cpu(run, meter, {"proxy": "proxy", "upstream": "upstream"}))
        summary = {}
        for kind in ("direct", "nginx", "gateway"):
            for q in ("p50_us", "p99_us"):
                summary[f"{kind}_{q}"] = median(r[q] for r in runs if r["kind"] == kind)
        # Added: each run against the direct run of its own round (a minute of drift on a
        # shared machine moves both), then the median over the rounds.
        direct = {r["round"]: r for r in runs if r["kind"] == "direct"}
        for kind in ("nginx", "gateway"):
            for q in ("p50_us", "p99_us"):
                summary[f"{kind}_added_{q}"] = median(
                    r[q] - direct[r["round"]][q] for r in runs if r["kind"] == kind)
        self.target("S2", "added latency p50", summary["gateway_added_p50_us"], "<=",
                    TARGETS["s2_added_p50_us"], "us")
        return {"rounds": p["s2_rounds"], "runs": runs, "summary": summary}

    def s3(self):
        p = self.preset
        c = p["s3_connections"]
        ideal = c * 1000.0 / p["s3_delay_ms"]
        path = self.delay_path + "/v1/chat/completions"
        # One call through each first: the delayed route answers at all.
        for port, url, key in ((self.fake_port, path, None),
                               (self.nginx_port, "/fake" + path, None),
                               (self.gw_port, "/v1/chat/completions", self.key)):
            status, body = self.request(port, url, key, model="delay")
            if status != 200:
                raise BenchError(f"S3 preflight {url}: {status} {body[:200]!r}")
        targets = [
            ("direct", "fake upstream direct (500 ms)", self.fake_port, path, None),
            ("nginx", "nginx reverse proxy -> fake", self.nginx_port, "/fake" + path, self.nginx),
            ("gateway", "gateway -> fake", self.gw_port, "/v1/chat/completions", self.gw),
        ]
        runs = []
        for kind, label, port, url, proxy in targets:
            with Meter({"proxy": proxy, "upstream": self.fake}, sample_rss=[proxy]) as meter:
                run = self.wrk(label, port, url, c, p["s3_duration"], self.key_file,
                               model="delay", timeout="10s")
            run["kind"] = kind
            run["share_of_ideal"] = round(run["rps"] / ideal, 3)
            if proxy is not None:
                run["proxy_rss_peak_kb"] = meter.rss_peak.get(proxy.name)
                run["proxy_open_fds_after"] = proxy.open_fds()
            runs.append(self.with_cpu(run, meter, {"proxy": "proxy", "upstream": "upstream"}))
            time.sleep(0.5)  # let the connections close
        summary = {"ideal_rps": ideal}
        for run in runs:
            summary[f"{run['kind']}_rps"] = run["rps"]
            summary[f"{run['kind']}_share"] = run["share_of_ideal"]
            summary[f"{run['kind']}_errors"] = run["errors"]
        summary["gateway_over_nginx"] = ratio(summary["gateway_rps"], summary["nginx_rps"])
        self.target("S3", "share of the ideal req/s, no errors", summary["gateway_share"], ">=",
                    TARGETS["s3_share"], "", extra_ok=summary["gateway_errors"] == 0)
        return {"connections": c, "delay_ms": p["s3_delay_ms"], "runs": runs, "summary": summary}

    def s4(self):
        p = self.preset
        n, chunks, interval = p["s4_streams"], p["s4_chunks"], p["s4_interval_ms"]
        path = self.stream_path + "/v1/chat/completions"
        targets = [
            ("direct", "fake upstream direct", self.fake_port, path, None, None),
            ("nginx", "nginx reverse proxy -> fake", self.nginx_port, "/fake" + path, self.nginx,
             None),
            ("gateway", "gateway -> fake", self.gw_port, "/v1/chat/completions", self.gw,
             self.key_file),
        ]
        # One stream through each first.
        for kind, label, port, url, _, key_file in targets:
            check = self.stream_client(f"{label} (preflight)", port, url, 1, 1, chunks,
                                       key_file, timeout_s=30)
            if check["answered"] != 1:
                raise BenchError(f"S4 preflight {label}: {json.dumps(check)[:400]}")
        runs = []
        for kind, label, port, url, proxy, key_file in targets:
            with Meter({"proxy": proxy, "upstream": self.fake}, sample_rss=[proxy]) as meter:
                # The streams open spread over one interval, so their chunks come as a steady
                # flow, not all at once 50 times.
                run = self.stream_client(label, port, url, n, p["s4_rounds"], chunks, key_file,
                                         ramp_ms=interval)
            run["kind"] = kind
            if proxy is not None:
                run["proxy_rss_peak_kb"] = meter.rss_peak.get(proxy.name)
            runs.append(self.with_cpu(run, meter, {"proxy": "proxy", "upstream": "upstream"}))
            time.sleep(0.5)
        summary = {}
        for run in runs:
            kind = run["kind"]
            summary[f"{kind}_ttfb_p50_ms"] = run["ttfb_us"]["p50"] / 1000
            summary[f"{kind}_chunk_p50_ms"] = run["chunk_delay_us"]["p50"] / 1000
            summary[f"{kind}_chunk_p99_ms"] = run["chunk_delay_us"]["p99"] / 1000
            summary[f"{kind}_chunk_max_ms"] = run["chunk_delay_us"]["max"] / 1000
            summary[f"{kind}_errors"] = run["errors"]
        for kind in ("nginx", "gateway"):
            summary[f"{kind}_ttfb_added_p50_ms"] = (summary[f"{kind}_ttfb_p50_ms"]
                                                     - summary["direct_ttfb_p50_ms"])
        self.s4_gateway_rss_peak_kb = runs[2].get("proxy_rss_peak_kb")
        self.s4_nginx_rss_peak_kb = runs[1].get("proxy_rss_peak_kb")
        self.target("S4", "chunk delay p99", summary["gateway_chunk_p99_ms"], "<=",
                    TARGETS["s4_chunk_p99_ms"], "ms", extra_ok=summary["gateway_errors"] == 0)
        self.target("S4", "TTFB added p50", summary["gateway_ttfb_added_p50_ms"], "<=",
                    TARGETS["s4_ttfb_added_p50_ms"], "ms")
        return {"streams": n, "chunks": chunks, "interval_ms": interval,
                "rounds": p["s4_rounds"], "runs": runs, "summary": summary}

    def s5(self):
        gateway_under = self.s4_gateway_rss_peak_kb if hasattr(self, "s4_gateway_rss_peak_kb") \
            else None
        nginx_under = getattr(self, "s4_nginx_rss_peak_kb", None)
        summary = {
            "gateway_rest_kb": self.gw_rest["rss_kb"],
            "nginx_rest_kb": self.nginx_rest_kb,
            "gateway_s4_peak_kb": gateway_under,
            "nginx_s4_peak_kb": nginx_under,
            "gateway_rest_threads": self.gw_rest["threads"],
        }
        self.target("S5", "RSS at rest", self.gw_rest["rss_kb"] / 1024, "<=",
                    TARGETS["s5_rest_mb"], "MB")
        self.target("S5", "RSS peak under S4",
                    gateway_under / 1024 if gateway_under is not None else None, "<=",
                    TARGETS["s5_s4_mb"], "MB")
        return {"summary": summary}

    def s6(self):
        p = self.preset
        db = os.path.join(self.work, "store-many.db")
        key_file = os.path.join(self.work, "key-many")
        seed_s = self.seeded_store(db, p["s6_keys"])
        key = self.make_key(db, key_file)
        # Compared with a gateway as fresh as it, on a fresh one-key store: the first gateway
        # has served minutes of load by now and its store holds their usage rows.
        one_db = os.path.join(self.work, "store-one.db")
        one_key_file = os.path.join(self.work, "key-one")
        self.make_group(one_db)
        one_key = self.make_key(one_db, one_key_file)
        gateways = {}
        try:
            for kind, store, k in (("one key", one_db, one_key), ("many keys", db, key)):
                process, port, startup_ms = self.start_gateway(
                    "gateway-" + kind.replace(" ", "-"), store, k)
                time.sleep(1)
                gateways[kind] = {"process": process, "port": port, "startup_ms": startup_ms,
                                  "rest_kb": process.status("VmRSS")}
            runs = []
            for round_number in range(p["s6_rounds"]):
                for kind, kfile in (("one key", one_key_file), ("many keys", key_file)):
                    gateway = gateways[kind]
                    with Meter({"proxy": gateway["process"], "upstream": self.nginx_up}) as meter:
                        run = self.wrk(f"gateway, {kind}", gateway["port"],
                                       "/v1/chat/completions", p["s1_connections"],
                                       p["s6_duration"], kfile)
                    run["kind"] = kind
                    run["round"] = round_number + 1
                    runs.append(self.with_cpu(run, meter,
                                              {"proxy": "proxy", "upstream": "upstream"}))
            many_after_kb = gateways["many keys"]["process"].status("VmRSS")
        finally:
            exits = {kind: g["process"].stop() for kind, g in gateways.items()}
        one, many = gateways["one key"], gateways["many keys"]
        one_rps = median(r["rps"] for r in runs if r["kind"] == "one key")
        many_rps = median(r["rps"] for r in runs if r["kind"] == "many keys")
        summary = {
            "keys": p["s6_keys"] + 1,
            "seed_s": round(seed_s, 1) if seed_s is not None else "cached",
            "first_answer_ms": round(many["startup_ms"], 1),
            "one_key_first_answer_ms": round(one["startup_ms"], 1),
            "rest_kb": many["rest_kb"], "one_key_rest_kb": one["rest_kb"],
            "extra_kb": (many["rest_kb"] - one["rest_kb"]
                         if many["rest_kb"] and one["rest_kb"] else None),
            "after_load_kb": many_after_kb,
            "one_key_rps": one_rps, "many_keys_rps": many_rps,
            "throughput_ratio": ratio(many_rps, one_rps),
            "exit_status": exits.get("many keys"),
        }
        self.target("S6", "first answer after start", summary["first_answer_ms"], "<=",
                    TARGETS["s6_first_answer_ms"], "ms")
        self.target("S6", "memory over one key",
                    summary["extra_kb"] / 1024 if summary["extra_kb"] is not None else None,
                    "<=", TARGETS["s6_extra_mb"], "MB")
        self.target("S6", "throughput x one key", summary["throughput_ratio"], ">=",
                    TARGETS["s6_throughput_ratio"], "x")
        return {"runs": runs, "summary": summary}

    def seeded_store(self, db, keys):
        """Makes `db` a store with the bench group and `keys` seeded keys; the seconds seeding
        took, or None when a copy from an earlier run served (BUILD_DIR/bench/seed-cache, kept
        while the gateway and the seed tool are the same builds: a newer schema seeds again)."""
        cache_dir = os.path.join(self.build, "bench", "seed-cache")
        cached = os.path.join(cache_dir, f"store-{keys}.db")
        stamp = ":".join(str(os.stat(path).st_mtime_ns) for path in
                         (self.gateway_bin, self.seed_bin)) + f":{keys}"
        try:
            with open(cached + ".stamp") as handle:
                fresh = handle.read() == stamp and os.path.exists(cached)
        except OSError:
            fresh = False
        if fresh and not self.args.fresh_seed:
            shutil.copyfile(cached, db)
            return None
        self.make_group(db)
        started = time.monotonic()
        seeded = subprocess.run([self.seed_bin, "--db", db, "--keys", str(keys),
                                 "--group", "bench"], capture_output=True, text=True)
        seconds = time.monotonic() - started
        if seeded.returncode != 0:
            raise BenchError(f"portico-bench-seed failed: {seeded.stderr.strip()[-300:]}")
        if not os.path.exists(db + "-wal"):  # closed cleanly: the file is the whole store
            os.makedirs(cache_dir, exist_ok=True)
            shutil.copyfile(db, cached + ".tmp")
            os.replace(cached + ".tmp", cached)
            with open(cached + ".stamp", "w") as handle:
                handle.write(stamp)
        return seconds

    def s7(self):
        summary = {"gateway_first_answer_ms": round(self.gw_startup_ms, 1),
                   "nginx_first_answer_ms": round(self.nginx_startup_ms, 1),
                   "gateway_over_nginx": ratio(self.gw_startup_ms, self.nginx_startup_ms)}
        if getattr(self, "gw_off_startup_ms", None) is not None:
            summary["gateway_no_metering_first_answer_ms"] = round(self.gw_off_startup_ms, 1)
        return {"summary": summary}

    def s8(self):
        p = self.preset
        # Metering's cost is measured between two gateways of the same age, both started now on
        # the run's store. The first gateway has served the scenarios before this one, and a
        # gateway that has served S3's thousand connections and S4's streams costs more per
        # request afterwards, metering or not (docs/PERFORMANCE.md, round 12): set against a
        # fresh gateway without metering, its age was counted as metering's cost. It runs in the
        # same rounds as a third side, so that what age costs is measured too.
        on, on_port, _ = self.start_gateway("gateway-metering-on", self.db, self.key)
        try:
            off, off_port, self.gw_off_startup_ms = self.start_gateway(
                "gateway-no-metering", self.db, self.key, extra=("--no-metering",))
        except BaseException:
            on.stop()
            raise
        sides = {"metering on": (on, on_port), "metering off": (off, off_port),
                 "first gateway": (self.gw, self.gw_port)}
        try:
            runs = []
            for round_number in range(p["s8_rounds"]):
                # A round is a run of each side back to back, in turns on-off-first and
                # first-off-on: the machine's speed drifts by more than metering costs (one run
                # of either kind moves by 15% from the next), and runs side by side see nearly
                # the same machine.
                order = tuple(sides)
                for kind in order if round_number % 2 == 0 else reversed(order):
                    gateway, port = sides[kind]
                    with Meter({"proxy": gateway, "upstream": self.nginx_up}) as meter:
                        run = self.wrk(f"gateway, {kind}", port, "/v1/chat/completions",
                                       p["s1_connections"], p["s8_duration"], self.key_file)
                    run["kind"] = kind
                    run["round"] = round_number + 1
                    runs.append(self.with_cpu(run, meter,
                                              {"proxy": "proxy", "upstream": "upstream"}))
        finally:
            off.stop()
            on.stop()

        def rps(kind):
            return median(r["rps"] for r in runs if r["kind"] == kind)

        def round_costs(kind, against):
            """Each round's 1 - kind/against in req/s: what `kind` costs against `against`."""
            costs = []
            for round_number in range(1, p["s8_rounds"] + 1):
                pair = {r["kind"]: r["rps"] for r in runs if r["round"] == round_number}
                if pair.get(kind) and pair.get(against):
                    costs.append(1 - pair[kind] / pair[against])
            return costs

        def cpu_us(kind):
            # CPU per request: a cost that does not depend on whether the gateway had the CPU
            # to itself.
            value = us_per_request(runs, kind, lambda r: r["cpu_pct"].get("proxy"))
            return round(value, 1) if value is not None else None

        # The cost of each round's pair, and their median: the verdict.
        costs = round_costs("metering on", "metering off")
        cost = median(costs)
        age_costs = round_costs("first gateway", "metering on")
        summary = {"on_rps": rps("metering on"), "off_rps": rps("metering off"), "cost": cost,
                   "round_costs": [round(c, 4) for c in costs],
                   "on_cpu_us_per_request": cpu_us("metering on"),
                   "off_cpu_us_per_request": cpu_us("metering off"),
                   "first_rps": rps("first gateway"),
                   "first_cost": median(age_costs),
                   "first_round_costs": [round(c, 4) for c in age_costs],
                   "first_cpu_us_per_request": cpu_us("first gateway")}
        self.target("S8", "metering cost, share of S1 req/s", cost, "<=", TARGETS["s8_cost"], "")
        return {"runs": runs, "summary": summary}

    # -- the run ----------------------------------------------------------------------------
    def run(self):
        only = set(self.args.only.split(",")) if self.args.only else set(SCENARIOS)
        unknown = only - set(SCENARIOS)
        if unknown:
            raise SystemExit(f"bench: unknown scenario(s) {', '.join(sorted(unknown))}")
        info = self.results
        info["mode"] = "smoke" if self.args.smoke else "full"
        info["time"] = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
        info["machine"] = {"cpus": os.cpu_count(), "load_start": os.getloadavg(),
                           "pinned": bool(self.cpus_under_test)}
        info["preset"] = self.preset
        info["gateway"] = {"binary": self.gateway_bin, "workers": self.args.workers or "default"}
        info["targets_spec"] = TARGETS
        failed = False
        try:
            self.setup()
            started = time.monotonic()
            self.gw, self.gw_port, self.gw_startup_ms = self.start_gateway("gateway", self.db,
                                                                           self.key)
            # S5 at rest: a second after the first answer.
            time.sleep(1)
            self.gw_rest = {"rss_kb": self.gw.status("VmRSS"), "hwm_kb": self.gw.status("VmHWM"),
                            "threads": self.gw.status("Threads")}
            self.nginx_rest_kb = self.nginx.status("VmRSS")
            log(f"bench: set up in {time.monotonic() - started:.1f} s; gateway first answer "
                f"after {self.gw_startup_ms:.0f} ms, VmRSS {self.gw_rest['rss_kb']} kB")
            order = ("S2", "S1", "S3", "S4", "S5", "S8", "S6", "S7")
            for name in order:
                if name not in only:
                    info["scenarios"][name] = {"skipped": True}
                    continue
                log(f"bench: {name}...")
                t0 = time.monotonic()
                try:
                    result = getattr(self, name.lower())()
                    result["seconds"] = round(time.monotonic() - t0, 1)
                    info["scenarios"][name] = result
                except BenchError as error:
                    failed = True
                    info["scenarios"][name] = {"error": str(error)}
                    log(f"bench: {name} could not run: {error}")
                if not self.gw.alive():
                    raise BenchError(f"the gateway is gone after {name} (crashed? see "
                                     f"{self.gw.log_path})")
            info["gateway"]["after"] = {"rss_kb": self.gw.status("VmRSS"),
                                        "hwm_kb": self.gw.status("VmHWM"),
                                        "threads": self.gw.status("Threads"),
                                        "open_fds": self.gw.open_fds()}
            info["gateway"]["exit_status"] = self.gw.stop()
            info["gateway"]["usage_rows"] = self.usage_rows()
        except BenchError as error:
            failed = True
            info["error"] = str(error)
            log(f"bench: {error}")
        finally:
            for process in reversed(self.processes):
                process.stop(5)
        info["machine"]["load_end"] = os.getloadavg()
        info["scenarios"] = {name: info["scenarios"][name] for name in SCENARIOS
                             if name in info["scenarios"]}
        self.leak_check()
        return failed

    def usage_rows(self):
        try:
            out = self.cli(self.db, "--json", "usage", "--route", "fixed")
            totals = json.loads(out).get("totals", [])
            return sum(int(t.get("requests", 0)) for t in totals)
        except (BenchError, ValueError):
            return None

    def leak_check(self):
        """No log the run wrote may hold a key."""
        pattern = re.compile(rb"ptc_[0-9A-Za-z]{36}")
        for root, _, files in os.walk(self.work):
            for name in files:
                if name.startswith("key"):
                    continue
                path = os.path.join(root, name)
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    continue
                if path.endswith(".db") or path.endswith("-wal") or path.endswith("-shm"):
                    continue
                if pattern.search(data):
                    self.results["notes"].append(f"an API key appears in {name}: a leak")
                    self.results["key_leak"] = True


# --- report ------------------------------------------------------------------------------------

def fmt(value, spec=".0f", missing="-"):
    return missing if value is None else format(value, spec)


def table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    lines = []
    for row in [headers] + rows:
        lines.append("  ".join(str(cell).ljust(width) if i < 2 else str(cell).rjust(width)
                               for i, (cell, width) in enumerate(zip(row, widths))).rstrip())
    return "\n".join(lines)


def summary_rows(results):
    """The headline table: one row per target or figure, gateway beside nginx."""
    s = results["scenarios"]
    targets = {(t["scenario"], t["name"]): t for t in results["targets"]}

    def verdict(scenario, name):
        t = targets.get((scenario, name))
        if not t:
            return "", ""
        unit = t["unit"] if t["unit"] not in ("", "x") else ""
        spec = f"{t['op']} {t['target']:g}{(' ' + unit) if unit else ''}"
        if t["unit"] == "x":
            spec = f"{t['op']} {t['target']:g} x"
        if t["scenario"] in ("S3", "S8"):
            spec = f"{t['op']} {t['target'] * 100:g}%"
        result = "-" if t["pass"] is None else ("pass" if t["pass"] else "MISS")
        return spec, result

    rows = []

    def add(scenario, measure, gateway, nginx, ratio_value, target_name=None):
        spec, result = verdict(scenario, target_name) if target_name else ("", "")
        rows.append([scenario, measure, gateway, nginx, ratio_value, spec, result])

    def get(name):
        entry = s.get(name) or {}
        if entry.get("skipped"):
            return None
        if "error" in entry:
            rows.append([name, f"could not run: {entry['error'][:80]}", "", "", "", "", "ERROR"])
            return None
        return entry.get("summary")

    if (x := get("S1")) is not None:
        add("S1", f"throughput, {s['S1']['connections']} conns (req/s)", fmt(x["gateway"]),
            fmt(x["nginx"]), fmt(x["gateway_over_nginx"], ".2f"),
            "throughput, x nginx reverse proxy")
        add("S1", "  proxy CPU per request (us of one core)",
            fmt(x["gateway_cpu_us_per_request"], ".1f"), fmt(x["nginx_cpu_us_per_request"], ".1f"),
            fmt(ratio(x["gateway_cpu_us_per_request"], x["nginx_cpu_us_per_request"]), ".1f"))
        add("S1", "    of which in the kernel (us)",
            fmt(x.get("gateway_kernel_us_per_request"), ".1f"),
            fmt(x.get("nginx_kernel_us_per_request"), ".1f"),
            fmt(ratio(x.get("gateway_kernel_us_per_request"),
                      x.get("nginx_kernel_us_per_request")), ".1f"))
        add("S1", "  upstream nginx alone (req/s)", "", fmt(x["direct"]), "")
    if (x := get("S2")) is not None:
        add("S2", "added latency p50, 1 conn (us)", fmt(x["gateway_added_p50_us"]),
            fmt(x["nginx_added_p50_us"]),
            fmt(added_ratio(x["gateway_added_p50_us"], x["nginx_added_p50_us"]), ".1f"),
            "added latency p50")
        add("S2", "added latency p99, 1 conn (us)", fmt(x["gateway_added_p99_us"]),
            fmt(x["nginx_added_p99_us"]),
            fmt(added_ratio(x["gateway_added_p99_us"], x["nginx_added_p99_us"]), ".1f"))
        add("S2", "  direct call p50 / p99 (us)", "",
            f"{fmt(x['direct_p50_us'])} / {fmt(x['direct_p99_us'])}", "")
    if (x := get("S3")) is not None:
        add("S3", f"{s['S3']['connections']} calls of {s['S3']['delay_ms']} ms: share of ideal "
            f"{x['ideal_rps']:.0f} req/s", fmt(100 * x["gateway_share"], ".1f") + "%",
            fmt(100 * x["nginx_share"], ".1f") + "%", fmt(x["gateway_over_nginx"], ".2f"),
            "share of the ideal req/s, no errors")
        add("S3", "  errors", fmt(x["gateway_errors"]), fmt(x["nginx_errors"]), "")
    if (x := get("S4")) is not None:
        add("S4", f"{s['S4']['streams']} streams: chunk delay p99 (ms)",
            fmt(x["gateway_chunk_p99_ms"], ".2f"), fmt(x["nginx_chunk_p99_ms"], ".2f"),
            fmt(ratio(x["gateway_chunk_p99_ms"], x["nginx_chunk_p99_ms"]), ".1f"),
            "chunk delay p99")
        add("S4", "  chunk delay p50 (ms); direct p50 / p99",
            fmt(x["gateway_chunk_p50_ms"], ".2f"), fmt(x["nginx_chunk_p50_ms"], ".2f"),
            f"{fmt(x['direct_chunk_p50_ms'], '.2f')} / {fmt(x['direct_chunk_p99_ms'], '.2f')}")
        add("S4", "TTFB added p50 (ms)", fmt(x["gateway_ttfb_added_p50_ms"], ".2f"),
            fmt(x["nginx_ttfb_added_p50_ms"], ".2f"),
            fmt(added_ratio(x["gateway_ttfb_added_p50_ms"], x["nginx_ttfb_added_p50_ms"]), ".1f"),
            "TTFB added p50")
        add("S4", "  failed streams", fmt(x["gateway_errors"]), fmt(x["nginx_errors"]), "")
    if (x := get("S5")) is not None:
        add("S5", "RSS at rest (MB)", fmt(x["gateway_rest_kb"] / 1024, ".1f"),
            fmt(x["nginx_rest_kb"] / 1024 if x["nginx_rest_kb"] else None, ".1f"),
            fmt(ratio(x["gateway_rest_kb"], x["nginx_rest_kb"]), ".1f"), "RSS at rest")
        g, n = x["gateway_s4_peak_kb"], x["nginx_s4_peak_kb"]
        add("S5", "RSS peak under S4 (MB)", fmt(g / 1024 if g else None, ".1f"),
            fmt(n / 1024 if n else None, ".1f"), fmt(ratio(g, n), ".1f"), "RSS peak under S4")
    if (x := get("S6")) is not None:
        add("S6", f"{x['keys']} keys: first answer after start (ms)",
            fmt(x["first_answer_ms"]), "", "", "first answer after start")
        add("S6", "  memory over one key (MB)",
            fmt(x["extra_kb"] / 1024 if x["extra_kb"] is not None else None, ".1f"), "", "",
            "memory over one key")
        add("S6", "  throughput x one key", fmt(x["throughput_ratio"], ".2f"), "", "",
            "throughput x one key")
        seed = x["seed_s"]
        add("S6", "  keys seeded in (s)", seed if isinstance(seed, str) else fmt(seed, ".1f"),
            "", "")
    if (x := get("S7")) is not None:
        add("S7", "start-up to first answered request (ms)", fmt(x["gateway_first_answer_ms"]),
            fmt(x["nginx_first_answer_ms"]), fmt(x["gateway_over_nginx"], ".1f"))
    if (x := get("S8")) is not None:
        add("S8", "metering cost (share of req/s)", fmt(100 * x["cost"], ".1f") + "%"
            if x["cost"] is not None else "-", "", "", "metering cost, share of S1 req/s")
        add("S8", "  each round's pair (median above)",
            " ".join(fmt(100 * c, ".1f") + "%" for c in x.get("round_costs", [])), "", "")
        add("S8", "  req/s on / off", f"{fmt(x['on_rps'])} / {fmt(x['off_rps'])}", "", "")
        add("S8", "  gateway CPU per request on / off (us)",
            f"{fmt(x['on_cpu_us_per_request'], '.1f')} / {fmt(x['off_cpu_us_per_request'], '.1f')}",
            "", "")
        if x.get("first_rps") is not None:
            # The first gateway, metering on, after the scenarios before S8, against the fresh
            # one with metering on: what the earlier load left behind.
            add("S8", "  first gateway against a fresh one (req/s)",
                fmt(100 * x["first_cost"], ".1f") + "%" if x["first_cost"] is not None else "-",
                "", "")
            add("S8", "    its req/s, CPU per request (us)",
                f"{fmt(x['first_rps'])}, {fmt(x['first_cpu_us_per_request'], '.1f')}", "", "")
    return rows


def run_rows(results):
    rows = []
    for name in SCENARIOS:
        for run in (results["scenarios"].get(name) or {}).get("runs", []):
            cpu = run.get("cpu_pct", {})
            if run["client"] == "wrk":
                rate = fmt(run["rps"])
                p50, p99 = fmt(run["p50_us"] / 1000, ".3f"), fmt(run["p99_us"] / 1000, ".3f")
            else:
                rate = f"{run['answered']}/{run['requests']}"
                p50 = fmt(run["chunk_delay_us"]["p50"] / 1000, ".3f")
                p99 = fmt(run["chunk_delay_us"]["p99"] / 1000, ".3f")
            label = run["label"] + (f" #{run['round']}" if "round" in run else "")
            rows.append([name, label, run["connections"], rate, p50, p99, run["errors"],
                         fmt(cpu.get("client")), fmt(cpu.get("upstream")),
                         fmt(cpu.get("proxy")), fmt(run.get("proxy_wait_pct")),
                         run.get("busiest_thread", "")])
    return rows


def notes(results):
    found = list(results.get("notes", []))
    for name in SCENARIOS:
        for run in (results["scenarios"].get(name) or {}).get("runs", []):
            cpu = run.get("cpu_pct", {})
            if run.get("kind") == "direct":
                # Nothing but the client and the upstream: one of them sets the pace, as it
                # should (the row shows what the upstream can do).
                continue
            if cpu.get("upstream", 0) >= 80:
                found.append(f"{name} '{run['label']}': the upstream used {cpu['upstream']:.0f}% "
                             "of a core: it may have set the pace of that run.")
            if cpu.get("client", 0) >= 80:
                found.append(f"{name} '{run['label']}': the client used {cpu['client']:.0f}% of a "
                             "core: it may have set the pace of that run.")
            if run.get("proxy_wait_pct", 0) > max(cpu.get("proxy", 0) / 2, 10):
                found.append(f"{name} '{run['label']}': the proxy's threads waited "
                             f"{run['proxy_wait_pct']:.0f}% of the time for a CPU (ran "
                             f"{cpu.get('proxy', 0):.0f}%): the machine was oversubscribed.")
            if run.get("errors"):
                kinds = run.get("error_kinds") or {}
                found.append(f"{name} '{run['label']}': {run['errors']} error(s) {kinds}.")
    gateway = results.get("gateway", {})
    if gateway.get("exit_status") not in (None, 0):
        found.append(f"the gateway exited with {gateway['exit_status']} after SIGTERM.")
    return found


def report(results, json_path):
    out = []
    machine = results["machine"]
    out.append(f"Portico benchmark ({results['mode']}), {results['time']}, {machine['cpus']} CPUs"
               f"{', pinned' if machine.get('pinned') else ''}; load average "
               f"{' '.join(f'{x:.2f}' for x in machine['load_start'])} at the start, "
               f"{' '.join(f'{x:.2f}' for x in machine.get('load_end', ()))} at the end")
    out.append(f"gateway: {results['gateway']['binary']} (workers: "
               f"{results['gateway']['workers']}); nginx: 1 worker; client: wrk -t1, "
               "portico-bench-stream")
    if "error" in results:
        out.append(f"ERROR: {results['error']}")
    out.append("")
    out.append(table(["", "measure", "gateway", "nginx", "ratio", "target", "result"],
                     summary_rows(results)))
    out.append("")
    out.append("Runs (CPU in % of one core, from /proc/PID/stat; wait: % of the time the "
               "proxy's threads were runnable without a CPU):")
    out.append(table(["", "run", "conns", "req/s", "p50 ms", "p99 ms", "errors", "client",
                      "upstream", "proxy", "wait", "busiest proxy thread"], run_rows(results)))
    out.append("(S4 rows: streams answered / sent, and each chunk's delay from the fake's send "
               "to the client's read)")
    gateway = results.get("gateway", {})
    if "after" in gateway:
        after = gateway["after"]
        out.append("")
        out.append(f"gateway after the runs: VmRSS {after['rss_kb']} kB, VmHWM {after['hwm_kb']} "
                   f"kB, {after['threads']} threads, {after['open_fds']} open fds; exit after "
                   f"SIGTERM: {gateway.get('exit_status')}; usage rows on the fixed route: "
                   f"{gateway.get('usage_rows')}")
    found = notes(results)
    if found:
        out.append("")
        out.append("Notes:")
        out.extend(f"  - {note}" for note in found)
    out.append("")
    out.append(f"JSON: {json_path}")
    return "\n".join(out)


def check_complete(results):
    """For the smoke test: every scenario ran and has its summary."""
    missing = []
    for name in SCENARIOS:
        entry = results["scenarios"].get(name) or {}
        if "summary" not in entry and not entry.get("skipped"):
            missing.append(name)
    return missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build_dir", nargs="?")
    parser.add_argument("--report", metavar="JSON",
                        help="print the tables of an earlier run's JSON and exit")
    parser.add_argument("--smoke", action="store_true",
                        help="every scenario for a second or two with small counts")
    parser.add_argument("--json", help="where to write the JSON (default: in the build dir)")
    parser.add_argument("--only", help="comma-separated scenarios, e.g. S1,S4")
    parser.add_argument("--duration", type=int, help="seconds of each throughput run")
    parser.add_argument("--rounds", type=int, help="rounds of the alternated runs (S1, S6, S8)")
    parser.add_argument("--workers", type=int, help="serve --workers (default: the gateway's)")
    parser.add_argument("--keys", type=int, help="keys seeded for S6 (default 100000)")
    parser.add_argument("--streams", type=int, help="concurrent streams of S4 (default 500)")
    parser.add_argument("--pin", action="store_true",
                        help="pin the gateway / nginx proxy to all CPUs but the last, the "
                             "clients and upstreams to the last")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--fresh-seed", action="store_true",
                        help="seed the S6 store again even when a cached copy is current")
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    args = parser.parse_args()
    if args.report:
        with open(args.report) as handle:
            print(report(json.load(handle), args.report))
        return 0
    if not args.build_dir:
        parser.error("the build directory is needed")

    # 1,000 connections in and 1,000 out: the children inherit the raised limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    bench = Bench(args)
    for path in (bench.gateway_bin, bench.fake_bin, bench.stream_bin, bench.seed_bin):
        if not os.access(path, os.X_OK):
            raise SystemExit(f"bench: {path} is missing: build the project first "
                             "(cmake --build --preset release)")
    old_umask = os.umask(0o077)
    bench.work = tempfile.mkdtemp(prefix="portico-bench.")
    os.umask(old_umask)
    json_path = args.json or os.path.join(
        bench.build, "bench", time.strftime("portico-bench-%Y%m%d-%H%M%S.json"))
    failed = True
    try:
        failed = bench.run()
    finally:
        results = bench.results
        os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
        with open(json_path, "w") as handle:
            json.dump(results, handle, indent=1)
        print(report(results, json_path), flush=True)
        keep = args.keep or failed
        # The key files go even when the logs stay.
        for name in ("key", "key-many", "key-one"):
            try:
                os.remove(os.path.join(bench.work, name))
            except OSError:
                pass
        if keep:
            log(f"bench: logs kept in {bench.work}")
        else:
            shutil.rmtree(bench.work, ignore_errors=True)
    if results.get("key_leak"):
        failed = True
    if args.smoke:
        missing = check_complete(results)
        if missing:
            log(f"bench: smoke: no result for {', '.join(missing)}")
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
