// The round-robin load balancer (SPEC §1): receives ApiRequest (client → balancer) and proxies it as
// ApiRequest to an instance, with retries on other instances; receives Reply, ConnectionReset; sends Reply to
// the client. Discovery (ListRequest → registry) every 15 s and its own health checks (HealthRequest →
// instance) every 20 s decide the pools; failed proxied requests do not count against an instance's health.
#pragma once

#include "actors/lb_mechanisms.hpp"
#include "policy/round_robin.hpp"
#include "sim/event_loop.hpp"

#include <memory>
#include <unordered_map>

namespace svcsim
{

class LoadBalancer : public EventLoop
{
public:
  LoadBalancer(World& world, int self);
  void reset() override;
  template <class F> void for_each_open_connection(F&& f) const
  {
    for (const auto& p : proxies_)
      if (p.active)
        f(p.client, p.client_conn);
  }

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;
  bool timer_live(uint32_t kind, uint64_t arg) const override;

private:
  enum TimerKind : uint32_t {
    FORWARD,
    ATTEMPT_TIMEOUT,
    DISCOVERY,
    DISCOVERY_TIMEOUT,
    HEALTH,
    HEALTH_TIMEOUT,
    BACKOFF,       // the retry policy's wait before a retry (arg: the attempt conn)
    DEADLINE,      // the retry policy's overall deadline (arg: deadline_key)
    OUTLIER_SWEEP, // outlier detection's interval timer
    SERVER_LIST
  };
  static constexpr uint64_t CONTROL_BIT = 1ULL << 63; // conns of discovery and health checks

  struct Proxy {
    bool active = false;
    uint32_t generation = 0; // bumped on every attempt: a late answer to an earlier attempt is ignored
    int client = -1;
    uint64_t client_conn = 0;
    uint64_t request_id = 0;
    int type = 0;
    uint32_t endpoint = 0;
    bool post = false;
    std::shared_ptr<const RequestData> data;
    int tried[8] = {};
    int attempts = 0;
    int instance = -1; // the current attempt's target
    double attempt_start = 0;
    int last_5xx = 0;
    // With the alternative mechanisms on (mech_) only:
    uint32_t serial = 0;      // which request holds the slot (the deadline timer's key)
    bool in_flight = false;   // an attempt is out (not in its back-off or before its first attempt)
    bool holds_retry = false; // holds a place in the retry budget
  };
  struct HealthCheck {
    int instance;
    int type;
  };

  uint64_t attempt_conn(uint32_t slot) const { return (static_cast<uint64_t>(proxies_[slot].generation) << 32) | slot; }
  bool conn_live(uint64_t conn) const; // the attempt `conn` names is still the proxy's current one
  Proxy* from_conn(uint64_t conn);
  void try_attempt(uint32_t slot);
  void attempt_failed(uint32_t slot, int outcome, int status);
  // With mech_: the failed attempt's verdict under the mechanisms (passive health, retry policy).
  void mechanism_attempt_failed(uint32_t slot, int outcome, int status);
  void deadline_fired(uint64_t key);
  uint64_t deadline_key(uint32_t slot) const { return (static_cast<uint64_t>(proxies_[slot].serial) << 32) | slot; }
  void respond(uint32_t slot, int status, int served_by, std::shared_ptr<const std::string> body);
  void answer_locally(const Message& m, const ApiRequest& req);
  void discover();
  void list_fetched(ListReply&& list);
  void apply_discovery(const ListReply& list, const char* source = nullptr);
  void run_health_checks();
  void health_result(uint64_t conn, bool success);
  PoolEntry* pool_entry(int type, int instance);

  // The first attempt's choice without scanning the pool (1,000s of entries at scale): the healthy entries in
  // pool order, rebuilt when a pool or a health flag changes, handed to RoundRobin::pick, the same rule
  // select() applies after its scan.
  int first_choice(int type);
  std::vector<int> healthy_[SERVICE_TYPE_COUNT];
  bool healthy_dirty_[SERVICE_TYPE_COUNT] = {true, true, true};

  const LoadBalancerParams& params_;
  const Model& model_;
  std::unique_ptr<LbMechanisms> mech_; // null unless the model turns a mechanism on
  double attempt_timeout_s_;           // the retry policy's per_try_timeout_s, else attempt_timeout_s
  uint32_t next_serial_ = 0;
  double next_sweep_ = 0;
  std::vector<PoolEntry> pools_[SERVICE_TYPE_COUNT];
  RoundRobin rr_[SERVICE_TYPE_COUNT];
  std::vector<Proxy> proxies_;
  std::vector<uint32_t> free_;
  std::unordered_map<uint64_t, HealthCheck> health_checks_;
  uint64_t next_control_ = 1;
  uint64_t discovery_conn_ = 0;
  uint64_t watch_conn_ = 0; // discovery "kubernetes": the endpoints watch (changes pushed on it)
  ListReply server_list_;   // discovery "registry" with a server-list refresh: the last fetched list
  double next_server_list_ = 0;
  double next_discovery_ = 0;
  double next_health_ = 0;
  uint64_t total_ = 0, success_ = 0, failed_ = 0;
};

} // namespace svcsim
