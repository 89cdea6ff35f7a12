#include "core/shim/shim_log.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace berth::shim {

bool WriteAll(int fd, const char* data, size_t len) {
  while (len > 0) {
    ssize_t n = ::write(fd, data, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

Log::Log(std::string path, long max_bytes) : path_(std::move(path)), max_(max_bytes) { Open(); }

Log::~Log() {
  if (fd_ >= 0) ::close(fd_);
}

void Log::Line(const char* stream, const char* text, size_t len) {
  char stamp[64];
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  tm utc{};
  ::gmtime_r(&ts.tv_sec, &utc);
  size_t n = ::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(stamp + n, sizeof stamp - n, ".%06ldZ %s ", ts.tv_nsec / 1000, stream);
  std::string line = stamp;
  line.append(text, len);
  line.push_back('\n');
  if (size_ + static_cast<long>(line.size()) > max_ && size_ > 0) Rotate();
  if (fd_ >= 0 && WriteAll(fd_, line.data(), line.size())) {
    size_ += static_cast<long>(line.size());
  }
}

void Log::Message(const char* text) { Line("shim", text, std::strlen(text)); }

void Log::Note(const char* text) { Line("berth", text, std::strlen(text)); }

void Log::Open() {
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  struct stat st {};
  size_ = fd_ >= 0 && ::fstat(fd_, &st) == 0 ? static_cast<long>(st.st_size) : 0;
}

void Log::Rotate() {
  if (fd_ >= 0) ::close(fd_);
  ::rename(path_.c_str(), (path_ + ".1").c_str());
  Open();
}

bool Stream::Pump(Log& log) {
  char buf[8192];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) {
    Flush(log);
    ::close(fd);
    fd = -1;
    return false;
  }
  partial.append(buf, static_cast<size_t>(n));
  size_t start = 0;
  size_t nl;
  while ((nl = partial.find('\n', start)) != std::string::npos) {
    log.Line(name, partial.data() + start, nl - start);
    start = nl + 1;
  }
  partial.erase(0, start);
  if (partial.size() >= 16384) Flush(log);
  return true;
}

void Stream::Flush(Log& log) {
  if (!partial.empty()) log.Line(name, partial.data(), partial.size());
  partial.clear();
}

void Stream::Drain(Log& log) {
  if (fd < 0) return;
  ::fcntl(fd, F_SETFL, O_NONBLOCK);
  while (fd >= 0) {
    pollfd p = {fd, POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0) break;
    Pump(log);
  }
  Flush(log);
  if (fd >= 0) ::close(fd), fd = -1;
}

}  // namespace berth::shim
