#pragma once
// Helpers shared by the test suites: fixture paths, temporary folders, reading JSON fixtures, and the
// check that a call fails with the captioner::Error a user would read.
#include <nlohmann/json.hpp>
#include <functional>
#include <string>
#include <vector>

namespace testsupport {

// Absolute path of a file under tests/fixtures.
std::string fixture(const std::string& relative);
// Directory holding the built binaries (captioner, plugin search falls back to ../lib).
std::string binDir();
nlohmann::json readJson(const std::string& path);
std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& bytes);

// Runs `f`, which must throw a captioner::Error about `subject` (its subject() is exactly that) whose
// reason contains every one of `reasonParts` ("" matches any). Anything else records a QtTest failure
// for the calling test, which goes on like after any failed check in a helper; another exception
// type is not caught.
void expectError(const std::function<void()>& f, const std::string& subject,
                 const std::vector<std::string>& reasonParts);

} // namespace testsupport
