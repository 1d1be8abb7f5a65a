#!/usr/bin/env bash
# Starts redis-server and three Switchboard nodes on this machine (Ctrl-C stops them all).
# Functions are expected at $FUNCTIONS (default http://127.0.0.1:9000), e.g. the Python example:
#   python3 ../python-functions/functions.py 9000
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
"$root/switchboard" version >/dev/null   # builds the jar once
redis-server --port 6379 --save "" --appendonly no >/dev/null &
pids=($!)
for node in node-a node-b node-c; do
    java -jar "$root/switchboard-app/target/switchboard.jar" serve --config "$node.yaml" &
    pids+=($!)
done
trap 'kill -TERM "${pids[@]}" 2>/dev/null; wait' INT TERM
echo "three nodes up; put nginx (nginx.conf here) or HAProxy in front, or connect to 127.0.0.1:9101-9103"
wait
