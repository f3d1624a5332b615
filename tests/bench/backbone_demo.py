#!/usr/bin/env python3
"""Transfer learning with a backbone the studio exported itself (issue 11's demo).

1. Train `cnn` on Fashion-MNIST classes 0-4 (T-shirt, trouser, pullover, dress, coat) and export
   it to ONNX with `training-studio-cli export` (verified by its parity check).
2. Make an image folder of the five classes that network never saw (sandal, shirt, sneaker, bag,
   ankle boot): 120 PNGs per class from the official test images.
3. Train on exactly 20 images per class (--val-split 0 --test-split 0.8333 keeps 20 per class for
   training and 100 per class for the test), for three seeds (three different sets of 20), each
   seed giving every model the same 20 images:
     a. heads on the frozen backbone (--backbone cnn.onnx): `mlp` and a single dense layer, on the
        default feature layer (the last pooling output) and on the 128-unit dense layer; and the mlp
        head with shift augmentation (each augmented batch through the backbone);
     b. `cnn`, `lenet` and `mlp` from scratch.
   The same on five classes the backbone did see (0-4), but on official test images it never
   trained on, for contrast.
4. Print the mean test accuracy of each (and the three values), and check that a saved backbone
   model exports again with the parity check passing.

Usage: tests/bench/backbone_demo.py [--cli build/app/training-studio-cli] [--epochs 3] [--work DIR]
Needs only the Python standard library and Debian's dataset-fashion-mnist.
"""

import argparse
import gzip
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

FASHION = "/usr/share/datasets/fashion-mnist"
NAMES = ["tshirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"]


def read_idx(name):
    with gzip.open(os.path.join(FASHION, name), "rb") as f:
        data = f.read()
    magic, count = struct.unpack(">II", data[:8])
    if magic == 0x803:
        rows, cols = struct.unpack(">II", data[8:16])
        size = rows * cols
        return [data[16 + i * size:16 + (i + 1) * size] for i in range(count)]
    return list(data[8:8 + count])


def write_idx(folder, prefix, images, labels):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, prefix + "-images-idx3-ubyte"), "wb") as f:
        f.write(struct.pack(">IIII", 0x803, len(images), 28, 28))
        for img in images:
            f.write(img)
    with open(os.path.join(folder, prefix + "-labels-idx1-ubyte"), "wb") as f:
        f.write(struct.pack(">II", 0x801, len(labels)))
        f.write(bytes(labels))


def write_png(path, pixels, width=28, height=28):
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def run(cli, *args):
    print("$ training-studio-cli " + " ".join(args), flush=True)
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("failed (%d): %s%s" % (p.returncode, p.stdout[-2000:], p.stderr))
    return p.stdout


def last_json(out):
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", default=os.path.join(os.path.dirname(__file__), "../../build/app/training-studio-cli"))
    parser.add_argument("--epochs", type=int, default=3, help="epochs of the backbone's cnn")
    parser.add_argument("--head-epochs", type=int, default=40, help="epochs of every model on the 20 images per class")
    parser.add_argument("--work", default="")
    parser.add_argument("--threads", default="0")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="backbone-demo-")
    os.makedirs(work, exist_ok=True)
    store = os.path.join(work, "runs.sqlite")
    cli = os.path.abspath(args.cli)

    train_x, train_y = read_idx("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
    test_x, test_y = read_idx("t10k-images-idx3-ubyte.gz"), read_idx("t10k-labels-idx1-ubyte.gz")

    # 1. The backbone: cnn on classes 0-4 only.
    seen = os.path.join(work, "fashion-0-4")
    keep = [i for i, y in enumerate(train_y) if y < 5]
    write_idx(seen, "train", [train_x[i] for i in keep], [train_y[i] for i in keep])
    keep = [i for i, y in enumerate(test_y) if y < 5]
    write_idx(seen, "t10k", [test_x[i] for i in keep], [test_y[i] for i in keep])
    source = os.path.join(work, "cnn-0-4.tsmodel")
    out = run(cli, "train", "--dataset", seen, "--model", "cnn", "--epochs", str(args.epochs), "--threads",
              args.threads, "--save", source, "--store", store, "--json")
    backbone_accuracy = last_json(out)["test_accuracy"]
    onnx = os.path.join(work, "cnn-0-4.onnx")
    out = run(cli, "export", "--model", source, "--onnx", onnx, "--json")
    exported = last_json(out)

    # 2. The tasks: 120 official test images per class, as PNGs.
    def folder_of(name, classes):
        folder = os.path.join(work, name)
        count = {c: 0 for c in classes}
        for img, y in zip(test_x, test_y):
            if y in count and count[y] < 120:
                os.makedirs(os.path.join(folder, NAMES[y]), exist_ok=True)
                write_png(os.path.join(folder, NAMES[y], "%03d.png" % count[y]), img)
                count[y] += 1
        return folder

    linear = os.path.join(work, "linear-head.json")
    with open(linear, "w") as f:
        json.dump({"name": "linear-head", "layers": [{"type": "dense", "units": "classes"}]}, f)
    layers = last_json(run(cli, "backbone-layers", "--backbone", onnx, "--json"))
    dense = [l["name"] for l in layers["layers"] if l["type"] == "ReLU"][-1]  # after the 128-unit dense layer
    head = os.path.join(work, "head.tsmodel")
    pooled = [l["features"] for l in layers["layers"] if l["name"] == layers["suggested"]][0]
    runs = [("mlp head, last pooling output (%s, %d features)" % (layers["suggested"], pooled),
             ["--backbone", onnx, "--model", "mlp", "--save", head]),
            ("dense head, last pooling output", ["--backbone", onnx, "--model", linear]),
            ("mlp head, last pooling output, --augment shift", ["--backbone", onnx, "--model", "mlp", "--augment",
                                                                "shift"]),
            ("mlp head, 128-unit dense layer (%s)" % dense, ["--backbone", onnx, "--feature-layer", dense, "--model",
                                                             "mlp"]),
            ("dense head, 128-unit dense layer", ["--backbone", onnx, "--feature-layer", dense, "--model", linear]),
            ("cnn from scratch", ["--model", "cnn"]),
            ("lenet from scratch", ["--model", "lenet"]),
            ("mlp from scratch", ["--model", "mlp"])]
    tables = []
    for task, classes in [("classes 5-9 (sandal, shirt, sneaker, bag, ankle boot), unseen by the backbone",
                           range(5, 10)),
                          ("classes 0-4, seen by the backbone (these test images were not)", range(0, 5))]:
        folder = folder_of("task-%d-%d" % (classes[0], classes[-1]), classes)
        data = ["--dataset", folder, "--image-size", "28", "--channels", "gray"]
        rows = []
        for label, model in runs:
            accuracies, sizes, seconds = [], None, 0.0
            for seed in (1, 2, 3):
                split = ["--val-split", "0", "--test-split", "0.8333", "--seed", str(seed), "--threads",
                         args.threads, "--epochs", str(args.head_epochs), "--store", store, "--json"]
                j = last_json(run(cli, "train", *data, *model, *split))
                accuracies.append(j["test_accuracy"])
                sizes = (j["train_size"], j["test_size"])
                seconds += j["seconds"]
            rows.append((label, sizes, accuracies, seconds / 3))
        tables.append((task, rows))

    # 4. The last head saved with its backbone exports again as one graph, verified.
    again = last_json(run(cli, "export", "--model", head, "--onnx", os.path.join(work, "head.onnx"), "--json"))

    print()
    print("backbone: cnn on Fashion-MNIST classes 0-4, %d epochs, test accuracy %.4f; export parity: "
          "top-1 agreement %s, max |dp| %s" % (args.epochs, backbone_accuracy, exported.get("top1_agreement"),
                                               exported.get("max_abs_diff")))
    for task, rows in tables:
        print("task: Fashion-MNIST %s; image folder, 20 train / 100 test images per class, %d epochs, "
              "seeds 1-3" % (task, args.head_epochs))
        for label, sizes, accuracies, seconds in rows:
            print("  %-62s train %3d test %3d  mean accuracy %.4f  (%s)  %.1f s/run" %
                  (label, sizes[0], sizes[1], sum(accuracies) / 3, ", ".join("%.3f" % a for a in accuracies),
                   seconds))
    print("head + backbone exported again: top-1 agreement %s, max |dp| %s on %s images" %
          (again.get("top1_agreement"), again.get("max_abs_diff"), again.get("images")))
    print("work folder: " + work)


if __name__ == "__main__":
    main()
