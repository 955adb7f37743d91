#include "report/svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace svcsim::report
{

std::string xml_escape(std::string_view s)
{
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '\'':
      out += "&#39;";
      break;
    default:
      out += c;
    }
  return out;
}

std::string fmt_num(double v, int decimals)
{
  if (!std::isfinite(v))
    return "–";
  std::string s = fmt::format("{:.{}f}", v, decimals);
  if (s.find('.') != std::string::npos) {
    s.erase(s.find_last_not_of('0') + 1);
    if (s.back() == '.')
      s.pop_back();
  }
  return s == "-0" ? "0" : s;
}

// Pixel coordinates with one decimal: sharp enough on any screen, and half the bytes of "%g".
static std::string px(double v)
{
  return fmt::format("{:.1f}", v);
}

double Axis::map(double v) const
{
  double a = log ? std::log10(std::max(v, 1e-300)) : v;
  double l = log ? std::log10(lo) : lo;
  double h = log ? std::log10(hi) : hi;
  double t = h > l ? (a - l) / (h - l) : 0.5;
  return px_lo + t * (px_hi - px_lo);
}

static double nice_step(double range, int target)
{
  double raw = range / std::max(1, target);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw)
      return m * mag;
  return 10 * mag;
}

std::vector<double> Axis::ticks(int target) const
{
  std::vector<double> out;
  if (!(hi > lo))
    return {lo};
  if (!log) {
    double step = nice_step(hi - lo, target);
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
      out.push_back(std::abs(v) < step * 1e-9 ? 0.0 : v);
    return out;
  }
  // Log over less than a decade (a 200-360 ms ECDF): 1-2-5 mantissas would leave one or two labels, so use
  // evenly spaced round numbers, still placed on the log scale.
  if (hi / lo < 10) {
    double step = nice_step(hi - lo, target);
    for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
      out.push_back(v);
    return out;
  }
  static const std::vector<std::vector<double>> mantissas = {
      {1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 5}, {1, 2, 5}, {1, 3}, {1}};
  for (const auto& ms : mantissas) {
    out.clear();
    for (int k = static_cast<int>(std::floor(std::log10(lo))); k <= static_cast<int>(std::ceil(std::log10(hi))); k++)
      for (double m : ms) {
        double v = m * std::pow(10.0, k);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9))
          out.push_back(v);
      }
    if (static_cast<int>(out.size()) <= target + 2 && out.size() >= 2)
      return out;
  }
  return out;
}

Axis nice_linear(double lo, double hi, double px_lo, double px_hi)
{
  if (!(hi > lo)) {
    hi = lo + (lo == 0 ? 1 : std::abs(lo) * 0.1);
  }
  double step = nice_step(hi - lo, 5);
  return Axis{std::floor(lo / step + 1e-9) * step, std::ceil(hi / step - 1e-9) * step, px_lo, px_hi, false};
}

Axis nice_log(double lo, double hi, double px_lo, double px_hi)
{
  lo = std::max(lo, 1e-9);
  if (!(hi > lo))
    hi = lo * 1.1;
  // 3% of the span on each side, in log space: a narrow 300-314 ms band stays wide on the page.
  double l = std::log10(lo), h = std::log10(hi), pad = (h - l) * 0.03;
  return Axis{std::pow(10.0, l - pad), std::pow(10.0, h + pad), px_lo, px_hi, true};
}

Svg::Svg(double width, double height, std::string_view label)
{
  out_.reserve(16384);
  out_ += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" "
                      "role=\"img\" aria-label=\"{}\" font-family=\"sans-serif\">\n",
                      width, height, width, height, xml_escape(label));
  out_ += fmt::format("<title>{}</title>\n", xml_escape(label));
}

void Svg::rect(double x, double y, double w, double h, const char* fill, double opacity, std::string_view tooltip)
{
  out_ += "<rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(std::max(w, 0.0)) + "\" height=\"" +
          px(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"";
  if (opacity < 1)
    out_ += " fill-opacity=\"" + fmt_num(opacity, 2) + "\"";
  if (tooltip.empty()) {
    out_ += "/>\n";
  } else {
    out_ += "><title>" + xml_escape(tooltip) + "</title></rect>\n";
  }
}

void Svg::line(double x1, double y1, double x2, double y2, const char* stroke, double width, const char* dash)
{
  out_ += "<line x1=\"" + px(x1) + "\" y1=\"" + px(y1) + "\" x2=\"" + px(x2) + "\" y2=\"" + px(y2) + "\" stroke=\"" +
          stroke + "\" stroke-width=\"" + fmt_num(width, 2) + "\"";
  if (dash)
    out_ += std::string(" stroke-dasharray=\"") + dash + "\"";
  out_ += "/>\n";
}

void Svg::polyline(const Points& pts, const char* stroke, double width, const char* dash)
{
  if (pts.empty())
    return;
  out_ += "<polyline fill=\"none\" stroke=\"";
  out_ += stroke;
  out_ += "\" stroke-width=\"" + fmt_num(width, 2) + "\" stroke-linejoin=\"round\"";
  if (dash)
    out_ += std::string(" stroke-dasharray=\"") + dash + "\"";
  out_ += " points=\"";
  for (const auto& [x, y] : pts) {
    out_ += px(x);
    out_ += ',';
    out_ += px(y);
    out_ += ' ';
  }
  out_ += "\"/>\n";
}

void Svg::text(double x, double y, std::string_view s, const char* anchor, double size, const char* fill, bool bold,
               bool halo)
{
  out_ += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" font-size=\"" + fmt_num(size, 1) + "\" fill=\"" + fill +
          "\" text-anchor=\"" + anchor + "\"" + (bold ? " font-weight=\"bold\"" : "") +
          (halo ? " stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\" stroke-linejoin=\"round\"" : "") + ">" +
          xml_escape(s) + "</text>\n";
}

void Svg::text_vertical(double x, double y, std::string_view s, double size)
{
  out_ += "<text x=\"" + px(x) + "\" y=\"" + px(y) + "\" font-size=\"" + fmt_num(size, 1) +
          "\" fill=\"#333\" text-anchor=\"middle\" transform=\"rotate(-90 " + px(x) + " " + px(y) + ")\">" +
          xml_escape(s) + "</text>\n";
}

void Svg::marker(double x, double y, char shape, const char* fill, std::string_view tooltip, double r)
{
  std::string open;
  switch (shape) {
  case 'v':
    open = "<polygon points=\"" + px(x - r) + "," + px(y - r) + " " + px(x + r) + "," + px(y - r) + " " + px(x) + "," +
           px(y + r) + "\"";
    break;
  case '^':
    open = "<polygon points=\"" + px(x - r) + "," + px(y + r) + " " + px(x + r) + "," + px(y + r) + " " + px(x) + "," +
           px(y - r) + "\"";
    break;
  case '*': {
    open = "<polygon points=\"";
    for (int i = 0; i < 10; i++) {
      double a = -M_PI / 2 + i * M_PI / 5, rr = i % 2 ? r * 0.45 : r * 1.3;
      open += px(x + rr * std::cos(a)) + "," + px(y + rr * std::sin(a)) + " ";
    }
    open += "\"";
    break;
  }
  default:
    open = "<circle cx=\"" + px(x) + "\" cy=\"" + px(y) + "\" r=\"" + fmt_num(r * 0.8, 1) + "\"";
  }
  out_ += open + " fill=\"" + fill + "\" stroke=\"#000\" stroke-width=\"0.8\"><title>" + xml_escape(tooltip) +
          "</title></" + (shape == 'v' || shape == '^' || shape == '*' ? "polygon" : "circle") + ">\n";
}

std::string Svg::finish()
{
  out_ += "</svg>\n";
  return std::move(out_);
}

void draw_axes(Svg& svg, const Frame& f, std::string_view xlabel, std::string_view ylabel)
{
  for (double t : f.x.ticks(8)) {
    double x = f.x.map(t);
    svg.line(x, f.top, x, f.bottom, "#e5e5e5");
    svg.line(x, f.bottom, x, f.bottom + 4, "#333");
    svg.text(x, f.bottom + 16, fmt_num(t, 3), "middle", 10);
  }
  for (double t : f.y.ticks(5)) {
    double y = f.y.map(t);
    svg.line(f.left, y, f.right, y, "#e5e5e5");
    svg.line(f.left - 4, y, f.left, y, "#333");
    svg.text(f.left - 6, y + 3.5, fmt_num(t, 3), "end", 10);
  }
  svg.line(f.left, f.bottom, f.right, f.bottom, "#333");
  svg.line(f.left, f.top, f.left, f.bottom, "#333");
  if (!xlabel.empty())
    svg.text((f.left + f.right) / 2, f.bottom + 32, xlabel, "middle", 11);
  if (!ylabel.empty())
    svg.text_vertical(f.left - 44, (f.top + f.bottom) / 2, ylabel, 11);
}

void draw_legend(Svg& svg, double x, double y, const std::vector<std::pair<std::string, const char*>>& items)
{
  for (const auto& [label, color] : items) {
    svg.rect(x, y - 8, 14, 8, color);
    svg.text(x + 18, y, label, "start", 10.5);
    x += 26 + 6.2 * static_cast<double>(label.size());
  }
}

} // namespace svcsim::report
