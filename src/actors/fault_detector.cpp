#include "actors/fault_detector.hpp"

#include "metrics/recorder.hpp"

namespace svcsim
{

FaultDetector::FaultDetector(World& world, int self)
    : EventLoop(world, self), params_(world.scenario().model.fault_detector), model_(world.scenario().model)
{
}

void FaultDetector::reset()
{
  targets_.clear();
  status_.clear();
  checks_.clear();
  list_conn_ = 0;
}

void FaultDetector::on_start()
{
  checking_.assign(world_.processes().size(), 0);
  targets_ = {world_.balancer_id()};
  start_cycle();
  next_cycle_ = now() + params_.check_interval_s;
  interval_at(next_cycle_, CYCLE, 0);
}

void FaultDetector::start_cycle()
{
  if (list_conn_ != 0) { // the registry has not answered the last refresh: check what we know
    run_checks();
    return;
  }
  list_conn_ = next_conn_++;
  send(world_.registry_id(), list_conn_, ListRequest{false}, model_.messages.control_bytes);
  set_timeout(model_.registry.call_timeout_s, LIST_TIMEOUT, list_conn_);
}

void FaultDetector::run_checks()
{
  for (int target : targets_) {
    if (checking_[target])
      continue;
    uint64_t conn = next_conn_++;
    checks_[conn] = Check{target, now()};
    checking_[target] = 1;
    send(target, conn, HealthRequest{}, model_.messages.control_bytes);
    set_timeout(params_.check_timeout_s, CHECK_TIMEOUT, conn);
  }
}

void FaultDetector::check_result(uint64_t conn, bool success)
{
  auto it = checks_.find(conn);
  if (it == checks_.end())
    return;
  Check c = it->second;
  checks_.erase(it);
  checking_[c.target] = 0;
  Recorder& rec = world_.recorder();
  if (success && now() - c.started > params_.slow_response_s)
    rec.event(now(), self_, "alert.SLOW_RESPONSE", c.target);
  switch (status_[c.target].record(success, params_.failure_threshold)) {
  case DetectorStatus::Transition::NONE:
    break;
  case DetectorStatus::Transition::BECAME_HEALTHY:
    rec.event(now(), self_, "detector.healthy", c.target);
    break;
  case DetectorStatus::Transition::RECOVERED:
    rec.event(now(), self_, "detector.healthy", c.target);
    rec.event(now(), self_, "alert.SERVICE_RECOVERED", c.target);
    break;
  case DetectorStatus::Transition::WENT_DOWN:
    rec.event(now(), self_, "detector.unhealthy", c.target);
    rec.event(now(), self_, "alert.SERVICE_DOWN", c.target);
    break;
  }
}

void FaultDetector::on_message(Message& m)
{
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, ListReply>) {
          if (m.conn != list_conn_)
            return;
          list_conn_ = 0;
          targets_ = {world_.balancer_id()};
          targets_.insert(targets_.end(), body.instances.begin(), body.instances.end());
          run_checks();
        } else if constexpr (std::is_same_v<T, Reply>) {
          check_result(m.conn, body.status == 200);
        } else if constexpr (std::is_same_v<T, ConnectionReset>) {
          check_result(m.conn, false);
        } else if constexpr (std::is_same_v<T, HealthRequest>) {
          send_later(0, m.from, m.conn, Reply{200}, model_.messages.control_bytes);
        } else if constexpr (std::is_same_v<T, ApiRequest>) {
          send_later(0, m.from, m.conn, Reply{404}, model_.messages.control_bytes);
        } else if constexpr (std::is_same_v<T, RegisterRequest> || std::is_same_v<T, HeartbeatRequest> ||
                             std::is_same_v<T, DeregisterRequest> || std::is_same_v<T, ListRequest>) {
          world_.recorder().event(now(), self_, "protocol.unexpected", m.from,
                                  "fault-detector: unexpected registry call");
        } else {
          static_assert(ALWAYS_FALSE<T>, "fault detector: unhandled message");
        }
      },
      m.body);
}

bool FaultDetector::timer_live(uint32_t kind, uint64_t arg) const
{
  if (kind == LIST_TIMEOUT)
    return arg == list_conn_;
  if (kind == CHECK_TIMEOUT)
    return checks_.count(arg) > 0;
  return true;
}

void FaultDetector::on_timer(uint32_t kind, uint64_t arg)
{
  switch (kind) {
  case CYCLE:
    start_cycle();
    next_cycle_ = next_tick(next_cycle_, params_.check_interval_s);
    interval_at(next_cycle_, CYCLE, 0);
    break;
  case LIST_TIMEOUT:
    if (arg == list_conn_) {
      close_connection(arg);
      list_conn_ = 0;
      run_checks();
    }
    break;
  case CHECK_TIMEOUT:
    close_connection(arg);
    check_result(arg, false);
    break;
  case TIMER_REFUSED:
    if (arg == list_conn_) {
      list_conn_ = 0;
      run_checks();
    } else {
      check_result(arg, false);
    }
    break;
  default:
    break;
  }
}

} // namespace svcsim
