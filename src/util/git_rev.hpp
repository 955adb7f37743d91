// The source revision the binary was built from (short hash, "-dirty" with uncommitted changes, "unknown"
// outside git), generated at build time by cmake/git_rev.cmake.
#pragma once

namespace svcsim
{

const char* git_rev();

} // namespace svcsim
