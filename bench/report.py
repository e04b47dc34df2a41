#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the mcfw benchmark's trials (bench/bench.sh's CSV).

    report.py TRIALS.csv OUTDIR

Writes OUTDIR/bench.csv (one line per point and contestant: medians of
the valid trials), OUTDIR/bench.txt (the table and the ratios, also
printed) and OUTDIR/bench-plot.dat (copies per second against N, for
bench/plot.gp). Invalid trials are counted, never used.
"""

import csv
import os
import statistics
import sys

ORDER = ["mcfw", "ipmr", "relay", "floor"]
COMMON_N = [1, 4, 16, 31]


def fmt_rate(v):
    if v is None:
        return "-"
    if v >= 1e6:
        return "%.2fM" % (v / 1e6)
    if v >= 1e3:
        return "%.1fk" % (v / 1e3)
    return "%.0f" % v


def fmt_ratio(v):
    return "-" if v is None else "%.2f" % v


def slope(points):
    """Least-squares line through (x, y) points: (slope, intercept)."""
    if len(points) < 2:
        return None, None
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None, None
    b = sum((x - mx) * (y - my) for x, y in points) / sxx
    return b, my - b * mx


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    trials_path, outdir = sys.argv[1], sys.argv[2]
    with open(trials_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit("report: no trials in " + trials_path)
    kernel = rows[0]["kernel"]

    groups = {}
    for r in rows:
        key = (int(r["size"]), int(r["routes"]), int(r["n"]), r["contestant"])
        groups.setdefault(key, []).append(r)

    summary = {}
    for key, rs in groups.items():
        ok = [r for r in rs if r["valid"] == "1"]
        s = {"trials": len(rs), "valid": len(ok), "reasons": sorted(
            {r["reason"] for r in rs if r["valid"] != "1"})}
        # A point needs a majority of valid trials to be reported.
        if ok and len(ok) * 2 > len(rs):
            ns = [float(r["ns_per_pkt"]) for r in ok]
            s["ns"] = statistics.median(ns)
            s["ns_min"], s["ns_max"] = min(ns), max(ns)
            s["pps"] = statistics.median(float(r["pps_in"]) for r in ok)
            s["copies"] = statistics.median(
                float(r["copies_per_s"]) for r in ok)
        summary[key] = s

    def get(size, routes, n, c, what):
        return summary.get((size, routes, n, c), {}).get(what)

    out = []
    p = out.append
    sizes = sorted({k[0] for k in summary})
    contestants = [c for c in ORDER if any(k[3] == c for k in summary)]
    p("mcfw benchmark, kernel %s, QEMU TCG: medians of valid trials" % kernel)
    p("(emulation: absolute rates are ~10x below native; compare ratios)")
    p("(packets per second in / copies per second out; "
      "valid trials of all; '-' = not run or no valid majority)")
    head = "%5s %7s %4s" % ("size", "routes", "N")
    for c in contestants:
        head += " | %-22s" % c
    p(head)
    for key in sorted({k[:3] for k in summary}, key=lambda k: (k[1] != 1, k)):
        size, routes, n = key
        line = "%5d %7d %4d" % (size, routes, n)
        for c in contestants:
            s = summary.get((size, routes, n, c))
            if not s:
                line += " | %-22s" % ""
                continue
            cell = "%7s %7s %d/%d" % (fmt_rate(s.get("pps")),
                                      fmt_rate(s.get("copies")),
                                      s["valid"], s["trials"])
            line += " | %-22s" % cell
        p(line)

    invalid = [(k, s) for k, s in sorted(summary.items()) if s["reasons"]]
    if invalid:
        p("")
        p("Invalid trials:")
        for k, s in invalid:
            p("  %dB R=%d N=%d %s: %d of %d invalid: %s" % (
                k[0], k[1], k[2], k[3], s["trials"] - s["valid"],
                s["trials"], "; ".join(s["reasons"])[:200]))

    # ns per extra output: slope of ns/packet over N (1 route).
    slopes = {}
    p("")
    p("Time per packet against N (1 route, least squares over the medians):")
    for size in sizes:
        for c in contestants:
            # N=1..31: every contestant; N>=31: mcfw alone goes further.
            for label, keep in (("N=1..31", lambda x: x in COMMON_N),
                                ("N>=31", lambda x: x >= 31)):
                pts = [(k[2], s["ns"]) for k, s in summary.items()
                       if k[0] == size and k[1] == 1 and k[3] == c
                       and "ns" in s and keep(k[2])]
                if label == "N>=31" and all(x <= 31 for x, _ in pts):
                    continue
                b, a = slope(sorted(pts))
                if b is None:
                    continue
                slopes[(size, c, label)] = b
                p("  %4dB %-5s %-7s %8.0f ns per extra output, %8.0f ns fixed"
                  " (%d points)" % (size, c, label, b, a, len(pts)))

    def ratio(a, b):
        return a / b if a is not None and b not in (None, 0) else None

    p("")
    p("Ratios:")
    for size in sizes:
        def copies(c, n):
            return get(size, 1, n, c, "copies")

        def per_output(c):
            return slopes.get((size, c, "N=1..31"))

        # The sinks' cost per copy is the same whoever copies; floor/relay
        # is what the cheapest in-kernel copier shows against the relay.
        for label, value in (
                ("mcfw/ipmr copies/s at N=4",
                 ratio(copies("mcfw", 4), copies("ipmr", 4))),
                ("mcfw/ipmr copies/s at N=16",
                 ratio(copies("mcfw", 16), copies("ipmr", 16))),
                ("per-extra-output cost mcfw/ipmr",
                 ratio(per_output("mcfw"), per_output("ipmr"))),
                ("mcfw/relay copies/s at N=16",
                 ratio(copies("mcfw", 16), copies("relay", 16))),
                ("per-extra-output cost floor/mcfw",
                 ratio(per_output("floor"), per_output("mcfw"))),
                ("floor/relay copies/s at N=16",
                 ratio(copies("floor", 16), copies("relay", 16)))):
            p("  %4dB %-37s %s" % (size, label, fmt_ratio(value)))
    route_pts = sorted({(k[0], k[2]) for k in summary if k[1] != 1})
    for size, n in route_pts:
        for c in contestants:
            base = get(size, 1, n, c, "ns")
            for routes in sorted({k[1] for k in summary if k[1] != 1}):
                v = get(size, routes, n, c, "ns")
                if v is None or base is None:
                    continue
                p("  %4dB %-5s N=%d per-packet cost, %d routes vs 1:  %s "
                  "(%+.0f ns)" % (size, c, n, routes,
                                  fmt_ratio(ratio(v, base)), v - base))

    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(outdir, "bench.txt"), "w") as f:
        f.write(text)

    with open(os.path.join(outdir, "bench.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kernel", "size", "routes", "n", "contestant", "trials",
                    "valid", "pps_in", "copies_per_s", "ns_per_pkt",
                    "ns_per_pkt_min", "ns_per_pkt_max"])
        for k, s in sorted(summary.items()):
            w.writerow([kernel, *k, s["trials"], s["valid"]] +
                       (["%.0f" % s["pps"], "%.0f" % s["copies"],
                         "%.1f" % s["ns"], "%.1f" % s["ns_min"],
                         "%.1f" % s["ns_max"]] if "ns" in s else [""] * 5))

    # Plot data: one gnuplot data set per size and contestant (index
    # size_i * len(ORDER) + contestant_i), "N copies_per_s".
    with open(os.path.join(outdir, "bench-plot.dat"), "w") as f:
        f.write("# kernel %s; sizes %s\n" % (
            kernel, " ".join(str(s) for s in sizes)))
        for size in sizes:
            for c in ORDER:
                f.write("# %dB %s\n" % (size, c))
                pts = sorted((k[2], s["copies"]) for k, s in summary.items()
                             if k[0] == size and k[1] == 1 and k[3] == c
                             and "copies" in s)
                if not pts:
                    f.write("nan nan\n")
                for n, v in pts:
                    f.write("%d %.0f\n" % (n, v))
                f.write("\n\n")


if __name__ == "__main__":
    main()
