#!/usr/bin/env python3
"""Reads a finished (or running) experiment from the service and prints, per run, its phase events and
what every I(T;X) series did around them: markdown tables for docs/measures.md.

usage: bench/sweep-report.py EXPERIMENT_ID [BASE_URL]
For each run: fitting end, test-loss first minimum / hump / second descent, generalization onset and
completion (GET /runs/{id}/phases). For each mi_tx series and layer: the value at step 0, at the fitting
end, its largest value after the fitting end, and the last value; "rise" = fitting-end value minus the
step-0 value, "decline" = largest value after the fitting end minus the last value (bits), and where
the series' compression events were detected. The token is read from $TWOPHASE_TOKEN, else data/api-token.
"""
import statistics
import sys

from twophase_api import getter

experiment = sys.argv[1]
base = sys.argv[2] if len(sys.argv) > 2 else "http://localhost:8080"
get = getter(base)


def fmt(v):
    return "–" if v is None else (f"{v:,}" if isinstance(v, int) else f"{v:.2f}")


runs = get(f"/api/v1/experiments/{experiment}")["runs"]
rows = []
mi = {}
for run in runs:
    phases = get(f"/api/v1/runs/{run['id']}/phases")
    fit = phases["fitting"]["endStep"]
    loss = phases["testLoss"]
    gen = phases["generalization"]
    rows.append((run.get("ordinal"), run["state"], fit, loss["firstMinimumStep"], loss["peakStep"],
                 loss["secondDescentStep"], gen["onsetStep"], gen["step"]))
    names = sorted({s["name"] for s in get(f"/api/v1/runs/{run['id']}/series")["series"]
                    if s["name"].startswith("mi_tx:")})
    series = get(f"/api/v1/runs/{run['id']}/metrics?" + "&".join(f"name={n}" for n in names) + "&maxPoints=10000")["series"]
    events = {(c["metric"], c["layer"]): c for c in phases["compression"]}
    for s in series:
        points = [(int(step), value) for step, value in s["points"]]
        if not points or fit is None:
            continue
        at_fit = min(points, key=lambda p: abs(p[0] - fit))[1]
        after = [p for p in points if p[0] >= fit]
        top = max(after, key=lambda p: p[1])
        e = events.get((s["name"], s["layer"]), {})
        mi.setdefault((s["name"], s["layer"]), []).append(
            dict(start=points[0][1], fit=at_fit, top=top[1], top_step=top[0], last=points[-1][1],
                 onset=e.get("onsetStep"), end=e.get("endStep"), grok=gen["step"], hump=loss["peakStep"], fitting=fit))

print("| run | state | fitting end | test-loss minimum | hump | second descent | generalization onset | complete (>= 0.95) |")
print("|---|---|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(fmt(v) if not isinstance(v, str) else v for v in r) + " |")
print()
print("| series @ layer | step 0 | at fitting end | rise | max after fitting (step) | last | decline | runs with onset | onset / fitting end | onset / hump | end / completion |")
print("|---|---|---|---|---|---|---|---|---|---|---|")


def ratio(values):
    values = [v for v in values if v is not None]
    return "–" if not values else f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


for (name, layer), per_run in sorted(mi.items()):
    med = lambda key: statistics.median(p[key] for p in per_run)
    onsets = [p for p in per_run if p["onset"] is not None]
    print(f"| {name} @ {layer} | {med('start'):.2f} | {med('fit'):.2f} | {med('fit') - med('start'):+.2f} | "
          f"{med('top'):.2f} ({int(med('top_step')):,}) | {med('last'):.2f} | {med('top') - med('last'):+.2f} | "
          f"{len(onsets)}/{len(per_run)} | "
          f"{ratio([(1 + p['onset']) / (1 + p['fitting']) for p in onsets])} | "
          f"{ratio([(1 + p['onset']) / (1 + p['hump']) for p in onsets if p['hump'] is not None])} | "
          f"{ratio([(1 + p['end']) / (1 + p['grok']) for p in onsets if p['end'] is not None and p['grok'] is not None])} |")
