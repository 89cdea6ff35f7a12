// An incremental SHA-256, for hashing a slug while it is written.
#pragma once

#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace berth {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  // Adds `data` to what is hashed.
  void Update(std::string_view data);
  // The digest of everything added, as 64 lowercase hex digits; call once.
  std::string HexDigest();

 private:
  evp_md_ctx_st* context_;
};

}  // namespace berth
