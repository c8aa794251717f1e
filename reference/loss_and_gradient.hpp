#pragma once
// The value every word2vec loss returns: J and its gradients in the CS224n code
// layout (outside vectors are a V×d matrix, row w = u_w; the handout's U is its
// transpose).
//
//   w2v::LossAndGradient r = w2v::naive_softmax_loss_and_gradient(v_c, o, outside_vectors);
//   r.loss; r.grad_center /* d */; r.grad_outside /* V×d */;
#include <armadillo>

#include <map>
#include <string>

namespace w2v {

struct LossAndGradient {
  double loss = 0.0;
  arma::vec grad_center;   // ∂J/∂v_c, length d
  arma::mat grad_outside;  // ∂J/∂U in code layout, V×d, row w = ∂J/∂u_w
  // Outputs the producer could not supply, by member name → why. Never set by
  // the reference; a student solution's reply can have one malformed output
  // and usable others (checks/functions.hpp: grad_center_of() and the like).
  std::map<std::string, std::string> unusable;
};

}  // namespace w2v
