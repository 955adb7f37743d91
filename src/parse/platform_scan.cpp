#include "parse/platform_scan.hpp"

#include "parse/json_positions.hpp"
#include "parse/scenario_parser.hpp"
#include "util/diagnostics.hpp"

#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

namespace svcsim
{

namespace
{

// A cluster of a million hosts is a typo (radical "0-1000000"), not an experiment svcsim can run.
constexpr size_t MAX_HOSTS = 1000000;

[[noreturn]] void fail(const std::string& file, const std::string& text, size_t offset, const std::string& message)
{
  TextPos p = position_at(text, offset);
  throw InputError(Diagnostic{file, p.line, p.col, "", message});
}

std::string decode_entities(const std::string& s)
{
  static const std::pair<const char*, char> entities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  std::string out;
  for (size_t i = 0; i < s.size();) {
    bool replaced = false;
    if (s[i] == '&') {
      for (const auto& [name, c] : entities) {
        if (s.compare(i, std::char_traits<char>::length(name), name) == 0) {
          out += c;
          i += std::char_traits<char>::length(name);
          replaced = true;
          break;
        }
      }
    }
    if (!replaced)
      out += s[i++];
  }
  return out;
}

bool parse_uint(const std::string& s, unsigned long long& v)
{
  if (s.empty() || s.size() > 12)
    return false;
  v = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
    v = v * 10 + (c - '0');
  }
  return true;
}

std::string trim(const std::string& s)
{
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// SimGrid radicals: "0-63", "0-3,5,7-9".
void expand_radical(const std::string& radical, const std::string& prefix, const std::string& suffix,
                    std::vector<std::string>& hosts, const std::string& file, const std::string& text, size_t at)
{
  std::stringstream parts(radical);
  std::string part;
  while (std::getline(parts, part, ',')) {
    part = trim(part);
    size_t dash = part.find('-');
    unsigned long long lo;
    unsigned long long hi;
    bool ok = dash == std::string::npos
                  ? parse_uint(part, lo) && parse_uint(part, hi)
                  : parse_uint(trim(part.substr(0, dash)), lo) && parse_uint(trim(part.substr(dash + 1)), hi);
    if (!ok || hi < lo)
      fail(file, text, at, "expected a radical like \"0-63\" or \"0-3,5,7-9\", got \"" + radical + "\"");
    if (hi - lo + 1 > MAX_HOSTS - hosts.size())
      fail(file, text, at, "expected at most " + std::to_string(MAX_HOSTS) + " hosts, got radical \"" + radical + "\"");
    for (unsigned long long n = lo; n <= hi; ++n)
      hosts.push_back(prefix + std::to_string(n) + suffix);
  }
}

} // namespace

PlatformNames scan_platform_text(const std::string& text, const std::string& file)
{
  if (text.find("<platform") == std::string::npos)
    throw InputError(
        Diagnostic{file, 0, 0, "", "expected a SimGrid platform XML file (<platform ...>), got no <platform> element"});

  PlatformNames names;
  size_t i = 0;
  while ((i = text.find('<', i)) != std::string::npos) {
    size_t tag_start = i;
    auto skip_past = [&](const char* end) {
      size_t e = text.find(end, i);
      if (e == std::string::npos)
        fail(file, text, tag_start, std::string("expected \"") + end + "\" to close this markup, got end of file");
      i = e + std::char_traits<char>::length(end);
    };
    if (text.compare(i, 4, "<!--") == 0) {
      skip_past("-->");
      continue;
    }
    if (text.compare(i, 2, "<?") == 0) {
      skip_past("?>");
      continue;
    }
    if (text.compare(i, 2, "<!") == 0 || text.compare(i, 2, "</") == 0) {
      skip_past(">");
      continue;
    }
    ++i;
    size_t name_start = i;
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_' || text[i] == '-'))
      ++i;
    std::string tag = text.substr(name_start, i - name_start);

    // Attributes up to '>' (quoted values may hold '>').
    std::map<std::string, std::string> attrs;
    for (;;) {
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
      if (i >= text.size())
        fail(file, text, tag_start, "expected '>' to close <" + tag + ">, got end of file");
      if (text[i] == '>' || text[i] == '/') {
        ++i;
        break;
      }
      size_t attr_start = i;
      while (i < text.size() && text[i] != '=' && text[i] != '>' && !std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
      std::string attr = text.substr(attr_start, i - attr_start);
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
      if (i >= text.size() || text[i] != '=')
        continue; // an attribute without value: not XML, but SimGrid will say so
      ++i;
      while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
      if (i >= text.size() || (text[i] != '"' && text[i] != '\''))
        fail(file, text, i, "expected a quoted value for attribute " + attr + " of <" + tag + ">");
      char quote = text[i++];
      size_t value_end = text.find(quote, i);
      if (value_end == std::string::npos)
        fail(file, text, attr_start,
             "expected a closing quote for attribute " + attr + " of <" + tag + ">, got end of file");
      attrs[attr] = decode_entities(text.substr(i, value_end - i));
      i = value_end + 1;
    }

    if ((tag == "host" || tag == "peer") && attrs.count("id")) {
      names.hosts.push_back(attrs["id"]);
    } else if ((tag == "link" || tag == "backbone") && attrs.count("id")) {
      names.links.push_back(attrs["id"]);
    } else if (tag == "cluster" || tag == "cabinet") {
      names.has_cluster = names.has_cluster || tag == "cluster";
      expand_radical(attrs["radical"], attrs["prefix"], attrs["suffix"], names.hosts, file, text, tag_start);
    }
  }
  return names;
}

PlatformNames scan_platform(const std::string& platform_file)
{
  std::ifstream in(platform_file, std::ios::binary);
  if (!in)
    throw InputError(
        Diagnostic{platform_file, 0, 0, "", "expected a readable SimGrid platform file, got no such file"});
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad())
    throw InputError(
        Diagnostic{platform_file, 0, 0, "", "expected a readable SimGrid platform file, got a read error"});
  return scan_platform_text(buffer.str(), platform_file);
}

std::vector<std::string> platform_host_names(const std::string& platform_file)
{
  return scan_platform(platform_file).hosts;
}

std::vector<std::string> platform_link_names(const std::string& platform_file)
{
  return scan_platform(platform_file).links;
}

} // namespace svcsim
