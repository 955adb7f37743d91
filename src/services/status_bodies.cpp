#include "services/status_bodies.hpp"

#include "policy/compute_ops.hpp"
#include "store/system_db.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>

namespace svcsim
{

namespace
{

void append_digits(std::string& out, int64_t v, int width)
{
  char buf[8];
  for (int k = width - 1; k >= 0; --k) {
    buf[k] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  out.append(buf, static_cast<size_t>(width));
}

} // namespace

StatusBodies::StatusBodies(const std::string& service_type, const std::string& instance_name)
    : name_json_(nlohmann::json(instance_name).dump())
{
  if (service_type == "compute")
    message_ = "Compute worker completed"; // the README's wording for /api/compute/compute-worker
  else if (service_type.empty())
    message_ = "Work completed";
  else
    message_ = static_cast<char>(std::toupper(static_cast<unsigned char>(service_type[0]))) + service_type.substr(1) +
               " work completed";
  health_prefix_ = "{\"status\":\"healthy\",\"service\":" + name_json_ + ",\"timestamp\":\"";
}

void StatusBodies::append_time(std::string& out, double now_s)
{
  // Simulated times stay far inside this range; outside it, iso_time's own checks and messages apply.
  if (!std::isfinite(now_s) || std::fabs(now_s) > 1e9) {
    out += iso_time(now_s);
    return;
  }
  // The same rounding as iso_time; the date changes once a simulated day, so it comes from iso_time then.
  const int64_t unix_ms = SIM_EPOCH_UNIX_S * 1000 + std::llround(now_s * 1000.0);
  int64_t days = unix_ms / 86400000;
  if (unix_ms % 86400000 < 0)
    --days;
  if (days != day_) {
    day_text_ = iso_time(now_s).substr(0, 11);
    day_ = days;
  }
  const int64_t ms_of_day = unix_ms - days * 86400000;
  out += day_text_;
  append_digits(out, ms_of_day / 3600000, 2);
  out += ':';
  append_digits(out, ms_of_day / 60000 % 60, 2);
  out += ':';
  append_digits(out, ms_of_day / 1000 % 60, 2);
  out += '.';
  append_digits(out, ms_of_day % 1000, 3);
  out += 'Z';
}

std::string StatusBodies::work(double delay_ms, double now_s)
{
  if (delay_ms != work_prefix_delay_ms_) { // one work endpoint per service type: built once
    work_prefix_ = "{\"message\":\"" + message_ + "\",\"service\":" + name_json_ +
                   ",\"delayMs\":" + json_number(delay_ms).dump() + ",\"timestamp\":\"";
    work_prefix_delay_ms_ = delay_ms;
  }
  std::string out;
  out.reserve(work_prefix_.size() + 26);
  out += work_prefix_;
  append_time(out, now_s);
  out += "\"}";
  return out;
}

std::string StatusBodies::health(double now_s, double uptime_s)
{
  std::string out;
  out.reserve(health_prefix_.size() + 52);
  out += health_prefix_;
  append_time(out, now_s);
  out += "\",\"uptime\":";
  // Whole milliseconds, written as JSON.stringify writes ms / 1000: no trailing zeros, no point for a whole
  // number of seconds.
  const double ms = std::round(uptime_s * 1000);
  if (std::isfinite(ms) && std::fabs(ms) < 1e15) {
    auto whole_ms = static_cast<int64_t>(ms);
    if (whole_ms < 0) {
      out += '-';
      whole_ms = -whole_ms;
    }
    out += std::to_string(whole_ms / 1000);
    int64_t frac = whole_ms % 1000;
    if (frac != 0) {
      int width = 3;
      while (frac % 10 == 0) {
        frac /= 10;
        --width;
      }
      out += '.';
      append_digits(out, frac, width);
    }
  } else {
    out += "null"; // JSON.stringify of a non-finite number
  }
  out += '}';
  return out;
}

} // namespace svcsim
