// The berth command. Commands that need libgit2 or libarchive are forwarded to
// berth-pipeline (see pipeline.h), so this one stays small and static.
#include "core/cli/berth_main.h"
#include "core/cli/prefault.h"

// Before the other static constructors, which already touch the heap and text.
__attribute__((constructor(101))) static void PrefaultBerth() { berth::PrefaultImage(); }

int main(int argc, char** argv) { return berth::BerthMain(argc, argv, /*pipeline=*/false); }
