// (d) σ'(x), elementwise.
#include "checks/catalog.hpp"

namespace w2v {

std::vector<CheckEntry> sigmoid_checks() {
  return {elementwise_derivative_entry(
      "d.sigmoid.grad", "d", "sigmoid derivative",
      "σ'(x) = σ(x)(1 − σ(x)),  σ(x) = 1/(1 + e^(−x))",
      [](const Word2vecFunctions& f, const arma::vec& x) { return f.sigmoid(x); },
      [](const Word2vecFunctions& f, const arma::vec& x) { return f.sigmoid_grad(x); })};
}

}  // namespace w2v
