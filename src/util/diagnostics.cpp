#include "util/diagnostics.hpp"

#include <cstdio>

namespace svcsim
{

// One diagnostic, one line: a key or a string with a newline or another control character (legal in JSON as
// an escape, and found by the fuzzer) is shown escaped, so that no input can break or forge error lines.
static std::string one_line(const std::string& s)
{
  std::string out;
  for (unsigned char c : s) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else
      out += static_cast<char>(c);
  }
  return out;
}

std::string Diagnostic::format() const
{
  std::string out = one_line(file);
  if (line > 0)
    out += ":" + std::to_string(line) + ":" + std::to_string(col);
  out += warning ? ": warning: " : ": error: ";
  if (!pointer.empty())
    out += one_line(pointer) + ": ";
  out += one_line(message);
  return out;
}

static std::string join(const std::vector<Diagnostic>& ds)
{
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty())
      out += "\n";
    out += d.format();
  }
  return out;
}

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join(diagnostics)), diagnostics_(std::move(diagnostics))
{
}

} // namespace svcsim
