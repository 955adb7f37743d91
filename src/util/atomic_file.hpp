// Whole-file writes that a reader, or a crash, never sees half done.
#pragma once

#include <string>

namespace svcsim
{

// Writes to a temporary file beside `path`, flushes it to disk, then renames it over `path`. A symlink is
// followed and its target replaced; the replaced file's permissions are kept. Returns "" or an error line.
std::string write_file_atomic(const std::string& path, const std::string& content);

// The same; throws std::runtime_error with the error line on failure.
void save_file_atomic(const std::string& path, const std::string& text);

} // namespace svcsim
