#pragma once
// Deliberately wrong implementations of the word2vec functions, one per classic
// mistake. The self-test (tests/checks/test_wrong_gradients.cpp) asserts that the
// harness flags each wherever it really differs from the truth.
//
//   for (const WrongVariant& w : wrong_variants()) run_case(entry, sc, w.functions, opts);
#include <string>
#include <vector>

#include "checks/functions.hpp"

namespace w2v::testing {

struct WrongVariant {
  std::string name;         // "sign_flip", "transposed", …
  std::string description;  // the mistake, as a student would make it
  Word2vecFunctions functions;
};

std::vector<WrongVariant> wrong_variants();

}  // namespace w2v::testing
