#!/usr/bin/env python3
"""Turns the results of bench/compare.sh (target/compare) into one table, checks the
targets of issue 5, and writes docs/BENCHMARKS.md. Run by compare.sh; usage: report.py WORKDIR"""
import datetime
import json
import os
import platform
import re
import subprocess
import sys

SERVERS = ["smtp-monitor", "smtp-sink", "greenmail", "aiosmtpd"]
BENCHMARKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "docs", "BENCHMARKS.md")
# docs/BENCHMARKS.md describes the method above this heading; from it down is this script's.
RESULTS_HEADING = "## Latest results"


def load(work):
    rows = []
    with open(os.path.join(work, "results.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


def key(row):
    """The load asked for: a server without PIPELINING gets a pipelined load lock-step."""
    result = row["result"]
    return (result["conns"], result["size"], row.get("pipelining", result["pipelining"]))


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def median_of(results):
    """One result whose figures are each the median of the runs' (errors: their sum)."""
    first = results[0]
    merged = dict(first)
    for name in ("messagesPerSecond", "mbPerSecond", "seconds"):
        merged[name] = median([r[name] for r in results])
    merged["latencyMs"] = {p: median([r["latencyMs"][p] for r in results]) for p in first["latencyMs"]}
    merged["errors"] = sum(r["errors"] for r in results)
    merged["runs"] = len(results)
    return merged


def method_text():
    """The hand-written part of docs/BENCHMARKS.md, kept as it is above the new results."""
    try:
        with open(BENCHMARKS) as f:
            text = f.read()
    except FileNotFoundError:
        return "# Benchmarks\n\n"
    cut = text.find("\n" + RESULTS_HEADING + "\n")
    return text[:cut + 1] if cut >= 0 else text.rstrip("\n") + "\n\n"


def machine():
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "?"
    model = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    memory = sh("free -g | awk '/Mem:/ {print $2}'")
    java = sh("java -version 2>&1 | head -n 1")
    fs = sh("df -T . | awk 'NR==2 {print $2}'")
    if fs == "ext4":
        # Without a journal, syncing an append writes the inode as well as the data.
        device = os.path.basename(sh("df . | awk 'NR==2 {print $1}'"))
        journals = os.listdir("/proc/fs/jbd2") if os.path.isdir("/proc/fs/jbd2") else []
        fs += "" if any(j.startswith(device + "-") for j in journals) else " (no journal)"
    return (f"{os.cpu_count()} cores ({model}), {memory} GiB, Linux {platform.release()}, "
            f"{java}, filesystem {fs}")


def pulses(path):
    gaps, heap = [], []
    if not os.path.exists(path):
        return None
    with open(path) as f:
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            gaps.append(entry.get("maxPulseGapMs", 0))
    return max(gaps) if gaps else None


def heap_after(path):
    if not os.path.exists(path):
        return None
    text = open(path).read()
    match = re.search(r"used (\d+)K", text)
    return int(match.group(1)) / 1024 if match else None


def main():
    work = sys.argv[1]
    rows = load(work)
    runs = {}
    extra_runs = {}
    for row in rows:
        result = row["result"]
        if result is None:
            continue
        if row["server"] in SERVERS:
            runs.setdefault(key(row), {}).setdefault(row["server"], []).append(result)
        else:
            extra_runs.setdefault(row["server"], []).append(result)
    # Each load ran several rounds against each server: every figure is the median of its runs.
    by_load = {k: {server: median_of(results) for server, results in servers.items()}
               for k, servers in runs.items()}
    rounds = max((len(results) for servers in runs.values() for results in servers.values()), default=0)
    extra = {}
    for name, results in extra_runs.items():
        extra[name] = median_of(results)

    out = []
    out.append("| load | server | msgs/s | MB/s | p50 ms | p99 ms | errors | smtp-monitor ÷ server |")
    out.append("|---|---|---:|---:|---:|---:|---:|---:|")
    for load_key in sorted(by_load, key=lambda k: (k[2], k[1], k[0])):
        conns, size, pipelining = load_key
        results = by_load[load_key]
        ours = results.get("smtp-monitor")
        label = f"{conns} conn{'s' if conns > 1 else ''}, {size // 1024} KB{', pipelined' if pipelining else ''}"
        for server in SERVERS:
            r = results.get(server)
            if r is None:
                continue
            ratio = ours["messagesPerSecond"] / r["messagesPerSecond"] if ours and r["messagesPerSecond"] else 0
            name = server if r["pipelining"] or not pipelining else server + " (no PIPELINING: lock-step)"
            out.append(f"| {label} | {name} | {r['messagesPerSecond']:.0f} | {r['mbPerSecond']:.1f} | "
                       f"{r['latencyMs']['p50']:.2f} | {r['latencyMs']['p99']:.2f} | {r['errors']} | {ratio:.2f} |")

    checks = []

    def check(name, ok, detail):
        checks.append(f"- {'met' if ok else 'MISSED'}: {name} ({detail})")

    def rounds_of(load, peer, figure, form):
        """The figure round by round: smtp-monitor's run against the peer's run of the same round
        (left out when a run failed: the rounds could then no longer be told apart)."""
        ours, theirs = runs[load]["smtp-monitor"], runs[load][peer]
        if len(ours) != len(theirs):
            return ""
        return "; rounds: " + ", ".join(form(figure(a), figure(b)) for a, b in zip(ours, theirs))

    def rate(result):
        return result["messagesPerSecond"]

    def p99(result):
        return result["latencyMs"]["p99"]

    l20 = by_load.get((20, 1024, False), {})
    if all(s in l20 for s in SERVERS):
        ours = l20["smtp-monitor"]["messagesPerSecond"]
        for peer in ("greenmail", "aiosmtpd"):
            ratio = ours / l20[peer]["messagesPerSecond"]
            check(f"20 conns, 1 KB: at least 1.5x {peer}", ratio >= 1.5,
                  f"{ratio:.2f}x" + rounds_of((20, 1024, False), peer, rate, lambda a, b: f"{a / b:.2f}x"))
        share = ours / l20["smtp-sink"]["messagesPerSecond"]
        check("20 conns, 1 KB: at least 60% of smtp-sink", share >= 0.6,
              f"{share:.0%}" + rounds_of((20, 1024, False), "smtp-sink", rate, lambda a, b: f"{a / b:.0%}"))
    l1 = by_load.get((1, 1024, False), {})
    if "smtp-monitor" in l1 and "greenmail" in l1:
        ours, theirs = l1["smtp-monitor"]["latencyMs"]["p99"], l1["greenmail"]["latencyMs"]["p99"]
        check("1 conn: p99 latency no worse than GreenMail's", ours <= theirs,
              f"{ours:.2f} ms vs {theirs:.2f} ms"
              + rounds_of((1, 1024, False), "greenmail", p99, lambda a, b: f"{a:.2f} vs {b:.2f}"))
    for conns in (1, 20):
        big = by_load.get((conns, 102400, False), {})
        if "smtp-monitor" in big and "greenmail" in big:
            ours, theirs = big["smtp-monitor"]["mbPerSecond"], big["greenmail"]["mbPerSecond"]
            check(f"{conns} conn(s), 100 KB: at least GreenMail's MB/s", ours >= theirs,
                  f"{ours:.1f} vs {theirs:.1f} MB/s")
    window = extra.get("smtp-monitor-window")
    if window and "smtp-monitor" in l20:
        share = window["messagesPerSecond"] / l20["smtp-monitor"]["messagesPerSecond"]
        check("window open: at least 80% of the headless rate", share >= 0.8,
              f"{window['messagesPerSecond']:.0f} vs {l20['smtp-monitor']['messagesPerSecond']:.0f} msgs/s, {share:.0%}; "
              "runs: " + ", ".join(f"{rate(r):.0f}" for r in extra_runs["smtp-monitor-window"])
              + " vs " + ", ".join(f"{rate(r):.0f}" for r in runs[(20, 1024, False)]["smtp-monitor"]))
    gap = pulses(os.path.join(work, "pulses-20k.jsonl"))
    gap_big = pulses(os.path.join(work, "pulses.jsonl"))
    if gap is not None:
        worst = max(gap, gap_big or 0)
        check("window open: longest gap between FX pulses under 100 ms", worst < 100, f"{worst:.0f} ms")
    heap = heap_after(os.path.join(work, "window-heap.txt"))
    big_run = extra.get("smtp-monitor-window-100k")
    if heap is not None:
        count = big_run["ok"] if big_run else 0
        check(f"window open: heap after a {count:,}-message run below 256 MB", heap < 256, f"{heap:.0f} MB")

    generator = extra.get("smtp-sink-gen")
    source_file = os.path.join(work, "smtp-source.txt")
    source_rates = []
    if os.path.exists(source_file):
        source_rates = [50000 / (float(end) - float(start))
                        for start, end in (line.split() for line in open(source_file) if line.strip())]
    if generator and source_rates:
        ours = [r["messagesPerSecond"] for r in extra_runs["smtp-sink-gen"]]
        check(f"the generator reaches smtp-source's rate against smtp-sink (median of {len(ours)} runs each, "
              "taking turns)", median(ours) >= median(source_rates),
              f"{median(ours):.0f} vs {median(source_rates):.0f} msgs/s; best {max(ours):.0f} vs "
              f"{max(source_rates):.0f}")

    names = {"smtp-monitor-window": "smtp-monitor, window open (xvfb-run), 20 conns, 1 KB (median)",
             "smtp-monitor-window-100k": "smtp-monitor, window open, 20 conns, 1 KB, the long run",
             "smtp-sink-gen": "`smtp-monitor bench` against smtp-sink, 20 conns, 1 KB (median)"}
    if extra:
        out.append("")
        out.append("| run | messages | msgs/s | p50 ms | p99 ms | errors |")
        out.append("|---|---:|---:|---:|---:|---:|")
        for name, r in extra.items():
            out.append(f"| {names.get(name, name)} | {r['messages']:,} | {r['messagesPerSecond']:.0f} | "
                       f"{r['latencyMs']['p50']:.2f} | {r['latencyMs']['p99']:.2f} | {r['errors']} |")
            if name == "smtp-sink-gen" and source_rates:
                out.append(f"| Postfix's `smtp-source -d -s 20 -l 1024` against smtp-sink (median; rate from its "
                           f"elapsed time) | 50,000 | {median(source_rates):.0f} | | | |")
    text = "\n".join(out)
    print(text)
    print()
    print("\n".join(checks))
    method = method_text()
    with open(BENCHMARKS, "w") as f:
        f.write(method + RESULTS_HEADING + "\n\n")
        f.write("Made by `bench/compare.sh` on " + datetime.date.today().isoformat() + ": " + machine() + ".\n")
        f.write(f"Every figure is the median of its {rounds} runs.\n\n")
        fsync_file = os.path.join(work, "fsync.json")
        if os.path.exists(fsync_file):
            fsync = json.load(open(fsync_file))
            f.write(f"The disk (`bench/fsync_probe.py`): a 1 KB append made durable (write + fdatasync) takes "
                    f"p50 {fsync['p50']:.2f} ms, p90 {fsync['p90']:.2f} ms, p99 {fsync['p99']:.2f} ms; "
                    "smtp-monitor pays one before each 250 (shared by the messages of a group commit).\n\n")
        f.write(text + "\n\n### Targets\n\n" + "\n".join(checks) + "\n")


if __name__ == "__main__":
    main()
