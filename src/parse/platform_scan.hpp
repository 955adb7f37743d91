// The names a SimGrid platform XML file declares, found by a light scan (no XML library): enough to check
// that placements and faults name hosts and links that exist. SimGrid itself parses the file at run time.
#pragma once

#include <string>
#include <vector>

namespace svcsim
{

struct PlatformNames {
  std::vector<std::string> hosts; // <host id>, <peer id>, <cluster>/<cabinet> prefix+radical+suffix, document order
  std::vector<std::string> links; // <link id>, <backbone id>
  bool has_cluster = false;       // a <cluster> creates links whose names the file does not spell out
};

// Throws InputError (file, line) when the file cannot be read, is not a platform, or has a bad radical.
PlatformNames scan_platform(const std::string& platform_file);

// The same on text already read; `file` names it in errors.
PlatformNames scan_platform_text(const std::string& text, const std::string& file);

} // namespace svcsim
