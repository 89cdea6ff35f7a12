// Output: the sink every command writes to, in Dokku's shapes.
//   "-----> " a step, "=====> " a header, 7 spaces a detail line,
//   " !     " a warning or error (always to stderr).
// In quiet mode the decorative lines (steps, headers) are dropped; data lines stay.
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>

namespace berth {

class Output {
 public:
  Output(std::ostream& out, std::ostream& err, bool quiet) : out_(out), err_(err), quiet_(quiet) {}

  void Step(std::string_view text);    // "-----> text"
  void Header(std::string_view text);  // "=====> text"
  void Detail(std::string_view text);  // "       text"
  void Warn(std::string_view text);    // " !     text" on stderr, every line prefixed
  void Error(std::string_view text) { Warn(text); }
  void Line(std::string_view text);    // data, printed as is with a newline
  void Raw(std::string_view text);     // data, printed as is
  void Flush();

  bool quiet() const { return quiet_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

 private:
  std::ostream& out_;
  std::ostream& err_;
  bool quiet_;
};

}  // namespace berth
