#!/usr/bin/env bash
# How long the studio takes to close when its PostgreSQL store died while a worker trained:
# the window polls the store while runs are active, and a dead server is waited for.
#   xvfb-run -a tests/bench/close_time_dead_store.sh [BUILD_DIR]     (needs xdotool, postgresql)
here=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$here/build}
app=$build/app/training-studio
bash "$here/tests/postgres_server.sh" start "$build/dead-store-pg" >/dev/null
url=$(bash "$here/tests/postgres_server.sh" newdb "$build/dead-store-pg")
export XDG_CONFIG_HOME=$(mktemp -d) TRAINING_STUDIO_STORE="$url"
cli=$build/app/training-studio-cli
$cli sweep --store "$url" --enqueue-only --dataset shapes --model lenet --samples 6000 --epochs 20 --strategy grid --space '{"lr":[0.001]}' >/dev/null
$cli worker --store "$url" --threads 1 >/dev/null 2>&1 & wpid=$!
$app & pid=$!
sleep 6
root=$(cat "$build/dead-store-pg"/root); runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/pg_ctl" -D $root/data -m immediate stop >/dev/null
sleep 3
wid=$(xdotool search --sync --pid $pid --name "Training Studio" | head -1)
xdotool windowfocus --sync $wid >/dev/null 2>&1
t0=$(date +%s.%N); xdotool key --window $wid ctrl+q; wait $pid
echo "database down: process ended $(awk -v a=$(date +%s.%N) -v b=$t0 'BEGIN{printf "%.2f", a-b}') s after Ctrl+Q"
kill -9 $wpid 2>/dev/null
bash "$here/tests/postgres_server.sh" stop "$build/dead-store-pg"
