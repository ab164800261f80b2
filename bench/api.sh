#!/usr/bin/env bash
# The HTTP API under load, with N messages stored (default 100,000 of 1 KB over 10 raw
# mailboxes, made by the server itself over SMTP). Two figures, each the median of ROUNDS:
#   1. the API's rate for "the latest message of a mailbox"
#      (GET /api/messages?mailbox=ADDR&size=1) at CLIENTS concurrent clients (20), each on a
#      keep-alive connection of its own (org.smtpmonitor.api.ApiLoad, JDK HttpClient);
#   2. SMTP delivery (`smtp-monitor bench`, 20 connections, 1 KB) with that API load running,
#      against the same delivery without it, on the same server: rounds alternate the order.
# Everything runs on this machine's cores: the API's load generator takes CPU the server
# would otherwise have, as smtp-monitor's own bench generator does.
#
#   bench/api.sh                 # about 6 minutes on a quiet 2-core machine
#   N=20000 ROUNDS=2 bench/api.sh   # a smoke run
#   SECONDS_API=10 DELIVERY_N=20000 ...
#   REUSE=1 ...                  # keep the mailboxes an earlier run filled with the same N
#   GEN=java ...                 # the load from ApiLoad (JDK HttpClient, one thread a client) instead of
#                                # wrk (C, 2 threads for the 20 connections; .ci/run does not need it:
#                                # apt-get install wrk), the neutral generator, lighter on the shared cores
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/api-bench
JAR=$ROOT/target/smtp-monitor.jar
N=${N:-100000}
MAILBOXES=10
CONNS=20
CLIENTS=${CLIENTS:-20}
SIZE=1024
ROUNDS=${ROUNDS:-4}
SECONDS_API=${SECONDS_API:-10}
DELIVERY_N=${DELIVERY_N:-20000}
if [ -z "${GEN:-}" ]; then
    if command -v wrk > /dev/null; then GEN=wrk; else GEN=java; fi
fi

. bench/lib.sh
mkdir -p "$WORK"

build_with_test_classes "$WORK" target/test-classes/org/smtpmonitor/api/ApiLoad.class

USERS=()
for i in $(seq -w 1 $MAILBOXES); do USERS+=("user$i@bench.test"); done
printf '%s\n' "${USERS[@]}" > "$WORK/users.txt"
rcpts() { local u; for u in "${USERS[@]}"; do printf -- '--rcpt %s ' "$u"; done; }

MAIL=$WORK/mail
PORT=$(free_port)
HTTP=$(free_port)
if [ -z "${REUSE:-}" ] || [ "$(cat "$WORK/filled" 2>/dev/null)" != "$N" ]; then
    rm -rf "$MAIL" "$WORK/filled"
fi
mkdir -p "$MAIL"
java ${SERVER_JAVA_OPTS:-} -jar "$JAR" "$WORK/users.txt" --headless --port "$PORT" --http-port "$HTTP" --mailbox-dir "$MAIL" \
    > /dev/null 2> "$WORK/server.err" &
PIDS+=("$!")
wait_port "$PORT"
wait_port "$HTTP"
API=http://127.0.0.1:$HTTP

stored() {
    curl -s "$API/api/mailboxes" | /usr/bin/python3 -c 'import json,sys; print(sum(m["messages"] for m in json.load(sys.stdin)))'
}

if [ "$(cat "$WORK/filled" 2>/dev/null)" != "$N" ]; then
    log "filling: $N messages of $SIZE bytes over $CONNS connections, spread over $MAILBOXES mailboxes"
    # shellcheck disable=SC2046
    java -jar "$JAR" bench --port "$PORT" --conns $CONNS --messages "$N" --size $SIZE --spread $(rcpts) > /dev/null
    for _ in $(seq 1 600); do
        [ "$(stored)" -ge "$N" ] && break
        sleep 1
    done
    echo "$N" > "$WORK/filled"
fi
STORED=$(stored)
log "stored: $STORED messages"
TARGET="$API/api/messages?mailbox=${USERS[0]}&size=1"

# api_load SECONDS: CLIENTS clients on TARGET for SECONDS; prints one JSON line (requests,
# errors, seconds, rate, p50_ms, p99_ms, max_ms).
api_load() {
    if [ "$GEN" = wrk ]; then
        wrk -t2 -c"$CLIENTS" -d"$1"s --latency "$TARGET" | /usr/bin/python3 -c '
import json, re, sys
text = sys.stdin.read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
req, secs = re.search(r"(\d+) requests in ([\d.]+)(m?s)", text).group(1, 2)
unit = re.search(r"\d+ requests in [\d.]+(m?s)", text).group(1)
secs = float(secs) / (1000 if unit == "ms" else 1)
errors = sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|errors: connect|read|write|timeout)\s*:?\s*(\d+)", text))
mx = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", text, re.M).group(1)
print(json.dumps({"requests": int(req), "errors": errors, "seconds": secs, "rate": int(req) / secs,
                  "p50_ms": ms(lat["50"]), "p99_ms": ms(lat["99"]), "max_ms": ms(mx)}))'
    else
        java -cp "$CLASSPATH_TEST" org.smtpmonitor.api.ApiLoad "$TARGET" "$CLIENTS" "$1"
    fi
}

api_round() {
    api_load "$SECONDS_API"
}

# smtp_round with|without: one delivery run of DELIVERY_N messages; prints its JSON.
smtp_round() {
    local kind=$1 load_pid=
    if [ "$kind" = with ]; then
        api_load 3600 > "$WORK/load.out" &
        load_pid=$!
        sleep 3   # the load running at full speed before the clock starts
    fi
    # shellcheck disable=SC2046
    java -jar "$JAR" bench --port "$PORT" --conns $CONNS --messages "$DELIVERY_N" --size $SIZE --warmup 2000 \
        --spread $(rcpts) --json > "$WORK/smtp.json"
    if [ -n "$load_pid" ]; then
        # Stopped, and its report (ApiLoad's shutdown hook) written before it is read.
        pkill -P "$load_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            pgrep -P "$load_pid" > /dev/null || break
            sleep 0.1
        done
        kill "$load_pid" 2>/dev/null || true
        wait "$load_pid" 2>/dev/null || true
        # One JSON line from ApiLoad's report, or none (wrk's is lost when it is stopped).
        grep -m1 '^{' "$WORK/load.out" > "$WORK/load.json" || echo '{"rate": 0, "errors": 0}' > "$WORK/load.json"
    fi
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(round(d["messagesPerSecond"]), d["errors"])' "$WORK/smtp.json"
}

log "warming up the server and the API"
api_load 3 > /dev/null
# shellcheck disable=SC2046
java -jar "$JAR" bench --port "$PORT" --conns $CONNS --messages 5000 --size $SIZE --spread $(rcpts) > /dev/null

: > "$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
    settle
    result=$(api_round)
    log "round $round, API alone: $result"
    echo "api $result" >> "$WORK/rounds.txt"
    if [ $(( round % 2 )) = 1 ]; then order="without with"; else order="with without"; fi
    for kind in $order; do
        settle
        result=$(smtp_round "$kind")
        extra=""
        [ "$kind" = with ] && extra=" (API meanwhile: $(cat "$WORK/load.json"))"
        log "round $round, SMTP $kind the API load: $result (msgs/s, errors)$extra"
        echo "smtp-$kind $result" >> "$WORK/rounds.txt"
        [ "$kind" = with ] && echo "load $(cat "$WORK/load.json")" >> "$WORK/rounds.txt"
    done
done

/usr/bin/python3 - "$WORK/rounds.txt" "$STORED" "$CLIENTS" "$GEN" <<'PY'
import json, statistics, sys
rows = [l.split(" ", 1) for l in open(sys.argv[1]).read().splitlines()]
api = [json.loads(v) for k, v in rows if k == "api"]
load = [json.loads(v) for k, v in rows if k == "load"]
without = [int(v.split()[0]) for k, v in rows if k == "smtp-without"]
with_ = [int(v.split()[0]) for k, v in rows if k == "smtp-with"]
errors = sum(int(v.split()[1]) for k, v in rows if k.startswith("smtp-")) + sum(a["errors"] for a in api + load)
med = statistics.median
ratios = [w / o for w, o in zip(with_, without)]
print()
print(f"HTTP API, {int(sys.argv[2]):,} messages stored at the start, {sys.argv[3]} concurrent clients ({sys.argv[4]}), latest message of a mailbox:")
api_rounds = ", ".join(format(a["rate"], ",.0f") for a in api)
print(f"  rate {med([a['rate'] for a in api]):,.0f} requests/s (rounds {api_rounds}),"
      f" p50 {med([a['p50_ms'] for a in api]):.2f} ms, p99 {med([a['p99_ms'] for a in api]):.2f} ms")
print(f"SMTP delivery, 20 connections, 1 KB, with the API load vs without:")
print(f"  {med(with_):,.0f} vs {med(without):,.0f} msgs/s = {100 * med(with_) / med(without):.0f} %"
      f" (target >= 80 %); rounds {', '.join(f'{100 * r:.0f} %' for r in ratios)}")
print(f"  with: {', '.join(map(str, with_))}; without: {', '.join(map(str, without))};"
      + (f" API meanwhile {med([l['rate'] for l in load]):,.0f} requests/s" if any(l['rate'] for l in load) else ""))
print(f"  errors: {errors}")
PY
