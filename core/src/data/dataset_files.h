#pragma once
// File-system and text helpers shared by the dataset layouts. Every failure is a captioner::Error
// naming the path.
#include "util/file_io.h"

#include <cstddef>
#include <string>
#include <vector>

namespace captioner::detail {

// Image files are told by captioner::isImageFileName (captioner/image_io.h): one list for the app.
// Regular files under dir (recursively), sorted, skipping hidden (dot) files and folders.
std::vector<std::string> listFilesRecursive(const std::string& dir);
// readWholeFile (util/file_io.h, included here for the layouts) reads whole files.
// Writes atomically; when the target exists its previous bytes are first saved atomically as
// "<path>.bak". Skips the write (and the backup) when the content is already identical.
void replaceWithBackup(const std::string& path, const std::string& bytes);
// Writes atomically unless the file already holds exactly these bytes.
void writeIfChanged(const std::string& path, const std::string& bytes);
void copyFileCreatingFolders(const std::string& from, const std::string& to);
void ensureFolder(const std::string& dir);

std::string absoluteNormal(const std::string& path);
std::string parentOf(const std::string& path);
std::string joinPaths(const std::string& dir, const std::string& rel);
// `path` relative to `base` when it lies inside it, otherwise "".
std::string relativeInside(const std::string& path, const std::string& base);
std::string firstComponent(const std::string& rel);
// Folder names datasets maps to splits: train/training, test/testing/eval/evaluation,
// validation/valid/val/dev. "" for any other name.
std::string splitForFolderName(const std::string& name);

// Text of a caption or metadata file: a UTF-8 BOM is dropped; valid UTF-8 is returned as is;
// anything else is decoded as Latin-1 (every byte is a character there) and `wasLatin1` is set.
std::string decodeText(const std::string& bytes, bool& wasLatin1);
bool isValidUtf8(const std::string& s);
std::size_t codePointCount(const std::string& utf8);
std::vector<std::string> splitWords(const std::string& s); // on ASCII white space
std::string trim(const std::string& s);
std::string lowerAscii(std::string s);

} // namespace captioner::detail

namespace captioner::detail {
// The first candidate folder in which one of the first few `names` exists; "" if none.
std::string findImageRoot(const std::vector<std::string>& candidates, const std::vector<std::string>& names);
// findImageRoot, or candidates[0] if none.
std::string pickImageRoot(const std::vector<std::string>& candidates, const std::vector<std::string>& names);
} // namespace captioner::detail
