#include "reference/skipgram.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

#include "reference/naive_softmax.hpp"
#include "reference/neg_sampling.hpp"
#include "reference/validate.hpp"

namespace w2v {

WordLoss naive_softmax_word_loss() {
  return [](const arma::vec& v, arma::uword o, const arma::mat& U, arma::uword) {
    return naive_softmax_loss_and_gradient(v, o, U);
  };
}

WordLoss neg_sampling_word_loss(std::vector<arma::uvec> negatives_per_context) {
  return [negs = std::move(negatives_per_context)](const arma::vec& v, arma::uword o,
                                                   const arma::mat& U, arma::uword position) {
    if (position >= negs.size())
      throw std::invalid_argument(fmt::format(
          "neg_sampling_word_loss: no negatives for context position {} ({} lists given)",
          position, negs.size()));
    return neg_sampling_loss_and_gradient(v, o, U, negs[position]);
  };
}

SkipgramResult skipgram(arma::uword center_idx, const arma::uvec& context_indices,
                        const arma::mat& center_vectors, const arma::mat& outside_vectors,
                        const WordLoss& loss_fn) {
  if (center_vectors.n_rows != outside_vectors.n_rows ||
      center_vectors.n_cols != outside_vectors.n_cols || center_vectors.n_elem == 0)
    throw std::invalid_argument(fmt::format(
        "skipgram: center_vectors is {}x{} and outside_vectors is {}x{}; both must be V×d "
        "with V ≥ 1, d ≥ 1",
        center_vectors.n_rows, center_vectors.n_cols, outside_vectors.n_rows,
        outside_vectors.n_cols));
  detail::require_index("skipgram", "center_idx", center_idx, center_vectors.n_rows);

  SkipgramResult r;
  r.grad_center_vectors.zeros(arma::size(center_vectors));
  r.grad_outside.zeros(arma::size(outside_vectors));
  const arma::vec v_c = center_vectors.row(center_idx).t();
  for (arma::uword j = 0; j < context_indices.n_elem; ++j) {
    detail::require_index("skipgram", fmt::format("context_indices[{}]", j), context_indices[j],
                          center_vectors.n_rows);
    const LossAndGradient g = loss_fn(v_c, context_indices[j], outside_vectors, j);
    r.loss += g.loss;
    r.grad_center_vectors.row(center_idx) += g.grad_center.t();
    r.grad_outside += g.grad_outside;
  }
  return r;
}

}  // namespace w2v
