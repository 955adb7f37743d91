#include "util/diagnostics.hpp"

namespace svcsim {

std::string Diagnostic::format() const
{
  std::string out = file;
  if (line > 0)
    out += ":" + std::to_string(line) + ":" + std::to_string(col);
  out += warning ? ": warning: " : ": error: ";
  if (!pointer.empty())
    out += pointer + ": ";
  out += message;
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
