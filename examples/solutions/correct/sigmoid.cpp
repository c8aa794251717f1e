// Written part d: σ(x) = 1/(1 + e^(−x)) and σ'(x) = σ(x)(1 − σ(x)).
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {

// e^(−x) overflows for x < −709, so there use the equal form e^x / (1 + e^x).
arma::vec sigmoid(const arma::vec& x) {
  arma::vec s(x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i)
    s(i) = x(i) >= 0 ? 1.0 / (1.0 + std::exp(-x(i))) : std::exp(x(i)) / (1.0 + std::exp(x(i)));
  return s;
}

arma::vec sigmoid_grad(const arma::vec& x) {
  const arma::vec s = sigmoid(x);
  return s % (1.0 - s);
}

}  // namespace w2v::solution
