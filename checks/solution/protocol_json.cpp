#include "protocol_json.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace w2v::protocol {
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw BadRequest(path + ": " + what);
}

std::string got(const Json& j) { return std::string(", got ") + j.type_name(); }

double read_number(const Json& j, const std::string& path) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
    if (s == "Infinity") return std::numeric_limits<double>::infinity();
    if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
    bad(path, "expected a number, got the string \"" + s + "\"");
  }
  bad(path, "expected a number" + got(j));
}

// nlohmann stores every non-negative integer literal as number_unsigned, so a
// negative or fractional index lands in the error branch.
arma::uword read_index(const Json& j, const std::string& path) {
  if (!j.is_number_unsigned()) bad(path, "expected a non-negative integer" + got(j));
  const auto value = j.get<std::uint64_t>();
  if (value > std::numeric_limits<arma::uword>::max()) bad(path, "index too large");
  return static_cast<arma::uword>(value);
}

const Json& read_array(const Json& j, const std::string& path) {
  if (!j.is_array()) bad(path, "expected an array" + got(j));
  return j;
}

arma::uvec read_indices(const Json& j, const std::string& path) {
  const Json& array = read_array(j, path);
  arma::uvec out(array.size());
  for (std::size_t i = 0; i < array.size(); ++i)
    out(i) = read_index(array[i], path + "[" + std::to_string(i) + "]");
  return out;
}

arma::vec read_vector(const Json& j, const std::string& path) {
  const Json& array = read_array(j, path);
  arma::vec out(array.size());
  for (std::size_t i = 0; i < array.size(); ++i)
    out(i) = read_number(array[i], path + "[" + std::to_string(i) + "]");
  return out;
}

}  // namespace

Fields::Fields(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
  if (!object_.is_object()) bad(path_, "expected an object" + got(object_));
}

std::string Fields::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

bool Fields::has(std::string_view key) const { return object_.contains(key); }

const Json& Fields::at(std::string_view key) const {
  const auto it = object_.find(key);
  if (it == object_.end()) bad(path_of(key), "missing");
  return *it;
}

std::string Fields::string(std::string_view key) const {
  const Json& j = at(key);
  if (!j.is_string()) bad(path_of(key), "expected a string" + got(j));
  return j.get<std::string>();
}

arma::uword Fields::index(std::string_view key) const { return read_index(at(key), path_of(key)); }

arma::uvec Fields::indices(std::string_view key) const {
  return read_indices(at(key), path_of(key));
}

std::vector<arma::uvec> Fields::index_lists(std::string_view key) const {
  const std::string path = path_of(key);
  const Json& array = read_array(at(key), path);
  std::vector<arma::uvec> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i)
    out.push_back(read_indices(array[i], path + "[" + std::to_string(i) + "]"));
  return out;
}

arma::vec Fields::vector(std::string_view key) const { return read_vector(at(key), path_of(key)); }

arma::mat Fields::matrix(std::string_view key) const {
  const Fields m(at(key), path_of(key));
  const arma::uword rows = m.index("rows");
  const arma::uword cols = m.index("cols");
  const arma::vec data = m.vector("data");
  if (cols != 0 && rows > std::numeric_limits<arma::uword>::max() / cols)
    bad(m.path_of("rows"), "rows × cols overflows");
  if (data.n_elem != rows * cols)
    bad(m.path_of("data"), "expected " + std::to_string(rows * cols) + " numbers (rows " +
                               std::to_string(rows) + " × cols " + std::to_string(cols) +
                               "), got " + std::to_string(data.n_elem));
  // data is row-major, Armadillo column-major: data read as (cols, rows) is Mᵀ.
  return arma::mat(data.memptr(), cols, rows).t();
}

Json number_json(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "Infinity" : "-Infinity";
  return x;
}

Json vector_json(const arma::vec& v) {
  Json out = Json::array();
  for (const double x : v) out.push_back(number_json(x));
  return out;
}

Json matrix_json(const arma::mat& m) {
  Json data = Json::array();
  for (arma::uword i = 0; i < m.n_rows; ++i)
    for (arma::uword j = 0; j < m.n_cols; ++j) data.push_back(number_json(m(i, j)));
  return Json{{"rows", m.n_rows}, {"cols", m.n_cols}, {"data", std::move(data)}};
}

}  // namespace w2v::protocol
