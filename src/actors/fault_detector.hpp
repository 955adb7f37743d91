// The fault detector (SPEC §1): every check_interval_s it refreshes its list from the registry
// (ListRequest → ListReply), then checks /health (HealthRequest → Reply) of the balancer and of every listed
// instance, healthy or not. 3 consecutive failures → unhealthy + SERVICE_DOWN; one success → healthy
// (+ SERVICE_RECOVERED); a check slower than slow_response_s → SLOW_RESPONSE.
#pragma once

#include "policy/service_table.hpp"
#include "sim/event_loop.hpp"

#include <map>
#include <unordered_map>

namespace svcsim
{

class FaultDetector : public EventLoop
{
public:
  FaultDetector(World& world, int self);
  void reset() override;

protected:
  void on_start() override;
  void on_message(Message& m) override;
  void on_timer(uint32_t kind, uint64_t arg) override;
  bool timer_live(uint32_t kind, uint64_t arg) const override;

private:
  enum TimerKind : uint32_t { CYCLE, LIST_TIMEOUT, CHECK_TIMEOUT };
  struct Check {
    int target;
    double started;
  };
  void start_cycle();
  void run_checks();
  void check_result(uint64_t conn, bool success);

  const FaultDetectorParams& params_;
  const Model& model_;
  std::vector<int> targets_;                   // balancer first, then the registry's list in order
  std::map<int, DetectorStatus> status_;       // ordered: deterministic iteration
  std::unordered_map<uint64_t, Check> checks_; // outstanding checks by conn
  std::vector<char> checking_;                 // by component id: a check is outstanding
  uint64_t next_conn_ = 1;
  uint64_t list_conn_ = 0;
  double next_cycle_ = 0;
};

} // namespace svcsim
