#!/usr/bin/env python3
"""Prints the table of a bench/run.sh run from the files it left in its work directory.

Usage: report.py WORK_DIR   (run.sh calls it; standard library only)
"""
import collections
import json
import os
import re
import sys


def read_env(path):
    values = {}
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                name, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    values[name] = value
    except OSError:
        pass
    return values


def read_phases(work):
    phases = {}
    phase_root = os.path.join(work, "phases")
    for entry in sorted(os.listdir(phase_root)):
        directory = os.path.join(phase_root, entry)
        meta = read_env(os.path.join(directory, "meta.env"))
        try:
            with open(os.path.join(directory, "wrk.json"), encoding="utf-8") as handle:
                meta["wrk"] = json.loads(handle.read() or "null")
        except (OSError, ValueError):
            meta["wrk"] = None
        phases[meta.get("name", entry)] = meta
    return phases


def usage_totals(work, route):
    """(requests, errors, {"status error_code": rows}) from the keys' totals and the rows, or
    None when the CLI gave nothing."""
    try:
        with open(os.path.join(work, f"usage-{route}.json"), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    totals = data.get("totals")
    if totals is None:
        return None
    statuses = collections.Counter(
        f"{row.get('status')}" + (f" {row['error_code']}" if row.get("error_code") else "")
        for row in data.get("rows", []))
    return (sum(int(t.get("requests", 0)) for t in totals),
            sum(int(t.get("errors", 0)) for t in totals), statuses)


def rps(phase):
    result = phase.get("wrk")
    if not result or not result["duration_us"]:
        return None
    return result["requests"] / (result["duration_us"] / 1e6)


def ms(phase, field):
    result = phase.get("wrk")
    return None if not result else result[field] / 1000.0


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def errors_text(result):
    if not result:
        return "wrk failed"
    parts = []
    for name in ("connect", "read", "write", "timeout"):
        if result[f"errors_{name}"]:
            parts.append(f"{name} {result[f'errors_{name}']}")
    if result["errors_status"]:
        parts.append(f"non-2xx {result['errors_status']}")
    return ", ".join(parts) or "0"


def print_table(headers, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows)]
    for line in [headers] + rows:
        cells = [str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                 for i, (cell, width) in enumerate(zip(line, widths))]
        print("  ".join(cells).rstrip())


def main():
    work = sys.argv[1]
    run = read_env(os.path.join(work, "run.env"))
    phases = read_phases(work)
    baseline = {"c1": phases.get("baseline-c1", {}), "cN": phases.get("baseline", {})}
    notes = []
    starved = []

    print()
    headers = ["run", "conns", "req/s", "x baseline", "p50 ms", "p99 ms", "+p50 ms",
               "errors", "gw CPU %", "gw CPU wait %", "busiest gw thread %", "fake CPU %",
               "gw RSS end kB"]
    rows = []
    for name, phase in phases.items():
        result = phase.get("wrk")
        base = baseline["c1" if name.endswith("-c1") else "cN"]
        via_gateway = phase.get("via_gateway") == "1"
        ratio = added = None
        if via_gateway and rps(phase) and rps(base):
            ratio = rps(phase) / rps(base)
        # Added latency only means something when both runs did the same work upstream.
        if name.startswith("upstream") and result and base.get("wrk"):
            added = ms(phase, "latency_p50_us") - ms(base, "latency_p50_us")
        seconds = result["duration_us"] / 1e6 if result else None
        gw_cpu = fake_cpu = gw_wait = None
        busiest = "-"
        if seconds:
            gw_cpu = 100.0 * float(phase.get("gateway_cpu_s", 0)) / seconds
            gw_wait = 100.0 * float(phase.get("gateway_runqueue_wait_s", 0)) / seconds
            thread_name, _, thread_seconds = phase.get("busiest_thread", "").partition(" ")
            if thread_seconds:
                busiest = f"{100.0 * float(thread_seconds) / seconds:.0f} {thread_name}"
            fake_cpu = 100.0 * float(phase.get("fake_cpu_s", 0)) / seconds
        rows.append([phase.get("label", name), phase.get("connections", "?"),
                     fmt(rps(phase), ".0f"), fmt(ratio, ".2f"),
                     fmt(ms(phase, "latency_p50_us"), ".2f"),
                     fmt(ms(phase, "latency_p99_us"), ".2f"), fmt(added, "+.2f"),
                     errors_text(result), fmt(gw_cpu, ".0f") if via_gateway else "-",
                     fmt(gw_wait, ".0f") if via_gateway else "-",
                     busiest if via_gateway else "-",
                     fmt(fake_cpu, ".0f"),
                     phase.get("rss_end_kb", "-") if via_gateway else "-"])
        if result and (result["errors_status"] or result["errors_timeout"]
                       or result["errors_connect"] or result["errors_read"]):
            notes.append(f"{phase.get('label', name)}: wrk saw errors ({errors_text(result)}).")
        if phase.get("alive_after") == "0":
            notes.append(f"the gateway was gone after '{phase.get('label', name)}' (crash?).")
        if name == "baseline" and fake_cpu is not None:
            verdict = ("so it is the bottleneck of the baseline" if fake_cpu >= 80 else
                       "below one full core, so the machine (not the fake alone) limited it")
            notes.append(f"the fake upstream is single-threaded Python: it used {fake_cpu:.0f}% "
                         f"of one core in the baseline, {verdict}. Through the gateway, "
                         "'x baseline' measures the fake as much as the gateway; the demo and "
                         "/health rows have no upstream and show the gateway's own capacity.")
        if via_gateway and gw_cpu is not None and gw_wait is not None and gw_wait > gw_cpu:
            starved.append(phase.get("label", name))
    if starved:
        notes.append("the gateway's threads waited longer for a CPU than they ran in: "
                     + ", ".join(f"'{label}'" for label in starved)
                     + f". The CPUs were oversubscribed (wrk runs on the same machine; load "
                     f"average {run.get('load_start')} at the start, {run.get('load_end')} at "
                     f"the end, on {run.get('cpus')} CPUs): those rows show the machine as much "
                     "as the gateway. On a quiet machine with more cores than wrk threads plus "
                     "gateway workers, they would be higher.")
    print_table(headers, rows)
    print("(x baseline: requests/s divided by the fake upstream's own at the same connection "
          "count; +p50: added median latency; CPU %: of one core, 200% = both cores; CPU wait "
          "%: time the gateway's threads were runnable but had no CPU, summed over threads)")

    print()
    print("Gateway memory (from /proc/PID/status):")
    print(f"  at rest after start:  VmRSS {run.get('rest_rss_kb')} kB, VmHWM "
          f"{run.get('rest_hwm_kb')} kB, {run.get('rest_threads')} threads")
    peak = max((int(p.get("rss_peak_kb") or 0) for p in phases.values()
                if p.get("via_gateway") == "1"), default=0)
    print(f"  under load (peak of 0.5 s samples): VmRSS {peak} kB")
    for name, phase in phases.items():
        if phase.get("via_gateway") == "1":
            print(f"    end of '{phase.get('label', name)}': VmRSS {phase.get('rss_end_kb')} kB")
    demo_rss = [int(p["rss_end_kb"]) for n, p in phases.items()
                if n.startswith("demo") and p.get("rss_end_kb")]
    if len(demo_rss) >= 2:
        steps = ", ".join(f"{after - before:+d}" for before, after in zip(demo_rss, demo_rss[1:]))
        print(f"  the same demo run {len(demo_rss)} times: VmRSS at their ends "
              f"{', '.join(map(str, demo_rss))} kB (steps {steps} kB)")
        if demo_rss[-1] - demo_rss[-2] > 0.05 * demo_rss[-2]:
            notes.append("VmRSS still grew by more than 5% on the last repeated demo run: "
                         "a leak, or not yet settled (try --repeat 5).")
    print(f"  at rest after the runs (2 s idle): VmRSS {run.get('after_rss_kb')} kB, VmHWM "
          f"{run.get('after_hwm_kb')} kB, {run.get('after_threads')} threads, "
          f"{run.get('after_fds')} open fds")

    print()
    print("Usage rows (portico-gateway usage --json, after a graceful stop):")
    preflight = int(run.get("preflight_per_route", "0"))
    demo_names = tuple(name for name in phases if name.startswith("demo"))
    for route, phase_names in (("upstream", ("upstream-c1", "upstream")), ("demo", demo_names)):
        sent = sum(phases[n]["wrk"]["requests"] for n in phase_names
                   if phases.get(n, {}).get("wrk"))
        expected = sent + preflight
        totals = usage_totals(work, route)
        if totals is None:
            print(f"  {route}: could not read the usage rows")
            notes.append(f"'portico-gateway usage --json --route {route}' gave no totals.")
            continue
        rows_written, row_errors, statuses = totals
        extra = rows_written - expected
        upstream_calls = ""
        upstream_lines = []
        if route == "upstream":
            calls = [phases.get(n, {}).get("upstream_calls", "?") for n in phase_names]
            upstream_calls = f"; the fake upstream counted {' + '.join(calls)} calls"
            for name in phase_names:
                phase = phases.get(name, {})
                # Not max_in_flight: the fake answers these at once, so it never sees two.
                notes_line = (f"    '{phase.get('label', name)}': {phase.get('upstream_calls')} "
                              f"upstream calls on {phase.get('upstream_connections')} upstream "
                              f"connection(s) for {phase.get('connections')} client "
                              "connection(s)")
                upstream_lines.append(notes_line)
        print(f"  {route}: {rows_written} rows ({row_errors} errors) for {expected} requests "
              f"completed by wrk and the preflight ({extra:+d}){upstream_calls}")
        print("    by status: " + ", ".join(f"{status}: {count}"
                                          for status, count in sorted(statuses.items())))
        for line in upstream_lines:
            print(line)
        if extra < 0:
            notes.append(f"route {route}: {-extra} completed requests have no usage row.")
        elif extra > 0:
            notes.append(f"route {route}: {extra} more rows than completed requests: wrk stops "
                         "with requests in flight (at most one per connection per run), which "
                         "the gateway records too.")

    print()
    print(f"gateway exit after SIGTERM: {run.get('gateway_exit')}; "
          f"{run.get('gateway_log_lines')} line(s) on its stderr; "
          f"load average at the end {run.get('load_end')}")
    log_lines = []
    try:
        with open(os.path.join(work, "gateway.err"), encoding="utf-8", errors="replace") as handle:
            # The gateway must never log a key; should it, the report does not repeat it.
            log_lines = [re.sub(r"ptc_[0-9A-Za-z]{36}", "ptc_(key hidden)", line.rstrip())
                         for line in handle
                         if "listening on" not in line and "stopping (" not in line]
    except OSError:
        pass
    if log_lines:
        notes.append(f"the gateway wrote {len(log_lines)} other line(s) on stderr; the first: "
                     + " | ".join(log_lines[:3]))
    if run.get("gateway_exit") != "0":
        notes.append(f"the gateway did not stop cleanly: {run.get('gateway_exit')}.")
    if notes:
        print()
        print("Notes:")
        for note in notes:
            print(f"  - {note}")


if __name__ == "__main__":
    main()
