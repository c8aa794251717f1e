// (c) ∂J_naive/∂u_w: the row of the outside word, the other rows, the whole U.
#include "checks/catalog.hpp"

namespace w2v {

namespace {

CheckEntry outside_entry(std::string id, std::string title, std::string formula,
                         int which /* 0: row o, 1: rows w≠o, 2: all */) {
  CheckEntry e{.id = std::move(id),
               .part = "c",
               .title = std::move(title),
               .formula = std::move(formula),
               .make_instance = {}};
  e.make_instance = [which](const ShapeCase& sc) {
    const Word2vecInputs in = make_inputs(sc);
    CheckInstance inst;
    inst.point = in.outside_vectors;
    inst.inputs = in.describe();
    const arma::vec v_c = in.center_vec();
    const arma::uword o = in.outside_idx, V = in.outside_vectors.n_rows;
    inst.loss = [v_c, o](const Word2vecFunctions& f, const arma::mat& U) {
      return f.naive_softmax(v_c, o, U).loss;
    };
    inst.gradient = [v_c, o](const Word2vecFunctions& f, const arma::mat& U) -> arma::mat {
      return grad_outside_of(f.naive_softmax(v_c, o, U));
    };
    inst.structure = ReferenceStructure{ReferenceLossKind::naive_softmax, LossBlock::outside_vectors,
                                        v_c, o, in.outside_vectors, {}};
    if (which == 0) inst.coordinates = row_entries(V, in.outside_vectors.n_cols, {o});
    if (which == 1) {
      if (V == 1) {
        inst.not_applicable = "V=1: no word other than o";
        return inst;
      }
      const arma::uvec others = arma::find(arma::regspace<arma::uvec>(0, V - 1) != o);
      inst.coordinates = row_entries(V, in.outside_vectors.n_cols, others);
    }
    return inst;
  };
  return e;
}

}  // namespace

std::vector<CheckEntry> naive_softmax_outside_checks() {
  return {
      outside_entry("c.naive.du_o", "naive softmax: dJ/du_o (outside word)",
                    "dJ/du_o = (ŷ_o − 1) v_c", 0),
      outside_entry("c.naive.du_w", "naive softmax: dJ/du_w for w ≠ o",
                    "dJ/du_w = ŷ_w v_c  (w ≠ o)", 1),
      outside_entry("c.naive.dU", "naive softmax: dJ/dU (all rows)",
                    "dJ/dU = v_c (ŷ − y)ᵀ  (handout layout; code layout: (ŷ − y) v_cᵀ)", 2),
  };
}

}  // namespace w2v
