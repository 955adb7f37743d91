// spread.html (see the header). It repeats the stdout table with the reading rule beside it, because a band
// read as a confidence interval for the real system is the one mistake this page must prevent.
#include "report/spread_html.hpp"

#include "report/svg.hpp"
#include "spread/spread.hpp"

#include <fmt/format.h>

namespace svcsim
{

using ordered_json = nlohmann::ordered_json;

namespace
{

const char* CSS = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#1f2937;color:#f9fafb;padding:14px 24px}header h1{margin:0 0 4px;font-size:22px}
header p{margin:0;color:#cbd5e1}
section{background:#fff;margin:16px 24px;padding:10px 20px 16px;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h2{font-size:18px;margin:6px 0 10px}table{border-collapse:collapse;margin:6px 0 10px}
th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}th{background:#f9fafb;font-weight:600}
th:first-child,td:first-child{text-align:left}.note{color:#6b7280;font-size:12.5px}
a{color:#1d4ed8;margin-right:10px}
)";

} // namespace

std::string render_spread_html(const ordered_json& spread)
{
  using report::xml_escape;
  const std::string name = xml_escape(spread.value("scenario", std::string()));
  const size_t seeds = spread["seeds"].size();
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>svcsim spread: " + name +
      "</title>\n<style>" + CSS + "</style>\n</head>\n<body>\n";
  h += fmt::format("<header><h1>{}</h1><p>spread over {} seeds ({})</p></header>\n", name, seeds,
                   xml_escape(spread.value("seed_list", std::string())));
  h += "<section id=\"spread\"><h2>Spread over seeds</h2>\n<table>\n<tr><th>metric</th><th>mean</th><th>p5</th>"
       "<th>p95</th><th>min</th><th>max</th><th>seeds with a value</th></tr>\n";
  for (const auto& [path, s] : key_spread_rows(spread["metrics"]))
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                     xml_escape(path), spread_number(s["mean"]), spread_number(s["p5"]), spread_number(s["p95"]),
                     spread_number(s["min"]), spread_number(s["max"]), s["n"].dump());
  h += "</table>\n<p class=\"note\">The band is the simulator's own randomness over these seeds (latency jitter, "
       "Poisson arrivals, error draws), not a confidence interval for the real system. p5 and p95 are nearest "
       "ranks: with fewer than 20 seeds they are the min and the max. A real measurement inside the band is one "
       "the model can produce; hold one against it with <code>svcsim check DIR --band METRIC=VALUE</code>. Every "
       "metric is in spread.json.</p>\n<p>Each seed's run: ";
  for (const auto& run : spread["runs"]) {
    std::string dir = xml_escape(run.get<std::string>());
    h += fmt::format("<a href=\"{0}/report.html\">{0}</a>", dir);
  }
  h += "</p></section>\n</body>\n</html>\n";
  return h;
}

} // namespace svcsim
