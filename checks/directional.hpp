#pragma once
// Fast mode: compare directional derivatives instead of every coordinate, and
// localise wrong coordinates by group testing.
//
// A direction r (standard Gaussian entries on a block B of coordinates, zero
// elsewhere) gives φ(t) = J(x + t·r). A test on B passes when
//
//   |φ'(0) − aᵀr| ≤ safety·e
//
// with φ'(0) the central difference of φ at h = s/‖r‖ (s the coordinate step
// scale of finite_difference.hpp, ‖r‖ taken as √|B|) and e its error estimate
// (Richardson term + round-off bound); the tolerance never depends on the
// analytic gradient a. A wrong coordinate i with error δ_i shifts aᵀr by
// r_i·δ_i and escapes one test with `directions` independent directions with
// probability ≤ (0.80·safety·e/|δ_i|)^directions (derivation in directional.cpp).
// Blocks that fail are halved, each half tested with fresh directions, down to
// single coordinates, which are tested with r = e_i (the coordinate's own
// central difference): at most 1 + 2·k·⌈log₂ P⌉ tests for k wrong among P.
//
//   w2v::LineLossFactory line = w2v::structured_line(view, w2v::LossBlock::outside_vectors);
//   w2v::FastResult r = w2v::fast_check(line, analytic, w2v::FastOptions{});
#include <armadillo>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checks/finite_difference.hpp"
#include "checks/structured_fd.hpp"

namespace w2v {

// Entry j of the direction with key `key`: a standard normal computed from a
// counter-based hash of (key, j), so a 30M-entry direction is never stored and
// every line factory regenerates the same values in any order or thread.
double direction_value(std::uint64_t key, arma::uword j);

// A direction on a block of coordinates of the parameter (linear indices,
// column-major): r_j = direction_value(key, j) on the block (1 when `unit`),
// zero elsewhere.
struct Direction {
  const arma::uword* indices = nullptr;  // sorted block; null: [first, first + count)
  arma::uword first = 0, count = 0;
  std::uint64_t key = 0;
  bool unit = false;  // r = e_j: only for blocks of one coordinate
  arma::uword index(arma::uword k) const { return indices ? indices[k] : first + k; }
  double value(arma::uword j) const { return unit ? 1.0 : direction_value(key, j); }
};

// φ(t) = J(x + t·r) for one direction, and aᵀr for the analytic gradient `a`
// passed to the factory: the set-up visits each entry of r once for both.
using LineLoss = std::function<double(double t)>;
struct Line {
  LineLoss phi;
  double slope = 0.0;  // aᵀr
};
using LineLossFactory = std::function<Line(const Direction& r, const arma::mat& analytic)>;

// Any J: each φ(t) perturbs the factory's private copy of x and restores it
// bit for bit (cost: one evaluation of J). Lines of one factory share the
// copy: call them from one thread at a time.
LineLossFactory black_box_line(std::function<double(const arma::mat&)> loss, arma::mat x);
// The reference losses (either block): set-up is O(|B|) for the outside block
// (q_w = Σ_i r_{w,i}·v_c[i]) and O(V·|B|) for the center block (q = U r), split
// over threads for large blocks; then φ(t) costs O(rows touched by r) for
// naive softmax (log1p(Σ ŷ_w·expm1(t·q_w)), a log-sum-exp over s + t·q when
// |t·q| is large) and O(K) for negative sampling. Stable for |s| up to 700.
// The referenced values of the view must outlive the factory and its lines.
LineLossFactory structured_line(const ReferenceLossView& loss, LossBlock block);

struct FastOptions {
  std::size_t directions = 2;  // independent Gaussian directions per tested block
  std::uint64_t seed = 1;      // seeds the mt19937_64 that draws each direction's key
  double safety = 10.0;        // a test fails when |φ'(0) − aᵀr| > safety·e
  FdOptions fd;                // stencil and step scale s; h = s/√|B| as a power of two
  std::size_t max_wrong = 64;  // stop localising after this many coordinates
};

struct FastResult {
  bool passed = true;                      // every whole-block test agreed
  std::vector<arma::uword> wrong;          // localised coordinates, sorted
  std::vector<double> wrong_numeric;       // central difference at each (same order)
  bool localisation_complete = true;       // false when max_wrong cut it short
  std::size_t tests = 0, evaluations = 0;  // block tests, φ evaluations
  double worst_ratio = 0.0;  // max |φ'(0) − aᵀr| / (safety·e) of the whole-block tests
  double tolerance = 0.0;    // largest safety·e of any Gaussian-direction test
  std::string guarantee;     // the false-alarm rule and the miss probability, in words
};

// Miss-probability bound for one wrong coordinate with error delta, given the
// result of a fast_check over `coordinates` entries (the formula `guarantee`
// states): min(1, ⌈log₂ P⌉·(2·tolerance/(|δ|·√(2π)))^directions).
double miss_probability_bound(const FastResult& result, const FastOptions& options,
                              arma::uword coordinates, double delta);

// `coordinates` (empty: all of analytic) are the entries under test.
FastResult fast_check(const LineLossFactory& line, const arma::mat& analytic,
                      const FastOptions& options, arma::uvec coordinates = {});

// Black-box exhaustive central differences split over `threads` (0: the
// hardware's count) contiguous ranges of `coordinates`, each thread with its
// own copy of x; `loss` must be safe to call concurrently (with OpenBLAS, call
// configure_process_for_checks() first: its threads spin against these).
// Every entry is bitwise what numerical_gradient gives, for every thread count.
NumericalGradient numerical_gradient_parallel(const std::function<double(const arma::mat&)>& loss,
                                              const arma::mat& x, const FdOptions& options,
                                              arma::uvec coordinates, unsigned threads);

}  // namespace w2v
