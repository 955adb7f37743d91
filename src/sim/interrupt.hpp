// Ctrl-C (SIGINT) and SIGTERM during a run: the run is abandoned at the next advance of simulated time, its
// staging directory removed, and svcsim exits 128 + the signal with one line, instead of SimGrid's own SIGINT
// handler dumping every actor's state and exiting 1 (which the CLI reserves for "a check found a regression").
#pragma once

#include <stdexcept>
#include <string>

namespace svcsim
{

struct Interrupted : std::runtime_error {
  int signal;
  explicit Interrupted(int sig) : std::runtime_error("interrupted by signal " + std::to_string(sig)), signal(sig) {}
};

// Installs the SIGINT and SIGTERM handlers (call after SimGrid's engine exists: it installs its own).
void install_interrupt_handlers();

// The signal received since install_interrupt_handlers, or 0.
int pending_interrupt();

} // namespace svcsim
