#!/usr/bin/env python3
"""Validates the machine-readable reports of w2v-gradcheck with external tools.

Runs the CLI on the reference (expects exit 0) and with --inject-mistake
sign_flip (expects exit 1), each time writing --json, --junit and --gradescope,
then checks
  (a) the JSON report against reports/schema/report.schema.json (jsonschema),
      strict JSON (no NaN/Infinity tokens), and its own counts;
  (b) the JUnit XML with xml.etree: <testsuites>/<testsuite>/<testcase>, every
      testcase has name, classname and a decimal time, tests/failures/errors/
      skipped equal the children;
  (c) the Gradescope results.json: the keys Gradescope reads, 0 <= score <=
      max_score, total score == sum of the test scores;
  (d) that the three agree: same check ids in the same order, same pass/fail
      per check and per case, same case counts, scores = weight x passed/run;
and finally re-runs one failing case by its JSON "reproduce" command and expects
the same worst entry.

  validate_reports.py --bin build/w2v-gradcheck --schema reports/schema/report.schema.json --workdir /tmp/mr
  validate_reports.py --schema ... --files report.json junit.xml results.json [--weights b=2] [--expect-verdict failed]
"""
import argparse
import re
import json
import math
import os
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET

try:
    import jsonschema
except ImportError:
    sys.exit("validate_reports.py: the Python module jsonschema is missing; "
             "install it with: apt-get install -y python3-jsonschema")

SHAPES = "14"  # the 12 edge shapes (V=1 skips included) and two sampled ones
WEIGHTS = "b=2,f.neg=0.5,*=1"

GRADESCOPE_TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format",
                       "test_name_format", "visibility", "stdout_visibility", "extra_data",
                       "tests", "leaderboard"}
GRADESCOPE_TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number",
                        "output", "output_format", "tags", "visibility", "extra_data"}


class Problems:
    def __init__(self):
        self.items = []

    def check(self, ok, where, message):
        if not ok:
            self.items.append(f"{where}: {message}")
        return ok


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def load_strict_json(path):
    def reject(token):
        raise ValueError(f"{path}: non-standard JSON token {token}")
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=reject)


def weight_for(weights, check_id):
    """Longest dotted prefix wins, as GradescopeWeights::weight_for."""
    best, weight = -1, weights.get("*", 1.0)
    for key, w in weights.items():
        if key == "*":
            continue
        if (check_id == key or check_id.startswith(key + ".")) and len(key) > best:
            best, weight = len(key), w
    return weight


def parse_weights(spec):
    out = {}
    for item in "".join(spec.split()).split(","):
        if item:
            key, value = item.split("=")
            out[key] = float(value)
    return out


# (a) ----------------------------------------------------------------------
def validate_json(report, schema, p):
    validator = jsonschema.Draft202012Validator(schema)
    for err in sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(x) for x in err.absolute_path)
        p.check(False, f"json /{path}", err.message[:300])
    if not validator.is_valid(report):
        return  # the semantic checks below rely on the structure
    totals = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
    failed_checks = 0
    for check in report["checks"]:
        where = f"json check {check.get('id')}"
        tally = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
        for case in check["cases"]:
            tally[case["status"]] += 1
        counts = check["counts"]
        p.check(counts["total"] == len(check["cases"]), where, "counts.total != number of cases")
        for status, n in tally.items():
            p.check(counts[status] == n, where, f"counts.{status}={counts[status]} but {n} cases")
            totals[status] += n
        bad = tally["failed"] + tally["error"]
        p.check(check["status"] == ("failed" if bad else "passed"), where, "status disagrees with counts")
        failed_checks += bool(bad)
        indices = [c["index"] for c in check["cases"]]
        if check["worst_case"] is not None:
            p.check(check["worst_case"] in indices, where, "worst_case is not one of its cases")
        if check["h_sweep"] is not None:
            p.check(check["h_sweep"]["case_index"] in indices, where, "h_sweep.case_index unknown")
    s = report["summary"]
    p.check(s["checks"] == len(report["checks"]), "json summary", "checks != number of checks")
    p.check(s["failed"] == failed_checks, "json summary", "failed != failed checks")
    p.check(s["passed"] == len(report["checks"]) - failed_checks, "json summary", "passed wrong")
    for status in totals:
        key = "cases_error" if status == "error" else f"cases_{status}"
        p.check(s[key] == totals[status], "json summary", f"{key}={s[key]}, cases say {totals[status]}")
    p.check(s["verdict"] == ("failed" if failed_checks else "passed"), "json summary", "verdict wrong")


# (b) ----------------------------------------------------------------------
def validate_junit(root, p):
    if not p.check(root.tag == "testsuites", "junit", f"root is <{root.tag}>, not <testsuites>"):
        return
    total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root:
        if not p.check(suite.tag == "testsuite", "junit", f"<{suite.tag}> under <testsuites>"):
            continue
        where = f"junit testsuite {suite.get('name')}"
        p.check(bool(suite.get("name")), where, "no name")
        cases = [c for c in suite if c.tag == "testcase"]
        p.check(all(c.tag in ("testcase", "properties", "system-out", "system-err") for c in suite),
                where, "unexpected child element")
        seen = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
        names = set()
        for case in cases:
            cw = f"{where} testcase {case.get('name')}"
            for attr in ("name", "classname", "time"):
                p.check(case.get(attr) not in (None, ""), cw, f"missing {attr}")
            try:
                p.check(float(case.get("time", "x")) >= 0 and "e" not in case.get("time").lower(),
                        cw, "time is not a non-negative decimal")
            except ValueError:
                p.check(False, cw, f"time {case.get('time')!r} is not a number")
            p.check(case.get("name") not in names, cw, "duplicate testcase name in suite")
            names.add(case.get("name"))
            outcome = [c for c in case if c.tag in ("failure", "error", "skipped")]
            p.check(len(outcome) <= 1, cw, "more than one of failure/error/skipped")
            for o in outcome:
                if o.tag in ("failure", "error"):
                    p.check(bool(o.get("message")), cw, f"<{o.tag}> without message")
                    p.check(re.search(r"reproduce: \S*w2v-gradcheck --seed", o.text or "") is not None, cw,
                            f"<{o.tag}> body has no reproduce command")
                seen[{"failure": "failures", "error": "errors", "skipped": "skipped"}[o.tag]] += 1
        for key, n in seen.items():
            p.check(suite.get(key) == str(n), where, f"{key}={suite.get(key)} but {n} children")
            total[key] += n
    for key, n in total.items():
        p.check(root.get(key) == str(n), "junit testsuites", f"{key}={root.get(key)}, suites say {n}")


# (c) ----------------------------------------------------------------------
def validate_gradescope(results, p):
    where = "gradescope"
    if not p.check(isinstance(results, dict), where, "not an object"):
        return
    p.check(set(results) <= GRADESCOPE_TOP_KEYS, where, f"unknown keys {set(results) - GRADESCOPE_TOP_KEYS}")
    for key, kind in (("score", is_number), ("execution_time", is_number),
                      ("output", lambda v: isinstance(v, str)), ("tests", lambda v: isinstance(v, list))):
        p.check(key in results and kind(results[key]), where, f"'{key}' missing or of the wrong type")
    tests = results.get("tests", [])
    total = 0.0
    for i, t in enumerate(tests):
        tw = f"gradescope test {i} ({t.get('name')})"
        p.check(set(t) <= GRADESCOPE_TEST_KEYS, tw, f"unknown keys {set(t) - GRADESCOPE_TEST_KEYS}")
        for key in ("name", "output", "status"):
            p.check(isinstance(t.get(key), str), tw, f"'{key}' missing or not a string")
        for key in ("score", "max_score"):
            p.check(is_number(t.get(key)), tw, f"'{key}' missing or not a number")
        p.check(t.get("status") in ("passed", "failed"), tw, f"status {t.get('status')!r}")
        if is_number(t.get("score")) and is_number(t.get("max_score")):
            p.check(0 <= t["score"] <= t["max_score"], tw, "score outside [0, max_score]")
            total += t["score"]
    if is_number(results.get("score")):
        p.check(math.isclose(results["score"], total, rel_tol=1e-12, abs_tol=1e-12), where,
                f"score {results['score']} != sum of test scores {total}")


# (d) ----------------------------------------------------------------------
def cross_check(report, junit, results, weights, p):
    checks = report["checks"]
    suites = [s for s in junit if s.tag == "testsuite"]
    tests = results["tests"]
    ids = [c["id"] for c in checks]
    p.check(ids == [s.get("name") for s in suites], "agreement", "JSON and JUnit check ids differ")
    p.check(ids == [t["name"].split(": ", 1)[0] for t in tests], "agreement",
            "JSON and Gradescope check ids differ")
    p.check(len(ids) > 0, "agreement", "no checks at all")
    for check, suite, test in zip(checks, suites, tests):
        where = f"agreement {check['id']}"
        n = check["counts"]
        junit_counts = {k: int(suite.get(k)) for k in ("tests", "failures", "errors", "skipped")}
        p.check(junit_counts == {"tests": n["total"], "failures": n["failed"], "errors": n["error"],
                                 "skipped": n["skipped"]}, where, f"counts {n} vs JUnit {junit_counts}")
        junit_status = "failed" if junit_counts["failures"] + junit_counts["errors"] else "passed"
        p.check(check["status"] == junit_status == test["status"], where,
                f"status JSON {check['status']}, JUnit {junit_status}, Gradescope {test['status']}")
        cases = [c for c in suite if c.tag == "testcase"]
        for case, tc in zip(check["cases"], cases):
            outcome = [c.tag for c in tc if c.tag in ("failure", "error", "skipped")]
            expected = {"passed": [], "failed": ["failure"], "error": ["error"], "skipped": ["skipped"]}
            p.check(outcome == expected[case["status"]], where,
                    f"case {case['index']}: JSON {case['status']}, JUnit {outcome}")
            p.check(tc.get("name", "").startswith(f"case {case['index']} "), where,
                    f"case {case['index']}: JUnit name {tc.get('name')!r}")
            if case["reproduce"]:
                body = "".join(e.text or "" for e in tc)
                p.check(case["reproduce"] in body, where, f"case {case['index']}: reproduce differs")
        w = weight_for(weights, check["id"])
        ran = n["total"] - n["skipped"]
        score = w if ran == 0 else w * n["passed"] / ran
        p.check(test["max_score"] == w, where, f"max_score {test['max_score']}, weight {w}")
        p.check(math.isclose(test["score"], score, rel_tol=1e-12, abs_tol=1e-12), where,
                f"Gradescope score {test['score']}, JSON counts give {score}")


def validate_files(json_path, junit_path, gradescope_path, schema, weights, p, expect_verdict=None):
    try:
        report = load_strict_json(json_path)
    except (OSError, ValueError) as e:
        p.check(False, "json", str(e))
        return None
    try:
        junit = ET.parse(junit_path).getroot()
    except (OSError, ET.ParseError) as e:
        p.check(False, "junit", f"not well-formed XML: {e}")
        return None
    try:
        results = load_strict_json(gradescope_path)
    except (OSError, ValueError) as e:
        p.check(False, "gradescope", str(e))
        return None
    before = len(p.items)
    validate_json(report, schema, p)
    validate_junit(junit, p)
    validate_gradescope(results, p)
    if len(p.items) == before:  # structure is sound: compare the three
        cross_check(report, junit, results, weights, p)
    if expect_verdict is not None:
        p.check(report.get("summary", {}).get("verdict") == expect_verdict, "json summary",
                f"verdict {report.get('summary', {}).get('verdict')!r}, expected {expect_verdict!r}")
    return report


def run_cli(binary, args, expect_exit, p, label):
    cmd = [binary] + args
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    p.check(proc.returncode == expect_exit, label,
            f"`{shlex.join(cmd)}` exited {proc.returncode}, expected {expect_exit}\n"
            f"stdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}")
    return proc.returncode == expect_exit


def outputs(workdir, name):
    return tuple(os.path.join(workdir, f"{name}.{ext}") for ext in ("json", "junit.xml", "gradescope.json"))


def report_flags(paths, weights):
    return ["--json", paths[0], "--junit", paths[1], "--gradescope", paths[2], "--weights", weights]


def run_and_validate(args, schema, p):
    os.makedirs(args.workdir, exist_ok=True)
    weights = parse_weights(WEIGHTS)
    reports = {}
    for name, extra, code, verdict in (("reference", [], 0, "passed"),
                                       ("sign_flip", ["--inject-mistake", "sign_flip"], 1, "failed")):
        paths = outputs(args.workdir, name)
        for path in paths:
            if os.path.exists(path):
                os.remove(path)
        if run_cli(args.bin, ["--shapes", SHAPES] + extra + report_flags(paths, WEIGHTS), code, p, name):
            before = len(p.items)
            reports[name] = validate_files(*paths, schema, weights, p, expect_verdict=verdict)
            p.items[before:] = [f"[{name}] {m}" for m in p.items[before:]]

    # The reproduce command of a failing case re-creates that case exactly.
    report = reports.get("sign_flip")
    if report and not p.items:
        failing = [(c, k) for c in report["checks"] for k in c["cases"] if k["status"] == "failed"]
        if p.check(bool(failing), "sign_flip", "no failing case to reproduce"):
            check, case = failing[len(failing) // 2]
            argv = shlex.split(case["reproduce"])
            p.check(os.path.basename(argv[0]) == "w2v-gradcheck", "reproduce",
                    f"command {case['reproduce']!r}")
            paths = outputs(args.workdir, "reproduce")
            if run_cli(args.bin, argv[1:] + report_flags(paths, WEIGHTS), 1, p, "reproduce"):
                again = validate_files(*paths, schema, weights, p, expect_verdict="failed")
                if again:
                    p.check([c["id"] for c in again["checks"]] == [check["id"]], "reproduce",
                            "re-run did not select exactly the check")
                    redo = again["checks"][0]["cases"]
                    p.check(len(redo) == 1 and redo[0]["index"] == case["index"]
                            and redo[0]["seed"] == case["seed"] and redo[0]["worst"] == case["worst"],
                            "reproduce", f"case differs:\n{redo}\nvs\n{case}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--schema", required=True)
    ap.add_argument("--bin", help="w2v-gradcheck to run")
    ap.add_argument("--workdir", help="where the CLI writes its reports")
    ap.add_argument("--files", nargs=3, metavar=("JSON", "JUNIT", "GRADESCOPE"),
                    help="validate these files instead of running the CLI")
    ap.add_argument("--weights", default="", help="the --weights the files were written with")
    ap.add_argument("--expect-verdict", choices=("passed", "failed"))
    args = ap.parse_args()

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)

    p = Problems()
    if args.files:
        validate_files(*args.files, schema, parse_weights(args.weights), p, args.expect_verdict)
    elif args.bin and args.workdir:
        run_and_validate(args, schema, p)
    else:
        ap.error("give --bin and --workdir, or --files")

    if p.items:
        print(f"{len(p.items)} problem(s):")
        for item in p.items[:200]:
            print(" -", item)
        return 1
    print("machine-readable reports: valid and in agreement")
    return 0


if __name__ == "__main__":
    sys.exit(main())
