#include "sim/event_loop.hpp"

namespace svcsim {

namespace sg4 = simgrid::s4u;

// Timers computed as `when - now` can wake a few ulps early (NOTES-simgrid): anything due within this is due.
constexpr double DUE_EPSILON_S = 1e-9;

EventLoop::EventLoop(World& world, int self) : world_(world), self_(self) {}

void EventLoop::at(double when, uint32_t kind, uint64_t arg)
{
  timers_.push(Timer{when, timer_seq_++, kind, arg});
}

SendResult EventLoop::send(int to, uint64_t conn, Body&& body, uint64_t bytes)
{
  SendResult r = world_.send(self_, to, conn, std::move(body), bytes);
  if (r == SendResult::REFUSED)
    after(world_.round_trip(self_, to), TIMER_REFUSED, conn);
  return r;
}

void EventLoop::send_later(double delay, int to, uint64_t conn, Body&& body, uint64_t bytes)
{
  uint32_t slot;
  if (!deferred_free_.empty()) {
    slot = deferred_free_.back();
    deferred_free_.pop_back();
    deferred_[slot] = Deferred{to, conn, std::move(body), bytes};
  } else {
    slot = static_cast<uint32_t>(deferred_.size());
    deferred_.push_back(Deferred{to, conn, std::move(body), bytes});
  }
  after(delay, TIMER_SEND, slot);
}

void EventLoop::start_exec(double flops)
{
  exec_ = sg4::this_actor::exec_init(flops);
  exec_->start();
}

void EventLoop::hang()
{
  hung_ = true;
  if (exec_)
    exec_->suspend();
}

void EventLoop::resume()
{
  hung_ = false;
  if (exec_)
    exec_->resume();
  if (blocked_)
    resumed_->release();
}

void EventLoop::wait_while_hung()
{
  while (hung_) {
    blocked_ = true;
    resumed_->acquire();
    blocked_ = false;
  }
}

void EventLoop::run()
{
  Process& me = world_.proc(self_);
  timers_ = {};
  exec_ = nullptr;
  hung_ = false;
  blocked_ = false;
  resumed_ = sg4::Semaphore::create(0);
  deferred_.clear();
  deferred_free_.clear();
  me.mailbox->set_receiver(sg4::Actor::self());
  const uint32_t incarnation = me.incarnation;
  Message* incoming = nullptr;
  sg4::CommPtr receive = me.mailbox->get_async<Message>(&incoming);
  on_start();
  while (keep_running()) {
    wait_while_hung();
    double t = now();
    while (!timers_.empty() && timers_.top().when <= t + DUE_EPSILON_S) {
      Timer timer = timers_.top();
      timers_.pop();
      if (timer.kind == TIMER_SEND) {
        Deferred& d = deferred_[timer.arg];
        send(d.to, d.conn, std::move(d.body), d.bytes);
        deferred_free_.push_back(static_cast<uint32_t>(timer.arg));
      } else {
        on_timer(timer.kind, timer.arg);
      }
    }
    if (!keep_running())
      break;
    waiting_.clear();
    waiting_.push_back(receive);
    if (exec_)
      waiting_.push_back(exec_);
    double timeout = timers_.empty() ? -1.0 : std::max(0.0, timers_.top().when - now());
    ssize_t done = sg4::Activity::wait_any_for(waiting_, timeout);
    wait_while_hung(); // what arrived while the process was stopped is handled after it resumes
    if (done == 0) {
      Message* m = incoming;
      receive = me.mailbox->get_async<Message>(&incoming);
      if (m->incarnation == incarnation) // a message for an earlier life of this process is stale
        on_message(*m);
      delete m;
    } else if (done == 1 && exec_) {
      exec_ = nullptr;
      on_exec_done();
    }
  }
  waiting_.clear();
  receive->cancel();
  me.mailbox->set_receiver(nullptr);
}

} // namespace svcsim
