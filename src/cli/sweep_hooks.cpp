// Registers `sweep` and `collect` on the command line and wires `run --manifest` (src/sweep/ does the work).
// The options live in a shared state captured by the hooks, so cli.cpp only calls dispatch() after parsing.
#include "cli/sweep_hooks.hpp"

#include "cli/cli.hpp"
#include "sweep/sweep_commands.hpp"

#include <memory>

namespace svcsim
{

namespace
{

struct SweepCliState {
  SweepOptions sweep;
  std::string collect_dir;
  bool collect_quiet = false;
  CLI::App* sweep_cmd = nullptr;
  CLI::App* collect_cmd = nullptr;
};

} // namespace

void add_sweep_commands(CLI::App& app, SweepHooks& hooks)
{
  auto state = std::make_shared<SweepCliState>();
  SweepOptions& s = state->sweep;
  state->sweep_cmd = app.add_subcommand("sweep", "Run a sweep (a grid of scenario variants x seeds), each run in its "
                                                 "own process; or write its manifest / Slurm script");
  CLI::App* sc = state->sweep_cmd;
  sc->add_option("sweep", s.sweep_file, "Sweep file (JSON, see sweeps/README.md)")->required();
  sc->add_option("--jobs,-j", s.jobs, "Runs at a time (default: the CPUs available)")->check(CLI::PositiveNumber);
  sc->add_option("--out", s.out_dir, "Sweep directory (default results/sweeps/<sweep name>)");
  sc->add_flag("--emit-manifest", s.emit_manifest, "Only write DIR/manifest.jsonl and print its path");
  sc->add_flag("--emit-slurm", s.emit_slurm, "Only write the manifest and DIR/sweep.sbatch (a Slurm array script)");
  sc->add_option("--chunk", s.chunk, "Runs per Slurm array task (default: enough to stay within 1000 tasks)")
      ->check(CLI::PositiveNumber);
  sc->add_flag("--quiet,-q", s.quiet, "No progress line; only failures and errors");
  sc->add_flag("--exec", s.exec, "Start each run as `svcsim run --manifest M --index I` (exec) instead of a fork");

  state->collect_cmd = app.add_subcommand("collect", "Merge a sweep directory's runs into sweep.csv and sweep.sqlite");
  state->collect_cmd->add_option("dir", state->collect_dir, "Sweep directory (holds manifest.jsonl)")->required();
  state->collect_cmd->add_flag("--quiet,-q", state->collect_quiet, "Only runs that are not ok");

  hooks.dispatch = [state] {
    if (*state->sweep_cmd)
      return sweep_command(state->sweep);
    if (*state->collect_cmd)
      return collect_command(state->collect_dir, state->collect_quiet);
    return EXIT_BAD_INPUT;
  };
  hooks.run_manifest_entry = [](const std::string& manifest, long index, const RunCommandOptions& run) {
    return run_manifest_command(manifest, index, run);
  };
}

} // namespace svcsim
