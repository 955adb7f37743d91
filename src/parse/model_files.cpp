// Model files (model_files.hpp): where a model name's file is, its "extends" chain, the merge.
#include "parse/model_files.hpp"

#include "parse/timing_parser.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace svcsim
{

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace
{

bool ends_with(const std::string& s, const std::string& suffix)
{
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

} // namespace

// Paths inside a scenario are relative to the scenario file.
std::string resolve_relative(const std::string& base_dir, const std::string& path)
{
  if (base_dir.empty() || fs::path(path).is_absolute())
    return path;
  return (fs::path(base_dir) / path).string();
}

// A measured histogram ({"<whole ms>": count}) is one value: a scenario's histogram replaces the model's,
// bins it does not list are not kept.
bool is_histogram(const json& v)
{
  if (!v.is_object() || v.empty())
    return false;
  for (const auto& item : v.items())
    if (!is_ms_key(item.key()))
      return false;
  return true;
}

void deep_merge(json& base, const json& over)
{
  if (!base.is_object() || !over.is_object() || is_histogram(over)) {
    base = over;
    return;
  }
  for (const auto& item : over.items()) {
    auto it = base.find(item.key());
    if (it == base.end() || item.key() == REPLACED_WHOLE)
      base[item.key()] = item.value();
    else
      deep_merge(*it, item.value());
  }
}

std::vector<std::string> model_candidates(const std::string& name, const std::string& base_dir,
                                          const LoadOptions& options)
{
  std::string file = name + ".json";
  if (!options.models_dir.empty())
    return {(fs::path(options.models_dir) / file).string()};
  if (const char* env = std::getenv("SVCSIM_MODELS"); env && *env)
    return {(fs::path(env) / file).string()};
  std::vector<std::string> out;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec)
    out.push_back((exe.parent_path() / ".." / "models" / file).string());
  out.push_back((fs::path(base_dir.empty() ? "." : base_dir) / ".." / "models" / file).string());
  out.push_back((fs::path("models") / file).string());
  return out;
}

std::string weakly_canonical(const std::string& path)
{
  std::error_code ec;
  fs::path p = fs::weakly_canonical(path, ec);
  return ec ? path : p.string();
}

// The file a model name stands for: a path (with '/' or ending in .json) relative to `base_dir`, else
// <name>.json in the models directory. Empty when none exists; `looked` then lists where it looked.
std::string model_file(const std::string& name, const std::string& base_dir, const LoadOptions& options,
                       std::string& looked)
{
  if (name.find('/') != std::string::npos || ends_with(name, ".json"))
    return resolve_relative(base_dir, name);
  std::error_code ec;
  for (const auto& c : model_candidates(name, base_dir, options)) {
    if (fs::is_regular_file(c, ec))
      return c;
    looked += (looked.empty() ? "" : ", ") + c;
  }
  return "";
}

// Reads and parses one model file; `fail(message)` reports what went wrong where the file was named.
template <class Fail>
std::optional<JsonDocument> read_model_file(Checker& checker, const std::string& name, const std::string& path,
                                            Fail&& fail)
{
  std::string error;
  auto text = read_text_file(path, error);
  if (!text) {
    fail("expected a readable model file, got " + quote_value(json(name)) + " (" + path + ": " + error + ")");
    return std::nullopt;
  }
  std::vector<Diagnostic> diagnostics;
  auto model = parse_json_document(*text, path, diagnostics);
  for (auto& d : diagnostics)
    checker.add(std::move(d));
  if (model && !model->root.is_object()) {
    checker.add(Diagnostic{path, 1, 1, "", "expected object, got " + quote_value(model->root)});
    return std::nullopt;
  }
  return model;
}

// Finds, reads and parses the model file named by /model (errors at /model) and, through each file's
// "extends", the models it builds on (errors at that file's /extends): `chain` gets them, the named one first.
// Returns the merged model: each file deep-merged over the one it extends, "extends" removed.
std::optional<json> load_model(Checker& checker, const json& doc, const std::string& base_dir,
                               const LoadOptions& options, std::deque<JsonDocument>& chain)
{
  std::string name = "seed";
  if (auto it = doc.find("model"); it != doc.end()) {
    auto value = checker.string_value(*it, "/model");
    if (!value)
      return std::nullopt;
    name = *value;
  }
  std::string looked;
  std::string path = model_file(name, base_dir, options, looked);
  if (path.empty()) {
    checker.error("/model",
                  "expected a model name with a file (looked for " + looked + "), got " + quote_value(json(name)));
    return std::nullopt;
  }
  auto first = read_model_file(checker, name, path, [&](const std::string& m) { checker.error("/model", m); });
  if (!first)
    return std::nullopt;
  chain.push_back(std::move(*first));
  std::vector<std::string> seen = {weakly_canonical(path)};
  std::vector<std::string> names = {name};
  for (;;) {
    const JsonDocument& child = chain.back();
    auto it = child.root.find("extends");
    if (it == child.root.end())
      break;
    const TextPos* pos = child.positions.value("/extends");
    auto fail = [&](const std::string& m) {
      checker.add(Diagnostic{child.file, pos ? pos->line : 0, pos ? pos->col : 0, "/extends", m});
    };
    if (!it->is_string() || it->get<std::string>().empty()) {
      fail("expected the name of the model this one builds on (such as \"seed\"), got " + quote_value(*it));
      return std::nullopt;
    }
    std::string base = it->get<std::string>();
    std::string base_looked;
    std::string base_path = model_file(base, fs::path(child.file).parent_path().string(), options, base_looked);
    if (base_path.empty()) {
      fail("expected a model name with a file (looked for " + base_looked + "), got " + quote_value(json(base)));
      return std::nullopt;
    }
    std::string canonical = weakly_canonical(base_path);
    names.push_back(base);
    if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) {
      std::string cycle;
      for (const auto& n : names)
        cycle += (cycle.empty() ? "" : " -> ") + n;
      fail("expected a model that does not extend itself, got a cycle: " + cycle);
      return std::nullopt;
    }
    seen.push_back(canonical);
    auto next = read_model_file(checker, base, base_path, fail);
    if (!next)
      return std::nullopt;
    chain.push_back(std::move(*next));
  }
  json merged = chain.back().root;
  for (auto it = chain.rbegin() + 1; it != chain.rend(); ++it)
    deep_merge(merged, it->root);
  merged.erase("extends");
  if (!chain.front().root.contains("name"))
    merged.erase("name"); // named by its file, not by the model it extends
  return merged;
}

} // namespace svcsim
