// The model's "process" (what each component's thread pays) and "connections" (sockets) sections,
// SPEC §1b: read into Model::process and Model::connections, every value checked.
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

namespace svcsim
{

// `model` is the merged model object at `pointer`; absent sections keep the defaults (no CPU costs).
void read_process_model(Checker& checker, const json& model, const std::string& pointer, ProcessModel& out);
void read_connection_model(Checker& checker, const json& model, const std::string& pointer, ConnectionModel& out);

} // namespace svcsim
