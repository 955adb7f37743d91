// Node timing (issue 13): the order of a turn's events at a tie in both modes, timers due together firing
// late together, the histogram sampler, its goodness of fit to the calibration histogram, and the model's
// "timing" section (its errors, and exact timing leaving the resolved scenario as it was).
#include "parser_test_helpers.hpp"
#include "policy/loop_timing.hpp"
#include "sim/rng.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <vector>

using namespace svcsim;
using namespace svcsim::parser_test;

namespace
{

// A ready event as the loop's queue holds it: a message or a timer, named for the test.
struct Ev {
  std::string name;
  bool timer;
};

std::string order(const std::deque<Ev>& q)
{
  std::string out;
  for (const auto& e : q)
    out += (out.empty() ? "" : " ") + e.name;
  return out;
}

// The turn's order in each mode: exact keeps the queue as it is (arrival order); node runs timers first.
std::string turn(std::deque<Ev> q, TimingMode mode)
{
  std::vector<Ev> scratch;
  if (mode == TimingMode::NODE)
    timers_first(q, scratch, [](const Ev& e) { return e.timer; });
  return order(q);
}

// models/calibration/node-timer-lateness.json, as models/seed.json holds it.
const MsHistogram CALIBRATION = {{-1, 1}, {0, 77}, {1, 274}, {2, 179}, {3, 35}, {4, 11},
                                 {5, 5},  {6, 5},  {7, 2},   {9, 1},   {10, 1}, {13, 1}};

} // namespace

TEST_CASE("a timer due at t and a message arriving at t: exact runs them in arrival order, node the timer first")
{
  // The message reached the mailbox at t; the loop then found the timer due at t and queued it behind the
  // message (event_loop.cpp: a received message is queued on arrival, due timers at the top of the loop).
  // Exact: the thread takes the queue as it stands. Node: the turn that begins runs its timers phase first.
  std::deque<Ev> q = {{"message", false}, {"timer", true}};
  CHECK(turn(q, TimingMode::EXACT) == "message timer");
  CHECK(turn(q, TimingMode::NODE) == "timer message");
}

TEST_CASE("node timing moves the turn's timers ahead of its messages and keeps each group's own order")
{
  // Arrivals m1, T1 (due first), m2, T2: the timers phase runs T1 then T2 (due order), the poll phase m1, m2.
  std::deque<Ev> q = {{"m1", false}, {"T1", true}, {"m2", false}, {"T2", true}};
  CHECK(turn(q, TimingMode::EXACT) == "m1 T1 m2 T2");
  CHECK(turn(q, TimingMode::NODE) == "T1 T2 m1 m2");
  std::deque<Ev> only_messages = {{"m1", false}, {"m2", false}};
  CHECK(turn(only_messages, TimingMode::NODE) == "m1 m2");
}

TEST_CASE("two timers due at the same time fire in one late wake-up, in the order they were set")
{
  // Both due at t = 10 s. The first to come due opens the batch and its draw (1.7 ms) sets the wake-up at
  // 10.0017 s; the second joins without a draw of its own (the late_s it is given is not used). A third timer
  // due at 10.001 s, before the wake-up, fires in it too. Exact timing would fire them at 10, 10, 10.001 s.
  LateBatch<std::string> batch;
  CHECK(batch.empty());
  batch.add("A", 10.0, 0.0017);
  batch.add("B", 10.0, 0.0099);
  batch.add("C", 10.001, 0.0099);
  CHECK(batch.wake_at() == doctest::Approx(10.0017).epsilon(1e-12));
  std::vector<std::string> fired;
  batch.take(fired);
  CHECK(fired == std::vector<std::string>{"A", "B", "C"});
  CHECK(batch.empty());
  // The next batch draws again.
  batch.add("D", 20.0, 0.0005);
  CHECK(batch.wake_at() == doctest::Approx(20.0005).epsilon(1e-12));
}

TEST_CASE("the sampler picks a bin in proportion to its count, a point uniformly inside it, and 0 for a negative bin")
{
  // Bins -1: 1, 0: 1, 2: 2 (total 4): u_bin in [0, 0.25) is bin -1, [0.25, 0.5) bin 0, [0.5, 1) bin 2.
  MsSampler s({{-1, 1}, {0, 1}, {2, 2}});
  CHECK(s.sample_ms(0.10, 0.7) == 0.0);                  // bin -1: a timer never fires early
  CHECK(s.sample_ms(0.25, 0.3) == doctest::Approx(0.3)); // bin 0: [0, 1)
  CHECK(s.sample_ms(0.49, 0.9) == doctest::Approx(0.9));
  CHECK(s.sample_ms(0.50, 0.0) == doctest::Approx(2.0)); // bin 2: [2, 3)
  CHECK(s.sample_ms(0.999, 0.5) == doctest::Approx(2.5));
  CHECK(MsSampler().empty());
  CHECK(MsSampler().sample_ms(0.5, 0.5) == 0.0);
}

TEST_CASE("a timer's readings are centred: bin k draws from [k - 0.5, k + 0.5), never below 0")
{
  // Same bins, shift -0.5 (a difference of two truncated Date.now() readings is on average the lateness).
  MsSampler s({{-1, 1}, {0, 1}, {2, 2}}, -0.5);
  CHECK(s.sample_ms(0.10, 0.7) == 0.0);                   // bin -1: 0
  CHECK(s.sample_ms(0.25, 0.3) == 0.0);                   // bin 0: -0.2 -> 0 (a timer never fires early)
  CHECK(s.sample_ms(0.25, 0.9) == doctest::Approx(0.4));  // bin 0: [0, 0.5)
  CHECK(s.sample_ms(0.50, 0.0) == doctest::Approx(1.5));  // bin 2: [1.5, 2.5)
  CHECK(s.sample_ms(0.999, 0.5) == doctest::Approx(2.0)); // the reading itself at the middle
}

TEST_CASE("timer lateness drawn from a seeded stream follows the calibration histogram (chi-square)")
{
  // 100,000 draws with the stream a process would use (seed 1), centred as the event loop draws them (shift
  // -0.5: bin k covers [k - 0.5, k + 0.5)). Each draw is counted in the bin of its nearest whole millisecond
  // (floor(ms + 0.5)). The bin -1 reading gives 0, and so does the lower half of bin 0, so bin -1's
  // probability joins bin 0's: 11 classes
  // (0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 13), all with expected counts >= 169 (13 ms: 100000 / 592), so the
  // chi-square approximation holds. Degrees of freedom: 11 - 1 = 10 (no parameter is estimated from the
  // draws); the critical value at the 0.1 % level is 29.588 (chi-square table, df = 10). Bins without
  // counts (8, 11, 12 and beyond 13) must get no draw at all.
  const int n = 100000;
  MsSampler sampler(CALIBRATION, -0.5);
  RandomStream stream(1, "timing/timer-late/load-balancer");
  std::map<int, int> observed;
  std::vector<int> tenths(10, 0);
  for (int i = 0; i < n; i++) {
    double u_bin = stream.uniform();
    double u_within = stream.uniform();
    double ms = sampler.sample_ms(u_bin, u_within);
    int bin = static_cast<int>(std::floor(ms + 0.5));
    observed[bin]++;
    if (bin >= 1) // bins -1 and 0 are cut at 0; the others are whole: [bin - 0.5, bin + 0.5)
      tenths[static_cast<size_t>((ms + 0.5 - bin) * 10)]++;
  }
  double total = 592;
  std::map<int, double> expected;
  for (const auto& b : CALIBRATION)
    expected[std::max(b.ms, 0)] += b.count / total * n;
  double chi2 = 0;
  for (const auto& [bin, e] : expected)
    chi2 += (observed[bin] - e) * (observed[bin] - e) / e;
  CHECK(expected.size() == 11);
  CHECK(chi2 < 29.588);
  int outside = 0;
  for (const auto& [bin, count] : observed)
    if (!expected.count(bin))
      outside += count;
  CHECK(outside == 0);

  // Within a bin the point is uniform: the tenths of a millisecond of the draws of bins 1 and above (bins -1
  // and 0 are cut at 0) are equally likely. 10 classes, df = 9, critical value at
  // the 0.1 % level 27.877.
  int drawn = 0;
  for (int c : tenths)
    drawn += c;
  double chi2_within = 0;
  for (int c : tenths)
    chi2_within += (c - drawn / 10.0) * (c - drawn / 10.0) / (drawn / 10.0);
  CHECK(chi2_within < 27.877);
}

TEST_CASE("the seed model keeps node timing with the calibrated histograms")
{
  const TimingModel& t = load_inline(VALID).scenario.model.timing;
  CHECK(t.mode == TimingMode::NODE);
  REQUIRE(t.timer_late_ms.size() == CALIBRATION.size());
  CHECK(t.timer_late_ms.front().ms == -1); // sorted by ms
  CHECK(t.timer_late_ms.back().ms == 13);
  REQUIRE(t.client_lag_ms.size() == 6);
  CHECK(t.client_lag_ms[0].ms == 0);
  CHECK(t.client_lag_ms[0].count == 2369);
}

TEST_CASE("exact timing leaves the timing section out of the resolved scenario; node timing keeps it")
{
  LoadResult exact = load_inline(VALID, {"/parameters/timing/mode=exact"});
  CHECK(exact.scenario.model.timing.mode == TimingMode::EXACT);
  CHECK(!nlohmann::json::parse(exact.scenario.resolved_json)["parameters"].contains("timing"));
  LoadResult shorthand = load_inline(VALID, {"/parameters/timing=\"exact\""});
  CHECK(shorthand.scenario.resolved_json == exact.scenario.resolved_json);
  LoadResult node = load_inline(VALID);
  CHECK(nlohmann::json::parse(node.scenario.resolved_json)["parameters"]["timing"]["mode"] == "node");
}

TEST_CASE("a scenario's histogram replaces the model's whole: bins it does not list are gone")
{
  std::string text = replace(VALID, R"("name": "inline",)",
                             R"("name": "inline", "parameters": {"timing": {"timer_late_ms": {"5": 2}}},)");
  const TimingModel& t = load_inline(text).scenario.model.timing;
  REQUIRE(t.timer_late_ms.size() == 1);
  CHECK(t.timer_late_ms[0].ms == 5);
  CHECK(t.timer_late_ms[0].count == 2);
  CHECK(t.client_lag_ms.size() == 6); // the other histogram and the mode are the model's
  CHECK(t.mode == TimingMode::NODE);
}

TEST_CASE("a bad timing section is a one-line error with its pointer, what was expected and what was found")
{
  auto one = [](const std::string& set) {
    auto errors = errors_of(VALID, {set});
    REQUIRE(errors.size() == 1);
    return errors[0].pointer + ": " + errors[0].message;
  };
  CHECK(one("/parameters/timing/mode=\"fast\"") ==
        "/parameters/timing/mode: expected one of \"exact\", \"node\", got \"fast\"");
  CHECK(one("/parameters/timing=\"slow\"") ==
        "/parameters/timing: expected \"exact\" or an object with \"mode\", got \"slow\"");
  // No "node" shorthand: it would replace the model's histograms and keep every timer on time.
  CHECK(one("/parameters/timing=\"node\"") ==
        "/parameters/timing: expected \"exact\" or an object with \"mode\", got \"node\"");
  CHECK(one("/parameters/timing/timer_late_ms={\"x\": 1}") ==
        "/parameters/timing/timer_late_ms/x: expected a key of whole milliseconds from -3600000 to 3600000 "
        "(e.g. \"-1\", \"0\", \"13\"), got \"x\"");
  CHECK(one("/parameters/timing/timer_late_ms={\"1.5\": 1}").find("got \"1.5\"") != std::string::npos);
  CHECK(one("/parameters/timing/client_lag_ms={\"0\": -3}") ==
        "/parameters/timing/client_lag_ms/0: expected number >= 0, got -3");
  CHECK(one("/parameters/timing/client_lag_ms={\"0\": 0}") ==
        "/parameters/timing/client_lag_ms: expected a histogram {\"<whole ms>\": count, ...} with at least one "
        "count > 0 (e.g. {\"0\": 77, \"1\": 274}), got {\"0\":0}");
  CHECK(one("/parameters/timing/client_lag_ms=[1, 2]").find("got [1,2]") != std::string::npos);
  CHECK(one("/parameters/timing/jitter=1").find("/parameters/timing/jitter") == 0);
}
