#!/usr/bin/env bash
# Throughput of workers sharing a PostgreSQL store: the same sweep of 2 trials (lenet on
# Fashion-MNIST, 1 epoch each) trained by 2 workers × 1 thread and by 1 worker × 2 threads,
# alternately, REPEATS times each, each time in a fresh database. Prints the wall time of each.
#
#   tests/bench/bench_workers.sh [BUILD_DIR] [REPEATS]     (default build, 2)
#
# Starts its own PostgreSQL server (tests/postgres_server.sh) and stops it at the end.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${1:-$here/build}
repeats=${2:-2}
cli=$build/app/training-studio-cli
server=$(mktemp -d /tmp/bench_workers.XXXXXX)
chmod 755 "$server"
trap 'bash "$here/tests/postgres_server.sh" stop "$server/pg"' EXIT
bash "$here/tests/postgres_server.sh" start "$server/pg" >/dev/null

sweep() {
  "$cli" sweep --store "$1" --enqueue-only --dataset fashion-mnist --model lenet --epochs 1 --seed 3 \
    --strategy grid --space '{"lr": [0.001, 0.002]}' >/dev/null
}
now() { date +%s.%N; }

for r in $(seq 1 "$repeats"); do
  url=$(bash "$here/tests/postgres_server.sh" newdb "$server/pg")
  sweep "$url"
  t0=$(now)
  "$cli" worker --store "$url" --threads 1 >/dev/null & a=$!
  "$cli" worker --store "$url" --threads 1 >/dev/null & b=$!
  wait $a $b
  two=$(awk -v a="$(now)" -v b="$t0" 'BEGIN {print a - b}')

  url=$(bash "$here/tests/postgres_server.sh" newdb "$server/pg")
  sweep "$url"
  t0=$(now)
  "$cli" worker --store "$url" --threads 2 >/dev/null
  one=$(awk -v a="$(now)" -v b="$t0" 'BEGIN {print a - b}')
  printf 'repeat %d: 2 workers x 1 thread %.1f s, 1 worker x 2 threads %.1f s, throughput ratio %.2f\n' \
    "$r" "$two" "$one" "$(awk -v a="$one" -v b="$two" 'BEGIN {print a / b}')"
done
