#!/usr/bin/env bash
# The time-to-accuracy table of the README (issue "Speed"): each run's command, its test
# accuracy and its wall time, on this machine, one run after another.
#   tests/bench/time_to_accuracy.sh [BUILD_DIR] [--long]     (--long adds the 10-minute run)
# Uses a run store of its own. The image-folder row writes the 10,000 Fashion-MNIST test images
# as PNGs (class folders) into a temporary folder first, with Python's standard library only.
set -eu
build=${1:-$(dirname "$0")/../../build}
cli=$build/app/training-studio-cli
long=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export TRAINING_STUDIO_STORE=$work/runs.sqlite
fmnist=/usr/share/datasets/fashion-mnist

/usr/bin/python3 - "$fmnist" "$work/fmnist-png" <<'PY'
import gzip, os, struct, sys, zlib
src, out = sys.argv[1], sys.argv[2]
names = ["t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
images = gzip.open(os.path.join(src, "t10k-images-idx3-ubyte.gz")).read()[16:]
labels = gzip.open(os.path.join(src, "t10k-labels-idx1-ubyte.gz")).read()[8:]
def png(pixels, w, h):
    raw = b"".join(b"\0" + pixels[r * w:(r + 1) * w] for r in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for n in names: os.makedirs(os.path.join(out, n), exist_ok=True)
for i, label in enumerate(labels):
    with open(os.path.join(out, names[label], "%05d.png" % i), "wb") as f:
        f.write(png(images[i * 784:(i + 1) * 784], 28, 28))
PY

row() {  # row LABEL TARGET ARGS...: one table row from the run's final JSON line
  local label=$1 target=$2
  shift 2
  local start=$(date +%s.%N)
  local json=$("$cli" train "$@" --json 2>/dev/null | tail -1)
  local wall=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN{printf "%.0f", a-b}')
  local acc=$(echo "$json" | /usr/bin/python3 -c 'import json,sys; print("%.4f" % json.load(sys.stdin)["test_accuracy"])')
  printf '| %s | `training-studio-cli train %s` | %s | %s s | %s |\n' "$label" "$*" "$acc" "$wall" "$target"
}

echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) CPUs," \
     "$(grep -qw avx512f /proc/cpuinfo && echo AVX-512 || echo 'AVX2, no AVX-512')"
echo "| goal | command | test accuracy | wall | target |"
echo "|---|---|---|---|---|"
row "Fashion-MNIST in 2 minutes" "≥ 0.925 in ≤ 120 s" --dataset fashion-mnist --model cnn-bn --threads 2
row "shapes, the studio's opening preset" "≥ 0.97 after 3 epochs" --dataset shapes --model lenet --epochs 3 --threads 2
row "10,000 Fashion-MNIST PNGs in class folders" "≥ 0.85 in 3 epochs" --dataset "$work/fmnist-png" --model lenet --epochs 3 --threads 2
if [ "$long" = --long ]; then
  row "Fashion-MNIST in 10 minutes" "≥ 0.94 in ≤ 600 s" --dataset fashion-mnist --model cnn-bn --epochs 40 --aug-flip-h true --aug-shift 0.08 --threads 2
fi
