#include "checks/mistakes.hpp"

#include <fmt/format.h>

#include <cmath>
#include <functional>

#include "reference/naive_softmax.hpp"
#include "reference/neg_sampling.hpp"
#include "reference/sigmoid.hpp"

namespace w2v {

namespace {

using Transform = std::function<void(arma::mat&)>;

// The reference with every gradient it returns passed through `t`; skip-gram is
// rebuilt on the wrong per-word losses, as a student's skipgram would be.
Word2vecFunctions transform_gradients(const Transform& t) {
  const Word2vecFunctions ref = reference_functions();
  Word2vecFunctions f = ref;
  auto vec_fn = [t](std::function<arma::vec(const arma::vec&)> g) {
    return [t, g](const arma::vec& x) {
      arma::mat m = g(x);
      t(m);
      return arma::vec(m);
    };
  };
  f.sigmoid_grad = vec_fn(ref.sigmoid_grad);
  f.relu_grad = vec_fn(ref.relu_grad);
  f.leaky_relu_grad = [t, ref](const arma::vec& x, double a) {
    arma::mat m = ref.leaky_relu_grad(x, a);
    t(m);
    return arma::vec(m);
  };
  auto fix = [t](LossAndGradient r) {
    arma::mat gc = r.grad_center;
    t(gc);
    r.grad_center = gc;
    t(r.grad_outside);
    return r;
  };
  f.naive_softmax = [fix](const arma::vec& v, arma::uword o, const arma::mat& U) {
    return fix(naive_softmax_loss_and_gradient(v, o, U));
  };
  f.neg_sampling = [fix](const arma::vec& v, arma::uword o, const arma::mat& U,
                         const arma::uvec& neg) {
    return fix(neg_sampling_loss_and_gradient(v, o, U, neg));
  };
  return f;
}

// skipgram must see the variant's own per-word losses.
Word2vecFunctions with_derived_skipgram(Word2vecFunctions f) {
  f.skipgram = [f](arma::uword c, const arma::uvec& ctx, const arma::mat& C, const arma::mat& U,
                   WordLossKind kind, const std::vector<arma::uvec>& negs) {
    return skipgram_from(f, c, ctx, C, U, kind, negs);
  };
  return f;
}

LossAndGradient naive_softmax_float32(const arma::vec& v, arma::uword o, const arma::mat& U) {
  const arma::fvec vf = arma::conv_to<arma::fvec>::from(v);
  const arma::fmat Uf = arma::conv_to<arma::fmat>::from(U);
  const arma::fvec s = Uf * vf;
  arma::fvec e = arma::exp(s - s.max());
  const float sum = arma::accu(e);
  arma::fvec delta = e / sum;
  delta[o] -= 1.0f;
  LossAndGradient r;
  r.loss = naive_softmax_loss_and_gradient(v, o, U).loss;  // only the gradient is float
  r.grad_center = arma::conv_to<arma::vec>::from(arma::fvec(Uf.t() * delta));
  r.grad_outside = arma::conv_to<arma::mat>::from(arma::fmat(delta * vf.t()));
  return r;
}

float sigmoid_f(float x) { return 1.0f / (1.0f + std::exp(-x)); }

LossAndGradient neg_sampling_float32(const arma::vec& v, arma::uword o, const arma::mat& U,
                                     const arma::uvec& neg) {
  const arma::fvec vf = arma::conv_to<arma::fvec>::from(v);
  const arma::fmat Uf = arma::conv_to<arma::fmat>::from(U);
  arma::fvec gc(vf.n_elem, arma::fill::zeros);
  arma::fmat go(Uf.n_rows, Uf.n_cols, arma::fill::zeros);
  const float co = sigmoid_f(arma::dot(Uf.row(o), vf)) - 1.0f;
  gc += co * Uf.row(o).t();
  go.row(o) += co * vf.t();
  for (const arma::uword k : neg) {
    const float ck = sigmoid_f(arma::dot(Uf.row(k), vf));
    gc += ck * Uf.row(k).t();
    go.row(k) += ck * vf.t();
  }
  LossAndGradient r;
  r.loss = neg_sampling_loss_and_gradient(v, o, U, neg).loss;
  r.grad_center = arma::conv_to<arma::vec>::from(gc);
  r.grad_outside = arma::conv_to<arma::mat>::from(go);
  return r;
}

}  // namespace

std::vector<WrongVariant> wrong_variants() {
  std::vector<WrongVariant> out;

  out.push_back({"sign_flip", "every gradient negated (−∂J instead of ∂J)",
                 with_derived_skipgram(transform_gradients([](arma::mat& g) { g = -g; }))});

  out.push_back({"factor_2", "every gradient doubled (a stray factor 2)",
                 with_derived_skipgram(transform_gradients([](arma::mat& g) { g *= 2.0; }))});

  out.push_back({"zeroed_coordinate", "entry (0,0) of every gradient set to 0",
                 with_derived_skipgram(transform_gradients([](arma::mat& g) { g(0, 0) = 0.0; }))});

  out.push_back({"off_by_1e-3", "entry (0,0) of every gradient 1e-3 relative too large",
                 with_derived_skipgram(
                     transform_gradients([](arma::mat& g) { g(0, 0) *= 1.0 + 1e-3; }))});

  {
    // ∂J/∂U built in the handout layout (d×V, columns u_w) and stored into the
    // code layout's V×d memory without transposing: Uᵀ for U.
    Word2vecFunctions f = reference_functions();
    f.naive_softmax = [](const arma::vec& v, arma::uword o, const arma::mat& U) {
      LossAndGradient r = naive_softmax_loss_and_gradient(v, o, U);
      const arma::mat handout = r.grad_outside.t();
      r.grad_outside = arma::reshape(handout, U.n_rows, U.n_cols);
      return r;
    };
    f.neg_sampling = [](const arma::vec& v, arma::uword o, const arma::mat& U,
                        const arma::uvec& neg) {
      LossAndGradient r = neg_sampling_loss_and_gradient(v, o, U, neg);
      const arma::mat handout = r.grad_outside.t();
      r.grad_outside = arma::reshape(handout, U.n_rows, U.n_cols);
      return r;
    };
    out.push_back({"transposed", "dJ/dU in the handout's d×V layout reshaped, not transposed, "
                                 "into V×d (Uᵀ for U)",
                   with_derived_skipgram(f)});
  }

  {
    Word2vecFunctions f = reference_functions();
    f.naive_softmax = [](const arma::vec& v, arma::uword o, const arma::mat& U) {
      LossAndGradient r = naive_softmax_loss_and_gradient(v, o, U);
      arma::vec delta = arma::exp(U * v);  // softmax numerator only
      delta[o] -= 1.0;
      r.grad_center = U.t() * delta;
      r.grad_outside = delta * v.t();
      return r;
    };
    out.push_back({"missing_normaliser", "ŷ = exp(s) without dividing by Σ_w exp(s_w)",
                   with_derived_skipgram(f)});
    // The same mistake after the usual max-shift: ŷ = exp(s − max s).
    f.naive_softmax = [](const arma::vec& v, arma::uword o, const arma::mat& U) {
      LossAndGradient r = naive_softmax_loss_and_gradient(v, o, U);
      const arma::vec s = U * v;
      arma::vec delta = arma::exp(s - s.max());
      delta[o] -= 1.0;
      r.grad_center = U.t() * delta;
      r.grad_outside = delta * v.t();
      return r;
    };
    out.push_back({"missing_normaliser_shifted",
                   "ŷ = exp(s − max s) without dividing by Σ_w exp(s_w − max s)",
                   with_derived_skipgram(f)});
  }

  {
    Word2vecFunctions f = reference_functions();
    f.naive_softmax = [](const arma::vec& v, arma::uword o, const arma::mat& U) {
      LossAndGradient r = naive_softmax_loss_and_gradient(v, o, U);
      r.grad_center += U.row(o).t();  // ŷ instead of ŷ − y
      r.grad_outside.row(o) += v.t();
      return r;
    };
    out.push_back({"forgot_minus_y", "ŷ used where ŷ − y belongs (the one-hot term of o dropped)",
                   with_derived_skipgram(f)});
  }

  {
    Word2vecFunctions f = reference_functions();
    f.neg_sampling = [](const arma::vec& v, arma::uword o, const arma::mat& U,
                        const arma::uvec& neg) {
      LossAndGradient r = neg_sampling_loss_and_gradient(v, o, U, neg);
      // numpy's grad[neg] += σ(s_neg)·v_c: every write starts from the value before
      // the statement, so a repeated row keeps only its last occurrence.
      arma::mat before(arma::size(U), arma::fill::zeros);
      before.row(o) = (sigmoid(arma::dot(U.row(o), v)) - 1.0) * v.t();
      r.grad_outside = before;
      for (const arma::uword k : neg)
        r.grad_outside.row(k) = before.row(k) + sigmoid(arma::dot(U.row(k), v)) * v.t();
      return r;
    };
    out.push_back({"dropped_repeats", "repeated negatives counted once (grad[neg] += … in numpy)",
                   with_derived_skipgram(f)});
  }

  {
    Word2vecFunctions f = reference_functions();
    f.sigmoid_grad = [](const arma::vec& x) {
      arma::vec out(x.n_elem);
      for (arma::uword i = 0; i < x.n_elem; ++i) {
        const float s = sigmoid_f(static_cast<float>(x[i]));
        out[i] = s * (1.0f - s);
      }
      return out;
    };
    f.naive_softmax = naive_softmax_float32;
    f.neg_sampling = neg_sampling_float32;
    out.push_back({"float32", "gradients computed in single precision", with_derived_skipgram(f)});
  }
  return out;
}

WrongVariant wrong_variant(std::string_view name) {
  std::string known;
  for (WrongVariant& w : wrong_variants()) {
    if (w.name == name) return w;
    known += fmt::format("{}{}", known.empty() ? "" : ", ", w.name);
  }
  throw std::invalid_argument(fmt::format("unknown mistake '{}': known mistakes are {}", name, known));
}

}  // namespace w2v
