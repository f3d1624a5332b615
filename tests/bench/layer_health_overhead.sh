#!/usr/bin/env bash
# What layer health costs training: the same run with it off (--health-every 0) and on (the
# default 50, and every step), alternated REPS times, with the weights' SHA-256 (the same in
# every row: health never changes the weights). Default: Fashion-MNIST cnn, 1 epoch, 2 threads.
# health= is the run's own clock of its probes (layer_health_seconds) as a share of the rest of
# the run: unlike the wall-clock difference between rows, it does not move with the machine's load.
#   tests/bench/layer_health_overhead.sh [BUILD_DIR] [REPS] [extra train flags...]
set -u
cli=${1:-$(dirname "$0")/../../build}/app/training-studio-cli
reps=${2:-3}
shift $(( $# > 2 ? 2 : $# ))
flags=${*:-"--dataset fashion-mnist --model cnn --epochs 1 --threads 2"}
store=$(mktemp -d)/runs.sqlite
for rep in $(seq "$reps"); do
  for every in 0 50 1; do
    $cli train --store "$store" $flags --health-every $every --json 2>/dev/null | tail -1 |
      python3 -c "import json,sys; j=json.load(sys.stdin); print('rep $rep health_every=$every', 'seconds=%.2f' % j['seconds'], 'train_samples_per_s=%.0f' % j['train_samples_per_s'], 'sha=' + j['weights_sha256'][:12], 'health=%.2f%%' % (100 * j['layer_health_seconds'] / (j['seconds'] - j['layer_health_seconds'])))"
  done
done
