// Test helpers for the store tests: a private temp directory and metric reads.
#ifndef MICROREACH_COMMON_STORE_STORE_TEST_UTIL_H_
#define MICROREACH_COMMON_STORE_STORE_TEST_UTIL_H_

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace microreach::store::testing {

// A fresh directory under the test temp dir, removed on destruction, so tests
// never share database files.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "mr_store_XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << tmpl;
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  std::string Url(const std::string& name) const { return "sqlite://" + File(name); }

 private:
  std::string path_;
};

// Value of a counter, or sample count of a histogram, with the given labels;
// -1 if absent.
inline double MetricValue(prometheus::Registry& registry, const std::string& name,
                          const prometheus::Labels& labels) {
  for (const prometheus::MetricFamily& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const prometheus::ClientMetric& metric : family.metric) {
      bool match = true;
      for (const auto& [k, v] : labels) {
        bool found = false;
        for (const prometheus::ClientMetric::Label& l : metric.label) {
          if (l.name == k && l.value == v) found = true;
        }
        match = match && found;
      }
      if (!match) continue;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
      return metric.counter.value;
    }
  }
  return -1;
}

}  // namespace microreach::store::testing

#endif  // MICROREACH_COMMON_STORE_STORE_TEST_UTIL_H_
