#!/usr/bin/env bash
# The mail store at scale: N messages of 1 KB made by the server itself over SMTP, spread
# over 10 raw mailboxes, then what a user waits for on them, each phase a process of its own.
# Prints one table of figures with their targets (also written to target/store-bench/table.md).
#
#   bench/store.sh              # N=1,000,000: about 15 minutes on a quiet 2-core machine (estimated
#                               # from smoke runs; twice that while others build; the fill
#                               # takes half); 1.4 GB on disk in target/store-bench (1.0 GB of mail,
#                               # about 0.35 GB of index, 24 MB of journals)
#   N=20000 bench/store.sh      # a smoke run (about 5 minutes, most of it the delivery rounds)
#   ROUNDS=4 ...                # delivery rounds with the index and without it, alternating (medians)
#   DELIVERY_N=30000 ...        # messages a measured delivery round (default: 30,000, or N/2 if smaller)
#   REUSE=1 ...                 # keep the mailboxes an earlier run filled with the same N: skip the fill
#   DROP_CACHES=1 ...           # (root) empty the page cache before each cold start: the disk is cold too
#   WINDOW_TIMEOUT=30 ...       # seconds the window has to show every count
#   WINDOW_ROUNDS=4 ...         # cold starts of the window, each in turn with a bare JavaFX window (medians)
#   PHASES="window queries" ... # only these phases (of deliveries fill window queries), on an earlier fill
#
# Phases: the delivery rounds (a fresh server on fresh mailboxes each: with the index, then
# with --no-index, alternating); the fill (one server, `smtp-monitor bench --spread` with 20
# connections, then waiting until the index has every message and the words of each); a cold
# start of the window (JavaFX under Monocle, from the test classes) timed from its JVM's launch
# to the pulse at which its mailboxes table holds every count, then its heap, in rounds taking
# turns with a bare JavaFX window (the theme and one table, started and timed the same way:
# the floor under any window here); a cold start of
# the facade (Monitor.start, then monitor.mail().mailboxes()) and the queries through it:
# the newest 100 of a mailbox, searches, and last a delete, which changes the mailboxes.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/store-bench
JAR=$ROOT/target/smtp-monitor.jar
N=${N:-1000000}
MAILBOXES=10
CONNS=20
SIZE=1024
ROUNDS=${ROUNDS:-4}
DELIVERY_N=${DELIVERY_N:-$(( N / 2 < 30000 ? N / 2 : 30000 ))}
WARM_N=$(( DELIVERY_N * 2 / 3 ))
WINDOW_TIMEOUT=${WINDOW_TIMEOUT:-30}
WINDOW_ROUNDS=${WINDOW_ROUNDS:-4}
PHASES=${PHASES:-deliveries fill window queries}

. bench/lib.sh
now_ms() { date +%s%3N; }
wants() { [[ " $PHASES " == *" $1 "* ]]; }

# phase NAME START_MS: notes how long a phase took, for the table.
phase() { printf '%s %s\n' "$1" $(( $(now_ms) - $2 )) >> "$WORK/phases.txt"; }

build() {
    build_with_test_classes "$WORK" target/test-classes/org/smtpmonitor/app/StoreBenchmark.class
}

USERS=()
users_file() {
    local i
    USERS=()
    for i in $(seq -w 1 $MAILBOXES); do USERS+=("user$i@bench.test"); done
    printf '%s\n' "${USERS[@]}" > "$WORK/users.txt"
}

# The ADDRESS=COUNT of each mailbox after N messages spread in turn over them.
expected_counts() {
    local i
    for i in "${!USERS[@]}"; do
        printf '%s=%d ' "${USERS[i]}" $(( N / MAILBOXES + (i < N % MAILBOXES ? 1 : 0) ))
    done
}

rcpts() { local u; for u in "${USERS[@]}"; do printf -- '--rcpt %s ' "$u"; done; }

# start_server DIR [options]: a headless server on a free port; sets SERVER_PID and PORT.
start_server() {
    local dir=$1; shift
    PORT=$(free_port)
    # The console log of every session goes nowhere: at 1,000,000 messages it would be a
    # gigabyte of text. Both kinds of delivery round log the same way.
    java -jar "$JAR" "$WORK/users.txt" --headless --port "$PORT" --mailbox-dir "$dir" "$@" \
        > /dev/null 2> "$WORK/server.err" &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
    wait_port "$PORT"
}

stop_server() {
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
}

# One delivery round on a fresh server: a warm-up, then DELIVERY_N measured; prints messages/s.
delivery_round() {
    local kind=$1 dir=$WORK/round
    rm -rf "$dir"; mkdir -p "$dir"
    if [ "$kind" = on ]; then start_server "$dir"; else start_server "$dir" --no-index; fi
    # shellcheck disable=SC2046
    java -jar "$JAR" bench --port "$PORT" --conns $CONNS --messages "$WARM_N" --size $SIZE --spread $(rcpts) \
        > /dev/null 2>&1
    sync; sleep 1
    # shellcheck disable=SC2046
    java -jar "$JAR" bench --port "$PORT" --conns $CONNS --messages "$DELIVERY_N" --size $SIZE --warmup 2000 \
        --spread $(rcpts) --json > "$WORK/round.json" 2>> "$WORK/round.err" || true
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["messagesPerSecond"]), d["errors"])' \
        "$WORK/round.json" 2>/dev/null || echo "0 $DELIVERY_N"
    stop_server
    rm -rf "$dir"
}

deliveries() {
    local start round kind order result
    start=$(now_ms)
    for round in $(seq 1 "$ROUNDS"); do
        if [ $(( round % 2 )) = 1 ]; then order="on off"; else order="off on"; fi
        for kind in $order; do
            result=$(delivery_round "$kind")
            log "delivery round $round, index $kind: $result (msgs/s, errors)"
            echo "$kind $result" >> "$WORK/delivery.txt"
        done
    done
    phase deliveries "$start"
}

fill() {
    local mail=$WORK/mail start delivered
    if [ -n "${REUSE:-}" ] && [ "$(cat "$WORK/filled" 2>/dev/null)" = "$N" ]; then
        log "reusing the $N messages in $mail"
        rm -f "$WORK/fill.json"
        return
    fi
    rm -rf "$mail" "$WORK/filled"; mkdir -p "$mail"
    start=$(now_ms)
    start_server "$mail"
    log "filling: $N messages of $SIZE bytes over $CONNS connections, spread over $MAILBOXES mailboxes"
    # shellcheck disable=SC2046
    java -jar "$JAR" bench --port "$PORT" --conns $CONNS --messages "$N" --size $SIZE --spread $(rcpts) --json \
        > "$WORK/fill.json" || log "the fill had errors: see $WORK/fill.json"
    delivered=$(now_ms)
    phase fill-delivery "$start"
    log "waiting for the index: every message, then the words of each"
    java -cp "$CLASSPATH_TEST" org.smtpmonitor.app.StoreBenchmark caught-up "$mail" "$N" "$delivered" \
        >> "$WORK/figures.jsonl" || log "waiting for the index failed"
    phase fill-index "$delivered"
    stop_server
    echo "$N" > "$WORK/filled"
    du -sb "$mail" | cut -f1 > "$WORK/disk.txt"
    du -sb "$mail/.smtp-monitor" | cut -f1 >> "$WORK/disk.txt"
}

cold_caches() {
    sync
    if [ -n "${DROP_CACHES:-}" ]; then
        echo 3 > /proc/sys/vm/drop_caches || log "cannot drop the page cache (root only)"
    fi
    sleep 1
}

window() {
    local start round kind order
    log "cold starts of the window (Monocle), in turn with a bare JavaFX window, $WINDOW_ROUNDS rounds"
    start=$(now_ms)
    for round in $(seq 1 "$WINDOW_ROUNDS"); do
        if [ $(( round % 2 )) = 1 ]; then order="window bare"; else order="bare window"; fi
        for kind in $order; do
            cold_caches
            if [ "$kind" = window ]; then
                # shellcheck disable=SC2046
                java -Dbench.launched="$(now_ms)" -Dbench.timeout="$WINDOW_TIMEOUT" -cp "$CLASSPATH_TEST" \
                    org.smtpmonitor.ui.StoreBenchmarkWindow "$WORK/users.txt" "$WORK/mail" $(expected_counts) \
                    >> "$WORK/figures.jsonl" 2>> "$WORK/window.err" || log "the window's phase failed: see $WORK/window.err"
            else
                java -Dbench.launched="$(now_ms)" -cp "$CLASSPATH_TEST" org.smtpmonitor.ui.BareWindowBenchmark \
                    >> "$WORK/figures.jsonl" 2>> "$WORK/window.err" || log "the bare window failed: see $WORK/window.err"
            fi
        done
    done
    phase window "$start"
}

queries() {
    local start
    cold_caches
    log "cold start of the facade, then the queries and a delete"
    start=$(now_ms)
    # shellcheck disable=SC2046
    java -Dbench.launched="$(now_ms)" -cp "$CLASSPATH_TEST" org.smtpmonitor.app.StoreBenchmark queries \
        "$WORK/users.txt" "$WORK/mail" $(expected_counts) >> "$WORK/figures.jsonl" 2> "$WORK/queries.err" \
        || log "the queries failed: see $WORK/queries.err"
    phase queries "$start"
    # A delete changed the mailboxes: the next run fills them again.
    if grep -q '"name":"delete","unit":"ms","value":[0-9]' "$WORK/figures.jsonl"; then rm -f "$WORK/filled"; fi
}

main() {
    mkdir -p "$WORK"
    : > "$WORK/figures.jsonl"; : > "$WORK/delivery.txt"; : > "$WORK/phases.txt"; rm -f "$WORK/round.err" "$WORK/window.err"
    if ! wants fill && { wants window || wants queries; } && [ "$(cat "$WORK/filled" 2>/dev/null)" != "$N" ]; then
        log "no fill of $N messages in $WORK/mail to reuse: run with the fill phase"; exit 1
    fi
    local start
    start=$(now_ms)
    build
    phase build "$start"
    users_file
    if wants deliveries; then deliveries; fi
    if wants fill; then
        fill
    else
        # The table then says the mail was reused, not what an earlier fill measured.
        rm -f "$WORK/fill.json"
    fi
    if wants window; then window; fi
    if wants queries; then queries; fi
    /usr/bin/python3 bench/store_report.py "$WORK" "$N" "$MAILBOXES" | tee "$WORK/table.md"
}

main "$@"
