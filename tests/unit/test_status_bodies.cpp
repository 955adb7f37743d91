// The bodies of /health and the work endpoints (services/status_bodies): the seed's fields, the timestamp
// byte for byte as iso_time writes it, the uptime as JSON.stringify writes seconds to the millisecond.
#include "services/status_bodies.hpp"
#include "store/system_db.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace svcsim;

TEST_CASE("the hand-written timestamp is iso_time's, across seconds, days and rounding")
{
  StatusBodies b("auth", "auth-service-1");
  // 86399.9996 s rounds to the next day's midnight (llround of ms), as iso_time does; 1e8 s is in 2028.
  for (double t : {0.0, 0.0004, 0.0005, 3.25, 59.999, 3599.9994, 86399.9996, 86400.0, 86401.5, 172800.123, 1e8 + 0.001,
                   123456.789, 20.25, 86399.999}) {
    CAPTURE(t);
    std::string got;
    b.append_time(got, t);
    CHECK(got == iso_time(t));
  }
  // Going back in time after a later day (a fresh day cache per call order) still gives the right date.
  std::string back;
  b.append_time(back, 5);
  CHECK(back == "2025-01-01T00:00:05.000Z");
}

TEST_CASE("the work body has the seed's fields in the seed's order")
{
  StatusBodies b("compute", "compute-service-1");
  CHECK(b.work(350, 20) == R"({"message":"Compute worker completed","service":"compute-service-1","delayMs":350,)"
                           R"("timestamp":"2025-01-01T00:00:20.000Z"})");
  CHECK(b.work(350.5, 21.5) == R"({"message":"Compute worker completed","service":"compute-service-1",)"
                               R"("delayMs":350.5,"timestamp":"2025-01-01T00:00:21.500Z"})");
  CHECK(nlohmann::json::parse(StatusBodies("data", "d").work(200, 1))["message"] == "Data work completed");
  // A name is escaped once, as JSON: the body stays valid JSON whatever the deployment calls its instances.
  CHECK(nlohmann::json::parse(StatusBodies("auth", "a\"b\\c").work(300, 1))["service"] == "a\"b\\c");
}

TEST_CASE("the health body's uptime is seconds to the millisecond, without trailing zeros")
{
  StatusBodies b("auth", "auth-service-1");
  // Started at 3 s (seed script), asked at 23.25 s: up 20.25 s.
  CHECK(b.health(23.25, 20.25) ==
        R"({"status":"healthy","service":"auth-service-1","timestamp":"2025-01-01T00:00:23.250Z","uptime":20.25})");
  auto uptime = [&](double s) {
    const std::string body = b.health(30, s);
    return body.substr(body.find("\"uptime\":") + 9, body.size() - body.find("\"uptime\":") - 10);
  };
  CHECK(uptime(7) == "7");
  CHECK(uptime(7.0004) == "7");
  CHECK(uptime(7.0005) == "7.001"); // 7000.5 ms rounds away from zero
  CHECK(uptime(0.05) == "0.05");
  CHECK(uptime(12.3) == "12.3");
  CHECK(uptime(100.007) == "100.007");
  CHECK(uptime(86400) == "86400"); // JSON.stringify(86400), not "86400.0"
  // Each reads back as the double round(ms) / 1000.
  for (double s : {0.001, 0.01, 0.1, 1.25, 99.999, 3600.5, 86400.0}) {
    CAPTURE(s);
    CHECK(nlohmann::json::parse(uptime(s)).get<double>() == std::round(s * 1000) / 1000);
  }
}
