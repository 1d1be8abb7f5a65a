#!/usr/bin/env bash
# Starts redis-server and three Switchboard nodes on this machine. Ctrl-C (or SIGTERM to this
# script) stops the nodes first, lets them leave the cluster, and then stops Redis.
# Functions are expected at $FUNCTIONS (default http://127.0.0.1:9000), e.g. the Python example:
#   python3 ../python-functions/functions.py 9000
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
"$root/switchboard" version >/dev/null   # builds the jar once
# its own session, so that Ctrl-C in this terminal reaches the nodes, not Redis: stop() ends it last
setsid redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null &
redis=$!
nodes=()
stop() {
    trap - INT TERM
    kill -TERM "${nodes[@]}" 2>/dev/null || true
    wait "${nodes[@]}" 2>/dev/null || true   # the nodes drain and leave the cluster through Redis
    kill -TERM "$redis" 2>/dev/null || true
    wait "$redis" 2>/dev/null || true
    exit 0
}
trap stop INT TERM
for node in node-a node-b node-c; do
    java -jar "$root/switchboard-app/target/switchboard.jar" serve --config "$node.yaml" &
    nodes+=($!)
done
echo "three nodes starting; put nginx (nginx.conf here) or HAProxy in front, or connect to 127.0.0.1:9101-9103"
wait "${nodes[@]}"
stop
