// Start-up of the berth command: a berth command runs for a few milliseconds,
// and on a VM each page fault costs about 12 us, so taking the executable's
// pages and a first stretch of heap in one madvise each is cheaper than
// faulting them in one by one (docs/performance.md, CLI latency).
#pragma once

namespace berth {

// Populates the page tables for the running executable's segments (read-only
// ones mapped, writable ones copied) and for the first kHeapPrefault bytes of
// the malloc heap. Best effort: a kernel without MADV_POPULATE_* (before 5.14)
// just faults as usual.
void PrefaultImage();

}  // namespace berth
