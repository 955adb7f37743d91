// The resolved scenario: plain structs with units in field names. scenario_parser.* builds one from
// models/<model>.json merged with the scenario file (and --set overrides); the simulation never sees JSON.
#pragma once

#include "parse/scenario_resilience.hpp"
#include "policy/jitter.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace svcsim
{

enum class ServiceType { AUTH = 0, DATA = 1, COMPUTE = 2 };
constexpr int SERVICE_TYPE_COUNT = 3;
const char* service_type_name(ServiceType t); // "auth", "data", "compute"
std::optional<ServiceType> service_type_from_name(const std::string& name);

// One endpoint of a service type (what the instance does when a request arrives).
struct EndpointModel {
  std::string path;         // "/api/auth/auth-work", "/api/data/:id" (":id" matches one path segment)
  std::string method = "*"; // "GET", "POST" or "*" (both)
  std::string handler;      // "work", "signup", "signin", "verify", "data_get", "data_put", "compute_direct", "health"
  double delay_ms = 0;      // setTimeout-style wait: does not block the instance's thread
  double cpu_flops = 0;     // CPU work on the instance's single thread (shares the host's cores)
  uint64_t response_bytes = 256;
};

struct ServiceModel {
  std::vector<EndpointModel> endpoints;
  double request_overhead_ms = 0; // per request handled (HTTP parsing, framework): a plain delay
  int lb_failure_threshold = 10;  // consecutive failed balancer health checks before the balancer skips it
  ServiceBalancing balancing;     // policy and weights (issue 14); the balancer's default policy when unset
};

struct RegistryParams {
  double heartbeat_interval_s = 10;
  double cleanup_interval_s = 10;
  double heartbeat_timeout_s = 30;
  double call_timeout_s = 5; // every call an instance, balancer or detector makes to the registry
  double request_overhead_ms = 0.2;
  // Eureka's read-only response cache: list answers come from a snapshot of the table taken at the first list
  // call and refreshed at every multiple of this many seconds of the clock (0: answers show the table as is).
  double response_cache_s = 0;
  // Eureka's Lease.renew() sets the last update to now + duration, so a renewed entry expires
  // 2 x heartbeat_timeout_s after its last heartbeat (its documented bug); a registration does not double.
  bool renew_adds_timeout = false;
};

struct LoadBalancerParams {
  bool dynamic_discovery = true;
  double discovery_interval_s = 15;
  double health_check_interval_s = 20;
  double health_check_timeout_s = 5;
  int max_attempts = 3;
  double attempt_timeout_s = 10;
  double request_overhead_ms = 0.5;  // per proxied request, on the way in
  double response_overhead_ms = 0.5; // per proxied answer, on the way out
  LbMechanismParams mechanisms;      // issue 14's policies, passive health, breakers, retry policy: off by default
  bool health_checks = true;         // the balancer's own active health checks (off: only discovery decides)
};

// Where the balancer's pools come from (model "discovery"; docs/designs.md).
enum class DiscoveryKind { REGISTRY, KUBERNETES };

// A Kubernetes readiness probe, run by the kubelet against each pod's GET /health (the pod spec's fields).
struct ReadinessProbe {
  double period_s = 10;       // periodSeconds
  double timeout_s = 1;       // timeoutSeconds
  int failure_threshold = 3;  // failureThreshold: consecutive failures before the pod is not ready
  int success_threshold = 1;  // successThreshold: consecutive successes before it is ready again
  double initial_delay_s = 0; // initialDelaySeconds: no probe before the container has run this long
};

struct DiscoveryParams {
  DiscoveryKind kind = DiscoveryKind::REGISTRY;
  // registry: the balancer copies its last fetched list into its pools every this many seconds, the first
  // time this long after it starts (Ribbon's PollingServerListUpdater); 0: the pools are each list at once.
  double server_list_refresh_s = 0;
  double server_list_initial_delay_s = 1;
  // kubernetes: the kubelet's readiness probes decide each pod's endpoint; the balancer watches the
  // endpoints and sees each change this long after it happened (endpoints controller, kube-proxy sync).
  ReadinessProbe readiness;
  double endpoint_propagation_s = 1;
  // The pod's restartPolicy: "Always" (Kubernetes' default; a Deployment allows nothing else) or "OnFailure" (a
  // crash is a failure) makes the kubelet
  // restart a container whose process exited, the first time at once, then after the crash-loop back-off
  // (initial, doubling, at most max; back to the start after 2 x max without an exit). false: "Never".
  bool restart_always = true;
  double restart_backoff_initial_s = 10;
  double restart_backoff_max_s = 300;
  // From the kubelet's decision to restart to the new process running: the runtime creates and starts the
  // container, Node loads the service (an assumption, not a measurement: see docs/designs.md).
  double container_start_s = 1;
};

struct FaultDetectorParams {
  double check_interval_s = 5;
  double check_timeout_s = 3;
  int failure_threshold = 3;
  double slow_response_s = 1;
};

struct AuthParams {
  std::string jwt_secret = "your-secret-key-change-in-production";
  double jwt_expiry_s = 86400;
  double hash_cpu_flops = 1.1e8; // simulated CPU of one bcrypt hash or compare at cost 10
  int real_bcrypt_cost = 4;      // the real hash computed during the run (cheap; its time is not simulated)
};

struct DatabaseParams {
  double read_ms = 0.2;
  double write_ms = 2.0;
  double busy_timeout_s = 5;
};

struct MessageSizes {
  uint64_t request_bytes = 512;
  uint64_t response_bytes = 512;
  uint64_t control_bytes = 256; // registry calls, health checks
};

struct ClientParams {
  double timeout_s = 60;
  double overhead_ms = 0.0;
};

// What a component's single thread pays (SPEC §1b), in flops on its host (1e6 flops = 1 ms on a 1 Gf core).
// Message kinds are the Body alternatives (sim/messages.hpp), in their order.
constexpr int MESSAGE_KIND_COUNT = 9;
const char* message_kind_name(int kind); // "register", ..., "reset"
struct ThreadCosts {
  double wake_flops = 0;                      // an idle thread woken (epoll, timers, microtasks), once per busy period
  double recv_flops[MESSAGE_KIND_COUNT] = {}; // handling one received message of that kind
  double send_flops[MESSAGE_KIND_COUNT] = {}; // writing one message of that kind
  double timer_flops = 0;                     // one timer callback (setTimeout, setInterval)
  double accept_flops = 0;                    // accepting one connection from the listening socket
  double connect_flops = 0;                   // opening one connection (on top of the send)
  // This kind of process's own JIT warm-up (ProcessModel's when < 0).
  double cold_factor = -1;
  double warmup_events = -1;
};

// Who pays which costs: one group per component kind, instances per service type.
enum class CostGroup { REGISTRY = 0, LOAD_BALANCER, FAULT_DETECTOR, CLIENT, AUTH, DATA, COMPUTE };
constexpr int COST_GROUP_COUNT = 7;
const char* cost_group_name(CostGroup g); // the model file's keys: "registry", "load_balancer", ...

struct ProcessModel {
  bool cpu = false;           // false: components cost no CPU (every process an infinite-capacity delay)
  double wake_cooling_ms = 0; // a wake-up after an idle gap g costs wake_flops * (1 - exp(-g / cooling)); 0: always all
  double cold_factor = 1;     // a fresh process's first event costs this many times its warm cost (JIT not yet done)
  double warmup_events = 1;   // ... and the extra decays as exp(-events handled / warmup_events)
  double cpu_slice_ms = 3;    // work longer than this goes back to the host's run queue after each slice
  ThreadCosts costs[COST_GROUP_COUNT];
};

// Sockets as Linux and Node 20's default HTTP agent keep them (SPEC §1b).
struct ConnectionModel {
  bool keep_alive = true;
  int max_idle_per_destination = 256; // idle sockets an agent keeps per destination (maxFreeSockets)
  double idle_timeout_s = 5;          // an idle socket is closed after this long
  int accept_backlog = 511;           // min(listen backlog, somaxconn); Linux queues one more than this
  std::vector<double> syn_retry_s = {1, 3, 7, 15, 31, 63}; // a dropped SYN is sent again this long after the first
  double syn_give_up_s = 127;                              // after the last retransmission: connect fails
};

// A measured distribution in whole milliseconds (the model file's {"<ms>": count}): bin `ms` holds the
// readings from ms to ms + 1; the counts need not be integers. Empty: no delay at all.
struct HistogramBin {
  int ms;
  double count;
};
using MsHistogram = std::vector<HistogramBin>; // sorted by ms, counts > 0

// How the processes keep time (issue 13; docs/scenario-format.md, "timing"). EXACT: every timer fires at its
// due time, the client sends on its schedule, a thread's ready events run in arrival order, a setInterval tick
// keeps its schedule. NODE: Node 20's event loop: a turn runs its due timers before the I/O that is ready,
// timers fire late by a sample of timer_late_ms, the client sends late by a sample of client_lag_ms, and a
// setInterval tick is due one interval after the previous tick's callback started.
enum class TimingMode { EXACT, NODE };
struct TimingModel {
  TimingMode mode = TimingMode::EXACT;
  MsHistogram timer_late_ms;
  MsHistogram client_lag_ms;
};

// The numbers of SPEC §1, from models/<name>.json (overridable by a scenario's "parameters").
struct Model {
  std::string name = "seed";
  RegistryParams registry;
  LoadBalancerParams load_balancer;
  FaultDetectorParams fault_detector;
  AuthParams auth;
  DatabaseParams database;
  MessageSizes messages;
  ClientParams client;
  ServiceModel services[SERVICE_TYPE_COUNT];
  double health_overhead_ms = 0.1; // answering GET /health
  // Jitter added to each instance's per-request overhead (policy/jitter.hpp; the model's "overhead_jitter",
  // or "overhead_jitter_ms" for an exponential with that mean). Default: none.
  JitterModel overhead_jitter;
  ProcessModel process;
  ConnectionModel connections;
  TimingModel timing;
  DiscoveryParams discovery;
};

// One component of the deployment (a SimGrid actor).
// KUBERNETES: the kubelet and endpoints controller of the "kubernetes" discovery (not a process of the system).
enum class ComponentKind { REGISTRY, INSTANCE, LOAD_BALANCER, FAULT_DETECTOR, CLIENT, FAULT_INJECTOR, KUBERNETES };

struct Component {
  std::string name; // "service-registry", "auth-service-1", "load-balancer", "fault-detector", "client"
  ComponentKind kind;
  ServiceType type = ServiceType::AUTH; // instances only
  int index = 0;                        // 1-based within its type (instances only)
  std::string host;
  std::string address; // "localhost:3001" when the scenario gives addresses; empty otherwise
  double start_s = 0;
  std::string jwt_secret; // auth instances: overrides the model's secret when non-empty
};

// Two components bind one socket when they listen on one port of one machine (the platform host they are
// placed on). The address's host part ("localhost") names an interface of that machine, not the machine, and
// the seed's processes listen on every interface: localhost:3005 on node-0 and on node-5 do not clash.
inline bool same_socket(const Component& a, const Component& b)
{
  if (a.address.empty() || b.address.empty() || a.host != b.host)
    return false;
  return a.address.substr(a.address.rfind(':') + 1) == b.address.substr(b.address.rfind(':') + 1);
}

struct Deployment {
  int instances[SERVICE_TYPE_COUNT] = {3, 3, 3};
  std::vector<Component> components; // registry, instances (auth 1..N, data, compute), balancer, detector, client
};

enum class Arrivals { FIXED, POISSON };

struct WorkloadPhase {
  std::string endpoint; // path sent to the balancer, may hold "{i}" (request index) templates
  std::string method = "GET";
  std::string body; // JSON text template ("{i}" = request index within the phase); empty = none
  double rps = 10;
  double start_s = 20; // absolute simulated time of the first send
  double duration_s = 30;
  Arrivals arrivals = Arrivals::FIXED;
  std::optional<uint64_t> count; // if set: exactly this many requests (overrides duration_s for the count)
  bool use_token = false;        // send "Authorization: Bearer <token of user i>" (flows)
};

enum class FaultKind { CRASH, HANG, RESTART, HOST_DOWN, LINK_DOWN, PARTITION, SLOW, ERROR_RATE, REGISTRY_OUTAGE };
const char* fault_kind_name(FaultKind k);

struct Fault {
  FaultKind kind;
  std::string target;             // component name (or host / link name for HOST_DOWN / LINK_DOWN)
  std::vector<std::string> peers; // PARTITION: the components the target is cut from
  double at_s = 0;
  std::optional<double> until_s; // end of a hang, host/link down, partition, slowness, error rate, outage
  double factor = 1;             // SLOW: work delay multiplier
  double error_share = 0;        // ERROR_RATE: share of answers that are 500
};

struct Scenario {
  std::string name;
  std::string file;          // the scenario file as given
  std::string platform_file; // resolved path
  uint64_t seed = 1;
  std::optional<double> end_s; // simulated end; default: last workload end + client timeout
  Model model;
  Deployment deployment;
  std::vector<WorkloadPhase> workloads;
  std::vector<Fault> faults;
  std::string system_db_path; // empty: <out>/system.sqlite
  std::string resolved_json;  // the merged, resolved scenario (recorded in results.sqlite)
};

} // namespace svcsim
