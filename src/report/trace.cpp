#include "report/trace.hpp"

#include "util/atomic_file.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <queue>
#include <vector>

namespace svcsim
{

namespace
{

// Trace pids start at 1: some viewers treat pid 0 specially.
int pid_of(int component)
{
  return component + 1;
}

std::string json_string(std::string_view s)
{
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20)
        out += fmt::format("\\u{:04x}", static_cast<int>(c));
      else
        out += c;
    }
  }
  return out + "\"";
}

// Simulated seconds → trace microseconds, to the nanosecond (SimGrid's clock is finer than the viewer needs).
std::string us(double seconds)
{
  return fmt::format("{:.3f}", seconds * 1e6);
}

// Greedy lanes: each span (in start order) takes the lowest-numbered lane free at its start, so overlapping
// spans never share a track (Perfetto would nest or hide them) and the lane count is the peak concurrency.
class LaneAllocator
{
public:
  int place(double start, double end)
  {
    while (!busy_.empty() && busy_.top().first <= start) {
      free_.push(busy_.top().second);
      busy_.pop();
    }
    int lane;
    if (free_.empty()) {
      lane = next_++;
    } else {
      lane = free_.top();
      free_.pop();
    }
    busy_.emplace(end, lane);
    return lane;
  }
  int lanes() const { return next_; }

private:
  using Busy = std::pair<double, int>;
  std::priority_queue<Busy, std::vector<Busy>, std::greater<Busy>> busy_;
  std::priority_queue<int, std::vector<int>, std::greater<int>> free_;
  int next_ = 1; // tid 0 is each process's "events" track
};

struct Writer {
  std::string out;
  bool first = true;
  void event(const std::string& body)
  {
    out += first ? "\n" : ",\n";
    first = false;
    out += body;
  }
};

} // namespace

std::string render_chrome_trace(const RunOutput& run)
{
  const auto& names = run.component_names;
  // The rows are read back through for_each_*: a long run holds them in the recorder's spill files.
  std::vector<RequestRecord> reqs;
  reqs.reserve(run.recorder.request_count());
  run.recorder.for_each_request([&](uint64_t, const RequestRecord& r) { reqs.push_back(r); });
  Writer w;
  w.out.reserve(256 + reqs.size() * 400);
  w.out += "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [";

  int client = -1;
  for (size_t i = 0; i < names.size(); i++) {
    if (names[i] == "client")
      client = static_cast<int>(i);
    w.event(fmt::format(R"({{"ph":"M","pid":{},"tid":0,"name":"process_name","args":{{"name":{}}}}})", pid_of(i),
                        json_string(names[i])));
    w.event(fmt::format(R"({{"ph":"M","pid":{},"tid":0,"name":"process_sort_index","args":{{"sort_index":{}}}}})",
                        pid_of(i), i));
    w.event(fmt::format(R"({{"ph":"M","pid":{},"tid":0,"name":"thread_name","args":{{"name":"events"}}}})", pid_of(i)));
  }
  if (client < 0) { // a deployment without a component named "client": give the requests their own process
    client = static_cast<int>(names.size());
    w.event(fmt::format(R"({{"ph":"M","pid":{},"tid":0,"name":"process_name","args":{{"name":"client"}}}})",
                        pid_of(client)));
  }
  auto end_of = [&](const RequestRecord& r) { return r.outcome == Outcome::PENDING ? run.sim_time_s : r.end_s; };

  // Requests on the client (the recorder holds them in send order).
  std::vector<size_t> order(reqs.size());
  for (size_t i = 0; i < order.size(); i++)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return reqs[a].sent_s < reqs[b].sent_s; });
  LaneAllocator client_lanes;
  for (size_t i : order) {
    const RequestRecord& r = reqs[i];
    double end = end_of(r);
    int tid = client_lanes.place(r.sent_s, end);
    w.event(fmt::format(R"({{"ph":"X","cat":"request","pid":{},"tid":{},"ts":{},"dur":{},"name":{},)"
                        R"("args":{{"id":{},"status":{},"outcome":"{}","instance":{}}}}})",
                        pid_of(client), tid, us(r.sent_s), us(end - r.sent_s),
                        json_string(std::string(r.post ? "POST " : "GET ") + run.endpoint_paths[r.endpoint]), i,
                        r.status, outcome_name(r.outcome), r.instance >= 0 ? json_string(names[r.instance]) : "null"));
  }
  for (int t = 1; t < client_lanes.lanes(); t++)
    w.event(fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_name","args":{{"name":"requests {}"}}}})",
                        pid_of(client), t, t));

  // Balancer attempts on the instance that got them.
  std::vector<AttemptRecord> attempts;
  run.recorder.for_each_attempt([&](const AttemptRecord& a) { attempts.push_back(a); });
  std::vector<size_t> aorder(attempts.size());
  for (size_t i = 0; i < aorder.size(); i++)
    aorder[i] = i;
  std::stable_sort(aorder.begin(), aorder.end(),
                   [&](size_t a, size_t b) { return attempts[a].start_s < attempts[b].start_s; });
  std::vector<LaneAllocator> lanes(names.size());
  for (size_t i : aorder) {
    const AttemptRecord& a = attempts[i];
    if (a.instance < 0 || static_cast<size_t>(a.instance) >= names.size())
      continue;
    int tid = lanes[a.instance].place(a.start_s, a.end_s);
    const RequestRecord* r = a.request < reqs.size() ? &reqs[a.request] : nullptr;
    w.event(fmt::format(R"({{"ph":"X","cat":"attempt","pid":{},"tid":{},"ts":{},"dur":{},"name":{},)"
                        R"("args":{{"request":{},"attempt":{},"outcome":"{}","status":{}}}}})",
                        pid_of(a.instance), tid, us(a.start_s), us(a.end_s - a.start_s),
                        json_string(r ? run.endpoint_paths[r->endpoint] : std::string("attempt")), a.request, a.attempt,
                        attempt_outcome_name(a.outcome), a.status));
  }
  for (size_t c = 0; c < lanes.size(); c++)
    for (int t = 1; t < lanes[c].lanes(); t++)
      w.event(fmt::format(R"({{"ph":"M","pid":{},"tid":{},"name":"thread_name","args":{{"name":"attempts {}"}}}})",
                          pid_of(static_cast<int>(c)), t, t));

  // Events as instants: faults across the whole trace, alerts on the instance they are about, the rest on the
  // component that saw them. Heartbeats are left out: one every 10 s per instance would bury the rest.
  for (const auto& e : run.recorder.events()) {
    if (e.kind == "instance.heartbeat_sent" || e.kind == "instance.register_sent")
      continue;
    std::string subject = e.subject >= 0 ? names[e.subject] : std::string();
    bool fault = e.kind.rfind("fault.", 0) == 0, alert = e.kind.rfind("alert.", 0) == 0;
    int pid = pid_of(alert && e.subject >= 0 ? e.subject : e.component);
    const char* scope = fault ? "g" : alert ? "p" : "t";
    std::string name = e.kind + (fault ? " " + e.detail : subject.empty() ? std::string() : " " + subject);
    w.event(fmt::format(R"({{"ph":"i","s":"{}","cat":"{}","pid":{},"tid":0,"ts":{},"name":{},)"
                        R"("args":{{"seen_by":{},"subject":{},"detail":{}}}}})",
                        scope,
                        fault   ? "fault"
                        : alert ? "alert"
                                : "event",
                        pid, us(e.at_s), json_string(name), json_string(names[e.component]),
                        subject.empty() ? "null" : json_string(subject), json_string(e.detail)));
  }

  // In-flight requests: one counter sample per instant at which the count changed.
  std::vector<std::pair<double, int>> changes;
  changes.reserve(2 * reqs.size());
  for (const auto& r : reqs) {
    changes.emplace_back(r.sent_s, +1);
    if (r.outcome != Outcome::PENDING)
      changes.emplace_back(r.end_s, -1);
  }
  std::sort(changes.begin(), changes.end());
  long in_flight = 0;
  for (size_t i = 0; i < changes.size(); i++) {
    in_flight += changes[i].second;
    if (i + 1 < changes.size() && changes[i + 1].first == changes[i].first)
      continue;
    w.event(fmt::format(R"({{"ph":"C","pid":{},"tid":0,"ts":{},"name":"in-flight requests","args":{{"requests":{}}}}})",
                        pid_of(client), us(changes[i].first), in_flight));
  }
  w.out += "\n]}\n";
  return std::move(w.out);
}

void write_chrome_trace(const std::string& path, const RunOutput& run)
{
  save_file_atomic(path, render_chrome_trace(run));
}

} // namespace svcsim
