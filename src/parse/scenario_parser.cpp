// Scenario file → Scenario: read the scenario and its model, merge, apply --set, then check everything and
// report all errors at once. The pieces live in src/parse/: positions (line:col per pointer), the checker,
// the model, the deployment, workloads and faults, and the platform scan.
#include "parse/scenario_parser.hpp"

#include "parse/checker.hpp"
#include "parse/deployment_parser.hpp"
#include "parse/jitter_parser.hpp"
#include "parse/json_document.hpp"
#include "parse/model_files.hpp"
#include "parse/model_parser.hpp"
#include "parse/platform_scan.hpp"
#include "parse/resilience_parser.hpp"
#include "parse/timing_parser.hpp"
#include "parse/workload_fault_parser.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <filesystem>

namespace svcsim
{

namespace fs = std::filesystem;

namespace
{

const std::string PARAMETERS = "/parameters";
const std::vector<std::string> TOP_KEYS = {"$schema", "name",      "description", "model",      "platform",  "seed",
                                           "end_s",   "system_db", "deployment",  "parameters", "workloads", "faults"};

bool is_parameters_pointer(const std::string& p)
{
  return p == PARAMETERS || p.compare(0, PARAMETERS.size() + 1, PARAMETERS + "/") == 0;
}

// One --set POINTER=VALUE on `doc`. VALUE is JSON if it parses, else a string (so --set /name=x works).
void apply_set(Checker& checker, Locator& locator, json& doc, const std::string& set)
{
  size_t eq = set.find('=');
  if (eq == std::string::npos) {
    checker.add(Diagnostic{"--set", 0, 0, "", "expected POINTER=VALUE, got \"" + set + "\""});
    return;
  }
  std::string pointer_text = set.substr(0, eq);
  std::string value_text = set.substr(eq + 1);
  json value;
  try {
    value = json::parse(value_text);
    index_json_positions(value_text); // refuses nesting too deep for the checks (they recurse)
  } catch (const json::exception&) {
    value = value_text;
  } catch (const JsonPositionsError&) {
    checker.add(
        Diagnostic{"--set", 0, 0, pointer_text,
                   "expected at most " + std::to_string(MAX_JSON_DEPTH) + " nested objects and arrays, got more"});
    return;
  }
  try {
    json::json_pointer pointer(pointer_text);
    if (pointer.empty())
      throw json::other_error::create(0, "empty", nullptr);
    json::json_pointer parent = pointer.parent_pointer();
    if (!doc.contains(parent)) {
      checker.add(Diagnostic{"--set", 0, 0, pointer_text,
                             "expected a pointer whose parent exists, got nothing at " + parent.to_string()});
      return;
    }
    json& container = doc.at(parent);
    const std::string& last = pointer.back();
    if (container.is_object()) {
      container[last] = value;
    } else if (container.is_array()) {
      bool digits = !last.empty() && last.size() < 10 &&
                    std::all_of(last.begin(), last.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
                    (last == "0" || last[0] != '0');
      size_t index = digits ? std::stoul(last) : container.size() + 1;
      if (last == "-" || index == container.size()) {
        container.push_back(value);
      } else if (index < container.size()) {
        container[index] = value;
      } else {
        checker.add(Diagnostic{"--set", 0, 0, pointer_text,
                               "expected an array index 0.." + std::to_string(container.size()) + " or \"-\", got \"" +
                                   last + "\""});
        return;
      }
    } else {
      checker.add(
          Diagnostic{"--set", 0, 0, pointer_text,
                     "expected an object or array at " + parent.to_string() + ", got " + quote_value(container)});
      return;
    }
    locator.add_set(pointer_text);
  } catch (const json::exception&) {
    checker.add(
        Diagnostic{"--set", 0, 0, pointer_text,
                   "expected a JSON pointer below the root (such as /workloads/0/rps), got \"" + pointer_text + "\""});
  }
}

std::optional<uint64_t> read_seed(Checker& checker, const json& doc)
{
  auto it = doc.find("seed");
  if (it == doc.end())
    return std::nullopt;
  if (it->is_number_unsigned())
    return it->get<uint64_t>();
  // 2^64: the first double a uint64_t cannot hold.
  if (it->is_number_float() && it->get<double>() >= 0 && it->get<double>() < 18446744073709551616.0 &&
      it->get<double>() == static_cast<double>(static_cast<uint64_t>(it->get<double>())))
    return static_cast<uint64_t>(it->get<double>());
  checker.error("/seed", "expected integer >= 0, got " + quote_value(*it));
  return std::nullopt;
}

bool valid_name(const std::string& name)
{
  // It names the output directory results/<name>/: no separators, no "." or "..".
  return !name.empty() && name.size() <= 200 && name != "." && name != ".." &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
         });
}

// Errors in file order (first file seen first), then by position, so the list reads top to bottom.
std::vector<Diagnostic> sorted(std::vector<Diagnostic> ds)
{
  std::vector<std::string> files;
  for (const auto& d : ds)
    if (std::find(files.begin(), files.end(), d.file) == files.end())
      files.push_back(d.file);
  auto rank = [&](const Diagnostic& d) { return std::find(files.begin(), files.end(), d.file) - files.begin(); };
  std::stable_sort(ds.begin(), ds.end(), [&](const Diagnostic& a, const Diagnostic& b) {
    if (rank(a) != rank(b))
      return rank(a) < rank(b);
    if (a.line != b.line)
      return a.line < b.line;
    return a.col < b.col;
  });
  return ds;
}

} // namespace

LoadResult load_scenario(const std::string& path, const LoadOptions& options)
{
  std::string error;
  auto text = read_text_file(path, error);
  if (!text)
    throw InputError(Diagnostic{path, 0, 0, "", "expected a readable scenario file, got " + error});
  return load_scenario_text(*text, path, options);
}

LoadResult load_scenario_text(const std::string& text, const std::string& file, const LoadOptions& options)
{
  std::vector<Diagnostic> early;
  auto scenario_doc = parse_json_document(text, file, early);
  if (!scenario_doc)
    throw InputError(early);
  Locator locator;
  locator.set_scenario(&*scenario_doc);
  Checker checker(locator);
  for (auto& d : early)
    checker.add(std::move(d));
  if (!scenario_doc->root.is_object()) {
    checker.error("", "expected object, got " + quote_value(scenario_doc->root));
    throw InputError(checker.diagnostics());
  }
  const std::string base_dir = fs::path(file).parent_path().string();

  // --set: values outside /parameters apply to the scenario as written (they may change the model), values
  // inside apply to the merged parameters (so that --set /parameters/registry/call_timeout_s=2 works).
  json resolved = scenario_doc->root;
  for (const auto& s : options.sets)
    if (!is_parameters_pointer(s.substr(0, s.find('='))))
      apply_set(checker, locator, resolved, s);

  std::deque<JsonDocument> model_chain; // stable addresses: the locator keeps pointers to them
  std::optional<json> model = load_model(checker, resolved, base_dir, options, model_chain);
  for (const auto& m : model_chain)
    locator.add_model(&m);
  const JsonDocument* model_doc = model ? &model_chain.front() : nullptr;
  if (model) {
    json merged = std::move(*model);
    if (auto it = resolved.find("parameters"); it != resolved.end()) {
      if (it->is_object()) {
        drop_replaced_jitter(merged, *it);
        deep_merge(merged, *it);
      } else
        checker.error(PARAMETERS, "expected object, got " + quote_value(*it));
    }
    resolved[PARAMETERS.substr(1)] = merged;
    for (const auto& s : options.sets) {
      const std::string pointer = s.substr(0, s.find('='));
      if (!is_parameters_pointer(pointer))
        continue;
      // A --set of one top-level model key replaces that key: the jitter's other spelling goes with it.
      if (pointer.size() > PARAMETERS.size() && pointer.find('/', PARAMETERS.size() + 1) == std::string::npos)
        drop_replaced_jitter(resolved[PARAMETERS.substr(1)], json{{pointer.substr(PARAMETERS.size() + 1), nullptr}});
      apply_set(checker, locator, resolved, s);
    }
  }

  Scenario sc;
  sc.file = file;
  checker.object(resolved, "", TOP_KEYS);
  if (auto name = checker.string(resolved, "", "name", true)) {
    if (valid_name(*name))
      sc.name = *name;
    else
      checker.error("/name", "expected a name of letters, digits, '.', '_' and '-' (not \".\" or \"..\"), got " +
                                 quote_value(resolved["name"]));
  }
  checker.string(resolved, "", "description");
  checker.string(resolved, "", "$schema");
  std::optional<uint64_t> file_seed = read_seed(checker, resolved); // checked even when --seed overrides it
  sc.seed = options.seed.value_or(file_seed.value_or(sc.seed));
  auto end_s = checker.number(resolved, "", "end_s", POSITIVE);
  if (auto db = checker.string(resolved, "", "system_db")) {
    if (db->empty())
      checker.error("/system_db", "expected non-empty string, got \"\"");
    else
      sc.system_db_path = resolve_relative(base_dir, *db);
  }

  std::optional<PlatformNames> platform;
  if (auto p = checker.string(resolved, "", "platform", true)) {
    sc.platform_file = resolve_relative(base_dir, *p);
    std::string error;
    if (auto xml = read_text_file(sc.platform_file, error)) {
      try {
        platform = scan_platform_text(*xml, sc.platform_file);
      } catch (const InputError& e) {
        for (const auto& d : e.diagnostics())
          checker.add(d);
      }
    } else {
      checker.error("/platform", "expected a readable SimGrid platform file, got " + quote_value(resolved["platform"]) +
                                     " (" + sc.platform_file + ": " + error + ")");
    }
  }

  if (model_doc) {
    const json& params = resolved[PARAMETERS.substr(1)];
    sc.model = read_model(checker, params, PARAMETERS);
    if (params.is_object() && !params.contains("name")) // a model file without a name is named by its file
      sc.model.name = fs::path(model_doc->file).stem().string();
  }
  sc.deployment = read_deployment(checker, resolved, platform ? &platform->hosts : nullptr, sc.platform_file);
  if (model_doc)
    check_balancing(checker, sc.model, sc.deployment, PARAMETERS);
  sc.workloads = read_workloads(checker, resolved, model_doc ? &sc.model : nullptr);

  double default_end = 0;
  for (const auto& w : sc.workloads)
    default_end = std::max(default_end, w.start_s + w.duration_s);
  default_end += sc.model.client.timeout_s; // the last request may still be answered that late
  sc.end_s = end_s.value_or(default_end);
  for (size_t i = 0; i < sc.workloads.size(); ++i)
    if (sc.workloads[i].start_s >= *sc.end_s)
      checker.warning("/workloads/" + std::to_string(i) + "/start_s",
                      "phase starts at or after end_s (" + format_number(*sc.end_s) + "): it sends nothing");
  sc.faults =
      read_faults(checker, resolved, sc.deployment, platform ? &*platform : nullptr, sc.platform_file, *sc.end_s);

  std::vector<Diagnostic> all = sorted(checker.diagnostics());
  if (checker.error_count() > 0)
    throw InputError(all);

  resolved["seed"] = sc.seed;
  resolved["end_s"] = *sc.end_s;
  // Exact timing is the model as it was before the timing section existed: the section (its histograms go
  // unused) is left out of the resolved scenario, so that its hash, and summary.json, stay as they were.
  if (sc.model.timing.mode == TimingMode::EXACT && resolved.contains("parameters") &&
      resolved["parameters"].is_object())
    resolved["parameters"].erase("timing");
  sc.resolved_json = resolved.dump(2);
  LoadResult result;
  result.scenario = std::move(sc);
  for (auto& d : all)
    if (d.warning)
      result.warnings.push_back(std::move(d));
  return result;
}

} // namespace svcsim
