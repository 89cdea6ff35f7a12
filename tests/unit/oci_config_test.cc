// OciConfigJson: the security defaults every container gets, and the spec
// checks that refuse what berth must not run.
#include "core/runtime/oci_config.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace berth {
namespace {

using nlohmann::json;

ContainerSpec BasicSpec() {
  ContainerSpec spec;
  spec.id = "demo.web.1";
  spec.hostname = "demo.web.1";
  spec.args = {"/bin/sh", "-c", "echo $(id)"};
  spec.env = {{"PORT", "5000"}, {"QUOTED", "a'b\"c"}};
  spec.cwd = "/app";
  return spec;
}

json Config(const ContainerSpec& spec) {
  auto text = OciConfigJson(spec, "/bundle/rootfs");
  EXPECT_TRUE(text.ok()) << text.status().message();
  return json::parse(*text);
}

bool HasNamespace(const json& config, const std::string& type) {
  for (const auto& ns : config["linux"]["namespaces"]) {
    if (ns["type"] == type) return true;
  }
  return false;
}

TEST(OciConfigTest, ProcessRunsAsAppUserWithNoCapabilities) {
  json c = Config(BasicSpec());
  EXPECT_EQ(c["process"]["user"]["uid"], 32767);
  EXPECT_EQ(c["process"]["user"]["gid"], 32767);
  EXPECT_EQ(c["process"]["noNewPrivileges"], true);
  for (const char* set : {"bounding", "effective", "inheritable", "permitted", "ambient"}) {
    EXPECT_TRUE(c["process"]["capabilities"][set].empty()) << set;
  }
}

TEST(OciConfigTest, ArgsAndEnvArePassedLiterally) {
  json c = Config(BasicSpec());
  EXPECT_EQ(c["process"]["args"], json({"/bin/sh", "-c", "echo $(id)"}));
  EXPECT_EQ(c["process"]["env"], json({"PORT=5000", "QUOTED=a'b\"c"}));
  EXPECT_EQ(c["process"]["cwd"], "/app");
  EXPECT_EQ(c["hostname"], "demo.web.1");
  EXPECT_EQ(c["root"]["path"], "/bundle/rootfs");
}

TEST(OciConfigTest, OwnNamespacesAndMaskedPaths) {
  json c = Config(BasicSpec());
  for (const char* ns : {"pid", "mount", "ipc", "uts", "network"}) {
    EXPECT_TRUE(HasNamespace(c, ns)) << ns;
  }
  auto masked = c["linux"]["maskedPaths"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(masked.begin(), masked.end(), "/proc/kcore"), masked.end());
  auto readonly = c["linux"]["readonlyPaths"].get<std::vector<std::string>>();
  EXPECT_NE(std::find(readonly.begin(), readonly.end(), "/proc/sys"), readonly.end());
}

TEST(OciConfigTest, HostNetworkingSharesTheHostNamespace) {
  ContainerSpec spec = BasicSpec();
  spec.network = NetworkMode::kHost;
  EXPECT_FALSE(HasNamespace(Config(spec), "network"));
}

TEST(OciConfigTest, BridgeNetworkingJoinsThePreparedNamespace) {
  ContainerSpec spec = BasicSpec();
  spec.network = NetworkMode::kBridge;
  EXPECT_FALSE(OciConfigJson(spec, "/r").ok()) << "a bridge without a namespace is refused";
  spec.netns_path = "/run/netns/berth-demo";
  json c = Config(spec);
  bool joined = false;
  for (const auto& ns : c["linux"]["namespaces"]) {
    if (ns["type"] == "network") joined = ns.value("path", "") == "/run/netns/berth-demo";
  }
  EXPECT_TRUE(joined);
}

TEST(OciConfigTest, LimitsBecomeCgroupResources) {
  ContainerSpec spec = BasicSpec();
  spec.limits.memory_bytes = 512 * 1024 * 1024;
  spec.limits.pids = 100;
  spec.limits.cpus = 1.5;
  spec.limits.open_files = 4096;
  json c = Config(spec);
  EXPECT_EQ(c["linux"]["resources"]["memory"]["limit"], 512 * 1024 * 1024);
  EXPECT_EQ(c["linux"]["resources"]["pids"]["limit"], 100);
  EXPECT_EQ(c["linux"]["resources"]["cpu"]["quota"], 150000);
  EXPECT_EQ(c["linux"]["resources"]["cpu"]["period"], 100000);
  EXPECT_EQ(c["process"]["rlimits"][0]["hard"], 4096);
  EXPECT_FALSE(json(c["linux"]["resources"]).contains("hugepageLimits"));
}

TEST(OciConfigTest, NoLimitsMeansNoCgroupLimits) {
  json c = Config(BasicSpec());
  EXPECT_FALSE(c["linux"]["resources"].contains("memory"));
  EXPECT_FALSE(c["linux"]["resources"].contains("pids"));
  EXPECT_FALSE(c["linux"]["resources"].contains("cpu"));
}

TEST(OciConfigTest, BindMountsAreValidated) {
  ContainerSpec spec = BasicSpec();
  spec.mounts = {{"/srv/data", "/data", true}};
  json c = Config(spec);
  bool found = false;
  for (const auto& m : c["mounts"]) {
    if (m["destination"] == "/data") {
      found = true;
      EXPECT_EQ(m["source"], "/srv/data");
      auto options = m["options"].get<std::vector<std::string>>();
      EXPECT_NE(std::find(options.begin(), options.end(), "ro"), options.end());
    }
  }
  EXPECT_TRUE(found);
  for (BindMount bad : {BindMount{"relative", "/data"}, BindMount{"/srv/../etc", "/data"},
                        BindMount{"/srv", "/app/../../etc"}, BindMount{"/srv", "data"}}) {
    spec.mounts = {bad};
    EXPECT_FALSE(OciConfigJson(spec, "/r").ok()) << bad.host_path << ":" << bad.container_path;
  }
}

TEST(OciConfigTest, RefusesBadIdsAndEmptyCommands) {
  ContainerSpec spec = BasicSpec();
  for (const char* id : {"", "Demo", "../x", "a/b", "-x", "a b"}) {
    spec.id = id;
    EXPECT_FALSE(OciConfigJson(spec, "/r").ok()) << id;
  }
  spec = BasicSpec();
  spec.args.clear();
  EXPECT_FALSE(OciConfigJson(spec, "/r").ok());
  spec = BasicSpec();
  spec.cwd = "app";
  EXPECT_FALSE(OciConfigJson(spec, "/r").ok());
}

}  // namespace
}  // namespace berth
