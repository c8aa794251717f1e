#!/usr/bin/env python3
"""`w2v-gradcheck grade` on every example solution, as a course would run it.

For each example (C++ programs built from examples/solutions/, CS224n-style
Python files from examples/solutions/python/) the real CLI grades it with all
five reports; the test asserts, from the JSON report:

  * the exit status (0 all passed, 1 some failed),
  * exactly which checks fail (no more, no fewer),
  * each failing check's hint names the expected mistake (and never a
    wrong one: a wrong loss is never called float32),
  * misbehaving solutions (crash, hang, memory, garbage, early exit) fail
    their checks with the right hint and every report is still written,
  * the sandbox's own limits fire and are reported: a hang says it timed out
    with the per-call limit, and a run over --total-timeout says the total
    limit was used up.

No assertion is on wall-clock time (a loaded CI machine must not fail it);
the subprocess timeout is only a safety net against a harness that hangs.

Seeds are fixed (--seed 42); a failure message names the example, the check
and the command to re-run it.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys

NAIVE = ["b.naive.dv_c", "c.naive.du_o", "c.naive.du_w", "c.naive.dU",
         "f.naive.dU", "f.naive.dv_c", "f.naive.dv_w"]
NEG = ["e.neg.dv_c", "e.neg.du_o", "e.neg.du_k", "e.neg.dU",
       "f.neg.dU", "f.neg.dv_c", "f.neg.dv_w"]
SKIPGRAM = [c for c in NAIVE + NEG if c.startswith("f.")]
ALL = sorted(NAIVE + NEG + ["d.sigmoid.grad"])
OUTSIDE_NAIVE = ["c.naive.du_o", "c.naive.du_w", "c.naive.dU", "f.naive.dU"]

# The per-call limit of every grading here (--timeout); a hang must be reported
# as timed out with this limit.
TIMEOUT = 2


class Expect:
    """What grading one example must say: exactly the failing checks; per
    failing check (or "*" for the rest) substrings its hint must hold; and
    substrings no failing check's hint may hold."""

    def __init__(self, failing=(), hints=None, forbid=()):
        self.failing = sorted(failing)
        self.hints = {k: [v] if isinstance(v, str) else list(v) for k, v in (hints or {}).items()}
        self.forbid = list(forbid)


PER_CALL_TIMEOUT = "timed out: no answer within the %d s limit per call" % TIMEOUT

CPP = {
    "correct": Expect(),
    "prints": Expect(),
    "template": Expect(ALL, {"*": "not implemented"}),
    "sign_flip": Expect(["b.naive.dv_c", "f.naive.dv_c"], {"*": "sign flipped"}),
    # The (d, V) ∂J/∂U fails only the checks that read it, and skip-gram's sum.
    "transposed": Expect([c for c in NAIVE if c != "b.naive.dv_c"],
                         {"*": "transposed layout"}),
    # Right shape, transposed values: told apart from a shape error by value.
    "transposed_values": Expect(OUTSIDE_NAIVE, {"*": "Uᵀ for U: the gradient was built in the "
                                                     "handout's d×V layout and reshaped"}),
    "missing_normaliser": Expect([c for c in NAIVE if c != "f.naive.dv_w"],
                                 {"*": "missing softmax normaliser"}),
    "one_row_wrong": Expect(["c.naive.du_o", "c.naive.dU", "f.naive.dU"],
                            {"*": "−y term is missing"}),
    "float32": Expect(NAIVE, {"*": "single precision"}),
    # A wrong loss with the right gradient is a wrong loss, never float32.
    "wrong_loss": Expect(NAIVE, {"*": ["wrong loss: loss is", "(the gradient is right)"]},
                         forbid=["single precision", "float32"]),
    "mutates_input": Expect(NAIVE, {"*": "mutated in place"}),
    "nan": Expect(["b.naive.dv_c", "f.naive.dv_c"], {"*": "NaN"}),
    "wrong_shape": Expect(["b.naive.dv_c", "f.naive.dU", "f.naive.dv_c", "f.naive.dv_w"],
                          {"*": "shape"}),
    "dropped_repeats": Expect(["e.neg.du_k", "e.neg.dU", "f.neg.dU"],
                              {"*": "repeated negative samples counted once"}),
    "scaled": Expect(["e.neg.du_o", "e.neg.dU", "f.neg.dU"],
                     {"e.neg.du_o": "scaled by a constant: the gradient is 2 ×",
                      "*": "only some rows wrong: row"}),
    "crasher": Expect(NAIVE, {"*": "crashes: killed by SIGSEGV"}),
    # One timeout per hanging function: neg sampling, and skipgram with it.
    "hanger": Expect(NEG, {"*": PER_CALL_TIMEOUT}),
    "memory_hog": Expect(NEG, {"*": "exhausts memory"}),
    "garbage": Expect(SKIPGRAM, {"*": "garbage"}),
    "early_exit": Expect(SKIPGRAM, {"*": "exits before replying: exited with status 3"}),
}

PY = {
    "correct": Expect(),
    "lists": Expect(),
    "prints": Expect(),
    # skipgram calls word2vecLossAndGradient(centerWordVec=..., dataset=...).
    "keyword_call": Expect(),
    "sign_error": Expect(["b.naive.dv_c", "f.naive.dv_c"], {"*": "sign flipped"}),
    "transposed": Expect([c for c in NAIVE if c != "b.naive.dv_c"], {"*": "transposed layout"}),
    "transposed_values": Expect(OUTSIDE_NAIVE, {"*": "Uᵀ for U: the gradient was built in the "
                                                    "handout's d×V layout and reshaped"}),
    "missing_normaliser": Expect([c for c in NAIVE if c != "f.naive.dv_w"],
                                 {"*": "missing softmax normaliser"}),
    "dropped_repeats": Expect(["e.neg.du_k", "e.neg.dU", "f.neg.dU"],
                              {"*": "repeated negative samples counted once"}),
    # No sigmoid_grad in the course's file: d is skipped, not failed.
    "float32": Expect(NAIVE + NEG, {"*": "single precision"}),
    "wrong_loss": Expect(NAIVE, {"*": ["wrong loss: loss is", "(the gradient is right)"]},
                         forbid=["single precision", "float32"]),
    "np_random": Expect(NEG, {"*": ["not deterministic", "dataset.sampleTokenIdx()"]}),
    # Its own np.random.RandomState object, in skip-gram too.
    "random_state": Expect(NEG, {"*": ["not deterministic", "_rng (a numpy.random.RandomState)"]}),
    # The block is filled in (markers kept, as in every handed-in file), the
    # return is missing: not "not implemented".
    "returns_none": Expect(NAIVE, {"*": "returns None: "}, forbid=["not implemented"]),
    "syntax_error": Expect(ALL, {"*": "does not start"}),
    "raises": Expect(NEG, {"*": "raises an exception: ValueError"}),
    "mutates": Expect(NAIVE, {"*": "mutated in place"}),
    "wrong_tuple": Expect(NAIVE, {"b.naive.dv_c": "wrong type or tuple size",
                                  "c.naive.du_o": "wrong type or tuple size",
                                  "c.naive.du_w": "wrong type or tuple size",
                                  "c.naive.dU": "wrong type or tuple size",
                                  "*": "exception"}),
    "missing_function": Expect(NEG, {"*": "not implemented"}),
    "hangs": Expect(SKIPGRAM, {"*": PER_CALL_TIMEOUT}),
}

# The whole-run limit (--total-timeout), name -> (per-call limit, more options,
# expectation). With the per-call limit far above the total one, the first
# hanging call is cut short by the total limit and every later call is not
# made, however fast the machine: only the hanging functions are graded, so
# nothing else can use the budget up first.
TOTAL_TIMEOUT = 3
TOTAL = {
    "hanger": (600, ["--only", "e.neg.dv_c,f.neg.dU", "--total-timeout", str(TOTAL_TIMEOUT)],
               Expect(["e.neg.dv_c", "f.neg.dU"],
                      {"*": "total time limit used up: the solution's %d s for the whole run"
                            % TOTAL_TIMEOUT})),
}

# Only a safety net against a harness that hangs for good, so that CI ends:
# no test here measures speed (the sandbox's own limits are what is tested,
# through what the reports say). Far above any grading, even under load.
SAFETY_NET_SECONDS = 15 * 60


def grade(binary, flag, target, workdir, name, timeout, extra):
    out = workdir / name
    out.mkdir(parents=True, exist_ok=True)
    cmd = [str(binary), "grade", flag, str(target), "--seed", "42", "--shapes", "12",
           "--timeout", str(timeout), "--color", "never",
           "--json", str(out / "report.json"), "--html", str(out / "report.html"),
           "--junit", str(out / "junit.xml"), "--gradescope", str(out / "results.json")]
    cmd += list(extra)
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace",
                          timeout=SAFETY_NET_SECONDS)
    return cmd, proc, out


def check(binary, flag, target, workdir, name, expect, timeout=TIMEOUT, extra=()):
    try:
        cmd, proc, out = grade(binary, flag, target, workdir, name, timeout, extra)
    except subprocess.TimeoutExpired as e:
        return ["[%s] %s: no result after %d s (the harness hung)"
                % (name, " ".join(e.cmd), SAFETY_NET_SECONDS)]
    problems = []
    where = f"[{name}] {' '.join(cmd)}"
    expected_exit = 1 if expect.failing else 0
    if proc.returncode != expected_exit:
        problems.append(f"exit {proc.returncode}, expected {expected_exit}\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    for report in ("report.json", "report.html", "junit.xml", "results.json"):
        if not (out / report).is_file() or (out / report).stat().st_size == 0:
            problems.append(f"{report} was not written")
    try:
        run = json.loads((out / "report.json").read_text())
    except (OSError, ValueError) as e:
        return [f"{where}: unreadable JSON report: {e}"] + problems
    got = sorted(c["id"] for c in run["checks"] if c["status"] == "failed")
    if got != expect.failing:
        problems.append(f"failing checks {got}, expected {expect.failing}")
    for c in run["checks"]:
        if c["status"] != "failed" or c["id"] not in expect.failing:
            continue
        hint = c["hint"] or ""
        for want in expect.hints.get(c["id"], expect.hints.get("*", [])):
            if want not in hint:
                problems.append(f"{c['id']}: hint {c['hint']!r} does not contain {want!r} "
                                f"(worst case {c['worst_case']})")
        for bad in expect.forbid:
            if bad in hint:
                problems.append(f"{c['id']}: hint {c['hint']!r} contains {bad!r}")
    if run["run"]["solution"] is None:
        problems.append("the report does not describe the solution")
    results = json.loads((out / "results.json").read_text())
    if len(results["tests"]) != len(run["checks"]):
        problems.append("Gradescope tests differ from the JSON checks")
    return [f"{where}: {p}" for p in problems]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, type=pathlib.Path)
    ap.add_argument("--cpp-dir", required=True, type=pathlib.Path,
                    help="directory of the built solution_<name> programs")
    ap.add_argument("--python-dir", required=True, type=pathlib.Path)
    ap.add_argument("--workdir", required=True, type=pathlib.Path)
    ap.add_argument("--only", nargs="*", default=[], help="example names to run")
    args = ap.parse_args()

    jobs = []
    for name, exp in CPP.items():
        jobs.append(("--solution", args.cpp_dir / f"solution_{name}", f"cpp-{name}", exp,
                     TIMEOUT, ()))
    for name, exp in PY.items():
        jobs.append(("--python", args.python_dir / f"{name}.py", f"python-{name}", exp,
                     TIMEOUT, ()))
    for name, (timeout, extra, exp) in TOTAL.items():
        jobs.append(("--solution", args.cpp_dir / f"solution_{name}", f"cpp-{name}-total", exp,
                     timeout, extra))
    if args.only:
        jobs = [j for j in jobs if j[2] in args.only]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {pool.submit(check, args.bin, flag, target, args.workdir, name, exp, timeout,
                               extra): name
                   for flag, target, name, exp, timeout, extra in jobs}
        for f in concurrent.futures.as_completed(futures):
            problems = f.result()
            print(f"{'FAIL' if problems else 'ok  '} {futures[f]}", flush=True)
            failures += problems
    for p in failures:
        print(p, file=sys.stderr)
    print(f"{len(jobs) - len({p.split(']')[0] for p in failures})} of {len(jobs)} examples "
          f"graded as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
