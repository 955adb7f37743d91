#include "metrics/progress.hpp"

#include "metrics/perf_clock.hpp"

#include <cstdio>
#include <unistd.h>

namespace svcsim
{

Progress::Progress(std::string name, double end_s) : name_(std::move(name)), end_s_(end_s), tty_(isatty(2) != 0)
{
  last_wall_ = perf_wall_seconds();
}

void Progress::update(double sim_s)
{
  double wall = perf_wall_seconds();
  if (wall - last_wall_ < (tty_ ? 0.2 : 5.0))
    return;
  last_wall_ = wall;
  double pct = end_s_ > 0 ? 100.0 * sim_s / end_s_ : 0;
  std::fprintf(stderr, "%s%s: simulated %.1f s of %.1f s (%.0f%%), %.1f s wall%s", tty_ ? "\r" : "", name_.c_str(),
               sim_s, end_s_, pct > 100 ? 100 : pct, wall, tty_ ? "" : "\n");
}

void Progress::finish(double sim_s)
{
  if (tty_)
    std::fprintf(stderr, "\r%s: simulated %.1f s, done%20s\n", name_.c_str(), sim_s, "");
}

} // namespace svcsim
