// Platform scan: the host and link names of a SimGrid platform file, found without an XML library
// (hosts, clusters with radicals, links, comments, entities) and the errors on files that are not platforms.
#include "parse/platform_scan.hpp"
#include "parse/scenario_parser.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

using namespace svcsim;

namespace
{

std::string repo(const std::string& relative)
{
  namespace fs = std::filesystem;
  return (fs::absolute(fs::path(__FILE__)).parent_path().parent_path().parent_path() / relative).string();
}

} // namespace

TEST_CASE("platform scan: hosts, clusters with radicals, links, comments")
{
  std::string xml = R"(<?xml version='1.0'?>
<platform version="4.1">
  <!-- <host id="commented-out"/> -->
  <zone id="z" routing="Full">
    <host id="front" speed="1Gf"/>
    <link id='l1' bandwidth="1GBps" latency="1us"/>
    <cluster id="c" prefix="n-" suffix=".lan" radical="0-2,5,7-8" speed="1Gf" bw="1Gbps" lat="1us"/>
    <host id="a&amp;b" speed="1Gf"/>
  </zone>
</platform>)";
  PlatformNames names = scan_platform_text(xml, "p.xml");
  CHECK(names.hosts ==
        std::vector<std::string>{"front", "n-0.lan", "n-1.lan", "n-2.lan", "n-5.lan", "n-7.lan", "n-8.lan", "a&b"});
  CHECK(names.links == std::vector<std::string>{"l1"});
  CHECK(names.has_cluster);

  std::vector<std::string> lan = platform_host_names(repo("platforms/lan.xml"));
  REQUIRE(lan.size() == 64);
  CHECK(lan.front() == "node-0");
  CHECK(lan.back() == "node-63");
  CHECK(platform_host_names(repo("platforms/localhost.xml")) == std::vector<std::string>{"localhost"});
  CHECK(platform_link_names(repo("platforms/localhost.xml")) == std::vector<std::string>{"loopback"});

  CHECK_THROWS_WITH_AS(platform_host_names("/nonexistent/p.xml"),
                       "/nonexistent/p.xml: error: expected a readable SimGrid platform file, got no such file",
                       InputError);
  CHECK_THROWS_WITH_AS(scan_platform_text("{\"json\": true}", "p.xml"),
                       "p.xml: error: expected a SimGrid platform XML file (<platform ...>), got no <platform> element",
                       InputError);
  CHECK_THROWS_WITH_AS(scan_platform_text("<platform>\n<cluster id=\"c\" prefix=\"n\" radical=\"3-1\"/>", "p.xml"),
                       "p.xml:2:1: error: expected a radical like \"0-63\" or \"0-3,5,7-9\", got \"3-1\"", InputError);
  CHECK_THROWS_AS(scan_platform_text("<platform><cluster prefix=\"n\" radical=\"0-99999999\"/>", "p.xml"), InputError);
}
