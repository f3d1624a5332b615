#!/usr/bin/env bash
# The distillation comparison of the README (issue 11, "A distilled student half the size of
# cnn-bn beats the same student trained alone"): trains the cnn-bn teacher (its preset options),
# then each student spec alone and with the teacher, same seed and options, and prints one table
# row per run: | name | params | T | α | test accuracy | val accuracy |.
#   tests/bench/distillation.sh [BUILD_DIR] [TEACHER.tsmodel]   (an existing teacher is reused)
# Uses a run store of its own. About an hour on 2 cores (11 runs of 4–7 minutes).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
cli=$build/app/training-studio-cli
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TRAINING_STUDIO_STORE=$work/runs.sqlite
teacher=${2:-$work/teacher.tsmodel}

accuracies() {  # the final JSON line → "test val params"
  /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print("%.4f %.4f %d" % (d["test_accuracy"], d["val_accuracy"], d["params"]))'
}

if [ ! -f "$teacher" ]; then
  "$cli" train --dataset fashion-mnist --model cnn-bn --seed 1 --save "$teacher" --json 2>/dev/null | accuracies |
    { read -r test val params; printf '| teacher cnn-bn | %s | — | — | %s | %s |\n' "$params" "$test" "$val"; }
fi
for variant in half thin half-nodrop; do
  name=student-cnn-bn-${variant%-nodrop}
  spec=$here/../../datasets/$name.json
  configs=("4 0.5" "4 0.2")
  [ "$variant" = half ] && configs+=("2 0.5")
  common=(--dataset fashion-mnist --model "$spec" --epochs 10 --lr 0.003 --schedule cosine --seed 1)
  if [ "$variant" = half-nodrop ]; then
    common+=(--dropout 0)
    name="$name --dropout 0"
  fi
  "$cli" train "${common[@]}" --json 2>/dev/null | accuracies |
    { read -r test val params; printf '| %s alone | %s | — | — | %s | %s |\n' "$name" "$params" "$test" "$val"; }
  for ta in "${configs[@]}"; do
    set -- $ta
    "$cli" train "${common[@]}" --teacher "$teacher" --distill-temperature "$1" --distill-alpha "$2" --json \
      2>/dev/null | accuracies |
      { read -r test val params; printf '| %s distilled | %s | %s | %s | %s | %s |\n' "$name" "$params" "$1" "$2" "$test" "$val"; }
  done
done
