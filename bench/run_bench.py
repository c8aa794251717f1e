#!/usr/bin/env python3
"""Benchmark driver: times our gradient checks of the naive-softmax outside block
and the Python peers on the same machine in the same run, prints a table and the
issue's targets (✓/✗), and writes everything as JSON (--out).

    cmake --build build/release --target bench        # the CMake target runs this
    python3 bench/run_bench.py --bench-exe build/release/bench/w2v-bench --shapes 50x10,2000x50

Every measurement is its own process (peak RSS per mode). Peers that would run
past their budget are extrapolated from a timed prefix (numpy loop, our
black-box mode; marked ~) or reported as not finished (torch gradcheck; marked >,
with the budget as a lower bound). Extra flags may also come from the
environment variable W2V_BENCH_ARGS (for the CMake target).
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHAPES = "50x10,500x30,2000x50,100000x300"
MB = 1000 * 1000  # decimal megabytes, as in "50 MB"
RSS_SLACK = 50 * MB  # target: peak RSS ≤ 3 × parameter bytes + 50 MB


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bench-exe", required=True, help="path of w2v-bench")
    ap.add_argument("--out", help="write the results as JSON here")
    ap.add_argument("--shapes", default=DEFAULT_SHAPES, help="VxD,VxD,… (default %(default)s)")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1,
                    help="threads for our modes and torch (default: all cores)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--wrong", type=int, default=3,
                    help="wrong coordinates injected at every shape to show detection")
    ap.add_argument("--wrong-delta", type=float, default=1e-2,
                    help="added (±) to each wrong coordinate of the analytic gradient")
    ap.add_argument("--sensitivity-deltas", default="1e-4",
                    help="further error sizes for the detection table (comma-separated)")
    ap.add_argument("--localise", default="1,3,5",
                    help="wrong-coordinate counts for the fast-mode target at the largest shape")
    ap.add_argument("--blackbox-budget", type=float, default=30.0)
    ap.add_argument("--numpy-budget", type=float, default=30.0)
    ap.add_argument("--torch-slow-budget", type=float, default=120.0)
    ap.add_argument("--torch-fast-budget", type=float, default=60.0)
    ap.add_argument("--prefix-seconds", type=float, default=3.0,
                    help="least timed prefix before extrapolating")
    ap.add_argument("--skip-peers", action="store_true", help="time our modes only")
    argv = sys.argv[1:] + shlex.split(os.environ.get("W2V_BENCH_ARGS", ""))
    args = ap.parse_args(argv)
    args.shapes = [tuple(int(n) for n in s.lower().split("x")) for s in args.shapes.split(",")]
    args.localise = [int(k) for k in args.localise.split(",") if k]
    args.sensitivity_deltas = [float(x) for x in args.sensitivity_deltas.split(",") if x]
    return args


def progress(msg):
    print(msg, file=sys.stderr, flush=True)


def run_json(cmd, env=None, timeout=1800):
    """Runs cmd, returns the JSON objects it printed (one per line)."""
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [{"error": f"no answer in {timeout} s: {shlex.join(cmd)}"}]
    out = []
    for line in p.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    if not out:
        out.append({"error": f"exit status {p.returncode}: {p.stderr.strip()[-1000:]}",
                    "command": shlex.join(cmd)})
    return out


def ours(args, mode, V, d, wrong=0, delta=None):
    delta = args.wrong_delta if delta is None else delta
    cmd = [args.bench_exe, "one", "--mode", mode, "--V", str(V), "--d", str(d),
           "--threads", str(args.threads), "--wrong", str(wrong), "--wrong-delta", repr(delta),
           "--seed", str(args.seed),
           "--budget", str(args.blackbox_budget), "--prefix-seconds", str(args.prefix_seconds)]
    # Our threads are the parallelism; keep OpenBLAS from adding its own on top.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    progress(f"  w2v-bench {mode} wrong={wrong}" + (f" delta={delta:g}" if wrong else ""))
    return run_json(cmd, env)[0]


def peer_numpy(args, V, d):
    progress("  numpy loop")
    return run_json([sys.executable, os.path.join(HERE, "peers", "numpy_loop.py"),
                     "--V", str(V), "--d", str(d), "--seed", str(args.seed),
                     "--budget", str(args.numpy_budget),
                     "--prefix-seconds", str(args.prefix_seconds)])[0]


def peer_torch(args, V, d, mode, budget):
    progress(f"  torch gradcheck {mode} (budget {budget:g} s)")
    return run_json([sys.executable, os.path.join(HERE, "peers", "torch_gradcheck.py"),
                     "--V", str(V), "--d", str(d), "--seed", str(args.seed), "--mode", mode,
                     "--budget", str(budget), "--threads", str(args.threads)])[0]


# ---------------------------------------------------------------------------
# formatting

def human_seconds(s):
    if s < 1e-3:
        return f"{s * 1e6:.0f} µs"
    if s < 1:
        return f"{s * 1e3:.1f} ms"
    if s < 120:
        return f"{s:.2f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    if s < 172800:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def time_cell(r):
    """(text, seconds or None, kind) with kind in ok | extrapolated | dnf | missing."""
    if r is None:
        return "—", None, "missing"
    if "error" in r:
        return "error", None, "missing"
    status = r.get("status", "ok")
    if status == "did not finish within budget":
        return f"> {human_seconds(r['budget_seconds'])} DNF", r["budget_seconds"], "dnf"
    if status != "ok":
        return status, None, "missing"
    if r.get("extrapolated"):
        return f"~{human_seconds(r['seconds'])}*", r["seconds"], "extrapolated"
    return human_seconds(r["seconds"]), r["seconds"], "ok"


def ratio(peer, mine):
    """peer time / our time as text, with its kind; None when not computable."""
    _, ps, pk = time_cell(peer)
    _, ms, mk = time_cell(mine)
    if ps is None or ms is None or mk != "ok" or ms <= 0:
        return "—", None, pk
    r = ps / ms
    text = f"{r:,.0f}×" if r >= 10 else f"{r:.1f}×"
    return {"dnf": "> " + text, "extrapolated": "~" + text}.get(pk, text), r, pk


def rss_cell(r):
    if r is None or "error" in r or not r.get("peak_rss_bytes"):
        return "—"
    return f"{r['peak_rss_bytes'] / MB:,.0f}"


def detection_cell(r, verb):
    if r is None or "error" in r:
        return "error"
    if verb == "flagged":
        n, match = r["comparison"]["failing"], r.get("flagged_match_injected")
    else:
        n, match = r["localised_count"], r.get("localised_match_injected")
    return f"{n} {verb} {'✓' if match else '✗'} in {human_seconds(r['seconds'])}"


def pass_cell(r):
    if r is None:
        return "—"
    if "error" in r:
        return "error"
    if r.get("status", "ok") != "ok" or r.get("passed") is None:
        return "—"
    text = "pass" if r["passed"] else "FAIL"
    return text + ("*" if r.get("extrapolated") else "")


def table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "  ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                   for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def shape_name(V, d):
    return f"{V}×{d}"


# ---------------------------------------------------------------------------

def main():
    args = parse_args()
    if not os.path.exists(args.bench_exe):
        sys.exit(f"run_bench.py: {args.bench_exe} does not exist (build the w2v-bench target)")
    started = time.time()
    machine = {
        "cpus": os.cpu_count(),
        "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                     if l.startswith("model name")), platform.processor()),
        "loadavg_before": os.getloadavg(),
        "python": sys.executable,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    }
    results = []
    for V, d in args.shapes:
        progress(f"shape {shape_name(V, d)} (P = {V * d:,})")
        r = {"V": V, "d": d, "P": V * d}
        r["exhaustive"] = ours(args, "exhaustive_structured", V, d)
        r["blackbox"] = ours(args, "exhaustive_blackbox", V, d)
        r["fast"] = ours(args, "fast", V, d)
        r["detection"] = [
            {"delta": delta, "K": args.wrong,
             "exhaustive": ours(args, "exhaustive_structured", V, d, args.wrong, delta),
             "fast": ours(args, "fast", V, d, args.wrong, delta)}
            for delta in [args.wrong_delta] + args.sensitivity_deltas]
        if (V, d) == max(args.shapes, key=lambda s: s[0] * s[1]):
            r["localise"] = {str(k): ours(args, "fast", V, d, k) for k in args.localise}
        if not args.skip_peers:
            r["numpy_loop"] = peer_numpy(args, V, d)
            r["torch_slow"] = peer_torch(args, V, d, "slow", args.torch_slow_budget)
            r["torch_fast"] = peer_torch(args, V, d, "fast", args.torch_fast_budget)
        results.append(r)
    machine["loadavg_after"] = os.getloadavg()
    machine["wall_seconds"] = time.time() - started

    # Times.
    modes = [("exhaustive", "exhaustive"), ("blackbox", "black-box"), ("fast", "fast"),
             ("numpy_loop", "numpy loop"), ("torch_slow", "torch slow"),
             ("torch_fast", "torch fast")]
    time_rows, rss_rows, ratio_rows, detect_rows, pass_rows = [], [], [], [], []
    for r in results:
        time_rows.append([shape_name(r["V"], r["d"]), f"{r['P']:,}"] +
                         [time_cell(r.get(k))[0] for k, _ in modes])
        params = r["P"] * 8
        rss_rows.append([shape_name(r["V"], r["d"]), f"{params / MB:,.1f}",
                         f"{(3 * params + RSS_SLACK) / MB:,.0f}"] +
                        [rss_cell(r.get(k)) for k, _ in modes])
        ratio_rows.append([shape_name(r["V"], r["d"]),
                           ratio(r.get("numpy_loop"), r["exhaustive"])[0],
                           ratio(r.get("torch_slow"), r["exhaustive"])[0],
                           ratio(r.get("torch_fast"), r["fast"])[0],
                           ratio(r.get("blackbox"), r["exhaustive"])[0]])
        for det in r["detection"]:
            detect_rows.append([shape_name(r["V"], r["d"]), str(det["K"]), f"±{det['delta']:g}",
                                detection_cell(det["exhaustive"], "flagged"),
                                detection_cell(det["fast"], "localised")])
        pass_rows.append([shape_name(r["V"], r["d"])] +
                         [pass_cell(r.get(k)) for k, _ in modes])

    text = []
    text.append(f"w2v-bench: naive-softmax ∂J/∂U (U is V×d, P = V·d coordinates), "
                f"{args.threads} thread(s) for ours and torch; {machine['cpus']} CPUs ({machine['cpu']}), "
                f"load average {machine['loadavg_before'][0]:.2f} before, {machine['loadavg_after'][0]:.2f} after")
    text.append("")
    text.append("Time of one full gradient check of U (* = extrapolated from a timed prefix; "
                "DNF = did not finish within the budget shown)")
    text.append(table(["shape", "P"] + [n for _, n in modes], time_rows))
    text.append("")
    text.append("Peak RSS (MB) of each measurement's process; limit = 3 × parameter bytes + 50 MB")
    text.append(table(["shape", "params MB", "limit MB"] + [n for _, n in modes], rss_rows))
    text.append("")
    text.append("Speed-ups (peer time / our time; ~ from an extrapolated peer, > from a DNF budget)")
    text.append(table(["shape", "numpy loop / exhaustive", "torch slow / exhaustive",
                       "torch fast / fast", "black-box / exhaustive"], ratio_rows))
    text.append("")
    text.append("Correct gradient: every check must pass (no false alarm); "
                "pass* = on the timed prefix only")
    text.append(table(["shape"] + [n for _, n in modes], pass_rows))
    text.append("")
    text.append("Detection: K coordinates of the analytic gradient off by ±δ; ✓ = exactly those "
                "flagged (exhaustive) or localised (fast)")
    text.append(table(["shape", "K", "δ", "exhaustive", "fast"], detect_rows))

    # Targets.
    targets = []
    by_shape = {(r["V"], r["d"]): r for r in results}

    def target(name, ok, detail):
        targets.append({"target": name, "met": ok, "detail": detail})

    r = by_shape.get((2000, 50))
    name = "exhaustive at V=2000, d=50 ≥ 1000× faster than torch gradcheck (slow)"
    if r is None or "torch_slow" not in r:
        target(name, None, "not measured")
    else:
        text_r, x, kind = ratio(r["torch_slow"], r["exhaustive"])
        if x is None:
            target(name, None, f"torch slow: {time_cell(r['torch_slow'])[0]}")
        else:
            target(name, x >= 1000,
                   f"{text_r} (torch {time_cell(r['torch_slow'])[0]}, ours {time_cell(r['exhaustive'])[0]})"
                   + (" — a lower bound: torch did not finish" if kind == "dnf" else ""))

    r = by_shape.get((100000, 300))
    name_t = f"exhaustive at V=100k, d=300 ≤ 2 s on {args.threads} threads"
    name_m = "exhaustive at V=100k, d=300: peak RSS ≤ 3 × parameter bytes + 50 MB"
    if r is None or "error" in r["exhaustive"]:
        target(name_t, None, "not measured")
        target(name_m, None, "not measured")
    else:
        e = r["exhaustive"]
        target(name_t, e["seconds"] <= 2.0,
               f"{human_seconds(e['seconds'])} ({e['checked']:,} coordinates, "
               f"{'passed' if e['passed'] else 'FAILED'})")
        limit = 3 * e["parameter_bytes"] + RSS_SLACK
        target(name_m, e["peak_rss_bytes"] <= limit,
               f"{e['peak_rss_bytes'] / MB:,.0f} MB ≤ {limit / MB:,.0f} MB "
               f"(parameters {e['parameter_bytes'] / MB:,.0f} MB)")
    big = max(results, key=lambda r: r["P"]) if results else None
    name = f"fast mode localises {','.join(map(str, args.localise))} wrong coordinates among " \
           f"{big['P']:,} in < 1 s" if big else "fast mode localisation"
    if big is None or "localise" not in big:
        target(name, None, "not measured")
    else:
        parts, ok = [], True
        for k, f in big["localise"].items():
            if "error" in f:
                parts.append(f"K={k}: error")
                ok = False
                continue
            good = f["localised_match_injected"] and f["seconds"] < 1.0
            ok = ok and good
            parts.append(f"K={k}: {f['localised_count']} found{'' if f['localised_match_injected'] else ' (≠ injected)'}"
                         f" in {human_seconds(f['seconds'])}")
        if big["P"] < 30_000_000:
            parts.append(f"(at P = {big['P']:,}, not 30M)")
        target(name, ok, "; ".join(parts))

    text.append("")
    text.append("Targets (issue 6)")
    for t in targets:
        mark = {True: "✓", False: "✗", None: "?"}[t["met"]]
        text.append(f"  {mark} {t['target']}: {t['detail']}")
    text.append("")
    text.append(f"bench wall time {human_seconds(machine['wall_seconds'])}; the machine may be "
                "shared: compare with the load averages above")
    report = "\n".join(text)
    print(report)

    if args.out:
        os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
        with open(args.out, "w") as f:
            json.dump({"machine": machine, "args": {k: v for k, v in vars(args).items()},
                       "results": results, "targets": targets, "table": report}, f, indent=1)
        print(f"JSON: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
