// NOT A MISTAKE: correct, but sigmoid prints a lot of debug text (100 lines
// per entry, text that looks like JSON, a last line without '\n') to
// std::cout and std::cerr. Output goes to the harness's log, never into the
// protocol channel. Should pass every check.
#include "w2v/solution.hpp"

#include <cmath>
#include <iostream>

namespace w2v::solution {

// e^(−x) overflows for x < −709, so there use the equal form e^x / (1 + e^x).
arma::vec sigmoid(const arma::vec& x) {
  std::cout << "sigmoid: x has " << x.n_elem << " entries\n";
  arma::vec s(x.n_elem);
  for (arma::uword i = 0; i < x.n_elem; ++i) {
    s(i) = x(i) >= 0 ? 1.0 / (1.0 + std::exp(-x(i))) : std::exp(x(i)) / (1.0 + std::exp(x(i)));
    for (int line = 0; line < 100; ++line)
      std::cout << "debug: x(" << i << ") = " << x(i) << ", sigma = " << s(i)
                << " {\"ok\": true}\n";
    std::cerr << "sigmoid: entry " << i << " done\n";
  }
  std::cout << "no newline at the end, and a half JSON object {\"id\": ";
  return s;
}

arma::vec sigmoid_grad(const arma::vec& x) {
  const arma::vec s = sigmoid(x);
  return s % (1.0 - s);
}

}  // namespace w2v::solution
