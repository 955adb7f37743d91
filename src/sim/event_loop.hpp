// One event-loop actor per component (NOTES-simgrid: the design that scales): a permanent-receiver
// mailbox with one pending receive and the component's own timers. With the model's process CPU on
// (SPEC §1b) every component is a Node process: one thread that pays CPU, on its host's cores, for every
// event it handles (a message received, a timer fired) and every message it sends; events that become
// ready while it is busy wait their turn; waking an idle thread costs extra, once per busy period. The
// loop also keeps the process's sockets: keep-alive pools per destination and the accepting side of its
// listening socket (event_loop_sockets.cpp). Time is kept as the model's "timing" says (issue 13): exact, or
// as Node 20's loop keeps it (due timers before ready I/O, timers late, setInterval from the callback's
// start; policy/loop_timing.hpp). The subclasses hold the seed's logic only.
#pragma once

#include "policy/loop_timing.hpp"
#include "sim/messages.hpp"
#include "sim/rng.hpp"
#include "sim/world.hpp"

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace svcsim
{

class EventLoop
{
public:
  EventLoop(World& world, int self);
  virtual ~EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The actor's body: runs until the simulation ends or the process is killed.
  void run();
  // Called by the process owner before a (re)start: forget everything (a new process starts empty).
  virtual void reset() {}

  // kill -STOP / kill -CONT: nothing inside runs while hung (no timers, no messages, the CPU work stops);
  // messages queue in the mailbox and overdue timers fire at once on resume.
  void hang();
  void resume();

  int id() const { return self_; }
  const std::string& name() const { return world_.proc(self_).component->name; }

protected:
  // Reserved timer kinds, handled by the loop.
  static constexpr uint32_t TIMER_REFUSED = 0xFFFFFFFF;   // a connection this actor opened failed (arg = conn)
  static constexpr uint32_t TIMER_SEND = 0xFFFFFFFE;      // kernel: a deferred send is due
  static constexpr uint32_t TIMER_SYN_RETRY = 0xFFFFFFFD; // kernel: a dropped SYN is sent again

  virtual void on_start() = 0;
  virtual void on_message(Message& m) = 0;
  virtual void on_timer(uint32_t kind, uint64_t arg) = 0;
  // Whether a due timer still has work to do. A timer whose reason is gone (the answer came first) is
  // cleared, as clearTimeout does: it costs the thread nothing.
  virtual bool timer_live(uint32_t /*kind*/, uint64_t /*arg*/) const { return true; }
  // Returns false when the loop should end (non-daemon actors that finished their work).
  virtual bool keep_running() const { return true; }

  // How a timer keeps time with node timing (in exact timing every timer fires when due, in arrival order).
  enum class TimerClass : uint8_t {
    EXACT,    // a delay of the model or the kernel (a deferred send, a refusal, a database wait): fires when
              // due and runs with the I/O
    NODE,     // the process's setTimeout / setInterval: fires late (timer_late_ms), in the timers phase
    SCHEDULED // a timer whose lateness is already in its due time (the client's sends): the timers phase
  };

  // The simulated clock as of the start of the event being handled (Node's cached loop time).
  double now() const { return now_; }
  void at(double when, uint32_t kind, uint64_t arg, TimerClass cls = TimerClass::EXACT);
  // A timer `delay` from now. Timers with the same delay are due in the order they were set, so they go to a
  // FIFO lane (O(1)) instead of the heap; the dispatch order is the same: by due time, then by creation.
  void after(double delay, uint32_t kind, uint64_t arg, TimerClass cls = TimerClass::EXACT);
  // Node's setTimeout(callback, delay).
  void set_timeout(double delay, uint32_t kind, uint64_t arg) { after(delay, kind, arg, TimerClass::NODE); }
  // The next run of a setInterval, due at `when` (from next_tick).
  void interval_at(double when, uint32_t kind, uint64_t arg) { at(when, kind, arg, TimerClass::NODE); }
  // A timer `delay` after the CPU work of the event being handled ends (work that follows a synchronous
  // computation, such as a database write after a bcrypt hash).
  void after_work(double delay, uint32_t kind, uint64_t arg, TimerClass cls = TimerClass::EXACT);
  // Sends when the event's CPU work ends; a refusal comes back as TIMER_REFUSED after one round trip.
  // A request takes an idle keep-alive connection to `to` or opens one.
  void send(int to, uint64_t conn, Body&& body, uint64_t bytes);
  // Sends after a local delay that does not occupy the thread; the message is built now.
  void send_later(double delay, int to, uint64_t conn, Body&& body, uint64_t bytes);
  // The requester gave up on the request it sent on `conn` (its timeout): the socket is destroyed, a
  // handshake still being retried is abandoned.
  void close_connection(uint64_t conn);
  // Extra CPU for the event being handled (bcrypt, an endpoint's cpu_flops): native work, its cost does not
  // depend on the JIT's warm-up.
  void charge(double flops);
  // setInterval's next tick. Exact timing: one interval after this one was due; a tick that fired late (the
  // process was stopped) moves the schedule to now + interval. Node timing, as Node 20's timers do
  // (lib/internal/timers.js: `start = getLibuvNow()` before the callback, `insert(timer, repeat, start)`
  // after it): one interval after this callback started, so each tick's lateness carries over to the next.
  double next_tick(double scheduled, double interval) const
  {
    double t = now();
    if (node_timing_)
      return t + interval;
    return (t - scheduled > 1e-6 ? t : scheduled) + interval;
  }
  bool node_timing() const { return node_timing_; }

  World& world_;
  const int self_;

private:
  struct Timer {
    double when;
    uint64_t seq;
    uint32_t kind;
    TimerClass cls;
    uint64_t arg;
    bool before(const Timer& o) const { return when != o.when ? when < o.when : seq < o.seq; }
  };
  // A FIFO of timers that all have the same delay (due times never decrease along it): a vector read from
  // `head`, compacted now and then.
  struct Lane {
    double delay = 0;
    std::vector<Timer> timers;
    size_t head = 0;
    bool empty() const { return head == timers.size(); }
    const Timer& front() const { return timers[head]; }
    void pop()
    {
      if (++head == timers.size()) {
        timers.clear();
        head = 0;
      } else if (head >= 4096 && head * 2 >= timers.size()) {
        timers.erase(timers.begin(), timers.begin() + static_cast<long>(head));
        head = 0;
      }
    }
  };
  static constexpr size_t MAX_LANES = 2;
  // A message waiting for the kernel: a deferred send, or a request whose SYN was dropped.
  struct Deferred {
    int to;
    uint64_t conn;
    Body body;
    uint64_t bytes;
    double first_syn = 0;
    uint32_t retry = 0;
    bool cancelled = false;
  };
  // An event ready for the thread: a message, or a due timer (msg null); `timer_phase`: a Node timer (node
  // timing runs it before the I/O that is ready when its turn begins).
  struct Ready {
    Message* msg;
    uint32_t kind;
    bool timer_phase;
    uint64_t arg;
  };
  struct Outgoing {
    int to;
    uint64_t conn;
    Body body;
    uint64_t bytes;
    bool new_conn;
  };
  struct PendingTimer {
    double delay;
    uint32_t kind;
    TimerClass cls;
    uint64_t arg;
  };
  // Idle keep-alive sockets to one destination, by the time each became idle (newest last: reused first).
  struct Pool {
    std::deque<double> idle_since;
  };
  // A request this process sent and has not had an answer to: on the connection it holds, or still in its
  // handshake (deferred slot >= 0).
  struct OpenRequest {
    int to;
    int32_t handshake;
  };

  // The earliest timer (heap top or a lane front), or null; `source` is -1 for the heap, else the lane.
  // Cached until a timer is added before it or one is removed.
  const Timer* next_timer(int& source);
  void pop_timer(int source);
  void note_new_timer(const Timer& t);
  void heap_push(const Timer& t);
  void clear_timers();
  uint32_t defer(int to, uint64_t conn, Body&& body, uint64_t bytes);

  // The kernel's side: puts a message on the wire now (connection choice, handshake, refusal).
  void transmit(int to, uint64_t conn, Body&& body, uint64_t bytes, bool new_conn);
  void retransmit_syn(uint32_t slot);
  // A request's socket: an idle keep-alive one to `to`, or a new one (true).
  bool take_connection(int to, uint64_t conn);
  void answer_arrived(const Message& m);
  void after_event(double delay, uint32_t kind, uint64_t arg, TimerClass cls);
  // The thread: events ready, the one being handled, its CPU work on a core of the host.
  bool cpu_on() const { return costs_ != nullptr; }
  void dispatch_timer(uint32_t kind, uint64_t arg, bool timer_phase);
  void enqueue(Message* m, uint32_t kind, uint64_t arg, bool timer_phase = false);
  void start_events();
  void end_event();
  void flush_event();

  std::vector<Deferred> deferred_;
  std::vector<uint32_t> deferred_free_;
  std::vector<Timer> heap_; // binary min-heap on (when, seq)
  std::vector<Lane> lanes_;
  uint64_t timer_seq_ = 0;
  static constexpr int NEXT_UNKNOWN = -2, NEXT_NONE = -3;
  int next_source_ = NEXT_UNKNOWN; // the cached answer of next_timer
  double now_ = 0;
  void wait_while_hung();
  simgrid::s4u::SemaphorePtr resumed_;
  bool hung_ = false;
  bool blocked_ = false;
  std::vector<simgrid::s4u::ActivityPtr> waiting_; // the pending receive

  const ThreadCosts* costs_ = nullptr; // null: no thread (the fault injector: every event handled at once)
  const ProcessModel& process_model_;
  const ConnectionModel& conn_model_;
  double core_speed_ = 1e9;
  std::deque<Ready> ready_;
  uint64_t ready_bytes_ = 0;
  std::vector<Outgoing> outbox_;
  std::vector<PendingTimer> after_work_;
  bool in_event_ = false;
  bool busy_ = false;       // in a busy period: an event is being handled or more are ready
  double busy_start_ = 0;   // when the event being handled started
  double idle_since_ = 0;   // when the thread last ran out of work
  double event_flops_ = 0;  // the event being handled: costs that scale with warm-up
  double event_charge_ = 0; // ... and native work
  double job_flops_ = 0;    // the CPU work of the event being handled
  double job_left_ = 0;     // ... not yet given a core
  double busy_until_ = -1;  // the end of the current time slice on a core; < 0: not computing
  bool computing() const { return busy_until_ >= 0; }
  void next_slice();
  uint64_t events_handled_ = 0;
  size_t iteration_left_ = 0; // events left in this turn of the loop (those ready when it began)
  uint64_t unaccepted_ = 0;   // connections that arrived and wait for the listening socket's turn
  std::unordered_map<int, Pool> pools_;
  std::unordered_map<uint64_t, OpenRequest> open_requests_;

  // Node timing (event_loop_timing.cpp).
  bool node_timing_ = false;
  MsSampler timer_late_;                      // empty: Node timers fire when due
  std::unique_ptr<RandomStream> late_stream_; // this process's draws of timer lateness
  LateBatch<Timer> late_;                     // Node timers due, waiting for the loop's late wake-up
  std::vector<Timer> late_firing_;
  size_t ready_timers_ = 0; // events in ready_ with timer_phase
  std::vector<Ready> turn_scratch_;
  void init_timing();
  void timer_due(const Timer& t);
  void fire_late_timers();
  void begin_turn();
};

} // namespace svcsim
