#!/usr/bin/env python3
"""How long this disk takes to make a 1 KB append durable (write + fdatasync), as
smtp-monitor does for every message: prints one JSON line. Usage: fsync_probe.py DIR"""
import json
import os
import sys
import time

path = os.path.join(sys.argv[1], "fsync-probe.txt")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND)
data = b"x" * 1022 + b"\r\n"
times = []
try:
    for _ in range(3000):
        start = time.perf_counter_ns()
        os.write(fd, data)
        os.fdatasync(fd)
        times.append(time.perf_counter_ns() - start)
finally:
    os.close(fd)
    os.unlink(path)
times.sort()
print(json.dumps({q: round(times[int(len(times) * p)] / 1e6, 3)
                  for q, p in (("p50", 0.5), ("p90", 0.9), ("p99", 0.99))}))
