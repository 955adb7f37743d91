// Addresses (host:port) of a deployment's components: the seed scripts' preset, explicit ones, and the
// warning the seed's 10-instance script deserves (two components binding one port: the later one fails).
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

namespace svcsim
{

// Reads /deployment/addresses_preset and /deployment/addresses (`dep` is /deployment) into the components.
void read_addresses(Checker& checker, const json& dep, Deployment& d);

// One warning at /deployment per address bound by more than one component.
void warn_address_clashes(Checker& checker, const Deployment& d);

} // namespace svcsim
