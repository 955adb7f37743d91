#include "parse/discovery_parser.hpp"

namespace svcsim
{

namespace
{

constexpr NumberRule THRESHOLD{1, false, 1e6, true};

void read_probe(Checker& checker, const json& obj, const std::string& pointer, ReadinessProbe& out)
{
  if (!checker.object(obj, pointer,
                      {"period_s", "timeout_s", "failure_threshold", "success_threshold", "initial_delay_s"}))
    return;
  if (auto v = checker.number(obj, pointer, "period_s", POSITIVE))
    out.period_s = *v;
  if (auto v = checker.number(obj, pointer, "timeout_s", POSITIVE))
    out.timeout_s = *v;
  if (auto v = checker.number(obj, pointer, "failure_threshold", THRESHOLD))
    out.failure_threshold = static_cast<int>(*v);
  if (auto v = checker.number(obj, pointer, "success_threshold", THRESHOLD))
    out.success_threshold = static_cast<int>(*v);
  if (auto v = checker.number(obj, pointer, "initial_delay_s", NON_NEGATIVE))
    out.initial_delay_s = *v;
}

} // namespace

void read_discovery(Checker& checker, const json& model, const std::string& pointer, Model& out)
{
  auto it = model.find("discovery");
  if (it == model.end())
    return;
  std::string p = pointer_append(pointer, "discovery");
  const json& obj = *it;
  if (!checker.object(obj, p,
                      {"kind", "server_list_refresh_s", "server_list_initial_delay_s", "readiness_probe",
                       "endpoint_propagation_s", "restart_policy", "restart_backoff_initial_s", "restart_backoff_max_s",
                       "container_start_s"}))
    return;
  DiscoveryParams& d = out.discovery;
  if (auto kind = checker.choice(obj, p, "kind", {"registry", "kubernetes"}))
    d.kind = *kind == "kubernetes" ? DiscoveryKind::KUBERNETES : DiscoveryKind::REGISTRY;
  if (auto v = checker.number(obj, p, "server_list_refresh_s", NON_NEGATIVE))
    d.server_list_refresh_s = *v;
  if (auto v = checker.number(obj, p, "server_list_initial_delay_s", NON_NEGATIVE))
    d.server_list_initial_delay_s = *v;
  if (auto v = checker.number(obj, p, "endpoint_propagation_s", NON_NEGATIVE))
    d.endpoint_propagation_s = *v;
  if (auto probe = obj.find("readiness_probe"); probe != obj.end())
    read_probe(checker, *probe, pointer_append(p, "readiness_probe"), d.readiness);
  // OnFailure restarts a container that exited with a non-zero code: a crash (SIGKILL, 137) is one.
  if (auto policy = checker.choice(obj, p, "restart_policy", {"Always", "OnFailure", "Never"}))
    d.restart_always = *policy != "Never";
  if (auto v = checker.number(obj, p, "restart_backoff_initial_s", NON_NEGATIVE))
    d.restart_backoff_initial_s = *v;
  if (auto v = checker.number(obj, p, "restart_backoff_max_s", NON_NEGATIVE))
    d.restart_backoff_max_s = *v;
  if (auto v = checker.number(obj, p, "container_start_s", NON_NEGATIVE))
    d.container_start_s = *v;
  if (d.restart_backoff_max_s < d.restart_backoff_initial_s)
    checker.error(pointer_append(p, "restart_backoff_max_s"), "expected number >= restart_backoff_initial_s (" +
                                                                  format_number(d.restart_backoff_initial_s) +
                                                                  "), got " + format_number(d.restart_backoff_max_s));
  // The balancer watches the endpoints only when it discovers at all: static pools would ignore them.
  if (d.kind == DiscoveryKind::KUBERNETES && !out.load_balancer.dynamic_discovery)
    checker.error(pointer_append(p, "kind"),
                  "expected \"registry\" when load_balancer.dynamic_discovery is false (static pools watch no "
                  "endpoints), got \"kubernetes\"");
  if (d.kind == DiscoveryKind::KUBERNETES && d.server_list_refresh_s > 0)
    checker.error(pointer_append(p, "server_list_refresh_s"),
                  "expected 0 with kind \"kubernetes\" (the server-list refresh is the registry client's), got " +
                      format_number(d.server_list_refresh_s));
}

} // namespace svcsim
