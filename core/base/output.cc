#include "core/base/output.h"

#include <ostream>

namespace berth {

void Output::Step(std::string_view text) {
  if (!quiet_) out_ << "-----> " << text << '\n';
}

void Output::Header(std::string_view text) {
  if (!quiet_) out_ << "=====> " << text << '\n';
}

void Output::Detail(std::string_view text) { out_ << "       " << text << '\n'; }

void Output::Warn(std::string_view text) {
  out_.flush();
  size_t start = 0;
  while (true) {
    size_t end = text.find('\n', start);
    err_ << " !     " << text.substr(start, end - start) << '\n';
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  err_.flush();
}

void Output::Line(std::string_view text) { out_ << text << '\n'; }

void Output::Raw(std::string_view text) { out_ << text; }

void Output::Flush() {
  out_.flush();
  err_.flush();
}

}  // namespace berth
