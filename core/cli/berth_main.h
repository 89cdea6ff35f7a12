// The main of both executables: berth, and berth-pipeline (see pipeline.h).
#pragma once

namespace berth {

// Runs one berth command line and returns the process exit code. `pipeline`:
// this is berth-pipeline, whose handlers have been installed.
int BerthMain(int argc, char** argv, bool pipeline);

}  // namespace berth
