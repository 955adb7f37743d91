// Band checks (issue 13): hold a measured real value against the spread a `svcsim run --seeds` wrote
// (DIR/spread.json): inside [p5, p95] (or [min, max]) passes, outside fails. From the command line
// (`svcsim check DIR --band requests.latency_ms.p99=321.2`) or from a band file given as --baseline:
// {"bands": [{"metric": "requests.latency_ms.p99", "real": 321.2, "within": "p5-p95"}]}.
#pragma once

#include "check/check.hpp"

#include <ostream>
#include <string>

namespace svcsim
{

// True when `file` is a JSON object with a "bands" key: a band file rather than a baseline. False for anything
// else, including a file that cannot be read or parsed (the baseline path reports those).
bool is_band_file(const std::string& file);

// Exit 0 every value inside its band, 1 any outside, 2 trouble (no spread.json, a metric missing from it or
// without a value in any seed, a bad --band or band file); one line per error to `err`.
int run_band_check(const CheckOptions& options, std::ostream& out, std::ostream& err);

} // namespace svcsim
