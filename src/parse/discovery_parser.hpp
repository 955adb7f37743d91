// The model's "discovery" section (docs/designs.md): where the balancer's pools come from, the registry
// (the seed) or Kubernetes' readiness probes and endpoints, read into Model::discovery, every value checked.
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

namespace svcsim
{

// `model` is the merged model object at `pointer`; an absent section keeps the seed's registry discovery.
void read_discovery(Checker& checker, const json& model, const std::string& pointer, Model& out);

} // namespace svcsim
