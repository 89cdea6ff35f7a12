// SqliteStore releases and builds (schema v3): versions count up per app under
// concurrent writers, records round-trip, and destroying an app removes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "core/state/sqlite_store.h"
#include "tests/unit/temp_dir.h"

namespace berth {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

class ReleasesStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    auto opened = SqliteStore::Open(dir_.Join("berth.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    store_ = std::move(*opened);
    ASSERT_TRUE(store_->CreateApp("web").ok());
  }
  void TearDown() override {
    store_.reset();
    dir_.Remove();
  }

  static ReleaseRecord Release(std::string rev) {
    ReleaseRecord r;
    r.description = "Deploy " + rev.substr(0, 7);
    r.git_rev = rev;
    r.slug_digest = "d-" + rev;
    r.builder = "herokuish";
    r.buildpacks = {"Node.js", "Procfile"};
    r.process_types = {{"web", "npm start"}, {"worker", "node worker.js"}};
    r.config = {{"A", "1"}, {"SECRET", "x y"}};
    return r;
  }

  test::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

TEST_F(ReleasesStoreTest, VersionsCountUpFromOnePerApp) {
  ASSERT_TRUE(store_->CreateApp("api").ok());
  EXPECT_EQ(*store_->AddRelease("web", Release("aaaaaaa1")), 1);
  EXPECT_EQ(*store_->AddRelease("web", Release("aaaaaaa2")), 2);
  EXPECT_EQ(*store_->AddRelease("api", Release("bbbbbbb1")), 1);
  auto list = store_->ListReleases("web");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].version, 2);  // newest first
  EXPECT_EQ((*list)[1].git_rev, "aaaaaaa1");
}

TEST_F(ReleasesStoreTest, ARecordRoundTrips) {
  ASSERT_TRUE(store_->AddRelease("web", Release("0123456789")).ok());
  auto r = store_->GetRelease("web", 1);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->description, "Deploy 0123456");
  EXPECT_EQ(r->slug_digest, "d-0123456789");
  EXPECT_EQ(r->builder, "herokuish");
  EXPECT_THAT(r->buildpacks, ElementsAre("Node.js", "Procfile"));
  EXPECT_THAT(r->process_types, ElementsAre(Pair("web", "npm start"), Pair("worker", "node worker.js")));
  EXPECT_THAT(r->config, ElementsAre(Pair("A", "1"), Pair("SECRET", "x y")));
  EXPECT_GT(r->created_at, 0);
}

TEST_F(ReleasesStoreTest, UnknownVersionAndAppAreErrors) {
  auto missing = store_->GetRelease("web", 7);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("no release v7"));
  EXPECT_EQ(store_->AddRelease("ghost", Release("1")).status().code(), StatusCode::kAppNotFound);
  EXPECT_EQ(store_->ListReleases("ghost").status().code(), StatusCode::kAppNotFound);
}

TEST_F(ReleasesStoreTest, ConcurrentReleasesGetDistinctVersions) {
  std::string path = dir_.Join("berth.db");
  std::vector<std::thread> threads;
  std::vector<int> versions(8, 0);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto store = SqliteStore::Open(path);
      if (!store.ok()) return;
      auto v = (*store)->AddRelease("web", Release("rev" + std::to_string(i)));
      if (v.ok()) versions[static_cast<size_t>(i)] = *v;
    });
  }
  for (auto& t : threads) t.join();
  std::sort(versions.begin(), versions.end());
  EXPECT_THAT(versions, ElementsAre(1, 2, 3, 4, 5, 6, 7, 8));
}

TEST_F(ReleasesStoreTest, BuildsAreRecordedAndFinished) {
  BuildRecord b;
  b.app = "web";
  b.git_rev = "abc";
  b.source = "git";
  b.log_path = "/logs/1.log";
  auto id = store_->StartBuild(b);
  ASSERT_TRUE(id.ok());
  auto second = store_->StartBuild(b);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(store_->FinishBuild(*id, "failed").ok());
  auto builds = store_->ListBuilds("web");
  ASSERT_TRUE(builds.ok());
  ASSERT_EQ(builds->size(), 2u);
  EXPECT_EQ((*builds)[0].id, *second);
  EXPECT_EQ((*builds)[0].status, "running");
  EXPECT_EQ((*builds)[0].finished_at, 0);
  EXPECT_EQ((*builds)[1].status, "failed");
  EXPECT_GT((*builds)[1].finished_at, 0);
  EXPECT_EQ((*builds)[1].log_path, "/logs/1.log");
  EXPECT_EQ(store_->FinishBuild(9999, "failed").code(), StatusCode::kNotFound);
}

TEST_F(ReleasesStoreTest, DestroyingAnAppRemovesItsReleasesAndBuilds) {
  ASSERT_TRUE(store_->AddRelease("web", Release("r1")).ok());
  BuildRecord b;
  b.app = "web";
  ASSERT_TRUE(store_->StartBuild(b).ok());
  ASSERT_TRUE(store_->DestroyApp("web").ok());
  ASSERT_TRUE(store_->CreateApp("web").ok());
  EXPECT_TRUE(store_->ListReleases("web")->empty());
  EXPECT_TRUE(store_->ListBuilds("web")->empty());
  EXPECT_EQ(*store_->AddRelease("web", Release("r2")), 1);
}

}  // namespace
}  // namespace berth
