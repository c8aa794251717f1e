#!/usr/bin/env python3
"""Peer: torch.autograd.gradcheck on the naive-softmax loss, as a user would run it.

J(U) = logsumexp(U v_c) - (U v_c)_o in float64, U (V, d) requires grad, v_c
and o fixed; torch's defaults (eps = 1e-6, atol = 1e-5, rtol = 1e-3).
  slow: fast_mode=False, torch's numerical Jacobian one input entry at a time
        (2 evaluations of J per coordinate of U) against autograd's
  fast: fast_mode=True (torch >= 1.12), one random projection u^T J v
        numerically and through autograd

Each mode runs in its own child process (so peak RSS is its own). The budget
starts once the child has imported torch and made U; a child that has not
finished by then is killed and reported as "did not finish within budget"
with the budget, never as a number from a smaller problem.

Prints one JSON line per mode:
  {peer, V, d, P, status, seconds, coordinates_done, extrapolated (always
   false), passed, budget_seconds, peak_rss_bytes, parameter_bytes, torch}
status is "ok", "did not finish within budget", "torch not installed" or
"error"; seconds is null unless status is "ok".
"""
import argparse
import importlib.util
import json
import os
import queue
import subprocess
import sys
import threading
import time

SETUP_TIMEOUT = 300.0  # seconds for the child to import torch and build U


def child(args):
    import numpy as np
    import torch

    torch.set_num_threads(args.threads)
    # Same distribution (and for the same seed, the same U) as numpy_loop.py.
    rng = np.random.default_rng(args.seed)
    center = torch.from_numpy(rng.standard_normal(args.d))
    U = torch.from_numpy(rng.standard_normal((args.V, args.d)) / np.sqrt(args.d))
    U.requires_grad_(True)
    o = int(rng.integers(args.V))

    def loss(U):
        scores = U @ center
        return torch.logsumexp(scores, dim=0) - scores[o]

    print("READY", flush=True)
    t0 = time.perf_counter()
    passed = torch.autograd.gradcheck(loss, (U,), fast_mode=(args.mode == "fast"),
                                      raise_exception=False)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "passed": bool(passed), "torch": torch.__version__,
                      "torch_threads": torch.get_num_threads()}), flush=True)


def run_mode(args, mode):
    P = args.V * args.d
    out = {"peer": f"torch_gradcheck_{mode}", "V": args.V, "d": args.d, "P": P,
           "seed": args.seed, "status": None, "seconds": None, "coordinates_done": None,
           "extrapolated": False, "passed": None, "budget_seconds": args.budget,
           "peak_rss_bytes": None, "parameter_bytes": P * 8}
    if importlib.util.find_spec("torch") is None:
        out["status"] = "torch not installed"
        out["python"] = sys.executable
        return out

    cmd = [sys.executable, os.path.abspath(__file__), "--child", "--mode", mode,
           "--V", str(args.V), "--d", str(args.d), "--seed", str(args.seed),
           "--threads", str(args.threads)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    lines = queue.Queue()

    def reader():
        for line in proc.stdout:
            lines.put(line.strip())
        lines.put(None)

    threading.Thread(target=reader, daemon=True).start()

    def next_line(timeout):
        try:
            return lines.get(timeout=timeout)
        except queue.Empty:
            return "TIMEOUT"

    result = None
    ready = next_line(SETUP_TIMEOUT)
    if ready == "READY":
        started = time.perf_counter()
        result = next_line(args.budget)
        waited = time.perf_counter() - started
    if ready == "READY" and result == "TIMEOUT":
        out["status"] = "did not finish within budget"
        out["waited_seconds"] = waited
        proc.kill()
    elif ready == "TIMEOUT":
        out["status"] = "error"
        out["error"] = f"setup (import torch, make U) took over {SETUP_TIMEOUT:.0f} s"
        proc.kill()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    out["peak_rss_bytes"] = usage.ru_maxrss * 1024  # the child's own peak
    if out["status"] is None:
        try:
            parsed = json.loads(result) if result not in (None, "TIMEOUT") else None
        except json.JSONDecodeError:
            parsed = None
        if parsed is None:
            out["status"] = "error"
            out["error"] = (proc.stderr.read() or f"exit status {proc.returncode}")[-2000:]
        else:
            out.update(parsed)
            out["status"] = "ok"
            out["coordinates_done"] = P if mode == "slow" else None
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--V", type=int, required=True)
    ap.add_argument("--d", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--mode", choices=["slow", "fast", "both"], default="both")
    ap.add_argument("--budget", type=float, default=120.0,
                    help="seconds per mode, after torch is imported and U made")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1, help="torch threads")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args)
        return
    for mode in (["slow", "fast"] if args.mode == "both" else [args.mode]):
        print(json.dumps(run_mode(args, mode)), flush=True)


if __name__ == "__main__":
    main()
