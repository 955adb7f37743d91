// The sweep progress line (see the header). The wall clock is read here only to pace and estimate.
#include "sweep/sweep_progress.hpp"
#include "metrics/perf_clock.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace svcsim
{

namespace
{

constexpr double PLAIN_LINE_EVERY_S = 5.0; // a log gets a line this often, not one per run
constexpr double TTY_REDRAW_EVERY_S = 0.1;

double now_s()
{
  return perf_wall_seconds(); // pacing and ETA only
}

std::string duration(double s)
{
  char buf[32];
  long t = std::lround(s);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t / 60) % 60);
  else if (t >= 60)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%lds", t);
  return buf;
}

} // namespace

SweepProgress::SweepProgress(std::string name, size_t total, size_t skipped, bool quiet)
    : name_(std::move(name)), total_(total), skipped_(skipped), quiet_(quiet), tty_(::isatty(2) == 1), start_s_(now_s())
{
}

std::string SweepProgress::line(size_t done, size_t failed) const
{
  double elapsed = now_s() - start_s_;
  size_t finished = skipped_ + done;
  std::string out = name_ + ": " + std::to_string(finished) + "/" + std::to_string(total_) + " done, " +
                    std::to_string(failed) + " failed";
  if (skipped_ > 0)
    out += ", " + std::to_string(skipped_) + " complete before";
  if (done > 0 && elapsed > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f", static_cast<double>(done) / elapsed);
    out += ", " + std::string(rate) + " runs/s";
    if (finished < total_)
      out += ", ETA " + duration(elapsed * static_cast<double>(total_ - finished) / static_cast<double>(done));
  }
  return out + ", " + duration(elapsed) + " elapsed";
}

void SweepProgress::update(size_t done, size_t failed, bool force)
{
  if (quiet_)
    return;
  double t = now_s();
  if (!force && t - last_print_s_ < (tty_ ? TTY_REDRAW_EVERY_S : PLAIN_LINE_EVERY_S))
    return;
  last_print_s_ = t;
  std::string text = line(done, failed);
  if (tty_) {
    // Pad over the previous, longer line instead of an escape sequence: plain text on any terminal.
    size_t width = text.size();
    if (text.size() < last_width_)
      text.append(last_width_ - text.size(), ' ');
    last_width_ = width;
    std::fprintf(stderr, "\r%s", text.c_str());
  } else {
    std::fprintf(stderr, "%s\n", text.c_str());
  }
  std::fflush(stderr);
}

void SweepProgress::finish(size_t done, size_t failed)
{
  if (quiet_)
    return;
  update(done, failed, true);
  if (tty_)
    std::fprintf(stderr, "\n");
}

} // namespace svcsim
