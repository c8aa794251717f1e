#!/usr/bin/env python3
"""Peer: the CS224n-style gradient check, one coordinate at a time, in numpy.

The course's gradcheck_naive walks every coordinate ix of x with np.nditer,
computes (f(x + h e_ix) - f(x - h e_ix)) / 2h with h = 1e-4 by nudging x[ix] in
place (+h, -2h, +h), and compares with the analytic gradient by
reldiff = |num - ana| / max(1, |num|, |ana|) > 1e-5. This is that loop over
every coordinate of U (outsideVectors, (V, d)) for the naive-softmax loss,
written by us. It is the lenient version: f computes the loss only, where the
course's f also recomputes the full gradient on every call.

If the whole loop would take longer than --budget seconds, it stops after a
timed prefix (at least --prefix-seconds) and extrapolates the full time from
the measured rate (the per-coordinate cost does not depend on the coordinate).

Prints one JSON line:
  {peer, V, d, P, seconds, measured_seconds, coordinates_done, extrapolated,
   rate_coordinates_per_second, passed, peak_rss_bytes, parameter_bytes, ...}
where `seconds` is the full loop's time, measured or (extrapolated: true)
extrapolated, and `passed` covers the coordinates done.
"""
import argparse
import json
import resource
import sys
import time

import numpy as np


def naive_softmax_loss(center, o, U):
    scores = U @ center
    m = scores.max()
    return m + np.log(np.exp(scores - m).sum()) - scores[o]


def naive_softmax_grad_outside(center, o, U):
    scores = U @ center
    e = np.exp(scores - scores.max())
    delta = e / e.sum()
    delta[o] -= 1.0
    return np.outer(delta, center)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--V", type=int, required=True)
    ap.add_argument("--d", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--budget", type=float, default=30.0, help="seconds before extrapolating")
    ap.add_argument("--prefix-seconds", type=float, default=3.0,
                    help="least timed prefix when extrapolating")
    args = ap.parse_args()

    # Same distribution as w2v-bench: scores u_w.v_c ~ N(0, 1).
    rng = np.random.default_rng(args.seed)
    center = rng.standard_normal(args.d)
    U = rng.standard_normal((args.V, args.d)) / np.sqrt(args.d)
    o = int(rng.integers(args.V))
    grad = naive_softmax_grad_outside(center, o, U)
    P = U.size

    h = 1e-4
    done = 0
    failing = 0
    worst_reldiff = 0.0
    stopped_early = False
    min_prefix = min(args.prefix_seconds, args.budget)
    t0 = time.perf_counter()
    it = np.nditer(U, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        U[ix] += h
        fxph = naive_softmax_loss(center, o, U)
        U[ix] -= 2 * h
        fxmh = naive_softmax_loss(center, o, U)
        U[ix] += h
        numgrad = (fxph - fxmh) / (2 * h)
        reldiff = abs(numgrad - grad[ix]) / max(1.0, abs(numgrad), abs(grad[ix]))
        worst_reldiff = max(worst_reldiff, reldiff)
        if reldiff > 1e-5:
            failing += 1
        done += 1
        it.iternext()
        elapsed = time.perf_counter() - t0
        if not it.finished and elapsed >= min_prefix and elapsed * P / done > args.budget:
            stopped_early = True
            break
    measured = time.perf_counter() - t0

    out = {
        "peer": "numpy_loop",
        "V": args.V,
        "d": args.d,
        "P": P,
        "seed": args.seed,
        "seconds": measured * P / done if stopped_early else measured,
        "measured_seconds": measured,
        "coordinates_done": done,
        "extrapolated": stopped_early,
        "rate_coordinates_per_second": done / measured if measured > 0 else None,
        "budget_seconds": args.budget,
        "passed": failing == 0,
        "failing": failing,
        "max_reldiff": worst_reldiff,
        "h": h,
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "parameter_bytes": U.nbytes,
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }
    print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
