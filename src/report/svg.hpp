// Minimal SVG drawing for the report's inline charts: a canvas appending elements to one string, and axes
// mapping data to pixels (linear or log10) with 1-2-5 ticks. Debian has no small C++ plotting library that
// writes SVG text, and the report must not need JavaScript or files beside it, so this is our own.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace svcsim::report
{

std::string xml_escape(std::string_view s);
// A number for people: at most `decimals` decimals, trailing zeros dropped ("12.5", "300", "0.001").
std::string fmt_num(double v, int decimals = 3);

struct Axis {
  double lo = 0, hi = 1;       // data range shown
  double px_lo = 0, px_hi = 1; // pixel position of lo and of hi (for a y axis px_hi < px_lo)
  bool log = false;
  double map(double v) const;
  // Tick values inside [lo, hi]: 1-2-5 steps (linear), or m·10^k (log) with more mantissas over a short range.
  std::vector<double> ticks(int target = 6) const;
};

// A linear axis over [lo, hi] widened to whole ticks; a log axis over [lo, hi] widened a little.
Axis nice_linear(double lo, double hi, double px_lo, double px_hi);
Axis nice_log(double lo, double hi, double px_lo, double px_hi);

using Points = std::vector<std::pair<double, double>>; // pixel coordinates

class Svg
{
public:
  Svg(double width, double height, std::string_view label);
  void rect(double x, double y, double w, double h, const char* fill, double opacity = 1,
            std::string_view tooltip = {});
  void line(double x1, double y1, double x2, double y2, const char* stroke, double width = 1,
            const char* dash = nullptr);
  void polyline(const Points& pts, const char* stroke, double width = 1.5, const char* dash = nullptr);
  // `halo`: a white outline under the glyphs, for labels drawn over coloured bars.
  void text(double x, double y, std::string_view s, const char* anchor = "start", double size = 11,
            const char* fill = "#333", bool bold = false, bool halo = false);
  void text_vertical(double x, double y, std::string_view s, double size = 11);
  // A marker: 'o' circle, 'v' down-triangle, '^' up-triangle, '*' star; the tooltip shows on hover.
  void marker(double x, double y, char shape, const char* fill, std::string_view tooltip, double r = 5);
  // The closing tag; the Svg must not be used afterwards.
  std::string finish();

private:
  std::string out_;
};

// The plot area of a chart, with its two axes.
struct Frame {
  double left, top, right, bottom; // pixels
  Axis x, y;
};

// Grid, ticks, tick labels and axis titles around `f`.
void draw_axes(Svg& svg, const Frame& f, std::string_view xlabel, std::string_view ylabel);
// A legend row (colour swatch, text) from (x, y) to the right.
void draw_legend(Svg& svg, double x, double y, const std::vector<std::pair<std::string, const char*>>& items);

} // namespace svcsim::report
