// SHA-256 digests of strings and files, against the FIPS 180-2 test vectors.
#include "core/build/digest.h"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

TEST(DigestTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(Sha256Hex(std::string_view("\0", 1)),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST(DigestTest, FileDigestMatchesStringDigest) {
  test::TempDir dir;
  std::string big(300000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7919 % 251);
  std::string path = dir.WriteFile("big.bin", big);
  auto digest = Sha256File(path);
  ASSERT_TRUE(digest.ok()) << digest.status().message();
  EXPECT_EQ(*digest, Sha256Hex(big));
  auto empty = Sha256File(dir.WriteFile("empty", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, Sha256Hex(""));
}

TEST(DigestTest, MissingAndUnreadableFiles) {
  test::TempDir dir;
  auto missing = Sha256File(dir.Join("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  auto directory = Sha256File(dir.path());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace berth
