#!/usr/bin/env python3
"""The table of bench/store.sh, from what its phases left in its work directory:
figures.jsonl (one figure a line, from StoreBenchmark and StoreBenchmarkWindow),
delivery.txt (each delivery round: on|off, messages/s, errors), fill.json (the fill's
bench report), disk.txt (bytes of the mailbox directory, then of its index directory)
and phases.txt (each phase's wall time in ms)."""
import json
import os
import statistics
import sys

work, n, mailboxes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
figures = {}
# Every value of a figure, in the order measured: the window's cold starts come in rounds.
rounds = {}
with open(os.path.join(work, "figures.jsonl")) as f:
    for line in f:
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            figures[d["name"]] = d
            rounds.setdefault(d["name"], []).append(d["value"])


def value(name):
    """A figure's value; for one measured in rounds, the median of the rounds that gave one."""
    measured = [v for v in rounds.get(name, []) if v is not None]
    if len(rounds.get(name, [])) > 1:
        return statistics.median(measured) if measured else None
    d = figures.get(name)
    return None if d is None else d["value"]


def listed(name, scale=1.0):
    """The rounds of a figure measured more than once, as the table lists them beside the median."""
    values = rounds.get(name, [])
    if len(values) < 2:
        return ""
    return "; rounds " + ", ".join("-" if v is None else f"{v * scale:,.0f}" for v in values)


def note(name):
    d = figures.get(name)
    return "" if d is None else d["note"]


rows = []


def row(what, shown, target="", verdict=""):
    rows.append((what, shown, target, verdict))


def judged(what, name, unit_text, limit, target_text, scale=1.0, digits=0):
    v = value(name)
    if v is None:
        row(what, note(name) or "not measured", target_text, "missed" if limit is not None else "")
        return
    shown = f"{v * scale:,.{digits}f} {unit_text}"
    if len(rounds.get(name, [])) > 1:
        shown = f"{shown} (median{listed(name, scale)})"
    elif note(name):
        shown += f" ({note(name)})"
    # A round that gave no figure (the window never showed its counts) fails the target whatever the median.
    failed_round = any(r is None for r in rounds.get(name, []))
    verdict = "" if limit is None else (
        "met" if v * scale < limit and "wrong" not in note(name) and not failed_round else "missed")
    row(what, shown, target_text, verdict)


fill = None
try:
    with open(os.path.join(work, "fill.json")) as f:
        fill = json.load(f)
except (OSError, ValueError):
    pass
if fill:
    row(f"made by the server over SMTP: {n:,} x 1 KB, spread over {mailboxes} raw mailboxes",
        f"{fill['ok']:,} in {fill['seconds']:.0f} s ({fill['messagesPerSecond']:,.0f} msgs/s, "
        f"{fill['errors']} errors; 20 connections)")
else:
    row(f"made by the server over SMTP: {n:,} x 1 KB over {mailboxes} raw mailboxes", "reused from an earlier run")
if value("placed") is not None:
    row("index caught up after the last 250: every message / the words of each",
        f"{value('placed'):.1f} s / {value('summarized'):.1f} s")
try:
    with open(os.path.join(work, "disk.txt")) as f:
        total, index = (int(x) for x in f.read().split())
    row("disk: mailbox directory (of which the index and journals)", f"{total / 1e9:.2f} GB ({index / 1e6:,.0f} MB)")
except (OSError, ValueError):
    pass

judged("cold start of the window: every count shown, from the JVM's launch", "windowCounts", "ms", 2000, "< 2,000 ms")
judged("  of which JavaFX started (Monocle)", "windowToolkit", "ms", None, "")
judged("  of which the window's table shown, counts or not", "windowTable", "ms", None, "")
judged("a bare JavaFX window (the theme, one table of 10 rows), the same way, in turn with it", "bareWindow", "ms",
       None, "")
judged("  of which JavaFX started (Monocle)", "bareToolkit", "ms", None, "")
judged("heap after the window's cold start (used after a full GC)", "windowHeap", "MB", 256, "< 256 MB", digits=0)
judged("resident memory of the window's process then (RSS)", "windowHeapRss", "MB", 256, "< 256 MB", digits=0)
judged("cold start of the facade: Monitor.start + mail().mailboxes(), from launch", "coldCounts", "ms", 2000,
       "< 2,000 ms")
judged("  of which the JVM until main()", "coldJvm", "ms", None, "")
judged("  of which Monitor.start (the index opened and reconciled)", "coldMonitorStart", "ms", None, "")
judged("  of which the first mail().mailboxes()", "coldMailboxes", "ms", None, "")
judged("  mail().mailboxes() again (warm)", "mailboxesCall", "ms", None, "", digits=1)
judged("heap after the facade's cold start (used after a full GC)", "coldHeap", "MB", 256, "< 256 MB")
judged("newest 100 of one mailbox: messages(address, 0, 100), first call", "newest100", "ms", 100, "< 100 ms", digits=1)
judged("search body:WORD, a word every message has, first page of 50", "searchBodyCommon", "ms", 300, "< 300 ms",
       digits=1)
judged("search body:WORD, a word no message has", "searchBodyAbsent", "ms", 300, "< 300 ms", digits=1)
judged("search WORD (free text), a word every message has", "searchFreeCommon", "ms", 300, "< 300 ms", digits=1)
judged("search WORD (free text), a word no message has", "searchFreeAbsent", "ms", 300, "< 300 ms", digits=1)
judged("search from:ADDRESS, every message matches", "searchFromCommon", "ms", None, "", digits=1)
judged("search subject:TEXT, no message matches", "searchSubjectAbsent", "ms", None, "", digits=1)
judged("delete one message from the middle of a mailbox", "delete", "ms", None, "say how long", digits=1)

rates = {"on": [], "off": []}
errors = 0
try:
    with open(os.path.join(work, "delivery.txt")) as f:
        for line in f:
            kind, rate, errs = line.split()
            rates[kind].append(float(rate))
            errors += int(errs)
except OSError:
    pass
if rates["on"] and rates["off"]:
    on, off = statistics.median(rates["on"]), statistics.median(rates["off"])
    ratio = 100 * on / off
    row(f"delivery with the index vs without (medians of {len(rates['on'])} alternating rounds each)",
        f"{on:,.0f} vs {off:,.0f} msgs/s: {ratio:.0f} %" + (f" ({errors} errors)" if errors else ""),
        ">= 90 %", "met" if ratio >= 90 and errors == 0 else "missed")

print(f"smtp-monitor store benchmark: N = {n:,}, {os.cpu_count()} cores")
print()
print("| figure | value | target | |")
print("|---|---|---|---|")
for what, shown, target, verdict in rows:
    print(f"| {what} | {shown} | {target} | {verdict} |")
print()
phases = []
try:
    with open(os.path.join(work, "phases.txt")) as f:
        phases = [line.split() for line in f if line.strip()]
except OSError:
    pass
print("wall time of each phase: " + ", ".join(f"{name} {int(ms) / 1000:.0f} s" for name, ms in phases))
