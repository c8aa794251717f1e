// ReLU and Leaky ReLU derivatives (later course editions). Inputs stay at least
// 0.01 from the kink at 0 (see make_inputs), where the derivative is undefined.
#include "checks/catalog.hpp"
#include "reference/activations.hpp"

namespace w2v {

namespace {
constexpr double kLeakyAlpha = 0.01;
}

std::vector<CheckEntry> relu_checks() {
  CheckEntry relu;
  relu.id = "x.relu.grad";
  relu.part = "x";
  relu.title = "ReLU derivative (inputs kept ≥ 0.01 from the kink)";
  relu.formula = "relu'(x) = 1 if x > 0, 0 if x < 0 (undefined at 0)";
  relu.make_instance = [](const ShapeCase& sc) {
    CheckInstance inst;
    inst.point = make_inputs(sc).activations_input;
    inst.inputs = "x = activations input";
    inst.loss = [](const Word2vecFunctions&, const arma::mat& x) {
      return arma::accu(w2v::relu(x.col(0)));
    };
    inst.gradient = [](const Word2vecFunctions& f, const arma::mat& x) -> arma::mat {
      return f.relu_grad(x.col(0));
    };
    return inst;
  };

  CheckEntry leaky = relu;
  leaky.id = "x.leaky_relu.grad";
  leaky.title = "Leaky ReLU derivative, α = 0.01 (inputs kept ≥ 0.01 from the kink)";
  leaky.formula = "leaky_relu'(x) = 1 if x > 0, α if x < 0 (undefined at 0)";
  leaky.make_instance = [](const ShapeCase& sc) {
    CheckInstance inst;
    inst.point = make_inputs(sc).activations_input;
    inst.inputs = "x = activations input, α = 0.01";
    inst.loss = [](const Word2vecFunctions&, const arma::mat& x) {
      return arma::accu(w2v::leaky_relu(x.col(0), kLeakyAlpha));
    };
    inst.gradient = [](const Word2vecFunctions& f, const arma::mat& x) -> arma::mat {
      return f.leaky_relu_grad(x.col(0), kLeakyAlpha);
    };
    return inst;
  };
  return {relu, leaky};
}

}  // namespace w2v
