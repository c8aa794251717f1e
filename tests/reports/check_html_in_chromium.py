#!/usr/bin/env python3
"""The HTML report as a browser sees it.

Runs the real CLI twice with --html (the reference, which must exit 0, and the
sign-flip mistake with --shapes 20, which must exit 1), loads each page in
headless Chromium from file://, and checks the rendered DOM (--dump-dom): the
verdict, one row per check (red, failed rows in the failing run), the page's
script ran to its end (it sets <html data-ready="1">) and threw nothing
("Uncaught" in Chromium's log), and that clicking a column header sorts the
table and the "failed" filter shows only failed rows. Screenshots at 1280 px and 390 px wide go to
the work directory for people to look at.

    check_html_in_chromium.py --bin build/w2v-gradcheck --workdir build/tests/reports_html_chromium
"""
import argparse
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless, as root, and quiet: without the background-networking flags
# Chromium tries the network at start and fails noisily.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--force-device-scale-factor=1",
    "--enable-logging=stderr", "--v=0",
]
TIMEOUT = 90  # seconds per Chromium or CLI run

failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, file=sys.stderr)


def find_chromium(explicit):
    for candidate in ([explicit] if explicit else []) + [os.environ.get("CHROMIUM", "")] + list(CHROMIUM_NAMES):
        if candidate:
            path = shutil.which(candidate)
            if path:
                return path
    return None


def chromium(browser, url, *extra):
    """Runs Chromium on url with a fresh profile; returns (stdout, stderr)."""
    profile = tempfile.mkdtemp(prefix="w2v-chromium-")
    try:
        proc = subprocess.run([browser, *CHROMIUM_FLAGS, "--user-data-dir=" + profile, *extra, url],
                              capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
        return proc.stdout, proc.stderr
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def run_cli(binary, args, expect_rc, page):
    cmd = [binary, *args, "--html", page]
    proc = subprocess.run(cmd, capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
    if proc.returncode != expect_rc:
        hint = ""
        if proc.returncode == 2 and "--html" in proc.stderr:
            hint = "\n(this w2v-gradcheck does not accept --html FILE: the report cannot be written)"
        fail(f"{' '.join(cmd)} exited {proc.returncode}, expected {expect_rc}\n"
             f"stderr: {proc.stderr.strip()[-2000:]}{hint}")
        return False
    if not os.path.isfile(page) or os.path.getsize(page) == 0:
        fail(f"{' '.join(cmd)} wrote no report to {page}")
        return False
    return True


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


# Appended to a copy of a page: clicks the "Max abs" header and the "failed"
# filter the way a reader would, and records whether the table obeyed.
INTERACTION_PROBE = """<script>
(function () {
  var t = document.getElementById("checks-table");
  var rows = function () { return Array.prototype.slice.call(t.tBodies[0].rows); };
  var col = Array.prototype.findIndex.call(t.tHead.rows[0].cells,
                                           function (c) { return c.textContent.indexOf("Max abs") === 0; });
  t.tHead.rows[0].cells[col].click();
  var keys = rows().map(function (r) { var x = Number(r.cells[col].getAttribute("data-v")); return isNaN(x) ? Infinity : x; });
  var sorted = keys.every(function (v, i) { return i === 0 || keys[i - 1] <= v; });
  document.querySelector('#status-filter button[data-filter="failed"]').click();
  var shown = rows().filter(function (r) { return !r.hidden; });
  var failed = rows().filter(function (r) { return r.getAttribute("data-status") === "failed"; });
  var filtered = shown.length === failed.length && shown.every(function (r) { return r.getAttribute("data-status") === "failed"; });
  document.documentElement.setAttribute("data-probe", (sorted ? "sorted" : "unsorted") + " " + (filtered ? "filtered" : "unfiltered"));
})();
</script>"""


def check_interaction(browser, page, name, workdir):
    with open(page, encoding="utf-8") as f:
        html = f.read()
    probe_page = os.path.join(workdir, name + ".probe.html")
    with open(probe_page, "w", encoding="utf-8") as f:
        f.write(html.replace("</body>", INTERACTION_PROBE + "\n</body>", 1))
    dom, log = chromium(browser, "file://" + os.path.abspath(probe_page), "--dump-dom")
    html_tag = re.search(r"<html\b[^>]*>", dom)
    probe = re.search(r'data-probe="([^"]*)"', html_tag.group(0)) if html_tag else None
    if not probe:
        errors = [line.strip() for line in log.splitlines() if "Uncaught" in line]
        fail(f"{name}: the sort/filter probe did not run: {errors or 'no result on <html>'}")
    elif probe.group(1) != "sorted filtered":
        fail(f"{name}: clicking 'Max abs' and the 'failed' filter gave: {probe.group(1)}")


def check_page(browser, page, name, check_ids, expect_passed, workdir):
    url = "file://" + os.path.abspath(page)
    dom, log = chromium(browser, url, "--dump-dom")
    with open(os.path.join(workdir, name + ".dom.html"), "w", encoding="utf-8") as f:
        f.write(dom)
    with open(os.path.join(workdir, name + ".chromium.log"), "w", encoding="utf-8") as f:
        f.write(log)
    where = f"{name} ({page})"
    if not dom.strip():
        fail(f"{where}: Chromium dumped no DOM; its log:\n{log[-3000:]}")
        return
    for line in log.splitlines():
        if "Uncaught" in line or ("CONSOLE" in line and "rror" in line):
            fail(f"{where}: script error in Chromium's log: {line.strip()}")
    html_tag = re.search(r"<html\b[^>]*>", dom)
    if not html_tag or 'data-ready="1"' not in html_tag.group(0):
        fail(f"{where}: the page script did not finish (<html> lacks data-ready=\"1\": "
             f"{html_tag.group(0) if html_tag else 'no <html> tag'})")

    verdict = "passed" if expect_passed else "failed"
    word = "PASSED" if expect_passed else "FAILED"
    banner = re.search(r'<div class="banner (\w+)" id="verdict" data-verdict="(\w+)">(.*?)</div>', dom, re.S)
    if not banner:
        fail(f"{where}: no verdict banner in the rendered page")
    elif banner.group(1) != verdict or banner.group(2) != verdict or word not in banner.group(3):
        fail(f"{where}: verdict banner says {banner.group(0)[:200]!r}, expected {word}")
    other = "FAILED" if expect_passed else "PASSED"
    if f"{other}</span>" in dom:
        fail(f"{where}: the page also says {other}")

    rows = re.findall(r'<tr class="(check-row[^"]*)" data-status="(\w+)" data-check="([^"]*)"', dom)
    ids = [r[2] for r in rows]
    if sorted(ids) != sorted(check_ids):
        fail(f"{where}: expected one row per check {check_ids}, got {ids}")
    red = [r[2] for r in rows if "row-failed" in r[0]]
    failed = [r[2] for r in rows if r[1] == "failed"]
    if red != failed:
        fail(f"{where}: red rows {red} are not the failed rows {failed}")
    if expect_passed and failed:
        fail(f"{where}: passing run shows failed checks {failed}")
    if not expect_passed and not failed:
        fail(f"{where}: failing run shows no failed check")
    for r in rows:
        badge = "FAIL" if r[1] == "failed" else "PASS"
        row_html = re.search(r'data-check="' + re.escape(r[2]) + r'">(.*?)</tr>', dom, re.S)
        if r[1] == "failed" and row_html and "FAIL" not in row_html.group(1) and "ERROR" not in row_html.group(1):
            fail(f"{where}: failed row {r[2]} has no FAIL/ERROR badge text")
        if r[1] == "passed" and row_html and badge not in row_html.group(1):
            fail(f"{where}: passed row {r[2]} has no PASS badge text")
    sections = re.findall(r'<section class="check (\w+)" id="([^"]+)" data-check="([^"]*)">', dom)
    if sorted(s[2] for s in sections) != sorted(check_ids):
        fail(f"{where}: expected one detail section per check, got {[s[2] for s in sections]}")
    svgs = len(re.findall(r"<svg\b", dom))
    if svgs != 2 * len(check_ids):
        fail(f"{where}: expected {2 * len(check_ids)} SVG plots (two per check), found {svgs}")
    if 'id="status-filter"' in dom and re.search(r'id="status-filter"[^>]*\shidden', dom):
        fail(f"{where}: the filter buttons stayed hidden: the script did not reveal them")
    for banned in ("http://", "https://"):
        if banned in dom:
            fail(f"{where}: the page contains {banned!r}; it must be self-contained")

    # Tall enough to show the header, the table and the first check's plots.
    for width, height in ((1280, 2400), (390, 3300)):
        shot = os.path.join(workdir, f"{name}-{width}.png")
        if os.path.exists(shot):
            os.remove(shot)
        chromium(browser, url, f"--window-size={width},{height}", "--screenshot=" + shot)
        size = png_size(shot) if os.path.exists(shot) else None
        if size is None:
            fail(f"{where}: no screenshot at {width} px ({shot})")
        elif size[0] != width:
            fail(f"{where}: screenshot {shot} is {size[0]} px wide, expected {width}")
        else:
            print(f"screenshot: {shot} ({size[0]}x{size[1]})")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="the w2v-gradcheck binary")
    ap.add_argument("--workdir", required=True, help="where reports, DOM dumps and screenshots go")
    ap.add_argument("--chromium", help="Chromium binary (default: $CHROMIUM, then chromium on PATH)")
    args = ap.parse_args()

    browser = find_chromium(args.chromium)
    if browser is None:
        print("FAIL: Chromium not found (tried --chromium, $CHROMIUM, " + ", ".join(CHROMIUM_NAMES) + "). "
              "Install it with `apt-get install chromium` (scripts/setup-debian.sh) or point $CHROMIUM at it.",
              file=sys.stderr)
        return 1
    os.makedirs(args.workdir, exist_ok=True)

    listing = subprocess.run([args.bin, "--list"], capture_output=True, text=True, timeout=TIMEOUT)
    check_ids = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    if listing.returncode != 0 or not check_ids:
        print(f"FAIL: {args.bin} --list gave no checks (exit {listing.returncode})", file=sys.stderr)
        return 1

    runs = [
        ("report-passing", ["--shapes", "60"], 0, True),
        ("report-failing", ["--inject-mistake", "sign_flip", "--shapes", "20"], 1, False),
    ]
    for name, cli_args, rc, passed in runs:
        page = os.path.join(args.workdir, name + ".html")
        if os.path.exists(page):
            os.remove(page)
        if run_cli(args.bin, cli_args, rc, page):
            check_page(browser, page, name, check_ids, passed, args.workdir)
            if not passed:
                check_interaction(browser, page, name, args.workdir)

    if failures:
        print(f"\n{len(failures)} problem(s) with the HTML report in Chromium; see above "
              f"(DOM dumps and logs in {args.workdir})", file=sys.stderr)
        return 1
    print(f"HTML report OK in {browser} for both runs ({len(check_ids)} checks); screenshots in {args.workdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
