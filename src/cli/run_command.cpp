#include "cli/run_command.hpp"

#include "cli/text_report.hpp"
#include "metrics/perf_clock.hpp"
#include "metrics/summary.hpp"
#include "sim/simulation.hpp"
#include "store/results_writer.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace svcsim {

namespace fs = std::filesystem;

std::string sha256_hex(const std::string& text)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; i++) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

static void prepare_out_dir(const std::string& dir)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw InputError(Diagnostic{dir, 0, 0, "", "cannot create the output directory: " + ec.message()});
  std::string probe = dir + "/.svcsim-write-test";
  FILE* f = std::fopen(probe.c_str(), "w");
  if (!f)
    throw InputError(Diagnostic{dir, 0, 0, "", "the output directory is not writable"});
  std::fclose(f);
  std::remove(probe.c_str());
}

// The seed's README: the default JWT_SECRET is "not recommended for production"; say so, as its docs do.
void warn_default_secret(const Scenario& scenario)
{
  static const std::string DEFAULT_SECRET = "your-secret-key-change-in-production";
  bool uses_tokens = false; // only runs that issue or check tokens: the work endpoints never sign anything
  for (const auto& w : scenario.workloads)
    uses_tokens = uses_tokens || (w.endpoint.rfind("/api/auth/", 0) == 0 && w.endpoint.find("-work") == std::string::npos);
  if (!uses_tokens)
    return;
  for (const auto& c : scenario.deployment.components)
    if (c.kind == ComponentKind::INSTANCE && c.type == ServiceType::AUTH &&
        (c.jwt_secret.empty() ? scenario.model.auth.jwt_secret : c.jwt_secret) == DEFAULT_SECRET) {
      std::cerr << scenario.file << ": warning: " << c.name
                << " signs tokens with the default JWT secret (set /parameters/auth/jwt_secret; the seed's docs: "
                   "change it in production)\n";
      return;
    }
}

int run_scenario(const Scenario& scenario, const RunCommandOptions& options, const std::string& out_dir)
{
  double wall0 = perf_wall_seconds();
  prepare_out_dir(out_dir);
  // Stage everything in a private directory; move into place at the end, summary.json last, so a run
  // killed at any moment leaves the previous complete results or a directory without summary.json.
  std::string stage = out_dir + "/.staging-" + std::to_string(::getpid());
  fs::remove_all(stage);
  fs::create_directories(stage);

  RunOptions ro;
  ro.engine_args = options.engine_args;
  ro.system_db_path = scenario.system_db_path.empty() ? stage + "/system.sqlite" : scenario.system_db_path;
  ro.progress = !options.quiet;
  Simulation sim(scenario, ro);
  RunOutput run = sim.run();
  double wall_sim = perf_wall_seconds() - wall0;

  std::string sha = sha256_hex(scenario.resolved_json);
  nlohmann::ordered_json summary = build_summary(scenario, run, sha);
  std::string cfg = "[";
  for (size_t i = 0; i < options.engine_args.size(); i++)
    cfg += (i ? ",\"" : "\"") + options.engine_args[i] + "\"";
  cfg += "]";
  write_results_sqlite(stage + "/results.sqlite", run,
                       {{"scenario", scenario.resolved_json},
                        {"scenario_file", scenario.file},
                        {"scenario_sha256", sha},
                        {"seed", std::to_string(scenario.seed)},
                        {"version", SVCSIM_VERSION},
                        {"git_rev", SVCSIM_GIT_REV},
                        {"simgrid_version", run.simgrid_version},
                        {"cfg", cfg}});
  std::string summary_text = summary.dump(2) + "\n";
  save_file_atomic(stage + "/summary.json", summary_text);

  double wall = perf_wall_seconds() - wall0;
  uint64_t n = run.recorder.requests().size();
  nlohmann::ordered_json perf = {{"wall_s", wall},
                                 {"sim_wall_s", wall_sim},
                                 {"events", run.messages},
                                 {"messages", run.messages},
                                 {"requests", n},
                                 {"sim_requests_per_wall_s", wall_sim > 0 ? static_cast<double>(n) / wall_sim : 0},
                                 {"peak_rss_mb", perf_peak_rss_mb()}};
  save_file_atomic(stage + "/perf.json", perf.dump(2) + "\n");

  std::remove((out_dir + "/summary.json").c_str());
  for (const char* f : {"results.sqlite", "perf.json", "system.sqlite"})
    if (fs::exists(stage + "/" + f))
      fs::rename(stage + "/" + f, out_dir + "/" + f);
  fs::rename(stage + "/summary.json", out_dir + "/summary.json");
  fs::remove_all(stage);

  if (options.format == "json")
    std::cout << summary_text;
  else if (!options.quiet)
    print_text_report(std::cout, summary, out_dir);
  return 0;
}

int run_command(const RunCommandOptions& options)
{
  LoadResult loaded = load_scenario(options.scenario_file, options.load);
  for (const auto& w : loaded.warnings)
    std::cerr << w.format() << "\n";
  warn_default_secret(loaded.scenario);
  std::string out = options.out_dir.empty() ? "results/" + loaded.scenario.name : options.out_dir;
  return run_scenario(loaded.scenario, options, out);
}

} // namespace svcsim
