#!/usr/bin/env bash
# How long the studio's process (not its window) lives after Ctrl+Q: idle, and mid-run on
# Fashion-MNIST. Needs a display: xvfb-run -a tests/bench/close_time.sh [BUILD_DIR]
# (and xdotool). Uses a settings folder and run store of its own.
set -u
app=${1:-$(dirname "$0")/../../build}/app/training-studio
export XDG_CONFIG_HOME=$(mktemp -d) TRAINING_STUDIO_STORE=$(mktemp -d)/runs.sqlite
now() { date +%s.%N; }
for mode in idle mid-run; do
  if [ $mode = idle ]; then $app & else $app --start --dataset fashion-mnist & fi
  pid=$!
  sleep 10
  wid=$(xdotool search --sync --pid $pid --name "Training Studio" | head -1)
  xdotool windowfocus --sync $wid >/dev/null 2>&1  # no window manager: focus it ourselves
  t0=$(now)
  xdotool key --window $wid ctrl+q
  wait $pid
  echo "$mode: process ended $(awk -v a=$(now) -v b=$t0 'BEGIN{printf "%.2f", a-b}') s after Ctrl+Q"
done
