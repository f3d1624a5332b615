#!/usr/bin/env bash
# How long the studio's process (not its window) lives after Ctrl+Q: idle, and mid-run on
# Fashion-MNIST. Needs a display: xvfb-run -a tests/bench/close_time.sh [BUILD_DIR]
# (and xdotool). Uses a settings folder and run store of its own. Mid-run the studio first asks
# "Quit while training?": the script answers with Enter (the default, Stop and Quit, which keeps
# the run) and times the process from that answer.
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
  if [ $mode = mid-run ]; then
    qid=$(timeout 10 xdotool search --sync --all --pid $pid --name "Quit while training" | head -1)
    if [ -z "$qid" ]; then echo "$mode: the studio did not ask before quitting" >&2; kill $pid; exit 1; fi
    # No window manager: focus the question ourselves, then type Enter into it (XTEST, not a
    # synthetic event to the window, which Qt ignores).
    for try in $(seq 50); do
      [ "$(xdotool getwindowfocus 2>/dev/null)" = "$qid" ] && break
      xdotool windowfocus $qid 2>/dev/null; sleep 0.1
    done
    t0=$(now)
    xdotool key Return
  fi
  wait $pid
  echo "$mode: process ended $(awk -v a=$(now) -v b=$t0 'BEGIN{printf "%.2f", a-b}') s after $([ $mode = idle ] && echo Ctrl+Q || echo 'Ctrl+Q and Enter')"
done
