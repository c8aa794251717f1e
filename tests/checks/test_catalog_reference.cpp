// Every catalog entry passes on the reference across 200 seeded shapes (the
// CLI's default seed, count and mode: every entry of every block),
// data-driven over entry × shape: one test case per (check id, case index),
// each named in the failure with its seed, shape and reproduce command.
#define BOOST_TEST_MODULE catalog_reference
#include <boost/test/data/monomorphic.hpp>
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

BOOST_DATA_TEST_CASE(reference_passes, bdata::make(catalog_ids()) * bdata::xrange(kShapes), id,
                     k) {
  w2v::RunOptions opts;  // the CLI's defaults
  opts.seed = kSeed;
  opts.shapes = kShapes;
  opts.only = {id};
  opts.cases = {k};
  const w2v::RunResult run = w2v::run_checks(w2v::catalog(), w2v::reference_functions(), opts);
  BOOST_TEST_REQUIRE(run.checks.size() == 1u);
  BOOST_TEST_REQUIRE(run.checks.front().cases.size() == 1u);
  const w2v::CheckResult& check = run.checks.front();
  const w2v::CaseResult& c = check.cases.front();
  BOOST_TEST_CONTEXT(id << " case " << c.case_index << " seed " << c.seed << " (run seed "
                        << kSeed << ") shape " << c.shape.describe()
                        << " reproduce: " << w2v::reproduce_command(run, check, c)) {
    BOOST_TEST(c.error.empty(), "error: " << c.error);
    if (!c.skipped.empty()) {
      // The only documented skips: V = 1 leaves no word other than o or c,
      // and no negative other than o.
      BOOST_TEST(c.shape.V == 1u, "skipped: " << c.skipped);
      return;
    }
    const w2v::EntryError& w = c.comparison.worst;
    BOOST_TEST(c.comparison.failing == 0u,
               c.comparison.failing << " entries fail; worst (" << w.row << "," << w.col
                                    << ") analytic " << w.analytic << " numeric " << w.numeric
                                    << " abs error " << w.abs_error << " > tol " << w.tolerance);
    // Every entry of the block, not a sample.
    BOOST_TEST(c.comparison.checked == c.parameters, "mode " << c.mode);
    BOOST_TEST(c.parameters > 0u);
  }
}
