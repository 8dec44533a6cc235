#!/usr/bin/env python3
"""Draw an armvm --timeline file (Chrome trace-event JSON) as a picture: one track per CPU,
its EL/VM slices as coloured bars, exits and interrupts as ticks above them.

    python3 scripts/timeline-png.py timeline.json docs/timeline-minihyp.png [--from US] [--to US] [--labels]

Needs matplotlib (pip install matplotlib). Only for documentation; no test depends on it.
"""
import argparse
import json

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def colour(name):
    if name.startswith("EL2"):
        return "#d9534f"
    if "vm1" in name:
        return "#5b9bd5"
    if "vm2" in name:
        return "#70ad47"
    return "#a5a5a5"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("timeline")
    ap.add_argument("png")
    ap.add_argument("--from", dest="start", type=float, default=None, help="first microsecond shown")
    ap.add_argument("--to", dest="end", type=float, default=None, help="last microsecond shown")
    ap.add_argument("--labels", action="store_true", help="write each instant's name (for a short window)")
    a = ap.parse_args()
    events = json.load(open(a.timeline))["traceEvents"]
    cpus = sorted({e["tid"] for e in events if e.get("name") == "thread_name"})
    lo = a.start if a.start is not None else 0.0
    hi = a.end if a.end is not None else max(e["ts"] + e.get("dur", 0) for e in events)

    fig, ax = plt.subplots(figsize=(12, 2.6 + 1.3 * len(cpus)), dpi=90)
    legend = {}
    for e in events:
        # Exit slices (nested in their EL2 slice) are shown by their instants instead.
        if e["ph"] != "X" or e.get("cat") == "exit" or e["ts"] + e["dur"] < lo or e["ts"] > hi:
            continue
        y = cpus.index(e["tid"])
        bar = ax.barh(y, e["dur"], left=e["ts"], height=0.5, color=colour(e["name"]), edgecolor="none")
        legend.setdefault(e["name"], bar)
    marks = {"exit": ("#000000", 0.32, "exits (HVC, traps)"), "irq": ("#ff9900", 0.42, "interrupts (assert, inject, ack)"),
             "timer": ("#7030a0", 0.52, "timer deadlines")}
    shown = 0
    for e in events:
        if e["ph"] != "i" or not lo <= e["ts"] <= hi or e.get("cat") not in marks:
            continue
        c, dy, label = marks[e["cat"]]
        # Staggered, so that the names of close instants do not print over each other.
        dy += 0.45 * (shown % 3) if a.labels else 0
        shown += 1
        y = cpus.index(e["tid"])
        line = ax.vlines(e["ts"], y + 0.27, y + dy + 0.1, color=c, linewidth=1.2)
        legend.setdefault(label, line)
        if a.labels:
            ax.annotate(e["name"], (e["ts"], y + dy + 0.12), rotation=40, fontsize=7, color=c,
                        ha="left", va="bottom", annotation_clip=False)
    ax.set_yticks(range(len(cpus)))
    ax.set_yticklabels([f"cpu{c}" for c in cpus])
    ax.set_ylim(-0.5, len(cpus) + (2.4 if a.labels else 0.0) - 0.3)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("guest time (µs, from the instruction count)")
    ax.legend(legend.values(), legend.keys(), loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_title("armvm --timeline: minihyp world switches and virtual timer interrupts", fontsize=10)
    fig.tight_layout()
    fig.savefig(a.png)


if __name__ == "__main__":
    main()
