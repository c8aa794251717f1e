#include "checks/shape_sampler.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <stdexcept>

#include "reference/neg_sampling.hpp"

namespace w2v {

namespace {

// Uniform integer in [lo, hi] from mt19937_64's specified output only (the
// standard distributions differ between library implementations).
arma::uword uniform_int(std::mt19937_64& rng, arma::uword lo, arma::uword hi) {
  return lo + static_cast<arma::uword>(uniform01(rng) * static_cast<double>(hi - lo + 1));
}

double log_uniform(std::mt19937_64& rng, double lo, double hi) {
  return lo * std::pow(hi / lo, uniform01(rng));
}

// Box–Muller, for the same portability reason.
double standard_normal(std::mt19937_64& rng) {
  const double u1 = 1.0 - uniform01(rng), u2 = uniform01(rng);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

arma::mat normal_matrix(std::mt19937_64& rng, arma::uword rows, arma::uword cols) {
  arma::mat m(rows, cols);
  for (double& v : m) v = standard_normal(rng);
  return m;
}

Shape edge_shape(std::size_t k) {
  auto s = [](arma::uword V, arma::uword d, arma::uword K, arma::uword m, double smax) {
    Shape sh;
    sh.family = "edge";
    sh.V = V, sh.d = d, sh.K = K, sh.window = m, sh.max_score = smax;
    return sh;
  };
  Shape sh;
  switch (k) {
    case 0: sh = s(1, 1, 1, 1, 1.0); break;   // the smallest problem there is
    case 1: sh = s(2, 1, 1, 1, 2.0); break;
    case 2: sh = s(1, 5, 3, 2, 3.0); break;   // V=1: every word is o = c
    case 3: sh = s(5, 1, 4, 1, 2.0); break;   // d=1
    case 4: sh = s(2, 3, 1, 1, 1.5); sh.outside_is_center = true; break;
    case 5: sh = s(5, 3, 10, 2, 3.0); sh.repeated_negatives = sh.negatives_contain_center = true; break;
    case 6: sh = s(6, 4, 5, 3, 2.0); sh.identical_context = true; break;
    case 7: sh = s(10, 3, 1, 1, 2.0); break;  // K=1, window of one word each side
    case 8: sh = s(4, 2, 10, 2, 2.0); sh.outside_is_center = sh.repeated_negatives = true; break;
    case 9: sh = s(3, 3, 2, 1, 1e-3); break;  // near-zero scores: ŷ ≈ uniform
    case 10: sh = s(8, 2, 5, 2, 30.0); break; // saturating
    case 11: sh = s(50, 10, 10, 5, 30.0); sh.negatives_contain_center = true; break;
    default: throw std::out_of_range("edge_shape: no such edge case");
  }
  return sh;
}

constexpr std::size_t kEdgeShapes = 12;

}  // namespace

std::size_t edge_shape_count() { return kEdgeShapes; }

std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t stream_id(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char ch : text) h = (h ^ static_cast<unsigned char>(ch)) * 0x100000001b3ULL;
  return h;
}

std::string Shape::describe() const {
  std::string out = fmt::format("V={} d={} K={} m={} |s|max={:.3g}", V, d, K, window, max_score);
  if (outside_is_center) out += " o=c";
  if (negatives_contain_center) out += " neg∋c";
  if (repeated_negatives) out += " repeats";
  if (identical_context) out += " same-context";
  return fmt::format("{} ({})", out, family);
}

ShapeCase sample_shape(std::uint64_t run_seed, std::size_t index) {
  ShapeCase sc;
  sc.index = index;
  sc.seed = mix_seed(run_seed, index);
  if (index < kEdgeShapes) {
    sc.shape = edge_shape(index);
    return sc;
  }
  std::mt19937_64 rng(mix_seed(sc.seed, 0xfa));
  const double u = uniform01(rng);
  Shape& sh = sc.shape;
  if (u < 0.75) {
    sh.family = "course";
    sh.V = uniform_int(rng, 5, 50);
    sh.d = uniform_int(rng, 3, 10);
    sh.K = uniform01(rng) < 0.5 ? 10 : uniform_int(rng, 1, 15);
    sh.window = uniform_int(rng, 1, 5);
    sh.max_score = log_uniform(rng, 1e-2, 10.0);
  } else if (u < 0.92) {
    sh.family = "saturating";
    sh.V = uniform_int(rng, 2, 50);
    sh.d = uniform_int(rng, 1, 10);
    sh.K = uniform_int(rng, 1, 15);
    sh.window = uniform_int(rng, 1, 3);
    sh.max_score = 10.0 + 20.0 * uniform01(rng);
  } else {
    sh.family = "large";
    sh.V = uniform_int(rng, 500, 1500);
    sh.d = uniform_int(rng, 30, 60);
    sh.K = 10;
    sh.window = uniform_int(rng, 1, 2);
    sh.max_score = log_uniform(rng, 0.5, 10.0);
  }
  sh.outside_is_center = uniform01(rng) < 0.1;
  // With o = c the sampler rejects c like any draw of o, so the flag cannot
  // hold there; the draw is still made, keeping every later draw of the seed.
  sh.negatives_contain_center = uniform01(rng) < 0.3 && !sh.outside_is_center;
  sh.repeated_negatives = uniform01(rng) < 0.3;
  sh.identical_context = uniform01(rng) < 0.05;
  return sc;
}

std::vector<ShapeCase> sample_shapes(std::uint64_t run_seed, std::size_t count) {
  std::vector<ShapeCase> out;
  out.reserve(count);
  for (std::size_t k = 0; k < count; ++k) out.push_back(sample_shape(run_seed, k));
  return out;
}

namespace {

// K negatives for outside word o with CS224n's sampler, then the shape's flags
// forced in. With V = 1 no word but o exists; CS224n's sampler would loop
// forever, so the negatives are K copies of o (the reference accumulates both
// terms in row o, see neg_sampling.hpp).
arma::uvec draw_negatives(const Shape& sh, arma::uword o, arma::uword c, const arma::vec& weights,
                          std::mt19937_64& rng) {
  if (sh.V == 1) return arma::uvec(sh.K, arma::fill::value(o));
  arma::uvec neg = sample_negative_indices(o, sh.K, weights, rng);
  // Repeat first, then put c in: forcing c first could let the repeat
  // overwrite the only c.
  if (sh.repeated_negatives && sh.K >= 2) neg[sh.K - 1] = neg[0];
  if (sh.negatives_contain_center && c != o && sh.K >= 1 && !arma::any(neg == c)) {
    neg[0] = c;
    if (sh.repeated_negatives && sh.K >= 2) neg[sh.K - 1] = c;
  }
  return neg;
}

}  // namespace

Word2vecInputs make_inputs(const ShapeCase& sc) {
  const Shape& sh = sc.shape;
  if (sh.V == 0 || sh.d == 0)
    throw std::invalid_argument(fmt::format("make_inputs: empty shape {} (seed {})",
                                            sh.describe(), sc.seed));
  std::mt19937_64 rng(sc.seed);
  Word2vecInputs in;
  in.center_idx = uniform_int(rng, 0, sh.V - 1);
  in.outside_idx = in.center_idx;
  if (!sh.outside_is_center && sh.V >= 2)
    while (in.outside_idx == in.center_idx) in.outside_idx = uniform_int(rng, 0, sh.V - 1);

  in.center_vectors = normal_matrix(rng, sh.V, sh.d);
  in.outside_vectors = normal_matrix(rng, sh.V, sh.d);
  // Scale U and v_c by the same factor so max_w |u_wᵀv_c| hits max_score exactly:
  // the saturating families then really saturate.
  const double s_max =
      arma::abs(in.outside_vectors * in.center_vectors.row(in.center_idx).t()).max();
  const double factor = std::sqrt(sh.max_score / std::max(s_max, 1e-300));
  in.center_vectors *= factor;
  in.outside_vectors *= factor;

  arma::vec weights(sh.V);  // unigram counts^0.75, as in the course's sampling table
  for (double& w : weights) w = std::pow(static_cast<double>(uniform_int(rng, 1, 20)), 0.75);
  in.negatives = draw_negatives(sh, in.outside_idx, in.center_idx, weights, rng);

  in.context.set_size(2 * sh.window);
  for (arma::uword& w : in.context) w = uniform_int(rng, 0, sh.V - 1);
  if (sh.identical_context) in.context.fill(in.context[0]);
  for (const arma::uword w : in.context)
    in.negatives_per_context.push_back(draw_negatives(sh, w, in.center_idx, weights, rng));

  // Activation inputs spread over ±max_score but at least 0.01 from 0: that is
  // over 1000 central-difference steps from the ReLU kink.
  in.activations_input.set_size(sh.d);
  for (double& x : in.activations_input) {
    const double m = 0.01 + std::abs(standard_normal(rng)) * std::max(sh.max_score, 0.1) / 2;
    x = uniform01(rng) < 0.5 ? -m : m;
  }
  return in;
}

std::string Word2vecInputs::describe() const {
  auto list = [](const arma::uvec& v) {
    return fmt::format("[{}]", fmt::join(v.begin(), v.end(), " "));
  };
  return fmt::format("c={} o={} negatives={} context={}", center_idx, outside_idx, list(negatives),
                     list(context));
}

}  // namespace w2v
