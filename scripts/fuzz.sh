#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan+UBSan, into build-fuzz/) if needed and
# runs each for SECONDS from its seed corpus (tests/fuzz/corpus/NAME), as many at once as there are
# cores (STUDIO_FUZZ_JOBS), one line per target:
#   NAME: N execs, 0 crashes
# Exits non-zero on any crash, leak, timeout or out-of-memory, and keeps the reproducer in
# build-fuzz/findings/NAME/. New inputs that reached new code go to build-fuzz/corpus/NAME.
#   scripts/fuzz.sh SECONDS [NAME ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds=${1:?usage: scripts/fuzz.sh SECONDS [NAME ...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_model_file fuzz_image fuzz_model_spec fuzz_idx fuzz_cifar fuzz_csv_table
                                      fuzz_project_json fuzz_onnx_backbone fuzz_run_store)

need=()
command -v clang++ >/dev/null || need+=(clang)
dpkg-query -W -f='${Status}' libfuzzer-14-dev 2>/dev/null | grep -q 'ok installed' || need+=(libfuzzer-14-dev)
if [ ${#need[@]} -gt 0 ]; then
  sudo=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  echo "Installing ${need[*]}... (scripts/setup.sh fuzz installs everything else the build needs)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -f build-fuzz/build.ninja ]; then
  CXX=clang++ CC=clang cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSTUDIO_FUZZ=ON -DSTUDIO_BUILD_GUI=OFF >/dev/null
fi
cmake --build build-fuzz --target "${targets[@]}" >/dev/null

# One target a core (STUDIO_FUZZ_JOBS, default every core) at a time; lines print in order.
# STUDIO_FUZZ_TIMEOUT (s, default 25): an input that runs longer is a finding; raise it for a
# campaign that runs niced beside builds, where a starved process would miss it by waiting.
jobs=${STUDIO_FUZZ_JOBS:-$(nproc)}
# Every allocation's stack (ASan's default 30 frames) and a 256 MiB quarantine cost the targets
# that allocate most (run store, ONNX) a third of their speed; a finding's report still names the
# faulting line and both stacks of a use-after-free at two frames. Replay a reproducer for the
# whole stacks: build-fuzz/tests/fuzz/NAME FILE. Your own ASAN_OPTIONS come after, and win.
export ASAN_OPTIONS="malloc_context_size=2:quarantine_size_mb=16${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
run_target() {
  local t=$1 corpus=build-fuzz/corpus/$1 findings=build-fuzz/findings/$1
  mkdir -p "$corpus" "$findings"
  # -rss_limit_mb: a hostile input under 1 MB must stay under 1 GB (plus ASan's own overhead).
  build-fuzz/tests/fuzz/$t "$corpus" tests/fuzz/corpus/$t -max_total_time="$seconds" -max_len=1048576 \
    -rss_limit_mb=2048 -timeout="${STUDIO_FUZZ_TIMEOUT:-25}" -artifact_prefix="$findings/" -print_final_stats=1 >"build-fuzz/$t.log" 2>&1
}
report() {
  local t=$1 status=$2 findings=build-fuzz/findings/$1 log=build-fuzz/$1.log crashes=0
  if [ "$status" != 0 ]; then
    crashes=$(ls "$findings" | wc -l)
    [ "$crashes" -gt 0 ] || crashes=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  echo "$t: ${execs:-0} execs, $crashes crashes$([ "$crashes" = 0 ] || echo " (reproducers in $findings, log $log)")"
  [ "$crashes" = 0 ]
}

failed=0
for ((first = 0; first < ${#targets[@]}; first += jobs)); do
  batch=("${targets[@]:first:jobs}")
  pids=()
  for t in "${batch[@]}"; do
    run_target "$t" &
    pids+=($!)
  done
  for i in "${!batch[@]}"; do
    status=0
    wait "${pids[$i]}" || status=$?
    report "${batch[$i]}" "$status" || failed=1
  done
done
exit $failed
