#pragma once
// Values of the solution protocol (docs/protocol.md, "Values") ⇄ Armadillo:
//
//   vector (n)    ⇄ [x_0, …, x_{n−1}]
//   matrix (R, C) ⇄ {"rows": R, "cols": C, "data": [R·C numbers, row-major]}
//   NaN, ±∞       ⇄ "NaN", "Infinity", "-Infinity"   (JSON has no such numbers)
//
// Finite doubles round-trip bit for bit: nlohmann::json parses with strtod and
// writes the shortest decimal that parses back to the same double.
// Readers throw BadRequest naming the field, e.g. "args.outside_vectors.data:
// expected 6 numbers (rows 3 × cols 2), got 5".
//
//   const Fields args(request.at("args"), "args");
//   const arma::mat U = args.matrix("outside_vectors");
//   reply["result"]["grad_outside_vectors"] = matrix_json(grad);
#include <armadillo>
#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace w2v::protocol {

using Json = nlohmann::ordered_json;

struct BadRequest : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The members of one JSON object, read with the types of the protocol.
class Fields {
 public:
  Fields(const Json& object, std::string path);

  bool has(std::string_view key) const;
  const Json& at(std::string_view key) const;
  std::string string(std::string_view key) const;
  arma::uword index(std::string_view key) const;
  arma::uvec indices(std::string_view key) const;
  std::vector<arma::uvec> index_lists(std::string_view key) const;
  arma::vec vector(std::string_view key) const;
  arma::mat matrix(std::string_view key) const;

 private:
  std::string path_of(std::string_view key) const;

  const Json& object_;
  std::string path_;
};

Json number_json(double x);
Json vector_json(const arma::vec& v);
Json matrix_json(const arma::mat& m);

}  // namespace w2v::protocol
