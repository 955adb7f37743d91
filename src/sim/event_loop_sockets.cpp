// The sockets of an event-loop actor (SPEC §1b): keep-alive pools per destination, handshakes through the
// receiver's accept queue with SYN retransmissions, and the application's sends, which leave when the
// event that wrote them has had its CPU. The thread itself is in event_loop.cpp.
#include "sim/event_loop.hpp"

#include "metrics/recorder.hpp"
#include "policy/thread_rules.hpp"

namespace svcsim
{

// ---- sockets: the kernel's side ----

uint32_t EventLoop::defer(int to, uint64_t conn, Body&& body, uint64_t bytes)
{
  uint32_t slot;
  if (!deferred_free_.empty()) {
    slot = deferred_free_.back();
    deferred_free_.pop_back();
    Deferred& d = deferred_[slot];
    d.to = to;
    d.conn = conn;
    d.body = std::move(body);
    d.bytes = bytes;
    d.retry = 0;
    d.cancelled = false;
  } else {
    slot = static_cast<uint32_t>(deferred_.size());
    deferred_.push_back(Deferred{to, conn, std::move(body), bytes});
  }
  return slot;
}

void EventLoop::transmit(int to, uint64_t conn, Body&& body, uint64_t bytes, bool new_conn)
{
  switch (world_.send(self_, to, conn, std::move(body), bytes, new_conn)) {
  case SendResult::REFUSED:
    after(world_.round_trip(self_, to), TIMER_REFUSED, conn);
    break;
  case SendResult::SYN_DROPPED: { // the body was not taken: keep it for the retransmissions
    uint32_t slot = defer(to, conn, std::move(body), bytes);
    deferred_[slot].first_syn = now_;
    auto it = open_requests_.find(conn);
    if (it != open_requests_.end())
      it->second.handshake = static_cast<int32_t>(slot);
    at(now_ + *syn_retry_after(conn_model_, 0), TIMER_SYN_RETRY, slot);
    break;
  }
  case SendResult::SENT:
  case SendResult::DROPPED:
    break;
  }
}

void EventLoop::retransmit_syn(uint32_t slot)
{
  Deferred& d = deferred_[slot];
  if (d.cancelled) { // the requester gave up meanwhile: the socket is closed, the kernel stops trying
    d.body.emplace<ConnectionReset>();
    deferred_free_.push_back(slot);
    return;
  }
  world_.recorder().process(self_).syn_retransmits++;
  SendResult r = world_.send(self_, d.to, d.conn, std::move(d.body), d.bytes, true);
  if (r == SendResult::SYN_DROPPED) {
    d.retry++;
    if (auto next = syn_retry_after(conn_model_, d.retry)) {
      at(d.first_syn + *next, TIMER_SYN_RETRY, slot);
      return;
    }
    at(d.first_syn + conn_model_.syn_give_up_s, TIMER_REFUSED, d.conn); // connect() fails: ETIMEDOUT
  } else if (r == SendResult::REFUSED) {
    after(world_.round_trip(self_, d.to), TIMER_REFUSED, d.conn);
  }
  auto it = open_requests_.find(d.conn);
  if (it != open_requests_.end())
    it->second.handshake = -1;
  d.body.emplace<ConnectionReset>();
  deferred_free_.push_back(slot);
}

bool EventLoop::take_connection(int to, uint64_t conn)
{
  Pool& pool = pools_[to];
  // Both sides close a socket that stayed idle for the keep-alive timeout.
  while (!pool.idle_since.empty() && now_ - pool.idle_since.front() >= conn_model_.idle_timeout_s)
    pool.idle_since.pop_front();
  bool fresh = !conn_model_.keep_alive || pool.idle_since.empty();
  if (fresh)
    world_.recorder().process(self_).connections_opened++;
  else
    pool.idle_since.pop_back(); // the most recently used idle socket (Node's agent: scheduling 'lifo')
  open_requests_[conn] = OpenRequest{to, -1};
  return fresh;
}

void EventLoop::answer_arrived(const Message& m)
{
  auto it = open_requests_.find(m.conn);
  if (it == open_requests_.end() || it->second.to != m.from)
    return; // an answer on a socket this side already destroyed
  open_requests_.erase(it);
  if (!conn_model_.keep_alive || std::holds_alternative<ConnectionReset>(m.body))
    return;
  Pool& pool = pools_[m.from];
  if (pool.idle_since.size() < static_cast<size_t>(conn_model_.max_idle_per_destination))
    pool.idle_since.push_back(now_); // kept for the next request; beyond maxFreeSockets it is closed
}

void EventLoop::close_connection(uint64_t conn)
{
  auto it = open_requests_.find(conn);
  if (it == open_requests_.end())
    return;
  if (it->second.handshake >= 0)
    deferred_[static_cast<size_t>(it->second.handshake)].cancelled = true;
  open_requests_.erase(it);
}

// ---- sending: the application's side ----

void EventLoop::send(int to, uint64_t conn, Body&& body, uint64_t bytes)
{
  bool new_conn = is_request(body) && take_connection(to, conn);
  if (!in_event_) {
    transmit(to, conn, std::move(body), bytes, new_conn);
    return;
  }
  event_flops_ += costs_->send_flops[body.index()] + (new_conn ? costs_->connect_flops : 0);
  outbox_.push_back(Outgoing{to, conn, std::move(body), bytes, new_conn});
}

void EventLoop::send_later(double delay, int to, uint64_t conn, Body&& body, uint64_t bytes)
{
  if (in_event_)
    event_flops_ += costs_->send_flops[body.index()];
  after_event(delay, TIMER_SEND, defer(to, conn, std::move(body), bytes), TimerClass::EXACT);
}

void EventLoop::after_event(double delay, uint32_t kind, uint64_t arg, TimerClass cls)
{
  if (in_event_)
    after_work_.push_back(PendingTimer{delay, kind, cls, arg});
  else
    after(delay, kind, arg, cls);
}

void EventLoop::after_work(double delay, uint32_t kind, uint64_t arg, TimerClass cls)
{
  after_event(delay, kind, arg, cls);
}

void EventLoop::charge(double flops)
{
  if (in_event_)
    event_charge_ += flops;
}

} // namespace svcsim
