#include "sim/world.hpp"

#include "metrics/recorder.hpp"
#include "policy/thread_rules.hpp"
#include "sim/event_loop.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace svcsim
{

namespace sg4 = simgrid::s4u;

World::World(const Scenario& scenario, Recorder& recorder) : scenario_(scenario), recorder_(recorder)
{
  const auto& comps = scenario.deployment.components;
  // Processes point at these: the vector must not move once filled.
  extra_components_.reserve(2);
  extra_components_.push_back(Component{"fault-injector", ComponentKind::FAULT_INJECTOR});
  if (scenario.model.discovery.kind == DiscoveryKind::KUBERNETES)
    extra_components_.push_back(Component{"kubernetes", ComponentKind::KUBERNETES});
  procs_.resize(comps.size() + extra_components_.size());
  auto* engine = sg4::Engine::get_instance();
  for (size_t i = 0; i < procs_.size(); i++) {
    const Component& c = i < comps.size() ? comps[i] : extra_components_[i - comps.size()];
    Process& p = procs_[i];
    p.component = &c;
    int id = static_cast<int>(i);
    switch (c.kind) {
    case ComponentKind::REGISTRY:
      registry_ = id;
      break;
    case ComponentKind::INSTANCE:
      by_type_[static_cast<int>(c.type)].push_back(id);
      break;
    case ComponentKind::LOAD_BALANCER:
      balancer_ = id;
      break;
    case ComponentKind::FAULT_DETECTOR:
      detector_ = id;
      break;
    case ComponentKind::CLIENT:
      client_ = id;
      break;
    case ComponentKind::FAULT_INJECTOR:
      injector_ = id;
      break;
    case ComponentKind::KUBERNETES:
      kubernetes_ = id;
      break;
    }
    std::string host = c.host;
    if (c.kind == ComponentKind::FAULT_INJECTOR)
      host = comps.back().host; // the operator sits with the client
    else if (c.kind == ComponentKind::KUBERNETES)
      host = comps.front().host; // the control plane sits with the registry (another control plane)
    p.host = engine->host_by_name_or_null(host);
    if (!p.host)
      throw std::runtime_error("component " + c.name + ": host '" + host + "' is not in the platform");
    p.mailbox = sg4::Mailbox::by_name(c.name);
  }
  accept_queue_.assign(procs_.size(), 0);
  std::map<sg4::Host*, size_t> cpu_index;
  for (const auto& p : procs_) {
    auto [it, added] = cpu_index.emplace(p.host, cpus_.size());
    if (added)
      cpus_.push_back(
          HostCpu{p.host->get_speed(), std::vector<double>(static_cast<size_t>(p.host->get_core_count()), 0.0)});
    cpu_of_.push_back(it->second);
  }
  recorder_.processes.resize(procs_.size());
  for (const char* path : {"/health", "/status", "/api/metrics", "/api/round-robin/reset"})
    endpoints.push_back(EndpointInfo{path, -1});
}

// Linux gives a runnable thread a core as soon as one is free, and a thread whose work takes less than its
// time slice runs it to the end (Node's events take 0.1-1 ms; CFS's slices are milliseconds). So each core is
// a server and the threads of one host a queue in front of them: the earliest free core takes the next one.
// Longer work comes back slice by slice (EventLoop::next_slice), so long computations share the cores.
double World::cpu_run(int id, double now, double flops)
{
  HostCpu& cpu = cpus_[cpu_of_[static_cast<size_t>(id)]];
  auto core = std::min_element(cpu.free_at.begin(), cpu.free_at.end());
  double start = std::max(now, *core);
  *core = start + flops / cpu.speed;
  return *core;
}

int World::find_component(const std::string& name) const
{
  for (size_t i = 0; i < procs_.size(); i++)
    if (procs_[i].component->name == name)
      return static_cast<int>(i);
  return -1;
}

uint32_t World::endpoint_index(const std::string& path)
{
  for (size_t i = 0; i < endpoints.size(); i++)
    if (endpoints[i].path == path)
      return static_cast<uint32_t>(i);
  int type = -1;
  if (path.rfind("/api/auth/", 0) == 0)
    type = static_cast<int>(ServiceType::AUTH);
  else if (path.rfind("/api/data", 0) == 0)
    type = static_cast<int>(ServiceType::DATA);
  else if (path.rfind("/api/compute/", 0) == 0)
    type = static_cast<int>(ServiceType::COMPUTE);
  endpoints.push_back(EndpointInfo{path, type});
  return static_cast<uint32_t>(endpoints.size() - 1);
}

bool World::route_up(int from, int to)
{
  if (!cut_.empty() && cut_.count({std::min(from, to), std::max(from, to)}))
    return false;
  if (links_down_.empty())
    return true;
  std::vector<sg4::Link*> links;
  double latency = 0;
  procs_[from].host->route_to(procs_[to].host, links, &latency);
  for (auto* l : links)
    if (links_down_.count(l->get_name()))
      return false;
  return true;
}

SendResult World::send(int from, int to, uint64_t conn, Body&& body, uint64_t bytes, bool new_conn)
{
  Process& dst = procs_[to];
  if (!procs_[from].host->is_on() || !dst.host->is_on() || !route_up(from, to))
    return SendResult::DROPPED; // nothing answers: the sender's timeout decides
  if (dst.state == ProcState::NOT_STARTED || dst.state == ProcState::DEAD)
    return SendResult::REFUSED; // host up, port closed
  if (new_conn) {
    // The kernel answers the handshake while the accept queue has room, whatever the process is doing
    // (a hung process's queue fills up); a full queue drops the SYN (SPEC §1b).
    ProcessStats& stats = recorder_.process(to);
    if (!accept_queue_admits(accept_queue_[to], scenario_.model.connections.accept_backlog)) {
      stats.handshakes_dropped++;
      return SendResult::SYN_DROPPED;
    }
    if (++accept_queue_[to] > stats.max_accept_queue)
      stats.max_accept_queue = accept_queue_[to];
  }
  Message* m;
  if (!free_messages_.empty()) {
    m = free_messages_.back();
    free_messages_.pop_back();
  } else {
    m = &message_arena_.emplace_back();
  }
  m->conn = conn;
  m->from = from;
  m->to = to;
  m->incarnation = dst.incarnation;
  m->new_conn = new_conn;
  m->bytes = static_cast<uint32_t>(bytes);
  m->body = std::move(body);
  dst.mailbox->put_init(m, bytes)->detach();
  messages_sent_++;
  return SendResult::SENT;
}

double World::round_trip(int a, int b)
{
  auto key = std::make_pair(procs_[a].host, procs_[b].host);
  auto it = rtt_cache_.find(key);
  if (it != rtt_cache_.end())
    return it->second;
  std::vector<sg4::Link*> links;
  double there = 0;
  double back = 0;
  procs_[a].host->route_to(procs_[b].host, links, &there);
  links.clear();
  procs_[b].host->route_to(procs_[a].host, links, &back);
  rtt_cache_[key] = there + back;
  return there + back;
}

void World::set_partition(int a, int b, bool cut)
{
  auto key = std::make_pair(std::min(a, b), std::max(a, b));
  if (cut)
    cut_.insert(key);
  else
    cut_.erase(key);
}

void World::set_link_down(const std::string& link, bool down)
{
  if (down)
    links_down_.insert(link);
  else
    links_down_.erase(link);
}

void World::host_state_changed(sg4::Host const& host)
{
  if (host.is_on())
    return;
  // A permanent receiver on a host that is off aborts the simulation when something is sent (NOTES-simgrid).
  for (auto& p : procs_)
    if (p.host == &host) {
      p.mailbox->set_receiver(nullptr);
      accept_queue_[&p - procs_.data()] = 0;
      if (p.state != ProcState::NOT_STARTED)
        p.state = ProcState::DEAD;
    }
}

} // namespace svcsim
