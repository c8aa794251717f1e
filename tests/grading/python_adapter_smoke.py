#!/usr/bin/env python3
"""Drives checks/solution/python/w2v_adapter.py over fds 3/4, as the harness
does (docs/protocol.md), against every solution in examples/solutions/python/
and a few generated ones, and checks each reply:

  correct.py      results equal an independent numpy computation to 1e-12
                  relative (sigmoid, naive softmax, negative sampling with
                  repeated negatives and one equal to c, skip-gram with both
                  losses and repeated context words); NaN/inf as strings;
                  bad_request for malformed requests; exit 0 at end of file
  buggy ones      each reply shows its bug (sign, (d, V) shape, repeats,
                  float32 and np.random warnings, mutated, bad_result,
                  exception + traceback, not_implemented, import_error, hang)
  prints, lists,  equal to correct.py's replies (keyword_call's skipgram calls
  keyword_call    the per-word loss with the course's parameter names)
  returns_none    bad_result "returned None (a missing return statement?)",
                  also named when skipgram fails on it
  random_state    warnings naming its RandomState, for skipgram too

Every read has a timeout, so a broken adapter fails the test instead of
hanging it; every adapter started is killed on the way out.

  python3 tests/grading/python_adapter_smoke.py [-v]
"""
import fcntl
import json
import math
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    import numpy as np
except ImportError:
    sys.exit("python_adapter_smoke.py: numpy is missing for %s; install python3-numpy "
             "(Debian) and run it with /usr/bin/python3" % sys.executable)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADAPTER = os.path.join(ROOT, "checks", "solution", "python", "w2v_adapter.py")
EXAMPLES = os.path.join(ROOT, "examples", "solutions", "python")
# Only a guard against a hung adapter (a read never returning); no test here
# measures speed, so it is far above any start-up, even on a loaded machine.
READ_TIMEOUT = 120.0
VERBOSE = "-v" in sys.argv

failures = []
passes = [0]


def check(name, ok, detail=""):
    if ok:
        passes[0] += 1
        if VERBOSE:
            print("  ok   %s" % name)
    else:
        failures.append("%s: %s" % (name, detail))
        print("  FAIL %s: %s" % (name, detail))
    return ok


# ---------------------------------------------------------------------------
# Talking to the adapter.

class NoReply(Exception):
    pass


def _strict_json(line):
    def reject(token):
        raise ValueError("non-JSON token %s" % token)
    return json.loads(line, parse_constant=reject)


class Adapter:
    """One adapter process: requests on its fd 3, replies from its fd 4,
    stdout and stderr into a log file."""

    live = []

    def __init__(self, solution, handshake_timeout=READ_TIMEOUT):
        req_r, self._req_w = os.pipe()
        self._rep_r, rep_w = os.pipe()
        self._log = tempfile.TemporaryFile()

        def onto_3_and_4():
            # Through fds >= 10 first, so that neither pipe end can already be 3 or 4.
            a = fcntl.fcntl(req_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(rep_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)
            os.close(a)
            os.close(b)

        env = dict(os.environ, W2V_PROTOCOL="1")
        self.proc = subprocess.Popen([sys.executable, ADAPTER, solution], stdin=subprocess.DEVNULL,
                                     stdout=self._log, stderr=subprocess.STDOUT, env=env,
                                     close_fds=False, preexec_fn=onto_3_and_4,
                                     start_new_session=True)
        os.close(req_r)
        os.close(rep_w)
        Adapter.live.append(self)
        self._buffer = b""
        self._next_id = 1
        self.handshake = self.read(handshake_timeout)

    def read(self, timeout=READ_TIMEOUT):
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._rep_r], [], [], left)[0]:
                raise NoReply("no reply within %.1f s" % timeout)
            chunk = os.read(self._rep_r, 65536)
            if not chunk:
                raise NoReply("fd 4 closed (adapter exited, status %s); log:\n%s"
                              % (self.proc.poll(), self.log()[-2000:]))
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return _strict_json(line.decode("utf-8"))

    def send_raw(self, line):
        os.write(self._req_w, line.encode("utf-8") + b"\n")

    def request(self, function, args, timeout=READ_TIMEOUT):
        request_id = self._next_id
        self._next_id += 1
        self.send_raw(json.dumps({"id": request_id, "function": function, "args": args}))
        reply = self.read(timeout)
        if reply.get("id") != request_id:
            raise AssertionError("reply id %r for request %d" % (reply.get("id"), request_id))
        return reply

    def finish(self, timeout=READ_TIMEOUT):
        """Closes fd 3 and returns the exit status (None if it did not exit)."""
        os.close(self._req_w)
        self._req_w = None
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()

    def log(self):
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def close(self):
        self.kill()
        for fd in (self._req_w, self._rep_r):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._req_w = self._rep_r = None
        self._log.close()
        if self in Adapter.live:
            Adapter.live.remove(self)


def example(name):
    return os.path.join(EXAMPLES, name + ".py")


# ---------------------------------------------------------------------------
# Independent reference: loops over words, no shared code with the examples.

def sigmoid_ref(x):
    return np.array([1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v))
                     for v in x])


def naive_ref(v_c, o, U):
    V = U.shape[0]
    scores = [float(np.dot(U[w], v_c)) for w in range(V)]
    m = max(scores)
    z = sum(math.exp(s - m) for s in scores)
    y_hat = [math.exp(s - m) / z for s in scores]
    loss = -(scores[o] - m - math.log(z))
    g_c = np.zeros_like(v_c)
    g_U = np.zeros_like(U)
    for w in range(V):
        coef = y_hat[w] - (1.0 if w == o else 0.0)
        g_c += coef * U[w]
        g_U[w] = coef * v_c
    return loss, g_c, g_U


def neg_ref(v_c, o, U, negatives):
    s_o = float(np.dot(U[o], v_c))
    loss = -math.log(sigmoid_ref([s_o])[0])
    g_c = (sigmoid_ref([s_o])[0] - 1.0) * U[o]
    g_U = np.zeros_like(U)
    g_U[o] = (sigmoid_ref([s_o])[0] - 1.0) * v_c
    for k in negatives:
        s_k = float(np.dot(U[k], v_c))
        loss -= math.log(sigmoid_ref([-s_k])[0])
        g_c = g_c + sigmoid_ref([s_k])[0] * U[k]
        g_U[k] += sigmoid_ref([s_k])[0] * v_c
    return loss, g_c, g_U


def skipgram_ref(c, context, Vc, U, negatives_per_context=None):
    loss, g_V, g_U = 0.0, np.zeros_like(Vc), np.zeros_like(U)
    for j, o in enumerate(context):
        if negatives_per_context is None:
            l, gc, gu = naive_ref(Vc[c], o, U)
        else:
            l, gc, gu = neg_ref(Vc[c], o, U, negatives_per_context[j])
        loss += l
        g_V[c] += gc
        g_U += gu
    return loss, g_V, g_U


# ---------------------------------------------------------------------------
# Inputs (seeded) and reply decoding.

RNG = np.random.default_rng(20240501)
V, D = 7, 4
C = 2                                   # the centre word
CENTER_VECTORS = RNG.normal(scale=0.7, size=(V, D))
OUTSIDE_VECTORS = RNG.normal(scale=0.7, size=(V, D))
V_C = CENTER_VECTORS[C].copy()
O = 4
NEGATIVES = [1, 5, 5, C, 0, 5, 1]       # repeats (5 three times, 1 twice) and c itself
CONTEXT = [1, 3, 1, 5]                  # word 1 twice
NEGATIVES_PER_CONTEXT = [[2, 4, 4], [0, 2], [6, 6, 6, 0], [2]]  # never the context word
SIGMOID_X = [0.0, 0.5, -3.0, 40.0, -745.0, 1e-300]


def matrix(a):
    return {"rows": a.shape[0], "cols": a.shape[1], "data": a.reshape(-1).tolist()}


def naive_args():
    return {"center_vec": V_C.tolist(), "outside_idx": O, "outside_vectors": matrix(OUTSIDE_VECTORS)}


def neg_args():
    return dict(naive_args(), negative_indices=NEGATIVES)


def skipgram_args(loss):
    return {"center_idx": C, "context_indices": CONTEXT, "center_vectors": matrix(CENTER_VECTORS),
            "outside_vectors": matrix(OUTSIDE_VECTORS), "loss": loss,
            "negatives_per_context": NEGATIVES_PER_CONTEXT if loss == "neg_sampling"
            else [[] for _ in CONTEXT]}


def as_matrix(m):
    return np.array(m["data"], dtype=np.float64).reshape(m["rows"], m["cols"])


def rel_err(got, expected):
    got, expected = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if got.shape != expected.shape:
        return math.inf
    scale = max(float(np.max(np.abs(expected))) if expected.size else 0.0, 1e-300)
    return float(np.max(np.abs(got - expected))) / scale if expected.size else 0.0


def check_close(name, got, expected, tol=1e-12):
    err = rel_err(got, expected)
    return check(name, err <= tol, "relative error %.3g > %g (got shape %s, expected %s)"
                 % (err, tol, np.shape(got), np.shape(expected)))


def check_ok(name, reply):
    return check(name + " ok", reply.get("ok") is True and reply.get("mutated") == []
                 and "warnings" not in reply, "reply %s" % json.dumps(reply)[:400])


def check_triple(name, reply, expected, center_key="grad_center_vec"):
    if not check_ok(name, reply):
        return
    r = reply["result"]
    loss, g_c, g_U = expected
    check_close(name + " loss", r["loss"], loss)
    got_c = as_matrix(r[center_key]) if isinstance(r[center_key], dict) else r[center_key]
    check_close(name + " " + center_key, got_c, g_c)
    check_close(name + " grad_outside_vectors", as_matrix(r["grad_outside_vectors"]), g_U)


def check_error(name, reply, kind, *needles):
    err = reply.get("error") or {}
    ok = reply.get("ok") is False and err.get("kind") == kind
    text = (err.get("message") or "") + "\n" + (err.get("traceback") or "")
    missing = [n for n in needles if n not in text]
    return check(name, ok and not missing, "expected kind %r containing %r, got %s"
                 % (kind, missing, json.dumps(reply)[:600]))


def line_of(path, needle):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if needle in line:
                return number, line.strip()
    raise AssertionError("%s not in %s" % (needle, path))


EXPECTED_NAIVE = naive_ref(V_C, O, OUTSIDE_VECTORS)
EXPECTED_NEG = neg_ref(V_C, O, OUTSIDE_VECTORS, NEGATIVES)
EXPECTED_SG_NAIVE = skipgram_ref(C, CONTEXT, CENTER_VECTORS, OUTSIDE_VECTORS)
EXPECTED_SG_NEG = skipgram_ref(C, CONTEXT, CENTER_VECTORS, OUTSIDE_VECTORS, NEGATIVES_PER_CONTEXT)
ALL_FUNCTIONS = ["sigmoid", "naive_softmax_loss_and_gradient", "neg_sampling_loss_and_gradient",
                 "skipgram"]


def standard_replies(adapter):
    return {"sigmoid": adapter.request("sigmoid", {"x": SIGMOID_X}),
            "naive": adapter.request("naive_softmax_loss_and_gradient", naive_args()),
            "neg": adapter.request("neg_sampling_loss_and_gradient", neg_args()),
            "sg_naive": adapter.request("skipgram", skipgram_args("naive_softmax")),
            "sg_neg": adapter.request("skipgram", skipgram_args("neg_sampling"))}


# ---------------------------------------------------------------------------
# The cases.

def case_correct():
    a = Adapter(example("correct"))
    h = a.handshake
    check("correct handshake", h.get("protocol") == 1 and h.get("ready") is True
          and h.get("language") == "python" and h.get("functions") == ALL_FUNCTIONS,
          json.dumps(h))
    notes = " ".join(h.get("notes", []))
    check("correct handshake notes the utils stand-ins",
          "utils.utils" in notes and "utils.gradcheck" in notes, json.dumps(h))
    r = standard_replies(a)
    if check_ok("correct sigmoid", r["sigmoid"]):
        check_close("correct sigmoid value", r["sigmoid"]["result"]["value"], sigmoid_ref(SIGMOID_X))
    check_triple("correct naive", r["naive"], EXPECTED_NAIVE)
    check_triple("correct neg", r["neg"], EXPECTED_NEG)
    check_triple("correct skipgram naive", r["sg_naive"], EXPECTED_SG_NAIVE, "grad_center_vectors")
    check_triple("correct skipgram neg", r["sg_neg"], EXPECTED_SG_NEG, "grad_center_vectors")
    # Non-finite values travel as strings, both ways.
    nf = a.request("sigmoid", {"x": ["NaN", "Infinity", "-Infinity", 0.0]})
    check("correct sigmoid non-finite", nf.get("ok") is True
          and nf["result"]["value"] == ["NaN", 1.0, 0.0, 0.5], json.dumps(nf))
    nf = a.request("naive_softmax_loss_and_gradient",
                   dict(naive_args(), center_vec=["NaN"] + V_C[1:].tolist()))
    check("correct naive NaN in, NaN strings out", nf.get("ok") is True
          and nf["result"]["loss"] == "NaN"
          and all(v == "NaN" for v in nf["result"]["grad_center_vec"]), json.dumps(nf)[:400])
    check_error("correct sigmoid_grad missing", a.request("sigmoid_grad", {"x": [0.0]}),
                "not_implemented", "sigmoid_grad")
    # Malformed requests: one bad_request reply each, and the adapter goes on.
    a.send_raw("this is not json")
    check_error("bad_request: not JSON", a.read(), "bad_request", "not JSON")
    check_error("unknown function: not_implemented", a.request("softmax", {"x": [1.0]}),
                "not_implemented", "softmax")
    check_error("bad_request: missing argument",
                a.request("naive_softmax_loss_and_gradient", {"center_vec": [1.0]}),
                "bad_request", "args.outside_vectors: missing")
    check_error("bad_request: index out of range",
                a.request("naive_softmax_loss_and_gradient", dict(naive_args(), outside_idx=V)),
                "bad_request", "args.outside_idx: index 7 out of range for V = 7")
    check_error("bad_request: data length",
                a.request("skipgram", dict(skipgram_args("naive_softmax"),
                                           center_vectors={"rows": V, "cols": D, "data": [1.0]})),
                "bad_request", "args.center_vectors.data: expected 28 numbers (rows 7 \u00d7 cols 4), got 1")
    # A blank line is answered too, as the C++ main answers it (docs/protocol.md).
    a.send_raw("")
    blank = a.read()
    check("blank line: bad_request with id null", blank.get("id", "absent") is None
          and (blank.get("error") or {}).get("kind") == "bad_request", json.dumps(blank))
    a.send_raw('{"function": "sigmoid", "args": {"x": [0.0]}}')
    no_id = a.read()
    check("bad_request without id: id null", no_id.get("id", "absent") is None
          and (no_id.get("error") or {}).get("kind") == "bad_request", json.dumps(no_id))
    check_triple("correct naive after bad requests",
                 a.request("naive_softmax_loss_and_gradient", naive_args()), EXPECTED_NAIVE)
    status = a.finish()
    check("correct exits 0 at end of fd 3", status == 0, "status %r" % status)
    check("no __pycache__ left in examples",
          not os.path.exists(os.path.join(EXAMPLES, "__pycache__")), EXAMPLES)
    a.close()
    return r


def case_same_as_correct(name, correct_replies, log_needles=()):
    a = Adapter(example(name))
    check(name + " handshake", a.handshake.get("ready") is True
          and a.handshake.get("functions") == ALL_FUNCTIONS, json.dumps(a.handshake))
    r = standard_replies(a)
    for key, reply in r.items():
        check("%s %s equals correct.py's reply" % (name, key),
              reply == correct_replies[key],
              "got %s\nexpected %s" % (json.dumps(reply)[:300], json.dumps(correct_replies[key])[:300]))
    status = a.finish()
    check(name + " exits 0", status == 0, "status %r" % status)
    log = a.log()
    for needle in log_needles:
        check("%s log has %r" % (name, needle[:40]), needle in log, log[:300])
    a.close()


def case_sign_error():
    a = Adapter(example("sign_error"))
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    loss, g_c, g_U = EXPECTED_NAIVE
    check_triple("sign_error naive shows -dv_c", r, (loss, -g_c, g_U))
    check_triple("sign_error neg is right",
                 a.request("neg_sampling_loss_and_gradient", neg_args()), EXPECTED_NEG)
    a.close()


def case_transposed():
    a = Adapter(example("transposed"))
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    if check_ok("transposed naive", r):
        m = r["result"]["grad_outside_vectors"]
        check("transposed naive sends (d, V)", (m["rows"], m["cols"]) == (D, V),
              "shape %sx%s" % (m["rows"], m["cols"]))
        check_close("transposed naive data is dU transposed", as_matrix(m), EXPECTED_NAIVE[2].T)
        check_close("transposed naive dv_c right", r["result"]["grad_center_vec"], EXPECTED_NAIVE[1])
    check_error("transposed skipgram naive raises on +=",
                a.request("skipgram", skipgram_args("naive_softmax")), "exception",
                "ValueError", "gradOutsideVectors += go")
    a.close()


def case_missing_normaliser():
    a = Adapter(example("missing_normaliser"))
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    if check_ok("missing_normaliser naive", r):
        check_close("missing_normaliser loss right", r["result"]["loss"], EXPECTED_NAIVE[0])
        err = rel_err(r["result"]["grad_center_vec"], EXPECTED_NAIVE[1])
        check("missing_normaliser dv_c wrong", err > 1e-3, "relative error only %.3g" % err)
    a.close()


def case_dropped_repeats():
    a = Adapter(example("dropped_repeats"))
    r = a.request("neg_sampling_loss_and_gradient", neg_args())
    if check_ok("dropped_repeats neg", r):
        loss, g_c, g_U = EXPECTED_NEG
        check_close("dropped_repeats loss right", r["result"]["loss"], loss)
        check_close("dropped_repeats dv_c right", r["result"]["grad_center_vec"], g_c)
        got = as_matrix(r["result"]["grad_outside_vectors"])
        repeated = sorted({k for k in NEGATIVES if NEGATIVES.count(k) > 1})
        for w in range(V):
            if w in repeated:
                check("dropped_repeats row %d (drawn %d times) wrong" % (w, NEGATIVES.count(w)),
                      rel_err(got[w], g_U[w]) > 1e-3, "row %d matches" % w)
            else:
                check_close("dropped_repeats row %d right" % w, got[w], g_U[w])
        # What the bug computes: each distinct negative counted once.
        once = neg_ref(V_C, O, OUTSIDE_VECTORS, sorted(set(NEGATIVES)))[2]
        for w in repeated:
            check_close("dropped_repeats row %d counted once" % w, got[w], once[w])
    a.close()


def case_float32():
    a = Adapter(example("float32"))
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    warnings = " | ".join(r.get("warnings", []))
    for name in ("loss", "grad_center_vec", "grad_outside_vectors"):
        check("float32 naive warns %s" % name, "%s is float32" % name in warnings, warnings)
    if check("float32 naive ok", r.get("ok") is True, json.dumps(r)[:300]):
        err = rel_err(r["result"]["grad_center_vec"], EXPECTED_NAIVE[1])
        check("float32 naive single-precision error", 1e-12 < err < 1e-5, "relative error %.3g" % err)
    s = a.request("sigmoid", {"x": SIGMOID_X[:3]})
    check("float32 sigmoid warns", any("value is float32" in w for w in s.get("warnings", [])),
          json.dumps(s)[:300])
    sg = a.request("skipgram", skipgram_args("neg_sampling"))
    check("float32 skipgram warns", any("grad_outside_vectors is float32" in w
                                        for w in sg.get("warnings", [])), json.dumps(sg)[:300])
    a.close()


def case_np_random():
    a = Adapter(example("np_random"))
    r = a.request("neg_sampling_loss_and_gradient", neg_args())
    warnings = " | ".join(r.get("warnings", []))
    check("np_random neg warns", "called numpy.random.randint during negSamplingLossAndGradient"
          in warnings and "use dataset.sampleTokenIdx()" in warnings, warnings)
    # Which sampler it used says why the dataset's samples went unused.
    check("np_random neg: no second warning for the unused samples", "drew 0 of" not in warnings,
          warnings)
    check_triple("np_random naive clean",
                 a.request("naive_softmax_loss_and_gradient", naive_args()), EXPECTED_NAIVE)
    sg = a.request("skipgram", skipgram_args("neg_sampling"))
    check("np_random skipgram warns", any("numpy.random.randint" in w
                                          for w in sg.get("warnings", [])), json.dumps(sg)[:300])
    a.close()


def case_random_state():
    a = Adapter(example("random_state"))
    r = a.request("neg_sampling_loss_and_gradient", neg_args())
    warnings = " | ".join(r.get("warnings", []))
    check("random_state neg names its generator",
          "drew from _rng (a numpy.random.RandomState) during negSamplingLossAndGradient" in warnings
          and "use dataset.sampleTokenIdx()" in warnings, warnings)
    check("random_state neg: no second warning for the unused samples", "drew 0 of" not in warnings,
          warnings)
    sg = a.request("skipgram", skipgram_args("neg_sampling"))
    check("random_state skipgram names its generator",
          any("drew from _rng (a numpy.random.RandomState) during skipgram" in w
              for w in sg.get("warnings", [])), json.dumps(sg)[:400])
    check_triple("random_state naive clean",
                 a.request("naive_softmax_loss_and_gradient", naive_args()), EXPECTED_NAIVE)
    a.close()


def case_returns_none():
    path = example("returns_none")
    a = Adapter(path)
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    check("returns_none naive: bad_result, not not_implemented", r.get("ok") is False and
          r.get("error") == {"kind": "bad_result",
                             "message": "naiveSoftmaxLossAndGradient returned None (a missing "
                                        "return statement?)"}, json.dumps(r))
    check_error("returns_none skipgram names the None", a.request("skipgram", skipgram_args("naive_softmax")),
                "exception", "TypeError",
                "naiveSoftmaxLossAndGradient returned None inside skipgram (a missing return statement?)")
    check_triple("returns_none neg right", a.request("neg_sampling_loss_and_gradient", neg_args()),
                 EXPECTED_NEG)
    a.close()


def case_syntax_error():
    path = example("syntax_error")
    number, text = line_of(path, "MISTAKE: missing colon")
    a = Adapter(path)
    h = a.handshake
    err = h.get("error") or {}
    check("syntax_error not ready", h.get("protocol") == 1 and h.get("ready") is False
          and err.get("kind") == "import_error", json.dumps(h))
    tb = err.get("traceback", "")
    check("syntax_error traceback names the line",
          'syntax_error.py", line %d' % number in tb and text.split("#")[0].strip() in tb
          and "SyntaxError" in tb, tb)
    check("syntax_error traceback has no adapter frames", "w2v_adapter.py" not in tb, tb)
    status = a.finish()
    check("syntax_error exits 0", status == 0, "status %r" % status)
    a.close()


def case_raises():
    path = example("raises")
    number, _ = line_of(path, "raise ValueError(")
    a = Adapter(path)
    check_error("raises neg exception", a.request("neg_sampling_loss_and_gradient", neg_args()),
                "exception", "ValueError", "negative sampling is not finished yet",
                'raises.py", line %d' % number, "negSamplingLossAndGradient")
    check_triple("raises naive still served",
                 a.request("naive_softmax_loss_and_gradient", naive_args()), EXPECTED_NAIVE)
    check_error("raises skipgram neg exception", a.request("skipgram", skipgram_args("neg_sampling")),
                "exception", "ValueError", "in skipgram")
    check_triple("raises skipgram naive still served", a.request("skipgram", skipgram_args("naive_softmax")),
                 EXPECTED_SG_NAIVE, "grad_center_vectors")
    a.close()


def case_mutates():
    a = Adapter(example("mutates"))
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    check("mutates naive mutated", r.get("ok") is True and r.get("mutated") == ["outside_vectors"],
          json.dumps(r)[:300])
    sg = a.request("skipgram", skipgram_args("naive_softmax"))
    check("mutates skipgram mutated", sg.get("mutated") == ["outside_vectors"], json.dumps(sg)[:300])
    check_triple("mutates neg clean", a.request("neg_sampling_loss_and_gradient", neg_args()),
                 EXPECTED_NEG)
    a.close()


def case_wrong_tuple():
    a = Adapter(example("wrong_tuple"))
    r = a.request("naive_softmax_loss_and_gradient", naive_args())
    check("wrong_tuple bad_result message", r.get("ok") is False and r.get("error") == {
        "kind": "bad_result",
        "message": "naiveSoftmaxLossAndGradient returned a tuple of 2 values, expected "
                   "(loss, gradCenterVec, gradOutsideVecs)"}, json.dumps(r))
    check_triple("wrong_tuple neg right", a.request("neg_sampling_loss_and_gradient", neg_args()),
                 EXPECTED_NEG)
    a.close()


def case_missing_function():
    a = Adapter(example("missing_function"))
    check("missing_function handshake", a.handshake.get("functions") ==
          ["sigmoid", "naive_softmax_loss_and_gradient", "skipgram"], json.dumps(a.handshake))
    check_error("missing_function neg", a.request("neg_sampling_loss_and_gradient", neg_args()),
                "not_implemented", "negSamplingLossAndGradient")
    check_error("missing_function skipgram neg", a.request("skipgram", skipgram_args("neg_sampling")),
                "not_implemented", "negSamplingLossAndGradient")
    check_triple("missing_function skipgram naive", a.request("skipgram", skipgram_args("naive_softmax")),
                 EXPECTED_SG_NAIVE, "grad_center_vectors")
    a.close()


def case_hangs():
    a = Adapter(example("hangs"))
    check_triple("hangs naive served", a.request("naive_softmax_loss_and_gradient", naive_args()),
                 EXPECTED_NAIVE)
    started = time.monotonic()
    try:
        reply = a.request("skipgram", skipgram_args("naive_softmax"), timeout=2.0)
        check("hangs skipgram never replies", False, "replied %s" % json.dumps(reply)[:300])
    except NoReply:
        check("hangs skipgram never replies", time.monotonic() - started >= 2.0, "returned early")
    a.kill()
    check("hangs killed", a.proc.returncode == -signal.SIGKILL, "status %r" % a.proc.returncode)
    a.close()


# Generated solutions: variants the examples do not cover.

def _variant(workdir, name, edits, source=None):
    text = open(source or example("correct")).read()
    for old, new in edits:
        assert text.count(old) == 1, (name, old)
        text = text.replace(old, new)
    path = os.path.join(workdir, name + ".py")
    with open(path, "w") as f:
        f.write(text)
    return path


STARTER = '''
import numpy as np
import random

from utils.gradcheck import gradcheck_naive, grad_tests_softmax, grad_tests_negsamp
from utils.utils import normalizeRows, softmax


def sigmoid(x):
    ### YOUR CODE HERE (~1 Line)

    ### END YOUR CODE

    return s


def naiveSoftmaxLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset):
    ### YOUR CODE HERE (~6-8 Lines)

    ### Please use the provided softmax function (imported earlier in this file)
    ### This numerically stable implementation helps you avoid issues pertaining
    ### to integer overflow.

    ### END YOUR CODE

    return loss, gradCenterVec, gradOutsideVecs


def negSamplingLossAndGradient(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
    ### YOUR CODE HERE (~10 Lines)
    pass
    ### END YOUR CODE


def skipgram(currentCenterWord, windowSize, outsideWords, word2Ind,
             centerWordVectors, outsideVectors, dataset,
             word2vecLossAndGradient=naiveSoftmaxLossAndGradient):
    loss = 0.0
    gradCenterVecs = np.zeros(centerWordVectors.shape)
    gradOutsideVectors = np.zeros(outsideVectors.shape)

    ### YOUR CODE HERE (~8 Lines)

    ### END YOUR CODE

    return loss, gradCenterVecs, gradOutsideVectors
'''


def case_generated(workdir):
    # The course's starter, untouched: every function is "not implemented".
    starter = os.path.join(workdir, "starter.py")
    with open(starter, "w") as f:
        f.write(STARTER)
    a = Adapter(starter)
    check_error("starter sigmoid", a.request("sigmoid", {"x": [0.0]}), "not_implemented", "starter")
    check_error("starter naive", a.request("naive_softmax_loss_and_gradient", naive_args()),
                "not_implemented", "starter")
    check_error("starter neg", a.request("neg_sampling_loss_and_gradient", neg_args()),
                "not_implemented", "returned None")
    check_error("starter skipgram", a.request("skipgram", skipgram_args("naive_softmax")),
                "not_implemented", "returns zeros")
    a.close()

    # The student's own utils package is used, and no stand-in is announced.
    own = os.path.join(workdir, "own_utils")
    os.makedirs(os.path.join(own, "utils"))
    for name, text in (("__init__.py", ""),
                       ("utils.py", "import numpy as np\nUSED = []\n"
                                    "def normalizeRows(x):\n    return x\n"
                                    "def softmax(x):\n    USED.append(1)\n"
                                    "    e = np.exp(x - np.max(x))\n    return e / e.sum()\n"),
                       ("gradcheck.py", "def gradcheck_naive(*a): pass\n"
                                        "def grad_tests_softmax(*a): pass\n"
                                        "def grad_tests_negsamp(*a): pass\n")):
        with open(os.path.join(own, "utils", name), "w") as f:
            f.write(text)
    path = _variant(own, "word2vec", [("    ### END YOUR CODE\n\n    return loss, gradCenterVec, gradOutsideVecs\n\n\ndef getNegativeSamples",
                                       "    import utils.utils\n    assert utils.utils.USED, 'own softmax not used'\n"
                                       "    ### END YOUR CODE\n\n    return loss, gradCenterVec, gradOutsideVecs\n\n\ndef getNegativeSamples")])
    a = Adapter(path)
    check("own utils: no notes", a.handshake.get("ready") is True and "notes" not in a.handshake,
          json.dumps(a.handshake))
    check_triple("own utils naive", a.request("naive_softmax_loss_and_gradient", naive_args()),
                 EXPECTED_NAIVE)
    a.close()

    # Samplers imported by name are watched too; random.randint as well.
    path = _variant(workdir, "by_name", [
        ("import random\n", "import random\nfrom numpy.random import choice\nfrom random import randint\n"),
        ("    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)\n",
         "    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)\n"
         "    randint(0, 3)\n    choice(3)\n    choice(3)\n")])
    a = Adapter(path)
    r = a.request("neg_sampling_loss_and_gradient", neg_args())
    warnings = " | ".join(r.get("warnings", []))
    check("by-name samplers counted", "numpy.random.choice during negSamplingLossAndGradient (2 times)"
          in warnings and "random.randint during" in warnings, warnings)
    a.close()

    # Generators the adapter cannot patch by name: the student's own Generator
    # and random.Random objects, and the global ones behind unwatched functions.
    path = _variant(workdir, "own_generators", [
        ("import random\n", "import random\n_gen = np.random.default_rng(1)\n_py = random.Random(2)\n"),
        ("    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)\n",
         "    negSampleWordIndices = getNegativeSamples(outsideWordIdx, dataset, K)\n"
         "    _gen.integers(3)\n    _py.random()\n    np.random.binomial(3, 0.5)\n    random.gauss(0, 1)\n")])
    a = Adapter(path)
    r = a.request("neg_sampling_loss_and_gradient", neg_args())
    warnings = " | ".join(r.get("warnings", []))
    for needle in ("drew from _gen (a numpy.random.Generator) during negSamplingLossAndGradient",
                   "drew from _py (a random.Random) during",
                   "drew from numpy.random's global generator during",
                   "drew from the random module's global generator during"):
        check("own generators: %s" % needle[10:40], needle in warnings, warnings)
    check_triple("own generators: naive clean",
                 a.request("naive_softmax_loss_and_gradient", naive_args()), EXPECTED_NAIVE)
    a.close()

    # Fewer draws than K inside skipgram are reported as for the word loss alone.
    path = _variant(workdir, "underdraws", [
        ("getNegativeSamples(outsideWordIdx, dataset, K)\n", "getNegativeSamples(outsideWordIdx, dataset, K - 1)\n")])
    a = Adapter(path)
    r = a.request("neg_sampling_loss_and_gradient", neg_args())
    check("neg under-draw warned", any("drew 6 of the K = 7 negative samples from "
                                       "dataset.sampleTokenIdx()" in w
                                       for w in r.get("warnings", [])), json.dumps(r)[:400])
    sg = a.request("skipgram", skipgram_args("neg_sampling"))
    warnings = " | ".join(sg.get("warnings", []))
    check("skipgram under-draw warned", "inside skipgram, negSamplingLossAndGradient drew fewer negative "
          "samples from dataset.sampleTokenIdx() than supplied: 2 of K = 3 for outside word 0" in warnings,
          warnings)
    a.close()

    # More draws than K: a clear exception.
    path = _variant(workdir, "overdraws", [
        ("getNegativeSamples(outsideWordIdx, dataset, K)\n", "getNegativeSamples(outsideWordIdx, dataset, K + 1)\n")])
    a = Adapter(path)
    check_error("overdraw", a.request("neg_sampling_loss_and_gradient", neg_args()), "exception",
                "sampleTokenIdx() called more than K times")
    a.close()

    # Mutation is bit for bit: -0.0 + 0.0 = +0.0 compares equal but is a change.
    path = _variant(workdir, "signed_zero", [("    scores = outsideVectors @ centerWordVec          # (V,)\n",
                                              "    centerWordVec += 0.0\n    scores = outsideVectors @ centerWordVec          # (V,)\n")])
    a = Adapter(path)
    r = a.request("naive_softmax_loss_and_gradient", dict(naive_args(), center_vec=[-0.0] + V_C[1:].tolist()))
    check("signed zero counts as mutated", r.get("mutated") == ["center_vec"], json.dumps(r)[:300])
    a.close()

    # An import that fails: ready false with the module's traceback.
    path = _variant(workdir, "bad_import", [("import random\n", "import random\nimport no_such_module_w2v\n")])
    a = Adapter(path)
    err = a.handshake.get("error") or {}
    check("bad import not ready", a.handshake.get("ready") is False and err.get("kind") == "import_error"
          and "no_such_module_w2v" in err.get("message", "")
          and 'bad_import.py", line' in err.get("traceback", ""), json.dumps(a.handshake))
    a.close()

    # Replies are one line each: a function returning a string is a bad_result, not a crash.
    path = _variant(workdir, "returns_text", [("    return s\n", "    return 'sigmoid'\n")])
    a = Adapter(path)
    check_error("string result", a.request("sigmoid", {"x": [0.0]}), "bad_result", "non-numeric")
    a.close()


def case_no_channel():
    proc = subprocess.run([sys.executable, ADAPTER, example("correct")], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=READ_TIMEOUT)
    check("without fds 3/4: exit 2 and a pointer to the harness",
          proc.returncode == 2 and "w2v-gradcheck grade --python" in proc.stderr,
          "status %d, stderr %r" % (proc.returncode, proc.stderr))


def main():
    workdir = tempfile.mkdtemp(prefix="w2v-adapter-smoke-")
    try:
        print("correct.py")
        correct = case_correct()
        print("prints.py, lists.py, keyword_call.py")
        case_same_as_correct("prints", correct, ("word2vec.py imported", '{"id": 0, "ok": true}',
                                                  "naive softmax, o = 4", "x" * 100, "debug"))
        case_same_as_correct("lists", correct)
        case_same_as_correct("keyword_call", correct)
        for case in (case_sign_error, case_transposed, case_missing_normaliser, case_dropped_repeats,
                     case_float32, case_np_random, case_random_state, case_returns_none,
                     case_syntax_error, case_raises, case_mutates, case_wrong_tuple,
                     case_missing_function, case_hangs):
            print(case.__name__[5:] + ".py")
            case()
        print("generated solutions")
        case_generated(workdir)
        case_no_channel()
    except (NoReply, AssertionError) as exc:
        failures.append("aborted: %s" % exc)
        print("  FAIL aborted: %s" % exc)
    finally:
        for adapter in list(Adapter.live):
            adapter.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print("%d checks passed, %d failed" % (passes[0], len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
