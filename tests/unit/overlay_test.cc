// OverlayMountData: the mount(2) options for a container's root filesystem.
#include "core/runtime/overlay.h"

#include <gtest/gtest.h>

namespace berth {
namespace {

TEST(OverlayTest, LowerLayersTopmostFirst) {
  auto data = OverlayMountData({{"/slug", "/stack"}, "/c/upper", "/c/work", "/c/rootfs"});
  ASSERT_TRUE(data.ok()) << data.status().message();
  EXPECT_EQ(*data, "lowerdir=/slug:/stack,upperdir=/c/upper,workdir=/c/work");
}

TEST(OverlayTest, RefusesPathsOverlayfsCannotExpress) {
  EXPECT_FALSE(OverlayMountData({{}, "/u", "/w", "/t"}).ok()) << "no lower layer";
  EXPECT_FALSE(OverlayMountData({{"/a:b"}, "/u", "/w", "/t"}).ok());
  EXPECT_FALSE(OverlayMountData({{"/a,b"}, "/u", "/w", "/t"}).ok());
  EXPECT_FALSE(OverlayMountData({{"relative"}, "/u", "/w", "/t"}).ok());
  EXPECT_FALSE(OverlayMountData({{"/a"}, "/u,x", "/w", "/t"}).ok());
}

TEST(OverlayTest, NothingMountedIsNotAMountPoint) {
  EXPECT_FALSE(IsMountPoint("/definitely/not/mounted/here"));
  EXPECT_TRUE(UnmountIfMounted("/definitely/not/mounted/here").ok());
}

}  // namespace
}  // namespace berth
