#pragma once
// Helpers shared by the test suites: fixture paths, temporary folders, reading JSON fixtures.
#include <nlohmann/json.hpp>
#include <string>

namespace testsupport {

// Absolute path of a file under tests/fixtures.
std::string fixture(const std::string& relative);
// Directory holding the built binaries (captioner, plugin search falls back to ../lib).
std::string binDir();
nlohmann::json readJson(const std::string& path);
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& bytes);

} // namespace testsupport
