#include "parse/workload_fault_parser.hpp"

#include "parse/deployment_parser.hpp"
#include "parse/model_parser.hpp"

#include <algorithm>
#include <set>

namespace svcsim
{

namespace
{

constexpr NumberRule RPS{0, true, 1e7, false};
constexpr NumberRule REQUEST_COUNT{1, false, 1e9, true};
constexpr NumberRule FACTOR{0, true, 1e6, false};
constexpr NumberRule SHARE{0, true, 1, false};

// The load balancer answers these itself (SPEC §1); everything else must be under a service type's prefix.
const std::vector<std::string> BALANCER_ROUTES = {"/health", "/status", "/api/metrics", "/api/round-robin/reset"};

bool methods_overlap(const std::string& a, const std::string& b)
{
  return a == "*" || b == "*" || a == b;
}

// Checks a workload's endpoint; returns the model endpoint it reaches (nullptr for balancer routes, unknown
// endpoints, or when the model is unknown).
const EndpointModel* check_endpoint(Checker& checker, const json& value, const std::string& pointer,
                                    const std::string& method, const Model* model)
{
  std::string path = value.get<std::string>();
  path = path.substr(0, path.find('?')); // a query string does not choose the route
  if (std::find(BALANCER_ROUTES.begin(), BALANCER_ROUTES.end(), path) != BALANCER_ROUTES.end())
    return nullptr;
  for (int t = 0; t < SERVICE_TYPE_COUNT; ++t) {
    std::string prefix = std::string("/api/") + service_type_name(static_cast<ServiceType>(t));
    if (path != prefix && path.compare(0, prefix.size() + 1, prefix + "/") != 0)
      continue;
    const auto* endpoints_ptr = model ? &model->services[t].endpoints : nullptr;
    if (!endpoints_ptr || endpoints_ptr->empty()) // the model's own errors are reported already
      return nullptr;
    const auto& endpoints = *endpoints_ptr;
    std::vector<const EndpointModel*> matches;
    std::string known;
    for (const auto& e : endpoints) {
      known += (known.empty() ? "" : ", ") + e.path;
      if (path_matches(path, e.path))
        matches.push_back(&e);
    }
    if (matches.empty()) {
      checker.error(pointer, "expected an endpoint of the model (" + known + "), got " + quote_value(value));
      return nullptr;
    }
    for (const auto* e : matches)
      if (methods_overlap(e->method, method))
        return e;
    checker.warning(pointer, "no endpoint of the model answers " + method + " " + path +
                                 ": every request gets 404 from the instance");
    return nullptr;
  }
  checker.error(pointer, "expected a path starting with /api/auth/, /api/data/ or /api/compute/, or one of " +
                             join_quoted(BALANCER_ROUTES) + ", got " + quote_value(value));
  return nullptr;
}

} // namespace

std::vector<WorkloadPhase> read_workloads(Checker& checker, const json& root, const Model* model)
{
  std::vector<WorkloadPhase> phases;
  const std::string pointer = "/workloads";
  auto it = root.find("workloads");
  if (it == root.end()) {
    checker.missing(pointer, "array of workload phases");
    return phases;
  }
  if (!it->is_array() || it->empty()) {
    checker.error(pointer, "expected non-empty array of workload phases, got " + quote_value(*it));
    return phases;
  }
  bool token_source_before = false; // a signin or signup phase earlier in the list
  for (size_t i = 0; i < it->size(); ++i) {
    const json& w = (*it)[i];
    std::string p = pointer_append(pointer, i);
    if (!checker.object(
            w, p, {"endpoint", "method", "body", "rps", "start_s", "duration_s", "count", "arrivals", "use_token"}))
      continue;
    WorkloadPhase phase;
    if (auto method = checker.choice(w, p, "method", {"GET", "POST"}))
      phase.method = *method;
    const EndpointModel* target = nullptr;
    if (auto endpoint = checker.string(w, p, "endpoint", true)) {
      phase.endpoint = *endpoint;
      target = check_endpoint(checker, w["endpoint"], p + "/endpoint", phase.method, model);
    }
    if (auto body = w.find("body"); body != w.end()) {
      if (body->is_object())
        phase.body = body->dump();
      else if (body->is_string())
        phase.body = body->get<std::string>();
      else
        checker.error(p + "/body", "expected object or string, got " + quote_value(*body));
    }
    if (auto rps = checker.number(w, p, "rps", RPS))
      phase.rps = *rps;
    if (auto start = checker.number(w, p, "start_s", NON_NEGATIVE))
      phase.start_s = *start;
    auto duration = checker.number(w, p, "duration_s", POSITIVE);
    if (auto count = checker.number(w, p, "count", REQUEST_COUNT))
      phase.count = static_cast<uint64_t>(*count);
    if (duration)
      phase.duration_s = *duration;
    else if (phase.count)
      phase.duration_s = static_cast<double>(*phase.count) / phase.rps;
    if (auto arrivals = checker.choice(w, p, "arrivals", {"fixed", "poisson"}))
      phase.arrivals = *arrivals == "poisson" ? Arrivals::POISSON : Arrivals::FIXED;
    if (auto use_token = checker.boolean(w, p, "use_token")) {
      phase.use_token = *use_token;
      if (phase.use_token && !token_source_before && model)
        checker.error(p + "/use_token", "expected an earlier workload phase on a signup or signin endpoint (it "
                                        "obtains the tokens), got true");
    }
    if (target && (target->handler == "signin" || target->handler == "signup"))
      token_source_before = true;
    phases.push_back(phase);
  }
  return phases;
}

std::vector<Fault> read_faults(Checker& checker, const json& root, const Deployment& deployment,
                               const PlatformNames* platform, const std::string& platform_file, double end_s)
{
  static const std::vector<std::pair<std::string, FaultKind>> KINDS = {{"crash", FaultKind::CRASH},
                                                                       {"hang", FaultKind::HANG},
                                                                       {"restart", FaultKind::RESTART},
                                                                       {"host_down", FaultKind::HOST_DOWN},
                                                                       {"link_down", FaultKind::LINK_DOWN},
                                                                       {"partition", FaultKind::PARTITION},
                                                                       {"slow", FaultKind::SLOW},
                                                                       {"error_rate", FaultKind::ERROR_RATE},
                                                                       {"registry_outage", FaultKind::REGISTRY_OUTAGE}};
  std::vector<Fault> faults;
  const std::string pointer = "/faults";
  auto it = root.find("faults");
  if (it == root.end())
    return faults;
  if (!it->is_array()) {
    checker.error(pointer, "expected array of faults, got " + quote_value(*it));
    return faults;
  }
  std::vector<std::string> kind_names;
  for (const auto& k : KINDS)
    kind_names.push_back(k.first);

  auto component_ok = [&](const std::string& name, bool instance_only, bool client_ok) {
    const Component* c = find_component(deployment, name);
    return c && (!instance_only || c->kind == ComponentKind::INSTANCE) &&
           (client_ok || c->kind != ComponentKind::CLIENT);
  };

  for (size_t i = 0; i < it->size(); ++i) {
    const json& f = (*it)[i];
    std::string p = pointer_append(pointer, i);
    if (!f.is_object()) {
      checker.error(p, "expected object, got " + quote_value(f));
      continue;
    }
    Fault fault{};
    auto kind_name = checker.choice(f, p, "kind", kind_names, true);
    std::vector<std::string> keys = {"kind", "target", "at_s"};
    if (kind_name) {
      fault.kind =
          std::find_if(KINDS.begin(), KINDS.end(), [&](const auto& k) { return k.first == *kind_name; })->second;
      if (fault.kind != FaultKind::CRASH && fault.kind != FaultKind::RESTART)
        keys.push_back("until_s");
      if (fault.kind == FaultKind::PARTITION)
        keys.push_back("peers");
      if (fault.kind == FaultKind::SLOW)
        keys.push_back("factor");
      if (fault.kind == FaultKind::ERROR_RATE)
        keys.push_back("share");
      // A key of another kind is a mistake about this kind, not a typo: say so.
      for (const std::string other : {"until_s", "peers", "factor", "share"})
        if (f.contains(other) && std::find(keys.begin(), keys.end(), other) == keys.end())
          checker.error_at_key(pointer_append(p, other), "expected no \"" + other + "\" in a " + *kind_name +
                                                             " fault (keys: " + join_quoted(keys) + "), got " +
                                                             quote_value(f[other]));
      std::vector<std::string> known = keys;
      known.insert(known.end(), {"until_s", "peers", "factor", "share"});
      checker.unknown_keys(f, p, known);
    } else {
      checker.unknown_keys(f, p, {"kind", "target", "at_s", "until_s", "peers", "factor", "share"});
    }

    auto target = checker.string(f, p, "target", true);
    if (target && kind_name) {
      fault.target = *target;
      std::string tp = p + "/target";
      switch (fault.kind) {
      case FaultKind::CRASH:
      case FaultKind::HANG:
      case FaultKind::RESTART:
        if (!component_ok(*target, false, false))
          checker.error(tp, "expected a component name (" + describe_components(deployment, false, false) + "), got " +
                                quote_value(f["target"]));
        break;
      case FaultKind::SLOW:
      case FaultKind::ERROR_RATE:
        if (!component_ok(*target, true, false))
          checker.error(tp, "expected an instance name (" + describe_components(deployment, true, false) + "), got " +
                                quote_value(f["target"]));
        break;
      case FaultKind::PARTITION:
        if (!component_ok(*target, false, true))
          checker.error(tp, "expected a component name (" + describe_components(deployment, false, true) + "), got " +
                                quote_value(f["target"]));
        break;
      case FaultKind::HOST_DOWN:
        if (platform && std::find(platform->hosts.begin(), platform->hosts.end(), *target) == platform->hosts.end())
          checker.error(tp, "expected a host of the platform (" + describe_hosts(platform->hosts) + "), got " +
                                quote_value(f["target"]));
        break;
      case FaultKind::LINK_DOWN:
        // A <cluster> creates links whose names the file does not spell out: only plain links are checked.
        if (target->empty())
          checker.error(tp, "expected a link name, got \"\"");
        else if (platform && !platform->has_cluster &&
                 std::find(platform->links.begin(), platform->links.end(), *target) == platform->links.end())
          checker.warning(tp, "no <link id=\"" + *target + "\"> in " + platform_file +
                                  ": SimGrid will refuse to turn it off");
        break;
      case FaultKind::REGISTRY_OUTAGE:
        if (*target != "service-registry")
          checker.error(tp, "expected \"service-registry\", got " + quote_value(f["target"]));
        break;
      }
    }

    if (kind_name && fault.kind == FaultKind::PARTITION) {
      std::string pp = p + "/peers";
      auto peers = f.find("peers");
      if (peers == f.end()) {
        checker.missing(pp, "non-empty array of component names");
      } else if (!peers->is_array() || peers->empty()) {
        checker.error(pp, "expected non-empty array of component names, got " + quote_value(*peers));
      } else {
        std::set<std::string> seen;
        for (size_t k = 0; k < peers->size(); ++k) {
          std::string kp = pointer_append(pp, k);
          auto peer = checker.string_value((*peers)[k], kp);
          if (!peer)
            continue;
          if (!component_ok(*peer, false, true))
            checker.error(kp, "expected a component name (" + describe_components(deployment, false, true) + "), got " +
                                  quote_value((*peers)[k]));
          else if (target && *peer == *target)
            checker.error(kp, "expected a component other than the target, got " + quote_value((*peers)[k]));
          else if (!seen.insert(*peer).second)
            checker.error(kp, "expected each peer once, got " + quote_value((*peers)[k]) + " again");
          else
            fault.peers.push_back(*peer);
        }
      }
    }

    auto at = checker.number(f, p, "at_s", NON_NEGATIVE, true);
    if (at) {
      fault.at_s = *at;
      if (*at >= end_s)
        checker.error(p + "/at_s",
                      "expected at_s < end_s (" + format_number(end_s) + "), got " + quote_value(f["at_s"]));
    }
    if (std::find(keys.begin(), keys.end(), "until_s") != keys.end()) {
      fault.until_s = checker.number(f, p, "until_s", NON_NEGATIVE);
      if (fault.until_s && at && *fault.until_s <= *at) {
        checker.error(p + "/until_s",
                      "expected until_s > at_s (" + format_number(*at) + "), got " + quote_value(f["until_s"]));
        fault.until_s.reset();
      }
    }
    if (kind_name && fault.kind == FaultKind::SLOW)
      fault.factor = checker.number(f, p, "factor", FACTOR, true).value_or(fault.factor);
    if (kind_name && fault.kind == FaultKind::ERROR_RATE)
      fault.error_share = checker.number(f, p, "share", SHARE, true).value_or(fault.error_share);
    faults.push_back(fault);
  }
  return faults;
}

} // namespace svcsim
