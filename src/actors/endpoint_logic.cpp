// Runs an endpoint's real logic (services/handlers: SQL, bcrypt, JWT, arithmetic) at the moment the
// instance handles the request, and turns the costs it reports into simulated time: hashes and
// computation become CPU work on the instance's thread; database reads and writes become waits, writes
// behind the shared write lock with the seed's busy timeout.
#include "parse/scenario.hpp"
#include "services/handlers.hpp"
#include "sim/messages.hpp"
#include "sim/shared_services.hpp"

namespace svcsim
{

// One step of /api/compute/direct (an addition, a trial division): a few machine instructions in V8.
constexpr double COMPUTE_STEP_FLOPS = 100;

// The handlers that write (and so may meet a busy lock). A GET of a data item only reads: the defaults it
// once created on the first call now exist from the first data instance's start.
static bool writes(const std::string& handler)
{
  return handler == "signup" || handler == "data_put";
}

LogicOutcome run_endpoint_logic(SharedServices& shared, const Model& model, const EndpointModel& endpoint,
                                const RequestData* data, const std::string& instance_name,
                                const std::string& jwt_secret, double now_s, const unsigned char salt[16])
{
  LogicOutcome out;
  const std::string& h = endpoint.handler;
  const double busy = model.database.busy_timeout_s;
  // A write that would wait past the busy timeout fails before touching the database (SQLITE_BUSY).
  if (writes(h) && shared.lock_free_at - now_s > busy) {
    shared.stats.busy_failures++;
    out.status = 500;
    out.body = std::make_shared<const std::string>("{\"error\":\"SQLITE_BUSY: database is locked\"}");
    out.wait_s = busy;
    return out;
  }
  static const RequestData empty;
  const RequestData& d = data ? *data : empty;
  AuthConfig auth{jwt_secret, model.auth.jwt_expiry_s, model.auth.real_bcrypt_cost};
  HandlerResult r;
  if (h == "signup") {
    r = handle_signup(*shared.db, auth, d.body, now_s, instance_name, salt);
  } else if (h == "signin") {
    r = handle_signin(*shared.db, auth, d.body, now_s, instance_name);
  } else if (h == "verify") {
    r = handle_verify(auth, d.authorization, now_s, instance_name);
  } else if (h == "data_get") {
    std::string id = d.path.substr(d.path.rfind('/') + 1);
    r = handle_data_get(*shared.db, id, now_s, instance_name);
  } else if (h == "data_put") {
    r = handle_data_put(*shared.db, d.body, now_s, instance_name);
  } else if (h == "compute_direct") {
    r = handle_compute_direct(d.body, instance_name);
  } else {
    r.status = 500;
    r.body = "{\"error\":\"no handler " + h + "\"}";
  }
  out.status = r.status;
  out.body = std::make_shared<const std::string>(std::move(r.body));
  out.cpu_flops = r.costs.hashes * model.auth.hash_cpu_flops + r.costs.compute_steps * COMPUTE_STEP_FLOPS;
  out.wait_s = r.costs.db_reads * model.database.read_ms / 1000.0;
  for (int w = 0; w < r.costs.db_writes; w++) {
    double wait = shared.acquire_write(now_s + out.wait_s, model.database.write_ms / 1000.0, busy);
    if (wait < 0) { // cannot happen after the check above unless one request writes many rows
      out.status = 500;
      break;
    }
    out.wait_s += wait + model.database.write_ms / 1000.0;
  }
  return out;
}

} // namespace svcsim
