#include "checks/catalog.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace w2v {

#define W2V_CATALOG(name) std::vector<CheckEntry> name##_checks();
#include "checks/catalog/registry.def"
#undef W2V_CATALOG

std::vector<CheckEntry> catalog() {
  std::vector<CheckEntry> all;
  auto append = [&all](std::vector<CheckEntry> entries) {
    for (CheckEntry& e : entries) all.push_back(std::move(e));
  };
#define W2V_CATALOG(name) append(name##_checks());
#include "checks/catalog/registry.def"
#undef W2V_CATALOG
  return all;
}

arma::uvec row_entries(arma::uword V, arma::uword d, const arma::uvec& rows) {
  arma::uvec out(rows.n_elem * d);
  arma::uword k = 0;
  for (arma::uword j = 0; j < d; ++j)
    for (const arma::uword r : rows) out[k++] = r + j * V;
  return arma::sort(out);
}

std::vector<CheckEntry> select_checks(const std::vector<CheckEntry>& all,
                                      const std::vector<std::string>& ids) {
  if (ids.empty()) return all;
  std::vector<CheckEntry> out;
  for (const std::string& id : ids) {
    bool matched = false;
    for (const CheckEntry& e : all) {
      if (e.id == id || e.id.starts_with(id + ".")) {
        matched = true;
        bool dup = false;
        for (const CheckEntry& o : out) dup = dup || o.id == e.id;
        if (!dup) out.push_back(e);
      }
    }
    if (!matched) {
      std::string known;
      for (const CheckEntry& e : all) known += "\n  " + e.id;
      throw std::invalid_argument(
          fmt::format("no check matches '{}'; known check ids:{}", id, known));
    }
  }
  return out;
}

}  // namespace w2v
