#pragma once
// Gradescope autograder results.json: one test per check with
// score = weight × (passed cases / cases run), max_score = weight, status
// "passed"/"failed", and an output text with the worst error and reproduce
// command; plus the total score and execution_time.
//
//   auto weights = w2v::parse_gradescope_weights("b=2,f.neg=0.5");
//   w2v::write_gradescope_report(file, run, weights);
#include <map>
#include <ostream>
#include <string>
#include <string_view>

#include "checks/result.hpp"

namespace w2v {

struct GradescopeWeights {
  double default_weight = 1.0;
  // Check id or id prefix ("f", "f.neg") → weight; the longest match wins.
  std::map<std::string, double> by_id;
  double weight_for(std::string_view check_id) const;
};

// "id=w,prefix=w,…" (whitespace ignored; "*=w" sets the default). Throws
// std::invalid_argument naming the bad item for a malformed or negative weight.
GradescopeWeights parse_gradescope_weights(std::string_view spec);

void write_gradescope_report(std::ostream& out, const RunResult& run,
                             const GradescopeWeights& weights);

}  // namespace w2v
