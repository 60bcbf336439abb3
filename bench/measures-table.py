#!/usr/bin/env python3
"""Prints one markdown table of a run's measured series, read from the service's own endpoints.

usage: bench/measures-table.py RUN_ID [BASE_URL] [EVERY_NTH_ROW] [NAME,NAME,...]
Columns: the named series (default: every series at the measurement cadence), one per layer
(name@layer); rows: the measured steps (every nth, and the last).
The API token (reader or submitter) is read from $TWOPHASE_TOKEN, else from data/api-token.
"""
import sys

from twophase_api import getter

run = sys.argv[1]
base = sys.argv[2] if len(sys.argv) > 2 else "http://localhost:8080"
nth = int(sys.argv[3]) if len(sys.argv) > 3 else 1
get = getter(base)


listed = get(f"/api/v1/runs/{run}/series")["series"]
measured = [s for s in listed if not s["name"].startswith("train_batch")]
names = sys.argv[4].split(",") if len(sys.argv) > 4 else sorted({s["name"] for s in measured})
query = "&".join(f"name={n}" for n in names)
series = get(f"/api/v1/runs/{run}/metrics?{query}&maxPoints=10000")["series"]
columns = sorted((f'{s["name"]}@{s["layer"]}' for s in series), key=lambda c: (names.index(c.split("@")[0]), c))
values = {}
for s in series:
    for step, value in s["points"]:
        values.setdefault(int(step), {})[f'{s["name"]}@{s["layer"]}'] = value
steps = sorted(values)
print("| step | " + " | ".join(columns) + " |")
print("|---" * (len(columns) + 1) + "|")
for i, step in enumerate(steps):
    if i % nth and i != len(steps) - 1:
        continue
    row = values[step]
    print(f"| {step} | " + " | ".join(f"{row[c]:.3g}" if c in row else "" for c in columns) + " |")
