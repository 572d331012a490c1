// Test-only: locates and reads the 2022 exports in shared/data, which sits
// beside the clone (${MR_SOURCE_DIR}/../shared/data).
#ifndef MICROREACH_TOOLS_IMPORTER_TEST_DATA_H_
#define MICROREACH_TOOLS_IMPORTER_TEST_DATA_H_

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace microreach::importer::testing {

// Directory of the 2022 exports, or empty when absent.
inline std::string ExportsDir() {
  const char* source = std::getenv("MR_SOURCE_DIR");
  if (source == nullptr) return "";
  const std::filesystem::path dir =
      std::filesystem::path(source) / ".." / "shared" / "data" / "social-influencers-2022";
  return std::filesystem::is_directory(dir) ? dir.string() : "";
}

inline std::string ReadExport(const std::string& dir, const std::string& name) {
  std::ifstream in(std::filesystem::path(dir) / name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace microreach::importer::testing

#define MR_REQUIRE_EXPORTS(dir)                                                               \
  const std::string dir = ::microreach::importer::testing::ExportsDir();                      \
  if (dir.empty()) {                                                                          \
    GTEST_SKIP() << "shared/data/social-influencers-2022 not found beside the source dir "    \
                    "(MR_SOURCE_DIR/../shared/data); run through ctest with shared/ present"; \
  }

#endif  // MICROREACH_TOOLS_IMPORTER_TEST_DATA_H_
