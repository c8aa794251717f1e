// (f) Skip-gram over one window, for both word losses: ∂/∂U, ∂/∂v_c, ∂/∂v_w = 0.
#include <fmt/format.h>

#include "checks/catalog.hpp"

namespace w2v {

namespace {

enum class Block { outside, center_row, other_centers };

CheckEntry skipgram_entry(WordLossKind kind, Block block) {
  const bool naive = kind == WordLossKind::naive_softmax;
  const std::string loss_name = naive ? "naive" : "neg";
  const std::string loss_title = naive ? "skip-gram, naive softmax" : "skip-gram, neg sampling";
  CheckEntry e;
  e.part = "f";
  switch (block) {
    case Block::outside:
      e.id = fmt::format("f.{}.dU", loss_name);
      e.title = fmt::format("{}: dJ/dU", loss_title);
      e.formula = "dJ_sg/dU = Σ_{−m≤j≤m, j≠0} dJ(v_c, w_{t+j}, U)/dU";
      break;
    case Block::center_row:
      e.id = fmt::format("f.{}.dv_c", loss_name);
      e.title = fmt::format("{}: dJ/dv_c", loss_title);
      e.formula = "dJ_sg/dv_c = Σ_{−m≤j≤m, j≠0} dJ(v_c, w_{t+j}, U)/dv_c";
      break;
    case Block::other_centers:
      e.id = fmt::format("f.{}.dv_w", loss_name);
      e.title = fmt::format("{}: dJ/dv_w = 0 for w ≠ c", loss_title);
      e.formula = "dJ_sg/dv_w = 0  (w ≠ c)";
      break;
  }
  e.make_instance = [kind, block](const ShapeCase& sc) {
    const Word2vecInputs in = make_inputs(sc);
    CheckInstance inst;
    inst.inputs = in.describe();
    const arma::uword c = in.center_idx, V = in.center_vectors.n_rows,
                      d = in.center_vectors.n_cols;
    const arma::uvec ctx = in.context;
    const std::vector<arma::uvec> negs = in.negatives_per_context;
    for (arma::uword j = 0; kind == WordLossKind::neg_sampling && j < ctx.n_elem; ++j)
      if (arma::any(negs[j] == ctx[j]))
        inst.outside_solution_contract =
            "the negatives of a context word contain that word (V=1), which a solution's sampler rejects";
    const ReferenceLossKind structure_kind = kind == WordLossKind::naive_softmax
                                                 ? ReferenceLossKind::naive_softmax
                                                 : ReferenceLossKind::neg_sampling;
    inst.structure = SkipgramStructure{
        structure_kind,
        block == Block::outside ? SkipgramBlock::outside_vectors : SkipgramBlock::center_vectors,
        c, in.center_vectors, in.outside_vectors, ctx,
        kind == WordLossKind::neg_sampling ? negs : std::vector<arma::uvec>{}};
    if (block == Block::outside) {
      const arma::mat C = in.center_vectors;
      inst.point = in.outside_vectors;
      inst.loss = [=](const Word2vecFunctions& f, const arma::mat& U) {
        return f.skipgram(c, ctx, C, U, kind, negs).loss;
      };
      inst.gradient = [=](const Word2vecFunctions& f, const arma::mat& U) -> arma::mat {
        return grad_outside_of(f.skipgram(c, ctx, C, U, kind, negs));
      };
      return inst;
    }
    const arma::mat U = in.outside_vectors;
    inst.point = in.center_vectors;
    inst.loss = [=](const Word2vecFunctions& f, const arma::mat& C) {
      return f.skipgram(c, ctx, C, U, kind, negs).loss;
    };
    inst.gradient = [=](const Word2vecFunctions& f, const arma::mat& C) -> arma::mat {
      return grad_center_vectors_of(f.skipgram(c, ctx, C, U, kind, negs));
    };
    if (block == Block::center_row) {
      inst.coordinates = row_entries(V, d, {c});
    } else if (V == 1) {
      inst.not_applicable = "V=1: no word other than c";
    } else {
      inst.coordinates = row_entries(V, d, arma::find(arma::regspace<arma::uvec>(0, V - 1) != c));
    }
    return inst;
  };
  return e;
}

}  // namespace

std::vector<CheckEntry> skipgram_checks() {
  std::vector<CheckEntry> out;
  for (WordLossKind kind : {WordLossKind::naive_softmax, WordLossKind::neg_sampling})
    for (Block block : {Block::outside, Block::center_row, Block::other_centers})
      out.push_back(skipgram_entry(kind, block));
  return out;
}

}  // namespace w2v
