#!/usr/bin/python3
"""Writes datasets/tables/iris.csv and wine.csv from the copies Debian's python3-sklearn ships
(/usr/lib/python3/dist-packages/sklearn/datasets/data/). sklearn's files start with a line of
counts and class names and end each row with the class index; ours have a header of the column
names sklearn gives (load_iris().feature_names, ...) and the class name in a last `class` column.
The numbers are copied as text, unchanged. Run once by hand; the build never needs it:
    apt-get install python3-sklearn && scripts/tables_from_sklearn.py
"""
import csv
import pathlib

from sklearn import datasets

SOURCE = pathlib.Path(datasets.__file__).parent / "data"
OUT = pathlib.Path(__file__).resolve().parent.parent / "datasets" / "tables"


def convert(source_name, loader, out_name):
    names = loader()
    with open(SOURCE / source_name, newline="") as f:
        rows = list(csv.reader(f))
    count, features, *classes = rows[0]
    assert list(classes) == list(names.target_names), (classes, names.target_names)
    body = rows[1:]
    assert len(body) == int(count) and all(len(r) == int(features) + 1 for r in body)
    header = [n.replace(" (cm)", "_cm").replace(" ", "_").replace("/", "_") for n in names.feature_names]
    with open(OUT / out_name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header + ["class"])
        for r in body:
            w.writerow(r[:-1] + [classes[int(r[-1])]])
    print(f"{out_name}: {len(body)} rows, {features} features, classes {', '.join(classes)}")


convert("iris.csv", datasets.load_iris, "iris.csv")
convert("wine_data.csv", datasets.load_wine, "wine.csv")
