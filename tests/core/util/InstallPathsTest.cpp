// Demo dataset / checkpoint lookup on fake build trees and install roots laid
// out in scratch folders, plus the real build tree this test was built in.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "TestSupport.h"
#include "core/util/InstallPaths.h"

namespace fs = std::filesystem;
using namespace scdfm::install;

namespace {

void touch(const fs::path& p, const std::string& text = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// <root>/build/bin/scdfm-studio configured from <root>/src.
SearchContext fakeBuildTree(const fs::path& root) {
  touch(root / "build/bin/scdfm-studio");
  touch(root / "build/CMakeCache.txt", "# comment\nCMAKE_BUILD_TYPE:STRING=RelWithDebInfo\n"
                                       "CMAKE_HOME_DIRECTORY:INTERNAL=" + (root / "src").string() + "\n");
  return SearchContext{root / "build/bin/scdfm-studio", "", ""};
}

// <root>/usr/bin/scdfm-studio as `dpkg -x` unpacks the package.
SearchContext fakeInstallRoot(const fs::path& root) {
  touch(root / "usr/bin/scdfm-studio");
  return SearchContext{root / "usr/bin/scdfm-studio", "", ""};
}

}  // namespace

TEST(InstallPaths, BuildTreeFindsGeneratedDemoAndSourceModels) {
  const fs::path root = scdfm::test::scratchDir("InstallPathsBuild");
  auto ctx = fakeBuildTree(root);
  EXPECT_FALSE(findDemoDataset(ctx));
  EXPECT_FALSE(findDemoCheckpoint(ctx));

  touch(root / "build/data/demo.h5ad");
  touch(root / "src/models/scdfm-demo/checkpoint.safetensors");
  EXPECT_EQ(findDemoDataset(ctx), root / "build/data/demo.h5ad");
  EXPECT_EQ(findDemoCheckpoint(ctx), root / "src/models/scdfm-demo/checkpoint.safetensors");
}

TEST(InstallPaths, InstalledLayoutUsesShareFolder) {
  const fs::path root = scdfm::test::scratchDir("InstallPathsInstalled");
  auto ctx = fakeInstallRoot(root);
  touch(root / "usr/share/scdfm-studio/data/demo.h5ad");
  touch(root / "usr/share/scdfm-studio/models/scdfm-demo/README.md");
  touch(root / "usr/share/scdfm-studio/models/scdfm-demo/b.safetensors");
  touch(root / "usr/share/scdfm-studio/models/scdfm-demo/a.safetensors");
  EXPECT_EQ(findDemoDataset(ctx), root / "usr/share/scdfm-studio/data/demo.h5ad");
  // No checkpoint.safetensors: the first .safetensors by name, never the model card.
  EXPECT_EQ(findDemoCheckpoint(ctx), root / "usr/share/scdfm-studio/models/scdfm-demo/a.safetensors");

  touch(root / "usr/share/scdfm-studio/models/scdfm-demo/checkpoint.safetensors");
  EXPECT_EQ(findDemoCheckpoint(ctx), root / "usr/share/scdfm-studio/models/scdfm-demo/checkpoint.safetensors");
}

TEST(InstallPaths, EnvironmentOverrideReplacesDefaultLocations) {
  const fs::path root = scdfm::test::scratchDir("InstallPathsOverride");
  auto ctx = fakeInstallRoot(root);
  touch(root / "usr/share/scdfm-studio/data/demo.h5ad");
  touch(root / "usr/share/scdfm-studio/models/scdfm-demo/checkpoint.safetensors");

  ctx.dataDirOverride = (root / "mydata").string();
  ctx.modelsDirOverride = (root / "mymodels").string();
  // The override is the only place searched: a wrong one is not masked by the install.
  EXPECT_FALSE(findDemoDataset(ctx));
  EXPECT_FALSE(findDemoCheckpoint(ctx));
  EXPECT_EQ(describeSearch(dataDirCandidates(ctx)), "looked in " + (root / "mydata").string());

  touch(root / "mydata/demo.h5ad");
  touch(root / "mymodels/scdfm-demo/weights.safetensors");
  EXPECT_EQ(findDemoDataset(ctx), root / "mydata/demo.h5ad");
  EXPECT_EQ(findDemoCheckpoint(ctx), root / "mymodels/scdfm-demo/weights.safetensors");
}

TEST(InstallPaths, UnknownExecutableSearchesNothing) {
  SearchContext ctx;
  EXPECT_TRUE(dataDirCandidates(ctx).empty());
  EXPECT_FALSE(findDemoDataset(ctx));
  EXPECT_FALSE(findDemoCheckpoint(ctx));
  EXPECT_NE(describeSearch(modelsDirCandidates(ctx)).find("unknown"), std::string::npos);
}

TEST(InstallPaths, CurrentContextReadsProcAndEnvironment) {
  const fs::path exe = executablePath();
  EXPECT_EQ(exe.filename(), "test_core_util");
  EXPECT_TRUE(fs::is_regular_file(exe));

  ::setenv("SCDFM_DATA_DIR", "/nonexistent/data", 1);
  ::unsetenv("SCDFM_MODELS_DIR");
  const auto ctx = SearchContext::current();
  ::unsetenv("SCDFM_DATA_DIR");
  EXPECT_EQ(ctx.executable, exe);
  EXPECT_EQ(ctx.dataDirOverride, "/nonexistent/data");
  EXPECT_EQ(ctx.modelsDirOverride, "");
}

// The real build tree: the apps in build/bin find the demo the build generated.
TEST(InstallPaths, RealBuildTreeFindsGeneratedDemo) {
  const fs::path demo = fs::path(scdfm::test::dataDir()) / "demo.h5ad";
  if (!fs::exists(demo)) GTEST_SKIP() << "the build has not generated " << demo;
  SearchContext ctx{fs::path(scdfm::test::binDir()) / "scdfm-studio", "", ""};
  EXPECT_EQ(fs::weakly_canonical(*findDemoDataset(ctx)), fs::weakly_canonical(demo));
  EXPECT_EQ(modelsDirCandidates(ctx).at(0), fs::path(SCDFM_TEST_SOURCE_DIR) / "models");
}
