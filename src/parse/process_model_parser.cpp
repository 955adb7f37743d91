#include "parse/process_model_parser.hpp"

namespace svcsim
{

namespace
{

constexpr NumberRule FLOPS{0, false, 1e15, false};

std::vector<std::string> message_kinds()
{
  std::vector<std::string> kinds;
  for (int k = 0; k < MESSAGE_KIND_COUNT; k++)
    kinds.emplace_back(message_kind_name(k));
  return kinds;
}

// {"wake_flops", "recv_flops", "send_flops", "timer_flops", "accept_flops", "connect_flops", "cold_factor",
//  "warmup_events", "messages": {"<kind>": {"recv_flops", "send_flops"}}}: recv/send apply to every kind unless
//  "messages"
// gives that kind its own.
void read_costs(Checker& checker, const json& obj, const std::string& pointer, ThreadCosts& out)
{
  if (!checker.object(obj, pointer,
                      {"wake_flops", "recv_flops", "send_flops", "timer_flops", "accept_flops", "connect_flops",
                       "cold_factor", "warmup_events", "messages"}))
    return;
  auto num = [&](const char* key, double& value) {
    if (auto v = checker.number(obj, pointer, key, FLOPS))
      value = *v;
  };
  num("wake_flops", out.wake_flops);
  num("timer_flops", out.timer_flops);
  num("accept_flops", out.accept_flops);
  num("connect_flops", out.connect_flops);
  if (auto v = checker.number(obj, pointer, "cold_factor", NumberRule{1, false, 100, false}))
    out.cold_factor = *v;
  if (auto v = checker.number(obj, pointer, "warmup_events", POSITIVE))
    out.warmup_events = *v;
  double recv = out.recv_flops[0];
  double send = out.send_flops[0];
  num("recv_flops", recv);
  num("send_flops", send);
  for (int k = 0; k < MESSAGE_KIND_COUNT; k++) {
    out.recv_flops[k] = recv;
    out.send_flops[k] = send;
  }
  auto it = obj.find("messages");
  if (it == obj.end())
    return;
  std::string messages_pointer = pointer_append(pointer, "messages");
  std::vector<std::string> kinds = message_kinds();
  if (!checker.object(*it, messages_pointer, kinds))
    return;
  for (int k = 0; k < MESSAGE_KIND_COUNT; k++) {
    auto kind = it->find(kinds[static_cast<size_t>(k)]);
    if (kind == it->end())
      continue;
    std::string kind_pointer = pointer_append(messages_pointer, kinds[static_cast<size_t>(k)]);
    if (!checker.object(*kind, kind_pointer, {"recv_flops", "send_flops"}))
      continue;
    if (auto v = checker.number(*kind, kind_pointer, "recv_flops", FLOPS))
      out.recv_flops[k] = *v;
    if (auto v = checker.number(*kind, kind_pointer, "send_flops", FLOPS))
      out.send_flops[k] = *v;
  }
}

} // namespace

void read_process_model(Checker& checker, const json& model, const std::string& parent, ProcessModel& out)
{
  auto it = model.find("process");
  if (it == model.end())
    return;
  std::string pointer = pointer_append(parent, "process");
  if (!checker.object(*it, pointer,
                      {"cpu", "wake_cooling_ms", "cold_factor", "warmup_events", "cpu_slice_ms", "costs"}))
    return;
  const json& p = *it;
  if (auto v = checker.boolean(p, pointer, "cpu"))
    out.cpu = *v;
  if (auto v = checker.number(p, pointer, "wake_cooling_ms", NON_NEGATIVE))
    out.wake_cooling_ms = *v;
  if (auto v = checker.number(p, pointer, "cold_factor", NumberRule{1, false, 100, false}))
    out.cold_factor = *v;
  if (auto v = checker.number(p, pointer, "warmup_events", POSITIVE))
    out.warmup_events = *v;
  if (auto v = checker.number(p, pointer, "cpu_slice_ms", NON_NEGATIVE))
    out.cpu_slice_ms = *v;
  auto costs = p.find("costs");
  if (costs == p.end())
    return;
  std::string costs_pointer = pointer_append(pointer, "costs");
  std::vector<std::string> groups;
  for (int g = 0; g < COST_GROUP_COUNT; g++)
    groups.emplace_back(cost_group_name(static_cast<CostGroup>(g)));
  if (!checker.object(*costs, costs_pointer, groups))
    return;
  for (int g = 0; g < COST_GROUP_COUNT; g++) {
    auto group = costs->find(groups[static_cast<size_t>(g)]);
    if (group != costs->end())
      read_costs(checker, *group, pointer_append(costs_pointer, groups[static_cast<size_t>(g)]), out.costs[g]);
  }
}

void read_connection_model(Checker& checker, const json& model, const std::string& parent, ConnectionModel& out)
{
  auto it = model.find("connections");
  if (it == model.end())
    return;
  std::string pointer = pointer_append(parent, "connections");
  if (!checker.object(*it, pointer,
                      {"keep_alive", "max_idle_per_destination", "idle_timeout_s", "accept_backlog", "syn_retry_s",
                       "syn_give_up_s"}))
    return;
  const json& c = *it;
  if (auto v = checker.boolean(c, pointer, "keep_alive"))
    out.keep_alive = *v;
  if (auto v = checker.number(c, pointer, "max_idle_per_destination", NumberRule{0, false, 1e6, true}))
    out.max_idle_per_destination = static_cast<int>(*v);
  if (auto v = checker.number(c, pointer, "idle_timeout_s", POSITIVE))
    out.idle_timeout_s = *v;
  // A listen backlog of 0 still queues one connection in Linux, but no server is run that way on purpose.
  if (auto v = checker.number(c, pointer, "accept_backlog", NumberRule{1, false, 1e6, true}))
    out.accept_backlog = static_cast<int>(*v);
  if (auto v = checker.number(c, pointer, "syn_give_up_s", POSITIVE))
    out.syn_give_up_s = *v;
  auto retries = c.find("syn_retry_s");
  if (retries == c.end())
    return;
  std::string retry_pointer = pointer_append(pointer, "syn_retry_s");
  if (!retries->is_array()) {
    checker.error(retry_pointer, "expected array of increasing delays in seconds, got " + retries->dump());
    return;
  }
  std::vector<double> delays;
  for (size_t i = 0; i < retries->size(); i++) {
    std::string item_pointer = pointer_append(retry_pointer, i);
    auto v = checker.number_value((*retries)[i], item_pointer, POSITIVE);
    if (!v)
      return;
    if (!delays.empty() && *v <= delays.back()) {
      checker.error(item_pointer, "expected a delay greater than the one before (" + format_number(delays.back()) +
                                      "), got " + format_number(*v));
      return;
    }
    delays.push_back(*v);
  }
  if (!delays.empty() && out.syn_give_up_s <= delays.back())
    checker.error(pointer_append(pointer, "syn_give_up_s"), "expected a time after the last SYN retransmission (" +
                                                                format_number(delays.back()) + "), got " +
                                                                format_number(out.syn_give_up_s));
  out.syn_retry_s = delays;
}

} // namespace svcsim
