#include "sim/event_loop.hpp"

#include <algorithm>

namespace svcsim
{

namespace sg4 = simgrid::s4u;

// Timers computed as `when - now` can wake a few ulps early (NOTES-simgrid): anything due within this is due.
constexpr double DUE_EPSILON_S = 1e-9;

EventLoop::EventLoop(World& world, int self) : world_(world), self_(self)
{
  lanes_.reserve(MAX_LANES); // never reallocated: dispatch may add timers while a lane is being read
}

// ---- timers: a heap for arbitrary due times, FIFO lanes for repeated delays ----

void EventLoop::heap_push(const Timer& t)
{
  heap_.push_back(t);
  std::push_heap(heap_.begin(), heap_.end(), [](const Timer& a, const Timer& b) { return b.before(a); });
}

// Called before `t` is stored: the cached next timer stays right unless `t` comes before it.
void EventLoop::note_new_timer(const Timer& t)
{
  if (next_source_ == NEXT_UNKNOWN)
    return;
  if (next_source_ == NEXT_NONE ||
      t.before(next_source_ == -1 ? heap_.front() : lanes_[static_cast<size_t>(next_source_)].front()))
    next_source_ = NEXT_UNKNOWN;
}

void EventLoop::at(double when, uint32_t kind, uint64_t arg)
{
  Timer t{when, timer_seq_++, kind, arg};
  note_new_timer(t);
  heap_push(t);
}

void EventLoop::after(double delay, uint32_t kind, uint64_t arg)
{
  Timer t{now_ + delay, timer_seq_++, kind, arg};
  note_new_timer(t);
  Lane* idle = nullptr;
  for (auto& lane : lanes_) {
    if (lane.delay == delay) {
      lane.timers.push_back(t);
      return;
    }
    if (!idle && lane.empty())
      idle = &lane;
  }
  if (!idle && lanes_.size() < MAX_LANES)
    idle = &lanes_.emplace_back();
  if (idle) { // an idle lane takes the new delay (a FIFO stays sorted only while all its timers share one delay)
    idle->delay = delay;
    idle->timers.push_back(t);
    return;
  }
  heap_push(t);
}

const EventLoop::Timer* EventLoop::next_timer(int& source)
{
  if (next_source_ == NEXT_UNKNOWN) {
    const Timer* best = heap_.empty() ? nullptr : &heap_.front();
    int src = best ? -1 : NEXT_NONE;
    for (size_t i = 0; i < lanes_.size(); i++) {
      const Lane& lane = lanes_[i];
      if (!lane.empty() && (!best || lane.front().before(*best))) {
        best = &lane.front();
        src = static_cast<int>(i);
      }
    }
    next_source_ = src;
  }
  source = next_source_;
  if (source == NEXT_NONE)
    return nullptr;
  return source == -1 ? &heap_.front() : &lanes_[source].front();
}

void EventLoop::pop_timer(int source)
{
  next_source_ = NEXT_UNKNOWN;
  if (source >= 0) {
    lanes_[source].pop();
    return;
  }
  std::pop_heap(heap_.begin(), heap_.end(), [](const Timer& a, const Timer& b) { return b.before(a); });
  heap_.pop_back();
}

void EventLoop::clear_timers()
{
  heap_.clear();
  for (auto& lane : lanes_) {
    lane.timers.clear();
    lane.head = 0;
  }
  next_source_ = NEXT_UNKNOWN;
}

// ---- sending ----

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
    Deferred& d = deferred_[slot];
    d.to = to;
    d.conn = conn;
    d.body = std::move(body);
    d.bytes = bytes;
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

// ---- kill -STOP / -CONT ----

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
  if (!hung_)
    return;
  while (hung_) {
    blocked_ = true;
    resumed_->acquire();
    blocked_ = false;
  }
  now_ = sg4::Engine::get_clock();
}

// ---- the loop ----

void EventLoop::run()
{
  Process& me = world_.proc(self_);
  now_ = sg4::Engine::get_clock();
  clear_timers();
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
  waiting_.clear();
  waiting_.push_back(receive);
  on_start();
  while (keep_running()) {
    wait_while_hung();
    const double t = now_;
    int source;
    const Timer* next;
    while ((next = next_timer(source)) != nullptr && next->when <= t + DUE_EPSILON_S) {
      Timer timer = *next;
      pop_timer(source);
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
    if (exec_) {
      if (waiting_.size() == 1)
        waiting_.push_back(exec_);
      else if (waiting_[1].get() != exec_.get())
        waiting_[1] = exec_;
    } else if (waiting_.size() == 2) {
      waiting_.pop_back();
    }
    next = next_timer(source); // cached: the dispatch loop looked it up
    double timeout = next ? std::max(0.0, next->when - now_) : -1.0;
    ssize_t done = sg4::Activity::wait_any_for(waiting_, timeout);
    now_ = sg4::Engine::get_clock();
    wait_while_hung(); // what arrived while the process was stopped is handled after it resumes
    if (done == 0) {
      Message* m = incoming;
      receive = me.mailbox->get_async<Message>(&incoming);
      waiting_[0] = receive;
      if (m->incarnation == incarnation) // a message for an earlier life of this process is stale
        on_message(*m);
      world_.recycle(m);
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
