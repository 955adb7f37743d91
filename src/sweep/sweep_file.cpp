// Reading a sweep file and its base scenario from disk (or from text, for the unit tests); the checks of
// the sweep itself are in sweep_spec.cpp.
#include "sweep/sweep_spec.hpp"

#include "parse/json_document.hpp"

#include <algorithm>
#include <filesystem>

namespace svcsim
{

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace
{

bool has_errors(const std::vector<Diagnostic>& ds)
{
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return !d.warning; });
}

} // namespace

SweepSpec parse_sweep_text(const std::string& text, const std::string& sweep_file, const json& base_doc,
                           const std::string& base_path)
{
  std::vector<Diagnostic> errors;
  auto doc = parse_json_document(text, sweep_file, errors);
  if (!doc || has_errors(errors))
    throw InputError(errors);
  return parse_sweep_document(*doc, base_doc, base_path);
}

SweepSpec load_sweep(const std::string& sweep_file)
{
  std::string error;
  auto text = read_text_file(sweep_file, error);
  if (!text)
    throw InputError(Diagnostic{sweep_file, 0, 0, "", "expected a readable sweep file, got " + error});
  std::vector<Diagnostic> errors;
  auto doc = parse_json_document(*text, sweep_file, errors);
  if (!doc || has_errors(errors))
    throw InputError(errors);
  if (!doc->root.is_object() || !doc->root.contains("base") || !doc->root["base"].is_string()) {
    const TextPos* p = doc->positions.value(doc->root.is_object() && doc->root.contains("base") ? "/base" : "");
    throw InputError(
        Diagnostic{sweep_file, p ? p->line : 0, p ? p->col : 0, doc->root.contains("base") ? "/base" : "",
                   "expected \"base\": the path of the base scenario (relative to the sweep file), got " +
                       (doc->root.is_object() && doc->root.contains("base") ? quote_value(doc->root["base"])
                                                                            : std::string("nothing"))});
  }
  // The base is resolved from the sweep file's directory and kept absolute, so that a manifest line can be
  // run from any working directory (paths inside the scenario resolve from the base's directory).
  fs::path base = fs::path(sweep_file).parent_path() / doc->root["base"].get<std::string>();
  std::string base_path = fs::absolute(base).lexically_normal().string();
  auto base_text = read_text_file(base_path, error);
  if (!base_text) {
    const TextPos* p = doc->positions.value("/base");
    throw InputError(Diagnostic{sweep_file, p ? p->line : 0, p ? p->col : 0, "/base",
                                "expected a readable base scenario, got " + quote_value(doc->root["base"]) + " (" +
                                    base_path + ": " + error + ")"});
  }
  auto base_doc = parse_json_document(*base_text, base_path, errors);
  if (!base_doc || has_errors(errors))
    throw InputError(errors);
  if (!base_doc->root.is_object())
    throw InputError(Diagnostic{base_path, 1, 1, "", "expected a scenario object, got " + quote_value(base_doc->root)});
  return parse_sweep_document(*doc, base_doc->root, base_path);
}

} // namespace svcsim
