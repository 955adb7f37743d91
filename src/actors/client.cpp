#include "actors/client.hpp"

#include "metrics/recorder.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace svcsim
{

// Request templates: "{i}" is the request's index in its phase (0-based), "{n}" the same counted from 1.
static std::string replace_all(const std::string& text, const std::string& key, const std::string& value)
{
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = text.find(key, pos)) != std::string::npos; pos = hit + key.size())
    out += text.substr(pos, hit - pos) + value;
  return out + text.substr(pos);
}

static std::string expand(const std::string& text, uint64_t i)
{
  return replace_all(replace_all(text, "{i}", std::to_string(i)), "{n}", std::to_string(i + 1));
}

static bool has_template(const std::string& text)
{
  return text.find("{i}") != std::string::npos || text.find("{n}") != std::string::npos;
}

Client::Client(World& world, int self) : EventLoop(world, self), timeout_s_(world.scenario().model.client.timeout_s)
{
  const Scenario& sc = world.scenario();
  end_s_ = sc.end_s.value_or(0);
  for (size_t k = 0; k < sc.workloads.size(); k++) {
    const WorkloadPhase& w = sc.workloads[k];
    Phase p;
    p.spec = &w;
    p.endpoint = world.endpoint_index(w.endpoint);
    p.templated = has_template(w.endpoint) || !w.body.empty() || w.use_token;
    p.collects_tokens = w.endpoint.rfind("/api/auth/", 0) == 0 && w.endpoint.find("-work") == std::string::npos;
    p.total = w.count ? *w.count : static_cast<uint64_t>(std::ceil(w.duration_s * w.rps - 1e-9));
    p.next_at = w.start_s;
    if (w.arrivals == Arrivals::POISSON)
      p.arrivals = std::make_unique<RandomStream>(sc.seed, "arrivals/" + std::to_string(k));
    phases_.push_back(std::move(p));
  }
  const TimingModel& timing = sc.model.timing;
  if (timing.mode == TimingMode::NODE && !timing.client_lag_ms.empty()) {
    lag_ = MsSampler(timing.client_lag_ms);
    lag_stream_ = std::make_unique<RandomStream>(sc.seed, "timing/client-lag/" + name());
  }
}

// The measured lag (models/calibration/light-load-3x100.json) does not accumulate: each request leaves
// late by its own draw from its slot of the fixed schedule, which itself never drifts. A request cannot leave
// before the one before it (one thread sends them in order): a timer already overdue fires at once, after
// the earlier send.
void Client::schedule_send(double due, uint32_t phase)
{
  double when = due;
  if (lag_stream_) {
    double u_bin = lag_stream_->uniform(); // two statements: the draws' order is fixed
    double u_within = lag_stream_->uniform();
    when += lag_.sample_ms(u_bin, u_within) / 1000.0;
  }
  at(when, SEND, phase, TimerClass::SCHEDULED);
}

void Client::on_start()
{
  for (uint32_t k = 0; k < phases_.size(); k++) {
    Phase& p = phases_[k];
    if (p.arrivals)
      p.next_at = p.spec->start_s + p.arrivals->exponential(1.0 / p.spec->rps);
    if (p.total == 0 || (p.arrivals && !p.spec->count && p.next_at >= p.spec->start_s + p.spec->duration_s)) {
      p.done = true;
      continue;
    }
    phases_open_++;
    schedule_send(p.next_at, k);
  }
  if (end_s_ > now())
    at(end_s_, END, 0);
  else
    end_reached_ = true;
}

bool Client::keep_running() const
{
  return phases_open_ > 0 || world_.recorder().open_requests() > 0 || !end_reached_;
}

void Client::send_next(uint32_t k)
{
  Phase& p = phases_[k];
  const WorkloadPhase& w = *p.spec;
  uint64_t i = p.sent++;
  Recorder& rec = world_.recorder();
  bool post = w.method == "POST";
  uint64_t id = rec.request_sent(now(), k, p.endpoint, post);
  if (p.collects_tokens)
    token_index_[id] = i;
  std::shared_ptr<const RequestData> data;
  if (p.templated) {
    auto d = std::make_shared<RequestData>();
    d->path = expand(w.endpoint, i);
    d->body = expand(w.body, i);
    if (w.use_token && i < tokens_.size() && !tokens_[i].empty())
      d->authorization = "Bearer " + tokens_[i];
    data = std::move(d);
  }
  send(world_.balancer_id(), id, ApiRequest{id, p.endpoint, post, std::move(data)},
       world_.scenario().model.messages.request_bytes);
  set_timeout(timeout_s_, TIMEOUT, id);

  // Next arrival of this phase.
  if (p.arrivals)
    p.next_at += p.arrivals->exponential(1.0 / w.rps);
  else
    p.next_at = w.start_s + static_cast<double>(p.sent) / w.rps;
  bool more;
  if (w.count)
    more = p.sent < *w.count;
  else if (p.arrivals)
    more = p.next_at < w.start_s + w.duration_s;
  else
    more = p.sent < p.total;
  if (more) {
    schedule_send(p.next_at, k);
  } else {
    p.done = true;
    phases_open_--;
  }
}

void Client::finish(uint64_t request, int status, Outcome outcome, int instance)
{
  Recorder& rec = world_.recorder();
  if (!rec.request_open(request))
    return; // already ended (answer after timeout)
  rec.request_ended(request, now(), status, outcome, 0, instance);
  if (!token_index_.empty())
    token_index_.erase(request); // its answer has been read: the index is not needed any more
}

void Client::on_message(Message& m)
{
  std::visit(
      [&](auto& body) {
        using T = std::decay_t<decltype(body)>;
        if constexpr (std::is_same_v<T, Reply>) {
          uint64_t id = m.conn;
          if (!world_.recorder().request_open(id))
            return;
          const RequestRecord& r = world_.recorder().request(id);
          bool ok = body.status >= 200 && body.status < 300;
          const Phase& p = phases_[r.phase];
          if (ok && p.collects_tokens && body.body) {
            auto doc = nlohmann::json::parse(*body.body, nullptr, false);
            if (doc.is_object() && doc.contains("token") && doc["token"].is_string()) {
              uint64_t i = token_index_[id]; // a later phase's request i carries the token of this phase's request i
              if (tokens_.size() <= i)
                tokens_.resize(i + 1);
              tokens_[i] = doc["token"].template get<std::string>();
            }
          }
          finish(id, body.status, ok ? Outcome::SUCCESS : Outcome::HTTP_ERROR, body.served_by);
        } else if constexpr (std::is_same_v<T, ConnectionReset>) {
          finish(m.conn, 0, Outcome::CONN_ERROR, -1);
        } else if constexpr (std::is_same_v<T, HealthRequest> || std::is_same_v<T, ApiRequest> ||
                             std::is_same_v<T, RegisterRequest> || std::is_same_v<T, HeartbeatRequest> ||
                             std::is_same_v<T, DeregisterRequest> || std::is_same_v<T, ListRequest> ||
                             std::is_same_v<T, ListReply>) {
          world_.recorder().event(now(), self_, "protocol.unexpected", m.from, "client: unexpected message");
        } else {
          static_assert(ALWAYS_FALSE<T>, "client: unhandled message");
        }
      },
      m.body);
}

bool Client::timer_live(uint32_t kind, uint64_t arg) const
{
  return kind != TIMEOUT || world_.recorder().request_open(arg);
}

void Client::on_timer(uint32_t kind, uint64_t arg)
{
  switch (kind) {
  case SEND:
    send_next(static_cast<uint32_t>(arg));
    break;
  case TIMEOUT:
    close_connection(arg); // the agent destroys the socket of a request it gave up on
    finish(arg, 0, Outcome::TIMEOUT, -1);
    break;
  case TIMER_REFUSED:
    finish(arg, 0, Outcome::CONN_ERROR, -1);
    break;
  case END:
    end_reached_ = true;
    break;
  default:
    break;
  }
}

} // namespace svcsim
