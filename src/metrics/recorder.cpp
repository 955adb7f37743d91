#include "metrics/recorder.hpp"

#include "metrics/percentile.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace svcsim
{

const char* outcome_name(Outcome o)
{
  switch (o) {
  case Outcome::PENDING:
    return "pending";
  case Outcome::SUCCESS:
    return "success";
  case Outcome::HTTP_ERROR:
    return "http_error";
  case Outcome::TIMEOUT:
    return "timeout";
  case Outcome::CONN_ERROR:
    return "conn_error";
  }
  return "?";
}

const char* attempt_outcome_name(AttemptOutcome o)
{
  switch (o) {
  case AttemptOutcome::ANSWERED:
    return "answered";
  case AttemptOutcome::REFUSED:
    return "refused";
  case AttemptOutcome::RESET:
    return "reset";
  case AttemptOutcome::TIMEOUT:
    return "timeout";
  case AttemptOutcome::ERROR_5XX:
    return "error_5xx";
  }
  return "?";
}

Recorder::~Recorder()
{
  if (request_spill_)
    std::fclose(request_spill_);
  if (attempt_spill_)
    std::fclose(attempt_spill_);
}

Recorder::Recorder(Recorder&& o) noexcept
    : requests_(std::move(o.requests_)), attempts_(std::move(o.attempts_)), events_(std::move(o.events_)),
      attempt_counts_(std::move(o.attempt_counts_)), next_id_(o.next_id_), attempt_count_(o.attempt_count_),
      open_(o.open_), spilling_(o.spilling_), spill_dir_(std::move(o.spill_dir_)),
      max_rows_in_memory_(o.max_rows_in_memory_), window_(std::move(o.window_)), window_base_(o.window_base_),
      request_spill_(o.request_spill_), attempt_spill_(o.attempt_spill_), request_buf_(std::move(o.request_buf_)),
      attempt_buf_(std::move(o.attempt_buf_)), series_(std::move(o.series_)), series_rows_(std::move(o.series_rows_)),
      series_open_second_(o.series_open_second_), series_has_open_(o.series_has_open_),
      series_latencies_(std::move(o.series_latencies_))
{
  for (int t = 0; t < 3; t++)
    lb[t] = o.lb[t];
  processes = std::move(o.processes);
  registrations = o.registrations;
  heartbeats = o.heartbeats;
  unknown_heartbeats = o.unknown_heartbeats;
  o.request_spill_ = nullptr; // the buffers moved with the files (setvbuf points into them: same storage)
  o.attempt_spill_ = nullptr;
}

void Recorder::set_spill(std::string dir, uint64_t max_rows_in_memory)
{
  spill_dir_ = std::move(dir);
  max_rows_in_memory_ = max_rows_in_memory;
}

// ---- requests ----

uint64_t Recorder::request_sent(double at, uint32_t phase, uint32_t endpoint, bool post)
{
  if (!spilling_ && requests_.size() >= max_rows_in_memory_)
    start_spilling();
  RequestRecord r;
  r.sent_s = at;
  r.phase = phase;
  r.endpoint = endpoint;
  r.post = post;
  if (spilling_)
    window_.push_back(r);
  else
    requests_.push_back(r);
  attempt_counts_.push_back(0);
  open_++;
  series_sent(at);
  return next_id_++;
}

bool Recorder::request_open(uint64_t id) const
{
  if (!spilling_)
    return id < requests_.size() && requests_[id].outcome == Outcome::PENDING;
  return id >= window_base_ && id < next_id_ && window_[id - window_base_].outcome == Outcome::PENDING;
}

const RequestRecord& Recorder::request(uint64_t id) const
{
  if (!spilling_)
    return requests_.at(id);
  if (id < window_base_ || id >= next_id_)
    throw std::logic_error("request " + std::to_string(id) + " is no longer in memory");
  return window_[id - window_base_];
}

void Recorder::request_ended(uint64_t id, double at, int status, Outcome outcome, int attempts, int instance)
{
  RequestRecord* row;
  if (!spilling_)
    row = &requests_.at(id);
  else if (id >= window_base_ && id < next_id_)
    row = &window_[id - window_base_];
  else
    row = nullptr;                              // retired: it ended already
  if (!row || row->outcome != Outcome::PENDING) // every request ends exactly once: a second end is a simulator bug
    throw std::logic_error("request " + std::to_string(id) + " ended twice");
  RequestRecord& r = *row;
  r.end_s = at;
  r.status = static_cast<uint16_t>(status);
  r.outcome = outcome;
  r.attempts = static_cast<uint8_t>(attempts);
  r.instance = instance;
  open_--;
  series_ended(r.sent_s, r.end_s, outcome);
  if (spilling_ && id == window_base_)
    retire_front();
}

void Recorder::attempt(const AttemptRecord& a)
{
  attempt_count_++;
  if (a.request < attempt_counts_.size() && attempt_counts_[a.request] < 255)
    attempt_counts_[a.request]++;
  if (spilling_)
    std::fwrite(&a, sizeof a, 1, attempt_spill_);
  else
    attempts_.push_back(a);
}

void Recorder::event(double at, int component, std::string kind, int subject, std::string detail)
{
  events_.push_back(EventRecord{at, component, std::move(kind), subject, std::move(detail)});
}

// ---- streaming ----

static std::FILE* open_spill(const std::string& dir, const char* what, std::vector<char>& buffer)
{
  std::string base = dir;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp && *tmp ? tmp : "/tmp";
  }
  std::string path = base + "/.svcsim-" + what + "-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0)
    throw std::runtime_error("cannot open a spill file in " + base + ": " + std::strerror(errno));
  ::unlink(path.c_str()); // nothing to clean up, whatever happens to the process
  std::FILE* f = ::fdopen(fd, "w+b");
  if (!f) {
    ::close(fd);
    throw std::runtime_error(std::string("cannot open a spill file: ") + std::strerror(errno));
  }
  buffer.resize(1 << 20);
  std::setvbuf(f, buffer.data(), _IOFBF, buffer.size());
  return f;
}

void Recorder::start_spilling()
{
  request_spill_ = open_spill(spill_dir_, "requests", request_buf_);
  attempt_spill_ = open_spill(spill_dir_, "attempts", attempt_buf_);
  if (!attempts_.empty())
    std::fwrite(attempts_.data(), sizeof(AttemptRecord), attempts_.size(), attempt_spill_);
  std::vector<AttemptRecord>().swap(attempts_);
  size_t first_open = 0;
  while (first_open < requests_.size() && requests_[first_open].outcome != Outcome::PENDING)
    first_open++;
  if (first_open > 0)
    std::fwrite(requests_.data(), sizeof(RequestRecord), first_open, request_spill_);
  window_.assign(requests_.begin() + static_cast<long>(first_open), requests_.end());
  window_base_ = first_open;
  std::vector<RequestRecord>().swap(requests_);
  spilling_ = true;
}

void Recorder::retire_front()
{
  while (!window_.empty() && window_.front().outcome != Outcome::PENDING) {
    std::fwrite(&window_.front(), sizeof(RequestRecord), 1, request_spill_);
    window_.pop_front();
    window_base_++;
  }
}

void Recorder::read_spill(std::FILE* f, size_t row_size, const std::function<void(const void*)>& each)
{
  if (!f)
    return;
  if (std::fflush(f) != 0)
    throw std::runtime_error(std::string("spill file: ") + std::strerror(errno));
  int fd = ::fileno(f);
  std::vector<char> buf((1 << 20) / row_size * row_size);
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      throw std::runtime_error(std::string("spill file: ") + std::strerror(errno));
    }
    if (n == 0)
      break;
    size_t rows = static_cast<size_t>(n) / row_size;
    if (rows == 0)
      throw std::runtime_error("spill file: truncated row");
    for (size_t i = 0; i < rows; i++)
      each(buf.data() + i * row_size);
    offset += static_cast<off_t>(rows * row_size); // a short read inside a row: the rest comes next time
  }
}

void Recorder::finish()
{
  close_series_second();
  series_has_open_ = false;
  series_rows_.clear();
  for (const auto& [sec, row] : series_)
    series_rows_.push_back(row);
  if (spilling_) {
    std::fflush(request_spill_);
    std::fflush(attempt_spill_);
    if (std::ferror(request_spill_) || std::ferror(attempt_spill_))
      throw std::runtime_error("cannot write the spill files (disk full?)");
  }
}

// ---- the per-second series ----

SecondStats& Recorder::series_row(long second)
{
  auto it = series_.find(second);
  if (it == series_.end()) {
    SecondStats s;
    s.second = second;
    s.mean_ms = s.p50_ms = s.p95_ms = s.p99_ms = NAN;
    it = series_.emplace(second, s).first;
  }
  return it->second;
}

void Recorder::series_sent(double at)
{
  series_row(static_cast<long>(std::floor(at))).sent++;
}

void Recorder::series_ended(double sent_s, double end_s, Outcome outcome)
{
  long sec = static_cast<long>(std::floor(end_s));
  if (!series_has_open_ || sec != series_open_second_) {
    if (series_has_open_ && sec < series_open_second_)
      throw std::logic_error("request ended before the previous one (simulated time went back)");
    close_series_second();
    series_open_second_ = sec;
    series_has_open_ = true;
  }
  SecondStats& x = series_row(sec);
  x.completed++;
  (outcome == Outcome::SUCCESS ? x.success : x.failed)++;
  series_latencies_.push_back((end_s - sent_s) * 1000.0);
}

void Recorder::close_series_second()
{
  if (!series_has_open_ || series_latencies_.empty())
    return;
  auto& v = series_latencies_;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double d : v)
    sum += d;
  SecondStats& x = series_row(series_open_second_);
  x.mean_ms = sum / static_cast<double>(v.size());
  x.p50_ms = nearest_rank(v, 50);
  x.p95_ms = nearest_rank(v, 95);
  x.p99_ms = nearest_rank(v, 99);
  v.clear();
}

void Recorder::busy_interval(int id, double start, double end, double cpu_s)
{
  ProcessStats& p = process(id);
  p.busy_s += end - start;
  p.cpu_s += cpu_s;
  if (end <= start) // zero-length: all at one instant
    end = start;
  auto second = static_cast<size_t>(start < 0 ? 0 : start);
  auto last = static_cast<size_t>(end < 0 ? 0 : end);
  if (p.busy_by_second.size() <= last) {
    p.busy_by_second.resize(last + 1, 0.0f);
    p.cpu_by_second.resize(last + 1, 0.0f);
  }
  double span = end - start;
  for (size_t s = second; s <= last; s++) {
    double from = std::max(start, static_cast<double>(s));
    double to = std::min(end, static_cast<double>(s + 1));
    double part = span > 0 ? (to - from) : 0;
    p.busy_by_second[s] += static_cast<float>(part);
    p.cpu_by_second[s] += static_cast<float>(span > 0 ? cpu_s * part / span : cpu_s);
  }
}

void Recorder::ready_length(int id, double at, uint64_t length, uint64_t bytes)
{
  ProcessStats& p = process(id);
  if (length > p.max_ready)
    p.max_ready = length;
  if (bytes > p.max_ready_bytes)
    p.max_ready_bytes = bytes;
  auto second = static_cast<size_t>(at < 0 ? 0 : at);
  if (p.ready_by_second.size() <= second)
    p.ready_by_second.resize(second + 1, 0);
  if (length > p.ready_by_second[second])
    p.ready_by_second[second] = static_cast<uint32_t>(length);
}

} // namespace svcsim
