// (d) σ'(x), elementwise: J(x) = Σ_i σ(x_i) has ∂J/∂x_i = σ'(x_i).
#include "checks/catalog.hpp"

namespace w2v {

std::vector<CheckEntry> sigmoid_checks() {
  CheckEntry e;
  e.id = "d.sigmoid.grad";
  e.part = "d";
  e.title = "sigmoid derivative";
  e.formula = "σ'(x) = σ(x)(1 − σ(x)),  σ(x) = 1/(1 + e^(−x))";
  e.make_instance = [](const ShapeCase& sc) {
    const Word2vecInputs in = make_inputs(sc);
    CheckInstance inst;
    inst.point = in.activations_input;
    inst.inputs = "x = activations input";
    inst.loss = [](const Word2vecFunctions& f, const arma::mat& x) {
      return arma::accu(f.sigmoid(x.col(0)));
    };
    inst.gradient = [](const Word2vecFunctions& f, const arma::mat& x) -> arma::mat {
      return f.sigmoid_grad(x.col(0));
    };
    return inst;
  };
  return {e};
}

}  // namespace w2v
