// MISTAKE: correct results, but it writes into its input: outside_vectors is
// const&, and a const_cast zeroes row 0 after the gradients are computed (a
// "reuse the buffer" shortcut). The harness's next probe would see altered
// vectors, so the protocol reports mutated: ["outside_vectors"].
// Should fail every check that calls it (b.naive.*, c.naive.*, f.naive.*)
// with "inputs mutated in place".
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  const arma::vec scores = outside_vectors * center_vec;
  const double shift = scores.max();
  const arma::vec e = arma::exp(scores - shift);
  const double sum = arma::accu(e);

  arma::vec delta = e / sum;  // ŷ
  delta(outside_idx) -= 1.0;  // ŷ − y

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = outside_vectors.t() * delta;
  r.grad_outside_vectors = delta * center_vec.t();
  const_cast<arma::mat&>(outside_vectors).row(0).zeros();
  return r;
}

}  // namespace w2v::solution
