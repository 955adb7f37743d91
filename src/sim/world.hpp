// The simulated machines and processes: which component runs where, whether its process is up, and how a
// message travels (the kernel's view). Actors never read another process's state from here; only the
// transport (refusal, drops) and the fault injector do, as the operating system and the operator would.
#pragma once

#include "parse/scenario.hpp"
#include "sim/messages.hpp"

#include <simgrid/s4u.hpp>

#include <deque>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace svcsim
{

class EventLoop;
class Recorder;

enum class ProcState { NOT_STARTED, RUNNING, HUNG, DEAD };

struct Process {
  const Component* component = nullptr;
  simgrid::s4u::Host* host = nullptr;
  simgrid::s4u::Mailbox* mailbox = nullptr;
  simgrid::s4u::ActorPtr actor;
  EventLoop* loop = nullptr;
  ProcState state = ProcState::NOT_STARTED;
  uint32_t incarnation = 0;
  double started_at = 0; // when its current incarnation started (what a container runtime reports)
};

// One endpoint of the model, flattened: index = ApiRequest::endpoint.
struct EndpointInfo {
  std::string path;      // as requested by the workload (template-free for work endpoints)
  int service_type = -1; // -1: answered by the balancer itself (/health, /status, /api/metrics, reset)
};

// SYN_DROPPED: a new connection found the receiver's accept queue full; the opener's kernel sends it again.
enum class SendResult { SENT, REFUSED, DROPPED, SYN_DROPPED };

class World
{
public:
  World(const Scenario& scenario, Recorder& recorder);

  const Scenario& scenario() const { return scenario_; }
  Recorder& recorder() { return recorder_; }
  std::vector<Process>& processes() { return procs_; }
  Process& proc(int id) { return procs_[id]; }
  int registry_id() const { return registry_; }
  int balancer_id() const { return balancer_; }
  int detector_id() const { return detector_; }
  int client_id() const { return client_; }
  int injector_id() const { return injector_; }
  int kubernetes_id() const { return kubernetes_; } // -1 unless the model's discovery is "kubernetes"
  const std::vector<int>& instances_of(int type) const { return by_type_[type]; }
  int find_component(const std::string& name) const;

  // Transport: called in the sender's actor. REFUSED: the caller must fail the connection after one
  // round trip (SPEC: a closed port answers with RST). DROPPED: nothing will ever come back.
  // `new_conn`: the message opens a connection (a handshake first: it must find room in the accept queue).
  SendResult send(int from, int to, uint64_t conn, Body&& body, uint64_t bytes, bool new_conn = false);
  // A thread of process `id` needs `flops` of CPU from `now` on: it gets a core of its host when one is
  // free (the run queue, in the order threads ask) and runs there undisturbed. Returns when it is done.
  double cpu_run(int id, double now, double flops);
  // The receiver's thread accepted `n` connections from its listening socket.
  void accepted(int to, uint64_t n) { accept_queue_[to] -= n < accept_queue_[to] ? n : accept_queue_[to]; }
  // A process (re)starts or dies: its listening socket, and what waited in it, is new or gone.
  void reset_accept_queue(int id) { accept_queue_[id] = 0; }
  // One network round trip between the hosts of two components (route latency both ways).
  double round_trip(int a, int b);

  // Fault state (written by the fault injector only).
  void set_partition(int a, int b, bool cut);
  void set_link_down(const std::string& link, bool down);
  void host_state_changed(simgrid::s4u::Host const& host);

  uint64_t messages_sent() const { return messages_sent_; }
  // Messages come from a pool owned by the World (no allocation per message); the receiver gives each back
  // once handled. Messages lost in flight (a process died) stay in the pool until the run ends.
  void recycle(Message* m)
  {
    m->body.emplace<ConnectionReset>(); // drops what the body held (shared request data, lists)
    free_messages_.push_back(m);
  }

  std::vector<EndpointInfo> endpoints;
  uint32_t endpoint_index(const std::string& path); // adds if missing

private:
  bool route_up(int from, int to);
  const Scenario& scenario_;
  Recorder& recorder_;
  std::vector<Process> procs_;
  std::vector<Component> extra_components_; // the fault injector (and Kubernetes' control plane)
  std::vector<int> by_type_[SERVICE_TYPE_COUNT];
  int registry_ = -1, balancer_ = -1, detector_ = -1, client_ = -1, injector_ = -1, kubernetes_ = -1;
  std::set<std::pair<int, int>> cut_;
  std::set<std::string> links_down_;
  std::map<std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*>, double> rtt_cache_;
  uint64_t messages_sent_ = 0;
  std::vector<uint64_t> accept_queue_; // per process: connections admitted and not yet accepted
  struct HostCpu {
    double speed = 1e9;          // flops per second of one core
    std::vector<double> free_at; // per core: when its current work ends
  };
  std::vector<HostCpu> cpus_;
  std::vector<size_t> cpu_of_;        // per process: its host's entry in cpus_
  std::deque<Message> message_arena_; // stable addresses
  std::vector<Message*> free_messages_;
};

} // namespace svcsim
