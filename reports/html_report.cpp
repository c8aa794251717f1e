#include "reports/html_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "reports/console.hpp"

namespace w2v {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at s[i], or 0 when it is malformed,
// overlong, a surrogate or a C1 control (which HTML treats as a parse error).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  // Payload bits of the lead byte, sequence length, smallest code point that
  // needs this length (anything smaller is an overlong encoding).
  std::size_t len = 0;
  char32_t cp = 0, min = 0;
  if ((lead & 0xE0) == 0xC0) {
    len = 2, cp = lead & 0x1F, min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    len = 3, cp = lead & 0x0F, min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    len = 4, cp = lead & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp <= 0x9F) return 0;
  return len;
}

}  // namespace

// Beyond the five entities: a student's exception text may hold control
// characters or bytes that are not UTF-8; both become U+FFFD so the page stays
// valid UTF-8 and every browser shows the same thing.
std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        case '\t':
        case '\n':
        case '\r': out += c; break;
        default:
          if (b < 0x20 || b == 0x7F)
            out += kReplacement;
          else
            out += c;
      }
      ++i;
      continue;
    }
    const std::size_t len = utf8_sequence_length(text, i);
    if (len == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text.substr(i, len));
      i += len;
    }
  }
  return out;
}

namespace {

using Buffer = std::string;

template <class... Args>
void put(Buffer& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

// ---------------------------------------------------------------- numbers

// Scientific notation as every report prints it ("3.81e-10"); non-finite
// values as words, never as something a browser or SVG parser chokes on.
std::string sci(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.2e}", v);
}

std::string full(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return fmt::format("{:.10g}", v);
}

// Sort key for the table script: Number() parses all of these.
std::string sort_key(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{:.17g}", v);
}

std::string coord(double v) { return fmt::format("{:.1f}", v); }

std::string_view plural(std::size_t n, std::string_view one, std::string_view many) {
  return n == 1 ? one : many;
}

// ---------------------------------------------------------------- formula

bool ascii_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Typesets the catalog's plain-text formulas: "u_o", "dJ_sg", "w_{t+j}" get a
// subscript, "e^(−x)" a superscript; the rest is escaped text. Identifiers
// such as "leaky_relu" stay as they are: only a short symbol (≤ 2 ASCII
// letters or one non-ASCII character such as ŷ or Σ) takes a subscript.
void render_formula(Buffer& out, std::string_view f, std::size_t& i, char close) {
  std::size_t text_start = i;
  auto flush = [&](std::size_t end) { out += html_escape(f.substr(text_start, end - text_start)); };
  auto short_symbol_before = [&](std::size_t pos) {
    if (pos == 0) return false;
    if (static_cast<unsigned char>(f[pos - 1]) >= 0x80) return true;
    std::size_t n = 0;
    while (pos > 0 && ascii_alnum(f[pos - 1])) --pos, ++n;
    return n >= 1 && n <= 2;
  };
  while (i < f.size()) {
    const char c = f[i];
    if (close != 0 && c == close) {
      flush(i);
      ++i;
      return;
    }
    const bool sub = c == '_', sup = c == '^';
    if ((sub || sup) && i + 1 < f.size()) {
      const char next = f[i + 1];
      const char group_close = sub && next == '{' ? '}' : sup && next == '(' ? ')' : 0;
      const std::string_view tag = sub ? "sub" : "sup";
      if (group_close != 0 && (sup || short_symbol_before(i))) {
        flush(i);
        i += 2;
        put(out, "<{}>", tag);
        render_formula(out, f, i, group_close);
        put(out, "</{}>", tag);
        text_start = i;
        continue;
      }
      if (ascii_alnum(next) && (sup || short_symbol_before(i))) {
        std::size_t j = i + 1;
        while (j < f.size() && ascii_alnum(f[j])) ++j;
        if (j - i - 1 <= 3) {
          flush(i);
          put(out, "<{0}>{1}</{0}>", tag, html_escape(f.substr(i + 1, j - i - 1)));
          i = j;
          text_start = i;
          continue;
        }
      }
    }
    ++i;
  }
  flush(i);
}

std::string formula_html(std::string_view f) {
  Buffer out;
  std::size_t i = 0;
  render_formula(out, f, i, 0);
  return out;
}

// ---------------------------------------------------------------- statuses

struct StatusLook {
  std::string_view css;   // class suffix
  std::string_view text;  // what the badge says
};

StatusLook look(CaseStatus s) {
  switch (s) {
    case CaseStatus::passed: return {"pass", "✓ pass"};
    case CaseStatus::failed: return {"fail", "✗ FAIL"};
    case CaseStatus::error: return {"error", "! ERROR"};
    case CaseStatus::skipped: return {"skip", "– skipped"};
  }
  return {"skip", "?"};
}

StatusLook look(const CheckResult& c) {
  if (c.skipped()) return {"skip", "– SKIPPED"};
  if (c.passed()) return {"pass", "✓ PASS"};
  if (c.count(CaseStatus::failed) == 0) return {"error", "! ERROR"};
  return {"fail", "✗ FAIL"};
}

// Fragment ids: the check id with anything unusual replaced, made unique.
std::vector<std::string> anchors_for(const std::vector<CheckResult>& checks) {
  std::vector<std::string> out;
  std::set<std::string> used;
  for (const CheckResult& c : checks) {
    std::string a = "check-";
    for (const char ch : c.id)
      a += ascii_alnum(ch) || ch == '.' || ch == '-' || ch == '_' ? ch : '_';
    std::string unique = a;
    for (int k = 2; used.count(unique) != 0; ++k) unique = fmt::format("{}-{}", a, k);
    used.insert(unique);
    out.push_back(unique);
  }
  return out;
}

// ---------------------------------------------------------------- plots

// 10ⁿ with Unicode superscripts: no <tspan> juggling, reads at any size.
std::string power_of_ten(int n) {
  static const char* const digits[] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
  std::string out = "10";
  const std::string s = std::to_string(n);
  for (const char c : s) out += c == '-' ? "⁻" : digits[c - '0'];
  return out;
}

struct Decades {
  int lo = 0, hi = 1;
};

// The decades that cover the finite positive values, widened to at least
// [want_lo, want_hi] (INT_MAX / INT_MIN: no minimum span).
Decades decades_for(const std::vector<double>& values, int want_lo, int want_hi) {
  int lo = want_lo, hi = want_hi;
  for (const double v : values) {
    if (!(v > 0) || !std::isfinite(v)) continue;
    const double l = std::log10(v);
    lo = std::min(lo, static_cast<int>(std::floor(l)));
    hi = std::max(hi, static_cast<int>(std::ceil(l)));
  }
  if (lo == INT_MAX || hi == INT_MIN) return {0, 1};
  lo = std::max(lo, -330);
  hi = std::min(hi, 310);
  if (hi <= lo) hi = lo + 1;
  return {lo, hi};
}

// Where a y value goes: on the log scale, in the "= 0" band under it, or in
// the "NaN / inf" band over it.
enum class Band { scale, zero, non_finite };

Band band_of(double v) {
  if (!std::isfinite(v)) return Band::non_finite;
  if (v <= 0) return Band::zero;
  return Band::scale;
}

struct LegendItem {
  std::string marker;  // SVG for a marker centred at (0, 0)
  std::string label;
};

// A log-log chart in a fixed viewBox; scales with its container.
class LogLogChart {
 public:
  static constexpr double kWidth = 400, kHeight = 290;

  LogLogChart(Decades x, Decades y, bool zero_band, bool non_finite_band)
      : x_(x), y_(y), zero_band_(zero_band), non_finite_band_(non_finite_band) {
    plot_top_ = kLegendHeight + (non_finite_band_ ? kBand + kGap : 4.0);
    plot_bottom_ = kHeight - kBottomMargin - (zero_band_ ? kBand + kGap : 0.0);
  }

  double left() const { return kLeftMargin; }
  double right() const { return kWidth - kRightMargin; }
  double top() const { return plot_top_; }
  double bottom() const { return plot_bottom_; }

  // v must be finite and positive; values outside the range are clamped.
  double px(double v) const { return x_at(std::log10(v)); }
  double py(double v) const {
    switch (band_of(v)) {
      case Band::non_finite: return kLegendHeight + kBand / 2;
      case Band::zero: return plot_bottom_ + kGap + kBand / 2;
      case Band::scale: break;
    }
    return y_at(std::log10(v));
  }

  // Axes, grid, tick labels, bands, titles and the legend.
  void frame(Buffer& out, std::string_view x_title, std::string_view y_title,
             const std::vector<LegendItem>& legend) const {
    put(out, R"(<rect class="plot-bg" x="{}" y="{}" width="{}" height="{}"/>)", coord(left()),
        coord(top()), coord(right() - left()), coord(bottom() - top()));
    const int xstep = tick_step(x_), ystep = tick_step(y_);
    for (int d = x_.lo; d <= x_.hi; ++d) {
      const double x = x_at(d);
      const bool labelled = d % xstep == 0;
      put(out, R"(<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}"/>)",
          labelled ? "grid" : "grid minor", coord(x), coord(top()), coord(x), coord(bottom()));
      if (labelled)
        put(out, R"(<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>)", coord(x),
            coord(kHeight - kBottomMargin + 16), power_of_ten(d));
    }
    for (int d = y_.lo; d <= y_.hi; ++d) {
      const double y = y_at(d);
      const bool labelled = d % ystep == 0;
      put(out, R"(<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}"/>)",
          labelled ? "grid" : "grid minor", coord(left()), coord(y), coord(right()), coord(y));
      if (labelled)
        put(out, R"(<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>)",
            coord(left() - 5), coord(y + 4), power_of_ten(d));
    }
    if (zero_band_) {
      const double y0 = plot_bottom_ + kGap;
      put(out, R"(<rect class="band" x="{}" y="{}" width="{}" height="{}"/>)", coord(left()),
          coord(y0), coord(right() - left()), coord(kBand));
      put(out, R"(<text class="tick" x="{}" y="{}" text-anchor="end">0</text>)", coord(left() - 5),
          coord(y0 + kBand / 2 + 4));
    }
    if (non_finite_band_) {
      const double y0 = kLegendHeight;
      put(out, R"(<rect class="band" x="{}" y="{}" width="{}" height="{}"/>)", coord(left()),
          coord(y0), coord(right() - left()), coord(kBand));
      put(out, R"(<text class="tick" x="{}" y="{}" text-anchor="end">NaN/inf</text>)",
          coord(left() - 5), coord(y0 + kBand / 2 + 4));
    }
    const double axis_y = kHeight - kBottomMargin;
    put(out, R"(<line class="axis" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", coord(left()),
        coord(top()), coord(axis_y));
    put(out, R"(<line class="axis" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>)", coord(left()),
        coord(axis_y), coord(right()));
    put(out, R"(<text class="axis-title" x="{}" y="{}" text-anchor="middle">{}</text>)",
        coord((left() + right()) / 2), coord(kHeight - 8), html_escape(x_title));
    put(out,
        R"~(<text class="axis-title" x="0" y="0" text-anchor="middle" )~"
        R"~(transform="translate(14 {}) rotate(-90)">{}</text>)~",
        coord((top() + axis_y) / 2), html_escape(y_title));
    double lx = 8;
    for (const LegendItem& item : legend) {
      put(out,
          R"~(<g class="legend" transform="translate({} 11)">{}<text x="10" y="4">{}</text></g>)~",
          coord(lx + 5), item.marker, html_escape(item.label));
      lx += 28 + 7.0 * static_cast<double>(display_width(item.label));
    }
  }

 private:
  static constexpr double kLeftMargin = 60, kRightMargin = 12, kBottomMargin = 40;
  static constexpr double kLegendHeight = 24, kBand = 16, kGap = 6;

  // Data stay a few pixels inside the frame, off the axes.
  static constexpr double kInset = 8;
  double x_at(double decade) const {
    return left() + kInset + frac(decade, x_) * (right() - left() - 2 * kInset);
  }
  double y_at(double decade) const {
    return plot_bottom_ - kInset - frac(decade, y_) * (plot_bottom_ - plot_top_ - 2 * kInset);
  }
  static double frac(double l, Decades d) {
    return std::clamp((l - d.lo) / static_cast<double>(d.hi - d.lo), 0.0, 1.0);
  }
  static int tick_step(Decades d) {
    const int span = d.hi - d.lo;
    return span <= 9 ? 1 : span <= 20 ? 2 : (span + 9) / 10;
  }
  // Code points, for the legend layout.
  static std::size_t display_width(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(
        s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }

  Decades x_, y_;
  bool zero_band_, non_finite_band_;
  double plot_top_ = 0, plot_bottom_ = 0;
};

std::string svg_open(std::string_view css_class, std::string_view label,
                     double height = LogLogChart::kHeight) {
  return fmt::format(R"(<svg class="{}" viewBox="0 0 {} {}" role="img" aria-label="{}" )"
                     R"(preserveAspectRatio="xMidYMid meet">)",
                     css_class, LogLogChart::kWidth, height, html_escape(label));
}

// A short frame that says why there is nothing to draw.
void empty_chart(Buffer& out, std::string_view css_class, std::string_view message) {
  constexpr double kEmptyHeight = 90;
  out += svg_open(css_class, message, kEmptyHeight);
  put(out, R"(<rect class="plot-bg" x="1" y="1" width="{}" height="{}"/>)", LogLogChart::kWidth - 2,
      kEmptyHeight - 2);
  put(out, R"(<text class="empty" x="{}" y="{}" text-anchor="middle">{}</text>)",
      LogLogChart::kWidth / 2, kEmptyHeight / 2 + 5, html_escape(message));
  out += "</svg>";
}

std::string pass_marker(double x, double y, std::string_view cls) {
  return fmt::format(R"(<circle class="{}" cx="{}" cy="{}" r="4"/>)", cls, coord(x), coord(y));
}

std::string fail_path(double x, double y) {
  constexpr double r = 4.5;
  return fmt::format("M{} {}L{} {}M{} {}L{} {}", coord(x - r), coord(y - r), coord(x + r),
                     coord(y + r), coord(x - r), coord(y + r), coord(x + r), coord(y - r));
}

// Which out-of-scale bands a chart drew, for its caption.
struct Bands {
  bool zeros = false, non_finite = false;
};

// The sentence that explains the extra bands a chart drew, or nothing.
std::string bands_note(Bands b) {
  if (b.zeros && b.non_finite)
    return " Exact zeros sit in the band marked 0 under the axis, NaN or inf in the band on top.";
  if (b.zeros) return " Exact zeros sit in the band marked 0 under the axis.";
  if (b.non_finite) return " NaN or inf errors sit in the band marked NaN/inf on top.";
  return "";
}

// Worst |analytic − numeric| of every case that compared entries, against the
// size of the block checked.
Bands scatter_plot(Buffer& out, const CheckResult& check) {
  std::vector<const CaseResult*> shown;
  std::vector<double> xs, ys;
  bool zeros = false, non_finite = false;
  for (const CaseResult& c : check.cases) {
    const CaseStatus s = c.status();
    if (s != CaseStatus::passed && s != CaseStatus::failed) continue;
    shown.push_back(&c);
    xs.push_back(static_cast<double>(std::max<std::size_t>(c.parameters, 1)));
    ys.push_back(c.comparison.max_abs_error);
    zeros = zeros || band_of(ys.back()) == Band::zero;
    non_finite = non_finite || band_of(ys.back()) == Band::non_finite;
  }
  const std::string label =
      fmt::format("{}: worst absolute error per case against problem size", check.id);
  if (shown.empty()) {
    empty_chart(out, "scatter", "no case compared any entry (all skipped or errored)");
    return {};
  }
  const LogLogChart chart(decades_for(xs, INT_MAX, INT_MIN), decades_for(ys, -16, 0), zeros,
                          non_finite);
  out += svg_open("scatter", label);
  const std::size_t npass = check.count(CaseStatus::passed),
                    nfail = check.count(CaseStatus::failed);
  chart.frame(out, "parameters in the checked block", "max |analytic − numeric|",
              {{pass_marker(0, 0, "legend-pass"), fmt::format("passed ({})", npass)},
               {fmt::format(R"(<path class="legend-fail" d="{}"/>)", fail_path(0, 0)),
                fmt::format("failed ({})", nfail)}});
  // Failures last, so they are drawn on top.
  for (const bool failed : {false, true}) {
    for (std::size_t k = 0; k < shown.size(); ++k) {
      const CaseResult& c = *shown[k];
      if ((c.status() == CaseStatus::failed) != failed) continue;
      const double x = chart.px(xs[k]), y = chart.py(ys[k]);
      const std::string tip = html_escape(
          fmt::format("case {} · {} · {} parameters · max abs error {} · {}", c.case_index,
                      c.shape.describe(), c.parameters, sci(ys[k]), to_string(c.status())));
      if (failed)
        put(out, R"(<path class="pt-fail" d="{}"><title>{}</title></path>)", fail_path(x, y), tip);
      else
        put(out, R"(<circle class="pt-pass" cx="{}" cy="{}" r="4"><title>{}</title></circle>)",
            coord(x), coord(y), tip);
    }
  }
  out += "</svg>";
  return {zeros, non_finite};
}

const CaseResult* find_case(const CheckResult& check, std::size_t index) {
  for (const CaseResult& c : check.cases)
    if (c.case_index == index) return &c;
  return nullptr;
}

// Error of a central difference against the analytic entry as h shrinks.
// A polyline through (xs, ys), broken wherever the error is not finite.
std::string curve_path(const LogLogChart& chart, const std::vector<double>& xs,
                       const std::vector<double>& ys) {
  std::string path;
  bool pen_down = false;
  for (std::size_t k = 0; k < std::min(xs.size(), ys.size()); ++k) {
    if (band_of(ys[k]) == Band::non_finite) {
      pen_down = false;
      continue;
    }
    put(path, "{}{} {}", pen_down ? 'L' : 'M', coord(chart.px(xs[k])), coord(chart.py(ys[k])));
    pen_down = true;
  }
  return path;
}

Bands h_sweep_plot(Buffer& out, const CheckResult& check) {
  const HSweep& sweep = check.h_sweep;
  // ys: the checked gradient; ref: the reference's, drawn too when they differ
  // so a wrong gradient's flat line sits next to the correct V.
  std::vector<double> xs, ys, ref;
  bool zeros = false, non_finite = false;
  for (const HSweepPoint& p : sweep.points) {
    if (!(p.step > 0) || !std::isfinite(p.step)) continue;
    xs.push_back(p.step);
    ys.push_back(p.abs_error);
    zeros = zeros || band_of(p.abs_error) == Band::zero;
    non_finite = non_finite || band_of(p.abs_error) == Band::non_finite;
    if (sweep.has_reference) {
      ref.push_back(p.reference_abs_error);
      zeros = zeros || band_of(p.reference_abs_error) == Band::zero;
      non_finite = non_finite || band_of(p.reference_abs_error) == Band::non_finite;
    }
  }
  if (xs.empty()) {
    empty_chart(out, "hsweep", "no h-sweep: no case of this check could be evaluated");
    return {};
  }
  // The step and tolerance the check itself used at that entry, for reference.
  const CaseResult* at = find_case(check, sweep.case_index);
  double used_step = 0, tolerance = 0;
  if (at != nullptr && at->comparison.has_worst) {
    used_step = at->comparison.worst.step;
    tolerance = at->comparison.worst.tolerance;
  }
  const bool show_step = used_step > 0 && std::isfinite(used_step);
  const bool show_tol = tolerance > 0 && std::isfinite(tolerance);
  std::vector<double> xr = xs, yr = ys;
  yr.insert(yr.end(), ref.begin(), ref.end());
  if (show_step) xr.push_back(used_step);
  if (show_tol) yr.push_back(tolerance);
  const LogLogChart chart(decades_for(xr, INT_MAX, INT_MIN), decades_for(yr, -16, 2), zeros,
                          non_finite);
  out += svg_open("hsweep", fmt::format("{}: h-sweep, error against step", check.id));
  std::vector<LegendItem> legend = {
      {R"(<line class="hs-line" x1="-7" y1="0" x2="7" y2="0"/><circle class="legend-hs" r="2.5"/>)",
       sweep.has_reference ? "checked gradient" : "|analytic − numeric|"}};
  if (sweep.has_reference)
    legend.push_back({R"(<line class="hs-ref" x1="-7" y1="0" x2="7" y2="0"/>)",
                      "correct gradient (reference)"});
  if (show_step)
    legend.push_back({R"(<line class="ref-step" x1="0" y1="-6" x2="0" y2="6"/>)", "h used"});
  if (show_tol)
    legend.push_back({R"(<line class="ref-tol" x1="-7" y1="0" x2="7" y2="0"/>)", "tolerance"});
  chart.frame(out, "step h", "|analytic − numeric|", legend);
  if (show_step)
    put(out,
        R"(<line class="ref-step" x1="{0}" y1="{1}" x2="{0}" y2="{2}">)"
        R"(<title>h used by the check: {3}</title></line>)",
        coord(chart.px(used_step)), coord(chart.top()), coord(chart.bottom()), sci(used_step));
  if (show_tol)
    put(out,
        R"(<line class="ref-tol" x1="{0}" y1="{1}" x2="{2}" y2="{1}">)"
        R"(<title>tolerance at this entry: {3}</title></line>)",
        coord(chart.left()), coord(chart.py(tolerance)), coord(chart.right()), sci(tolerance));
  if (const std::string path = curve_path(chart, xs, ref); !path.empty())
    put(out, R"(<path class="hs-ref" d="{}"><title>reference analytic {} at the same entry</title></path>)",
        path, sci(sweep.reference_analytic));
  if (const std::string path = curve_path(chart, xs, ys); !path.empty())
    put(out, R"(<path class="hs-line" d="{}"/>)", path);
  for (std::size_t k = 0; k < xs.size(); ++k)
    put(out,
        R"(<circle class="hs-pt" cx="{}" cy="{}" r="2.5"><title>h = {}: error {}</title></circle>)",
        coord(chart.px(xs[k])), coord(chart.py(ys[k])), sci(xs[k]), sci(ys[k]));
  out += "</svg>";
  return {zeros, non_finite};
}

// ---------------------------------------------------------------- page parts

constexpr std::size_t kPassingRowsShown = 20;

constexpr std::string_view kStyle = R"CSS(
:root{--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#cf222e;--fail-bg:#ffebe9;--error:#bc4c00;
  --error-bg:#fff1e5;--skip:#6e7781;--ink:#1f2328;--muted:#57606a;--line:#d0d7de;--soft:#f6f8fa;
  --accent:#0969da}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;
  font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
.page{max-width:1200px;margin:0 auto;padding:0 16px 48px}
a{color:var(--accent)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",
  "Liberation Mono",monospace;
  font-size:.9em}
h1{font-size:1.1rem;font-weight:600;margin:0;color:var(--muted)}
h2{font-size:1.35rem;margin:32px 0 10px}
h3{font-size:1.15rem;margin:0 0 6px;display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.banner{margin:16px 0 12px;padding:14px 20px;border-radius:10px;color:#fff;display:flex;
  flex-wrap:wrap;align-items:baseline;gap:6px 18px}
.banner.passed{background:var(--pass)}
.banner.failed{background:var(--fail)}
.verdict-word{font-size:2.6rem;font-weight:800;letter-spacing:.04em;line-height:1.1}
.banner .sub{font-size:1.1rem}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:8px;
  margin:0 0 14px;padding:0;list-style:none}
.stats li{border:1px solid var(--line);border-radius:8px;padding:6px 12px;background:var(--soft)}
.stats .n{display:block;font-size:1.6rem;font-weight:700;line-height:1.2;
  font-variant-numeric:tabular-nums}
.stats .bad .n{color:var(--fail)}
.stats .good .n{color:var(--pass)}
.stats .l{font-size:.85rem;color:var(--muted)}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:2px 24px;
  margin:0 0 12px}
.meta div{display:flex;gap:8px;min-width:0}
.meta .wide{grid-column:1/-1}
.meta dt{color:var(--muted);flex:none}
.meta dd{margin:0;overflow-wrap:anywhere}
.metric{background:var(--soft);border:1px solid var(--line);border-radius:8px;padding:10px 14px;
  margin:0;font-size:.92rem}
.metric p{margin:4px 0}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;border:1px solid var(--line);
  border-radius:8px;max-width:100%}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;
  white-space:nowrap}
thead th{background:var(--soft);font-weight:600;position:relative}
tbody tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.num{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
  font-size:.86rem}
td.wrap{white-space:normal;min-width:14em}
table.cases th{white-space:normal;vertical-align:bottom}
.checks td.col-title{white-space:normal;min-width:14em}
tr.row-failed{background:var(--fail-bg)}
tr.row-failed td:first-child{box-shadow:inset 5px 0 var(--fail)}
tr.row-error{background:var(--error-bg)}
tr.row-error td:first-child{box-shadow:inset 5px 0 var(--error)}
tr.row-skipped{color:var(--muted)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-weight:700;font-size:.8rem;
  color:#fff;background:var(--pass);white-space:nowrap}
.badge.fail{background:var(--fail)}
.badge.error{background:var(--error)}
.badge.skip{background:var(--skip)}
th.sortable{cursor:pointer;user-select:none}
th.sortable:hover,th.sortable:focus{background:#eaeef2}
th.sortable::after{content:"\2195";margin-left:4px;color:#8c959f;font-size:.8em}
th[aria-sort=ascending]::after{content:"\25B2";color:var(--ink)}
th[aria-sort=descending]::after{content:"\25BC";color:var(--ink)}
.filter{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:0 0 8px}
.filter[hidden]{display:none}
.filter button{font:inherit;font-size:.9rem;padding:3px 12px;border:1px solid var(--line);
  border-radius:999px;background:#fff;cursor:pointer}
.filter button[aria-pressed=true]{background:var(--ink);color:#fff;border-color:var(--ink)}
.filter .note{color:var(--muted);font-size:.88rem}
section.check{border-top:1px solid var(--line);padding-top:18px;margin-top:28px}
section.check.failed h3 code{color:var(--fail)}
.summary{margin:4px 0 10px;color:var(--muted)}
.formula{font-family:"STIX Two Math","Cambria Math","Latin Modern Math","DejaVu Serif",Georgia,
  "Times New Roman",serif;
  font-size:1.2rem;background:var(--soft);border-left:4px solid var(--accent);padding:10px 16px;
  margin:8px 0 12px;overflow-x:auto}
.formula sub,.formula sup{font-size:.7em}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0 0 12px;
  font-size:.92rem}
.facts dt{color:var(--muted)}
.facts dd{margin:0;overflow-wrap:anywhere}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px;
  margin:12px 0}
figure{margin:0;border:1px solid var(--line);border-radius:8px;padding:8px}
figure svg{display:block;width:100%;max-width:520px;height:auto;margin:0 auto}
figcaption{font-size:.86rem;color:var(--muted);margin-top:6px}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
  fill:#1f2328}
svg .tick{font-size:13px;fill:#57606a}
svg .axis-title{font-size:13px}
svg .legend text{font-size:13px}
svg .empty{font-size:14px;fill:#57606a}
svg .plot-bg{fill:#fbfcfd;stroke:#d0d7de}
svg .band{fill:#eef1f4;stroke:#d0d7de;stroke-dasharray:3 3}
svg .grid{stroke:#d8dee4;stroke-width:1}
svg .grid.minor{stroke:#eef1f4}
svg .axis{stroke:#57606a;stroke-width:1.2}
svg .pt-pass,svg .legend-pass{fill:#1a7f37;fill-opacity:.7;stroke:#0f5323;stroke-width:1}
svg .pt-fail,svg .legend-fail{fill:none;stroke:#cf222e;stroke-width:2.6;stroke-linecap:round}
svg .hs-line{fill:none;stroke:#0969da;stroke-width:2}
svg .hs-pt,svg .legend-hs{fill:#0969da}
svg .hs-ref{fill:none;stroke:#1a7f37;stroke-width:2;stroke-dasharray:5 3}
svg .ref-step{stroke:#6e7781;stroke-width:1.5;stroke-dasharray:4 3}
svg .ref-tol{stroke:#bc4c00;stroke-width:1.5;stroke-dasharray:6 3}
code.repro{display:block;white-space:pre-wrap;word-break:break-all;background:#1f2328;
  color:#f6f8fa;padding:6px 10px;border-radius:6px;margin:4px 0 2px;user-select:all;
  -webkit-user-select:all}
.hint{margin:.3rem 0;padding:.3rem .5rem;border-left:4px solid #b45309;background:#fffbeb;
color:#451a03;font-size:.9rem}
.hint b{color:#92400e}
pre.output{white-space:pre-wrap;word-break:break-word;max-height:24rem;overflow:auto;
background:#f8fafc;border:1px solid #cbd5e1;padding:.5rem;font-size:.8rem}
pre.errtext{white-space:pre-wrap;word-break:break-word;background:#fff;
  border:1px solid var(--line);border-radius:6px;padding:6px 10px;margin:4px 0}
tr.case-detail td{white-space:normal;padding-top:2px;padding-bottom:10px}
tr.case-detail.row-failed td:first-child{box-shadow:inset 5px 0 var(--fail)}
tr.case-detail.row-error td:first-child{box-shadow:inset 5px 0 var(--error)}
.scroll-hint{display:none;color:var(--muted);font-size:.85rem;margin:0 0 4px}
.omitted{color:var(--muted);font-size:.88rem;margin:6px 0 0}
.top{font-size:.85rem}
footer{margin-top:40px;color:var(--muted);font-size:.85rem}
@media (max-width:640px){
body{font-size:14px}
.page{padding:0 10px 32px}
.verdict-word{font-size:2rem}
.banner{padding:10px 14px}
.stats{grid-template-columns:repeat(3,1fr);gap:6px}
.stats li{padding:4px 8px}
.stats .n{font-size:1.3rem}
th,td{padding:5px 7px}
.checks .col-title{display:none}
.scroll-hint{display:block}
table.cases thead{display:none}
table.cases,table.cases tbody,table.cases td{display:block;width:100%}
table.cases tr{display:flex;flex-wrap:wrap;align-items:baseline;border-top:1px solid var(--line);
  padding:4px 0}
table.cases tbody tr:first-child{border-top:0}
table.cases tr.case-detail{border-top:0;padding-top:0}
table.cases td{border:0;padding:1px 10px;white-space:normal;text-align:left;flex:1 1 100%}
table.cases td.c-case,table.cases td.c-status{flex:0 0 auto;width:auto;order:-1;font-weight:600}
table.cases td.c-case::before{content:"case ";font-weight:400;color:var(--muted)}
table.cases td.c-none{display:none}
table.cases td[data-label]:not(.c-case)::before{content:attr(data-label) ": ";color:var(--muted);
  font-family:system-ui,sans-serif}
table.cases tr.row-failed{box-shadow:inset 5px 0 var(--fail)}
table.cases tr.row-error{box-shadow:inset 5px 0 var(--error)}
table.cases tr td:first-child{box-shadow:none}
.formula{font-size:1.05rem;padding:8px 10px}
.facts{grid-template-columns:1fr}
.facts dd{margin-bottom:4px}
}
)CSS";

constexpr std::string_view kScript = R"JS(
(function () {
  "use strict";
  var each = function (list, fn) { Array.prototype.forEach.call(list, fn); };
  var table = document.getElementById("checks-table");
  if (table && table.tBodies.length) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (r, i) { r.setAttribute("data-order", String(i)); });
    var heads = table.tHead.rows[0].cells;
    each(heads, function (th, col) {
      var type = th.getAttribute("data-sort");
      if (!type) return;
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      th.title = "Sort by " + th.textContent.trim();
      var key = function (row) {
        var cell = row.cells[col];
        var v = cell.hasAttribute("data-v") ? cell.getAttribute("data-v") : cell.textContent.trim();
        if (type === "num") { var x = Number(v); return isNaN(x) ? Infinity : x; }
        return v.toLowerCase();
      };
      var sort = function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        each(heads, function (h) {
          if (h.hasAttribute("data-sort")) h.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var sorted = Array.prototype.slice.call(body.rows).sort(function (a, b) {
          var ka = key(a), kb = key(b);
          var c = ka < kb ? -1 : ka > kb ? 1 : 0;
          var order = Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
          return (asc ? c : -c) || order;
        });
        sorted.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); }
      });
    });
    var bar = document.getElementById("status-filter");
    if (bar) {
      var note = bar.querySelector(".note");
      var buttons = bar.querySelectorAll("button[data-filter]");
      each(buttons, function (b) {
        b.addEventListener("click", function () {
          var f = b.getAttribute("data-filter"), shown = 0;
          each(buttons, function (o) {
            o.setAttribute("aria-pressed", o === b ? "true" : "false");
          });
          rows.forEach(function (r) {
            var hide = f !== "all" && r.getAttribute("data-status") !== f;
            r.hidden = hide;
            if (!hide) shown += 1;
          });
          note.textContent =
              shown === rows.length ? "" : "showing " + shown + " of " + rows.length + " checks";
        });
      });
      bar.hidden = false;
    }
  }
  document.documentElement.setAttribute("data-ready", "1");
})();
)JS";

std::size_t count_cases(const RunResult& run, CaseStatus s) {
  std::size_t n = 0;
  for (const CheckResult& c : run.checks) n += c.count(s);
  return n;
}

void stat(Buffer& out, std::size_t n, std::string_view label, bool bad_when_nonzero,
          bool good_when_nonzero) {
  const std::string_view cls = n > 0 && bad_when_nonzero    ? "bad"
                               : n > 0 && good_when_nonzero ? "good"
                                                            : "";
  put(out, R"(<li class="{}"><span class="n">{}</span><span class="l">{}</span></li>)", cls, n,
      label);
}

void meta(Buffer& out, std::string_view term, const std::string& value_html, bool wide = false) {
  put(out, R"(<div{}><dt>{}</dt><dd>{}</dd></div>)", wide ? R"( class="wide")" : "", term,
      value_html);
}

std::string shapes_text(const RunOptions& o) {
  if (o.cases.empty())
    return fmt::format("{} per check (cases 0–{})", o.shapes, o.shapes == 0 ? 0 : o.shapes - 1);
  std::string list;
  for (const std::size_t k : o.cases) list += (list.empty() ? "" : ", ") + std::to_string(k);
  return fmt::format("case {} only (of {})", list, o.shapes);
}

void header(Buffer& out, const RunResult& run) {
  const bool ok = run.passed();
  const std::size_t cp = run.count_checks(true), cf = run.count_checks(false);
  out += R"(<header id="top">)";
  out += "<h1>w2v-gradcheck report — CS224n word2vec gradients</h1>";
  put(out,
      R"(<div class="banner {}" id="verdict" data-verdict="{}">)"
      R"(<span class="verdict-word">{}</span>)",
      ok ? "passed" : "failed", ok ? "passed" : "failed", ok ? "✓ PASSED" : "✗ FAILED");
  if (!run.error.empty())
    put(out, R"(<span class="sub" id="run-error">the run could not start: {}</span>)",
        html_escape(run.error));
  else if (run.checks.empty())
    out += R"(<span class="sub">no checks were run</span>)";
  else if (ok && run.count_skipped_checks() > 0)
    put(out, R"(<span class="sub">{} {} passed, {} skipped (no case applies)</span>)", cp,
        plural(cp, "check", "checks"), run.count_skipped_checks());
  else if (ok)
    put(out, R"(<span class="sub">all {} {} passed</span>)", cp, plural(cp, "check", "checks"));
  else
    put(out, R"(<span class="sub">{} of {} {} failed</span>)", cf, run.checks.size(),
        plural(run.checks.size(), "check", "checks"));
  out += "</div>";

  out += R"(<ul class="stats" aria-label="counts">)";
  stat(out, cp, "checks passed", false, true);
  stat(out, cf, "checks failed", true, false);
  if (const std::size_t cs = run.count_skipped_checks(); cs > 0)
    stat(out, cs, "checks skipped", false, false);
  stat(out, count_cases(run, CaseStatus::passed), "cases passed", false, true);
  stat(out, count_cases(run, CaseStatus::failed), "cases failed", true, false);
  stat(out, count_cases(run, CaseStatus::error), "cases errored", true, false);
  stat(out, count_cases(run, CaseStatus::skipped), "cases skipped", false, false);
  out += "</ul>";

  const RunOptions& o = run.options;
  out += R"(<dl class="meta">)";
  meta(out, "subject", "<strong>" + html_escape(run.subject) + "</strong>", true);
  meta(out, "seed", std::to_string(o.seed));
  meta(out, "shapes", html_escape(shapes_text(o)));
  if (!o.only.empty()) {
    std::string only;
    for (const std::string& s : o.only) only += (only.empty() ? "" : ", ") + s;
    meta(out, "checks selected", "<code>" + html_escape(only) + "</code>");
  }
  meta(out, "date", fmt::format(R"(<time datetime="{0}">{0}</time>)", html_escape(run.started_at)));
  meta(out, "host", html_escape(run.host.empty() ? "unknown" : run.host));
  meta(out, "version", "w2v-gradcheck " + html_escape(run.tool_version));
  meta(
      out, "stencil",
      html_escape(fmt::format("{}, step scale {:.3g}", to_string(o.fd.stencil), step_scale(o.fd))));
  meta(out, "tolerance",
       html_escape(fmt::format("{:g} × error estimate{}", o.comparison.safety,
                               o.comparison.rtol != 0
                                   ? fmt::format(" + {:g} × |numeric|", o.comparison.rtol)
                                   : std::string())));
  meta(out, "mode", describe_mode(o));
  meta(out, "run time", fmt::format("{:.2f} s", run.seconds));
  out += "</dl>";

  out += R"(<div class="metric" id="metric"><p><strong>What “error” means.</strong> )";
  out += html_escape(describe_metric(run));
  out +=
      ".</p><p><b>max abs</b> = largest |analytic − numeric| over all entries probed; "
      "<b>max rel</b> = largest |analytic − numeric| / max(|analytic|, |numeric|) over the "
      "entries larger than their tolerance (smaller ones are numerical noise); "
      "<b>reldiff</b> = CS224n’s |analytic − numeric| / max(1, |analytic|, |numeric|) "
      "(its own checker fails above 1e-5).</p></div>";
  out += "</header>";
}

void checks_table(Buffer& out, const RunResult& run, const std::vector<std::string>& anchors) {
  out += R"(<section id="checks"><h2>Checks</h2>)";
  if (run.checks.empty()) {
    out += "<p>No checks were run.</p></section>";
    return;
  }
  const std::size_t cp = run.count_checks(true), cf = run.count_checks(false);
  const std::size_t cs = run.count_skipped_checks();
  put(out,
      R"(<div class="filter" id="status-filter" hidden><span>Show:</span>)"
      R"(<button type="button" data-filter="all" aria-pressed="true">all ({})</button>)"
      R"(<button type="button" data-filter="failed" aria-pressed="false">failed ({})</button>)"
      R"(<button type="button" data-filter="passed" aria-pressed="false">passed ({})</button>)",
      run.checks.size(), cf, cp);
  if (cs > 0)
    put(out, R"(<button type="button" data-filter="skipped" aria-pressed="false">skipped ({})</button>)",
        cs);
  out += R"(<span class="note" aria-live="polite"></span></div>)";
  out += R"(<p class="scroll-hint">Swipe the table sideways for the error columns.</p>)";
  out += R"(<div class="table-wrap"><table class="checks" id="checks-table"><thead><tr>)"
         R"(<th scope="col" data-sort="num">Status</th>)"
         R"(<th scope="col" data-sort="text">Check</th>)"
         R"(<th scope="col" data-sort="text" class="col-title">Title</th>)"
         R"(<th scope="col" data-sort="num" class="num">Cases ok/run</th>)"
         R"(<th scope="col" data-sort="num" class="num">Max abs</th>)"
         R"(<th scope="col" data-sort="num" class="num">Max rel</th>)"
         R"(<th scope="col" data-sort="num" class="num">Reldiff</th>)"
         "</tr></thead><tbody>";
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    const CheckResult& c = run.checks[i];
    const StatusLook l = look(c);
    const std::size_t ran = c.cases.size() - c.count(CaseStatus::skipped);
    const std::size_t ok = c.count(CaseStatus::passed);
    const std::string row_class = c.skipped()        ? "check-row row-skipped"
                                  : c.passed()       ? "check-row"
                                  : l.css == "error" ? "check-row row-error row-failed"
                                                     : "check-row row-failed";
    put(out, R"(<tr class="{}" data-status="{}" data-check="{}">)", row_class,
        c.status_name(), html_escape(c.id));
    put(out, R"(<td data-v="{}"><span class="badge {}">{}</span></td>)", c.passed() ? 1 : 0, l.css,
        l.text);
    put(out, R"(<td><a href="#{}"><code>{}</code></a></td>)", anchors[i], html_escape(c.id));
    const std::string hint = c.hint();
    put(out, R"(<td class="col-title">{}{}</td>)", html_escape(c.title),
        hint.empty() ? std::string()
                     : R"(<div class="hint"><b>likely mistake:</b> )" + html_escape(hint) + "</div>");
    put(out, R"(<td class="num" data-v="{}">{}/{}</td>)",
        sort_key(ran == 0 ? 1.0 : static_cast<double>(ok) / static_cast<double>(ran)), ok, ran);
    for (const double v : {c.max_abs_error(), c.max_rel_error(), c.max_reldiff()}) {
      if (c.compared_any())
        put(out, R"(<td class="num" data-v="{}">{}</td>)", sort_key(v), sci(v));
      else  // every case skipped or errored: there is no error to state
        out += R"(<td class="num" data-v="-1" title="no entry was compared">–</td>)";
    }
    out += "</tr>";
  }
  out += "</tbody></table></div></section>";
}

std::string worst_entry_text(const CaseResult& c) {
  const EntryError& w = c.comparison.worst;
  return fmt::format(
      "worst at ({}, {}): analytic {}, numeric {}, |analytic − numeric| = {} {} tolerance {} (h = "
      "{})",
      w.row, w.col, full(w.analytic), full(w.numeric), sci(w.abs_error), w.passed() ? "≤" : ">",
      sci(w.tolerance), sci(w.step));
}

// A graded case: the solution's loss against the reference, its gradient
// against its own loss, and what it warned about.
void grading_lines(Buffer& rows, const CaseResult& c) {
  if (!c.mode.empty()) put(rows, "<div>numerical side: {}</div>", html_escape(c.mode));
  if (c.loss.checked)
    put(rows, "<div>loss: solution {}, reference {}, |difference| {} {} tolerance {}</div>",
        full(c.loss.solution), full(c.loss.reference), sci(c.loss.abs_error),
        c.loss.passed() ? "≤" : "&gt;", sci(c.loss.tolerance));
  const SelfConsistency& sc = c.self_consistency;
  if (sc.checked)
    put(rows, "<div>self-consistency (gradient vs. the numerical gradient of the solution’s own "
              "loss at {} {}): {}</div>",
        sc.comparison.checked, plural(sc.comparison.checked, "entry", "entries"),
        sc.comparison.passed() ? "consistent"
                               : html_escape(fmt::format("inconsistent, max abs error {:.3g}",
                                                         sc.comparison.max_abs_error)));
  else if (!sc.error.empty())
    put(rows, "<div>self-consistency not measured: {}</div>", html_escape(sc.error));
  for (const std::string& n : c.notes)
    put(rows, R"(<div>solution warning: {}</div>)", html_escape(n));
}

void case_rows(Buffer& out, const RunResult& run, const CheckResult& check) {
  constexpr int kColumns = 7;
  std::size_t quiet_seen = 0, passed_hidden = 0, skipped_hidden = 0, failing = 0;
  std::string rows;
  for (const CaseResult& c : check.cases) {
    const CaseStatus s = c.status();
    const bool bad = s == CaseStatus::failed || s == CaseStatus::error;
    if (bad) ++failing;
    if (!bad && quiet_seen++ >= kPassingRowsShown) {
      ++(s == CaseStatus::skipped ? skipped_hidden : passed_hidden);
      continue;
    }
    const StatusLook l = look(s);
    const std::string row_class = s == CaseStatus::failed  ? "case-row row-failed"
                                  : s == CaseStatus::error ? "case-row row-error"
                                                           : "case-row";
    put(rows, R"(<tr class="{}" data-case="{}" data-status="{}">)", row_class, c.case_index,
        to_string(s));
    put(rows,
        R"(<td class="num c-case" data-label="case">{}</td>)"
        R"(<td class="num" data-label="case seed">{}</td>)"
        R"(<td class="wrap" data-label="shape">{}</td>)",
        c.case_index, c.seed, html_escape(c.shape.describe()));
    const bool compared = s == CaseStatus::passed || s == CaseStatus::failed;
    if (compared) {
      const EntryError& w = c.comparison.worst;
      put(rows,
          R"(<td class="num" data-label="entries checked/params">{}/{}</td>)"
          R"(<td class="num" data-label="max abs error">{}</td>)"
          R"(<td class="num" data-label="worst entry vs tolerance">{} {} {}</td>)",
          c.comparison.checked, c.parameters, sci(c.comparison.max_abs_error), sci(w.abs_error),
          w.passed() ? "≤" : "&gt;", sci(w.tolerance));
    } else if (s == CaseStatus::skipped) {
      put(rows,
          R"(<td class="num c-none">–</td><td class="num c-none">–</td>)"
          R"(<td class="wrap" data-label="skipped">{}</td>)",
          html_escape(c.skipped));
    } else {
      rows += R"(<td class="num c-none">–</td><td class="num c-none">–</td>)"
              R"(<td class="c-none">see below</td>)";
    }
    put(rows, R"(<td class="c-status"><span class="badge {}">{}</span></td></tr>)", l.css, l.text);
    if (!bad) continue;
    put(rows, R"(<tr class="case-detail {}"><td colspan="{}">)",
        s == CaseStatus::failed ? "row-failed" : "row-error", kColumns);
    if (s == CaseStatus::error) {
      put(rows, R"(<pre class="errtext">{}</pre>)", html_escape(c.error));
    } else {
      put(rows, "<div>{} of {} entries over tolerance; {}.</div>", c.comparison.failing,
          c.comparison.checked, html_escape(worst_entry_text(c)));
    }
    if (!c.hint.empty())
      put(rows, R"(<div class="hint"><b>likely mistake:</b> {}</div>)", html_escape(c.hint));
    grading_lines(rows, c);
    if (!c.inputs.empty())
      put(rows, R"(<div>inputs: <code>{}</code></div>)", html_escape(c.inputs));
    put(rows, R"(<div>reproduce:</div><code class="repro">{}</code></td></tr>)",
        html_escape(reproduce_command(run, check, c)));
  }
  if (check.cases.empty()) {
    out += "<p>No cases were run for this check.</p>";
    return;
  }
  out += R"(<div class="table-wrap"><table class="cases"><thead><tr>)"
         R"(<th scope="col" class="num">Case</th><th scope="col" class="num">Case seed</th>)"
         R"(<th scope="col">Shape</th><th scope="col" class="num">Entries checked/params</th>)"
         R"(<th scope="col" class="num">Max abs error</th>)"
         R"(<th scope="col" class="num">Worst entry: error vs tolerance</th>)"
         R"(<th scope="col">Status</th>)"
         "</tr></thead><tbody>";
  out += rows;
  out += "</tbody></table></div>";
  if (passed_hidden + skipped_hidden > 0)
    put(out,
        R"(<p class="omitted">Showing every failing or errored case ({}) and the first {} others; )"
        R"({} more passed and {} more skipped {} not shown.</p>)",
        failing, kPassingRowsShown, passed_hidden, skipped_hidden,
        plural(passed_hidden + skipped_hidden, "case is", "cases are"));
}

void check_section(Buffer& out, const RunResult& run, const CheckResult& check,
                   const std::string& anchor) {
  const StatusLook l = look(check);
  put(out, R"(<section class="check {}" id="{}" data-check="{}">)",
      check.status_name(), anchor, html_escape(check.id));
  put(out, R"(<h3><span class="badge {}">{}</span><code>{}</code><span>{}</span></h3>)", l.css,
      l.text, html_escape(check.id), html_escape(check.title));
  const std::size_t n = check.cases.size();
  put(out,
      R"(<p class="summary">Handout part {} · {} {}: )"
      R"({} passed, {} failed, {} errored, {} skipped · )"
      R"(<a class="top" href="#checks">back to the table</a></p>)",
      html_escape(check.part.empty() ? "–" : check.part), n, plural(n, "case", "cases"),
      check.count(CaseStatus::passed), check.count(CaseStatus::failed),
      check.count(CaseStatus::error), check.count(CaseStatus::skipped));
  put(out, R"(<div class="formula" title="{0}">{1}</div>)", html_escape(check.formula),
      formula_html(check.formula));

  std::size_t probed = 0;
  double floor = 0.0;
  for (const CaseResult& k : check.cases) {
    probed += k.comparison.checked;
    floor = std::max(floor, k.comparison.max_error_floor);
  }
  out += R"(<dl class="facts">)";
  put(out, "<dt>entries probed</dt><dd>{} over all cases</dd>", probed);
  if (check.compared_any())
    put(out,
        "<dt>worst errors</dt><dd>max abs {} · max rel {} · reldiff {} · largest error estimate e "
        "{}</dd>",
        sci(check.max_abs_error()), sci(check.max_rel_error()), sci(check.max_reldiff()),
        sci(floor));
  else
    out +=
        "<dt>worst errors</dt><dd>none: no entry was compared (every case was skipped or "
        "errored)</dd>";
  if (const CaseResult* w = check.worst_case(); w != nullptr) {
    const CaseStatus s = w->status();
    put(out, "<dt>worst case</dt><dd>case {} (case seed {}, {}) — {}</dd>", w->case_index, w->seed,
        html_escape(w->shape.describe()),
        s == CaseStatus::error ? std::string("errored, see the table below")
                               : html_escape(worst_entry_text(*w)));
    if (s == CaseStatus::failed || s == CaseStatus::error)
      put(out, R"(<dt>reproduce</dt><dd><code class="repro">{}</code></dd>)",
          html_escape(reproduce_command(run, check, *w)));
  }
  if (const std::string hint = check.hint(); !hint.empty())
    put(out, R"(<dt>likely mistake</dt><dd class="hint">{}</dd>)", html_escape(hint));
  out += "</dl>";

  out += R"(<div class="plots"><figure>)";
  const Bands scatter_bands = scatter_plot(out, check);
  out +=
      "<figcaption>Each mark is one case: its largest |analytic − numeric| against the number of "
      "parameters in the checked block (log–log). A correct gradient stays near round-off, far "
      "below 10⁻⁶; a wrong one sits near the size of the gradient itself.";
  const std::size_t unplotted = check.count(CaseStatus::error) + check.count(CaseStatus::skipped);
  if (unplotted > 0)
    put(out, " {} errored or skipped {} no error to plot.", unplotted,
        plural(unplotted, "case has", "cases have"));
  out += bands_note(scatter_bands);
  out += "</figcaption></figure><figure>";
  const Bands sweep_bands = h_sweep_plot(out, check);
  out += "<figcaption>";
  const HSweep& sweep = check.h_sweep;
  if (sweep.points.empty()) {
    if (check.count(CaseStatus::error) > 0)
      out +=
          "No h-sweep: it is taken at the worst case, and a case errored, so there is no analytic "
          "value to "
          "sweep against.";
    else if (check.count(CaseStatus::skipped) == check.cases.size())
      out += "No h-sweep: every case of this check was skipped.";
    else
      out += "No h-sweep was recorded for this check.";
  } else {
    const CaseResult* at = find_case(check, sweep.case_index);
    put(out,
        "h-sweep at the worst case, case {}{}, entry ({}, {}), analytic value {}: the error of a "
        "plain central "
        "difference as the step h shrinks. A <b>correct</b> gradient draws a <b>V</b>: truncation "
        "error "
        "falls as h² until round-off, growing as 1/h, takes over, with the bottom near 10⁻¹⁰. A "
        "<b>wrong</b> gradient draws a <b>flat line</b> at the size of the mistake, whatever h. "
        "Dashed lines: "
        "the step the check used at this entry and its tolerance.",
        sweep.case_index,
        at != nullptr ? html_escape(fmt::format(" ({})", at->shape.describe())) : std::string(),
        sweep.row, sweep.col, full(sweep.analytic));
    out += bands_note(sweep_bands);
  }
  out += "</figcaption></figure></div>";

  put(out, "<h4>Cases tried</h4>");
  case_rows(out, run, check);
  out += "</section>";
}

// What the graded solution said at start-up and the end of what it printed.
void solution_section(Buffer& out, const RunResult& run) {
  if (run.solution_args.empty()) return;
  out += R"(<section id="solution"><h2>Solution</h2>)";
  put(out, "<p>Graded with <code>{}</code>.</p>", html_escape(run.solution_args));
  for (const std::string& n : run.solution_notes)
    put(out, R"(<pre class="errtext">{}</pre>)", html_escape(n));
  if (run.solution_output_bytes == 0) {
    out += "<p>It printed nothing (stdout and stderr).</p>";
  } else {
    put(out, "<p>Its output (stdout and stderr, {} bytes{}):</p>", run.solution_output_bytes,
        run.solution_output.size() < run.solution_output_bytes
            ? fmt::format("; the last {} shown", run.solution_output.size())
            : std::string());
    put(out, R"(<pre class="output">{}</pre>)", html_escape(run.solution_output));
  }
  out += "</section>";
}

}  // namespace

void write_html_report(std::ostream& out, const RunResult& run) {
  Buffer page;
  page.reserve(64 * 1024);
  const std::vector<std::string> anchors = anchors_for(run.checks);
  page +=
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  put(page, "<title>w2v-gradcheck: {} — {}</title>\n", run.passed() ? "PASSED" : "FAILED",
      html_escape(run.subject));
  page += "<style>";
  page += kStyle;
  page += "</style>\n</head>\n<body>\n<div class=\"page\">\n";
  header(page, run);
  page += "\n<main>\n";
  // A solution that never started explains every row: show why first.
  const bool did_not_start = std::any_of(
      run.solution_notes.begin(), run.solution_notes.end(), [](const std::string& n) {
        return n.find("could not be loaded") != std::string::npos ||
               n.find("did not start") != std::string::npos;
      });
  if (did_not_start) solution_section(page, run);
  checks_table(page, run, anchors);
  if (!did_not_start) solution_section(page, run);
  if (!run.checks.empty()) page += "\n<h2 id=\"details\">Details per check</h2>\n";
  for (std::size_t i = 0; i < run.checks.size(); ++i) {
    check_section(page, run, run.checks[i], anchors[i]);
    page += "\n";
  }
  page += "</main>\n";
  put(page,
      "<footer>Generated by w2v-gradcheck {} on {} at {}. Every number on this page is read from "
      "the run's "
      "result; nothing is recomputed. <a href=\"#top\">Back to top</a></footer>\n",
      html_escape(run.tool_version), html_escape(run.host.empty() ? "unknown host" : run.host),
      html_escape(run.started_at));
  page += "</div>\n<script>";
  page += kScript;
  page += "</script>\n</body>\n</html>\n";
  out << page;
}

}  // namespace w2v
