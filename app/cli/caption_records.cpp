#include "caption_records.h"

#include "captioner/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cli {

namespace {

namespace fs = std::filesystem;

std::string systemError(int err) { return std::strerror(err); }

bool isCount(const nlohmann::json& v, int64_t min) { return v.is_number_integer() && v.get<int64_t>() >= min; }

CaptionRecord parseRecord(const std::string& path, int lineNumber, std::string line) {
    const std::string where = path + ":" + std::to_string(lineNumber);
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
        throw captioner::Error(where, std::string("not valid JSON (") + e.what() + ")");
    }
    const bool shaped =
        j.is_object() && isCount(j.value("index", nlohmann::json()), 0) &&
        isCount(j.value("shard", nlohmann::json()), 0) && isCount(j.value("shards", nlohmann::json()), 1) &&
        isCount(j.value("total", nlohmann::json()), 0) && j.value("image", nlohmann::json()).is_string() &&
        (j.value("caption", nlohmann::json()).is_string() || j.value("error", nlohmann::json()).is_string());
    if (!shaped)
        throw captioner::Error(
            where, "not a caption record (it needs index, shard, shards, total, image, and caption or error)");
    CaptionRecord r;
    r.index = j["index"].get<int64_t>();
    r.total = j["total"].get<int64_t>();
    r.shard = j["shard"].get<int>();
    r.shards = j["shards"].get<int>();
    r.image = j["image"].get<std::string>();
    r.failed = j.contains("error");
    r.line = std::move(line);
    r.lineNumber = lineNumber;
    if (r.index >= r.total || r.shard >= r.shards)
        throw captioner::Error(where, "index or shard out of range (index " + std::to_string(r.index) + " of " +
                                          std::to_string(r.total) + ", shard " + std::to_string(r.shard) + "/" +
                                          std::to_string(r.shards) + ")");
    return r;
}

} // namespace

RecordFile readRecordFile(const std::string& path) {
    RecordFile f;
    std::error_code ec;
    if (!fs::exists(path, ec)) return f;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw captioner::Error(path, "cannot be read: " + systemError(errno));
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw captioner::Error(path, "cannot be read: " + systemError(errno));
    const std::string bytes = buf.str();
    std::size_t start = 0;
    int lineNumber = 0;
    for (std::size_t nl; (nl = bytes.find('\n', start)) != std::string::npos; start = nl + 1) {
        ++lineNumber;
        if (nl == start) continue; // an empty line carries nothing
        f.records.push_back(parseRecord(path, lineNumber, bytes.substr(start, nl - start)));
    }
    f.completeBytes = start;
    f.tornTail = start < bytes.size();
    return f;
}

std::string storedPath(const std::string& path) {
    const auto j = nlohmann::json(path);
    return nlohmann::json::parse(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).get<std::string>();
}

std::string recordLine(const captioner::CaptionResult& r, std::size_t index, const ShardSelection& s,
                       std::size_t total) {
    // Insertion order keeps the fields of `caption --json` first and in its order.
    nlohmann::ordered_json j;
    j["image"] = r.image;
    if (r.ok()) {
        j["caption"] = r.caption;
        j["token_ids"] = r.tokenIds;
        j["seconds"] = r.seconds;
        j["confidence"] = r.confidence;
    } else {
        j["error"] = r.error;
    }
    j["index"] = index;
    j["shard"] = s.index;
    j["shards"] = s.count;
    j["total"] = total;
    // A file name that is not UTF-8 must not stop the run; it is stored with U+FFFD in its place.
    return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

RecordAppender::RecordAppender(std::string path) : m_path(std::move(path)) {
    std::error_code ec;
    const bool existed = fs::exists(m_path, ec);
    m_fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m_fd < 0) throw captioner::Error(m_path, "cannot be opened for appending: " + systemError(errno));
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(m_fd);
        m_fd = -1;
        if (err == EWOULDBLOCK)
            throw captioner::Error(m_path, "another captioner is writing this file; give each shard its own --out "
                                           "(e.g. captions-{shard}.jsonl)");
        throw captioner::Error(m_path, "cannot be locked: " + systemError(err));
    }
    if (!existed) {
        // The new file's name must survive a crash too, or a re-run would start over.
        const fs::path parent = fs::path(m_path).parent_path();
        const int dir = ::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
            ::fsync(dir);
            ::close(dir);
        }
    }
}

RecordAppender::~RecordAppender() {
    if (m_fd >= 0) ::close(m_fd); // also releases the lock
}

void RecordAppender::truncate(uint64_t size) {
    if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0 || ::fdatasync(m_fd) != 0)
        throw captioner::Error(m_path, "cannot cut off the partial last line: " + systemError(errno));
}

void RecordAppender::append(const std::string& line) {
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(m_fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw captioner::Error(m_path, "cannot append a record: " + systemError(errno));
        done += static_cast<std::size_t>(n);
    }
    if (::fdatasync(m_fd) != 0) throw captioner::Error(m_path, "cannot sync a record to disk: " + systemError(errno));
}

} // namespace cli
