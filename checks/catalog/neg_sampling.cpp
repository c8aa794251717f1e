// (e) Negative-sampling loss: ∂/∂v_c, ∂/∂u_o, ∂/∂u_k (repeats accumulate), ∂/∂U.
#include "checks/catalog.hpp"

namespace w2v {

namespace {

enum class Block { center, outside_row, negative_rows, all_outside };

CheckEntry neg_entry(std::string id, std::string title, std::string formula, Block block) {
  CheckEntry e{.id = std::move(id),
               .part = "e",
               .title = std::move(title),
               .formula = std::move(formula),
               .make_instance = {}};
  e.make_instance = [block](const ShapeCase& sc) {
    const Word2vecInputs in = make_inputs(sc);
    CheckInstance inst;
    inst.inputs = in.describe();
    const arma::uword o = in.outside_idx, V = in.outside_vectors.n_rows,
                      d = in.outside_vectors.n_cols;
    const arma::uvec neg = in.negatives;
    if (arma::any(neg == o))
      inst.outside_solution_contract = "the negatives contain o (V=1), which a solution's sampler rejects";
    if (block == Block::center) {
      const arma::mat U = in.outside_vectors;
      inst.point = in.center_vec();
      inst.loss = [U, o, neg](const Word2vecFunctions& f, const arma::mat& x) {
        return f.neg_sampling(x.col(0), o, U, neg).loss;
      };
      inst.gradient = [U, o, neg](const Word2vecFunctions& f, const arma::mat& x) -> arma::mat {
        return grad_center_of(f.neg_sampling(x.col(0), o, U, neg));
      };
      inst.structure = ReferenceStructure{ReferenceLossKind::neg_sampling, LossBlock::center_vec,
                                          inst.point.col(0), o, U, neg};
      return inst;
    }
    const arma::vec v_c = in.center_vec();
    inst.point = in.outside_vectors;
    inst.loss = [v_c, o, neg](const Word2vecFunctions& f, const arma::mat& U) {
      return f.neg_sampling(v_c, o, U, neg).loss;
    };
    inst.gradient = [v_c, o, neg](const Word2vecFunctions& f, const arma::mat& U) -> arma::mat {
      return grad_outside_of(f.neg_sampling(v_c, o, U, neg));
    };
    inst.structure = ReferenceStructure{ReferenceLossKind::neg_sampling, LossBlock::outside_vectors,
                                        v_c, o, in.outside_vectors, neg};
    if (block == Block::outside_row) inst.coordinates = row_entries(V, d, {o});
    if (block == Block::negative_rows) {
      const arma::uvec rows = arma::unique(neg);
      const arma::uvec not_o = rows.elem(arma::find(rows != o));
      if (not_o.is_empty()) inst.not_applicable = "no negative word other than o (V=1 or K=0)";
      else inst.coordinates = row_entries(V, d, not_o);
    }
    return inst;
  };
  return e;
}

}  // namespace

std::vector<CheckEntry> neg_sampling_checks() {
  return {
      neg_entry("e.neg.dv_c", "negative sampling: dJ/dv_c",
                "dJ/dv_c = (σ(u_oᵀv_c) − 1) u_o + Σ_k σ(u_kᵀv_c) u_k", Block::center),
      neg_entry("e.neg.du_o", "negative sampling: dJ/du_o", "dJ/du_o = (σ(u_oᵀv_c) − 1) v_c",
                Block::outside_row),
      neg_entry("e.neg.du_k", "negative sampling: dJ/du_k, repeated negatives accumulate",
                "dJ/du_s = n_s σ(u_sᵀv_c) v_c  (s drawn n_s times)", Block::negative_rows),
      neg_entry("e.neg.dU", "negative sampling: dJ/dU (all rows)",
                "dJ/dU = sum of the rows above; zero for words neither o nor sampled",
                Block::all_outside),
  };
}

}  // namespace w2v
