#include "sim/event_loop.hpp"

#include "metrics/recorder.hpp"
#include "policy/thread_rules.hpp"

#include <algorithm>

namespace svcsim
{

namespace sg4 = simgrid::s4u;

// Timers computed as `when - now` can wake a few ulps early (NOTES-simgrid): anything due within this is due.
constexpr double DUE_EPSILON_S = 1e-9;

static CostGroup cost_group(const Component& c)
{
  switch (c.kind) {
  case ComponentKind::REGISTRY:
    return CostGroup::REGISTRY;
  case ComponentKind::LOAD_BALANCER:
    return CostGroup::LOAD_BALANCER;
  case ComponentKind::FAULT_DETECTOR:
    return CostGroup::FAULT_DETECTOR;
  case ComponentKind::INSTANCE:
    return static_cast<CostGroup>(static_cast<int>(CostGroup::AUTH) + static_cast<int>(c.type));
  case ComponentKind::CLIENT:
  case ComponentKind::FAULT_INJECTOR:
  case ComponentKind::KUBERNETES:
    break;
  }
  return CostGroup::CLIENT;
}

EventLoop::EventLoop(World& world, int self)
    : world_(world), self_(self), process_model_(world.scenario().model.process),
      conn_model_(world.scenario().model.connections)
{
  lanes_.reserve(MAX_LANES); // never reallocated: dispatch may add timers while a lane is being read
  const Process& p = world.proc(self);
  // Every process of the system has its thread; with the model's process CPU off, its events cost nothing
  // and only explicit work (bcrypt, endpoints' cpu_flops) occupies it. The operator's fault injector is not
  // a process of the system, nor is Kubernetes' control plane (the kubelet and the endpoints controller run
  // outside the modelled Node processes; their CPU is not the question).
  static const ThreadCosts FREE{};
  if (p.component->kind != ComponentKind::FAULT_INJECTOR && p.component->kind != ComponentKind::KUBERNETES)
    costs_ = process_model_.cpu ? &process_model_.costs[static_cast<int>(cost_group(*p.component))] : &FREE;
  core_speed_ = p.host->get_speed();
  init_timing();
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

void EventLoop::at(double when, uint32_t kind, uint64_t arg, TimerClass cls)
{
  Timer t{when, timer_seq_++, kind, cls, arg};
  note_new_timer(t);
  heap_push(t);
}

void EventLoop::after(double delay, uint32_t kind, uint64_t arg, TimerClass cls)
{
  Timer t{now_ + delay, timer_seq_++, kind, cls, arg};
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

// ---- the thread ----

void EventLoop::dispatch_timer(uint32_t kind, uint64_t arg, bool timer_phase)
{
  if (!timer_live(kind, arg))
    return; // cleared: it costs nothing
  if (cpu_on())
    enqueue(nullptr, kind, arg, timer_phase);
  else
    on_timer(kind, arg);
}

void EventLoop::enqueue(Message* m, uint32_t kind, uint64_t arg, bool timer_phase)
{
  ready_.push_back(Ready{m, kind, timer_phase, arg});
  if (timer_phase)
    ready_timers_++;
  if (m)
    ready_bytes_ += m->bytes;
  world_.recorder().ready_length(self_, now_, ready_.size(), ready_bytes_);
}

// Handles ready events one after the other until one needs CPU time: the thread then waits for a core of
// its host and for the work (World::cpu_run), and end_event() picks up where this left off. The first event after the
// thread was idle pays the wake-up; each turn of the loop first accepts the connections that arrived before it began.
void EventLoop::start_events()
{
  Recorder& rec = world_.recorder();
  ProcessStats& stats = rec.process(self_);
  while (!computing() && !ready_.empty()) {
    if (iteration_left_ == 0)
      begin_turn();
    Ready r = ready_.front();
    ready_.pop_front();
    if (r.timer_phase)
      ready_timers_--;
    double flops = 0;
    // Work found ready at the very moment the last event ended (it waited in the mailbox) is part of the
    // same busy period: no wake-up.
    if (!busy_ && now_ > idle_since_) {
      flops += wake_flops(*costs_, process_model_.wake_cooling_ms / 1000.0, now_ - idle_since_);
      stats.wakeups++;
    }
    busy_ = true;
    if (iteration_left_ == 0) {
      iteration_left_ = ready_.size() + 1;
      if (unaccepted_ > 0) { // libuv accepts until EAGAIN: everything queued on the listening socket
        flops += costs_->accept_flops * static_cast<double>(unaccepted_);
        world_.accepted(self_, unaccepted_);
        unaccepted_ = 0;
      }
    }
    iteration_left_--;
    in_event_ = true;
    event_flops_ = 0;
    event_charge_ = 0;
    if (r.msg) {
      ready_bytes_ -= r.msg->bytes;
      event_flops_ += costs_->recv_flops[r.msg->body.index()];
      answer_arrived(*r.msg);
      on_message(*r.msg);
      world_.recycle(r.msg);
    } else {
      event_flops_ += costs_->timer_flops;
      on_timer(r.kind, r.arg);
    }
    in_event_ = false;
    flops += warmup_factor(process_model_, *costs_, events_handled_) * event_flops_ + event_charge_;
    events_handled_++;
    stats.events++;
    if (flops > 0) {
      job_flops_ = flops;
      job_left_ = flops;
      busy_start_ = now_;
      next_slice();
      return;
    }
    flush_event();
  }
  if (!computing() && ready_.empty()) {
    busy_ = false;
    idle_since_ = now_;
  }
}

// The thread asks its host for a core (sim/world: the host's run queue) for at most one time slice of the
// work left: longer work goes back to the queue after each slice, as the kernel's scheduler does.
void EventLoop::next_slice()
{
  double slice = process_model_.cpu_slice_ms > 0 ? process_model_.cpu_slice_ms / 1000.0 * core_speed_ : job_left_;
  double run = std::min(job_left_, slice);
  job_left_ -= run;
  if (job_left_ < 1e-9 * job_flops_)
    job_left_ = 0;
  busy_until_ = world_.cpu_run(self_, now_, run);
}

void EventLoop::end_event()
{
  world_.recorder().busy_interval(self_, busy_start_, now_, job_flops_ / core_speed_);
  busy_until_ = -1;
  flush_event();
  if (ready_.empty()) {
    busy_ = false;
    idle_since_ = now_;
  }
}

// The event's CPU work is done: what it wrote leaves now, and the timers that follow the work start.
void EventLoop::flush_event()
{
  for (auto& o : outbox_)
    transmit(o.to, o.conn, std::move(o.body), o.bytes, o.new_conn);
  outbox_.clear();
  for (const auto& t : after_work_)
    after(t.delay, t.kind, t.arg, t.cls);
  after_work_.clear();
}

// ---- kill -STOP / -CONT ----

void EventLoop::hang()
{
  hung_ = true;
}

void EventLoop::resume()
{
  hung_ = false;
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
  busy_until_ = -1;
  hung_ = false;
  blocked_ = false;
  resumed_ = sg4::Semaphore::create(0);
  deferred_.clear();
  deferred_free_.clear();
  // A new process: an empty thread (cold code, nothing queued) and no sockets.
  ready_.clear();
  ready_bytes_ = 0;
  ready_timers_ = 0;
  late_.clear();
  outbox_.clear();
  after_work_.clear();
  in_event_ = false;
  busy_ = false;
  idle_since_ = now_;
  events_handled_ = 0;
  iteration_left_ = 0;
  unaccepted_ = 0;
  pools_.clear();
  open_requests_.clear();
  world_.reset_accept_queue(self_);
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
        Deferred d = std::move(deferred_[timer.arg]); // send() may defer again (a dropped SYN): deferred_ can grow
        deferred_free_.push_back(static_cast<uint32_t>(timer.arg));
        send(d.to, d.conn, std::move(d.body), d.bytes);
      } else if (timer.kind == TIMER_SYN_RETRY) {
        retransmit_syn(static_cast<uint32_t>(timer.arg));
      } else {
        timer_due(timer);
      }
    }
    fire_late_timers();
    if (cpu_on() && !computing() && !ready_.empty())
      start_events();
    if (!keep_running())
      break;
    if (computing() && now_ >= busy_until_ - DUE_EPSILON_S) { // a time slice ended
      if (job_left_ > 0)
        next_slice();
      else
        end_event();
      continue;
    }
    next = next_timer(source);
    double timeout = next ? std::max(0.0, next->when - now_) : -1.0;
    if (!late_.empty() && (timeout < 0 || late_.wake_at() - now_ < timeout))
      timeout = std::max(0.0, late_.wake_at() - now_);
    if (computing() && (timeout < 0 || busy_until_ - now_ < timeout))
      timeout = std::max(0.0, busy_until_ - now_);
    ssize_t done = sg4::Activity::wait_any_for(waiting_, timeout);
    now_ = sg4::Engine::get_clock();
    wait_while_hung(); // what arrived while the process was stopped is handled after it resumes
    if (done == 0) {
      Message* m = incoming;
      receive = me.mailbox->get_async<Message>(&incoming);
      waiting_[0] = receive;
      if (m->incarnation != incarnation) { // a message for an earlier life of this process is stale
        world_.recycle(m);
      } else if (cpu_on()) {
        if (m->new_conn)
          unaccepted_++;
        enqueue(m, 0, 0);
      } else {
        if (m->new_conn)
          world_.accepted(self_, 1);
        answer_arrived(*m);
        on_message(*m);
        world_.recycle(m);
      }
    }
  }
  waiting_.clear();
  receive->cancel();
  me.mailbox->set_receiver(nullptr);
}

} // namespace svcsim
