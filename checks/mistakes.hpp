#pragma once
// Deliberately wrong implementations of the word2vec functions, one per classic
// student mistake (sign flip, Uᵀ for U, missing softmax normaliser, dropped
// repeated negatives, factor 2, float32, one zeroed / one slightly-off entry).
// The self-test (tests/checks/test_wrong_gradients.cpp) asserts that the harness
// flags each wherever it really differs from the truth; `w2v-gradcheck
// --inject-mistake NAME` runs one to show what a failing report looks like.
//
//   for (const WrongVariant& w : wrong_variants()) run_case(entry, sc, w.functions, opts);
#include <string>
#include <vector>

#include "checks/functions.hpp"

namespace w2v {

struct WrongVariant {
  std::string name;         // "sign_flip", "transposed", …
  std::string description;  // the mistake, as a student would make it
  Word2vecFunctions functions;
};

std::vector<WrongVariant> wrong_variants();

// Throws std::invalid_argument listing the known names.
WrongVariant wrong_variant(std::string_view name);

}  // namespace w2v
