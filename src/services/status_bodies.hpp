// The JSON bodies of an instance's GET /health and work endpoints (the seed's fields), built for every answer
// and so built cheaply: a prefix fixed per instance (names escaped once) and the simulated clock's timestamp
// written by hand. nlohmann::json and fmt cost about 23,000 instructions a body, 17 % of a whole simulated
// request (tools/bench); this costs a few hundred.
#pragma once

#include <cstdint>
#include <string>

namespace svcsim
{

class StatusBodies
{
public:
  StatusBodies(const std::string& service_type, const std::string& instance_name);

  // {"message":"Auth work completed","service":NAME,"delayMs":300,"timestamp":ISO} ("Compute worker completed"
  // for compute, the README's wording).
  std::string work(double delay_ms, double now_s);
  // {"status":"healthy","service":NAME,"timestamp":ISO,"uptime":S}, S the process's uptime in seconds to the
  // millisecond (Node's process.uptime()).
  std::string health(double now_s, double uptime_s);

  // iso_time(now_s) (store/system_db.hpp), byte for byte, appended to `out`.
  void append_time(std::string& out, double now_s);

private:
  std::string message_;   // "Auth work completed"
  std::string name_json_; // the instance name as a JSON string, quotes included
  std::string health_prefix_;
  std::string work_prefix_;
  double work_prefix_delay_ms_ = -1; // the delay work_prefix_ was built for
  int64_t day_ = INT64_MIN;          // days since 1970 of day_text_
  std::string day_text_;             // "2025-01-01T"
};

} // namespace svcsim
