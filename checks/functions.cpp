#include "checks/functions.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "reference/activations.hpp"
#include "reference/naive_softmax.hpp"
#include "reference/neg_sampling.hpp"
#include "reference/sigmoid.hpp"

namespace w2v {

SkipgramResult skipgram_from(const Word2vecFunctions& fns, arma::uword center_idx,
                             const arma::uvec& context_indices, const arma::mat& center_vectors,
                             const arma::mat& outside_vectors, WordLossKind kind,
                             const std::vector<arma::uvec>& negatives_per_context) {
  WordLoss loss;
  if (kind == WordLossKind::naive_softmax) {
    if (!fns.naive_softmax) throw std::runtime_error("skipgram: naive_softmax is not implemented");
    loss = [&](const arma::vec& v, arma::uword o, const arma::mat& U, arma::uword) {
      return fns.naive_softmax(v, o, U);
    };
  } else {
    if (!fns.neg_sampling) throw std::runtime_error("skipgram: neg_sampling is not implemented");
    loss = [&](const arma::vec& v, arma::uword o, const arma::mat& U, arma::uword j) {
      if (j >= negatives_per_context.size())
        throw std::invalid_argument(
            fmt::format("skipgram: no negatives for context position {}", j));
      return fns.neg_sampling(v, o, U, negatives_per_context[j]);
    };
  }
  return skipgram(center_idx, context_indices, center_vectors, outside_vectors, loss);
}

Word2vecFunctions reference_functions() {
  Word2vecFunctions f;
  f.sigmoid = [](const arma::vec& x) { return w2v::sigmoid(x); };
  f.sigmoid_grad = [](const arma::vec& x) { return w2v::sigmoid_grad(x); };
  f.relu_grad = [](const arma::vec& x) { return w2v::relu_grad(x); };
  f.leaky_relu_grad = [](const arma::vec& x, double a) { return w2v::leaky_relu_grad(x, a); };
  f.naive_softmax = naive_softmax_loss_and_gradient;
  f.neg_sampling = neg_sampling_loss_and_gradient;
  f.skipgram = [](arma::uword c, const arma::uvec& ctx, const arma::mat& C, const arma::mat& U,
                  WordLossKind kind, const std::vector<arma::uvec>& negs) {
    return skipgram(c, ctx, C, U,
                    kind == WordLossKind::naive_softmax ? naive_softmax_word_loss()
                                                        : neg_sampling_word_loss(negs));
  };
  return f;
}

}  // namespace w2v
