// Base64 (RFC 4648 section 4, standard alphabet): the test vectors of section 10,
// binary round trips, and refusal of text that is not base64.
#include "core/base/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace berth {
namespace {

using namespace std::string_literals;

const std::vector<std::pair<std::string, std::string>>& Rfc4648Vectors() {
  static const std::vector<std::pair<std::string, std::string>> kVectors = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  return kVectors;
}

TEST(Base64Test, EncodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : Rfc4648Vectors()) {
    EXPECT_EQ(Base64Encode(plain), encoded) << "encoding '" << plain << "'";
  }
}

TEST(Base64Test, DecodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : Rfc4648Vectors()) {
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.ok()) << encoded << ": " << decoded.status().message();
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, DecodesUnpaddedInput) {
  for (const auto& [plain, encoded] : Rfc4648Vectors()) {
    std::string unpadded = encoded.substr(0, encoded.find('='));
    auto decoded = Base64Decode(unpadded);
    ASSERT_TRUE(decoded.ok()) << unpadded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(Base64Test, UsesThePlusAndSlashAlphabet) {
  EXPECT_EQ(Base64Encode("\xfb\xff\xbf"s), "+/+/");
  auto decoded = Base64Decode("+/+/");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "\xfb\xff\xbf"s);
}

TEST(Base64Test, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= all.size(); len += 37) {
    std::string data = all.substr(0, len) + "\0\n'\""s;
    auto decoded = Base64Decode(Base64Encode(data));
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(*decoded, data);
  }
}

TEST(Base64Test, RefusesCharactersOutsideTheAlphabet) {
  for (std::string text : {"Zm9v!", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "Zg==Zg==", "Z=g="}) {
    auto decoded = Base64Decode(text);
    ASSERT_FALSE(decoded.ok()) << "accepted [" << text << "]";
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("Invalid base64"), std::string::npos);
  }
}

TEST(Base64Test, RefusesImpossibleLengths) {
  for (std::string text : {"Z", "Zm9vY", "Zm9vY===", "Z==="}) {
    auto decoded = Base64Decode(text);
    EXPECT_FALSE(decoded.ok()) << "accepted [" << text << "]";
  }
}

}  // namespace
}  // namespace berth
