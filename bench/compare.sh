#!/usr/bin/env bash
# Runs the same SMTP load against smtp-monitor and the servers people would use
# instead, in one run, and prints one table (also written to docs/BENCHMARKS.md).
#
#   bench/compare.sh            # the full comparison (about 10 minutes on 2 cores)
#   QUICK=1 bench/compare.sh    # fewer messages per load, for a trial run
#   ROUNDS=N ...                # runs of each load against each server (default 4; medians)
#   SKIP_WINDOW=1 ...           # without the run with the window open
#
# Peers: Postfix's smtp-sink (discards everything: the upper bound), GreenMail
# (Java, keeps mail in memory), aiosmtpd (Python, appends to per-user files like ours,
# without fsync). smtp-monitor runs headless, and once more with its window under
# xvfb-run. The load generator is `smtp-monitor bench` for every server.
# It installs what it needs on Debian (root or sudo), and stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/compare
JAR=$ROOT/target/smtp-monitor.jar
GREENMAIL_VERSION=2.1.2
RCPT=bench@example.com
QUICK=${QUICK:-}
ROUNDS=${ROUNDS:-4}

. bench/lib.sh
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_tools() {
    local missing=()
    command -v smtp-sink >/dev/null || missing+=(postfix)
    /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
    command -v xvfb-run >/dev/null || missing+=(xvfb xauth)
    [ -e /usr/lib/x86_64-linux-gnu/libgtk-3.so.0 ] || ls /usr/lib/*/libgtk-3.so.0 >/dev/null 2>&1 || missing+=(libgtk-3-0)
    [ ${#missing[@]} -eq 0 ] && return
    log "installing ${missing[*]}"
    # Postfix's package would start its daemon: forbid starting services while installing.
    local policy=/usr/sbin/policy-rc.d had_policy=
    [ -e $policy ] && had_policy=1
    [ -n "$had_policy" ] || printf '#!/bin/sh\nexit 101\n' | as_root tee $policy >/dev/null
    as_root chmod +x $policy
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    [ -n "$had_policy" ] || as_root rm -f $policy
}

warm_up() {
    java -jar "$JAR" bench --port "$1" --conns "$2" --messages "$3" --size 1024 --rcpt $RCPT > /dev/null 2>&1 || true
}

# bench SERVER CONNS MESSAGES SIZE PIPELINING(yes|no) PORT [extra args]: one run, one JSON line.
bench() {
    local server=$1 conns=$2 messages=$3 size=$4 pipelining=$5 port=$6; shift 6
    # Each run first sends a few messages it does not count (--warmup): the generator is a
    # new JVM each time, and its first thousand transactions would otherwise run interpreted.
    local warmup=${WARMUP:-$(( size > 10000 ? 200 : 2000 ))}
    [ -n "$QUICK" ] && warmup=$(( warmup / 10 ))
    local flags=(--host 127.0.0.1 --port "$port" --conns "$conns" --messages "$messages" --size "$size"
                 --warmup "$warmup" --rcpt $RCPT --json)
    [ "$pipelining" = yes ] && flags+=(--pipelining)
    local json
    settle
    if ! json=$(java -jar "$JAR" bench "${flags[@]}" "$@"); then
        log "bench against $server failed: $json"
    fi
    printf '{"server":"%s","pipelining":%s,"result":%s}\n' "$server" "$([ "$pipelining" = yes ] && echo true || echo false)" \
        "${json:-null}" >> "$WORK/results.jsonl"
}

main() {
    install_tools
    if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml fxml -newer "$JAR" -print -quit)" ]; then
        log "building target/smtp-monitor.jar"
        mvn -B -ntp -q package -DskipTests
    fi
    local greenmail=$WORK/greenmail-standalone-$GREENMAIL_VERSION.jar
    rm -rf "$WORK"; mkdir -p "$WORK"
    if [ ! -f "$greenmail" ]; then
        mvn -B -ntp -q dependency:copy -Dartifact=com.icegreen:greenmail-standalone:$GREENMAIL_VERSION \
            -DoutputDirectory="$WORK" >/dev/null
    fi
    printf '%s\n' $RCPT > "$WORK/users.txt"
    log "how long this disk takes to make a 1 KB append durable"
    /usr/bin/python3 bench/fsync_probe.py "$WORK" > "$WORK/fsync.json"
    : > "$WORK/results.jsonl"

    local p_sink p_green p_aio p_ours p_window
    p_sink=$(free_port); p_green=$(free_port); p_aio=$(free_port); p_ours=$(free_port); p_window=$(free_port)

    log "starting the servers"
    smtp-sink -u nobody 127.0.0.1:"$p_sink" 1000 > "$WORK/smtp-sink.log" 2>&1 & PIDS+=($!)
    # GreenMail keeps every message in memory: four rounds of the loads take about 5 GB.
    java -Xmx10g -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$p_green" -Dgreenmail.auth.disabled \
        -jar "$greenmail" > "$WORK/greenmail.log" 2>&1 & PIDS+=($!)
    /usr/bin/python3 bench/aiosmtpd_server.py "$p_aio" "$WORK/aiosmtpd" > "$WORK/aiosmtpd.log" 2>&1 & PIDS+=($!)
    java -jar "$JAR" "$WORK/users.txt" --headless --port "$p_ours" --mailbox-dir "$WORK/headless" \
        > "$WORK/smtp-monitor.log" 2>&1 & PIDS+=($!)
    for port in "$p_sink" "$p_green" "$p_aio" "$p_ours"; do wait_port "$port"; done

    local n1k=20000 n1k1=5000 n100k=2000 n100k1=1000 warm=60000
    if [ -n "$QUICK" ]; then n1k=4000; n1k1=1000; n100k=400; n100k1=200; warm=2000; fi

    log "warming up (JIT) each server with $warm messages on 20 connections, then $(( warm / 10 )) on one"
    for entry in "smtp-sink:$p_sink" "greenmail:$p_green" "aiosmtpd:$p_aio" "smtp-monitor:$p_ours"; do
        warm_up "${entry#*:}" 20 "$warm"
        warm_up "${entry#*:}" 1 $(( warm / 10 ))
    done
    : > "$WORK/results.jsonl"

    # Every load runs ROUNDS times against each server, the servers' order turning by one
    # each round, so that no server always follows the same one; with four rounds each
    # server runs once in each place of the turn. The report takes medians.
    local servers=("smtp-sink:$p_sink" "greenmail:$p_green" "aiosmtpd:$p_aio" "smtp-monitor:$p_ours")
    local round i entry
    for round in $(seq 1 "$ROUNDS"); do
        for pipelining in no yes; do
            for load in "1 $n1k1 1024" "20 $n1k 1024" "1 $n100k1 102400" "20 $n100k 102400"; do
                read -r conns messages size <<< "$load"
                log "round $round of $ROUNDS, load: $conns conns, $messages x $size bytes, pipelining $pipelining"
                for i in 0 1 2 3; do
                    entry=${servers[$(( (i + round - 1) % 4 ))]}
                    bench "${entry%%:*}" "$conns" "$messages" "$size" $pipelining "${entry#*:}"
                done
            done
        done
    done

    log "the generator against smtp-source, both to smtp-sink (20 conns, 1 KB, lock-step), 5 runs each, taking turns"
    local start end
    for _ in 1 2 3 4 5; do
        settle
        start=$(date +%s.%N)
        smtp-source -d -s 20 -m 50000 -l 1024 -f bench@localhost -t $RCPT 127.0.0.1:"$p_sink"
        end=$(date +%s.%N)
        echo "$start $end" >> "$WORK/smtp-source.txt"
        # A longer warm-up here: this compares the generators themselves, so ours should run
        # compiled (C2), as smtp-source does from its first message.
        WARMUP=20000 bench smtp-sink-gen 20 50000 1024 no "$p_sink"
    done

    [ -n "${SKIP_WINDOW:-}" ] || window_run "$p_window"
    report
}

# smtp-monitor with its window open under Xvfb, monitoring the same load.
window_run() {
    local port=$1
    log "smtp-monitor with the window (xvfb-run)"
    xvfb-run -a -s "-screen 0 1280x800x24" java -Dsmtpmonitor.pulseLog="$WORK/pulses.jsonl" -jar "$JAR" \
        "$WORK/users.txt" --port "$port" --mailbox-dir "$WORK/window" > "$WORK/window.log" 2>&1 & PIDS+=($!)
    wait_port "$port"
    # xvfb-run does not pass a signal on to the program it runs: stop the JVM itself at the end.
    local pid
    pid=$(pgrep -f "^java -Dsmtpmonitor.pulseLog=$WORK/pulses.jsonl" | head -n 1)
    PIDS+=("$pid")
    # The window's process has much more code to compile than the server alone, and its UI
    # code runs a few times a second rather than per message, so its JIT settles late; and
    # each time a run's sessions close, code compiled without those paths is compiled again.
    # Ten warm-up runs of 20,000 get most of that recompilation done before the measured runs.
    local warm=20000 warm_runs=10 big=100000
    [ -n "$QUICK" ] && { warm=2000; warm_runs=2; big=10000; }
    for _ in $(seq 1 "$warm_runs"); do
        warm_up "$port" 20 "$warm"
    done
    : > "$WORK/pulses.jsonl"
    for _ in $(seq 1 "$ROUNDS"); do
        bench smtp-monitor-window 20 "$( [ -n "$QUICK" ] && echo 4000 || echo 20000 )" 1024 no "$port"
    done
    cp "$WORK/pulses.jsonl" "$WORK/pulses-20k.jsonl"
    bench smtp-monitor-window-100k 20 "$big" 1024 no "$port"
    sleep 2
    jcmd "$pid" GC.run > /dev/null
    jcmd "$pid" GC.heap_info > "$WORK/window-heap.txt"
}

report() {
    /usr/bin/python3 bench/report.py "$WORK" | tee "$WORK/table.md"
}

main "$@"
