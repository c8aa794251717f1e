#!/usr/bin/env python3
"""`w2v-gradcheck grade` on every example solution, as a course would run it.

For each example (C++ programs built from examples/solutions/, CS224n-style
Python files from examples/solutions/python/) the real CLI grades it with all
five reports; the test asserts, from the JSON report:

  * the exit status (0 all passed, 1 some failed),
  * exactly which checks fail (no more, no fewer),
  * each failing check's hint names the expected mistake,
  * misbehaving solutions (crash, hang, memory, garbage, early exit) are
    handled within their time limits and every report is still written.

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
import time

NAIVE = ["b.naive.dv_c", "c.naive.du_o", "c.naive.du_w", "c.naive.dU",
         "f.naive.dU", "f.naive.dv_c", "f.naive.dv_w"]
NEG = ["e.neg.dv_c", "e.neg.du_o", "e.neg.du_k", "e.neg.dU",
       "f.neg.dU", "f.neg.dv_c", "f.neg.dv_w"]
SKIPGRAM = [c for c in NAIVE + NEG if c.startswith("f.")]
ALL = sorted(NAIVE + NEG + ["d.sigmoid.grad"])

# name -> (failing checks, {check or "*": hint substring}, max seconds)
# "*" applies to every failing check without its own entry.
CPP = {
    "correct": ([], {}, 60),
    "prints": ([], {}, 60),
    "template": (ALL, {"*": "not implemented"}, 30),
    "sign_flip": (["b.naive.dv_c", "f.naive.dv_c"], {"*": "sign flipped"}, 60),
    "transposed": (NAIVE, {"*": "transposed"}, 60),
    "missing_normaliser": ([c for c in NAIVE if c != "f.naive.dv_w"],
                           {"*": "missing softmax normaliser"}, 60),
    "one_row_wrong": (["c.naive.du_o", "c.naive.dU", "f.naive.dU"],
                      {"*": "−y term is missing"}, 60),
    "float32": (NAIVE, {"*": "single precision"}, 60),
    "mutates_input": (NAIVE, {"*": "mutated in place"}, 60),
    "nan": (["b.naive.dv_c", "f.naive.dv_c"], {"*": "NaN"}, 60),
    "wrong_shape": (NAIVE, {"*": "shape"}, 60),
    "dropped_repeats": (["e.neg.du_k", "e.neg.dU", "f.neg.dU"],
                        {"*": "repeated negative samples counted once"}, 60),
    "scaled": (["e.neg.du_o", "e.neg.dU", "f.neg.dU"],
               {"e.neg.du_o": "scaled by a constant: the gradient is 2 ×",
                "*": "only some rows wrong: row"}, 60),
    "crasher": (NAIVE, {"*": "crashes (SIGSEGV)"}, 30),
    # One timeout per hanging function: neg sampling, and skipgram with it.
    "hanger": (NEG, {"*": "timed out"}, 2 * 2 + 30),
    "memory_hog": (NEG, {"*": "exhausts memory"}, 60),
    "garbage": (SKIPGRAM, {"*": "garbage"}, 30),
    "early_exit": (SKIPGRAM, {"*": "exits before replying"}, 30),
}

PY = {
    "correct": ([], {}, 60),
    "lists": ([], {}, 60),
    "prints": ([], {}, 120),
    "sign_error": (["b.naive.dv_c", "f.naive.dv_c"], {"*": "sign flipped"}, 60),
    "transposed": (NAIVE, {"*": "transposed"}, 60),
    "missing_normaliser": ([c for c in NAIVE if c != "f.naive.dv_w"],
                           {"*": "missing softmax normaliser"}, 60),
    "dropped_repeats": (["e.neg.du_k", "e.neg.dU", "f.neg.dU"],
                        {"*": "repeated negative samples counted once"}, 60),
    # No sigmoid_grad in the course's file: d is skipped, not failed.
    "float32": (NAIVE + NEG, {"*": "single precision"}, 60),
    "np_random": (NEG, {"*": "dataset.sampleTokenIdx()"}, 60),
    "syntax_error": (ALL, {"*": "does not start"}, 30),
    "raises": (NEG, {"*": "raises an exception"}, 60),
    "mutates": (NAIVE, {"*": "mutated in place"}, 60),
    "wrong_tuple": (NAIVE, {"b.naive.dv_c": "wrong type or tuple size",
                            "c.naive.du_o": "wrong type or tuple size",
                            "c.naive.du_w": "wrong type or tuple size",
                            "c.naive.dU": "wrong type or tuple size",
                            "*": "exception"}, 60),
    "missing_function": (NEG, {"*": "not implemented"}, 60),
    "hangs": (SKIPGRAM, {"*": "timed out"}, 2 * 2 + 40),
}


def grade(binary, flag, target, workdir, name):
    out = workdir / name
    out.mkdir(parents=True, exist_ok=True)
    cmd = [str(binary), "grade", flag, str(target), "--seed", "42", "--shapes", "12",
           "--timeout", "2", "--color", "never",
           "--json", str(out / "report.json"), "--html", str(out / "report.html"),
           "--junit", str(out / "junit.xml"), "--gradescope", str(out / "results.json")]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=600)
    return cmd, proc, time.monotonic() - start, out


def check(binary, flag, target, workdir, name, expectation):
    failing, hints, max_seconds = expectation
    cmd, proc, seconds, out = grade(binary, flag, target, workdir, name)
    problems = []
    where = f"[{name}] {' '.join(cmd)}"
    expected_exit = 1 if failing else 0
    if proc.returncode != expected_exit:
        problems.append(f"exit {proc.returncode}, expected {expected_exit}\n{proc.stdout[-3000:]}\n{proc.stderr[-2000:]}")
    if seconds > max_seconds:
        problems.append(f"took {seconds:.1f} s, limit {max_seconds} s")
    for report in ("report.json", "report.html", "junit.xml", "results.json"):
        if not (out / report).is_file() or (out / report).stat().st_size == 0:
            problems.append(f"{report} was not written")
    try:
        run = json.loads((out / "report.json").read_text())
    except (OSError, ValueError) as e:
        return [f"{where}: unreadable JSON report: {e}"] + problems
    got = sorted(c["id"] for c in run["checks"] if c["status"] == "failed")
    if got != sorted(failing):
        problems.append(f"failing checks {got}, expected {sorted(failing)}")
    for c in run["checks"]:
        if c["status"] != "failed" or c["id"] not in failing:
            continue
        want = hints.get(c["id"], hints.get("*"))
        if want and (c["hint"] is None or want not in c["hint"]):
            worst = c["worst_case"]
            problems.append(f"{c['id']}: hint {c['hint']!r} does not contain {want!r} "
                            f"(worst case {worst})")
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
        jobs.append(("--solution", args.cpp_dir / f"solution_{name}", f"cpp-{name}", exp))
    for name, exp in PY.items():
        jobs.append(("--python", args.python_dir / f"{name}.py", f"python-{name}", exp))
    if args.only:
        jobs = [j for j in jobs if j[2] in args.only]
    failures = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {pool.submit(check, args.bin, flag, target, args.workdir, name, exp): name
                   for flag, target, name, exp in jobs}
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
