// ReLU and Leaky ReLU derivatives (later course editions). Inputs stay at least
// 0.01 from the kink at 0 (see make_inputs), where the derivative is undefined.
#include "checks/catalog.hpp"
#include "reference/activations.hpp"

namespace w2v {

namespace {
constexpr double kLeakyAlpha = 0.01;
}

std::vector<CheckEntry> relu_checks() {
  // Students implement only the derivatives; J uses the reference activation.
  return {
      elementwise_derivative_entry(
          "x.relu.grad", "x", "ReLU derivative (inputs kept ≥ 0.01 from the kink)",
          "relu'(x) = 1 if x > 0, 0 if x < 0 (undefined at 0)",
          [](const Word2vecFunctions&, const arma::vec& x) { return relu(x); },
          [](const Word2vecFunctions& f, const arma::vec& x) { return f.relu_grad(x); }),
      elementwise_derivative_entry(
          "x.leaky_relu.grad", "x",
          "Leaky ReLU derivative, α = 0.01 (inputs kept ≥ 0.01 from the kink)",
          "leaky_relu'(x) = 1 if x > 0, α if x < 0 (undefined at 0)",
          [](const Word2vecFunctions&, const arma::vec& x) { return leaky_relu(x, kLeakyAlpha); },
          [](const Word2vecFunctions& f, const arma::vec& x) {
            return f.leaky_relu_grad(x, kLeakyAlpha);
          }),
  };
}

}  // namespace w2v
