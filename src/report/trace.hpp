// `svcsim run --trace FILE`: the run as Chrome trace-event JSON ({"traceEvents": [...]}) for Perfetto or
// chrome://tracing: one process per component, requests as spans on the client and balancer attempts as
// spans on each instance (overlapping spans on separate thread lanes), faults, alerts and the other events
// as instants, and a counter of requests in flight. Timestamps are simulated microseconds.
#pragma once

#include "metrics/run_output.hpp"

#include <string>

namespace svcsim
{

std::string render_chrome_trace(const RunOutput& run);

// render_chrome_trace written atomically to `path` (save_file_atomic); throws std::runtime_error on failure.
void write_chrome_trace(const std::string& path, const RunOutput& run);

} // namespace svcsim
