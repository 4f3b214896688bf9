#pragma once
// Checked whole-file I/O for the core, in one place: every whole-file read and every atomic write of
// the core goes through here (the writers are declared in the public captioner/atomic_file.h, since
// the front ends write user data too). Every failure is a captioner::Error(path, reason) whose reason
// says what failed and why, with the system's text for errno.
#include "captioner/atomic_file.h"

#include <cstdint>
#include <string>
#include <vector>

namespace captioner::detail {

// The bytes of a regular file. Reasons: "file not found", "cannot access: <errno text>",
// "is a directory, expected a file", "cannot open: <errno text>", "cannot read: <errno text>".
std::string readWholeFile(const std::string& path);
std::vector<uint8_t> readWholeFileBytes(const std::string& path); // the same, as bytes
// readWholeFile with the reason prefixed, for callers whose message says which file it is:
// Error(path, "<what>: file not found").
std::string readWholeFile(const std::string& path, const std::string& what);

// A temp file name next to `path`, unique across processes, threads and leftovers of crashed runs:
// "<path>.tmp-<pid>-<counter>-<random>" (tests look for ".tmp-").
std::string uniqueTempPath(const std::string& path);

} // namespace captioner::detail
