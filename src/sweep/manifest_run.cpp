// `svcsim run --manifest M --index I`: one run of a sweep, in its own process. The run is staged in a private
// directory beside its final place and renamed into place when complete, so DIR/runs/<run_id>/ is either
// absent, complete, or a failed attempt (FAILED) — never half-written — whatever kills the process.
#include "cli/cli.hpp"
#include "sim/interrupt.hpp"
#include "sweep/manifest.hpp"
#include "sweep/run_dirs.hpp"
#include "sweep/sweep_commands.hpp"

#include <cstdio>
#include <filesystem>
#include <iostream>

namespace svcsim
{

namespace fs = std::filesystem;

namespace
{

// The parser's line:col point into the resolved text, which is no file on disk: name the manifest line.
InputError relocate(const InputError& e, const ManifestEntry& entry, const std::string& manifest)
{
  std::vector<Diagnostic> out;
  for (Diagnostic d : e.diagnostics()) {
    if (d.file == entry.base) {
      d.file =
          manifest + ":" + std::to_string(entry.index + 1) + " (run " + entry.run_id + ", " + describe_run(entry) + ")";
      d.line = d.col = 0;
    }
    out.push_back(std::move(d));
  }
  return InputError(out);
}

std::string error_text(const InputError& e)
{
  std::string text;
  for (const auto& d : e.diagnostics())
    if (!d.warning)
      text += d.format() + "\n";
  return text;
}

// Moves the finished staging directory to `final_dir`. Another process may have finished the same run
// meanwhile (an orphan of a killed sweep): then its result stands and ours is dropped.
void publish(const std::string& stage, const std::string& final_dir)
{
  std::error_code ec;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (::rename(stage.c_str(), final_dir.c_str()) == 0)
      return;
    if (run_state(final_dir) == RunState::complete) {
      fs::remove_all(stage, ec);
      return;
    }
    fs::remove_all(final_dir, ec); // a failed or unfinished earlier attempt
  }
  throw std::runtime_error("cannot rename " + stage + " to " + final_dir);
}

} // namespace

int run_manifest_command(const std::string& manifest, long index, const RunCommandOptions& options)
{
  if (index < 0) {
    std::cerr << "svcsim run: error: --manifest needs --index I (0-based line of the manifest)\n";
    return EXIT_BAD_INPUT;
  }
  ManifestEntry entry = read_manifest_entry(manifest, index);
  const std::string sweep_dir = fs::path(manifest).parent_path().string();
  const bool own_dir = options.out_dir.empty();
  const std::string final_dir = own_dir ? run_dir(sweep_dir.empty() ? "." : sweep_dir, entry.run_id) : options.out_dir;

  if (own_dir && run_state(final_dir) == RunState::complete) {
    if (!options.quiet)
      std::cerr << "svcsim run: " << final_dir << " is complete already (run " << index << ", " << describe_run(entry)
                << "): not run again\n";
    return EXIT_OK;
  }

  LoadResult loaded;
  try {
    loaded = load_scenario_text(nlohmann::json::parse(entry.scenario).dump(2), entry.base, options.load);
  } catch (const InputError& e) {
    InputError located = relocate(e, entry, manifest);
    if (own_dir)
      write_failed(final_dir, "exit code 2 (invalid scenario)\n" + error_text(located));
    throw located;
  }
  if (!options.quiet)
    for (const auto& w : loaded.warnings)
      std::cerr << w.format() << "\n";

  if (!own_dir)
    return run_scenario(loaded.scenario, options, final_dir); // stages and renames file by file itself

  const std::string stage = staging_dir(sweep_dir.empty() ? "." : sweep_dir, entry.run_id);
  std::error_code ec;
  fs::remove_all(stage, ec);
  try {
    run_scenario(loaded.scenario, options, stage);
    publish(stage, final_dir);
  } catch (const InputError& e) {
    fs::remove_all(stage, ec);
    write_failed(final_dir, "exit code 2\n" + error_text(e));
    throw;
  } catch (const Interrupted&) {
    fs::remove_all(stage, ec); // not the run's failure: it stays missing, and a resumed sweep runs it
    throw;
  } catch (const std::exception& e) {
    fs::remove_all(stage, ec);
    write_failed(final_dir, std::string("exit code 3\nsvcsim: internal error: ") + e.what() + "\n");
    throw;
  }
  return EXIT_OK;
}

} // namespace svcsim
