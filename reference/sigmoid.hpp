#pragma once
// Logistic sigmoid and its derivative (CS224n A2 written part d):
//
//   σ(x) = 1 / (1 + e^{−x}),   σ'(x) = σ(x)(1 − σ(x))
//
// Guarantee: finite, correctly rounded to a few ulps for every finite x; no
// overflow for |x| up to the double range (the branch keeps the exponent ≤ 0).
//
//   arma::vec s = w2v::sigmoid(x);  arma::vec ds = w2v::sigmoid_grad(x);
#include <armadillo>
#include <cmath>

namespace w2v {

// Stable: e^{−|x|} never overflows, and the x < 0 branch avoids 1 − σ(−x)
// cancellation for large negative x.
inline double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// σ'(x) = σ(x)σ(−x): the product form keeps full relative precision in both
// tails, where σ(x)(1 − σ(x)) would cancel to 0 for x ≳ 37.
inline double sigmoid_grad(double x) { return sigmoid(x) * sigmoid(-x); }

// −log σ(−x) = log(1 + e^{x}) ("softplus"), evaluated without overflow: the
// negative-sampling loss is a sum of these.
inline double softplus(double x) {
  return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}

inline arma::vec sigmoid(const arma::vec& x) {
  arma::vec out(x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i) out[i] = sigmoid(x[i]);
  return out;
}

inline arma::vec sigmoid_grad(const arma::vec& x) {
  arma::vec out(x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i) out[i] = sigmoid_grad(x[i]);
  return out;
}

}  // namespace w2v
