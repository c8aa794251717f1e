#include "reference/naive_softmax.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "reference/validate.hpp"

namespace w2v {

arma::vec softmax(const arma::vec& scores) {
  arma::vec e = arma::exp(scores - scores.max());
  return e / arma::accu(e);
}

double log_sum_exp(const arma::vec& scores) {
  const double m = scores.max();
  return m + std::log(arma::accu(arma::exp(scores - m)));
}

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  detail::require_word_vectors("naive_softmax_loss_and_gradient", center_vec, outside_vectors);
  detail::require_index("naive_softmax_loss_and_gradient", "outside_idx", outside_idx,
                        outside_vectors.n_rows);

  const arma::vec scores = outside_vectors * center_vec;
  arma::vec delta = softmax(scores);  // becomes ŷ − y
  delta[outside_idx] -= 1.0;

  LossAndGradient r;
  r.loss = log_sum_exp(scores) - scores[outside_idx];
  r.grad_center = outside_vectors.t() * delta;
  r.grad_outside = delta * center_vec.t();
  return r;
}

}  // namespace w2v
