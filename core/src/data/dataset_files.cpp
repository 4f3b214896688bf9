#include "data/dataset_files.h"

#include "captioner/error.h"
#include "captioner/image_source.h"
#include "util/file_io.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace captioner::detail {

std::string lowerAscii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return s;
}

std::vector<std::string> listFilesRecursive(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) throw Error(dir, "cannot list folder: " + ec.message());
    for (; it != end; it.increment(ec)) {
        if (ec) throw Error(dir, "cannot list folder: " + ec.message());
        const std::string name = it->path().filename().string();
        if (!name.empty() && name[0] == '.') {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec)) out.push_back(it->path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

void writeIfChanged(const std::string& path, const std::string& bytes) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec) && fs::file_size(path, ec) == bytes.size() && readWholeFile(path) == bytes)
        return;
    writeFileAtomically(path, bytes);
}

void replaceWithBackup(const std::string& path, const std::string& bytes) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        const std::string old = readWholeFile(path);
        if (old == bytes) return;
        writeFileAtomically(path + ".bak", old);
    }
    writeFileAtomically(path, bytes);
}

void ensureFolder(const std::string& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw Error(dir, "cannot create folder" + (ec ? ": " + ec.message() : std::string()));
}

void copyFileCreatingFolders(const std::string& from, const std::string& to) {
    std::error_code ec;
    if (isEmbeddedImageRef(from)) { // an image stored in a Parquet row becomes a file of its own
        const std::vector<uint8_t> bytes = readEmbeddedImage(from);
        ensureFolder(parentOf(to));
        writeIfChanged(to, std::string(bytes.begin(), bytes.end()));
        return;
    }
    if (fs::exists(to, ec) && fs::equivalent(from, to, ec)) return;
    ensureFolder(parentOf(to));
    fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
    if (ec) throw Error(to, "cannot copy " + from + ": " + ec.message());
}

std::string absoluteNormal(const std::string& path) {
    std::error_code ec;
    fs::path p = fs::absolute(path, ec);
    if (ec) p = path;
    std::string s = p.lexically_normal().string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

std::string parentOf(const std::string& path) { return fs::path(path).parent_path().string(); }

std::string joinPaths(const std::string& dir, const std::string& rel) {
    return (fs::path(dir) / fs::path(rel)).lexically_normal().string();
}

std::string relativeInside(const std::string& path, const std::string& base) {
    const fs::path rel = fs::path(path).lexically_relative(base);
    const std::string s = rel.string();
    if (s.empty() || s == "." || s.rfind("..", 0) == 0) return "";
    return s;
}

std::string firstComponent(const std::string& rel) {
    const auto slash = rel.find('/');
    return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

std::string splitForFolderName(const std::string& folder) {
    const std::string n = lowerAscii(folder);
    if (n == "train" || n == "training") return "train";
    if (n == "test" || n == "testing" || n == "eval" || n == "evaluation") return "test";
    if (n == "validation" || n == "valid" || n == "val" || n == "dev") return "validation";
    return "";
}

bool isValidUtf8(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const size_t n = s.size();
    size_t i = 0;
    while (i < n) {
        const unsigned c = p[i];
        size_t len;
        unsigned cp;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            cp = c & 0x07;
        } else return false;
        if (i + len > n) return false;
        for (size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (p[i + k] & 0x3f);
        }
        // Overlong forms, surrogates and values past U+10FFFF are invalid.
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += len;
    }
    return true;
}

std::string decodeText(const std::string& bytes, bool& wasLatin1) {
    wasLatin1 = false;
    std::string s = bytes;
    if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3);
    if (isValidUtf8(s)) return s;
    wasLatin1 = true;
    std::string out;
    out.reserve(s.size() * 2);
    for (unsigned char c : s) {
        if (c < 0x80) {
            out += char(c);
        } else {
            out += char(0xc0 | (c >> 6));
            out += char(0x80 | (c & 0x3f));
        }
    }
    return out;
}

std::size_t codePointCount(const std::string& utf8) {
    std::size_t n = 0;
    for (unsigned char c : utf8)
        if ((c & 0xc0) != 0x80) ++n;
    return n;
}

namespace {
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
} // namespace

std::vector<std::string> splitWords(const std::string& s) {
    std::vector<std::string> words;
    std::string cur;
    for (char c : s) {
        if (isSpace(c)) {
            if (!cur.empty()) words.push_back(std::move(cur)), cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) words.push_back(std::move(cur));
    return words;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && isSpace(s[b])) ++b;
    while (e > b && isSpace(s[e - 1])) --e;
    return s.substr(b, e - b);
}

} // namespace captioner::detail

namespace captioner::detail {

std::string findImageRoot(const std::vector<std::string>& candidates, const std::vector<std::string>& names) {
    std::error_code ec;
    const size_t probe = std::min<size_t>(names.size(), 16);
    for (const auto& c : candidates)
        for (size_t i = 0; i < probe; ++i)
            if (fs::is_regular_file(fs::path(c) / names[i], ec)) return absoluteNormal(c);
    return std::string();
}

std::string pickImageRoot(const std::vector<std::string>& candidates, const std::vector<std::string>& names) {
    const std::string found = findImageRoot(candidates, names);
    if (!found.empty()) return found;
    return candidates.empty() ? std::string() : absoluteNormal(candidates.front());
}

} // namespace captioner::detail
