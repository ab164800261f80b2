# What bench/compare.sh, bench/tls.sh and bench/store.sh share; sourced by them, from the
# project's root, after `set -euo pipefail`.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Every process a script starts goes into PIDS; on exit they are stopped newest first, each
# given five seconds to end: a window's JVM must be gone before its xvfb-run is stopped, or
# xvfb-run would leave its Xvfb behind.
PIDS=()
cleanup() {
    local i pid
    for (( i = ${#PIDS[@]} - 1; i >= 0; i-- )); do
        pid=${PIDS[i]}
        kill "$pid" 2>/dev/null || continue
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT: until something listens on 127.0.0.1:PORT, for 30 s at most.
wait_port() {
    local port=$1
    for _ in $(seq 1 300); do
        if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    log "nothing listens on port $port"; return 1
}

# Before each measured run: what the last run left behind must not land on the next one
# (dirty pages of a server that does not sync, a JVM's garbage collection after its run).
settle() {
    sync
    sleep 1
}

# build_with_test_classes WORK CLASS: builds target/smtp-monitor.jar and the test classes when
# a source is newer than the jar or CLASS (a test class file, such as
# target/test-classes/org/smtpmonitor/api/ApiLoad.class) is missing, and sets CLASSPATH_TEST
# to the test classes, the main classes and every dependency (kept in WORK/classpath.txt).
build_with_test_classes() {
    local work=$1 class=$2 root
    root=$(pwd)
    if [ ! -f target/smtp-monitor.jar ] || [ ! -f "$class" ] \
            || [ -n "$(find src pom.xml fxml -newer target/smtp-monitor.jar -print -quit)" ]; then
        log "building target/smtp-monitor.jar and the test classes"
        mvn -B -ntp -q package -DskipTests
    fi
    if [ ! -f "$work/classpath.txt" ] || [ pom.xml -nt "$work/classpath.txt" ]; then
        mvn -B -ntp -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath.txt" >/dev/null
    fi
    CLASSPATH_TEST="$root/target/test-classes:$root/target/classes:$(cat "$work/classpath.txt")"
}
