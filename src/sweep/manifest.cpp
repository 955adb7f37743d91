// Manifest lines: writing, reading, and the run_id hash (see the header for the format).
#include "sweep/manifest.hpp"

#include "cli/run_command.hpp"
#include "util/atomic_file.hpp"
#include "util/diagnostics.hpp"

#include <fstream>

namespace svcsim
{

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string run_id_for(const std::string& canonical_scenario, uint64_t seed)
{
  return sha256_hex(canonical_scenario + "\nseed=" + std::to_string(seed)).substr(0, 16);
}

std::string manifest_line(const ManifestEntry& e)
{
  // Built by hand so the scenario's canonical text goes in as it is (no re-serialisation).
  return "{\"index\":" + std::to_string(e.index) + ",\"run_id\":" + json(e.run_id).dump() +
         ",\"sweep\":" + json(e.sweep).dump() + ",\"seed\":" + std::to_string(e.seed) + ",\"axes\":" + e.axes.dump() +
         ",\"base\":" + json(e.base).dump() + ",\"scenario\":" + e.scenario + "}";
}

ManifestEntry parse_manifest_line(const std::string& line, const std::string& file, size_t line_no)
{
  auto fail = [&](const std::string& pointer, const std::string& message) {
    return InputError(Diagnostic{file, static_cast<int>(line_no), 1, pointer, message});
  };
  ordered_json doc;
  try {
    doc = ordered_json::parse(line);
  } catch (const json::exception& e) {
    throw fail("", std::string("expected a manifest line (JSON), got a syntax error: ") + e.what());
  }
  if (!doc.is_object())
    throw fail("", "expected a manifest line (JSON object), got " + doc.dump().substr(0, 40));
  ManifestEntry e;
  auto need = [&](const char* key, bool ok, const char* what) {
    if (!doc.contains(key) || !ok)
      throw fail(std::string("/") + key, std::string("expected ") + what + ", got " +
                                             (doc.contains(key) ? doc[key].dump().substr(0, 40) : "nothing"));
  };
  need("index", doc.contains("index") && doc["index"].is_number_unsigned(), "integer >= 0");
  need("run_id", doc.contains("run_id") && doc["run_id"].is_string(), "string");
  need("seed", doc.contains("seed") && doc["seed"].is_number_unsigned(), "integer >= 0");
  need("base", doc.contains("base") && doc["base"].is_string(), "the base scenario's path");
  need("scenario", doc.contains("scenario") && doc["scenario"].is_object(), "a scenario object");
  e.index = doc["index"].get<size_t>();
  e.run_id = doc["run_id"].get<std::string>();
  e.sweep = doc.value("sweep", "");
  e.seed = doc["seed"].get<uint64_t>();
  if (doc.contains("axes") && doc["axes"].is_object())
    e.axes = doc["axes"];
  e.base = doc["base"].get<std::string>();
  e.scenario = json::parse(doc["scenario"].dump()).dump(); // sorted keys again: the canonical text
  if (run_id_for(e.scenario, e.seed) != e.run_id)
    throw fail("/run_id", "expected the hash of the scenario and seed (" + run_id_for(e.scenario, e.seed) +
                              "), got \"" + e.run_id + "\" (was the line edited?)");
  return e;
}

std::vector<ManifestEntry> read_manifest(const std::string& file)
{
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError(Diagnostic{file, 0, 0, "", "expected a readable manifest (JSONL), got no such file"});
  std::vector<ManifestEntry> out;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty())
      continue;
    out.push_back(parse_manifest_line(line, file, n));
    if (out.back().index != out.size() - 1)
      throw InputError(Diagnostic{file, static_cast<int>(n), 1, "/index",
                                  "expected " + std::to_string(out.size() - 1) + " (lines in order), got " +
                                      std::to_string(out.back().index)});
  }
  return out;
}

ManifestEntry read_manifest_entry(const std::string& file, long index)
{
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw InputError(Diagnostic{file, 0, 0, "", "expected a readable manifest (JSONL), got no such file"});
  if (index < 0)
    throw InputError(
        Diagnostic{"--index", 0, 0, "", "expected an index >= 0 with --manifest, got " + std::to_string(index)});
  std::string line;
  long n = 0;
  while (std::getline(in, line)) {
    if (n == index) {
      ManifestEntry e = parse_manifest_line(line, file, static_cast<size_t>(n) + 1);
      if (e.index != static_cast<size_t>(index))
        throw InputError(Diagnostic{file, static_cast<int>(n) + 1, 1, "/index",
                                    "expected " + std::to_string(index) + ", got " + std::to_string(e.index)});
      return e;
    }
    ++n;
  }
  throw InputError(Diagnostic{"--index", 0, 0, "",
                              "expected an index 0.." + std::to_string(n - 1) + " (" + file + " has " +
                                  std::to_string(n) + " runs), got " + std::to_string(index)});
}

void write_manifest(const std::string& file, const std::vector<ManifestEntry>& entries)
{
  std::string text;
  for (const auto& e : entries)
    text += manifest_line(e) + "\n";
  save_file_atomic(file, text);
}

std::string describe_run(const ManifestEntry& e)
{
  std::string out;
  for (const auto& item : e.axes.items())
    out += item.key() + "=" + (item.value().is_string() ? item.value().get<std::string>() : item.value().dump()) + ", ";
  return out + "seed " + std::to_string(e.seed);
}

} // namespace svcsim
