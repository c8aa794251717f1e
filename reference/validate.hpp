#pragma once
// Input validation shared by the reference functions: every message names the
// function, the offending argument and the shapes involved.
#include <armadillo>
#include <fmt/format.h>

#include <stdexcept>
#include <string_view>

namespace w2v::detail {

inline void require_word_vectors(std::string_view fn, const arma::vec& center_vec,
                                 const arma::mat& outside_vectors) {
  if (outside_vectors.n_rows == 0 || center_vec.n_elem == 0 ||
      outside_vectors.n_cols != center_vec.n_elem)
    throw std::invalid_argument(fmt::format(
        "{}: outside_vectors is {}x{} but center_vec has d={}; expected V×d with V ≥ 1, d ≥ 1 "
        "(CS224n layout: row w = u_w)",
        fn, outside_vectors.n_rows, outside_vectors.n_cols, center_vec.n_elem));
}

inline void require_index(std::string_view fn, std::string_view what, arma::uword idx,
                          arma::uword vocab) {
  if (idx >= vocab)
    throw std::invalid_argument(
        fmt::format("{}: {} {} out of range for V={}", fn, what, idx, vocab));
}

}  // namespace w2v::detail
