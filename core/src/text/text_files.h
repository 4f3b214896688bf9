#pragma once
// Small checked file helpers for the tokenizers: every failure is a captioner::Error naming the path.
#include <string>

namespace captioner::text {

std::string readFileBytes(const std::string& path);
// Writes to "<path>.tmp-<pid>", flushes, then renames over path, so readers never see half a file.
void writeFileAtomically(const std::string& path, const std::string& bytes);
// Creates dir (and parents) if missing; Error when it cannot.
void ensureDirectory(const std::string& dir);
std::string joinPath(const std::string& dir, const std::string& name);
bool fileExists(const std::string& path);

} // namespace captioner::text
