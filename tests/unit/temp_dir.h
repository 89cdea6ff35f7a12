// TempDir: a fresh directory under /tmp for one test, removed with everything in
// it when the test's fixture is torn down. Tests never share one, so they can run
// side by side (ctest -j).
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace berth::test {

class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/berth-unit-XXXXXX";
    if (::mkdtemp(name) == nullptr) {
      ADD_FAILURE() << "mkdtemp failed";
      return;
    }
    path_ = name;
  }
  ~TempDir() { Remove(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Join(std::string_view relative) const { return path_ + "/" + std::string(relative); }

  // Writes `content` to `relative` (creating parent directories) with `mode`.
  std::string WriteFile(std::string_view relative, std::string_view content,
                        mode_t mode = 0644) const {
    std::string file = Join(relative);
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    {
      std::ofstream stream(file, std::ios::binary | std::ios::trunc);
      stream << content;
    }
    ::chmod(file.c_str(), mode);
    return file;
  }

  std::string MakeDir(std::string_view relative) const {
    std::string dir = Join(relative);
    std::filesystem::create_directories(dir);
    return dir;
  }

  void Remove() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
    path_.clear();
  }

 private:
  std::string path_;
};

// The whole content of a file, or "" when it cannot be read.
inline std::string ReadText(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>());
}

}  // namespace berth::test
