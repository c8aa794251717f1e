// checks/catalog: the ids are a public contract (pinned, unique, well formed,
// part = first segment), selection by id and by group prefix, row_entries, and
// every entry's instances over the first cases of a run: shapes agree,
// coordinates are in range and cover the documented rows, and only the
// documented V=1 shapes are not applicable.
#define BOOST_TEST_MODULE checks_catalog
#include <boost/test/unit_test.hpp>

#include <armadillo>

#include <algorithm>
#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks/catalog.hpp"

namespace {

// `w2v-gradcheck --list`, in order. Changing this list breaks users' --only
// flags, CI filters and stored reports: add ids, never rename them.
const std::vector<std::string> kPinnedIds = {
    "b.naive.dv_c",   "c.naive.du_o",   "c.naive.du_w",      "c.naive.dU",
    "d.sigmoid.grad", "e.neg.dv_c",     "e.neg.du_o",        "e.neg.du_k",
    "e.neg.dU",       "f.naive.dU",     "f.naive.dv_c",      "f.naive.dv_w",
    "f.neg.dU",       "f.neg.dv_c",     "f.neg.dv_w",        "x.relu.grad",
    "x.leaky_relu.grad"};

// Checks that cover "the other words" and so have nothing to check when V=1.
const std::set<std::string> kNeedTwoWords = {"c.naive.du_w", "e.neg.du_k", "f.naive.dv_w",
                                             "f.neg.dv_w"};

std::vector<std::string> ids_of(const std::vector<w2v::CheckEntry>& entries) {
  std::vector<std::string> ids;
  for (const w2v::CheckEntry& e : entries) ids.push_back(e.id);
  return ids;
}

std::string selection_error(const std::vector<std::string>& selectors) {
  try {
    (void)w2v::select_checks(w2v::catalog(), selectors);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

// The rows a set of linear indices of a V×d matrix touches.
std::set<arma::uword> rows_of(const arma::uvec& linear, arma::uword V) {
  std::set<arma::uword> rows;
  for (const arma::uword i : linear) rows.insert(i % V);
  return rows;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ids)

BOOST_AUTO_TEST_CASE(ids_are_pinned) {
  const std::vector<std::string> ids = ids_of(w2v::catalog());
  BOOST_TEST(ids == kPinnedIds, boost::test_tools::per_element());
}

// Lower-case part letter, dot-separated segments; the derivative names keep
// the handout's capital (dU), so segments allow upper case.
BOOST_AUTO_TEST_CASE(ids_are_unique_and_well_formed) {
  const std::regex pattern(R"([a-x](\.[A-Za-z_0-9]+)+)");
  std::set<std::string> seen;
  for (const w2v::CheckEntry& e : w2v::catalog()) {
    BOOST_TEST_CONTEXT("check " << e.id) {
      BOOST_TEST(std::regex_match(e.id, pattern), "id does not match [a-x](.segment)+");
      BOOST_TEST(seen.insert(e.id).second, "duplicate id");
      BOOST_TEST(e.part == e.id.substr(0, e.id.find('.')), "part '" << e.part << "'");
      BOOST_TEST(!e.title.empty());
      BOOST_TEST(!e.formula.empty());
      BOOST_TEST(static_cast<bool>(e.make_instance));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(selection)

BOOST_AUTO_TEST_CASE(exact_and_prefix_selection) {
  const std::vector<w2v::CheckEntry> all = w2v::catalog();
  BOOST_TEST(ids_of(w2v::select_checks(all, {})) == kPinnedIds, boost::test_tools::per_element());
  BOOST_TEST(ids_of(w2v::select_checks(all, {"f.neg.dU"})) == std::vector<std::string>{"f.neg.dU"},
             boost::test_tools::per_element());
  const std::vector<std::string> f = {"f.naive.dU", "f.naive.dv_c", "f.naive.dv_w",
                                      "f.neg.dU",   "f.neg.dv_c",   "f.neg.dv_w"};
  BOOST_TEST(ids_of(w2v::select_checks(all, {"f"})) == f, boost::test_tools::per_element());
  BOOST_TEST(ids_of(w2v::select_checks(all, {"f.neg"})) ==
                 (std::vector<std::string>{"f.neg.dU", "f.neg.dv_c", "f.neg.dv_w"}),
             boost::test_tools::per_element());
  BOOST_TEST(ids_of(w2v::select_checks(all, {"x"})) ==
                 (std::vector<std::string>{"x.relu.grad", "x.leaky_relu.grad"}),
             boost::test_tools::per_element());
  // Selectors in their own order, duplicates dropped.
  BOOST_TEST(ids_of(w2v::select_checks(all, {"d", "b.naive.dv_c", "b", "d.sigmoid.grad"})) ==
                 (std::vector<std::string>{"d.sigmoid.grad", "b.naive.dv_c"}),
             boost::test_tools::per_element());
  BOOST_TEST(w2v::select_checks(all, {"f.neg", "f"}).size() == 6u);
}

BOOST_AUTO_TEST_CASE(prefix_must_end_at_a_segment) {
  // "f.ne" is a string prefix of f.neg.* but not a group.
  for (const std::string bad : {"f.ne", "e.neg.d", "c.naive.du", "x.relu.gra", "F", "f.", ""}) {
    const std::string what = selection_error({bad});
    BOOST_TEST(!what.empty(), "selector '" << bad << "' should match nothing");
  }
}

BOOST_AUTO_TEST_CASE(unknown_selector_lists_known_ids) {
  const std::string what = selection_error({"b", "z.nothing"});
  BOOST_TEST_CONTEXT("message '" << what << "'") {
    BOOST_TEST(what.find("'z.nothing'") != std::string::npos);
    for (const std::string& id : kPinnedIds) BOOST_TEST(what.find(id) != std::string::npos, id);
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(row_entries_are_sorted_column_major) {
  // V=4, d=3: rows {2, 0} → (0,0)=0 (2,0)=2 (0,1)=4 (2,1)=6 (0,2)=8 (2,2)=10.
  const arma::uvec got = w2v::row_entries(4, 3, arma::uvec{2, 0});
  BOOST_TEST(arma::conv_to<std::vector<arma::uword>>::from(got) ==
                 (std::vector<arma::uword>{0, 2, 4, 6, 8, 10}),
             boost::test_tools::per_element());
  BOOST_TEST(w2v::row_entries(5, 2, arma::uvec{}).n_elem == 0u);
  BOOST_TEST(arma::conv_to<std::vector<arma::uword>>::from(w2v::row_entries(1, 3, arma::uvec{0})) ==
                 (std::vector<arma::uword>{0, 1, 2}),
             boost::test_tools::per_element());
  for (const arma::uword V : {2u, 7u, 13u}) {
    for (const arma::uword d : {1u, 3u, 5u}) {
      arma::uvec odd;  // the odd rows, in descending order
      for (arma::uword r = V; r-- > 0;)
        if (r % 2 == 1) odd.insert_rows(odd.n_elem, arma::uvec{r});
      const arma::uvec e = w2v::row_entries(V, d, odd);
      BOOST_TEST_CONTEXT("V=" << V << " d=" << d << " rows " << odd.t()) {
        BOOST_TEST(e.n_elem == odd.n_elem * d);
        BOOST_TEST(std::is_sorted(e.begin(), e.end()));
        BOOST_TEST((std::adjacent_find(e.begin(), e.end()) == e.end()));
        for (const arma::uword i : e) {
          BOOST_TEST(i < V * d);
          BOOST_TEST(i % V % 2 == 1u, "index " << i << " is in row " << i % V);
        }
      }
    }
  }
}

// Every entry over the first 40 cases of seed 42 (all edge shapes and a few
// dozen drawn ones), evaluated with the reference.
BOOST_AUTO_TEST_CASE(instances_are_consistent) {
  constexpr std::uint64_t kSeed = 42;
  const w2v::Word2vecFunctions ref = w2v::reference_functions();
  std::size_t na = 0;
  for (const w2v::CheckEntry& e : w2v::catalog()) {
    for (const w2v::ShapeCase& sc : w2v::sample_shapes(kSeed, 40)) {
      if (sc.shape.family == "large" && sc.index % 3 != 0) continue;  // keep it quick
      const w2v::CheckInstance inst = e.make_instance(sc);
      const w2v::Word2vecInputs in = w2v::make_inputs(sc);
      BOOST_TEST_CONTEXT(e.id << " seed " << kSeed << " case " << sc.index << " shape "
                              << sc.shape.describe() << " inputs " << in.describe()) {
        // Not applicable exactly for the "other word" checks at V=1.
        const bool expect_na = kNeedTwoWords.count(e.id) != 0 && sc.shape.V == 1;
        BOOST_TEST(inst.not_applicable.empty() != expect_na,
                   "not_applicable = '" << inst.not_applicable << "'");
        if (!inst.not_applicable.empty()) {
          ++na;
          BOOST_TEST(inst.not_applicable.find("V=1") != std::string::npos);
          continue;
        }
        BOOST_TEST(!inst.inputs.empty());
        BOOST_TEST(inst.point.n_elem > 0u);
        BOOST_TEST(inst.point.is_finite());
        const double J = inst.loss(ref, inst.point);
        BOOST_TEST(std::isfinite(J), "loss " << J);
        const arma::mat g = inst.gradient(ref, inst.point);
        BOOST_TEST(g.n_rows == inst.point.n_rows, "gradient " << g.n_rows << "x" << g.n_cols);
        BOOST_TEST(g.n_cols == inst.point.n_cols, "gradient " << g.n_rows << "x" << g.n_cols);
        BOOST_TEST(g.is_finite());
        const arma::uvec& c = inst.coordinates;
        BOOST_TEST(std::is_sorted(c.begin(), c.end()));
        BOOST_TEST((std::adjacent_find(c.begin(), c.end()) == c.end()));
        BOOST_TEST(arma::all(c < inst.point.n_elem));

        // Which block and which rows, per documented id.
        const arma::uword V = sc.shape.V, d = sc.shape.d;
        const std::set<arma::uword> rows = rows_of(c, V);
        std::set<arma::uword> others;
        for (arma::uword w = 0; w < V; ++w) others.insert(w);
        if (e.part == "d" || e.part == "x") {
          BOOST_TEST(inst.point.n_rows == d);
          BOOST_TEST(inst.point.n_cols == 1u);
          BOOST_TEST(c.is_empty());
        } else if (e.id == "b.naive.dv_c" || e.id == "e.neg.dv_c") {
          BOOST_TEST(inst.point.n_rows == d);
          BOOST_TEST(inst.point.n_cols == 1u);
          BOOST_TEST(arma::all(inst.point.col(0) == in.center_vec()));
        } else {
          BOOST_TEST(inst.point.n_rows == V);
          BOOST_TEST(inst.point.n_cols == d);
          if (e.id.ends_with(".dU")) {
            BOOST_TEST(c.is_empty(), "dU covers all of U");
          } else if (e.id.ends_with(".du_o")) {
            BOOST_TEST((rows == std::set<arma::uword>{in.outside_idx}));
            BOOST_TEST(c.n_elem == d);
          } else if (e.id == "c.naive.du_w") {
            others.erase(in.outside_idx);
            BOOST_TEST((rows == others));
            BOOST_TEST(c.n_elem == (V - 1) * d);
          } else if (e.id == "e.neg.du_k") {
            std::set<arma::uword> negs(in.negatives.begin(), in.negatives.end());
            negs.erase(in.outside_idx);
            BOOST_TEST((rows == negs));
          } else if (e.id.ends_with(".dv_c")) {
            BOOST_TEST((rows == std::set<arma::uword>{in.center_idx}));
            BOOST_TEST(c.n_elem == d);
          } else if (e.id.ends_with(".dv_w")) {
            others.erase(in.center_idx);
            BOOST_TEST((rows == others));
            BOOST_TEST(c.n_elem == (V - 1) * d);
          } else {
            BOOST_TEST(false, "id not covered by this test");
          }
        }
      }
    }
  }
  // Cases 0 and 2 are V=1: four "other word" checks each.
  BOOST_TEST(na == 2 * kNeedTwoWords.size());
}

BOOST_AUTO_TEST_CASE(instances_are_deterministic) {
  for (const w2v::CheckEntry& e : w2v::catalog()) {
    for (const std::size_t k : {std::size_t{3}, std::size_t{5}, std::size_t{17}}) {
      const w2v::ShapeCase sc = w2v::sample_shape(7, k);
      const w2v::CheckInstance a = e.make_instance(sc), b = e.make_instance(sc);
      BOOST_TEST_CONTEXT(e.id << " seed 7 case " << k << " shape " << sc.shape.describe()) {
        BOOST_TEST(arma::approx_equal(a.point, b.point, "absdiff", 0.0));
        BOOST_TEST(a.coordinates.n_elem == b.coordinates.n_elem);
        BOOST_TEST(a.inputs == b.inputs);
      }
    }
  }
}
