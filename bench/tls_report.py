#!/usr/bin/env python3
"""Turns the results of bench/tls.sh (target/tls-bench) into one table: the load generator
that made it, each figure the median of its rounds, the rounds listed beside it, then
smtp-monitor's rates over GreenMail's (the target: 1.5x or better). Prints Markdown; writes
nothing.
Usage: tls_report.py WORKDIR"""
import json
import os
import sys

SERVERS = ["smtp-monitor TLS", "GreenMail SMTPS", "GreenMail SMTPS, RSA", "smtp-monitor STARTTLS",
           "smtp-monitor plain", "GreenMail plain"]
SHOWN = {
    "smtp-monitor TLS": "smtp-monitor, implicit TLS (`--tls-port`)",
    "GreenMail SMTPS": "GreenMail, SMTPS, the same certificate",
    "GreenMail SMTPS, RSA": "GreenMail, SMTPS, its own certificate (RSA 2048)",
    "smtp-monitor STARTTLS": "smtp-monitor, STARTTLS",
    "smtp-monitor plain": "smtp-monitor, plain",
    "GreenMail plain": "GreenMail, plain",
}
RATIOS = [
    ("smtp-monitor TLS", "GreenMail SMTPS", "implicit TLS, the same certificate"),
    ("smtp-monitor STARTTLS", "GreenMail SMTPS", "our STARTTLS against GreenMail's SMTPS (GreenMail has no STARTTLS)"),
    ("smtp-monitor TLS", "GreenMail SMTPS, RSA", "implicit TLS, each server with the certificate it makes or ships"),
]


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def load(work):
    runs = {}
    loads = []
    with open(os.path.join(work, "results.jsonl")) as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                runs.setdefault((row["load"], row["server"]), []).append(row)
                loads.append(float(row["loadavg"].split()[0]))
    return runs, loads


def rates(runs, load_name, server):
    rows = sorted(runs.get((load_name, server), []), key=lambda r: r["round"])
    return [r["result"]["messagesPerSecond"] if r["result"] else 0.0 for r in rows]


def cell(values):
    if not values:
        return "-"
    return "**{:,.0f}** ({})".format(median(values), ", ".join("{:,.0f}".format(v) for v in values))


def errors(runs):
    """Transactions refused or lost, and runs that failed as a whole (no result)."""
    rows = [r for rows in runs.values() for r in rows]
    return sum(r["result"]["errors"] for r in rows if r["result"]), sum(1 for r in rows if not r["result"])


def cpu(runs, load_name, server, who):
    """Median CPU microseconds per message sent in a run (its warm-up included), of the server or the generator."""
    values = [r[who] / r["sent"] * 1e6 for r in runs.get((load_name, server), []) if r["result"]]
    return median(values) if values else None


def micros(value):
    return "-" if value is None else "{:,.0f}".format(value)


def handshake(runs, server):
    values = [r["result"]["tls"]["handshakeMs"]["p50"] for r in runs.get(("steady", server), [])
              if r["result"] and r["result"]["tls"]]
    return "{:.2f}".format(median(values)) if values else "-"


def generators(runs):
    """The load generators named in the runs (results written before tls.sh named them: bench's)."""
    return sorted({r.get("generator", "smtp-monitor bench") for rows in runs.values() for r in rows})


def main(work):
    runs, loads = load(work)
    out = ["Load generator: {}, the same for every server.".format(" and ".join(generators(runs))), ""]
    out.append("| server | steady: messages/s (handshakes before the clock) | sessions/s: a connection a message,"
               " handshake included | TLS handshake p50, ms | server CPU µs a message, steady / a session |"
               " generator CPU µs, steady / a session |")
    out.append("|---|---|---|---|---|---|")
    for server in SERVERS:
        out.append("| {} | {} | {} | {} | {} / {} | {} / {} |".format(
            SHOWN[server], cell(rates(runs, "steady", server)), cell(rates(runs, "sessions", server)),
            handshake(runs, server), micros(cpu(runs, "steady", server, "serverCpuSeconds")),
            micros(cpu(runs, "sessions", server, "serverCpuSeconds")),
            micros(cpu(runs, "steady", server, "generatorCpuSeconds")),
            micros(cpu(runs, "sessions", server, "generatorCpuSeconds"))))
    out.append("")
    for ours, theirs, what in RATIOS:
        parts = []
        for load_name in ("steady", "sessions"):
            a, b = rates(runs, load_name, ours), rates(runs, load_name, theirs)
            if a and b and median(b) > 0:
                rounds = ", ".join("{:.2f}".format(x / y) for x, y in zip(a, b) if y > 0)
                parts.append("{} **{:.2f}x** (round by round {})".format(load_name, median(a) / median(b), rounds))
        theirs_cpu = [cpu(runs, l, theirs, "serverCpuSeconds") for l in ("steady", "sessions")]
        ours_cpu = [cpu(runs, l, ours, "serverCpuSeconds") for l in ("steady", "sessions")]
        if all(theirs_cpu) and all(ours_cpu):
            parts.append("GreenMail's CPU a message over ours: steady {:.2f}x, sessions {:.2f}x".format(
                theirs_cpu[0] / ours_cpu[0], theirs_cpu[1] / ours_cpu[1]))
        out.append("- {}: {}".format(what, "; ".join(parts)))
    for ours, plain in (("smtp-monitor TLS", "smtp-monitor plain"), ("GreenMail SMTPS", "GreenMail plain")):
        a, b = rates(runs, "steady", ours), rates(runs, "steady", plain)
        c, d = rates(runs, "sessions", ours), rates(runs, "sessions", plain)
        if a and b and c and d:
            out.append("- {} over its plain path: steady {:.0%}, sessions {:.0%}".format(
                ours, median(a) / median(b), median(c) / median(d)))
    refused, failed = errors(runs)
    out.append("- errors: {} transactions, {} runs failed; load average (1 min) before each run: {:.1f} to {:.1f},"
               " on {} processors".format(refused, failed, min(loads), max(loads), os.cpu_count()))
    tls = os.path.join(work, "tls.txt")
    if os.path.exists(tls):
        with open(tls) as f:
            for line in f:
                out.append("- " + line.strip())
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
