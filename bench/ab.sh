#!/usr/bin/env bash
# Two builds of smtp-monitor under the same load, in one run: each round starts each
# build's headless server on a fresh mailbox directory, warms it up, and measures it with
# `bench`; the builds' order alternates from round to round. Prints one line per run and
# the median of each build's rates.
#
#   bench/ab.sh OLD.jar NEW.jar                 # 4 rounds, 20 connections, 30,000 x 1 KB, raw
#   ROUNDS=6 FORMAT=mbox N=50000 bench/ab.sh OLD.jar NEW.jar
#
# Make OLD.jar from an earlier commit with `git worktree add /tmp/old REV` and
# `mvn -B -ntp -q package -DskipTests` there.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench/ab.sh OLD.jar NEW.jar" >&2; exit 2; }
OLD=$(realpath "$1"); NEW=$(realpath "$2")
ROUNDS=${ROUNDS:-4}; N=${N:-30000}; CONNS=${CONNS:-20}; SIZE=${SIZE:-1024}; FORMAT=${FORMAT:-raw}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$WORK"' EXIT
printf 'alice@example.com\n' > "$WORK/users.txt"

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# run NAME JAR: one measured run on a fresh server; prints messages/s, p50 and p99 in ms.
run() {
    local dir="$WORK/mail-$1" port pid
    rm -rf "$dir"; mkdir "$dir"
    port=$(free_port)
    java -jar "$2" "$WORK/users.txt" --headless --port "$port" --mailbox-dir "$dir" --format "$FORMAT" \
        > "$WORK/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do grep -q "Waiting for connections" "$WORK/server.log" && break; sleep 0.1; done
    java -jar "$NEW" bench --port "$port" --conns "$CONNS" --messages 20000 --size "$SIZE" \
        --rcpt alice@example.com > /dev/null 2>&1
    sync; sleep 1
    java -jar "$NEW" bench --port "$port" --conns "$CONNS" --messages "$N" --size "$SIZE" --warmup 2000 \
        --rcpt alice@example.com --json |
        /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); l=d["latencyMs"]; print(round(d["messagesPerSecond"]), l["p50"], l["p99"], d["errors"])'
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

: > "$WORK/rates"
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) = 1 ]; then order="old new"; else order="new old"; fi
    for build in $order; do
        jar=$OLD; [ "$build" = new ] && jar=$NEW
        result=$(run "$build" "$jar")
        echo "round $round $build: $result (msgs/s, p50 ms, p99 ms, errors)"
        echo "$build ${result%% *}" >> "$WORK/rates"
    done
done
/usr/bin/python3 - "$WORK/rates" <<'EOF'
import statistics, sys
rates = {}
for line in open(sys.argv[1]):
    build, rate = line.split()
    rates.setdefault(build, []).append(float(rate))
old, new = statistics.median(rates["old"]), statistics.median(rates["new"])
print(f"median msgs/s: old {old:.0f}, new {new:.0f}: new is {100 * new / old:.0f} % of old")
EOF
