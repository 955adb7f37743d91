// Envoy's consecutive-5xx outlier detection (policy/outlier_detection.hpp) on hand-made sequences: the
// ejection at the 5th consecutive failure, re-admission at the first sweep after base × multiplier, the
// doubling of the next ejection, the multiplier shrinking again, and max_ejection_percent.
#include "policy/outlier_detection.hpp"

#include <doctest/doctest.h>

using namespace svcsim;

namespace
{

OutlierDetectionParams envoy_defaults_for(double max_percent)
{
  OutlierDetectionParams p; // consecutive_5xx 5, interval 10 s, base 30 s, max ejection time 300 s
  p.enabled = true;
  p.max_ejection_percent = max_percent;
  return p;
}

} // namespace

TEST_CASE("the 5th consecutive failure ejects; a success in between starts the count again")
{
  OutlierDetector d(envoy_defaults_for(50));
  for (int i = 0; i < 4; i++)
    CHECK_FALSE(d.on_result(7, AttemptResult::HTTP_5XX, 1.0 + i, 3));
  CHECK_FALSE(d.on_result(7, AttemptResult::SUCCESS, 5.0, 3)); // count back to 0
  for (int i = 0; i < 4; i++)
    CHECK_FALSE(d.on_result(7, AttemptResult::CONNECT_FAILED, 6.0 + i, 3)); // a connect failure counts as a 503
  CHECK(d.on_result(7, AttemptResult::TIMEOUT, 10.0, 3));                   // 5th: a timeout counts as a 504
  CHECK(d.ejected(7));
  CHECK(d.ejection_time(7) == doctest::Approx(30));              // base 30 s x multiplier 1
  CHECK_FALSE(d.on_result(7, AttemptResult::HTTP_5XX, 11.0, 3)); // a late answer of an ejected host: ignored
}

TEST_CASE("an ejected host comes back at the first sweep at least base x multiplier after its ejection")
{
  OutlierDetector d(envoy_defaults_for(50));
  for (int i = 0; i < 5; i++)
    d.on_result(7, AttemptResult::RESET, 12.0, 3); // ejected at 12 s for 30 s: due at 42 s
  CHECK(d.sweep(40.0).empty());                    // 28 s < 30 s
  CHECK(d.sweep(50.0) == std::vector<int>{7});     // the sweep after 42 s
  CHECK_FALSE(d.ejected(7));
  CHECK(d.multiplier(7) == 1);
  // The counters were reset on re-admission: four failures do not eject again, the fifth does (at 55 s,
  // before the sweep at 60 s could shrink the multiplier), and the multiplier is now 2: 60 s, due at 115 s.
  for (int i = 0; i < 4; i++)
    CHECK_FALSE(d.on_result(7, AttemptResult::HTTP_5XX, 51.0 + i, 3));
  CHECK(d.on_result(7, AttemptResult::HTTP_5XX, 55.0, 3));
  CHECK(d.multiplier(7) == 2);
  CHECK(d.ejection_time(7) == doctest::Approx(60));
  CHECK(d.sweep(60.0).empty());
  CHECK(d.sweep(110.0).empty());
  CHECK(d.sweep(120.0) == std::vector<int>{7});
  CHECK(d.ejections(7) == 2);
}

TEST_CASE("the multiplier shrinks by one per sweep once the host has served an interval since re-admission")
{
  OutlierDetector d(envoy_defaults_for(50));
  for (int i = 0; i < 5; i++)
    d.on_result(7, AttemptResult::HTTP_5XX, 0.0, 3);
  d.sweep(30.0); // back at 30 s, multiplier 1 (the same sweep does not shrink it: 0 s since re-admission)
  CHECK(d.multiplier(7) == 1);
  d.sweep(40.0); // 10 s >= interval: 1 -> 0
  CHECK(d.multiplier(7) == 0);
  for (int i = 0; i < 5; i++)
    d.on_result(7, AttemptResult::HTTP_5XX, 41.0, 3);
  CHECK(d.ejection_time(7) == doctest::Approx(30)); // base x 1 again, not x 2
}

TEST_CASE("max_ejection_percent counts the host about to be ejected, as Envoy's ejectHost does")
{
  // 3 hosts, 10 % (Envoy's default): 100 x 1 / 3 = 33 % > 10 %: never ejected, the count restarts.
  OutlierDetector d(envoy_defaults_for(10));
  for (int i = 0; i < 5; i++)
    d.on_result(7, AttemptResult::HTTP_5XX, 1.0, 3);
  CHECK_FALSE(d.ejected(7));
  // 34 %: the first of 3 (33.3 %) goes, a second (66.7 %) does not.
  OutlierDetector e(envoy_defaults_for(34));
  for (int i = 0; i < 5; i++)
    e.on_result(7, AttemptResult::HTTP_5XX, 1.0, 3);
  for (int i = 0; i < 5; i++)
    e.on_result(8, AttemptResult::HTTP_5XX, 1.0, 3);
  CHECK(e.ejected(7));
  CHECK_FALSE(e.ejected(8));
  // always_eject_one_host lets the first ejection through whatever the share.
  OutlierDetectionParams p = envoy_defaults_for(10);
  p.always_eject_one_host = true;
  OutlierDetector f(p);
  for (int i = 0; i < 5; i++)
    f.on_result(7, AttemptResult::HTTP_5XX, 1.0, 3);
  CHECK(f.ejected(7));
}

TEST_CASE("with the local-origin split, connect failures count apart from 5xx answers")
{
  OutlierDetectionParams p = envoy_defaults_for(50);
  p.split_local_origin = true;
  p.consecutive_local_origin_failure = 2;
  OutlierDetector d(p);
  for (int i = 0; i < 4; i++)
    d.on_result(7, AttemptResult::HTTP_5XX, 1.0, 3);
  CHECK_FALSE(d.on_result(7, AttemptResult::CONNECT_FAILED, 2.0, 3)); // local 1; the 5xx count stays at 4
  CHECK(d.on_result(7, AttemptResult::TIMEOUT, 3.0, 3));              // local 2: ejected
}

TEST_CASE("a passing active health check re-admits an ejected host")
{
  OutlierDetector d(envoy_defaults_for(50));
  for (int i = 0; i < 5; i++)
    d.on_result(7, AttemptResult::HTTP_5XX, 1.0, 3);
  CHECK(d.active_check_passed(7, 5.0));
  CHECK_FALSE(d.ejected(7));
  CHECK(d.ejected_count() == 0);
}
