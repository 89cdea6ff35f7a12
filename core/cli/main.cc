// The berth executable. Commands that need libgit2 or libarchive are forwarded
// to berth-pipeline (see pipeline.h), so this one loads only libc.
#include "core/cli/berth_main.h"

int main(int argc, char** argv) { return berth::BerthMain(argc, argv, /*pipeline=*/false); }
