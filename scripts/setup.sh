#!/usr/bin/env bash
# Training Studio set-up for a fresh Debian 12 machine, and quick when run again.
#   scripts/setup.sh studio   install what is needed, build, open the studio on the built-in shapes set
#   scripts/setup.sh test     install what is needed, build, run the whole test suite (CTest)
#   scripts/setup.sh sanitize the same suite built with AddressSanitizer and UBSan (build-sanitize/);
#                             STUDIO_SANITIZE_GUI=OFF limits it to the engine and command-line tests
#   scripts/setup.sh tsan     the trainer's, run control's, metrics queue's and the studio controllers'
#                             tests under ThreadSanitizer (build-tsan/; STUDIO_TSAN_GUI=OFF: engine only)
#   scripts/setup.sh fuzz SECONDS  install clang and libFuzzer too, run scripts/fuzz.sh SECONDS
# Works as root or through sudo. Installs only missing Debian packages; builds incrementally.
set -euo pipefail

mode=${1:-studio}
shift || true
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${STUDIO_BUILD_DIR:-$here/build}

packages=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev
  libtbb-dev libeigen3-dev nlohmann-json3-dev zlib1g-dev libsqlite3-dev libsqlitecpp-dev libcli11-dev libpqxx-dev libdnnl-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-videoio-dev libopencv-dnn-dev
  libonnx-dev libprotobuf-dev
  dataset-fashion-mnist fonts-dejavu-core
)
case "$mode" in
  studio) packages+=(xauth) ;;
  test|sanitize) packages+=(postgresql) ;;  # the PostgreSQL run store's tests start a server of their own
  tsan) ;;  # its tests need no PostgreSQL server
  bench) packages+=(python3-torch libopenblas0-pthread) ;;  # without an optimized BLAS Debian's torch uses the reference one
  fuzz) packages+=(clang libfuzzer-14-dev) ;;  # the harnesses build into build-fuzz/ (scripts/fuzz.sh)
  *) echo "usage: scripts/setup.sh studio|test|sanitize|tsan|bench|fuzz [arguments for the studio, ctest or fuzz.sh]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

[ "$mode" != fuzz ] || exec "$here/scripts/fuzz.sh" "$@"

configure=(-G Ninja -DCMAKE_BUILD_TYPE=Release)
if [ "$mode" = sanitize ]; then
  build=${STUDIO_SANITIZE_BUILD_DIR:-$here/build-sanitize}
  configure+=(-DSTUDIO_SANITIZE=ON "-DSTUDIO_BUILD_GUI=${STUDIO_SANITIZE_GUI:-ON}")
fi
targets=()
if [ "$mode" = tsan ]; then
  # -O2 -g: TSan's reports need line numbers; only the tests it runs are built (target tsan_tests).
  build=${STUDIO_TSAN_BUILD_DIR:-$here/build-tsan}
  configure=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSTUDIO_TSAN=ON "-DSTUDIO_BUILD_GUI=${STUDIO_TSAN_GUI:-ON}")
  targets=(--target tsan_tests)
fi
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$here" -B "$build" "${configure[@]}"
fi
cmake --build "$build" -j"$(nproc)" "${targets[@]}"

case "$mode" in
  studio)
    # The studio window: on a new machine the built-in shapes set with the lenet preset (later,
    # the last project you saved). Press Start.
    # Extra arguments go to the studio (e.g. --start, --dataset fashion-mnist, a project file).
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "No display found (DISPLAY is not set): run this from a desktop session, or under xvfb-run." >&2
      exit 1
    fi
    exec "$build/app/training-studio" "$@"
    ;;
  test)
    export QT_QPA_PLATFORM=offscreen
    exec ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
    ;;
  sanitize)
    # Leaks are not checked: Qt and fontconfig keep caches to the end on purpose.
    export QT_QPA_PLATFORM=offscreen ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    exec ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "$@"
    ;;
  tsan)
    # Any report fails its test (TSan's exit code 66); tests/tsan.supp lists each suppression.
    export QT_QPA_PLATFORM=offscreen
    exec ctest --test-dir "$build" -L tsan --output-on-failure -j"$(nproc)" "$@"
    ;;
  bench)
    exec "$build/app/training-studio-cli" bench "$@"
    ;;
esac
