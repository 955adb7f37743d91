#include "parse/deployment_addresses.hpp"

#include "parse/deployment_parser.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace svcsim
{

namespace
{

const std::string DEPLOYMENT = "/deployment";

// "host:port" with a port 1..65535.
bool valid_address(const std::string& a)
{
  size_t colon = a.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == a.size() || a.size() - colon - 1 > 5)
    return false;
  for (size_t i = 0; i < colon; ++i)
    if (!(std::isalnum(static_cast<unsigned char>(a[i])) || a[i] == '.' || a[i] == '-' || a[i] == '_'))
      return false;
  long port = 0;
  for (size_t i = colon + 1; i < a.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(a[i])))
      return false;
    port = port * 10 + (a[i] - '0');
  }
  return port >= 1 && port <= 65535;
}

} // namespace

void read_addresses(Checker& checker, const json& dep, Deployment& d)
{
  if (auto preset = checker.choice(dep, DEPLOYMENT, "addresses_preset", {"seed-script"})) {
    // The seed's start scripts (SPEC §1 and the seed README's port table).
    for (auto& c : d.components) {
      switch (c.kind) {
      case ComponentKind::REGISTRY:
        c.address = "localhost:3005";
        break;
      case ComponentKind::LOAD_BALANCER:
        c.address = "localhost:3000";
        break;
      case ComponentKind::FAULT_DETECTOR:
        c.address = "localhost:3004";
        break;
      case ComponentKind::INSTANCE: {
        static const int base[SERVICE_TYPE_COUNT] = {3000, 4001, 5001};
        c.address = "localhost:" + std::to_string(base[static_cast<int>(c.type)] + c.index);
        break;
      }
      default:
        break;
      }
    }
  }
  std::string pointer = DEPLOYMENT + "/addresses";
  auto it = dep.find("addresses");
  if (it == dep.end())
    return;
  if (!it->is_object()) {
    checker.error(pointer, "expected object {component: \"host:port\"}, got " + quote_value(*it));
    return;
  }
  for (const auto& item : it->items()) {
    std::string p = pointer_append(pointer, item.key());
    Component* c = find_component(d, item.key());
    if (!c || c->kind == ComponentKind::CLIENT) {
      checker.error_at_key(p, "expected a component that listens (" + describe_components(d, false, false) +
                                  "), got \"" + item.key() + "\"");
      continue;
    }
    auto address = checker.string_value(item.value(), p);
    if (address && !valid_address(*address))
      checker.error(p, "expected \"host:port\" with a port 1..65535, got " + quote_value(item.value()));
    else if (address)
      c->address = *address;
  }
}

// SPEC §1: a second bind of an address fails at start, as on the real machine. Allowed, but worth a warning.
void warn_address_clashes(Checker& checker, const Deployment& d)
{
  // Groups of components that bind one socket (same_socket), in deployment order.
  std::vector<std::vector<const Component*>> groups;
  for (const auto& c : d.components) {
    if (c.address.empty())
      continue;
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& grp) { return same_socket(*grp[0], c); });
    if (g == groups.end())
      groups.push_back({&c});
    else
      g->push_back(&c);
  }
  for (const auto& holders : groups) {
    if (holders.size() < 2)
      continue;
    std::string names;
    for (size_t i = 0; i < holders.size(); ++i)
      names += (i == 0 ? "" : i + 1 == holders.size() ? " and " : ", ") + holders[i]->name;
    checker.warning(DEPLOYMENT, "address " + holders[0]->address + " is bound by " + names + " on host " +
                                    holders[0]->host + ": the " + (holders.size() == 2 ? "one" : "ones") +
                                    " started later fail" + (holders.size() == 2 ? "s" : "") +
                                    " to start (EADDRINUSE)");
  }
}

} // namespace svcsim
