#include "sim/interrupt.hpp"

#include <csignal>

namespace svcsim
{

namespace
{
volatile std::sig_atomic_t received = 0;

extern "C" void on_signal(int sig)
{
  received = sig;
}
} // namespace

void install_interrupt_handlers()
{
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int pending_interrupt()
{
  return received;
}

} // namespace svcsim
