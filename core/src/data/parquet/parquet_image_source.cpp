// Image bytes from Parquet rows ("FILE.parquet#row=N"), with a bounded cache of decoded row groups:
// training and thumbnails walk rows in order, so one decode serves a whole row group.
#include "captioner/image_source.h"

#include "captioner/error.h"
#include "captioner/parquet.h"
#include "data/parquet/parquet_columns.h"

#include <cctype>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <sys/stat.h>
#include <vector>

namespace captioner {
namespace parquet {

ImageColumns findImageColumns(const ParquetFile& file) {
    ImageColumns found;
    auto tryField = [&](const std::string& name) {
        const int plain = file.findColumn(name);
        if (plain >= 0 && file.columns()[std::size_t(plain)].type == ParquetType::ByteArray &&
            !file.columns()[std::size_t(plain)].isString) {
            found = {name, plain, -1};
            return true;
        }
        const int bytes = file.findColumn(name + ".bytes");
        if (bytes >= 0 && file.columns()[std::size_t(bytes)].type == ParquetType::ByteArray &&
            file.columns()[std::size_t(bytes)].parts.size() == 2) {
            found = {name, bytes, file.findColumn(name + ".path")};
            return true;
        }
        return false;
    };
    for (const char* name : {"image", "img", "picture", "photo", "jpg", "png"})
        if (tryField(name)) return found;
    for (const auto& name : file.topLevelFields())
        if (file.findColumn(name + ".bytes") >= 0 && tryField(name)) return found;
    return found;
}

namespace {

// A column's path without the groups that list encodings add (list/element, array, bag, *_tuple ...):
// "captions.list.element" -> {"captions"}, "sentences.list.element.raw" -> {"sentences", "raw"}.
std::vector<std::string> logicalPath(const ParquetColumnInfo& c) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < c.parts.size(); ++i) {
        const std::string& p = c.parts[i];
        const bool wrapper = i > 0 && (p == "list" || p == "element" || p == "item" || p == "array" || p == "bag" ||
                                       p == "array_element" || p == c.parts[i - 1] + "_tuple");
        if (!wrapper) out.push_back(p);
    }
    return out;
}

} // namespace

int findCaptionColumn(const ParquetFile& file) {
    // The names the Hub's caption datasets use, most specific first; a list<string> column gives
    // every caption of its image (COCO- and Flickr-style datasets: captions, sentences, raw ...).
    for (const char* name : {"text", "caption", "captions", "sentences", "sentences_raw", "raw", "description",
                             "sentence", "caption_list", "texts", "alt_text"}) {
        int nested = -1, onlyText = -1, texts = 0;
        for (std::size_t i = 0; i < file.columns().size(); ++i) {
            const ParquetColumnInfo& c = file.columns()[i];
            if (c.parts.front() != name) continue;
            const std::vector<std::string> logical = logicalPath(c);
            if (logical.size() == 1) return int(i); // the field itself (a string or a list of strings)
            // A struct such as sentences {tokens, raw}: its text leaf.
            const std::string& leaf = logical.back();
            const bool text = c.type == ParquetType::ByteArray && c.isString && c.maxRepetitionLevel <= 1;
            if (nested < 0 && text && (leaf == "raw" || leaf == "text" || leaf == "caption")) nested = int(i);
            if (text && texts++ == 0) onlyText = int(i);
        }
        if (nested >= 0) return nested;
        // A legacy list whose element is a one-field group (`repeated group array { optional binary str }`)
        // or any field with a single text leaf.
        if (texts == 1) return onlyText;
    }
    return -1;
}

std::string fieldList(const ParquetFile& file) {
    std::string s;
    for (const auto& f : file.topLevelFields()) s += (s.empty() ? "" : ", ") + f;
    return s.empty() ? "none" : s;
}

} // namespace parquet

namespace {

constexpr std::size_t kCacheBudget = std::size_t(256) << 20;

struct Stamp {
    long long size = -1, mtimeNs = -1;
    bool operator==(const Stamp& o) const { return size == o.size && mtimeNs == o.mtimeNs; }
};

Stamp stampOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return {static_cast<long long>(st.st_size),
            static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

class EmbeddedImageCache {
public:
    static EmbeddedImageCache& instance() {
        static EmbeddedImageCache cache;
        return cache;
    }

    std::vector<uint8_t> bytes(const std::string& ref, const std::string& path, std::int64_t row) {
        std::lock_guard<std::mutex> lock(m_mutex);
        const Stamp stamp = stampOf(path);
        if (stamp.size < 0) throw Error(ref, "Parquet file not found: " + path);
        auto f = m_files.find(path);
        if (f == m_files.end() || !(f->second.stamp == stamp)) {
            drop(path);
            FileEntry e;
            e.stamp = stamp;
            e.file = std::make_shared<ParquetFile>(ParquetFile::open(path));
            e.columns = parquet::findImageColumns(*e.file);
            f = m_files.insert_or_assign(path, std::move(e)).first;
        }
        const FileEntry& entry = f->second;
        const ParquetFile& file = *entry.file;
        if (entry.columns.bytes < 0)
            throw Error(ref, "the Parquet file has no image column (columns: " + parquet::fieldList(file) + ")");
        if (row < 0 || row >= file.numRows())
            throw Error(ref, "row " + std::to_string(row) + " does not exist (the file has " +
                                 std::to_string(file.numRows()) + " rows)");
        const std::size_t group = file.rowGroupOf(row);
        std::shared_ptr<const ParquetColumnData> data;
        for (auto it = m_groups.begin(); it != m_groups.end(); ++it) {
            if (it->path == path && it->group == group) {
                m_groups.splice(m_groups.begin(), m_groups, it); // most recently used first
                data = it->data;
                break;
            }
        }
        if (!data) {
            try {
                data = std::make_shared<ParquetColumnData>(file.readColumn(group, std::size_t(entry.columns.bytes)));
            } catch (const Error& e) {
                throw Error(ref, e.reason());
            }
            std::size_t size = 0;
            for (const auto& b : data->bytes) size += b.size() + sizeof b;
            m_groups.push_front({path, group, data, size});
            m_used += size;
            while (m_used > kCacheBudget && m_groups.size() > 1) {
                m_used -= m_groups.back().size;
                m_groups.pop_back();
            }
        }
        const std::size_t i = std::size_t(row - file.rowGroupFirstRow(group));
        if (data->isNull(i))
            throw Error(ref,
                        "row " + std::to_string(row) + " has no image (the " + entry.columns.name + " column is null)");
        const std::string& b = data->bytes[i];
        return std::vector<uint8_t>(b.begin(), b.end());
    }

    void clear() {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_files.clear();
        m_groups.clear();
        m_used = 0;
    }

private:
    struct FileEntry {
        Stamp stamp;
        std::shared_ptr<const ParquetFile> file;
        parquet::ImageColumns columns;
    };
    struct GroupEntry {
        std::string path;
        std::size_t group;
        std::shared_ptr<const ParquetColumnData> data;
        std::size_t size;
    };

    void drop(const std::string& path) {
        m_files.erase(path);
        for (auto it = m_groups.begin(); it != m_groups.end();) {
            if (it->path == path) {
                m_used -= it->size;
                it = m_groups.erase(it);
            } else {
                ++it;
            }
        }
    }

    std::mutex m_mutex;
    std::map<std::string, FileEntry> m_files;
    std::list<GroupEntry> m_groups;
    std::size_t m_used = 0;
};

} // namespace

std::string embeddedImageRef(const std::string& parquetFile, std::int64_t row) {
    return parquetFile + "#row=" + std::to_string(row);
}

bool parseEmbeddedImageRef(const std::string& path, std::string& file, std::int64_t& row) {
    const std::size_t hash = path.rfind("#row=");
    if (hash == std::string::npos || hash < 8) return false;
    const std::string digits = path.substr(hash + 5);
    if (digits.empty() || digits.size() > 15) return false;
    for (char c : digits)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    std::string ext = path.substr(hash - 8, 8);
    for (char& c : ext) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (ext != ".parquet") return false;
    file = path.substr(0, hash);
    row = std::stoll(digits);
    return true;
}

bool isEmbeddedImageRef(const std::string& path) {
    std::string file;
    std::int64_t row = 0;
    if (!parseEmbeddedImageRef(path, file, row)) return false;
    struct stat st {};
    return ::stat(path.c_str(), &st) != 0;
}

std::vector<uint8_t> readEmbeddedImage(const std::string& ref) {
    std::string file;
    std::int64_t row = 0;
    if (!parseEmbeddedImageRef(ref, file, row))
        throw Error(ref, "not a Parquet row reference (expected FILE.parquet#row=N)");
    return EmbeddedImageCache::instance().bytes(ref, file, row);
}

std::string imageBackingFile(const std::string& path) {
    std::string file;
    std::int64_t row = 0;
    return isEmbeddedImageRef(path) && parseEmbeddedImageRef(path, file, row) ? file : path;
}

std::uint64_t imageByteSize(const std::string& path) {
    if (isEmbeddedImageRef(path)) return readEmbeddedImage(path).size();
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw Error(path, "file not found");
    return std::uint64_t(st.st_size);
}

void clearEmbeddedImageCache() { EmbeddedImageCache::instance().clear(); }

} // namespace captioner
