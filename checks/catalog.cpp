#include "checks/catalog.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace w2v {

#define W2V_CATALOG(name) std::vector<CheckEntry> name##_checks();
#include "checks/catalog/registry.def"
#undef W2V_CATALOG

NumericalGradient structured_central_differences(const LossStructure& structure,
                                                 const FdOptions& options, arma::uvec coordinates) {
  return std::visit(
      [&](const auto& s) {
        return structured_central_differences(s.view(), s.block, options, std::move(coordinates));
      },
      structure);
}

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

CheckEntry elementwise_derivative_entry(std::string id, std::string part, std::string title,
                                        std::string formula, ElementwiseFn value,
                                        ElementwiseFn derivative) {
  CheckEntry e{std::move(id), std::move(part), std::move(title), std::move(formula), {}};
  e.make_instance = [value, derivative](const ShapeCase& sc) {
    CheckInstance inst;
    inst.point = make_inputs(sc).activations_input;
    inst.inputs = "x = activations input";
    inst.loss = [value](const Word2vecFunctions& f, const arma::mat& x) {
      return arma::accu(value(f, x.col(0)));
    };
    inst.gradient = [derivative](const Word2vecFunctions& f, const arma::mat& x) -> arma::mat {
      return derivative(f, x.col(0));
    };
    return inst;
  };
  return e;
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
      if (e.id == id || (e.id.starts_with(id) && e.id.size() > id.size() && e.id[id.size()] == '.')) {
        matched = true;
        bool dup = false;
        for (const CheckEntry& o : out) dup = dup || o.id == e.id;
        if (!dup) out.push_back(e);
      }
    }
    if (!matched) {
      std::string known;
      for (const CheckEntry& e : all) known += fmt::format("\n  {}", e.id);
      throw std::invalid_argument(
          fmt::format("no check matches '{}'; known check ids:{}", id, known));
    }
  }
  return out;
}

}  // namespace w2v
