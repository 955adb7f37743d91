// The load-test client (SPEC §1, the seed's load-test.js): open loop, request i of a phase sent at
// start + i/rps (or Poisson arrivals from a seeded stream); ApiRequest → balancer, Reply back; a request
// not answered within the client timeout fails. Not a daemon: the run ends when its last request has ended
// and the scenario's end time is reached.
#pragma once

#include "metrics/recorder.hpp"
#include "sim/event_loop.hpp"
#include "sim/rng.hpp"

#include <memory>
#include <unordered_map>

namespace svcsim
{

class Client : public EventLoop
{
public:
  Client(World& world, int self);

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;
  bool timer_live(uint32_t kind, uint64_t arg) const override;
  bool keep_running() const override;

private:
  enum TimerKind : uint32_t { SEND, TIMEOUT, END };
  struct Phase {
    const WorkloadPhase* spec;
    uint32_t endpoint;    // World endpoint index (of the template path)
    bool templated;       // path or body holds "{i}", or a token is sent: each request has its own data
    bool collects_tokens; // answers carry tokens to keep for later phases
    uint64_t sent = 0;
    uint64_t total; // fixed arrivals: how many; Poisson: until the phase's end time
    double next_at;
    std::unique_ptr<RandomStream> arrivals;
    bool done = false;
  };
  void send_next(uint32_t phase);
  // Sets the send timer of a request due at `due`: with node timing the client sends late by its measured lag.
  void schedule_send(double due, uint32_t phase);
  void finish(uint64_t request, int status, Outcome outcome, int instance);

  std::vector<Phase> phases_;
  std::vector<std::string> tokens_;                    // by request index within a phase (flows)
  std::unordered_map<uint64_t, uint64_t> token_index_; // request id → index within its phase (token phases)
  uint64_t phases_open_ = 0;
  double end_s_ = 0;
  bool end_reached_ = false;
  double timeout_s_;
  MsSampler lag_; // empty: sends leave on schedule
  std::unique_ptr<RandomStream> lag_stream_;
};

} // namespace svcsim
