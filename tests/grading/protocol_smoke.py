#!/usr/bin/env python3
"""The C++ side of the solution protocol (docs/protocol.md), end to end.

Starts the example solutions built from examples/solutions/ the way the
harness does (requests on fd 3, replies on fd 4, stdout+stderr to a log) and
checks what comes back: the correct solution agrees with a numpy reference to
1e-12 and round-trips doubles bit for bit; the template, the broken examples
and malformed requests get the documented replies; crashes and exits show up
as the documented process states. Every read has a timeout, so a broken
solution fails the test instead of hanging it.

  protocol_smoke.py --bin-dir <dir holding solution_correct, solution_template, …>
"""
import argparse
import fcntl
import json
import math
import os
import resource
import select
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

READ_TIMEOUT = 30.0  # seconds; generous for a loaded CI machine, never reached when all is well
FUNCTIONS = ["sigmoid", "sigmoid_grad", "naive_softmax_loss_and_gradient",
             "neg_sampling_loss_and_gradient", "skipgram"]


class Failure(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise Failure(message)


def strict_json(line):
    """Parses one reply line as standard JSON (Python would accept bare NaN)."""
    def reject(constant):
        raise Failure(f"reply holds the non-JSON literal {constant}: {line[:200]}")
    return json.loads(line, parse_constant=reject)


def request_line(request_id, function, args):
    return json.dumps({"id": request_id, "function": function, "args": args}) + "\n"


class Solution:
    """One solution process, spoken to over fds 3 and 4 like the harness does."""

    def __init__(self, binary, address_space=None):
        self.binary = os.path.basename(binary)
        request_r, request_w = os.pipe()
        reply_r, reply_w = os.pipe()
        # The child's dup2s onto 3 and 4 run in order; sources at 10 and up
        # cannot be among their targets.
        high_r = fcntl.fcntl(request_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(reply_w, fcntl.F_DUPFD_CLOEXEC, 10)
        self.log = tempfile.TemporaryFile()
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, self.log.fileno(), 1),
                   (os.POSIX_SPAWN_DUP2, self.log.fileno(), 2),
                   (os.POSIX_SPAWN_DUP2, high_r, 3),
                   (os.POSIX_SPAWN_DUP2, high_w, 4)]
        env = dict(os.environ, W2V_PROTOCOL="1")
        self.pid = os.posix_spawn(binary, [binary], env, file_actions=actions, setsid=True)
        for fd in (request_r, reply_w, high_r, high_w):
            os.close(fd)
        self.requests, self.replies = request_w, reply_r
        self.buffer = b""
        self.status = None
        resource.prlimit(self.pid, resource.RLIMIT_CORE, (0, 0))
        if address_space is not None:
            resource.prlimit(self.pid, resource.RLIMIT_AS, (address_space, address_space))

    def send_raw(self, text):
        os.write(self.requests, text.encode())

    def send(self, request_id, function, args):
        self.send_raw(request_line(request_id, function, args))

    def line(self, timeout=READ_TIMEOUT):
        """The next reply line; None at end of file (the process closed fd 4)."""
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.replies], [], [], left)[0]:
                raise Failure(f"{self.binary}: no reply line within {timeout:g} s")
            chunk = os.read(self.replies, 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return line.decode()

    def reply(self, timeout=READ_TIMEOUT):
        line = self.line(timeout)
        expect(line is not None,
               f"{self.binary}: closed the reply channel; log: {self.log_text()[-500:]}")
        return strict_json(line)

    def call(self, request_id, function, args):
        self.send(request_id, function, args)
        reply = self.reply()
        expect(reply.get("id") == request_id,
               f"{function}: reply id {reply.get('id')} != {request_id}")
        return reply

    def result(self, request_id, function, args):
        reply = self.call(request_id, function, args)
        expect(reply.get("ok") is True, f"{self.binary} {function}: not ok: {reply}")
        return reply

    def wait(self, timeout=READ_TIMEOUT):
        """Exit code, or −signal number, like subprocess."""
        deadline = time.monotonic() + timeout
        while self.status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
            elif time.monotonic() > deadline:
                raise Failure(f"{self.binary}: still running after {timeout:g} s")
            else:
                time.sleep(0.01)
        return self.status

    def log_text(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def close(self):
        if self.status is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.wait()
        os.close(self.requests)
        os.close(self.replies)
        self.log.close()


# --- numpy reference (docs/protocol.md layout: U is (V, d), row w = u_w) ---

def sigmoid(x):
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def naive_softmax(v, o, U):
    s = U @ v
    shift = s.max()
    e = np.exp(s - shift)
    delta = e / e.sum()
    delta[o] -= 1.0
    return shift + np.log(e.sum()) - s[o], U.T @ delta, np.outer(delta, v)


def neg_sampling(v, o, U, negatives):
    s_o, s_k = U[o] @ v, U[negatives] @ v
    loss = -log_sigmoid(s_o) - log_sigmoid(-s_k).sum()
    grad_v = (sigmoid(s_o) - 1.0) * U[o] + sigmoid(s_k) @ U[negatives]
    grad_U = np.zeros_like(U)
    grad_U[o] += (sigmoid(s_o) - 1.0) * v
    np.add.at(grad_U, negatives, np.outer(sigmoid(s_k), v))  # repeats accumulate
    return loss, grad_v, grad_U


def skipgram(c, context, C, U, word_loss):
    loss, grad_C, grad_U = 0.0, np.zeros_like(C), np.zeros_like(U)
    for j, w in enumerate(context):
        l, gv, gU = word_loss(j, C[c], w, U)
        loss, grad_C[c], grad_U = loss + l, grad_C[c] + gv, grad_U + gU
    return loss, grad_C, grad_U


def matrix(m):
    return {"rows": m.shape[0], "cols": m.shape[1], "data": m.ravel().tolist()}


def from_matrix(j, name):
    expect(len(j["data"]) == j["rows"] * j["cols"],
           f"{name}: {len(j['data'])} numbers for {j['rows']}×{j['cols']}")
    return np.array(j["data"], dtype=float).reshape(j["rows"], j["cols"])


def close(name, got, want, rel=1e-12):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    expect(got.shape == want.shape, f"{name}: shape {got.shape}, expected {want.shape}")
    scale = max(np.abs(want).max(initial=0.0), 1e-300)
    err = np.abs(got - want).max(initial=0.0)
    expect(err <= rel * scale, f"{name}: max |got − numpy| = {err:.3g} > {rel:g}·{scale:.3g}")


def check_word_loss(name, result, want):
    loss, grad_v, grad_U = want
    close(f"{name} loss", result["loss"], loss)
    close(f"{name} grad_center_vec", result["grad_center_vec"], grad_v)
    close(f"{name} grad_outside_vectors", from_matrix(result["grad_outside_vectors"], name), grad_U)


def instance(seed, V, d, scale=1.0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=d) * scale, rng.normal(size=(V, d)) * scale, rng


# --- the checks, one function each ---

def test_handshake(bins):
    s = Solution(bins["correct"])
    try:
        hello = strict_json(s.line())
        expect(hello == {"protocol": 1, "ready": True, "language": "c++", "functions": FUNCTIONS},
               f"handshake: {hello}")
    finally:
        s.close()


def test_channel_is_close_on_exec(bins):
    """Programs a solution starts (system, popen) must not inherit fds 3 and 4."""
    s = Solution(bins["correct"])
    try:
        s.line()  # the main has set the flags before its handshake
        for fd in (3, 4):
            with open(f"/proc/{s.pid}/fdinfo/{fd}") as info:
                flags = int(next(l for l in info if l.startswith("flags:")).split()[1], 8)
            expect(flags & os.O_CLOEXEC, f"fd {fd} of {s.binary} lacks O_CLOEXEC (flags {flags:o})")
    finally:
        s.close()


def test_every_line_gets_one_reply_even_an_empty_one(bins):
    """docs/protocol.md: an empty line is a line; it gets bad_request with id null."""
    s = Solution(bins["correct"])
    try:
        s.line()
        s.send_raw("\n\n")
        s.send(5, "sigmoid", {"x": [0.0]})
        s.send_raw("   \n")
        replies = [s.reply() for _ in range(4)]
        kinds = [(r["id"], r["ok"], r.get("error", {}).get("kind")) for r in replies]
        expect(kinds == [(None, False, "bad_request"), (None, False, "bad_request"),
                         (5, True, None), (None, False, "bad_request")],
               f"{s.binary}: replies to two empty lines, a request, a blank line: {kinds}")
    finally:
        s.close()


def test_sigmoid_round_trips_bit_for_bit(bins):
    # Same libm, same formula as examples/solutions/correct/sigmoid.cpp: any
    # lost bit on the way in or out changes some result. Includes a
    # subnormal result (σ(−745)) and 0.1 + 0.2 ≠ 0.3.
    xs = [0.1 + 0.2, -(0.1 + 0.2), 1 / 3, -2 / 3, 0.0, -0.0, 36.7, -36.7, 700.5,
          -700.5, -744.4, -745.0, 1e-300, 5e-324, -1e308, 2.5e-8]

    def sig(x):
        return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))

    s = Solution(bins["correct"])
    try:
        s.line()
        value = s.result(1, "sigmoid", {"x": xs})["result"]["value"]
        expect(value == [sig(x) for x in xs], f"sigmoid: {value} != {[sig(x) for x in xs]}")
        close("sigmoid vs numpy", value, sigmoid(xs))
        grad = s.result(2, "sigmoid_grad", {"x": xs})["result"]["value"]
        expect(grad == [sig(x) * (1.0 - sig(x)) for x in xs], f"sigmoid_grad: {grad}")
        special = s.result(3, "sigmoid", {"x": ["Infinity", "-Infinity", "NaN"]})["result"]["value"]
        expect(special == [1.0, 0.0, "NaN"], f"sigmoid of ±∞, NaN: {special}")
    finally:
        s.close()


def test_correct_word_losses(bins):
    s = Solution(bins["correct"])
    try:
        s.line()
        for seed, V, d, o, scale in [(1, 7, 4, 3, 1.0), (2, 1, 1, 0, 1.0), (3, 12, 5, 11, 12.0)]:
            v, U, _ = instance(seed, V, d, scale)
            args = {"center_vec": v.tolist(), "outside_idx": o, "outside_vectors": matrix(U)}
            reply = s.result(seed, "naive_softmax_loss_and_gradient", args)
            expect(reply["mutated"] == [], f"naive softmax mutated {reply['mutated']}")
            check_word_loss(f"naive softmax (seed {seed}, V={V} d={d} o={o})", reply["result"],
                            naive_softmax(v, o, U))
        # Repeats accumulate; the centre word (index 0 here) may be a negative.
        for seed, V, d, o, negatives in [(4, 6, 3, 2, [0, 5, 5, 1, 5, 0]), (5, 2, 1, 1, [0])]:
            v, U, _ = instance(seed, V, d)
            args = {"center_vec": v.tolist(), "outside_idx": o, "outside_vectors": matrix(U),
                    "negative_indices": negatives}
            reply = s.result(seed, "neg_sampling_loss_and_gradient", args)
            expect(reply["mutated"] == [], f"neg sampling mutated {reply['mutated']}")
            check_word_loss(f"neg sampling (seed {seed}, V={V} d={d} negatives {negatives})",
                            reply["result"], neg_sampling(v, o, U, np.array(negatives)))
    finally:
        s.close()


def test_correct_skipgram(bins):
    s = Solution(bins["correct"])
    try:
        s.line()
        V, d, c, context = 8, 3, 2, [1, 5, 5, 2, 0, 7]
        rng = np.random.default_rng(6)
        C, U = rng.normal(size=(V, d)), rng.normal(size=(V, d))
        negatives = [rng.integers(0, V, size=4) for _ in context]
        for j, w in enumerate(context):
            negatives[j] = np.where(negatives[j] == w, (w + 1) % V, negatives[j])
        negatives[0][:2] = c  # the centre word drawn twice as a negative
        cases = {
            "naive_softmax": ([[] for _ in context], lambda j, v, w, U: naive_softmax(v, w, U)),
            "neg_sampling": ([n.tolist() for n in negatives],
                             lambda j, v, w, U: neg_sampling(v, w, U, negatives[j])),
        }
        for i, (loss, (lists, word_loss)) in enumerate(cases.items()):
            args = {"center_idx": c, "context_indices": context, "center_vectors": matrix(C),
                    "outside_vectors": matrix(U), "loss": loss, "negatives_per_context": lists}
            reply = s.result(10 + i, "skipgram", args)
            expect(reply["mutated"] == [], f"skipgram mutated {reply['mutated']}")
            want_loss, want_C, want_U = skipgram(c, context, C, U, word_loss)
            r = reply["result"]
            name = f"skipgram {loss} (seed 6, V={V} d={d} c={c} context {context})"
            close(f"{name} loss", r["loss"], want_loss)
            for field, want in [("grad_center_vectors", want_C), ("grad_outside_vectors", want_U)]:
                close(f"{name} {field}", from_matrix(r[field], name), want)
        args["negatives_per_context"] = lists[:-1]
        reply = s.call(12, "skipgram", args)
        expect(reply["ok"] is False and reply["error"]["kind"] == "bad_request"
               and "negatives_per_context" in reply["error"]["message"],
               f"short negatives: {reply}")
    finally:
        s.close()


def test_template_not_implemented(bins):
    v, U, _ = instance(7, 4, 2)
    word = {"center_vec": v.tolist(), "outside_idx": 1, "outside_vectors": matrix(U)}
    requests = {
        "sigmoid": {"x": [0.5]}, "sigmoid_grad": {"x": [0.5]},
        "naive_softmax_loss_and_gradient": word,
        "neg_sampling_loss_and_gradient": dict(word, negative_indices=[0, 0]),
        "skipgram": {"center_idx": 0, "context_indices": [1, 2], "center_vectors": matrix(U),
                     "outside_vectors": matrix(U), "loss": "naive_softmax",
                     "negatives_per_context": [[], []]},
    }
    s = Solution(bins["template"])
    try:
        s.line()
        for i, (function, args) in enumerate(requests.items()):
            reply = s.call(i, function, args)
            expect(reply["ok"] is False and reply["error"] == {
                "kind": "not_implemented", "message": f"{function} is not implemented"},
                f"template {function}: {reply}")
    finally:
        s.close()


def naive_args(seed=8, V=5, d=3, o=2):
    v, U, _ = instance(seed, V, d)
    return {"center_vec": v.tolist(), "outside_idx": o, "outside_vectors": matrix(U)}


def test_mutates_input(bins):
    s = Solution(bins["mutates_input"])
    try:
        s.line()
        reply = s.result(1, "naive_softmax_loss_and_gradient", naive_args())
        expect(reply["mutated"] == ["outside_vectors"],
               f"mutates_input: mutated {reply['mutated']}")
    finally:
        s.close()


def test_nan_is_a_string(bins):
    s = Solution(bins["nan"])
    try:
        s.line()
        s.send(1, "naive_softmax_loss_and_gradient", naive_args())
        line = s.line()
        grad = strict_json(line)["result"]["grad_center_vec"]
        expect(grad[0] == "NaN" and all(isinstance(x, float) for x in grad[1:]),
               f"nan: grad_center_vec {grad}")
    finally:
        s.close()


def test_wrong_shape_is_sent_as_is(bins):
    s = Solution(bins["wrong_shape"])
    try:
        s.line()
        reply = s.result(1, "naive_softmax_loss_and_gradient", naive_args(d=3))
        grad = reply["result"]["grad_center_vec"]
        expect(len(grad) == 4, f"wrong_shape: {len(grad)} numbers for d = 3, expected d + 1 = 4")
    finally:
        s.close()


def test_crasher_dies_of_sigsegv(bins):
    s = Solution(bins["crasher"])
    try:
        s.line()
        s.send(1, "naive_softmax_loss_and_gradient", naive_args())
        line = s.line()
        expect(line is None, f"crasher replied {line!r}")
        expect(s.wait() == -signal.SIGSEGV, f"crasher: exit status {s.status}, expected −SIGSEGV")
    finally:
        s.close()


def test_early_exit_status(bins):
    s = Solution(bins["early_exit"])
    try:
        s.line()
        args = {"center_idx": 0, "context_indices": [1], "center_vectors": matrix(np.eye(2)),
                "outside_vectors": matrix(np.eye(2)), "loss": "naive_softmax",
                "negatives_per_context": [[]]}
        s.send(1, "skipgram", args)
        expect(s.line() is None, "early_exit replied")
        expect(s.wait() == 3, f"early_exit: exit status {s.status}, expected 3")
    finally:
        s.close()


def test_eof_ends_with_status_0(bins):
    s = Solution(bins["correct"])
    try:
        s.line()
        # Two requests in one write, the last without '\n': both are served.
        s.send_raw('{"id": 1, "function": "sigmoid", "args": {"x": [0]}}\n'
                   '{"id": 2, "function": "sigmoid", "args": {"x": [0]}}')
        os.close(s.requests)
        s.requests = os.open(os.devnull, os.O_WRONLY)
        ids = [s.reply()["id"], s.reply()["id"]]
        expect(ids == [1, 2], f"pipelined replies {ids}")
        expect(s.line() is None, "reply after end of requests")
        expect(s.wait() == 0, f"exit status {s.status} at end of requests, expected 0")
    finally:
        s.close()


def test_run_by_hand(bins):
    run = subprocess.run([bins["correct"]], capture_output=True, text=True, timeout=READ_TIMEOUT)
    expect(run.returncode == 2, f"without fds 3/4: exit status {run.returncode}, expected 2")
    expect("this program is a w2v-gradcheck solution; it is run by the harness: "
           "w2v-gradcheck grade --solution <path>" in run.stderr,
           f"without fds 3/4: stderr {run.stderr!r}")


def test_bad_requests_keep_serving(bins):
    bad_matrix = dict(naive_args(), outside_vectors={"rows": 5, "cols": 3, "data": [0.0] * 14})
    cases = [
        ("this is not json\n", None, "bad_request", "not valid JSON"),
        ('{"id": 3, "function": "sigmoid", "args": {}}\n', 3, "bad_request", "args.x"),
        ('{"id": 4, "function": "sigmoid", "args": {"x": [1, "one"]}}\n', 4, "bad_request",
         "args.x[1]"),
        ('{"id": "5", "function": "sigmoid", "args": {"x": []}}\n', None, "bad_request", "id"),
        ('{"id": 6, "args": {"x": []}}\n', 6, "bad_request", "function"),
        ('{"id": 7, "function": "relu", "args": {"x": []}}\n', 7, "not_implemented", "relu"),
        (request_line(8, "naive_softmax_loss_and_gradient", bad_matrix), 8, "bad_request",
         "args.outside_vectors.data: expected 15 numbers"),
        (request_line(9, "naive_softmax_loss_and_gradient", dict(naive_args(), outside_idx=-1)), 9,
         "bad_request", "args.outside_idx"),
        ('{"id": 10, "function": "skipgram", "args": {"center_idx": 0, "context_indices": [],'
         ' "center_vectors": {"rows": 0, "cols": 0, "data": []},'
         ' "outside_vectors": {"rows": 0, "cols": 0, "data": []}, "loss": "hinge"}}\n',
         10, "bad_request", "args.loss"),
        ("\n", None, "bad_request", "not valid JSON"),
    ]
    s = Solution(bins["correct"])
    try:
        s.line()
        for line, request_id, kind, fragment in cases:
            s.send_raw(line)
            reply = s.reply()
            expect(reply.get("id") == request_id and reply.get("ok") is False
                   and reply["error"]["kind"] == kind and fragment in reply["error"]["message"],
                   f"request {line.strip()!r}: reply {reply}, "
                   f"expected {kind} mentioning {fragment!r}")
        value = s.result(11, "sigmoid", {"x": [0.0]})["result"]["value"]
        expect(value == [0.5], f"after bad requests: sigmoid(0) = {value}")
    finally:
        s.close()


def test_prints_stay_in_the_log(bins):
    s = Solution(bins["prints"])
    try:
        s.line()
        for i in range(3):
            value = s.result(i, "sigmoid", {"x": [0.0, 2.0]})["result"]["value"]
            close("prints sigmoid", value, sigmoid([0.0, 2.0]))
        log = s.log_text()
        expect(log.count("debug: x(") == 600 and "sigmoid: entry 1 done" in log,
               f"prints: log has {log.count('debug: x(')} debug lines, expected 600")
    finally:
        s.close()


def test_garbage_precedes_the_reply(bins):
    args = {"center_idx": 0, "context_indices": [1], "center_vectors": matrix(np.eye(2)),
            "outside_vectors": matrix(np.eye(2)), "loss": "naive_softmax",
            "negatives_per_context": [[]]}
    s = Solution(bins["garbage"])
    try:
        s.line()
        s.send(1, "skipgram", args)
        junk = s.line()
        expect(junk == "not json {{{", f"garbage: first line {junk!r}")
        reply = s.reply()
        expect(reply["id"] == 1 and reply["ok"] is True, f"garbage: reply {reply}")
    finally:
        s.close()


def test_hanger_never_replies(bins):
    s = Solution(bins["hanger"])
    try:
        s.line()
        s.send(1, "neg_sampling_loss_and_gradient", dict(naive_args(), negative_indices=[0]))
        try:
            line = s.line(timeout=1.0)
        except Failure:
            line = "(timed out)"
        expect(line == "(timed out)", f"hanger replied {line!r}")
    finally:
        s.close()


def test_memory_hog(bins):
    args = dict(naive_args(), negative_indices=[0])
    for limit, fragment in [(2 << 30, "std::bad_alloc"), (None, "refusing")]:
        s = Solution(bins["memory_hog"], address_space=limit)
        try:
            s.line()
            reply = s.call(1, "neg_sampling_loss_and_gradient", args)
            expect(reply["ok"] is False and reply["error"]["kind"] == "exception"
                   and fragment in reply["error"]["message"],
                   f"memory_hog with RLIMIT_AS {limit}: {reply}")
        finally:
            s.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin-dir", required=True)
    options = parser.parse_args()
    names = ["correct", "template", "mutates_input", "nan", "wrong_shape", "crasher", "early_exit",
             "prints", "garbage", "hanger", "memory_hog"]
    bins = {name: os.path.join(options.bin_dir, f"solution_{name}") for name in names}
    missing = [path for path in bins.values() if not os.access(path, os.X_OK)]
    if missing:
        print(f"missing solution binaries (build the solution_* targets): {missing}")
        return 1
    tests = [(name, fn) for name, fn in globals().items() if name.startswith("test_")]
    failed = 0
    for name, fn in tests:
        try:
            fn(bins)
            print(f"ok    {name}")
        except Failure as e:
            failed += 1
            print(f"FAIL  {name}: {e}")
        except Exception as e:  # a crash of the test itself is a failure too, never a hang
            failed += 1
            print(f"FAIL  {name}: {type(e).__name__}: {e}")
    print(f"{len(tests) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
