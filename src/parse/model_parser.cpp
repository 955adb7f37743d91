#include "parse/model_parser.hpp"

#include "parse/discovery_parser.hpp"
#include "parse/jitter_parser.hpp"
#include "parse/process_model_parser.hpp"
#include "parse/resilience_parser.hpp"
#include "parse/timing_parser.hpp"

#include <cstdint>

namespace svcsim
{

namespace
{

// What the instances can run (actors/endpoint_logic.cpp); GET /health is built in, not a model endpoint.
const std::vector<std::string> HANDLERS = {"work",     "signup",   "signin",        "verify",
                                           "data_get", "data_put", "compute_direct"};
constexpr NumberRule THRESHOLD{1, false, 1e6, true};
constexpr NumberRule BYTES{0, false, 1e12, true};
constexpr NumberRule FLOPS{0, false, 1e18, false};

// One object of the model: reads the fields it is asked for, then reports the keys nobody asked for.
class Section
{
public:
  Section(Checker& checker, const json& parent, const std::string& parent_pointer, const std::string& key)
      : checker_(checker), pointer_(pointer_append(parent_pointer, key))
  {
    auto it = parent.find(key);
    if (it == parent.end())
      return; // an absent section keeps the defaults
    if (!it->is_object()) {
      checker_.error(pointer_, "expected object, got " + quote_value(*it));
      return;
    }
    obj_ = &*it;
  }
  Section(Checker& checker, const json& obj, const std::string& pointer)
      : checker_(checker), obj_(obj.is_object() ? &obj : nullptr), pointer_(pointer)
  {
  }
  ~Section()
  {
    if (obj_)
      checker_.unknown_keys(*obj_, pointer_, keys_);
  }

  bool present() const { return obj_ != nullptr; }
  const json& obj() const { return *obj_; }
  const std::string& pointer() const { return pointer_; }
  void allow(const std::string& key) { keys_.push_back(key); }

  void num(const std::string& key, double& out, const NumberRule& rule)
  {
    allow(key);
    if (obj_)
      if (auto v = checker_.number(*obj_, pointer_, key, rule))
        out = *v;
  }
  void integer(const std::string& key, int& out, const NumberRule& rule)
  {
    allow(key);
    if (obj_)
      if (auto v = checker_.number(*obj_, pointer_, key, rule))
        out = static_cast<int>(*v);
  }
  void bytes(const std::string& key, uint64_t& out)
  {
    allow(key);
    if (obj_)
      if (auto v = checker_.number(*obj_, pointer_, key, BYTES))
        out = static_cast<uint64_t>(*v);
  }
  void flag(const std::string& key, bool& out)
  {
    allow(key);
    if (obj_)
      if (auto v = checker_.boolean(*obj_, pointer_, key))
        out = *v;
  }
  void text(const std::string& key, std::string& out, bool non_empty = false)
  {
    allow(key);
    if (!obj_)
      return;
    if (auto v = checker_.string(*obj_, pointer_, key)) {
      if (non_empty && v->empty())
        checker_.error(pointer_append(pointer_, key), "expected non-empty string, got \"\"");
      else
        out = *v;
    }
  }

private:
  Checker& checker_;
  const json* obj_ = nullptr;
  std::string pointer_;
  std::vector<std::string> keys_;
};

std::vector<std::string> split_path(const std::string& path)
{
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos)
      slash = path.size();
    segments.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

bool methods_overlap(const std::string& a, const std::string& b)
{
  return a == "*" || b == "*" || a == b;
}

void read_endpoints(Checker& checker, Section& service, ServiceType type, std::vector<EndpointModel>& out)
{
  service.allow("endpoints");
  std::string pointer = pointer_append(service.pointer(), "endpoints");
  auto it = service.obj().find("endpoints");
  if (it == service.obj().end()) {
    checker.missing(pointer, "array of endpoints");
    return;
  }
  if (!it->is_array() || it->empty()) {
    checker.error(pointer, "expected non-empty array of endpoints, got " + quote_value(*it));
    return;
  }
  std::string prefix = std::string("/api/") + service_type_name(type);
  for (size_t i = 0; i < it->size(); ++i) {
    const json& item = (*it)[i];
    std::string item_pointer = pointer_append(pointer, i);
    if (!item.is_object()) {
      checker.error(item_pointer, "expected object, got " + quote_value(item));
      continue;
    }
    Section e(checker, item, item_pointer);
    EndpointModel endpoint;
    bool path_ok = false;
    if (auto path = checker.string(item, item_pointer, "path", true)) {
      std::vector<std::string> segments = split_path(*path);
      bool segments_ok = path->compare(0, 1, "/") == 0;
      for (const auto& s : segments)
        segments_ok = segments_ok && !s.empty() && s.find_first_of("?#{} ") == std::string::npos;
      // The load balancer routes by prefix: an endpoint outside its type's prefix could never be reached.
      bool under_prefix = *path == prefix || path->compare(0, prefix.size() + 1, prefix + "/") == 0;
      if (!under_prefix || !segments_ok)
        checker.error(pointer_append(item_pointer, "path"),
                      "expected a path " + prefix + " or " + prefix + "/..., got " + quote_value(item["path"]));
      else
        path_ok = true;
      endpoint.path = *path;
    }
    e.allow("path");
    e.allow("method");
    if (auto method = checker.choice(item, item_pointer, "method", {"GET", "POST", "*"}))
      endpoint.method = *method;
    e.allow("handler");
    if (auto handler = checker.choice(item, item_pointer, "handler", HANDLERS, true))
      endpoint.handler = *handler;
    e.num("delay_ms", endpoint.delay_ms, NON_NEGATIVE);
    e.num("cpu_flops", endpoint.cpu_flops, FLOPS);
    e.bytes("response_bytes", endpoint.response_bytes);
    if (!path_ok)
      continue;
    for (size_t j = 0; j < out.size(); ++j) {
      if (out[j].path == endpoint.path && methods_overlap(out[j].method, endpoint.method)) {
        checker.error(pointer_append(item_pointer, "path"),
                      "expected each path and method once per service type, got " + endpoint.method + " " +
                          endpoint.path + " again (as in endpoint " + std::to_string(j) + ")");
        path_ok = false;
      }
    }
    if (path_ok)
      out.push_back(endpoint);
  }
}

} // namespace

bool path_matches(const std::string& request_path, const std::string& endpoint_path)
{
  std::vector<std::string> request = split_path(request_path);
  std::vector<std::string> endpoint = split_path(endpoint_path);
  if (request.size() != endpoint.size())
    return false;
  for (size_t i = 0; i < request.size(); ++i) {
    bool any = (!endpoint[i].empty() && endpoint[i][0] == ':' && !request[i].empty()) ||
               request[i].find("{i}") != std::string::npos || request[i].find("{n}") != std::string::npos;
    if (!any && request[i] != endpoint[i])
      return false;
  }
  return true;
}

Model read_model(Checker& checker, const json& params, const std::string& pointer)
{
  Model m;
  if (!params.is_object()) {
    checker.error(pointer, "expected object, got " + quote_value(params));
    return m;
  }
  Section top(checker, params, pointer);
  top.text("name", m.name, true);
  std::string description;
  top.text("description", description);
  top.num("health_overhead_ms", m.health_overhead_ms, NON_NEGATIVE);
  top.allow(JITTER_SHORTHAND_KEY);
  top.allow(JITTER_KEY);
  read_jitter_model(checker, params, pointer, m.overhead_jitter);

  top.allow("registry");
  {
    Section s(checker, params, pointer, "registry");
    s.num("heartbeat_interval_s", m.registry.heartbeat_interval_s, POSITIVE);
    s.num("cleanup_interval_s", m.registry.cleanup_interval_s, POSITIVE);
    s.num("heartbeat_timeout_s", m.registry.heartbeat_timeout_s, POSITIVE);
    s.num("call_timeout_s", m.registry.call_timeout_s, POSITIVE);
    s.num("request_overhead_ms", m.registry.request_overhead_ms, NON_NEGATIVE);
    s.num("response_cache_s", m.registry.response_cache_s, NON_NEGATIVE);
    s.flag("renew_adds_timeout", m.registry.renew_adds_timeout);
  }
  top.allow("load_balancer");
  {
    Section s(checker, params, pointer, "load_balancer");
    LoadBalancerParams& lb = m.load_balancer;
    s.flag("dynamic_discovery", lb.dynamic_discovery);
    s.num("discovery_interval_s", lb.discovery_interval_s, POSITIVE);
    s.num("health_check_interval_s", lb.health_check_interval_s, POSITIVE);
    s.num("health_check_timeout_s", lb.health_check_timeout_s, POSITIVE);
    s.integer("max_attempts", lb.max_attempts, NumberRule{1, false, 100, true});
    s.num("attempt_timeout_s", lb.attempt_timeout_s, POSITIVE);
    s.num("request_overhead_ms", lb.request_overhead_ms, NON_NEGATIVE);
    s.num("response_overhead_ms", lb.response_overhead_ms, NON_NEGATIVE);
    for (const auto& key : lb_mechanism_keys())
      s.allow(key);
    if (s.present())
      read_lb_mechanisms(checker, s.obj(), s.pointer(), lb);
    s.flag("health_checks", lb.health_checks);
  }
  top.allow("fault_detector");
  {
    Section s(checker, params, pointer, "fault_detector");
    s.num("check_interval_s", m.fault_detector.check_interval_s, POSITIVE);
    s.num("check_timeout_s", m.fault_detector.check_timeout_s, POSITIVE);
    s.integer("failure_threshold", m.fault_detector.failure_threshold, THRESHOLD);
    s.num("slow_response_s", m.fault_detector.slow_response_s, POSITIVE);
  }
  top.allow("auth");
  {
    Section s(checker, params, pointer, "auth");
    s.text("jwt_secret", m.auth.jwt_secret, true);
    s.num("jwt_expiry_s", m.auth.jwt_expiry_s, POSITIVE);
    s.num("hash_cpu_flops", m.auth.hash_cpu_flops, FLOPS);
    s.integer("real_bcrypt_cost", m.auth.real_bcrypt_cost, NumberRule{4, false, 31, true}); // bcrypt's own range
  }
  top.allow("database");
  {
    Section s(checker, params, pointer, "database");
    s.num("read_ms", m.database.read_ms, NON_NEGATIVE);
    s.num("write_ms", m.database.write_ms, NON_NEGATIVE);
    s.num("busy_timeout_s", m.database.busy_timeout_s, NON_NEGATIVE);
  }
  top.allow("messages");
  {
    Section s(checker, params, pointer, "messages");
    s.bytes("request_bytes", m.messages.request_bytes);
    s.bytes("response_bytes", m.messages.response_bytes);
    s.bytes("control_bytes", m.messages.control_bytes);
  }
  top.allow("client");
  {
    Section s(checker, params, pointer, "client");
    s.num("timeout_s", m.client.timeout_s, POSITIVE);
    s.num("overhead_ms", m.client.overhead_ms, NON_NEGATIVE);
  }
  top.allow("process");
  read_process_model(checker, params, pointer, m.process);
  top.allow("connections");
  read_connection_model(checker, params, pointer, m.connections);
  top.allow("timing");
  read_timing_model(checker, params, pointer, m.timing);
  top.allow("discovery");
  read_discovery(checker, params, pointer, m); // after load_balancer: it checks dynamic_discovery
  top.allow("services");
  std::string services_pointer = pointer_append(pointer, "services");
  if (!params.contains("services")) {
    checker.missing(services_pointer, "object with \"auth\", \"data\" and \"compute\"");
    return m;
  }
  Section services(checker, params, pointer, "services");
  if (!services.present())
    return m;
  for (int t = 0; t < SERVICE_TYPE_COUNT; ++t) {
    auto type = static_cast<ServiceType>(t);
    std::string name = service_type_name(type);
    services.allow(name);
    if (!services.obj().contains(name)) {
      checker.missing(pointer_append(services_pointer, name), "object with \"endpoints\"");
      continue;
    }
    Section s(checker, services.obj(), services_pointer, name);
    if (!s.present())
      continue;
    ServiceModel& service = m.services[t];
    s.num("request_overhead_ms", service.request_overhead_ms, NON_NEGATIVE);
    s.integer("lb_failure_threshold", service.lb_failure_threshold, THRESHOLD);
    for (const auto& key : service_balancing_keys())
      s.allow(key);
    read_service_balancing(checker, s.obj(), s.pointer(), service.balancing);
    read_endpoints(checker, s, type, service.endpoints);
  }
  return m;
}

} // namespace svcsim
