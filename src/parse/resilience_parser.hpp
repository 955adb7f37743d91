// The model keys of the balancer's alternative mechanisms (issue 14; docs/scenario-format.md): the balancing
// policy (load_balancer.policy, services.<type>.policy and weights), outlier_detection, max_fails /
// fail_timeout_s, circuit_breaker and retry under load_balancer. Each is off unless its key is given.
#pragma once

#include "parse/checker.hpp"
#include "parse/scenario.hpp"

#include <string>
#include <vector>

namespace svcsim
{

// The keys read_lb_mechanisms reads from the load_balancer object (the model parser allows them).
const std::vector<std::string>& lb_mechanism_keys();
// `lb`: the load_balancer object at `pointer`. Also checks combinations with the balancer's own keys
// (a retry budget needs max_attempts >= 2).
void read_lb_mechanisms(Checker& checker, const json& lb, const std::string& pointer, LoadBalancerParams& out);

// The keys read_service_balancing reads from services.<type>.
const std::vector<std::string>& service_balancing_keys();
void read_service_balancing(Checker& checker, const json& service, const std::string& pointer, ServiceBalancing& out);

// Once the deployment is known: weights name instances 1..N, so there must be N of them, and only weighted
// round robin reads them. `parameters`: the model's pointer in the resolved scenario ("/parameters").
void check_balancing(Checker& checker, const Model& model, const Deployment& deployment, const std::string& parameters);

} // namespace svcsim
