#include "parse/scenario.hpp"

namespace svcsim
{

const char* service_type_name(ServiceType t)
{
  switch (t) {
  case ServiceType::AUTH:
    return "auth";
  case ServiceType::DATA:
    return "data";
  case ServiceType::COMPUTE:
    return "compute";
  }
  return "?";
}

std::optional<ServiceType> service_type_from_name(const std::string& name)
{
  if (name == "auth")
    return ServiceType::AUTH;
  if (name == "data")
    return ServiceType::DATA;
  if (name == "compute")
    return ServiceType::COMPUTE;
  return std::nullopt;
}

const char* fault_kind_name(FaultKind k)
{
  switch (k) {
  case FaultKind::CRASH:
    return "crash";
  case FaultKind::HANG:
    return "hang";
  case FaultKind::RESTART:
    return "restart";
  case FaultKind::HOST_DOWN:
    return "host_down";
  case FaultKind::LINK_DOWN:
    return "link_down";
  case FaultKind::PARTITION:
    return "partition";
  case FaultKind::SLOW:
    return "slow";
  case FaultKind::ERROR_RATE:
    return "error_rate";
  case FaultKind::REGISTRY_OUTAGE:
    return "registry_outage";
  }
  return "?";
}

const char* message_kind_name(int kind)
{
  static const char* const NAMES[MESSAGE_KIND_COUNT] = {"register",     "heartbeat",  "deregister",
                                                        "list_request", "list_reply", "health_request",
                                                        "api_request",  "reply",      "reset"};
  return kind >= 0 && kind < MESSAGE_KIND_COUNT ? NAMES[kind] : "?";
}

const char* cost_group_name(CostGroup g)
{
  static const char* const NAMES[COST_GROUP_COUNT] = {"registry", "load_balancer", "fault_detector", "client",
                                                      "auth",     "data",          "compute"};
  int i = static_cast<int>(g);
  return i >= 0 && i < COST_GROUP_COUNT ? NAMES[i] : "?";
}

} // namespace svcsim
