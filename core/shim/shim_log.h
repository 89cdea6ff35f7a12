// The container's log as berth-shim writes it: BUNDLE/log, one line per line of
// output, "TIMESTAMP STREAM TEXT", rotated to log.1 past a size. STREAM is
// stdout or stderr (the container's), shim (the shim's own notes) or berth
// (notes for the app's owner, which `berth logs` shows with the output).
#pragma once

#include <cstddef>
#include <string>

namespace berth::shim {

// Writes all of `data` to `fd`, retrying short writes; false on error.
bool WriteAll(int fd, const char* data, size_t len);

class Log {
 public:
  Log(std::string path, long max_bytes);
  ~Log();
  Log(const Log&) = delete;
  Log& operator=(const Log&) = delete;

  void Line(const char* stream, const char* text, size_t len);
  void Message(const char* text);  // a "shim" line
  void Note(const char* text);     // a "berth" line

 private:
  void Open();
  void Rotate();

  std::string path_;
  long max_;
  int fd_ = -1;
  long size_ = 0;
};

// One output stream of the container: a pipe read into whole lines.
struct Stream {
  const char* name;
  int fd = -1;
  std::string partial;

  // Reads what is there; returns false at EOF or error (fd closed then).
  bool Pump(Log& log);
  // Logs a last line without its newline, if any.
  void Flush(Log& log);
  // Takes what is left in the pipe without waiting, then closes it.
  void Drain(Log& log);
};

}  // namespace berth::shim
