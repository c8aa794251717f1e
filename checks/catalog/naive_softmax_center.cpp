// (b) ∂J_naive/∂v_c
#include "checks/catalog.hpp"

namespace w2v {

std::vector<CheckEntry> naive_softmax_center_checks() {
  CheckEntry e{.id = "b.naive.dv_c",
               .part = "b",
               .title = "naive softmax: dJ/dv_c",
               .formula = "dJ/dv_c = U(ŷ − y) = Σ_w ŷ_w u_w − u_o,  ŷ = softmax(Uᵀv_c)",
               .make_instance = {}};
  e.make_instance = [](const ShapeCase& sc) {
    const Word2vecInputs in = make_inputs(sc);
    CheckInstance inst;
    inst.point = in.center_vec();
    inst.inputs = in.describe();
    inst.loss = [in](const Word2vecFunctions& f, const arma::mat& x) {
      return f.naive_softmax(x.col(0), in.outside_idx, in.outside_vectors).loss;
    };
    inst.gradient = [in](const Word2vecFunctions& f, const arma::mat& x) -> arma::mat {
      return grad_center_of(f.naive_softmax(x.col(0), in.outside_idx, in.outside_vectors));
    };
    inst.structure = ReferenceStructure{ReferenceLossKind::naive_softmax, LossBlock::center_vec,
                                        in.center_vec(), in.outside_idx, in.outside_vectors, {}};
    return inst;
  };
  return {e};
}

}  // namespace w2v
