#pragma once
// Small checked file helpers for the tokenizers: every failure is a captioner::Error naming the path.
// Whole-file reads and atomic writes are util/file_io.h's (detail::readWholeFile, writeFileAtomically).
#include <string>

namespace captioner::text {

// Creates dir (and parents) if missing; Error when it cannot.
void ensureDirectory(const std::string& dir);
std::string joinPath(const std::string& dir, const std::string& name);
bool fileExists(const std::string& path);

} // namespace captioner::text
