// `svcsim validate` checks the platform file with SimGrid's own parser, as `run` does, so that the two give
// the same verdict on it (the scenario parser only scans the file for host and link names).
#pragma once

#include <optional>
#include <string>

namespace svcsim
{

// SimGrid's error message when it cannot load the platform file; nothing when it can.
std::optional<std::string> platform_load_error(const std::string& platform_file);

} // namespace svcsim
