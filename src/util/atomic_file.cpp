#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace svcsim
{

namespace fs = std::filesystem;

std::string write_file_atomic(const std::string& path, const std::string& content)
{
  std::error_code ec;
  fs::path target = path;
  if (fs::is_symlink(fs::symlink_status(target, ec))) { // (a path that does not exist yet is fine)
    target = fs::canonical(target, ec);
    if (ec)
      return path + ": error: cannot resolve the symlink: " + ec.message();
  }
  std::string temp = target.string() + ".tmp-" + std::to_string(::getpid());
  auto fail = [&](const std::string& what) {
    std::string message = path + ": error: " + what + ": " + std::strerror(errno);
    ::unlink(temp.c_str());
    return message;
  };
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return path + ": error: cannot create " + temp + ": " + std::strerror(errno);
  struct stat old_stat;
  if (::stat(target.c_str(), &old_stat) == 0) // keep the permissions of the file being replaced
    ::fchmod(fd, old_stat.st_mode & 07777);
  for (size_t written = 0; written < content.size();) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      ::close(fd);
      return fail("cannot write");
    }
    written += static_cast<size_t>(n);
  }
  // fsync before rename: otherwise a crash can leave the new name pointing at an empty file.
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("cannot flush");
  }
  if (::close(fd) != 0)
    return fail("cannot close");
  if (::rename(temp.c_str(), target.c_str()) != 0)
    return fail("cannot rename the temporary file into place");
  return "";
}

void save_file_atomic(const std::string& path, const std::string& text)
{
  std::string failure = write_file_atomic(path, text);
  if (!failure.empty())
    throw std::runtime_error(failure);
}

} // namespace svcsim
