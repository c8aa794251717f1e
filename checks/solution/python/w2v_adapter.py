#!/usr/bin/env python3
"""Serves the w2v-gradcheck solution protocol (docs/protocol.md) for a CS224n
Assignment 2 `word2vec.py`, imported as the student wrote it.

Guarantee: every request read from fd 3 gets exactly one JSON line on fd 4,
whatever the student's code does (raise, print, return lists, float32, the
wrong tuple, mutate its inputs); only a hang or a hard crash of the interpreter
goes unanswered, and the harness's timeout covers those.

How to use: the harness runs it,
    python3 checks/solution/python/w2v_adapter.py path/to/word2vec.py
with the request pipe on fd 3 and the reply pipe on fd 4
(`w2v-gradcheck grade --python path/to/word2vec.py`).

Standard library and numpy only. Everything the adapter needs is imported
before the student's directory goes on sys.path, so a student file named like
a standard module cannot shadow the adapter's own imports.
"""
import contextlib
import functools
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import json
import linecache
import math
import os
import random
import re
import sys
import traceback

PROTOCOL = 1
REQUEST_FD = 3
REPLY_FD = 4

# Protocol function name -> names the student's module may define, in order.
STUDENT_NAMES = {
    "sigmoid": ("sigmoid",),
    "sigmoid_grad": ("sigmoid_grad", "sigmoidGrad"),
    "naive_softmax_loss_and_gradient": ("naiveSoftmaxLossAndGradient",),
    "neg_sampling_loss_and_gradient": ("negSamplingLossAndGradient",),
    "skipgram": ("skipgram",),
}

# What each loss function returns, for messages.
TRIPLE_WORDS = "(loss, gradCenterVec, gradOutsideVecs)"
SKIPGRAM_WORDS = "(loss, gradCenterVecs, gradOutsideVectors)"

# Module-level samplers watched during each call: a solution must draw its
# negatives through dataset.sampleTokenIdx(), or its results are not the ones
# the harness computed numerical gradients for.
NUMPY_RANDOM_NAMES = ("randint", "choice", "rand", "randn", "random", "random_sample",
                      "permutation", "shuffle", "ranf", "sample", "uniform", "normal",
                      "random_integers", "default_rng")
PY_RANDOM_NAMES = ("randint", "choice", "random", "randrange", "sample", "shuffle",
                   "uniform", "choices")

STARTER_BEGIN = re.compile(r"^#+\s*YOUR CODE HERE", re.IGNORECASE)
STARTER_END = re.compile(r"^#+\s*END YOUR CODE", re.IGNORECASE)

np = None  # numpy, imported in main() so its absence can be reported in the handshake


# ---------------------------------------------------------------------------
# Errors a call can end with (kinds of docs/protocol.md).

class CallError(Exception):
    def __init__(self, kind, message, tb=None):
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.tb = tb


class BadRequest(Exception):
    pass


class SampleOverrun(RuntimeError):
    """The solution drew more negatives than the harness supplied."""


# ---------------------------------------------------------------------------
# Stand-ins for the course's utils package, used only when the student's
# directory has none (the course's word2vec.py imports from it at the top).

def _fallback_softmax(x):
    """Stable softmax like the course's utils.utils.softmax: rows of a 2-D
    array, the whole of a 1-D one. Unlike the course's, it leaves x unchanged."""
    x = np.asarray(x)
    if x.ndim > 1:
        z = np.exp(x - np.max(x, axis=1, keepdims=True))
        return z / np.sum(z, axis=1, keepdims=True)
    z = np.exp(x - np.max(x))
    return z / np.sum(z)


def _fallback_normalizeRows(x):
    """Rows scaled to unit length, like the course's utils.utils.normalizeRows."""
    x = np.asarray(x)
    return x / np.sqrt(np.sum(x ** 2, axis=1, keepdims=True))


def _fallback_gradcheck_naive(f, x, gradientText=""):
    print("w2v_adapter: utils.gradcheck stand-in, gradcheck_naive not run (%s)" % gradientText)


def _fallback_grad_tests(*args, **kwargs):
    print("w2v_adapter: utils.gradcheck stand-in, grad_tests_* not run")


FALLBACK_CONTENTS = {
    "utils": {},
    "utils.utils": {"softmax": _fallback_softmax, "normalizeRows": _fallback_normalizeRows},
    "utils.gradcheck": {"gradcheck_naive": _fallback_gradcheck_naive,
                        "grad_tests_softmax": _fallback_grad_tests,
                        "grad_tests_negsamp": _fallback_grad_tests},
}


class FallbackUtils(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Supplies utils / utils.utils / utils.gradcheck when the student's
    directory does not: the student's own files always win, and a `utils`
    installed elsewhere (an unrelated PyPI package) never does."""

    def __init__(self, student_dir):
        self.student_dir = student_dir
        self.used = []

    def _student_has_utils(self):
        return (os.path.isdir(os.path.join(self.student_dir, "utils"))
                or os.path.isfile(os.path.join(self.student_dir, "utils.py")))

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in FALLBACK_CONTENTS:
            return None
        if fullname == "utils":
            if self._student_has_utils():
                return None  # the path finder finds it: the student's dir is first on sys.path
        else:
            parent = sys.modules.get("utils")
            if parent is not None and getattr(parent, "__loader__", None) is not self:
                spec = importlib.machinery.PathFinder.find_spec(fullname, path)
                if spec is not None:
                    return spec
        return importlib.util.spec_from_loader(fullname, self, is_package=(fullname == "utils"))

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        module.__dict__.update(FALLBACK_CONTENTS[module.__name__])
        if module.__name__ != "utils":
            self.used.append(module.__name__)

    def notes(self):
        texts = {
            "utils.utils": "utils.utils: none next to the solution; used the adapter's stand-in "
                           "(softmax: max-shifted, rows of a 2-D array; normalizeRows)",
            "utils.gradcheck": "utils.gradcheck: none next to the solution; used the adapter's "
                               "stand-in (gradcheck_naive, grad_tests_softmax, grad_tests_negsamp "
                               "do nothing)",
        }
        return [texts[name] for name in self.used]


# ---------------------------------------------------------------------------
# Values: requests in, results out.

def _number(value, where):
    if isinstance(value, bool):
        raise BadRequest("%s: expected a number, got a boolean" % where)
    if isinstance(value, (int, float)):
        return float(value)
    special = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
    if isinstance(value, str) and value in special:
        return special[value]
    raise BadRequest("%s: expected a number, got %r" % (where, value))


def read_vector(args, name):
    value = _arg(args, name)
    if not isinstance(value, list):
        raise BadRequest("args.%s: expected an array of numbers" % name)
    return np.array([_number(v, "args." + name) for v in value], dtype=np.float64)


def read_matrix(args, name):
    value = _arg(args, name)
    if not isinstance(value, dict) or not {"rows", "cols", "data"} <= value.keys():
        raise BadRequest('args.%s: expected {"rows", "cols", "data"}' % name)
    rows, cols, data = value["rows"], value["cols"], value["data"]
    for what, n in (("rows", rows), ("cols", cols)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise BadRequest("args.%s.%s: expected a non-negative integer" % (name, what))
    if not isinstance(data, list):
        raise BadRequest("args.%s.data: expected an array of numbers" % name)
    if len(data) != rows * cols:
        raise BadRequest("args.%s.data: expected %d numbers (rows %d \u00d7 cols %d), got %d"
                         % (name, rows * cols, rows, cols, len(data)))
    flat = np.array([_number(v, "args.%s.data" % name) for v in data], dtype=np.float64)
    return flat.reshape(rows, cols)


def read_index(value, name, limit):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadRequest("args.%s: expected a non-negative integer, got %r" % (name, value))
    if value >= limit:
        raise BadRequest("args.%s: index %d out of range for V = %d" % (name, value, limit))
    return value


def read_indices(value, name, limit):
    if not isinstance(value, list):
        raise BadRequest("args.%s: expected an array of indices" % name)
    return [read_index(v, name, limit) for v in value]


def _arg(args, name):
    if name not in args:
        raise BadRequest("args.%s: missing" % name)
    return args[name]


def _encode_floats(values):
    """Python floats for json; non-finite entries as the protocol's strings."""
    if np.all(np.isfinite(values)):
        return values.tolist()
    out = []
    for v in values.tolist():
        if math.isnan(v):
            out.append("NaN")
        elif math.isinf(v):
            out.append("Infinity" if v > 0 else "-Infinity")
        else:
            out.append(v)
    return out


def _describe(value):
    if isinstance(value, np.ndarray):
        return "a numpy array of shape %s, dtype %s" % (tuple(value.shape), value.dtype)
    if isinstance(value, (list, tuple)):
        return "a %s of %d values" % (type(value).__name__, len(value))
    if value is None:
        return "None"
    return "a %s (%r)" % (type(value).__name__, value if len(repr(value)) < 60 else "...")


class Converter:
    """Turns what a student function returned into protocol values, collecting
    warnings (float32) and raising CallError("bad_result") with a message
    that names the function, the output and what it was."""

    def __init__(self, function):
        self.function = function
        self.warnings = []

    def _array(self, value, name):
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError) as exc:
            raise CallError("bad_result", "%s returned %s as %s, which is not a numeric array (%s)"
                            % (self.function, name, _describe(value), exc))
        if arr.dtype.kind not in "iuf":
            raise CallError("bad_result", "%s returned %s with non-numeric contents (%s)"
                            % (self.function, name, _describe(value)))
        if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:
            self.warnings.append(
                "%s is %s: compute in float64 (single precision, ~1e-7 relative, is too "
                "coarse for gradient checks)" % (name, arr.dtype))
        return arr.astype(np.float64)

    def scalar(self, value, name):
        arr = self._array(value, name)
        if arr.size != 1:
            raise CallError("bad_result", "%s returned %s of shape %s, expected a scalar"
                            % (self.function, name, tuple(arr.shape)))
        return _encode_floats(arr.reshape(1))[0]

    def vector(self, value, name):
        arr = self._array(value, name)
        if arr.ndim > 1 and sum(n != 1 for n in arr.shape) > 1:
            raise CallError("bad_result", "%s returned %s of shape %s, expected a vector"
                            % (self.function, name, tuple(arr.shape)))
        return _encode_floats(arr.reshape(-1))

    def matrix(self, value, name):
        arr = self._array(value, name)
        if arr.ndim != 2:
            raise CallError("bad_result", "%s returned %s of shape %s, expected a (V, d) matrix"
                            % (self.function, name, tuple(arr.shape)))
        rows, cols = arr.shape
        return {"rows": int(rows), "cols": int(cols), "data": _encode_floats(arr.reshape(-1))}

    def triple(self, value, words):
        if not isinstance(value, (tuple, list)):
            raise CallError("bad_result", "%s returned %s, expected a tuple %s"
                            % (self.function, _describe(value), words))
        if len(value) != 3:
            raise CallError("bad_result", "%s returned a %s of %d value%s, expected %s"
                            % (self.function, type(value).__name__, len(value),
                               "" if len(value) == 1 else "s", words))
        return value


# ---------------------------------------------------------------------------
# Calling the student's functions.

class ReplayDataset:
    """The `dataset` argument: sampleTokenIdx() replays the harness's negative
    samples in order, so the solution's own getNegativeSamples yields exactly
    them (the harness never sends the outside word among them)."""

    def __init__(self, vocabulary_size):
        self._vocabulary_size = vocabulary_size
        self._draws = []
        self._next = 0

    def replay(self, draws):
        self._draws = list(draws)
        self._next = 0

    def draws_left(self):
        return len(self._draws) - self._next

    def sampleTokenIdx(self):
        if self._next >= len(self._draws):
            raise SampleOverrun(
                "sampleTokenIdx() called more than K times (K = %d): the harness supplies "
                "exactly K negative samples per call and passes K to negSamplingLossAndGradient"
                % len(self._draws))
        draw = self._draws[self._next]
        self._next += 1
        return draw

    def tokens(self):
        return {"w%d" % i: i for i in range(self._vocabulary_size)}

    def getRandomContext(self, C=5):
        raise RuntimeError("dataset.getRandomContext() is not available while grading")


def _student_traceback(exc):
    """The traceback from the student's code on: adapter and importlib frames dropped."""
    te = traceback.TracebackException.from_exception(exc)
    here = os.path.abspath(__file__)
    te.stack = traceback.StackSummary.from_list(
        [f for f in te.stack
         if os.path.abspath(f.filename) != here and not f.filename.startswith("<frozen")])
    return "".join(te.format())


def _starter_state(func):
    """(has the starter's '### YOUR CODE HERE' marker, every such block is empty)."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False, False
    found, inside, empty = False, False, True
    for line in source.splitlines():
        s = line.strip()
        if STARTER_BEGIN.match(s):
            found, inside = True, True
        elif STARTER_END.match(s):
            inside = False
        elif inside and s and not s.startswith("#") and s != "pass":
            empty = False
    return found, found and empty


def _same_bits(a, b):
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


def _all_zero(value):
    try:
        return all(np.all(np.asarray(v, dtype=np.float64) == 0) for v in value)
    except (TypeError, ValueError):
        return False


def _frozen(value):
    """A comparable copy of a generator's state (dicts, tuples, numpy arrays)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(v)) for key, v in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, np.ndarray):
        return (value.dtype.str, value.shape, value.tobytes())
    return value


def _generator_state(rng):
    if isinstance(rng, np.random.RandomState):
        return _frozen(rng.get_state())
    if isinstance(rng, np.random.Generator):
        return _frozen(rng.bit_generator.state)
    return _frozen(rng.getstate())


GLOBAL_GENERATORS = {"numpy.random": "numpy.random's global generator",
                     "random": "the random module's global generator"}


def _generators(student_module):
    """(label, generator) for each random generator a call could draw from
    without touching a watched sampler: the global ones behind the functions of
    numpy.random and random (np.random.binomial is not watched by name), and
    the RandomState, Generator and random.Random objects the student's module
    holds (their methods cannot be patched; their state shows a draw)."""
    found = [(label, rng) for label, rng in (("numpy.random", getattr(np.random.mtrand, "_rand", None)),
                                             ("random", getattr(random, "_inst", None)))
             if rng is not None]
    if student_module is not None:
        kinds = ((np.random.RandomState, "numpy.random.RandomState"),
                 (np.random.Generator, "numpy.random.Generator"),
                 (random.Random, "random.Random"))
        seen = {id(rng) for _, rng in found}
        for name, value in list(vars(student_module).items()):
            # SystemRandom has no state to compare (and no seed to replay).
            if id(value) in seen or isinstance(value, random.SystemRandom):
                continue
            for kind, kind_name in kinds:
                if isinstance(value, kind):
                    found.append(("%s (a %s)" % (name, kind_name), value))
                    seen.add(id(value))
                    break
    return found


@contextlib.contextmanager
def watch_random(student_module, counts, drawn):
    """Counts calls of the module-level samplers of numpy.random and random,
    also where the student imported them by name, and restores them
    afterwards; lists in `drawn` the other generators whose state the call
    changed (see _generators)."""
    generators = []
    for label, rng in _generators(student_module):
        try:
            generators.append((label, rng, _generator_state(rng)))
        except Exception:
            pass
    patched = []  # (namespace, name, original, counting replacement)
    by_identity = {}
    for module, prefix, names in ((np.random, "numpy.random", NUMPY_RANDOM_NAMES),
                                  (random, "random", PY_RANDOM_NAMES)):
        for name in names:
            original = getattr(module, name, None)
            if original is None:
                continue

            def counted(*args, __original=original, __label="%s.%s" % (prefix, name), **kwargs):
                counts[__label] = counts.get(__label, 0) + 1
                return __original(*args, **kwargs)

            by_identity.setdefault(id(original), counted)
            patched.append((module.__dict__, name, original, counted))
    if student_module is not None:
        for name, value in list(vars(student_module).items()):
            if id(value) in by_identity and callable(value):
                patched.append((student_module.__dict__, name, value, by_identity[id(value)]))
    try:
        for namespace, name, _, replacement in patched:
            namespace[name] = replacement
        yield
    finally:
        for namespace, name, original, _ in patched:
            namespace[name] = original
        for label, rng, state in generators:
            try:
                changed = _generator_state(rng) != state
            except Exception:
                continue
            # A watched sampler's own draws are already counted by name.
            if changed and not any(called.startswith(label + ".") for called in counts):
                drawn.append(GLOBAL_GENERATORS.get(label, label))


class Solution:
    def __init__(self, module, notes):
        self.module = module
        self.notes = notes
        self.functions = {}
        for protocol_name, names in STUDENT_NAMES.items():
            for name in names:
                func = getattr(module, name, None)
                if callable(func):
                    self.functions[protocol_name] = (name, func)
                    break
        self.sigmoid_grad_takes_s = False
        if "sigmoid_grad" in self.functions:
            try:
                params = list(inspect.signature(self.functions["sigmoid_grad"][1]).parameters)
            except (TypeError, ValueError):
                params = []
            if params and params[0] == "s":
                self.sigmoid_grad_takes_s = True
                self.notes.append("%s(s) takes s = sigmoid(x) (the 2017 starter's convention): "
                                  "the adapter passes a stable sigmoid(x)"
                                  % self.functions["sigmoid_grad"][0])

    def student(self, protocol_name, needed_by=None):
        if protocol_name not in self.functions:
            names = " or ".join(STUDENT_NAMES[protocol_name])
            message = "%s is not defined in the solution" % names
            if needed_by:
                message = "%s needs %s, which is not defined in the solution" % (needed_by, names)
            raise CallError("not_implemented", message)
        return self.functions[protocol_name]

    def call(self, name, func, arrays, args, extra_warnings, explain=None):
        """Calls func(*args); arrays maps protocol argument names to the arrays
        among args, checked for in-place changes; explain() may add the cause
        of an exception the function raised. Returns (value, mutated) and
        sets self.used_random (whether the call drew from a generator)."""
        before = {key: value.copy() for key, value in arrays.items()}
        counts, drawn = {}, []
        self.used_random = False
        try:
            with watch_random(self.module, counts, drawn):
                value = func(*args)
        except NotImplementedError as exc:
            raise CallError("not_implemented", "%s raised NotImplementedError%s"
                            % (name, ": %s" % exc if str(exc) else ""))
        except (Exception, SystemExit) as exc:
            _, block_empty = _starter_state(func)
            if block_empty and isinstance(exc, (NameError, UnboundLocalError)):
                raise CallError("not_implemented", "%s is still the starter code: its "
                                "### YOUR CODE HERE block is empty (%s: %s)"
                                % (name, type(exc).__name__, exc))
            cause = explain() if explain else ""
            raise CallError("exception", "%s raised %s: %s%s" % (name, type(exc).__name__, exc,
                                                                 " (%s)" % cause if cause else ""),
                            _student_traceback(exc))
        finally:
            self.used_random = bool(counts or drawn)
            for label, n in sorted(counts.items()):
                extra_warnings.append(
                    "called %s during %s (%d time%s): use dataset.sampleTokenIdx() so results "
                    "are deterministic" % (label, name, n, "" if n == 1 else "s"))
            for label in drawn:
                extra_warnings.append("drew from %s during %s: use dataset.sampleTokenIdx() so "
                                      "results are deterministic" % (label, name))
        mutated = [key for key, copy in before.items() if not _same_bits(arrays[key], copy)]
        _, block_empty = _starter_state(func)
        if value is None:
            # The course's file keeps its ### YOUR CODE HERE markers once filled
            # in: only an empty block means unfinished.
            if block_empty:
                raise CallError("not_implemented", "%s returned None: its ### YOUR CODE HERE "
                                "block is empty" % name)
            raise CallError("bad_result", "%s returned None (a missing return statement?)" % name)
        if block_empty and isinstance(value, tuple) and _all_zero(value[1:]):
            raise CallError("not_implemented", "%s is still the starter code: its ### YOUR CODE "
                            "HERE block is empty and it returns zeros" % name)
        return value, mutated

    # -- the protocol's functions -------------------------------------------

    def sigmoid(self, args, warnings):
        x = read_vector(args, "x")
        name, func = self.student("sigmoid")
        value, mutated = self.call(name, func, {"x": x}, (x,), warnings)
        conv = Converter(name)
        result = {"value": conv.vector(value, "value")}
        return result, mutated, conv.warnings

    def sigmoid_grad(self, args, warnings):
        x = read_vector(args, "x")
        name, func = self.student("sigmoid_grad")
        if self.sigmoid_grad_takes_s:
            with np.errstate(over="ignore"):
                e = np.exp(-np.abs(x))
                s = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
            value, mutated = self.call(name, func, {"x": s}, (s,), warnings)
        else:
            value, mutated = self.call(name, func, {"x": x}, (x,), warnings)
        conv = Converter(name)
        return {"value": conv.vector(value, "value")}, mutated, conv.warnings

    def _word_loss_args(self, args):
        center = read_vector(args, "center_vec")
        outside = read_matrix(args, "outside_vectors")
        vocabulary, dim = outside.shape
        if center.shape[0] != dim:
            raise BadRequest("args.center_vec: length %d, but outside_vectors has %d columns"
                             % (center.shape[0], dim))
        o = read_index(_arg(args, "outside_idx"), "outside_idx", vocabulary)
        return center, o, outside

    def _triple_result(self, conv, value):
        loss, grad_center, grad_outside = conv.triple(value, TRIPLE_WORDS)
        return {"loss": conv.scalar(loss, "loss"),
                "grad_center_vec": conv.vector(grad_center, "grad_center_vec"),
                "grad_outside_vectors": conv.matrix(grad_outside, "grad_outside_vectors")}

    def naive_softmax_loss_and_gradient(self, args, warnings):
        center, o, outside = self._word_loss_args(args)
        name, func = self.student("naive_softmax_loss_and_gradient")
        dataset = ReplayDataset(outside.shape[0])
        value, mutated = self.call(name, func, {"center_vec": center, "outside_vectors": outside},
                                   (center, o, outside, dataset), warnings)
        conv = Converter(name)
        return self._triple_result(conv, value), mutated, conv.warnings

    def neg_sampling_loss_and_gradient(self, args, warnings):
        center, o, outside = self._word_loss_args(args)
        negatives = read_indices(_arg(args, "negative_indices"), "negative_indices",
                                 outside.shape[0])
        name, func = self.student("neg_sampling_loss_and_gradient")
        dataset = ReplayDataset(outside.shape[0])
        dataset.replay(negatives)
        value, mutated = self.call(name, func, {"center_vec": center, "outside_vectors": outside},
                                   (center, o, outside, dataset, len(negatives)), warnings)
        # Draws from another generator explain unused samples already.
        if dataset.draws_left() > 0 and not self.used_random:
            warnings.append("%s drew %d of the K = %d negative samples from "
                            "dataset.sampleTokenIdx()"
                            % (name, len(negatives) - dataset.draws_left(), len(negatives)))
        conv = Converter(name)
        return self._triple_result(conv, value), mutated, conv.warnings

    def skipgram(self, args, warnings):
        center_vectors = read_matrix(args, "center_vectors")
        outside = read_matrix(args, "outside_vectors")
        vocabulary, dim = outside.shape
        if center_vectors.shape != outside.shape:
            raise BadRequest("args.center_vectors: %dx%d, but outside_vectors is %dx%d"
                             % (center_vectors.shape + outside.shape))
        c = read_index(_arg(args, "center_idx"), "center_idx", vocabulary)
        context = read_indices(_arg(args, "context_indices"), "context_indices", vocabulary)
        loss_kind = _arg(args, "loss")
        if loss_kind not in ("naive_softmax", "neg_sampling"):
            raise BadRequest('args.loss: expected "naive_softmax" or "neg_sampling", got %r'
                             % (loss_kind,))
        per_context = args.get("negatives_per_context", [])
        if not isinstance(per_context, list):
            raise BadRequest("args.negatives_per_context: expected an array of index lists")
        per_context = [read_indices(v, "negatives_per_context", vocabulary) for v in per_context]
        if loss_kind == "neg_sampling" and len(per_context) != len(context):
            raise BadRequest("args.negatives_per_context: %d lists for %d context words"
                             % (len(per_context), len(context)))

        name, func = self.student("skipgram")
        replay = ReplayDataset(vocabulary)
        calls = [0]
        short = []  # (outside word j, draws taken, K) of calls that left samples unused
        returned_none = []  # names of word losses that returned None
        # The wrappers passed as word2vecLossAndGradient take the course's own
        # parameter names, so a skipgram calling them by keyword works.
        if loss_kind == "naive_softmax":
            naive_name, naive = self.student("naive_softmax_loss_and_gradient",
                                             needed_by="skipgram with naive softmax")

            @functools.wraps(naive)
            def word_loss(centerWordVec, outsideWordIdx, outsideVectors, dataset):
                calls[0] += 1
                result = naive(centerWordVec, outsideWordIdx, outsideVectors, dataset)
                if result is None:
                    returned_none.append(naive_name)
                return result
        else:
            neg_name, neg = self.student("neg_sampling_loss_and_gradient",
                                         needed_by="skipgram with negative sampling")

            @functools.wraps(neg)
            def word_loss(centerWordVec, outsideWordIdx, outsideVectors, dataset, K=10):
                # The harness's K and draws for this outside word, whatever the
                # student's skipgram passes: K=10 is the course's default.
                j = calls[0]
                calls[0] += 1
                if j >= len(per_context):
                    raise RuntimeError("word2vecLossAndGradient called more than "
                                       "len(outsideWords) = %d times" % len(per_context))
                replay.replay(per_context[j])
                result = neg(centerWordVec, outsideWordIdx, outsideVectors, replay,
                             len(per_context[j]))
                if result is None:
                    returned_none.append(neg_name)
                if replay.draws_left() > 0:
                    short.append((j, len(per_context[j]) - replay.draws_left(),
                                  len(per_context[j])))
                return result

        words = ["w%d" % j for j in context]
        word2ind = {"w%d" % i: i for i in range(vocabulary)}
        window = math.ceil(len(context) / 2)
        value, mutated = self.call(
            name, func, {"center_vectors": center_vectors, "outside_vectors": outside},
            ("w%d" % c, window, words, word2ind, center_vectors, outside, replay, word_loss),
            warnings,
            explain=lambda: "%s returned None inside skipgram (a missing return statement?)"
                            % returned_none[0] if returned_none else "")
        if calls[0] != len(context):
            warnings.append("skipgram called word2vecLossAndGradient %d time%s for %d outside "
                            "words" % (calls[0], "" if calls[0] == 1 else "s", len(context)))
        if short and not self.used_random:
            listed = ", ".join("%d of K = %d for outside word %d" % (taken, k, j)
                               for j, taken, k in short[:4])
            warnings.append("inside skipgram, %s drew fewer negative samples from "
                            "dataset.sampleTokenIdx() than supplied: %s%s"
                            % (neg_name, listed, ", …" if len(short) > 4 else ""))
        conv = Converter(name)
        loss, grad_center, grad_outside = conv.triple(value, SKIPGRAM_WORDS)
        result = {"loss": conv.scalar(loss, "loss"),
                  "grad_center_vectors": conv.matrix(grad_center, "grad_center_vectors"),
                  "grad_outside_vectors": conv.matrix(grad_outside, "grad_outside_vectors")}
        return result, mutated, conv.warnings


# ---------------------------------------------------------------------------
# The channel.

class Channel:
    def __init__(self):
        # Children the student starts (os.system, fork) must not hold our pipes
        # open, or the harness would never see end of file on them.
        os.set_inheritable(REQUEST_FD, False)
        os.set_inheritable(REPLY_FD, False)
        self.requests = os.fdopen(REQUEST_FD, "r", encoding="utf-8", errors="replace")
        self.replies = os.fdopen(REPLY_FD, "w", encoding="utf-8")

    def send(self, obj):
        # The student's output of this call lands in the log before its reply.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        try:
            line = json.dumps(obj, allow_nan=False)
        except (TypeError, ValueError) as exc:
            line = json.dumps({"id": obj.get("id"), "ok": False,
                               "error": {"kind": "bad_result",
                                         "message": "the adapter could not encode the reply: %s"
                                                    % exc}})
        try:
            self.replies.write(line + "\n")
            self.replies.flush()
        except BrokenPipeError:
            os._exit(0)  # the harness has gone; nothing left to answer


def serve(channel, solution):
    handlers = {name: getattr(solution, name) for name in STUDENT_NAMES}
    for line in channel.requests:
        request_id = None
        warnings = []
        try:
            # A blank line is a malformed request too: one reply per line, as
            # the C++ main gives (docs/protocol.md).
            if not line.strip():
                raise BadRequest("empty line: expected one JSON request per line")
            try:
                request = json.loads(line)
            except ValueError as exc:
                raise BadRequest("request is not JSON: %s" % exc)
            if not isinstance(request, dict):
                raise BadRequest("request is not a JSON object")
            request_id = request.get("id")
            if isinstance(request_id, bool) or not isinstance(request_id, int):
                request_id = None
                raise BadRequest('request has no integer "id"')
            function = request.get("function")
            if not isinstance(function, str):
                raise BadRequest('request has no "function" name')
            if function not in handlers:
                # A newer harness asking an older adapter: missing, not broken.
                raise CallError("not_implemented", "%s is not a function this adapter knows"
                                % function)
            args = request.get("args")
            if not isinstance(args, dict):
                raise BadRequest('request has no "args" object')
            result, mutated, result_warnings = handlers[function](args, warnings)
            reply = {"id": request_id, "ok": True, "result": result, "mutated": mutated}
            warnings.extend(result_warnings)
        except BadRequest as exc:
            reply = {"id": request_id, "ok": False,
                     "error": {"kind": "bad_request", "message": str(exc)}}
        except CallError as exc:
            error = {"kind": exc.kind, "message": exc.message}
            if exc.tb:
                error["traceback"] = exc.tb
            reply = {"id": request_id, "ok": False, "error": error}
        except Exception as exc:  # an adapter bug: still one reply per request
            reply = {"id": request_id, "ok": False,
                     "error": {"kind": "exception",
                               "message": "w2v_adapter failed: %s: %s" % (type(exc).__name__, exc),
                               "traceback": traceback.format_exc()}}
        if warnings:
            reply["warnings"] = warnings
        channel.send(reply)


def load_student(path):
    """Imports the student's file unchanged; returns (module, notes)."""
    path = os.path.abspath(path)
    student_dir = os.path.dirname(path)
    sys.dont_write_bytecode = True  # leave no __pycache__ in the student's directory
    sys.path.insert(0, student_dir)
    finder = FallbackUtils(student_dir)
    sys.meta_path.insert(0, finder)
    stem = os.path.splitext(os.path.basename(path))[0]
    name = stem if stem.isidentifier() and stem not in sys.modules else "w2v_student_solution"
    loader = importlib.machinery.SourceFileLoader(name, path)
    spec = importlib.util.spec_from_loader(name, loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    linecache.checkcache(path)
    spec.loader.exec_module(module)
    return module, finder.notes()


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        sys.stderr.write("usage: w2v_adapter.py path/to/word2vec.py\n"
                         "Run by the harness: w2v-gradcheck grade --python FILE\n")
        return 2
    try:
        os.fstat(REQUEST_FD)
        os.fstat(REPLY_FD)
    except OSError:
        sys.stderr.write("w2v_adapter.py speaks the w2v-gradcheck solution protocol on fds 3 and 4 "
                         "(docs/protocol.md); run it through the harness:\n"
                         "    w2v-gradcheck grade --python %s\n" % argv[1])
        return 2
    channel = Channel()
    try:
        sys.stdout.reconfigure(line_buffering=True)
    except Exception:
        pass

    global np
    try:
        import numpy
        np = numpy
    except ImportError as exc:
        channel.send({"protocol": PROTOCOL, "ready": False,
                      "error": {"kind": "import_error",
                                "message": "numpy is not installed for %s (%s): install "
                                           "python3-numpy" % (sys.executable, exc),
                                "traceback": traceback.format_exc()}})
        return 0

    try:
        module, notes = load_student(argv[1])
    except BaseException as exc:  # SyntaxError, ImportError, sys.exit() at import, ...
        if isinstance(exc, KeyboardInterrupt):
            raise
        channel.send({"protocol": PROTOCOL, "ready": False,
                      "error": {"kind": "import_error",
                                "message": "importing %s failed: %s: %s"
                                           % (argv[1], type(exc).__name__, exc),
                                "traceback": _student_traceback(exc)}})
        return 0

    solution = Solution(module, notes)
    handshake = {"protocol": PROTOCOL, "ready": True, "language": "python",
                 "functions": [name for name in STUDENT_NAMES if name in solution.functions]}
    if solution.notes:
        handshake["notes"] = solution.notes
    channel.send(handshake)
    serve(channel, solution)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
