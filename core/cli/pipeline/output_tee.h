// Copies everything written to this process's stdout and stderr (by berth and
// by every child it starts) into a log file while it still reaches the user:
// how a build's full output is kept for builds:output.
#pragma once

#include <string>
#include <thread>

#include "core/base/status.h"

namespace berth {

class OutputTee {
 public:
  // Starts copying into `log_path` (created or truncated).
  static Result<std::unique_ptr<OutputTee>> Start(const std::string& log_path);
  // Restores stdout and stderr; everything written before is in the log.
  ~OutputTee();

  OutputTee(const OutputTee&) = delete;
  OutputTee& operator=(const OutputTee&) = delete;

 private:
  OutputTee() = default;
  int saved_out_ = -1;
  int saved_err_ = -1;
  int log_fd_ = -1;
  int pipe_read_ = -1;
  std::thread copier_;
};

}  // namespace berth
