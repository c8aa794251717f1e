// MISTAKE: the right formulas, computed in single precision (float) and
// converted back: errors near 1e-7, far above what double-precision finite
// differences resolve.
// Should fail all seven naive-softmax checks (b.naive.dv_c, c.naive.du_o,
// c.naive.du_w, c.naive.dU, f.naive.dU, f.naive.dv_c and f.naive.dv_w) on
// precision, not on the formula; f.naive.dv_w (a zero gradient, right) fails
// on its float32 loss alone.
#include "w2v/solution.hpp"

#include <cmath>

namespace w2v::solution {

LossAndGradient naive_softmax_loss_and_gradient(const arma::vec& center_vec,
                                                arma::uword outside_idx,
                                                const arma::mat& outside_vectors) {
  const arma::fvec v_c = arma::conv_to<arma::fvec>::from(center_vec);
  const arma::fmat u = arma::conv_to<arma::fmat>::from(outside_vectors);

  const arma::fvec scores = u * v_c;
  const float shift = scores.max();
  const arma::fvec e = arma::exp(scores - shift);
  const float sum = arma::accu(e);

  arma::fvec delta = e / sum;
  delta(outside_idx) -= 1.0f;

  LossAndGradient r;
  r.loss = shift + std::log(sum) - scores(outside_idx);
  r.grad_center_vec = arma::conv_to<arma::vec>::from(arma::fvec(u.t() * delta));
  r.grad_outside_vectors = arma::conv_to<arma::mat>::from(arma::fmat(delta * v_c.t()));
  return r;
}

}  // namespace w2v::solution
