#include "parse/deployment_parser.hpp"

#include "parse/deployment_addresses.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace svcsim
{

namespace
{

constexpr NumberRule INSTANCES{1, false, 100000, true};
const std::string DEPLOYMENT = "/deployment";

// SPEC §1: the seed's start scripts.
constexpr double SEED_FIRST_INSTANCE_S = 3;
constexpr double SEED_INSTANCE_GAP_S = 1;
constexpr double SEED_BALANCER_AFTER_LAST_S = 3; // balancer at 3 + T + 3 with T instances
constexpr double SEED_DETECTOR_AFTER_BALANCER_S = 2;

std::string instance_name(ServiceType type, int index)
{
  return std::string(service_type_name(type)) + "-service-" + std::to_string(index);
}

Component make_component(const std::string& name, ComponentKind kind)
{
  Component c;
  c.name = name;
  c.kind = kind;
  return c;
}

std::vector<Component> make_components(const int counts[SERVICE_TYPE_COUNT])
{
  std::vector<Component> out;
  out.push_back(make_component("service-registry", ComponentKind::REGISTRY));
  for (int t = 0; t < SERVICE_TYPE_COUNT; ++t) {
    for (int i = 1; i <= counts[t]; ++i) {
      Component c = make_component(instance_name(static_cast<ServiceType>(t), i), ComponentKind::INSTANCE);
      c.type = static_cast<ServiceType>(t);
      c.index = i;
      out.push_back(c);
    }
  }
  out.push_back(make_component("load-balancer", ComponentKind::LOAD_BALANCER));
  out.push_back(make_component("fault-detector", ComponentKind::FAULT_DETECTOR));
  out.push_back(make_component("client", ComponentKind::CLIENT));
  return out;
}

void read_instances(Checker& checker, const json& dep, int counts[SERVICE_TYPE_COUNT])
{
  std::string pointer = DEPLOYMENT + "/instances";
  auto it = dep.find("instances");
  if (it == dep.end())
    return;
  if (it->is_number()) {
    if (auto n = checker.number_value(*it, pointer, INSTANCES))
      std::fill(counts, counts + SERVICE_TYPE_COUNT, static_cast<int>(*n));
    return;
  }
  if (!it->is_object()) {
    checker.error(pointer, "expected " + describe(INSTANCES) + " or object {\"auth\", \"data\", \"compute\"}, got " +
                               quote_value(*it));
    return;
  }
  checker.object(*it, pointer, {"auth", "data", "compute"});
  for (int t = 0; t < SERVICE_TYPE_COUNT; ++t)
    if (auto n = checker.number(*it, pointer, service_type_name(static_cast<ServiceType>(t)), INSTANCES, true))
      counts[t] = static_cast<int>(*n);
}

void read_start(Checker& checker, const json& dep, std::vector<Component>& components, int total_instances)
{
  std::string pointer = DEPLOYMENT + "/start";
  double registry_s = 0;
  double first_s = SEED_FIRST_INSTANCE_S;
  double gap_s = SEED_INSTANCE_GAP_S;
  std::optional<double> balancer_s;
  std::optional<double> detector_s;
  auto it = dep.find("start");
  if (it != dep.end() && !(it->is_string() && *it == "seed-script")) {
    if (!it->is_object()) {
      checker.error(pointer, "expected \"seed-script\" or object {\"registry_s\", \"first_instance_s\", "
                             "\"instance_gap_s\", \"load_balancer_s\", \"fault_detector_s\"}, got " +
                                 quote_value(*it));
    } else {
      checker.object(*it, pointer,
                     {"registry_s", "first_instance_s", "instance_gap_s", "load_balancer_s", "fault_detector_s"});
      registry_s = checker.number(*it, pointer, "registry_s", NON_NEGATIVE).value_or(registry_s);
      first_s = checker.number(*it, pointer, "first_instance_s", NON_NEGATIVE).value_or(first_s);
      gap_s = checker.number(*it, pointer, "instance_gap_s", NON_NEGATIVE).value_or(gap_s);
      balancer_s = checker.number(*it, pointer, "load_balancer_s", NON_NEGATIVE);
      detector_s = checker.number(*it, pointer, "fault_detector_s", NON_NEGATIVE);
    }
  }
  // Omitted times follow the seed script's pattern relative to the given ones.
  double balancer = balancer_s.value_or(first_s + total_instances * gap_s + SEED_BALANCER_AFTER_LAST_S);
  double detector = detector_s.value_or(balancer + SEED_DETECTOR_AFTER_BALANCER_S);
  int k = 0;
  for (auto& c : components) {
    switch (c.kind) {
    case ComponentKind::REGISTRY:
      c.start_s = registry_s;
      break;
    case ComponentKind::INSTANCE:
      c.start_s = first_s + (k++) * gap_s;
      break;
    case ComponentKind::LOAD_BALANCER:
      c.start_s = balancer;
      break;
    case ComponentKind::FAULT_DETECTOR:
      c.start_s = detector;
      break;
    case ComponentKind::CLIENT: // acts at the workloads' own start times
    case ComponentKind::FAULT_INJECTOR:
    case ComponentKind::KUBERNETES:
      c.start_s = 0;
      break;
    }
  }
}

bool check_host(Checker& checker, const std::vector<std::string>* hosts, const json& value, const std::string& pointer)
{
  auto host = checker.string_value(value, pointer);
  if (!host)
    return false;
  if (hosts && std::find(hosts->begin(), hosts->end(), *host) == hosts->end()) {
    checker.error(pointer,
                  "expected a host of the platform (" + describe_hosts(*hosts) + "), got " + quote_value(value));
    return false;
  }
  return true;
}

void read_placement(Checker& checker, const json& dep, Deployment& d, const std::vector<std::string>* hosts,
                    const std::string& platform_file)
{
  std::vector<Component>& components = d.components;
  std::string pointer = DEPLOYMENT + "/placement";
  auto it = dep.find("placement");
  if (it == dep.end()) {
    // With one host there is only one choice; with several, the scenario must say.
    if (hosts && hosts->size() == 1)
      for (auto& c : components)
        c.host = hosts->front();
    else if (hosts)
      checker.missing(pointer, "\"spread\" or object {\"default\", \"components\"} (the platform has " +
                                   std::to_string(hosts->size()) + " hosts)");
    return;
  }
  if (it->is_string() && *it == "spread") {
    if (!hosts)
      return;
    if (hosts->size() < components.size()) {
      checker.error(pointer, "expected a platform with at least " + std::to_string(components.size()) +
                                 " hosts for \"spread\" (one per component), got " + std::to_string(hosts->size()) +
                                 " in " + platform_file);
      return;
    }
    for (size_t i = 0; i < components.size(); ++i)
      components[i].host = (*hosts)[i];
    return;
  }
  if (!it->is_object()) {
    checker.error(pointer, "expected \"spread\" or object {\"default\", \"components\"}, got " + quote_value(*it));
    return;
  }
  checker.object(*it, pointer, {"default", "components"});
  std::string fallback;
  bool fallback_ok = false;
  if (auto d = it->find("default"); d != it->end())
    if (check_host(checker, hosts, *d, pointer + "/default"))
      fallback = d->get<std::string>(), fallback_ok = true;
  bool has_default = it->contains("default");
  std::map<std::string, std::string> chosen;
  if (auto m = it->find("components"); m != it->end()) {
    std::string map_pointer = pointer + "/components";
    if (!m->is_object()) {
      checker.error(map_pointer, "expected object {component: host}, got " + quote_value(*m));
    } else {
      for (const auto& item : m->items()) {
        std::string p = pointer_append(map_pointer, item.key());
        if (!find_component(d, item.key())) {
          checker.error_at_key(p, "expected a component name (" + describe_components(d, false, true) + "), got \"" +
                                      item.key() + "\"");
          continue;
        }
        if (check_host(checker, hosts, item.value(), p))
          chosen[item.key()] = item.value().get<std::string>();
      }
    }
  }
  bool reported = false;
  for (auto& c : components) {
    if (auto found = chosen.find(c.name); found != chosen.end())
      c.host = found->second;
    else if (fallback_ok)
      c.host = fallback;
    else if (!has_default && !reported) {
      checker.missing(pointer + "/default", "host for the components not listed (such as " + c.name + ")");
      reported = true;
    }
  }
}

void read_jwt_secrets(Checker& checker, const json& dep, Deployment& d)
{
  std::string pointer = DEPLOYMENT + "/jwt_secrets";
  auto it = dep.find("jwt_secrets");
  if (it == dep.end())
    return;
  if (!it->is_object()) {
    checker.error(pointer, "expected object {auth instance: secret}, got " + quote_value(*it));
    return;
  }
  for (const auto& item : it->items()) {
    std::string p = pointer_append(pointer, item.key());
    Component* c = find_component(d, item.key());
    if (!c || c->kind != ComponentKind::INSTANCE || c->type != ServiceType::AUTH) {
      checker.error_at_key(p, "expected an auth instance name (auth-service-1.." + std::to_string(d.instances[0]) +
                                  "), got \"" + item.key() + "\"");
      continue;
    }
    auto secret = checker.string_value(item.value(), p);
    if (secret && secret->empty())
      checker.error(p, "expected non-empty string, got \"\"");
    else if (secret)
      c->jwt_secret = *secret;
  }
}

} // namespace

Deployment read_deployment(Checker& checker, const json& root, const std::vector<std::string>* hosts,
                           const std::string& platform_file)
{
  Deployment d;
  static const json empty = json::object();
  const json* dep = &empty;
  if (auto it = root.find("deployment"); it != root.end()) {
    if (checker.object(*it, DEPLOYMENT,
                       {"instances", "placement", "start", "addresses", "addresses_preset", "jwt_secrets"}))
      dep = &*it;
  }
  read_instances(checker, *dep, d.instances);
  d.components = make_components(d.instances);
  read_start(checker, *dep, d.components, d.instances[0] + d.instances[1] + d.instances[2]);
  read_placement(checker, *dep, d, hosts, platform_file);
  read_addresses(checker, *dep, d);
  read_jwt_secrets(checker, *dep, d);
  warn_address_clashes(checker, d);
  return d;
}

Component* find_component(Deployment& deployment, const std::string& name)
{
  // By the name's shape rather than a search: the list follows make_components' order, and a deployment
  // may hold 300000 instances.
  auto& cs = deployment.components;
  if (cs.size() < 4)
    return nullptr;
  if (name == "service-registry")
    return &cs.front();
  if (name == "load-balancer")
    return &cs[cs.size() - 3];
  if (name == "fault-detector")
    return &cs[cs.size() - 2];
  if (name == "client")
    return &cs.back();
  size_t offset = 1;
  for (int t = 0; t < SERVICE_TYPE_COUNT; ++t) {
    std::string prefix = std::string(service_type_name(static_cast<ServiceType>(t))) + "-service-";
    if (name.compare(0, prefix.size(), prefix) == 0) {
      std::string digits = name.substr(prefix.size());
      if (digits.empty() || digits.size() > 6 || digits[0] == '0' ||
          !std::all_of(digits.begin(), digits.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
        return nullptr;
      int index = std::stoi(digits);
      return index <= deployment.instances[t] ? &cs[offset + index - 1] : nullptr;
    }
    offset += deployment.instances[t];
  }
  return nullptr;
}

const Component* find_component(const Deployment& deployment, const std::string& name)
{
  return find_component(const_cast<Deployment&>(deployment), name); // the non-const one does not modify
}

std::string describe_components(const Deployment& deployment, bool instances_only, bool include_client)
{
  std::string out;
  auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  if (!instances_only)
    add("service-registry");
  for (int t = 0; t < SERVICE_TYPE_COUNT; ++t) {
    int n = deployment.instances[t];
    std::string first = instance_name(static_cast<ServiceType>(t), 1);
    add(n == 1 ? first : first + ".." + std::to_string(n));
  }
  if (!instances_only) {
    add("load-balancer");
    add("fault-detector");
    if (include_client)
      add("client");
  }
  return out;
}

std::string describe_hosts(const std::vector<std::string>& hosts)
{
  constexpr size_t SHOWN = 4;
  std::string out;
  for (size_t i = 0; i < hosts.size() && i < SHOWN; ++i)
    out += (i ? ", " : "") + hosts[i];
  if (hosts.size() > SHOWN)
    out += ", ... (" + std::to_string(hosts.size()) + " hosts)";
  if (hosts.empty())
    out = "none";
  return out;
}

} // namespace svcsim
