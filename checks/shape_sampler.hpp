#pragma once
// Seeded shapes for the checks (DESIGN.md §4). Case k of a run depends only on
// (run seed, k): the first cases are fixed edge shapes (V=1, d=1, V=2, K=1,
// window of one word, identical context words, o=c, negatives containing c and
// repeats, near-zero and saturating scores); later cases draw from the course,
// saturating and large families. So `--seed S --case k` rebuilds case k exactly,
// whatever --shapes is.
//
//   for (const w2v::ShapeCase& sc : w2v::sample_shapes(42, 200)) use(sc.shape, sc.seed);
#include <armadillo>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace w2v {

struct Shape {
  std::string family;  // "edge", "course", "saturating" or "large"
  arma::uword V = 1, d = 1;
  arma::uword K = 1;       // negatives per outside word
  arma::uword window = 1;  // m: 2m context words
  double max_score = 1.0;  // max_w |u_wᵀv_c| is scaled to exactly this
  bool outside_is_center = false;        // o = c
  bool negatives_contain_center = false;
  bool repeated_negatives = false;
  bool identical_context = false;        // all 2m context words equal
  std::string describe() const;          // "V=5 d=3 K=10 m=2 |s|max=4.2 o=c repeats"
};

struct ShapeCase {
  std::size_t index = 0;   // k
  std::uint64_t seed = 0;  // the seed of every random draw of this case
  Shape shape;
};

// Number of fixed edge shapes at the start of every run.
std::size_t edge_shape_count();
ShapeCase sample_shape(std::uint64_t run_seed, std::size_t index);
std::vector<ShapeCase> sample_shapes(std::uint64_t run_seed, std::size_t count);

// Concrete inputs for one case, in the CS224n code layout. Every catalog entry
// builds its instance from these, so all checks of a case see the same words.
struct Word2vecInputs {
  arma::uword center_idx = 0, outside_idx = 0;
  arma::mat center_vectors, outside_vectors;  // V×d, row w = v_w / u_w
  arma::uvec negatives;                       // K negatives for outside_idx
  arma::uvec context;                         // 2m context words
  std::vector<arma::uvec> negatives_per_context;
  arma::vec activations_input;  // for σ, ReLU: length d, |x| ≥ 0.01 (away from kinks)
  arma::vec center_vec() const { return center_vectors.row(center_idx).t(); }
  std::string describe() const;  // "c=1 o=3 negatives=[2 2 0] context=[3 1]"
};

// Throws std::invalid_argument naming the shape if it is inconsistent (V=0 …).
Word2vecInputs make_inputs(const ShapeCase& shape_case);

// SplitMix64: decorrelates the per-case seeds derived from one run seed.
std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t stream);
// FNV-1a of a string: a platform-independent stream id (std::hash is not).
std::uint64_t stream_id(std::string_view text);

}  // namespace w2v
