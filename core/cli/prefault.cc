#include "core/cli/prefault.h"

#include <link.h>
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace berth {
namespace {

// What a berth command typically allocates (apps:list with 100 apps peaks at
// about 240 KB, of which 72 KB is libstdc++'s untouched exception pool).
constexpr int kHeapPrefault = 256 * 1024;

uintptr_t PageDown(uintptr_t address) {
  const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  return address & ~(page - 1);
}

void Populate(uintptr_t begin, uintptr_t end, int advice) {
  begin = PageDown(begin);
  if (end <= begin) return;
  ::madvise(reinterpret_cast<void*>(begin), end - begin, advice);
}

int PopulateExecutable(dl_phdr_info* info, size_t, void*) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_LOAD) continue;
    uintptr_t begin = info->dlpi_addr + segment.p_vaddr;
    Populate(begin, begin + segment.p_memsz,
             (segment.p_flags & PF_W) != 0 ? MADV_POPULATE_WRITE : MADV_POPULATE_READ);
  }
  return 1;  // the executable is listed first; the rest (vdso) is not ours
}

}  // namespace

void PrefaultImage() {
  ::dl_iterate_phdr(PopulateExecutable, nullptr);
  // Grow the heap by kHeapPrefault at its first extension, then populate it.
  ::mallopt(M_TOP_PAD, kHeapPrefault);
  void* first = std::malloc(1);
  if (first == nullptr) return;
  Populate(reinterpret_cast<uintptr_t>(first), reinterpret_cast<uintptr_t>(::sbrk(0)),
           MADV_POPULATE_WRITE);
  std::free(first);
}

}  // namespace berth
