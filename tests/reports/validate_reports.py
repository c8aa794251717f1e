#!/usr/bin/env python3
"""Validates the machine-readable reports of w2v-gradcheck with external tools.

Runs the CLI on the reference (expects exit 0) and with --inject-mistake
sign_flip (expects exit 1), each time writing --json, --junit, --gradescope and
--html in one run and capturing the console table, then checks
  (a) the JSON report against reports/schema/report.schema.json (jsonschema),
      strict JSON (no NaN/Infinity tokens), and its own counts;
  (b) the JUnit XML with xml.etree: <testsuites>/<testsuite>/<testcase>, every
      testcase has name, classname and a decimal time, tests/failures/errors/
      skipped equal the children;
  (c) the Gradescope results.json: the keys Gradescope reads, 0 <= score <=
      max_score, total score == sum of the test scores;
  (d) that the three agree: same check ids in the same order, same pass/fail
      per check and per case, same case counts, scores = weight x passed/run;
  (e) that the HTML page (html.parser) and the console table say the same as
      the JSON: verdict, per check status, cases ok/run and the printed
      errors, per case status, the summary line;
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
from html.parser import HTMLParser

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
        status = "failed" if bad else "skipped" if tally["skipped"] == len(check["cases"]) else "passed"
        p.check(check["status"] == status, where, "status disagrees with counts")
        failed_checks += bool(bad)
        indices = [c["index"] for c in check["cases"]]
        if check["worst_case"] is not None:
            p.check(check["worst_case"] in indices, where, "worst_case is not one of its cases")
        if check["h_sweep"] is not None:
            p.check(check["h_sweep"]["case_index"] in indices, where, "h_sweep.case_index unknown")
    s = report["summary"]
    p.check(s["checks"] == len(report["checks"]), "json summary", "checks != number of checks")
    p.check(s["failed"] == failed_checks, "json summary", "failed != failed checks")
    skipped_checks = sum(c["status"] == "skipped" for c in report["checks"])
    p.check(s["skipped"] == skipped_checks, "json summary", "skipped wrong")
    p.check(s["passed"] == len(report["checks"]) - failed_checks - skipped_checks, "json summary",
            "passed wrong")
    for status in totals:
        key = "cases_error" if status == "error" else f"cases_{status}"
        p.check(s[key] == totals[status], "json summary", f"{key}={s[key]}, cases say {totals[status]}")
    p.check(s["verdict"] == ("failed" if failed_checks or report["run"]["error"] else "passed"),
            "json summary", "verdict wrong")


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
                if o.tag in ("failure", "error") and o.get("type") != "usage":
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
        junit_status = ("failed" if junit_counts["failures"] + junit_counts["errors"]
                        else "skipped" if junit_counts["skipped"] == junit_counts["tests"] else "passed")
        # Gradescope has no "skipped": a check no case applies to is "passed", worth 0 of 0.
        p.check(check["status"] == junit_status and
                test["status"] == ("passed" if junit_status == "skipped" else junit_status), where,
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
        score = 0.0 if ran == 0 else w * n["passed"] / ran
        max_score = 0.0 if ran == 0 else w
        p.check(test["max_score"] == max_score, where, f"max_score {test['max_score']}, weight {w}")
        p.check(math.isclose(test["score"], score, rel_tol=1e-12, abs_tol=1e-12), where,
                f"Gradescope score {test['score']}, JSON counts give {score}")


# (e) ----------------------------------------------------------------------
class ReportPage(HTMLParser):
    """The verdict, the checks table and the case rows of a report page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.verdict = None
        self.rows = []         # (check id, data-status, [cell texts]) of the checks table
        self.case_rows = {}    # check id -> [(case index, data-status)]
        self.section = None    # check id of the <section class="check"> being read
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if a.get("id") == "verdict":
            self.verdict = a.get("data-verdict")
        if tag == "section" and "check" in classes:
            self.section = a.get("data-check")
            self.case_rows[self.section] = []
        if tag == "tr" and "check-row" in classes:
            self.row = (a.get("data-check"), a.get("data-status"), [])
        if tag == "tr" and "case-row" in classes and self.section is not None:
            self.case_rows[self.section].append((int(a.get("data-case")), a.get("data-status")))
        if tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self.row is not None and self.cell is not None:
            self.row[2].append("".join(self.cell).strip())
            self.cell = None
        if tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        if tag == "section":
            self.section = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def sci(v):
    """A JSON real as the reports print it (%.2e; inf and nan as words)."""
    if isinstance(v, str):
        return {"inf": "inf", "-inf": "-inf", "nan": "NaN"}[v]
    return f"{v:.2e}"


def check_numbers(check):
    """cases ok/run and the three error columns, as both tables print them."""
    n = check["counts"]
    compared = any(c["status"] in ("passed", "failed") for c in check["cases"])
    errors = [sci(check[k]) for k in ("max_abs_error", "max_rel_error", "max_reldiff")]
    return f"{n['passed']}/{n['total'] - n['skipped']}", errors if compared else ["–"] * 3


CONSOLE_ROW = re.compile(r"^(PASS|FAIL|SKIP)\s+(\S+)\s+(\d+/\d+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)$")


def cross_check_views(report, html_text, console, p):
    page = ReportPage()
    page.feed(html_text)
    checks = report["checks"]
    verdict = report["summary"]["verdict"]
    p.check(page.verdict == verdict, "html", f"verdict {page.verdict!r}, JSON {verdict!r}")
    p.check([r[0] for r in page.rows] == [c["id"] for c in checks], "html",
            f"check rows {[r[0] for r in page.rows]} vs JSON {[c['id'] for c in checks]}")
    console_rows = {}
    for line in console.splitlines():
        m = CONSOLE_ROW.match(line)
        if m:
            console_rows[m.group(2)] = m.groups()
    p.check(list(console_rows) == [c["id"] for c in checks], "console",
            f"table rows {list(console_rows)} vs JSON {[c['id'] for c in checks]}")
    for check, row in zip(checks, page.rows):
        where = f"html {check['id']}"
        ok_run, errors = check_numbers(check)
        p.check(row[1] == check["status"], where, f"status {row[1]!r}, JSON {check['status']!r}")
        cells = row[2]
        p.check(len(cells) == 7 and cells[3] == ok_run and cells[4:7] == errors, where,
                f"cells {cells[3:]} vs JSON {ok_run} {errors}")
        shown = page.case_rows.get(check["id"], [])
        by_index = {c["index"]: c["status"] for c in check["cases"]}
        for index, status in shown:
            p.check(by_index.get(index) == status, where,
                    f"case {index}: HTML {status!r}, JSON {by_index.get(index)!r}")
        shown_indices = {i for i, _ in shown}
        for c in check["cases"]:
            if c["status"] in ("failed", "error"):
                p.check(c["index"] in shown_indices, where, f"failing case {c['index']} not shown")
        c_row = console_rows.get(check["id"])
        if c_row is None:
            continue
        where = f"console {check['id']}"
        word = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[check["status"]]
        entries = sum(c["checked"] for c in check["cases"])
        floor = max((c["max_error_floor"] for c in check["cases"] if not isinstance(c["max_error_floor"], str)),
                    default=0.0)
        p.check(c_row[0] == word and c_row[2] == ok_run and int(c_row[3]) == entries, where,
                f"{c_row[:4]} vs JSON {word} {ok_run} {entries} entries")
        expect_floor = sci(floor) if errors[0] != "–" else "–"
        p.check(list(c_row[4:7]) == errors and c_row[7] == expect_floor, where,
                f"errors {c_row[4:]} vs JSON {errors} floor {expect_floor}")
    s = report["summary"]
    summary = f"{s['passed']} passed, {s['failed']} failed"
    p.check(re.search(rf"^{summary}(, {s['skipped']} skipped.*)?$", console, re.M) is not None,
            "console", f"no summary line '{summary}'")


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
    """Runs the CLI; returns its stdout when it exits as expected, else None."""
    cmd = [binary] + args
    # A generous cap against a hung CI job, not a speed test (runs take ~1 s).
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600,
                          env=dict(os.environ, NO_COLOR="1"))
    p.check(proc.returncode == expect_exit, label,
            f"`{shlex.join(cmd)}` exited {proc.returncode}, expected {expect_exit}\n"
            f"stdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}")
    return proc.stdout if proc.returncode == expect_exit else None


def outputs(workdir, name):
    return tuple(os.path.join(workdir, f"{name}.{ext}")
                 for ext in ("json", "junit.xml", "gradescope.json", "html"))


def report_flags(paths, weights):
    return ["--json", paths[0], "--junit", paths[1], "--gradescope", paths[2], "--html", paths[3],
            "--weights", weights]


def run_and_validate(args, schema, p):
    os.makedirs(args.workdir, exist_ok=True)
    weights = parse_weights(WEIGHTS)
    reports = {}
    # "skipped": case 0 has V = 1, so c.naive.du_w (a word other than o) has nothing to check.
    for name, extra, code, verdict in (("reference", [], 0, "passed"),
                                       ("sign_flip", ["--inject-mistake", "sign_flip"], 1, "failed"),
                                       ("skipped", ["--only", "c.naive.du_w,b", "--case", "0"], 0,
                                        "passed")):
        paths = outputs(args.workdir, name)
        for path in paths:
            if os.path.exists(path):
                os.remove(path)
        console = run_cli(args.bin, ["--shapes", SHAPES] + extra + report_flags(paths, WEIGHTS),
                          code, p, name)
        if console is not None:
            before = len(p.items)
            reports[name] = validate_files(*paths[:3], schema, weights, p, expect_verdict=verdict)
            if reports[name] is not None and len(p.items) == before:
                with open(paths[3], encoding="utf-8") as f:
                    cross_check_views(reports[name], f.read(), console, p)
            if name == "skipped" and reports[name] is not None:
                p.check(reports[name]["summary"]["skipped"] == 1, "summary",
                        "c.naive.du_w at case 0 (V = 1) should be the one skipped check")
            p.items[before:] = [f"[{name}] {m}" for m in p.items[before:]]

    # A usage error: exit 2, no check ran, and every report still says why.
    paths = outputs(args.workdir, "usage_error")
    for path in paths:
        if os.path.exists(path):
            os.remove(path)
    if run_cli(args.bin, ["--only", "nope"] + report_flags(paths, WEIGHTS), 2, p, "usage_error") is not None:
        try:
            report = load_strict_json(paths[0])
            validate_json(report, schema, p)
            p.check(report["summary"]["verdict"] == "failed" and report["checks"] == [] and
                    "no check matches 'nope'" in (report["run"]["error"] or ""), "usage_error",
                    f"JSON {report['summary']} error {report['run']['error']!r}")
            junit = ET.parse(paths[1]).getroot()
            validate_junit(junit, p)
            p.check(junit.get("errors") == "1", "usage_error", "JUnit does not count one error")
            results = load_strict_json(paths[2])
            validate_gradescope(results, p)
            p.check(results["score"] == 0 and "could not run: no check matches 'nope'" in results["output"],
                    "usage_error", f"Gradescope output {results['output'][:200]!r}")
            with open(paths[3], encoding="utf-8") as f:
                page = ReportPage()
                page.feed(f.read())
            p.check(page.verdict == "failed", "usage_error", f"HTML verdict {page.verdict!r}")
        except (OSError, ValueError, ET.ParseError, KeyError) as e:
            p.check(False, "usage_error", f"report missing or unreadable: {e}")

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
            if run_cli(args.bin, argv[1:] + report_flags(paths, WEIGHTS), 1, p, "reproduce") is not None:
                again = validate_files(*paths[:3], schema, weights, p, expect_verdict="failed")
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
