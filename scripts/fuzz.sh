#!/usr/bin/env bash
# Builds the libFuzzer harnesses of tests/fuzz (clang, ASan+UBSan, into build-fuzz/) if needed and
# runs each for SECONDS from its seed corpus (tests/fuzz/corpus/NAME), one line per target:
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

failed=0
for t in "${targets[@]}"; do
  corpus=build-fuzz/corpus/$t findings=build-fuzz/findings/$t
  mkdir -p "$corpus" "$findings"
  log=build-fuzz/$t.log
  # -rss_limit_mb: a hostile input under 1 MB must stay under 1 GB (plus ASan's own overhead).
  if build-fuzz/tests/fuzz/$t "$corpus" tests/fuzz/corpus/$t -max_total_time="$seconds" -max_len=1048576 \
       -rss_limit_mb=2048 -timeout=25 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1; then
    crashes=0
  else
    crashes=$(ls "$findings" | wc -l)
    [ "$crashes" -gt 0 ] || crashes=1
    failed=1
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  echo "$t: ${execs:-0} execs, $crashes crashes$([ "$crashes" = 0 ] || echo " (reproducers in $findings, log $log)")"
done
exit $failed
