// One auth / data / compute instance (a Node process): receives ApiRequest and HealthRequest, sends Reply;
// registers with the registry and heartbeats (RegisterRequest, HeartbeatRequest → Reply). Single-threaded:
// CPU work (endpoint flops, password hashing) is charged to the event that does it (sim/event_loop);
// waiting (setTimeout, database, network) does not block it.
#pragma once

#include "services/status_bodies.hpp"
#include "sim/event_loop.hpp"
#include "sim/rng.hpp"

#include <memory>

namespace svcsim
{

class SystemDb;
struct SharedServices;

class ServiceInstance : public EventLoop
{
public:
  ServiceInstance(World& world, int self, SharedServices& shared);
  void reset() override;

  // Process-level knobs the fault injector turns (the truth of the fault, not anyone's observation).
  void set_slow_factor(double f) { slow_factor_ = f; }
  void set_error_share(double s) { error_share_ = s; }
  // The kernel's view of this process's open inbound connections (peer, conn), for RSTs at a crash.
  template <class F> void for_each_open_connection(F&& f) const
  {
    for (const auto& r : inflight_)
      if (r.active)
        f(r.from, r.conn);
  }

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;
  bool timer_live(uint32_t kind, uint64_t arg) const override;

private:
  enum TimerKind : uint32_t { HEARTBEAT, CALL_TIMEOUT, REPLY };
  struct Inflight {
    bool active = false;
    int from = -1;
    uint64_t conn = 0;
    uint32_t generation = 0;
    const EndpointModel* endpoint = nullptr;
    std::shared_ptr<const RequestData> data;
    bool health = false;
    double extra_s = 0; // latency off the thread, added to the answer
    int status = 200;
    std::shared_ptr<const std::string> body;
  };
  uint64_t token(uint32_t slot) const { return (static_cast<uint64_t>(inflight_[slot].generation) << 32) | slot; }
  Inflight* from_token(uint64_t arg);
  uint32_t open_slot(const Message& m);
  const EndpointModel* match_endpoint(uint32_t endpoint_index, const RequestData* data);
  void handle(uint32_t slot);
  void reply(uint32_t slot);
  void call_registry(Body&& body);
  void seed_default_data();

  SharedServices& shared_;
  const ServiceModel& model_;
  const Model& global_;
  RandomStream jitter_;
  RandomStream errors_;
  RandomStream salts_;
  const Component& me_;
  StatusBodies bodies_;
  double started_at_s_ = 0; // this process's start (a restart starts again): /health's uptime
  std::vector<Inflight> inflight_;
  std::vector<uint32_t> free_;
  std::vector<int> endpoint_cache_; // World endpoint index → model endpoint (-1 none, -2 not looked up)
  bool registered_ = false;
  uint64_t next_conn_ = 1;
  uint64_t registry_conn_ = 0; // the outstanding registry call (0 = none)
  bool registry_call_is_heartbeat_ = false;
  double next_heartbeat_ = 0;
  double slow_factor_ = 1;
  double error_share_ = 0;
};

} // namespace svcsim
