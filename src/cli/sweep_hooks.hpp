// The sweep-related subcommands (sweep, collect, run --manifest) registered on the CLI. Implemented in
// src/sweep/; kept behind this small interface so cli.cpp does not grow with them.
#pragma once

#include "cli/run_command.hpp"

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace svcsim
{

struct SweepHooks {
  std::function<int()> dispatch = [] { return 2; };
  std::function<int(const std::string&, long, const RunCommandOptions&)> run_manifest_entry =
      [](const std::string&, long, const RunCommandOptions&) { return 2; };
};

void add_sweep_commands(CLI::App& app, SweepHooks& hooks);

} // namespace svcsim
