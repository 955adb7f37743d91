#include "cli/sweep_hooks.hpp"

#include <iostream>

namespace svcsim {

// Until src/sweep lands, run --manifest reports that sweeps are not built in this version.
void add_sweep_commands(CLI::App&, SweepHooks& hooks)
{
  hooks.run_manifest_entry = [](const std::string&, long, const RunCommandOptions&) {
    std::cerr << "svcsim run: error: --manifest: sweeps are not available in this build\n";
    return 2;
  };
}

} // namespace svcsim
