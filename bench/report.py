#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Summarise the mcfw benchmark's trials (bench/bench.sh's CSV).

    report.py TRIALS.csv OUTDIR
    report.py --load LOAD-TRIALS.csv MEM.csv OUTDIR

Forwarding: writes OUTDIR/bench.csv (one line per point and contestant:
medians of the valid trials), OUTDIR/bench.txt (the table and the ratios,
also printed) and OUTDIR/bench-plot.dat (copies per second against N, for
bench/plot.gp). Invalid trials are counted, never used.

Control plane (--load): writes OUTDIR/bench-load.csv (one line per system,
operation and route count: the trial of median elapsed time, with its
user and system CPU time) and OUTDIR/bench-load.txt (the tables, the
issue's goals and the memory the routes took, also printed).
"""

import csv
import os
import statistics
import sys

ORDER = ["mcfw", "ipmr", "relay", "floor"]
# The gateway's contestants: mcfw with translated outputs (xlat), with
# unicast outputs (ucast), and the userspace relay converting to unicast
# (urelay). In the tables and ratios, not in the plot.
GATEWAY = ["xlat", "ucast", "urelay"]
# IPv6: mcfw against the kernel's ip6mr. In the tables and ratios, not
# in the plot. Their lookup sweep's route counts are powers of two.
IPV6 = ["mcfw6", "ip6mr"]
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


# Control-plane operations, in the order of the table, with what each is.
LOAD_OPS = [
    ("mcfw", "restore", "mcfwctl restore FILE, empty table"),
    ("mcfw", "rerestore", "mcfwctl restore FILE again (no change)"),
    ("mcfw", "change", "mcfwctl restore FILE2 (1% other outputs)"),
    ("mcfw", "dump", "mcfwctl -j route show (full dump)"),
    ("mcfw", "save", "mcfwctl save (full dump)"),
    ("mcfw", "flush", "mcfwctl route flush"),
    ("mcfw", "loader", "bench/mcfw-routes (old loader), empty"),
    ("ipmr", "add", "bench/ipmr-routes add (MRT_ADD_MFC each)"),
    ("ipmr", "dump", "ip mroute show (full dump)"),
    ("ipmr", "proc", "cat /proc/net/ip_mr_cache"),
    ("ipmr", "flush", "ipmr-routes flush (MRT_FLUSH)"),
]
# The goals: (system, op, routes, most seconds).
LOAD_GOALS = [
    ("mcfw", "restore", 100000, 3.0),
    ("mcfw", "dump", 100000, 3.0),
    ("mcfw", "save", 100000, 3.0),
]


def fmt_secs(v):
    if v is None:
        return "-"
    return "%.3f" % v if v < 10 else "%.2f" % v


def main_load(trials_path, mem_path, outdir):
    with open(trials_path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit("report: no measurements in " + trials_path)
    kernel = rows[0]["kernel"]
    groups = {}
    for r in rows:
        key = (r["system"], r["op"], int(r["routes"]))
        groups.setdefault(key, []).append(r)
    summary = {}
    for key, rs in groups.items():
        ok = [r for r in rs if r["valid"] == "1"]
        s = {"trials": len(rs), "valid": len(ok), "reasons": sorted(
            {r["reason"] for r in rs if r["valid"] != "1"})}
        if ok and len(ok) * 2 > len(rs):
            # The trial of median elapsed time (the lower of the middle
            # two for an even count), with its own CPU times.
            ok.sort(key=lambda r: float(r["real_s"]))
            med = ok[(len(ok) - 1) // 2]
            s["real"] = float(med["real_s"])
            s["user"] = float(med["user_s"])
            s["sys"] = float(med["sys_s"])
            s["min"] = float(ok[0]["real_s"])
            s["max"] = float(ok[-1]["real_s"])
        summary[key] = s
    counts = sorted({k[2] for k in summary})
    known = {(sy, op) for sy, op, _ in LOAD_OPS}
    ops = [o for o in LOAD_OPS if any(k[:2] == o[:2] for k in summary)]
    ops += [(sy, op, op) for sy, op in sorted({k[:2] for k in summary})
            if (sy, op) not in known]

    out = []
    p = out.append
    p("mcfw control plane, kernel %s, QEMU TCG (2 CPUs, 2 GiB): median "
      "elapsed time of the valid trials" % kernel)
    p("(routes (S,G) with 2 outputs each, groups 239.1.0.0 and up, one "
      "input; emulation: ~10x below native)")
    p("")
    head = "%-4s %-43s" % ("", "operation")
    for n in counts:
        head += " | %19s" % ("%d routes" % n)
    p(head)
    p("%-48s" % "" + "".join(" | %19s" % "s     routes/s" for _ in counts))
    for sy, op, what in ops:
        line = "%-4s %-43s" % (sy, what)
        for n in counts:
            s = summary.get((sy, op, n))
            if not s or "real" not in s:
                line += " | %19s" % "-"
                continue
            rate = n / s["real"] if s["real"] > 0 else None
            line += " | %8s %10s" % (fmt_secs(s["real"]), fmt_rate(rate))
        p(line)
    p("")
    p("Per trial of median time: elapsed, CPU in user space and in the "
      "kernel (s), range of elapsed, valid trials:")
    for sy, op, what in ops:
        for n in counts:
            s = summary.get((sy, op, n))
            if not s:
                continue
            if "real" not in s:
                p("  %-4s %-9s %6d: no valid majority (%d/%d)" % (
                    sy, op, n, s["valid"], s["trials"]))
                continue
            p("  %-4s %-9s %6d: %8s elapsed  user %7s  sys %7s  "
              "(%s .. %s)  %d/%d" % (
                  sy, op, n, fmt_secs(s["real"]), fmt_secs(s["user"]),
                  fmt_secs(s["sys"]), fmt_secs(s["min"]),
                  fmt_secs(s["max"]), s["valid"], s["trials"]))
    invalid = [(k, s) for k, s in sorted(summary.items()) if s["reasons"]]
    if invalid:
        p("")
        p("Invalid measurements:")
        for k, s in invalid:
            p("  %s %s %d: %d of %d invalid: %s" % (
                k[0], k[1], k[2], s["trials"] - s["valid"], s["trials"],
                "; ".join(s["reasons"])[:300]))

    p("")
    p("Goals (the issue: 100,000 routes restore in at most 3 s, and a "
      "full dump returns each exactly once in at most 3 s):")
    for sy, op, n, most in LOAD_GOALS:
        s = summary.get((sy, op, n), {})
        v = s.get("real")
        verdict = "not measured" if v is None else (
            "met" if v <= most else "NOT met (%.1fx over)" % (v / most))
        p("  %-4s %-9s %6d routes: %8s s, goal <= %.0f s: %s" % (
            sy, op, n, fmt_secs(v), most, verdict))

    def ratio_line(label, a, b):
        if a is None or b in (None, 0):
            return
        p("  %-52s %.2f" % (label, a / b))
    p("")
    p("Ratios (elapsed time):")
    for n in counts:
        def t(sy, op):
            return summary.get((sy, op, n), {}).get("real")
        ratio_line("%6d: mcfw restore / ipmr add" % n, t("mcfw", "restore"),
                   t("ipmr", "add"))
        ratio_line("%6d: mcfw restore / old loader" % n,
                   t("mcfw", "restore"), t("mcfw", "loader"))
        ratio_line("%6d: mcfw dump (route show -j) / ipmr dump (ip mroute)"
                   % n, t("mcfw", "dump"), t("ipmr", "dump"))
        ratio_line("%6d: mcfw flush / ipmr flush" % n, t("mcfw", "flush"),
                   t("ipmr", "flush"))

    mem = []
    if mem_path and os.path.exists(mem_path):
        with open(mem_path, newline="") as f:
            mem = list(csv.DictReader(f))
    if mem:
        snaps = {}
        for r in mem:
            snaps[(r["system"], int(r["routes"]), r["state"])] = r
        p("")
        p("Memory (/proc/meminfo, first round): growth from the empty table "
          "to the loaded one, KiB, and bytes per route;")
        p("'left' is what the flush did not give back (MemAvailable):")
        p("  %-4s %7s %12s %10s %12s %10s %12s" % (
            "", "routes", "MemAvailable", "Slab", "SUnreclaim", "Percpu",
            "left"))
        for sy, n in sorted({(k[0], k[1]) for k in snaps}):
            e = snaps.get((sy, n, "empty"))
            ld = snaps.get((sy, n, "loaded"))
            fl = snaps.get((sy, n, "flushed"))
            if not e or not ld:
                continue

            def d(col, a=e, b=ld):
                return int(b[col]) - int(a[col])

            def cell(col):
                v = d(col) if col != "memavailable_kib" else -d(col)
                return "%d (%dB)" % (v, v * 1024 / n) if n else str(v)
            left = "-"
            if fl:
                left = "%d" % (int(e["memavailable_kib"]) -
                               int(fl["memavailable_kib"]))
            p("  %-4s %7d %12s %10s %12s %10s %12s" % (
                sy, n, cell("memavailable_kib"), cell("slab_kib"),
                cell("sunreclaim_kib"), cell("percpu_kib"), left))

    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    with open(os.path.join(outdir, "bench-load.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(outdir, "bench-load.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kernel", "system", "op", "routes", "trials", "valid",
                    "real_s", "user_s", "sys_s", "real_s_min", "real_s_max",
                    "routes_per_s"])
        for (sy, op, what) in ops:
            for n in counts:
                s = summary.get((sy, op, n))
                if not s:
                    continue
                w.writerow([kernel, sy, op, n, s["trials"], s["valid"]] + (
                    ["%.3f" % s[k] for k in ("real", "user", "sys", "min",
                                            "max")] +
                    ["%.0f" % (n / s["real"]) if s["real"] > 0 else ""]
                    if "real" in s else [""] * 6))


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--load":
        main_load(sys.argv[2], sys.argv[3], sys.argv[4])
        return
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
    contestants = [c for c in ORDER + GATEWAY + IPV6
                   if any(k[3] == c for k in summary)]
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
                ("mcfw6/ip6mr copies/s at N=1 (IPv6)",
                 ratio(copies("mcfw6", 1), copies("ip6mr", 1))),
                ("mcfw6/ip6mr copies/s at N=4 (IPv6)",
                 ratio(copies("mcfw6", 4), copies("ip6mr", 4))),
                ("mcfw6/ip6mr copies/s at N=16 (IPv6)",
                 ratio(copies("mcfw6", 16), copies("ip6mr", 16))),
                ("mcfw6/ip6mr copies/s at N=31 (IPv6)",
                 ratio(copies("mcfw6", 31), copies("ip6mr", 31))),
                ("per-extra-output cost mcfw6/ip6mr",
                 ratio(per_output("mcfw6"), per_output("ip6mr"))),
                ("mcfw6/mcfw copies/s at N=16 (82 B/64 B)",
                 ratio(copies("mcfw6", 16), copies("mcfw", 16))),
                ("mcfw/relay copies/s at N=16",
                 ratio(copies("mcfw", 16), copies("relay", 16))),
                ("per-extra-output cost floor/mcfw",
                 ratio(per_output("floor"), per_output("mcfw"))),
                ("floor/relay copies/s at N=16",
                 ratio(copies("floor", 16), copies("relay", 16))),
                ("per-extra-output cost xlat/mcfw",
                 ratio(per_output("xlat"), per_output("mcfw"))),
                ("per-extra-output cost ucast/mcfw",
                 ratio(per_output("ucast"), per_output("mcfw"))),
                ("ucast/urelay copies/s at N=1",
                 ratio(copies("ucast", 1), copies("urelay", 1))),
                ("ucast/urelay copies/s at N=4",
                 ratio(copies("ucast", 4), copies("urelay", 4))),
                ("ucast/urelay copies/s at N=16",
                 ratio(copies("ucast", 16), copies("urelay", 16)))):
            if value is None and label.startswith(("per-extra-output cost x",
                                                   "per-extra-output cost u",
                                                   "ucast", "mcfw6",
                                                   "per-extra-output cost mcfw6")):
                continue
            p("  %4dB %-41s %s" % (size, label, fmt_ratio(value)))
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
