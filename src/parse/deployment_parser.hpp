// The deployment of a scenario: how many instances of each type, the component list in start order, where
// each runs (platform hosts), when it starts (the seed's start scripts by default), and its address.
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

#include <string>
#include <vector>

namespace svcsim
{

// Reads /deployment of the resolved scenario. `hosts` is the platform's host list, or nullptr when the
// platform could not be read (host checks are then skipped: that error is already reported).
Deployment read_deployment(Checker& checker, const json& root, const std::vector<std::string>* hosts,
                           const std::string& platform_file);

const Component* find_component(const Deployment& deployment, const std::string& name);
Component* find_component(Deployment& deployment, const std::string& name);

// "service-registry, auth-service-1..3, ..., client" for messages; filtered by kind.
std::string describe_components(const Deployment& deployment, bool instances_only, bool include_client);

// "localhost" or "node-0, node-1, node-2, ... (64 hosts)" for messages.
std::string describe_hosts(const std::vector<std::string>& hosts);

} // namespace svcsim
