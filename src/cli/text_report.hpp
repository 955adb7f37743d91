// The run's report on stdout, in the shape of the seed's load-test.js output (totals, latency, status codes,
// achieved RPS, per-instance distribution), plus the failover report when faults were injected.
#pragma once

#include <nlohmann/json.hpp>

#include <ostream>
#include <string>

namespace svcsim
{

void print_text_report(std::ostream& out, const nlohmann::ordered_json& summary, const std::string& out_dir);

} // namespace svcsim
