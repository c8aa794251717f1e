// Every catalog entry passes on the reference across 200 seeded shapes (the
// CLI's default seed and count), data-driven over the entries.
#define BOOST_TEST_MODULE catalog_reference
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "process_fixture.hpp"

#include "checks/catalog.hpp"
#include "checks/runner.hpp"

namespace bdata = boost::unit_test::data;

namespace {

std::vector<std::string> catalog_ids() {
  std::vector<std::string> ids;
  for (const w2v::CheckEntry& e : w2v::catalog()) ids.push_back(e.id);
  return ids;
}

constexpr std::uint64_t kSeed = 42;
constexpr std::size_t kShapes = 200;

}  // namespace

BOOST_DATA_TEST_CASE(reference_passes_every_shape, bdata::make(catalog_ids()), id) {
  w2v::RunOptions opts;
  opts.seed = kSeed;
  opts.shapes = kShapes;
  opts.only = {id};
  const w2v::RunResult run = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts);
  BOOST_TEST_REQUIRE(run.checks.size() == 1u);
  const w2v::CheckResult& check = run.checks.front();
  BOOST_TEST(check.cases.size() == kShapes);
  std::size_t ran = 0;
  for (const w2v::CaseResult& c : check.cases) {
    BOOST_TEST_CONTEXT(id << " case " << c.case_index << " seed " << c.seed << " shape "
                          << c.shape.describe() << " reproduce: "
                          << w2v::reproduce_command(run, check, c)) {
      BOOST_TEST(c.error.empty(), "error: " << c.error);
      const w2v::EntryError& w = c.comparison.worst;
      BOOST_TEST(c.comparison.failing == 0u,
                 c.comparison.failing << " entries fail; worst (" << w.row << "," << w.col
                                      << ") analytic " << w.analytic << " numeric " << w.numeric
                                      << " abs error " << w.abs_error << " > tol "
                                      << w.tolerance);
      if (c.status() == w2v::CaseStatus::passed) {
        ++ran;
        BOOST_TEST(c.comparison.checked > 0u);
      }
    }
  }
  // Skips are only the documented V=1 shapes; nearly every shape must run.
  BOOST_TEST(ran >= kShapes - 5, id << ": only " << ran << " of " << kShapes << " shapes ran");
}
