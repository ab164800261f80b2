#!/usr/bin/env bash
# SMTP over TLS: smtp-monitor against GreenMail, in one run, and one table.
#
#   bench/tls.sh               # the full run (about 20 minutes on 2 busy cores)
#   QUICK=1 bench/tls.sh       # a fifth of the messages, for a trial run
#   ROUNDS=N ...               # runs of each load against each server (default 4; medians)
#   GEN=c | GEN=java ...       # the load generator (default c when cc and OpenSSL's headers are there)
#   RESUME=1 GEN=c ...         # tls_load resumes TLS sessions, as the JDK's client does by itself
#
# The load generator is the same for every server. GEN=c: bench/tls_load.c, built here
# into target/tls-bench/tls_load, a client in C on OpenSSL, a thread a connection: on 2
# cores the JDK's TLS client used 2.5 to 3.3 times the server's CPU, so it, not the server,
# set the rates. GEN=java: `smtp-monitor bench`, on the JDK's TLS. Both send the same
# messages, the same way: 20 connections, messages of 1 KB, lock-step, two loads. One
# difference: the JDK's client resumes TLS 1.3 sessions (its session cache, the servers'
# tickets), so most of its sessions' handshakes are resumed ones; tls_load's are all full
# unless RESUME=1.
#   - steady: each connection set up (greeting, EHLO, TLS) before the clock starts, then
#     kept for its share; the rate leaves the handshakes out (bench prints them apart,
#     as `tls time`);
#   - sessions: a new connection for every message (--messages-per-connection 1), opened
#     while the clock runs, so that each message's rate includes its TCP connect, greeting,
#     EHLO, TLS handshake and QUIT: sessions/s, handshake included.
# Servers: smtp-monitor headless with STARTTLS on its port and implicit TLS on --tls-port;
# GreenMail 2.1.2 standalone with SMTPS (implicit TLS, -Dgreenmail.smtps.port). GreenMail
# has no STARTTLS, so like is compared with like on implicit TLS: both servers there get
# the same certificate (EC P-256, made here by openssl; smtp-monitor's own self-signed
# certificates are EC P-256 too). A second GreenMail runs with its built-in certificate
# (RSA 2048), which is what its users get; the plain paths of both are run too, as the
# baseline of what TLS costs. STARTTLS is smtp-monitor's alone.
# Every load runs ROUNDS times against each server, the servers' order turning by one each
# round; every run starts with --warmup messages it does not count, after a sync and a
# second's pause. The load average is printed with each round: the machine may be shared.
# Since a shared machine moves rates more than it moves the work done, each run also
# records the CPU time (user + system) the server's process and the generator used: per
# message, it is the cost of TLS on each side whatever else runs.
# Results: target/tls-bench/ (results.jsonl, one JSON line per run; table.md; the logs).
# It installs nothing: it needs java, openssl, python3, /usr/bin/time and GreenMail's jar (taken from
# ~/.m2, or fetched by Maven), and for GEN=c a C compiler and OpenSSL's headers (Debian: gcc
# libssl-dev). It stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
WORK=$ROOT/target/tls-bench
JAR=$ROOT/target/smtp-monitor.jar
GREENMAIL_VERSION=2.1.2
GREENMAIL_M2=$HOME/.m2/repository/com/icegreen/greenmail-standalone/$GREENMAIL_VERSION/greenmail-standalone-$GREENMAIL_VERSION.jar
RCPT=bench@example.com
QUICK=${QUICK:-}
ROUNDS=${ROUNDS:-4}
CONNS=20
SIZE=1024
GEN=${GEN:-}
RESUME=${RESUME:-}

. bench/lib.sh
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }

describe_tls() {
    local out
    out=$(openssl s_client -connect 127.0.0.1:"$1" -servername localhost < /dev/null 2>/dev/null || true)
    printf '%s; %s; %s\n' "$(grep -m1 -o 'Protocol *: *TLSv[0-9.]*\|New, TLSv[0-9.]*' <<< "$out" | grep -o 'TLSv[0-9.]*')" \
        "$(grep -m1 -o 'Cipher is [A-Z0-9_-]*' <<< "$out" | cut -d' ' -f3)" \
        "$(grep -m1 -o 'Server public key is [0-9]* bit' <<< "$out" | cut -d' ' -f5-6)$(grep -m1 -o 'Peer signature type: [A-Za-z0-9_-]*' <<< "$out" | sed 's/Peer signature type:/,/')"
}

# True when cc can build against OpenSSL's headers.
can_build_c() {
    command -v cc > /dev/null && printf '#include <openssl/ssl.h>\n' | cc -E -x c - > /dev/null 2>&1
}

# Sets GEN (c or java) and GENERATOR, the generator's name for the table; builds tls_load for c.
choose_generator() {
    if [ -z "$GEN" ]; then
        if can_build_c; then GEN=c; else
            GEN=java; log "GEN=java: no C compiler or no OpenSSL headers (Debian: apt-get install gcc libssl-dev)"
        fi
    fi
    case "$GEN" in
        c)
            if ! can_build_c; then
                log "GEN=c needs a C compiler and OpenSSL's headers; on Debian: apt-get install gcc libssl-dev"
                exit 1
            fi
            cc -O2 -Wall -Wextra bench/tls_load.c -o "$WORK/tls_load" -lssl -lcrypto -lpthread
            GENERATOR=$("$WORK/tls_load" --version)
            if [ -n "$RESUME" ]; then GENERATOR="$GENERATOR, resuming TLS sessions"; fi ;;
        java)
            GENERATOR="smtp-monitor bench (Java $(java -XshowSettings:properties -version 2>&1 \
                | awk -F' = ' '/java.runtime.version/ { print $2 }'))" ;;
        *)
            log "GEN=$GEN: c or java"; exit 1 ;;
    esac
    log "load generator: $GENERATOR"
}

# CPU time a process has used so far (user + system), in clock ticks.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run LOAD ENTRY: one run of a load (steady|sessions) against ENTRY (name|port|server pid|bench flags),
# one JSON line: bench's report, the load average before, and the CPU the server and the generator
# used in the run (warm-up messages included: both counts are in the line).
run() {
    local load=$1 entry=$2 name port pid flags messages warmup json
    IFS='|' read -r name port pid flags <<< "$entry"
    if [ "$load" = steady ]; then
        messages=$STEADY; warmup=$(( STEADY / 10 ))
    else
        messages=$SESSIONS; warmup=$(( SESSIONS / 4 ))
        flags="$flags --messages-per-connection 1"
    fi
    settle
    local before server_before generator
    before=$(loadavg)
    server_before=$(cpu_ticks "$pid")
    local generate=(java -jar "$JAR" bench)
    if [ "$GEN" = c ]; then generate=("$WORK/tls_load" ${RESUME:+--resume}); fi
    # shellcheck disable=SC2086 # the flags are words
    if ! json=$(/usr/bin/time -f '%U %S' -o "$WORK/time.txt" "${generate[@]}" --host 127.0.0.1 --port "$port" \
            --conns $CONNS --messages "$messages" --size $SIZE --warmup "$warmup" --rcpt $RCPT --json $flags \
            2>> "$WORK/bench.err"); then
        log "bench $load against $name failed: $json"
    fi
    generator=$(tail -n 1 "$WORK/time.txt" | awk '{ print $1 + $2 }')
    printf '{"load":"%s","server":"%s","round":%d,"loadavg":"%s","sent":%d,"serverCpuSeconds":%s,' \
        "$load" "$name" "$ROUND" "$before" $(( messages + warmup )) \
        "$(awk -v t=$(( $(cpu_ticks "$pid") - server_before )) -v hz="$(getconf CLK_TCK)" 'BEGIN { print t / hz }')" \
        >> "$WORK/results.jsonl"
    printf '"generator":"%s","generatorCpuSeconds":%s,"result":%s}\n' "$GENERATOR" "$generator" "${json:-null}" \
        >> "$WORK/results.jsonl"
}

main() {
    if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml fxml -newer "$JAR" -print -quit)" ]; then
        log "building target/smtp-monitor.jar"
        mvn -B -ntp -q package -DskipTests
    fi
    rm -rf "$WORK"; mkdir -p "$WORK"
    choose_generator
    local greenmail=$WORK/greenmail-standalone-$GREENMAIL_VERSION.jar
    if [ -f "$GREENMAIL_M2" ]; then
        cp "$GREENMAIL_M2" "$greenmail"
    else
        mvn -B -ntp -q dependency:copy -Dartifact=com.icegreen:greenmail-standalone:$GREENMAIL_VERSION \
            -DoutputDirectory="$WORK" >/dev/null
    fi
    printf '%s\n' $RCPT > "$WORK/users.txt"

    log "one certificate for both servers: EC P-256 for localhost and 127.0.0.1 (openssl)"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$WORK/key.pem" \
        -out "$WORK/cert.pem" -days 7 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
    openssl pkcs12 -export -in "$WORK/cert.pem" -inkey "$WORK/key.pem" -name greenmail -out "$WORK/cert.p12" \
        -passout pass:changeit

    STEADY=10000; SESSIONS=1000
    if [ -n "$QUICK" ]; then STEADY=2000; SESSIONS=200; fi

    local p_ours p_ours_tls p_gm p_gm_tls p_gmr_tls
    p_ours=$(free_port); p_ours_tls=$(free_port); p_gm=$(free_port); p_gm_tls=$(free_port); p_gmr_tls=$(free_port)
    log "starting the servers (load average $(loadavg))"
    java -jar "$JAR" "$WORK/users.txt" --headless --port "$p_ours" --tls-port "$p_ours_tls" \
        --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" --mailbox-dir "$WORK/mail" \
        > "$WORK/smtp-monitor.log" 2>&1 & PIDS+=($!)
    local ours=$!
    # GreenMail keeps every message in memory.
    java -Xmx4g -Dgreenmail.smtp.hostname=127.0.0.1 -Dgreenmail.smtp.port="$p_gm" \
        -Dgreenmail.smtps.hostname=127.0.0.1 -Dgreenmail.smtps.port="$p_gm_tls" -Dgreenmail.auth.disabled \
        -Dgreenmail.tls.keystore.file="$WORK/cert.p12" -Dgreenmail.tls.keystore.password=changeit \
        -Dgreenmail.tls.key.password=changeit -jar "$greenmail" > "$WORK/greenmail.log" 2>&1 & PIDS+=($!)
    local green=$!
    java -Xmx2g -Dgreenmail.smtps.hostname=127.0.0.1 -Dgreenmail.smtps.port="$p_gmr_tls" -Dgreenmail.auth.disabled \
        -jar "$greenmail" > "$WORK/greenmail-rsa.log" 2>&1 & PIDS+=($!)
    local green_rsa=$!
    for port in "$p_ours" "$p_ours_tls" "$p_gm" "$p_gm_tls" "$p_gmr_tls"; do wait_port "$port"; done

    {
        echo "smtp-monitor implicit TLS: $(describe_tls "$p_ours_tls")"
        echo "GreenMail SMTPS, same certificate: $(describe_tls "$p_gm_tls")"
        echo "GreenMail SMTPS, its own certificate: $(describe_tls "$p_gmr_tls")"
    } | tee "$WORK/tls.txt" >&2

    local entries=(
        "smtp-monitor TLS|$p_ours_tls|$ours|--tls --insecure"
        "GreenMail SMTPS|$p_gm_tls|$green|--tls --insecure"
        "smtp-monitor STARTTLS|$p_ours|$ours|--starttls --insecure"
        "GreenMail SMTPS, RSA|$p_gmr_tls|$green_rsa|--tls --insecure"
        "smtp-monitor plain|$p_ours|$ours|"
        "GreenMail plain|$p_gm|$green|"
    )
    local n=${#entries[@]}
    log "warming up each server (JIT): one run of each load, counted nowhere"
    ROUND=0
    for entry in "${entries[@]}"; do
        run steady "$entry"
        run sessions "$entry"
    done
    mv "$WORK/results.jsonl" "$WORK/warm-up.jsonl"

    local i load
    for ROUND in $(seq 1 "$ROUNDS"); do
        log "round $ROUND of $ROUNDS, load average $(loadavg)"
        for load in steady sessions; do
            for (( i = 0; i < n; i++ )); do
                run "$load" "${entries[$(( (i + ROUND - 1) % n ))]}"
            done
        done
    done
    log "done, load average $(loadavg)"
    /usr/bin/python3 bench/tls_report.py "$WORK" | tee "$WORK/table.md"
}

main "$@"
