#!/usr/bin/env python3
"""Draws bench/out/cost-curve.png from the curve points bench/plot.ts wrote (matplotlib, Agg backend)."""
import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

points = json.load(open(sys.argv[1]))
series = defaultdict(list)
for p in points:
    series[p["series"]].append(p)

# Colour says the operation, line style the program (baseline dashed, dynamic solid, plugin dotted).
OPS = ["preview", "no-op up", "up", "destroy"]
COLOURS = dict(zip(OPS, ["tab:blue", "tab:green", "tab:orange", "tab:red"]))


def op_of(name):
    return next((op for op in OPS if name.endswith(" " + op)), name)


def style_of(name):
    return "--" if name.startswith("baseline") else ":" if name.startswith("pod plugin") else "-"


fig, (times, memory) = plt.subplots(1, 2, figsize=(14, 6))
for name, pts in sorted(series.items()):
    pts.sort(key=lambda p: p["x"])
    xs = [p["x"] for p in pts]
    style = style_of(name)
    times.errorbar(
        xs,
        [p["medianS"] for p in pts],
        yerr=[[p["medianS"] - p["minS"] for p in pts], [p["maxS"] - p["medianS"] for p in pts]],
        linestyle=style,
        color=COLOURS.get(op_of(name)),
        marker="o",
        capsize=3,
        label=name,
    )
    if name.endswith(" up") and not name.endswith("no-op up"):
        memory.plot(xs, [p["peakRssMb"] for p in pts], linestyle=style, marker="o", label=name[: -len(" up")])

times.set_title("Pulumi wall time (median, min-max bars)")
times.set_xlabel("guests N (resources = 2N)")
times.set_ylabel("seconds")
times.legend(fontsize=7)
times.grid(alpha=0.3)
memory.axhline(150, color="grey", linewidth=0.8)
memory.set_title("provider processes' peak RSS during up (line: 150 MB target)")
memory.set_xlabel("guests N (resources = 2N)")
memory.set_ylabel("MB")
memory.legend(fontsize=8)
memory.grid(alpha=0.3)
fig.suptitle(
    "pod cost curve (dynamic resources and provider plugin) vs a trivial dynamic-resource baseline, "
    f"{os.cpu_count()} CPUs shared by pulumi, vcsim and the guests"
)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
