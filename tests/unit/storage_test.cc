// storage: parsing of HOST:CONTAINER[:ro], the host paths containers may not
// get, and storage:* through the dispatcher.
#include "core/runtime/storage.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/unit/command_fixture.h"

namespace berth {
namespace {

TEST(ParseStorageMountTest, AcceptsPlainAbsolutePaths) {
  auto m = ParseStorageMount("/srv/data:/app/storage");
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->host_path, "/srv/data");
  EXPECT_EQ(m->container_path, "/app/storage");
  EXPECT_FALSE(m->read_only);
  auto ro = ParseStorageMount("/srv/data/:/data:ro");
  ASSERT_TRUE(ro.ok());
  EXPECT_EQ(ro->host_path, "/srv/data");
  EXPECT_TRUE(ro->read_only);
  EXPECT_EQ(StorageMountText(*ro), "/srv/data:/data:ro");
  EXPECT_FALSE(ParseStorageMount("/srv/data:/data:rw")->read_only);
}

TEST(ParseStorageMountTest, RefusesRelativeDottedAndKernelPaths) {
  for (const char* bad :
       {"", "/srv", "/srv:", ":/data", "srv:/data", "/srv:data", "/srv/../etc:/data",
        "/srv:/app/../etc", "/srv/./x:/data", "/srv//x:/data", "/srv:/data:rx", "/srv:/data:ro:x",
        "/srv:/", "/srv:/proc", "/srv:/proc/sys", "/srv:/sys/fs", "/srv:/dev", "/srv:/dev/shm",
        "/s,rv:/data"}) {
    EXPECT_FALSE(ParseStorageMount(bad).ok()) << bad;
  }
  EXPECT_TRUE(ParseStorageMount("/srv:/process").ok());  // only /proc itself and below
}

class StorageHostPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.Join("berth");
    data_ = dir_.Join("data");
    ASSERT_TRUE(MakeDirs(root_).ok());
    ASSERT_TRUE(MakeDirs(data_).ok());
  }
  void TearDown() override { dir_.Remove(); }
  test::TempDir dir_;
  std::string root_, data_;
};

TEST_F(StorageHostPathTest, AnExistingOwnDirectoryIsFine) {
  auto real = ResolveStorageHostPath(data_, root_);
  ASSERT_TRUE(real.ok()) << real.status().message();
  EXPECT_EQ(*real, std::filesystem::canonical(data_).string());
}

TEST_F(StorageHostPathTest, RefusesMissingSystemAndBerthPaths) {
  for (const std::string& bad :
       {data_ + "/missing", std::string("/"), std::string("/etc"), std::string("/etc/ssl"),
        std::string("/proc"), std::string("/sys"), std::string("/dev"), std::string("/root"),
        std::string("/boot"), std::string("/usr/lib"), root_, root_ + "/..", dir_.path()}) {
    if (!PathExists(bad)) continue;  // e.g. no /boot in a container
    EXPECT_FALSE(ResolveStorageHostPath(bad, root_).ok()) << bad;
  }
  ASSERT_TRUE(MakeDirs(root_ + "/inner").ok());
  EXPECT_FALSE(ResolveStorageHostPath(root_ + "/inner", root_).ok());
  EXPECT_FALSE(ResolveStorageHostPath(data_ + "/missing", root_).ok());
}

TEST_F(StorageHostPathTest, ASymlinkIsJudgedByWhereItLeads) {
  std::filesystem::create_directory_symlink("/etc", dir_.Join("etc-link"));
  EXPECT_FALSE(ResolveStorageHostPath(dir_.Join("etc-link"), root_).ok());
  std::filesystem::create_directory_symlink(root_, data_ + "/state");
  EXPECT_FALSE(ResolveStorageHostPath(data_ + "/state", root_).ok());
}

TEST_F(StorageHostPathTest, StorageMountsAreOrderedAndRechecked) {
  ASSERT_TRUE(MakeDirs(data_ + "/sub").ok());
  std::map<std::string, std::string> props = {{"/data/sub", data_ + "/sub:/data/sub:ro"},
                                              {"/data", data_ + ":/data"}};
  auto mounts = StorageMounts(props, root_);
  ASSERT_TRUE(mounts.ok()) << mounts.status().message();
  ASSERT_EQ(mounts->size(), 2u);
  EXPECT_EQ((*mounts)[0].container_path, "/data");
  EXPECT_TRUE((*mounts)[1].read_only);
  std::filesystem::remove(data_ + "/sub");
  EXPECT_EQ(StorageMounts(props, root_).status().code(), StatusCode::kFailedPrecondition);
}

class StorageCommandsTest : public test::CommandTest {
 protected:
  void SetUp() override {
    CommandTest::SetUp();
    ASSERT_TRUE(RunOk({"apps:create", "app"}));
    data_ = dir_.Join("data");
    ASSERT_TRUE(MakeDirs(data_).ok());
  }
  std::string data_;
};

TEST_F(StorageCommandsTest, MountListUnmount) {
  ASSERT_TRUE(RunOk({"storage:mount", "app", data_ + ":/app/storage"}));
  ASSERT_TRUE(RunOk({"storage:mount", "app", data_ + "/:/config:ro"}));
  ASSERT_TRUE(RunOk({"storage:list", "app"}));
  EXPECT_EQ(out(), "=====> app volume bind-mounts:\n       " + data_ + ":/app/storage\n       " +
                       data_ + ":/config:ro\n");
  EXPECT_EQ(Run({"storage:mount", "app", data_ + ":/config"}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(Run({"storage:unmount", "app", data_ + ":/config"}).code(), StatusCode::kNotFound);
  ASSERT_TRUE(RunOk({"storage:unmount", "app", data_ + ":/config:ro"}));
  ASSERT_TRUE(RunOk({"storage:list", "app"}));
  EXPECT_EQ(out(), "=====> app volume bind-mounts:\n       " + data_ + ":/app/storage\n");
}

TEST_F(StorageCommandsTest, RefusesBadMounts) {
  EXPECT_EQ(Run({"storage:mount", "app", "/etc:/data"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"storage:mount", "app", data_ + "/nope:/data"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"storage:mount", "app", env_.root + ":/data"}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"storage:mount", "app", data_ + ":/proc"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Run({"storage:mount", "app"}).code(), StatusCode::kInvalidArgument);
  auto props = store().ListProperties(kStoragePlugin, Scope::App("app"));
  ASSERT_TRUE(props.ok());
  EXPECT_TRUE(props->empty());
}

}  // namespace
}  // namespace berth
