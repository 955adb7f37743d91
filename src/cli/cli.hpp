// The command line (SPEC §2): run, validate, check (and sweep, collect). Exit codes: 0 success; 1 a check
// found a regression or a sweep had a failed run; 2 bad input or usage; 3 internal error.
#pragma once

namespace svcsim
{

constexpr int EXIT_OK = 0;
constexpr int EXIT_REGRESSION = 1;
constexpr int EXIT_BAD_INPUT = 2;
constexpr int EXIT_INTERNAL = 3;

int cli_main(int argc, char** argv);

} // namespace svcsim
