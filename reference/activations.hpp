#pragma once
// ReLU and Leaky ReLU (later CS224n editions), elementwise:
//
//   relu(x) = max(0, x),            relu'(x) = [x > 0]
//   leaky_relu(x) = max(αx, x),     leaky_relu'(x) = x > 0 ? 1 : α   (0 < α < 1)
//
// The derivative does not exist at x = 0; these functions return the left-hand
// limit there (relu'(0) = 0, leaky_relu'(0) = α), as the [x > 0] forms do. Finite differences across the kink are meaningless,
// so the shape sampler keeps inputs several step sizes away from 0.
//
//   arma::vec y = w2v::leaky_relu(x, 0.01);  arma::vec dy = w2v::leaky_relu_grad(x, 0.01);
#include <armadillo>

namespace w2v {

inline arma::vec relu(const arma::vec& x) { return arma::clamp(x, 0.0, arma::datum::inf); }

inline arma::vec relu_grad(const arma::vec& x) {
  return arma::conv_to<arma::vec>::from(x > 0.0);
}

inline arma::vec leaky_relu(const arma::vec& x, double alpha) {
  arma::vec out = x;
  out.transform([alpha](double v) { return v > 0.0 ? v : alpha * v; });
  return out;
}

inline arma::vec leaky_relu_grad(const arma::vec& x, double alpha) {
  arma::vec out = x;
  out.transform([alpha](double v) { return v > 0.0 ? 1.0 : alpha; });
  return out;
}

}  // namespace w2v
