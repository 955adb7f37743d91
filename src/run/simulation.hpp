// One run of a scenario: the SimGrid engine, the platform, the World, every actor, and the process
// operations the fault injector performs (start, crash, restart, hang, host on/off). One per process.
#pragma once

#include "metrics/run_output.hpp"
#include "parse/scenario.hpp"
#include "sim/shared_services.hpp"

#include <memory>
#include <string>
#include <vector>

namespace svcsim
{

class World;
class EventLoop;
class ServiceInstance;
class LoadBalancer;
class SystemDb;

struct RunOptions {
  std::vector<std::string> engine_args; // only --cfg=... and --log=... (rebuilt argv, NOTES-simgrid 13)
  std::string system_db_path;           // where the system's database is written
  bool progress = false;                // a progress line on stderr
  // Past this many requests the recorder streams finished rows to spill files in spill_dir (empty: $TMPDIR
  // or /tmp) instead of holding them (metrics/recorder.hpp). SVCSIM_ROWS_IN_MEMORY overrides it (tests).
  std::string spill_dir;
  uint64_t max_rows_in_memory = 1ULL << 20;
};

class Simulation
{
public:
  Simulation(const Scenario& scenario, RunOptions options);
  ~Simulation();
  // Runs to the end; throws std::runtime_error on a deadlock or an internal failure.
  RunOutput run();

  // Process operations (called by the fault injector, in simulated time).
  void start_process(int id);
  void crash_process(int id);
  void restart_process(int id);
  void hang_process(int id, bool hang);
  void set_host(const std::string& host, bool on);
  ServiceInstance* instance(int id);

private:
  void launch(int id);
  void send_resets(int id);
  void report_container_exit(int id);

  const Scenario& scenario_;
  RunOptions options_;
  std::unique_ptr<RunOutput> out_;
  std::unique_ptr<World> world_;
  std::unique_ptr<SystemDb> db_;
  SharedServices shared_;
  std::vector<std::unique_ptr<EventLoop>> loops_;
  std::vector<char> ever_started_;
};

} // namespace svcsim
