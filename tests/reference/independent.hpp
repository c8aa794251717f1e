#pragma once
// Independent, deliberately naive implementations of the CS224n formulas
// (DESIGN.md §1), written from the handout and not from reference/: plain loops,
// the textbook forms ŷ_w = e^{s_w} / Σ e^{s}, σ(x) = 1 / (1 + e^{−x}), −log of
// those, and one accumulation per *occurrence* of a word. They overflow or lose
// precision for large |s|, so the tests use them only at |u_wᵀv_c| ≤ 5, where
// every operation is accurate to a few ulps. arma types are used as storage
// only; no arma arithmetic.
//
//   indep::Word r = indep::naive_softmax(v_c, o, U);  // compare with the reference
#include <armadillo>

#include <cmath>
#include <vector>

namespace indep {

struct Word {
  double loss = 0.0;
  arma::vec grad_center;   // d
  arma::mat grad_outside;  // V×d
};

struct Window {
  double loss = 0.0;
  arma::mat grad_center_vectors;  // V×d
  arma::mat grad_outside;         // V×d
};

inline double score(const arma::mat& U, arma::uword w, const arma::vec& v) {
  double s = 0.0;
  for (arma::uword i = 0; i < v.n_elem; ++i) s += U(w, i) * v[i];
  return s;
}

inline double sigma(double x) { return 1.0 / (1.0 + std::exp(-x)); }

inline Word zeros(arma::uword V, arma::uword d) {
  Word r;
  r.grad_center.set_size(d);
  r.grad_outside.set_size(V, d);
  for (arma::uword i = 0; i < d; ++i) r.grad_center[i] = 0.0;
  for (arma::uword w = 0; w < V; ++w)
    for (arma::uword i = 0; i < d; ++i) r.grad_outside(w, i) = 0.0;
  return r;
}

// J = −log ŷ_o;  ∂J/∂v_c = Σ_w ŷ_w u_w − u_o;  ∂J/∂u_w = (ŷ_w − [w = o]) v_c.
inline Word naive_softmax(const arma::vec& v, arma::uword o, const arma::mat& U) {
  const arma::uword V = U.n_rows, d = U.n_cols;
  std::vector<double> e(V);
  double Z = 0.0;
  for (arma::uword w = 0; w < V; ++w) {
    e[w] = std::exp(score(U, w, v));
    Z += e[w];
  }
  Word r = zeros(V, d);
  r.loss = -std::log(e[o] / Z);
  for (arma::uword i = 0; i < d; ++i) {
    double g = -U(o, i);
    for (arma::uword w = 0; w < V; ++w) g += e[w] / Z * U(w, i);
    r.grad_center[i] = g;
  }
  for (arma::uword w = 0; w < V; ++w) {
    const double coef = e[w] / Z - (w == o ? 1.0 : 0.0);
    for (arma::uword i = 0; i < d; ++i) r.grad_outside(w, i) = coef * v[i];
  }
  return r;
}

// J = −log σ(s_o) − Σ_k log σ(−s_k);  ∂J/∂v_c = (σ(s_o) − 1) u_o + Σ_k σ(s_k) u_k;
// ∂J/∂u_o += (σ(s_o) − 1) v_c;  ∂J/∂u_k += σ(s_k) v_c once per occurrence of k.
inline Word neg_sampling(const arma::vec& v, arma::uword o, const arma::mat& U,
                         const arma::uvec& negatives) {
  const arma::uword d = U.n_cols;
  Word r = zeros(U.n_rows, d);
  const double s_o = score(U, o, v);
  r.loss = -std::log(sigma(s_o));
  for (arma::uword i = 0; i < d; ++i) {
    r.grad_center[i] += (sigma(s_o) - 1.0) * U(o, i);
    r.grad_outside(o, i) += (sigma(s_o) - 1.0) * v[i];
  }
  for (arma::uword k = 0; k < negatives.n_elem; ++k) {
    const arma::uword w = negatives[k];
    const double s = score(U, w, v);
    r.loss += -std::log(sigma(-s));
    for (arma::uword i = 0; i < d; ++i) {
      r.grad_center[i] += sigma(s) * U(w, i);
      r.grad_outside(w, i) += sigma(s) * v[i];
    }
  }
  return r;
}

// J_sg = Σ_j J(v_c, context[j], U); only row c of ∂J_sg/∂(centre vectors) is non-zero.
// word_loss(v_c, o, U, j) is one of the functions above.
template <class WordLossFn>
Window skipgram(arma::uword c, const arma::uvec& context, const arma::mat& center_vectors,
                const arma::mat& U, WordLossFn word_loss) {
  const arma::uword V = U.n_rows, d = U.n_cols;
  Window r;
  r.grad_center_vectors.set_size(V, d);
  r.grad_outside.set_size(V, d);
  for (arma::uword w = 0; w < V; ++w)
    for (arma::uword i = 0; i < d; ++i) r.grad_center_vectors(w, i) = r.grad_outside(w, i) = 0.0;
  arma::vec v(d);
  for (arma::uword i = 0; i < d; ++i) v[i] = center_vectors(c, i);
  for (arma::uword j = 0; j < context.n_elem; ++j) {
    const Word g = word_loss(v, context[j], U, j);
    r.loss += g.loss;
    for (arma::uword i = 0; i < d; ++i) r.grad_center_vectors(c, i) += g.grad_center[i];
    for (arma::uword w = 0; w < V; ++w)
      for (arma::uword i = 0; i < d; ++i) r.grad_outside(w, i) += g.grad_outside(w, i);
  }
  return r;
}

}  // namespace indep
