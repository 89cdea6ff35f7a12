#include "core/cli/pipeline/output_tee.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "core/base/files.h"

namespace berth {
namespace {

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the user went away: keep logging
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

Result<std::unique_ptr<OutputTee>> OutputTee::Start(const std::string& log_path) {
  std::unique_ptr<OutputTee> tee(new OutputTee());
  tee->log_fd_ = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (tee->log_fd_ < 0) return Internal(ErrnoMessage("cannot write " + log_path));
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Internal(ErrnoMessage("pipe"));
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  tee->saved_out_ = ::fcntl(1, F_DUPFD_CLOEXEC, 3);
  tee->saved_err_ = ::fcntl(2, F_DUPFD_CLOEXEC, 3);
  ::dup2(fds[1], 1);
  ::dup2(fds[1], 2);
  ::close(fds[1]);
  tee->pipe_read_ = fds[0];
  tee->copier_ = std::thread([out = tee->saved_out_, log = tee->log_fd_, in = fds[0]] {
    char buf[16384];
    while (true) {
      ssize_t n = ::read(in, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      WriteAll(out, buf, static_cast<size_t>(n));
      WriteAll(log, buf, static_cast<size_t>(n));
    }
  });
  return tee;
}

OutputTee::~OutputTee() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  // Pointing 1 and 2 back closes the pipe's last write ends held by berth;
  // the copier ends once children that still hold it have exited too.
  if (saved_out_ >= 0) ::dup2(saved_out_, 1);
  if (saved_err_ >= 0) ::dup2(saved_err_, 2);
  if (copier_.joinable()) copier_.join();
  for (int fd : {saved_out_, saved_err_, log_fd_, pipe_read_}) {
    if (fd >= 0) ::close(fd);
  }
}

}  // namespace berth
