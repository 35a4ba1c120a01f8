// The Debian package end to end: cpack builds it once, `dpkg -x` unpacks it
// into a scratch root, and the tests check its control fields, where its files
// land, that the unpacked programs run from there (their RUNPATH finds the
// private core library) and that the desktop integration files validate.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "TestSupport.h"
#include "core/util/BuildInfo.h"
#include "core/util/InstallPaths.h"
#include "core/util/Strings.h"

namespace fs = std::filesystem;
using scdfm::test::runCommand;

namespace {

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

bool isElf(const fs::path& p) {
  char magic[4] = {};
  std::ifstream(p, std::ios::binary).read(magic, 4);
  return std::string(magic, 4) == "\x7f" "ELF";
}

bool haveTool(const std::string& name) { return runCommand("command -v " + name).exitCode == 0; }

std::string readText(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Package names in a Depends field ("a (>= 1), b | c" → a, b, c).
std::set<std::string> packageNames(const std::string& depends) {
  std::set<std::string> names;
  for (const auto& alt : scdfm::split(depends, ','))
    for (const auto& dep : scdfm::split(alt, '|')) {
      std::string name = scdfm::trim(dep);
      name = name.substr(0, name.find_first_of(" (:"));
      if (!name.empty()) names.insert(name);
    }
  return names;
}

// The package owning a library file. Debian 12 merged /lib into /usr/lib, yet
// dpkg records each file under the path its package used: try both.
std::string owningPackage(const std::string& path) {
  std::vector<std::string> tries{path};
  if (path.rfind("/usr/", 0) == 0) tries.push_back(path.substr(4));
  else tries.push_back("/usr" + path);
  for (const auto& p : tries) {
    auto r = runCommand("dpkg -S " + q(p) + " 2>/dev/null | grep -v '^diversion' | head -n 1 | cut -d: -f1");
    if (r.exitCode == 0 && !scdfm::trim(r.output).empty()) return scdfm::trim(r.output);
  }
  return {};
}

class Package : public ::testing::Test {
 protected:
  static inline fs::path deb, root, sharedDir;
  static inline std::string buildError;

  static void SetUpTestSuite() {
    const fs::path work = scdfm::test::scratchDir("Package");
    // zstd: the test's package only needs to be valid, not small; xz takes minutes here.
    auto r = runCommand("cpack --config " + q(fs::path(SCDFM_TEST_BUILD_DIR) / "CPackConfig.cmake") + " -B " +
                        q(work / "out") + " -D CPACK_DEBIAN_COMPRESSION_TYPE=zstd");
    for (const auto& e : fs::directory_iterator(work / "out"))
      if (e.path().extension() == ".deb") deb = e.path();
    if (r.exitCode != 0 || deb.empty()) {
      buildError = "cpack failed:\n" + r.output;
      return;
    }
    root = work / "root";
    r = runCommand("dpkg-deb -x " + q(deb) + " " + q(root));
    if (r.exitCode != 0) buildError = "dpkg-deb -x failed:\n" + r.output;
    sharedDir = root / "usr/share/scdfm-studio";
  }

  void SetUp() override {
    if (!haveTool("cpack") || !haveTool("dpkg-deb")) GTEST_SKIP() << "cpack or dpkg-deb is not installed";
    ASSERT_TRUE(buildError.empty()) << buildError;
  }

  static std::string field(const std::string& name) {
    auto r = runCommand("dpkg-deb -f " + q(deb) + " " + name);
    EXPECT_EQ(r.exitCode, 0) << r.output;
    return scdfm::trim(r.output);
  }

  // Every ELF file the package installs under usr/bin and usr/lib.
  static std::vector<fs::path> elfFiles() {
    std::vector<fs::path> out;
    for (const char* dir : {"usr/bin", "usr/lib"})
      for (const auto& e : fs::recursive_directory_iterator(root / dir))
        if (e.is_regular_file() && !e.is_symlink() && isElf(e.path()))
          out.push_back(e.path());
    return out;
  }

  static fs::path coreLibrary() {
    for (const auto& f : elfFiles())
      if (f.filename().string().rfind("libscdfm_core.so", 0) == 0) return f;
    return {};
  }
};

TEST_F(Package, ControlFieldsNameTheVersionAndKeyRuntimePackages) {
  EXPECT_EQ(field("Package"), "scdfm-studio");
  EXPECT_EQ(field("Version"), scdfm::build::kVersion);
  EXPECT_EQ(field("Architecture"), scdfm::trim(runCommand("dpkg --print-architecture").output));
  EXPECT_EQ(field("Section"), "science");
  const std::string depends = field("Depends");
  const auto names = packageNames(depends);
  // Loaded at run time (plugins, BLAS, GL drivers), so no link shows them.
  for (const char* pkg : {"hdf5-plugin-lzf", "libopenblas0-pthread", "libgl1-mesa-dri",
                          // and the libraries the programs link, by name (Qt's SVG
                          // plugins draw the icons: keep libqt6svg6 even if the link goes).
                          "libqt6svg6", "libtorch1.13", "libhdf5-103-1", "libqt6widgets6",
                          "libqcustomplot2.1-qt6", "libvtk9.1", "libc6", "libstdc++6"})
    EXPECT_TRUE(names.count(pkg)) << pkg << " missing from Depends: " << depends;
  // No package twice (shlibdeps output and our own list merge into one field).
  std::vector<std::string> all;
  for (const auto& d : scdfm::split(depends, ',')) all.push_back(*packageNames(d).begin());
  EXPECT_EQ(all.size(), std::set<std::string>(all.begin(), all.end()).size()) << depends;
}

// Independent of the list above: each library an installed ELF file names in
// DT_NEEDED is owned (dpkg -S) by a package in Depends, or ships in the package.
TEST_F(Package, EveryLinkedLibraryComesFromADependency) {
  const auto depends = packageNames(field("Depends"));
  std::set<std::string> shipped;
  for (const auto& f : elfFiles()) shipped.insert(f.filename().string());
  for (const auto& f : elfFiles()) {
    auto needed = runCommand("readelf -d " + q(f) + " | sed -n 's/.*(NEEDED).*\\[\\(.*\\)\\]/\\1/p'");
    ASSERT_EQ(needed.exitCode, 0) << needed.output;
    for (const auto& lib : scdfm::split(needed.output, '\n')) {
      if (lib.empty() || shipped.count(lib) || lib.rfind("libscdfm_core.so", 0) == 0) continue;
      auto where = runCommand("ldconfig -p | awk -v l=" + lib + " '$1 == l {print $NF; exit}'");
      const std::string path = scdfm::trim(where.output);
      ASSERT_FALSE(path.empty()) << f << " needs " << lib << ", which ldconfig does not know";
      const std::string pkg = owningPackage(path);
      ASSERT_FALSE(pkg.empty()) << "dpkg -S knows no package owning " << path << " (" << lib << ")";
      // dpkg-shlibdeps may name a virtual package the owner provides (libspdlog1.10 → libspdlog1.10-fmt9).
      const auto provides = runCommand("dpkg-query -W -f='${Provides}' " + pkg).output;
      bool provided = false;
      for (const auto& d : depends) provided = provided || provides.find(d) != std::string::npos;
      EXPECT_TRUE(depends.count(pkg) || provided) << f.filename() << " needs " << lib << " from " << pkg
                                                  << ", which Depends does not name";
    }
  }
}

TEST_F(Package, InstallsFilesWhereTheDesktopAndTheLookupExpectThem) {
  for (const char* rel : {"usr/bin/scdfm", "usr/bin/scdfm-studio", "usr/share/applications/scdfm-studio.desktop",
                          "usr/share/icons/hicolor/scalable/apps/scdfm-studio.svg",
                          "usr/share/mime/packages/scdfm-studio.xml",
                          "usr/share/metainfo/io.scdfm.Studio.metainfo.xml"})
    EXPECT_TRUE(fs::is_regular_file(root / rel)) << rel;
  EXPECT_FALSE(coreLibrary().empty()) << "no libscdfm_core.so in the package";
  EXPECT_EQ(coreLibrary().parent_path().filename(), "scdfm-studio") << "the core library is not private";

  const fs::path demo = fs::path(scdfm::test::dataDir()) / "demo.h5ad";
  ASSERT_TRUE(fs::is_regular_file(sharedDir / "data/demo.h5ad"));
  EXPECT_EQ(fs::file_size(sharedDir / "data/demo.h5ad"), fs::file_size(demo));

  // Every shipped model file (models/ in the source tree) is in the package.
  const fs::path models = fs::path(SCDFM_TEST_SOURCE_DIR) / "models";
  if (fs::is_directory(models))
    for (const auto& e : fs::recursive_directory_iterator(models)) {
      if (e.is_regular_file())
        EXPECT_TRUE(fs::is_regular_file(sharedDir / "models" / fs::relative(e.path(), models))) << e.path();
    }

  // The programs' own lookup (core/util/InstallPaths) finds the installed demo.
  const scdfm::install::SearchContext ctx{root / "usr/bin/scdfm-studio", "", ""};
  EXPECT_EQ(scdfm::install::findDemoDataset(ctx), sharedDir / "data/demo.h5ad");
  if (fs::is_directory(models / scdfm::install::kDemoModelDir)) {
    const auto ckpt = scdfm::install::findDemoCheckpoint(ctx);
    ASSERT_TRUE(ckpt);
    EXPECT_EQ(ckpt->parent_path(), sharedDir / "models" / scdfm::install::kDemoModelDir);
  }
}

TEST_F(Package, ExecutablesAreStrippedAndFindThePrivateLibraryThroughRunpath) {
  const fs::path lib = coreLibrary();
  ASSERT_FALSE(lib.empty());
  const std::string expectedRunpath = "$ORIGIN/../" + fs::relative(lib.parent_path(), root / "usr").string();
  for (const char* exe : {"scdfm", "scdfm-studio"}) {
    const fs::path bin = root / "usr/bin" / exe;
    auto d = runCommand("readelf -d " + q(bin));
    EXPECT_NE(d.output.find("[" + expectedRunpath + "]"), std::string::npos) << exe << ":\n" << d.output;
    EXPECT_EQ(d.output.find(SCDFM_TEST_BUILD_DIR), std::string::npos) << exe << " still points into the build tree";
    // ldd resolves the core library inside the unpacked root, nothing missing.
    auto ldd = runCommand("ldd " + q(bin));
    // ($ORIGIN is not normalised: ".../usr/bin/../lib/scdfm-studio/libscdfm_core.so.0".)
    const std::string resolved = "=> " + (root / "usr/bin/..").string() + "/" +
                                 fs::relative(lib.parent_path(), root / "usr").string() + "/libscdfm_core.so";
    EXPECT_NE(ldd.output.find(resolved), std::string::npos) << resolved << "\n" << ldd.output;
    EXPECT_EQ(ldd.output.find("not found"), std::string::npos) << ldd.output;
  }
  for (const auto& f : elfFiles()) {
    auto info = runCommand("file -b " + q(f));
    EXPECT_NE(info.output.find(", stripped"), std::string::npos) << f << ": " << info.output;
  }
}

TEST_F(Package, InstalledCliDescribesTheInstalledDemo) {
  const fs::path scdfm = root / "usr/bin/scdfm";
  auto v = runCommand(q(scdfm) + " --version");
  EXPECT_EQ(v.exitCode, 0) << v.output;
  EXPECT_NE(v.output.find(scdfm::build::kVersion), std::string::npos) << v.output;

  const fs::path demo = sharedDir / "data/demo.h5ad";
  auto info = runCommand(q(scdfm) + " info " + q(demo));
  ASSERT_EQ(info.exitCode, 0) << info.output;
  auto json = runCommand(q(scdfm) + " info --json " + q(demo) + " 2>/dev/null");
  ASSERT_EQ(json.exitCode, 0) << json.output;
  const auto j = nlohmann::json::parse(json.output);
  // The shape as Python's anndata reads it from the same installed file.
  auto ref = scdfm::test::runPython("import anndata\na = anndata.read_h5ad('" + demo.string() +
                                    "', backed='r')\nprint(a.n_obs, a.n_vars)\n");
  ASSERT_EQ(ref.exitCode, 0) << ref.output;
  EXPECT_EQ(std::to_string(j.at("n_obs").get<long>()) + " " + std::to_string(j.at("n_vars").get<long>()),
            scdfm::trim(ref.output));
  EXPECT_NE(info.output.find(std::to_string(j.at("n_obs").get<long>())), std::string::npos) << info.output;
}

TEST_F(Package, InstalledGuiStarts) {
  auto r = runCommand("QT_QPA_PLATFORM=offscreen " + q(root / "usr/bin/scdfm-studio") + " --version");
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(r.output.find(scdfm::build::kVersion), std::string::npos) << r.output;
}

TEST_F(Package, DesktopEntryValidatesAndOpensAnnData) {
  const fs::path desktop = root / "usr/share/applications/scdfm-studio.desktop";
  const std::string text = readText(desktop);
  EXPECT_NE(text.find("\nExec=scdfm-studio %f\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nIcon=scdfm-studio\n"), std::string::npos) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex("\nMimeType=([^\n]*;)?application/x-anndata;"))) << text;
  if (!haveTool("desktop-file-validate")) GTEST_SKIP() << "desktop-file-validate (desktop-file-utils) missing";
  auto r = runCommand("desktop-file-validate " + q(desktop));
  EXPECT_EQ(r.exitCode, 0) << r.output;
  EXPECT_EQ(scdfm::trim(r.output), "") << r.output;  // no warnings either
}

TEST_F(Package, MimeTypeMapsH5adToAnnData) {
  if (!haveTool("update-mime-database")) GTEST_SKIP() << "update-mime-database (shared-mime-info) missing";
  const fs::path db = scdfm::test::scratchDir("PackageMime");
  fs::create_directories(db / "packages");
  fs::copy_file(root / "usr/share/mime/packages/scdfm-studio.xml", db / "packages/scdfm-studio.xml");
  auto r = runCommand("update-mime-database " + q(db));
  ASSERT_EQ(r.exitCode, 0) << r.output;
  EXPECT_NE(readText(db / "globs2").find("application/x-anndata:*.h5ad"), std::string::npos);
  EXPECT_NE(readText(db / "subclasses").find("application/x-anndata application/x-hdf"), std::string::npos);
}

TEST_F(Package, AppStreamMetainfoValidatesAndMatchesThePackage) {
  const fs::path meta = root / "usr/share/metainfo/io.scdfm.Studio.metainfo.xml";
  const std::string text = readText(meta);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex("<release version=\"([^\"]+)\""))) << text;
  EXPECT_EQ(m[1], scdfm::build::kVersion) << "add a <release> for this version to the metainfo";
  EXPECT_NE(text.find("<launchable type=\"desktop-id\">scdfm-studio.desktop</launchable>"), std::string::npos);
  for (const char* shot : {"/01-prediction-umap.png</image>", "/03-metrics-vs-baselines.png</image>"})
    EXPECT_NE(text.find(shot), std::string::npos) << shot;
  EXPECT_EQ(text.find('@'), std::string::npos) << "an unconfigured @VARIABLE@ is left";
  if (!haveTool("appstreamcli")) GTEST_SKIP() << "appstreamcli (appstream) missing";
  auto r = runCommand("appstreamcli validate --no-net " + q(meta));
  EXPECT_EQ(r.exitCode, 0) << r.output;
}

}  // namespace
