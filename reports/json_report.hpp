#pragma once
// Machine-readable report of a run, versioned. The schema is
// reports/schema/report.schema.json; kJsonSchemaVersion changes with it
// (major: incompatible, minor: fields added).
//
//   w2v::write_json_report(file, run);   // or w2v::to_json(run)
#include <nlohmann/json.hpp>

#include <ostream>

#include "checks/result.hpp"

namespace w2v {

inline constexpr const char* kJsonSchemaVersion = "1.2.0";

nlohmann::json to_json(const RunResult& run);
void write_json_report(std::ostream& out, const RunResult& run);

}  // namespace w2v
