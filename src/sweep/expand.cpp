// Grid expansion and validation of a sweep's runs (see the header).
#include "sweep/expand.hpp"

#include "parse/scenario_parser.hpp"
#include "sweep/pointer_edit.hpp"

#include <map>
#include <set>
#include <unordered_map>

namespace svcsim
{

using json = nlohmann::json;

std::vector<ManifestEntry> expand_sweep(const SweepSpec& spec)
{
  std::vector<ManifestEntry> runs;
  runs.reserve(spec.run_count());
  std::unordered_map<std::string, size_t> seen; // run_id → index
  std::vector<size_t> step(spec.dimensions.size(), 0);
  size_t points = spec.seeds.empty() ? 0 : 1;
  for (const auto& d : spec.dimensions)
    points *= d.values.size();

  for (size_t point = 0; point < points; ++point) {
    json doc = spec.base;
    std::map<std::string, json> values; // pointer → value of this grid point
    for (size_t d = 0; d < spec.dimensions.size(); ++d) {
      const SweepDimension& dim = spec.dimensions[d];
      for (size_t p = 0; p < dim.pointers.size(); ++p) {
        set_at_pointer(doc, dim.pointers[p], dim.values[step[d]][p]);
        values[dim.pointers[p]] = dim.values[step[d]][p];
      }
    }
    nlohmann::ordered_json axes = nlohmann::ordered_json::object();
    for (const auto& column : spec.columns)
      axes[column] = values.at(column);

    for (uint64_t seed : spec.seeds) {
      // The seed goes into the document too, so the scenario text alone reproduces the run.
      doc["seed"] = seed;
      ManifestEntry e;
      e.index = runs.size();
      e.sweep = spec.name;
      e.seed = seed;
      e.axes = axes;
      e.base = spec.base_path;
      e.scenario = doc.dump(); // nlohmann::json keeps keys sorted: this is the canonical text
      e.run_id = run_id_for(e.scenario, seed);
      auto [it, fresh] = seen.emplace(e.run_id, e.index);
      if (!fresh)
        throw InputError(Diagnostic{spec.file, 0, 0, "",
                                    "expected every run to differ, got runs " + std::to_string(it->second) + " (" +
                                        describe_run(runs[it->second]) + ") and " + std::to_string(e.index) + " (" +
                                        describe_run(e) + ") with the same scenario and seed"});
      runs.push_back(std::move(e));
    }

    // Odometer: the last dimension moves fastest.
    for (size_t d = spec.dimensions.size(); d-- > 0;) {
      if (++step[d] < spec.dimensions[d].values.size())
        break;
      step[d] = 0;
    }
  }
  return runs;
}

std::vector<Diagnostic> validate_runs(const SweepSpec& spec, const std::vector<ManifestEntry>& runs)
{
  constexpr size_t MAX_BAD_RUNS = 20;
  std::vector<Diagnostic> errors, warnings;
  std::set<std::string> warned;
  size_t bad = 0;
  const size_t per_point = spec.seeds.empty() ? 1 : spec.seeds.size();
  for (size_t i = 0; i < runs.size() && bad < MAX_BAD_RUNS; i += per_point) {
    const ManifestEntry& run = runs[i];
    std::string context = "run " + std::to_string(run.index) + " (" + describe_run(run) + ")";
    // Pretty-printed so that a line:col in the parser's messages would at least be on one key; they are
    // dropped below anyway, since they point into the resolved text and not into any file on disk.
    std::string text = json::parse(run.scenario).dump(2);
    try {
      LoadResult r = load_scenario_text(text, run.base);
      for (auto& w : r.warnings)
        if (warned.insert(w.pointer + "\n" + w.message).second) {
          w.line = w.col = 0;
          warnings.push_back(std::move(w));
        }
    } catch (const InputError& e) {
      ++bad;
      for (const auto& d : e.diagnostics()) {
        if (d.warning)
          continue;
        std::string where = d.file == run.base ? "" : " in " + d.file;
        std::string at = d.pointer.empty() ? "" : d.pointer + ": ";
        // Name the axis behind a bad value, so the fix is found in the sweep file, not in the base.
        for (size_t c = 0; c < spec.columns.size() && !d.pointer.empty(); ++c)
          if (pointers_overlap(d.pointer, spec.columns[c])) {
            at = d.pointer + " (from " + spec.column_wheres[c] + "): ";
            break;
          }
        errors.push_back(Diagnostic{spec.file, 0, 0, "", context + where + ": " + at + d.message});
      }
    }
  }
  // A fixed system database would be opened by every run, several at once with --jobs: say so.
  if (!runs.empty() && json::parse(runs[0].scenario).contains("system_db"))
    warnings.push_back(Diagnostic{spec.file, 0, 0, "/system_db",
                                  "every run of the sweep uses the same system_db file; runs in parallel share it",
                                  true});
  if (bad == MAX_BAD_RUNS)
    errors.push_back(Diagnostic{spec.file, 0, 0, "", "stopped after " + std::to_string(MAX_BAD_RUNS) + " bad runs"});
  if (!errors.empty())
    throw InputError(errors);
  return warnings;
}

} // namespace svcsim
