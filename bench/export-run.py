#!/usr/bin/env python3
"""Exports one run into a folder, from the service's own endpoints: the run, its phase report (phases.json),
its plot (plot.svg, plot-all.svg with every I(T;X) series), its series list and every measured series
(measures.csv: one row per measured step, one column per name@layer, at most 1,000 points per series;
the per-step train_batch_* series are left out).

usage: bench/export-run.py RUN_ID OUTDIR [BASE_URL]
The API token (reader or submitter) is read from $TWOPHASE_TOKEN, else from data/api-token.
"""
import csv
import json
import os
import sys
import urllib.parse

from twophase_api import fetcher

run, out = sys.argv[1], sys.argv[2]
base = sys.argv[3] if len(sys.argv) > 3 else "http://localhost:8080"
os.makedirs(out, exist_ok=True)
raw = fetcher(base)

for name, path in [("run.json", ""), ("phases.json", "/phases"), ("plot.svg", "/plot.svg"),
                   ("plot-all.svg", "/plot.svg?series=all")]:
    with open(os.path.join(out, name), "wb") as f:
        f.write(raw(f"/api/v1/runs/{run}{path}"))
listed = json.loads(raw(f"/api/v1/runs/{run}/series"))["series"]
with open(os.path.join(out, "series.json"), "w") as f:
    json.dump(listed, f, indent=1)
names = sorted({s["name"] for s in listed if not s["name"].startswith("train_batch")})
values, columns = {}, set()
for i in range(0, len(names), 8):  # a few names per request keeps each answer under the response-point limit
    query = "&".join("name=" + urllib.parse.quote(n) for n in names[i:i + 8])
    for s in json.loads(raw(f"/api/v1/runs/{run}/metrics?{query}&maxPoints=1000"))["series"]:
        column = f'{s["name"]}@{s["layer"]}'
        columns.add(column)
        for step, value in s["points"]:
            values.setdefault(int(step), {})[column] = value
columns = sorted(columns)
with open(os.path.join(out, "measures.csv"), "w", newline="") as f:
    writer = csv.writer(f)
    writer.writerow(["step"] + columns)
    for step in sorted(values):
        writer.writerow([step] + [("%.6g" % values[step][c]) if c in values[step] else "" for c in columns])
print(out, len(columns), "columns,", len(values), "steps")
