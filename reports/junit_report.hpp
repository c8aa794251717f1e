#pragma once
// JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one
// <testsuite> per check, one <testcase> per check × shape case, <failure> for a
// failed case and <error> for one that could not run, <skipped> for shapes the
// check does not apply to. Messages carry the worst entry and the reproduce
// command. All text is XML-escaped.
//
//   w2v::write_junit_report(file, run);
#include <ostream>

#include "checks/result.hpp"

namespace w2v {

void write_junit_report(std::ostream& out, const RunResult& run);

}  // namespace w2v
