#include "run/simulation.hpp"

#include "util/diagnostics.hpp"

#include "actors/client.hpp"
#include "actors/fault_detector.hpp"
#include "actors/fault_injector.hpp"
#include "actors/kubernetes.hpp"
#include "actors/load_balancer.hpp"
#include "actors/registry.hpp"
#include "actors/service_instance.hpp"
#include "metrics/progress.hpp"
#include "sim/interrupt.hpp"
#include "sim/world.hpp"
#include "store/system_db.hpp"

#include <simgrid/s4u.hpp>
#include <simgrid/version.h>

#include <cstdlib>
#include <stdexcept>

namespace svcsim
{

namespace sg4 = simgrid::s4u;

Simulation::Simulation(const Scenario& scenario, RunOptions options)
    : scenario_(scenario), options_(std::move(options)), out_(std::make_unique<RunOutput>())
{
}

Simulation::~Simulation() = default;

ServiceInstance* Simulation::instance(int id)
{
  if (id < 0 || world_->proc(id).component->kind != ComponentKind::INSTANCE)
    return nullptr;
  return static_cast<ServiceInstance*>(loops_[id].get());
}

void Simulation::launch(int id)
{
  Process& p = world_->proc(id);
  EventLoop* loop = loops_[id].get();
  loop->reset();
  p.state = ProcState::RUNNING;
  p.started_at = sg4::Engine::get_clock();
  ever_started_[id] = 1;
  bool daemon = p.component->kind != ComponentKind::CLIENT;
  p.actor = sg4::Actor::create(p.component->name, p.host, [loop, daemon]() {
    if (daemon)
      sg4::Actor::self()->daemonize();
    loop->run();
  });
}

void Simulation::start_process(int id)
{
  Process& p = world_->proc(id);
  const std::string& addr = p.component->address;
  if (!addr.empty()) {
    // A second bind of a port on one machine fails at start (EADDRINUSE), as on the real machine (SPEC §1).
    for (auto& other : world_->processes())
      if (&other != &p && same_socket(*other.component, *p.component) &&
          (other.state == ProcState::RUNNING || other.state == ProcState::HUNG)) {
        p.state = ProcState::DEAD;
        out_->recorder.event(sg4::Engine::get_clock(), id, "process.bind_failed", id,
                             "EADDRINUSE " + addr + " (held by " + other.component->name + ")");
        return;
      }
  }
  launch(id);
}

void Simulation::send_resets(int id)
{
  // The kernel of the crashed process's host closes its sockets: each peer gets an RST over the network.
  std::vector<std::pair<int, uint64_t>> conns;
  if (auto* inst = instance(id))
    inst->for_each_open_connection([&](int peer, uint64_t conn) { conns.emplace_back(peer, conn); });
  if (world_->proc(id).component->kind == ComponentKind::LOAD_BALANCER)
    static_cast<LoadBalancer*>(loops_[id].get())->for_each_open_connection([&](int peer, uint64_t conn) {
      conns.emplace_back(peer, conn);
    });
  if (conns.empty())
    return;
  World* world = world_.get();
  uint64_t bytes = scenario_.model.messages.control_bytes;
  sg4::Actor::create("kernel-rst", world_->proc(id).host, [world, id, conns, bytes]() {
    sg4::Actor::self()->daemonize();
    for (const auto& [peer, conn] : conns)
      world->send(id, peer, conn, ConnectionReset{}, bytes);
  });
}

// The container runtime on the pod's host tells the kubelet that the container exited (an event, not a
// probe): one message from that host, so the kubelet learns it after the network's latency and no later.
void Simulation::report_container_exit(int id)
{
  World* world = world_.get();
  int kube = world_->kubernetes_id();
  uint64_t bytes = scenario_.model.messages.control_bytes;
  sg4::Actor::create("container-runtime", world_->proc(id).host, [world, id, kube, bytes]() {
    sg4::Actor::self()->daemonize();
    world->send(id, kube, Kubernetes::CONTAINER_EXIT_CONN, ConnectionReset{}, bytes);
  });
}

void Simulation::crash_process(int id)
{
  Process& p = world_->proc(id);
  if (p.state != ProcState::RUNNING && p.state != ProcState::HUNG)
    return;
  send_resets(id);
  if (world_->kubernetes_id() >= 0 && p.component->kind == ComponentKind::INSTANCE)
    report_container_exit(id);
  p.state = ProcState::DEAD;
  p.mailbox->set_receiver(nullptr);
  if (p.actor)
    p.actor->kill();
  p.actor = nullptr;
}

void Simulation::restart_process(int id)
{
  Process& p = world_->proc(id);
  if (p.state == ProcState::RUNNING || p.state == ProcState::HUNG || !p.host->is_on())
    return;
  p.incarnation++; // whatever was queued for the old process is stale
  start_process(id);
}

void Simulation::hang_process(int id, bool hang)
{
  Process& p = world_->proc(id);
  if (hang && p.state == ProcState::RUNNING) {
    p.state = ProcState::HUNG;
    loops_[id]->hang();
  } else if (!hang && p.state == ProcState::HUNG) {
    p.state = ProcState::RUNNING;
    loops_[id]->resume();
  }
}

void Simulation::set_host(const std::string& name, bool on)
{
  sg4::Host* host = sg4::Host::by_name_or_null(name);
  if (!host)
    return;
  if (!on) {
    host->turn_off(); // its actors die; World::host_state_changed marks their processes dead
    for (auto& p : world_->processes())
      if (p.host == host)
        p.actor = nullptr;
    return;
  }
  host->turn_on();
  // The machine comes back and its services start again (as an init system would start them).
  for (size_t i = 0; i < world_->processes().size(); i++) {
    Process& p = world_->proc(static_cast<int>(i));
    if (p.host == host && p.state == ProcState::DEAD && ever_started_[i] &&
        p.component->kind != ComponentKind::FAULT_INJECTOR && p.component->kind != ComponentKind::CLIENT)
      restart_process(static_cast<int>(i));
  }
}

// SimGrid visits every model in every scheduling round (next event, state update, finished and failed
// actions), about 40 visits per simulated request. Of the six models of the default configuration only the
// CPU and the network model ever hold an action here: no VM is ever created, no host has a disk and no
// parallel task is started. Taking the idle ones off the engine's list changes no result (they have nothing
// to report) and saves ~10 % of the run time (docs/performance.md). Only models known to be idle under
// these conditions are removed; SVCSIM_KEEP_ALL_MODELS=1 keeps them (to measure what this buys).
static void prune_idle_models(sg4::Engine& engine)
{
  if (std::getenv("SVCSIM_KEEP_ALL_MODELS"))
    return;
  bool disks = false;
  for (const auto* h : engine.get_all_hosts())
    disks = disks || !h->get_disks().empty();
  // get_all_models() is the engine's own list (EngineImpl::models_); the models stay alive in the engine.
  auto& models = const_cast<std::vector<simgrid::kernel::resource::Model*>&>(engine.get_all_models());
  std::vector<simgrid::kernel::resource::Model*> keep;
  for (auto* m : models) {
    const std::string& n = m->get_name();
    bool idle = n == "Host_CLM03" || n == "VM_HL13" || n == "VmCpu_Cas01" || (n == "Disk" && !disks);
    if (!idle)
      keep.push_back(m);
  }
  models.swap(keep);
}

RunOutput Simulation::run()
{
  std::vector<std::string> args = {"svcsim"};
  // The chosen network model (README): CM02 (latency + size / bandwidth, no LV08 latency factor 13.01),
  // no cross-traffic. Given before the user's --cfg so theirs win.
  args.push_back("--cfg=network/model:CM02");
  args.push_back("--cfg=network/crosstraffic:0");
  args.push_back("--log=xbt_cfg.thres:warning"); // not the configuration echo on every run
  for (const auto& a : options_.engine_args)
    args.push_back(a);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  // A bad --cfg key or value type throws here (with SimGrid's list of every key): the user's input, exit 2.
  std::unique_ptr<sg4::Engine> engine_holder;
  try {
    engine_holder = std::make_unique<sg4::Engine>(&argc, argv.data());
  } catch (const std::exception& e) {
    std::string what = e.what(), given;
    for (const auto& a : options_.engine_args)
      given += (given.empty() ? "" : " ") + a;
    throw InputError(Diagnostic{"--cfg", 0, 0, "", what.substr(0, what.find('\n')) + " (given: " + given + ")"});
  }
  sg4::Engine& engine = *engine_holder;
  // The same message as `svcsim validate` gives (cli/platform_check.cpp loads the file the same way).
  try {
    engine.load_platform(scenario_.platform_file);
  } catch (const std::exception& e) {
    throw InputError(Diagnostic{scenario_.platform_file, 0, 0, "",
                                std::string("expected a valid SimGrid platform, got ") + e.what()});
  }
  prune_idle_models(engine);

  bool deadlock = false;
  sg4::Engine::on_deadlock_cb([&deadlock]() { deadlock = true; });

  uint64_t max_rows = options_.max_rows_in_memory;
  if (const char* env = std::getenv("SVCSIM_ROWS_IN_MEMORY"))
    max_rows = std::strtoull(env, nullptr, 10);
  out_->recorder.set_spill(options_.spill_dir, max_rows);
  world_ = std::make_unique<World>(scenario_, out_->recorder);
  sg4::Host::on_state_change_cb([this](sg4::Host const& h) { world_->host_state_changed(h); });
  db_ = std::make_unique<SystemDb>(options_.system_db_path, SystemDb::OpenMode::recreate);
  shared_.db = db_.get();

  size_t n = world_->processes().size();
  loops_.resize(n);
  ever_started_.assign(n, 0);
  for (size_t i = 0; i < n; i++) {
    int id = static_cast<int>(i);
    switch (world_->proc(id).component->kind) {
    case ComponentKind::REGISTRY:
      loops_[i] = std::make_unique<Registry>(*world_, id);
      break;
    case ComponentKind::INSTANCE:
      loops_[i] = std::make_unique<ServiceInstance>(*world_, id, shared_);
      break;
    case ComponentKind::LOAD_BALANCER:
      loops_[i] = std::make_unique<LoadBalancer>(*world_, id);
      break;
    case ComponentKind::FAULT_DETECTOR:
      loops_[i] = std::make_unique<FaultDetector>(*world_, id);
      break;
    case ComponentKind::CLIENT:
      loops_[i] = std::make_unique<Client>(*world_, id);
      break;
    case ComponentKind::FAULT_INJECTOR:
      loops_[i] = std::make_unique<FaultInjector>(*world_, id, *this);
      break;
    case ComponentKind::KUBERNETES:
      loops_[i] = std::make_unique<Kubernetes>(*world_, id, [this](int instance) { restart_process(instance); });
      break;
    }
    world_->proc(id).loop = loops_[i].get();
  }
  launch(world_->client_id());
  launch(world_->injector_id());
  if (world_->kubernetes_id() >= 0)
    launch(world_->kubernetes_id());

  std::unique_ptr<Progress> progress;
  if (options_.progress) {
    double end = scenario_.end_s.value_or(0);
    progress = std::make_unique<Progress>(scenario_.name, end);
  }
  install_interrupt_handlers();
  sg4::Engine::on_time_advance_cb([&progress](double) {
    if (int sig = pending_interrupt())
      throw Interrupted(sig); // out of engine.run(), in the maestro's own stack
    if (progress)
      progress->update(sg4::Engine::get_clock());
  });
  try {
    engine.run();
  } catch (const Interrupted&) {
    // The actors' stacks are still live: destroying the engine now could crash. The process is about to exit.
    static_cast<void>(engine_holder.release());
    throw;
  }
  if (progress)
    progress->finish(sg4::Engine::get_clock());

  if (deadlock)
    throw std::runtime_error("simulation deadlocked at t=" + std::to_string(sg4::Engine::get_clock()) + " s");

  out_->recorder.finish();
  out_->sim_time_s = sg4::Engine::get_clock();
  out_->messages = world_->messages_sent();
  out_->db_lock = shared_.stats;
  for (const auto& e : world_->endpoints)
    out_->endpoint_paths.push_back(e.path);
  for (size_t i = 0; i < n; i++) {
    out_->component_names.push_back(world_->proc(static_cast<int>(i)).component->name);
    out_->component_hosts.push_back(world_->proc(static_cast<int>(i)).host->get_name());
    out_->component_cores.push_back(world_->proc(static_cast<int>(i)).host->get_core_count());
    out_->component_started.push_back(ever_started_[i]);
  }
  int major, minor, patch;
  sg_version_get(&major, &minor, &patch);
  out_->simgrid_version = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  db_.reset();
  return std::move(*out_);
}

} // namespace svcsim
