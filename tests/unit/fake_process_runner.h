// FakeProcessRunner: a ProcessRunner that starts nothing. It records every spec
// it is asked to run and answers with a scripted result: per program (argv[0]),
// else from a callback, else a clean exit with no output.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/base/process.h"

namespace berth::test {

class FakeProcessRunner : public ProcessRunner {
 public:
  using Script = std::function<Result<ProcessResult>(const ProcessSpec&)>;

  Result<ProcessResult> Run(const ProcessSpec& spec) override {
    specs_.push_back(spec);
    if (auto it = by_program_.find(spec.argv.empty() ? "" : spec.argv[0]);
        it != by_program_.end()) {
      return it->second;
    }
    if (script_) return script_(spec);
    return ProcessResult{};
  }

  // Every run of `program` (matched against argv[0]) returns `result`.
  void SetResult(const std::string& program, Result<ProcessResult> result) {
    by_program_.insert_or_assign(program, std::move(result));
  }
  // Shorthand for SetResult with an exit code and output.
  void SetExit(const std::string& program, int exit_code, std::string out = "",
               std::string err = "") {
    ProcessResult r;
    r.exit_code = exit_code;
    r.out = std::move(out);
    r.err = std::move(err);
    SetResult(program, r);
  }
  // Programs without a SetResult answer through `script`.
  void SetScript(Script script) { script_ = std::move(script); }

  const std::vector<ProcessSpec>& specs() const { return specs_; }
  // Forgets the runs so far (the results and script stay).
  void ClearRuns() { specs_.clear(); }
  // argv[0] of every run, in order.
  std::vector<std::string> programs() const {
    std::vector<std::string> out;
    for (const auto& s : specs_) out.push_back(s.argv.empty() ? "" : s.argv[0]);
    return out;
  }

 private:
  std::vector<ProcessSpec> specs_;
  std::map<std::string, Result<ProcessResult>> by_program_;
  Script script_;
};

}  // namespace berth::test
