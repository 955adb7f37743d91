// Every message that crosses the simulated network, as plain structs in one std::variant. Each says
// "sender → receiver". Answers carry the `conn` of the request they answer (the HTTP connection).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace svcsim
{

// Optional parts of an API request (only for endpoints that read them: signup, data, flows).
struct RequestData {
  std::string path;          // the concrete path, e.g. "/api/data/data-3"
  std::string body;          // JSON text
  std::string authorization; // "Bearer <token>"
};

// instance → registry: POST /api/registry/register {serviceId, serviceType, address, name, metadata}
struct RegisterRequest {
};
// instance → registry: POST /api/registry/heartbeat {serviceId}
struct HeartbeatRequest {
};
// instance → registry: POST /api/registry/deregister {serviceId}
struct DeregisterRequest {
};
// balancer, detector → registry: GET /api/registry/services[?healthy=true]
struct ListRequest {
  bool healthy_only = false;
};
// registry → balancer, detector: the listed entries in registration order
struct ListReply {
  std::vector<int> instances;
  std::vector<char> healthy;
};
// balancer, detector → instance or balancer: GET /health
struct HealthRequest {
};
// client → balancer, balancer → instance: any /api/... (and the balancer's own /status, /api/metrics)
struct ApiRequest {
  uint64_t request_id = 0; // the client's request number (an X-Request-Id header): joins attempts to requests
  uint32_t endpoint = 0;   // index in the endpoint table (Simulation::endpoints)
  bool post = false;
  std::shared_ptr<const RequestData> data; // null for the work endpoints (no body to read)
};
// any server → requester: an HTTP answer (status code and, where someone reads it, a body)
struct Reply {
  int status = 200;
  int served_by = -1; // the instance that produced the answer (balancer passes it through)
  std::shared_ptr<const std::string> body;
};
// the kernel of a crashed process's host → each peer with an open connection to it: TCP RST
struct ConnectionReset {
};

using Body = std::variant<RegisterRequest, HeartbeatRequest, DeregisterRequest, ListRequest, ListReply, HealthRequest,
                          ApiRequest, Reply, ConnectionReset>;

// Requests open (or reuse) a connection; answers travel back on the connection of the request they answer.
inline bool is_request(const Body& b)
{
  return !std::holds_alternative<ListReply>(b) && !std::holds_alternative<Reply>(b) &&
         !std::holds_alternative<ConnectionReset>(b);
}

// For std::visit with if-constexpr chains: an unhandled alternative fails to compile.
template <class> inline constexpr bool ALWAYS_FALSE = false;

struct Message {
  uint64_t conn = 0; // chosen by the side that opened the connection
  int from = -1;     // component ids
  int to = -1;
  uint32_t incarnation = 0; // the receiver's process incarnation at send time (stale after a restart)
  bool new_conn = false;    // the first message of a connection: it waits in the receiver's accept queue
  uint32_t bytes = 0;       // its size on the wire (what it holds in memory while it waits)
  Body body;
};

} // namespace svcsim
