// Sweep file → SweepSpec. All problems are collected and thrown as one InputError; each names the sweep file,
// line:col, the pointer inside the sweep file (/axes/1/pointer), what was expected and what was found.
#include "sweep/sweep_spec.hpp"

#include "parse/json_document.hpp"
#include "sweep/pointer_edit.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

namespace svcsim
{

namespace fs = std::filesystem;
using json = nlohmann::json;

size_t SweepSpec::run_count() const
{
  size_t n = seeds.size();
  for (const auto& d : dimensions)
    n *= d.values.size();
  return n;
}

namespace
{

class SweepParser
{
public:
  SweepParser(const JsonDocument& doc, const json& base, std::string base_path)
      : doc_(doc), base_(base), base_path_(std::move(base_path))
  {
  }

  SweepSpec parse();

private:
  void error(const std::string& where, const std::string& message, bool at_key = false)
  {
    const TextPos* p = at_key ? doc_.positions.key(where) : doc_.positions.value(where);
    errors_.push_back(Diagnostic{doc_.file, p ? p->line : 0, p ? p->col : 0, where, message});
  }
  bool keys(const json& v, const std::string& where, const std::vector<std::string>& allowed);
  std::optional<std::string> pointer(const json& v, const std::string& where);
  void claim(const std::string& pointer, const std::string& where);
  std::vector<json> axis_values(const json& axis, const std::string& where);
  std::vector<json> range_values(const json& range, const std::string& where);
  void read_set(const json& set);
  void read_zip(const json& zip, std::vector<SweepDimension>& axes, std::map<size_t, size_t>& tied,
                std::vector<std::vector<size_t>>& ties, std::vector<SweepDimension>& tuples);
  std::vector<uint64_t> read_seeds(const json& seeds);

  const JsonDocument& doc_;
  json base_;
  std::string base_path_;
  std::vector<Diagnostic> errors_;
  std::vector<std::pair<std::string, std::string>> claimed_; // pointer, where: no two places set one value
};

std::string got(const json& v)
{
  return quote_value(v);
}

bool SweepParser::keys(const json& v, const std::string& where, const std::vector<std::string>& allowed)
{
  if (!v.is_object()) {
    error(where, "expected object, got " + got(v));
    return false;
  }
  for (const auto& item : v.items())
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed)
        list += (list.empty() ? "" : ", ") + a;
      error(where + "/" + escape_pointer_token(item.key()),
            "expected one of the keys " + list + ", got \"" + item.key() + "\"", /*at_key=*/true);
    }
  return true;
}

std::optional<std::string> SweepParser::pointer(const json& v, const std::string& where)
{
  if (!v.is_string()) {
    error(where, "expected a JSON pointer string such as \"/workloads/0/rps\", got " + got(v));
    return std::nullopt;
  }
  std::string problem = pointer_problem(base_, v.get<std::string>());
  if (!problem.empty()) {
    error(where, problem + " (base " + base_path_ + ")");
    return std::nullopt;
  }
  claim(v.get<std::string>(), where);
  return v.get<std::string>();
}

void SweepParser::claim(const std::string& p, const std::string& where)
{
  for (const auto& [other, other_where] : claimed_)
    if (pointers_overlap(p, other)) {
      error(where, "expected a value no other axis or set entry changes, got \"" + p + "\" (overlaps \"" + other +
                       "\" at " + other_where + ")");
      return;
    }
  claimed_.emplace_back(p, where);
}

std::vector<json> SweepParser::range_values(const json& range, const std::string& where)
{
  if (!keys(range, where, {"from", "to", "step"}))
    return {};
  for (const char* k : {"from", "to", "step"})
    if (!range.contains(k) || !range[k].is_number()) {
      error(range.contains(k) ? where + "/" + k : where,
            std::string("expected a number \"") + k + "\", got " + (range.contains(k) ? got(range[k]) : "nothing"));
      return {};
    }
  double from = range["from"].get<double>(), to = range["to"].get<double>(), step = range["step"].get<double>();
  if (!(step > 0)) {
    error(where + "/step", "expected a number > 0, got " + got(range["step"]));
    return {};
  }
  if (to < from) {
    error(where + "/to", "expected a number >= from (" + range["from"].dump() + "), got " + got(range["to"]));
    return {};
  }
  // Tolerance on the count so that 0.1..0.3 step 0.1 gives three values despite binary fractions.
  double count = std::floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) {
    error(where, "expected at most " + std::to_string(MAX_RANGE_VALUES) + " values, got " + json(count).dump());
    return {};
  }
  bool integers =
      range["from"].is_number_integer() && range["to"].is_number_integer() && range["step"].is_number_integer();
  std::vector<json> out;
  for (size_t k = 0; k < static_cast<size_t>(count); ++k) {
    if (integers)
      out.push_back(range["from"].get<int64_t>() + static_cast<int64_t>(k) * range["step"].get<int64_t>());
    else // rounded to 1e-9 so that 0.1 + 2 * 0.1 is written 0.3, not 0.30000000000000004
      out.push_back(std::round((from + static_cast<double>(k) * step) * 1e9) / 1e9);
  }
  return out;
}

std::vector<json> SweepParser::axis_values(const json& axis, const std::string& where)
{
  bool has_values = axis.contains("values"), has_range = axis.contains("range");
  if (has_values == has_range) {
    error(where,
          std::string("expected exactly one of \"values\" and \"range\", got ") + (has_values ? "both" : "neither"));
    return {};
  }
  std::vector<json> values;
  if (has_range)
    return range_values(axis["range"], where + "/range");
  const json& list = axis["values"];
  if (!list.is_array() || list.empty()) {
    error(where + "/values", "expected a non-empty array of values, got " + got(list));
    return {};
  }
  for (size_t k = 0; k < list.size(); ++k) {
    for (size_t j = 0; j < k; ++j)
      if (list[j] == list[k]) { // two equal values would give two runs with one run_id
        error(where + "/values/" + std::to_string(k),
              "expected distinct values, got " + got(list[k]) + " again (first at index " + std::to_string(j) + ")");
        return {};
      }
    values.push_back(list[k]);
  }
  return values;
}

void SweepParser::read_set(const json& set)
{
  if (!set.is_object()) {
    error("/set", "expected an object {pointer: value}, got " + got(set));
    return;
  }
  for (const auto& item : set.items()) {
    std::string where = "/set/" + escape_pointer_token(item.key());
    if (auto p = pointer(json(item.key()), where))
      set_at_pointer(base_, *p, item.value()); // later axes are checked against the base as set
  }
}

// A zip entry is either ["/a", "/b"] (those axes of "axes" move together: step k takes the k-th value of
// each, so they need as many values) or {"pointers": [...], "values": [[...], ...]} (a tuple axis).
void SweepParser::read_zip(const json& zip, std::vector<SweepDimension>& axes, std::map<size_t, size_t>& tied,
                           std::vector<std::vector<size_t>>& ties, std::vector<SweepDimension>& tuples)
{
  if (!zip.is_array()) {
    error("/zip", "expected an array of zips, got " + got(zip));
    return;
  }
  for (size_t z = 0; z < zip.size(); ++z) {
    std::string where = "/zip/" + std::to_string(z);
    const json& entry = zip[z];
    if (entry.is_array()) {
      std::vector<size_t> group;
      for (size_t j = 0; j < entry.size(); ++j) {
        std::string at = where + "/" + std::to_string(j);
        size_t found = axes.size();
        for (size_t a = 0; a < axes.size(); ++a)
          if (entry[j].is_string() && !axes[a].pointers.empty() && axes[a].pointers[0] == entry[j].get<std::string>())
            found = a;
        if (found == axes.size()) {
          error(at, "expected the pointer of an axis in \"axes\", got " + got(entry[j]));
        } else if (tied.count(found)) {
          error(at, "expected an axis in one zip only, got " + got(entry[j]) + " again");
        } else if (!group.empty() && axes[found].values.size() != axes[group[0]].values.size()) {
          error(at, "expected " + std::to_string(axes[group[0]].values.size()) + " values like " +
                        axes[group[0]].where + ", got " + std::to_string(axes[found].values.size()) + " at " +
                        axes[found].where);
        } else {
          tied[found] = ties.size();
          group.push_back(found);
        }
      }
      if (entry.size() < 2)
        error(where, "expected at least two axis pointers, got " + got(entry));
      ties.push_back(group);
      continue;
    }
    if (!keys(entry, where, {"pointers", "values"}))
      continue;
    SweepDimension d{where, {}, {}};
    const json& ps = entry.contains("pointers") ? entry["pointers"] : json();
    if (!ps.is_array() || ps.size() < 2) {
      error(entry.contains("pointers") ? where + "/pointers" : where,
            "expected \"pointers\": an array of at least two JSON pointers, got " + got(ps));
      continue;
    }
    for (size_t j = 0; j < ps.size(); ++j)
      if (auto p = pointer(ps[j], where + "/pointers/" + std::to_string(j)))
        d.pointers.push_back(*p);
    const json& vs = entry.contains("values") ? entry["values"] : json();
    if (!vs.is_array() || vs.empty()) {
      error(entry.contains("values") ? where + "/values" : where,
            "expected \"values\": a non-empty array of arrays, got " + got(vs));
      continue;
    }
    for (size_t k = 0; k < vs.size(); ++k) {
      if (!vs[k].is_array() || vs[k].size() != ps.size()) {
        error(where + "/values/" + std::to_string(k),
              "expected an array of " + std::to_string(ps.size()) + " values (one per pointer), got " + got(vs[k]));
        continue;
      }
      for (size_t j = 0; j < k; ++j)
        if (vs[j] == vs[k])
          error(where + "/values/" + std::to_string(k), "expected distinct tuples, got " + got(vs[k]) + " again");
      d.values.emplace_back(vs[k].begin(), vs[k].end());
    }
    if (d.pointers.size() == ps.size())
      tuples.push_back(std::move(d));
  }
}

std::vector<uint64_t> SweepParser::read_seeds(const json& seeds)
{
  auto seed_value = [&](const json& v, const std::string& where) -> std::optional<uint64_t> {
    if (v.is_number_unsigned())
      return v.get<uint64_t>();
    error(where, "expected integer >= 0, got " + got(v));
    return std::nullopt;
  };
  std::vector<uint64_t> out;
  if (seeds.is_array()) {
    if (seeds.empty())
      error("/seeds", "expected a non-empty array of seeds, got []");
    for (size_t k = 0; k < seeds.size(); ++k)
      if (auto s = seed_value(seeds[k], "/seeds/" + std::to_string(k))) {
        if (std::find(out.begin(), out.end(), *s) != out.end())
          error("/seeds/" + std::to_string(k), "expected distinct seeds, got " + std::to_string(*s) + " again");
        out.push_back(*s);
      }
    return out;
  }
  if (!keys(seeds, "/seeds", {"from", "to"}))
    return out;
  if (!seeds.contains("from") || !seeds.contains("to")) {
    error("/seeds", "expected {\"from\": integer, \"to\": integer} or an array of seeds, got " + got(seeds));
    return out;
  }
  auto from = seed_value(seeds["from"], "/seeds/from");
  auto to = seed_value(seeds["to"], "/seeds/to");
  if (!from || !to)
    return out;
  const uint64_t first = *from, last = *to;
  if (last < first)
    error("/seeds/to", "expected an integer >= from (" + std::to_string(first) + "), got " + std::to_string(last));
  else if (last - first >= MAX_RANGE_VALUES)
    error("/seeds", "expected at most " + std::to_string(MAX_RANGE_VALUES) + " seeds, got more");
  else
    for (uint64_t k = 0; k <= last - first; ++k) // counted, so that to = 2^64-1 cannot wrap around
      out.push_back(first + k);
  return out;
}

SweepSpec SweepParser::parse()
{
  SweepSpec spec;
  spec.file = doc_.file;
  spec.base_path = base_path_;
  const json& root = doc_.root;
  if (!keys(root, "", {"$schema", "name", "description", "base", "axes", "zip", "seeds", "set"}))
    throw InputError(errors_);
  spec.name = fs::path(doc_.file).stem().string();
  if (root.contains("name")) {
    const json& n = root["name"];
    const std::string name = n.is_string() ? n.get<std::string>() : "";
    bool ok = !name.empty() && name != "." && name != ".." && std::all_of(name.begin(), name.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    });
    if (ok)
      spec.name = name;
    else
      error("/name", "expected a name of letters, digits, '.', '_' and '-', got " + got(n));
  }
  if (root.contains("set"))
    read_set(root["set"]);

  std::vector<SweepDimension> axes;
  const json axes_json = root.contains("axes") ? root["axes"] : json::array();
  if (!axes_json.is_array())
    error("/axes", "expected an array of axes, got " + got(axes_json));
  for (size_t i = 0; axes_json.is_array() && i < axes_json.size(); ++i) {
    std::string where = "/axes/" + std::to_string(i);
    SweepDimension d{where, {}, {}};
    if (!keys(axes_json[i], where, {"pointer", "values", "range"}))
      continue;
    auto p = axes_json[i].contains("pointer") ? pointer(axes_json[i]["pointer"], where + "/pointer") : std::nullopt;
    if (!axes_json[i].contains("pointer"))
      error(where, "expected a key \"pointer\", got nothing");
    for (auto& v : axis_values(axes_json[i], where))
      d.values.push_back({std::move(v)});
    if (p)
      d.pointers.push_back(*p);
    axes.push_back(std::move(d));
  }
  std::map<size_t, size_t> tied; // axis index → zip group
  std::vector<std::vector<size_t>> ties;
  std::vector<SweepDimension> tuples;
  if (root.contains("zip"))
    read_zip(root["zip"], axes, tied, ties, tuples);
  spec.seeds = root.contains("seeds")
                   ? read_seeds(root["seeds"])
                   : std::vector<uint64_t>{
                         base_.value("seed", json(1)).is_number_unsigned() ? base_["seed"].get<uint64_t>() : 1};
  if (!errors_.empty())
    throw InputError(errors_);

  for (size_t a = 0; a < axes.size(); ++a) {
    spec.columns.push_back(axes[a].pointers[0]);
    spec.column_wheres.push_back(axes[a].where + "/pointer");
    auto t = tied.find(a);
    if (t == tied.end()) {
      spec.dimensions.push_back(axes[a]);
      continue;
    }
    const std::vector<size_t>& group = ties[t->second];
    if (group[0] != a)
      continue; // the group's first axis stands for all of them, at its place in the grid
    SweepDimension d{"/zip/" + std::to_string(t->second), {}, {}};
    for (size_t member : group)
      d.pointers.push_back(axes[member].pointers[0]);
    for (size_t k = 0; k < axes[a].values.size(); ++k) {
      d.values.emplace_back();
      for (size_t member : group)
        d.values.back().push_back(axes[member].values[k][0]);
    }
    spec.dimensions.push_back(std::move(d));
  }
  for (auto& d : tuples) {
    spec.columns.insert(spec.columns.end(), d.pointers.begin(), d.pointers.end());
    for (size_t j = 0; j < d.pointers.size(); ++j)
      spec.column_wheres.push_back(d.where + "/pointers/" + std::to_string(j));
    spec.dimensions.push_back(std::move(d));
  }
  double total = static_cast<double>(spec.seeds.size());
  for (const auto& d : spec.dimensions)
    total *= static_cast<double>(d.values.size());
  if (total > MAX_SWEEP_RUNS)
    error("", "expected at most " + std::to_string(MAX_SWEEP_RUNS) + " runs, got " + json(total).dump());
  if (!errors_.empty())
    throw InputError(errors_);
  spec.base = base_;
  return spec;
}

} // namespace

SweepSpec parse_sweep_document(const JsonDocument& doc, const json& base, const std::string& base_path)
{
  return SweepParser(doc, base, base_path).parse();
}

} // namespace svcsim
