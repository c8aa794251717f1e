#pragma once
// One self-contained HTML page for a run: inline CSS, SVG and a little JS, no
// network; reads fine without JS and at phone width. Header with the overall
// verdict and counts; a table of checks (status badge, worst errors in
// scientific notation; sortable and filterable with JS); per check a detail
// section with the formula, the shapes tried and their errors, an SVG plot of
// error vs problem size, an SVG h-sweep plot (log-log), and the reproduce
// command of each failure. Every string is HTML-escaped.
//
//   w2v::write_html_report(file, run);
#include <ostream>
#include <string>
#include <string_view>

#include "checks/result.hpp"

namespace w2v {

void write_html_report(std::ostream& out, const RunResult& run);

// &, <, >, " and ' as entities.
std::string html_escape(std::string_view text);

}  // namespace w2v
