#include "captioner/event_log.h"

#include "captioner/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace captioner {

namespace {

std::string systemError(int err) { return std::strerror(err); }

int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Events a watcher should see at once even across a network file system: the rest (steps) are synced
// at most once a second.
bool syncsAtOnce(TrainingEventType t) {
    switch (t) {
    case TrainingEventType::Started:
    case TrainingEventType::Evaluated:
    case TrainingEventType::CheckpointSaved:
    case TrainingEventType::Finished:
    case TrainingEventType::Failed: return true;
    default: return false;
    }
}

// A line that never ends (not an event log at all) must not grow memory without bound.
constexpr std::size_t kMaxLineBytes = 64u << 20;

} // namespace

std::string eventLogPath(const std::string& outputDir) { return (fs::path(outputDir) / kEventLogFileName).string(); }

// ---- writer ---------------------------------------------------------------------------------

EventLogWriter::EventLogWriter(std::string path) : m_path(std::move(path)) {}

EventLogWriter::~EventLogWriter() {
    if (m_fd >= 0) {
        ::fdatasync(m_fd);
        ::close(m_fd);
    }
}

bool EventLogWriter::ensureOpen() {
    if (m_fd >= 0) {
        struct stat st {};
        // Still the file at m_path? Rotation renames it away (or deletes it): then begin a new one.
        if (::stat(m_path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == m_device &&
            static_cast<uint64_t>(st.st_ino) == m_inode)
            return true;
        ::close(m_fd);
        m_fd = -1;
    }
    const fs::path parent = fs::path(m_path).parent_path();
    if (!parent.empty()) {
        std::error_code ec;
        fs::create_directories(parent, ec);
        if (ec) {
            m_error = m_path + ": cannot create its folder: " + ec.message();
            return false;
        }
    }
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        m_error = m_path + ": cannot open for appending: " + systemError(errno);
        return false;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        m_error = m_path + ": cannot read its attributes: " + systemError(errno);
        ::close(fd);
        return false;
    }
    m_fd = fd;
    m_device = static_cast<uint64_t>(st.st_dev);
    m_inode = static_cast<uint64_t>(st.st_ino);
    return true;
}

bool EventLogWriter::writeAll(const std::string& bytes) {
    // One write() for the whole line: with O_APPEND the kernel places it at the end in one piece.
    // The loop only continues a short write (a full disk, a signal), which a regular file rarely does.
    const char* p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(m_fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            m_error = m_path + ": cannot append: " + systemError(errno);
            return false;
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

bool EventLogWriter::appendLine(const std::string& jsonLine) {
    if (!ensureOpen()) return false;
    if (!writeAll(jsonLine + "\n")) return false;
    m_error.clear();
    return true;
}

bool EventLogWriter::append(const TrainingEvent& event) {
    if (!appendLine(event.toJson().dump())) return false;
    const int64_t now = nowMs();
    if (syncsAtOnce(event.type) || now - m_lastSyncMs >= 1000) {
        ::fdatasync(m_fd); // a failure here loses nothing locally; the next write reports real trouble
        m_lastSyncMs = now;
    }
    return true;
}

// ---- follower -------------------------------------------------------------------------------

EventLogFollower::EventLogFollower(std::string path) : m_path(std::move(path)) {}

EventLogFollower::~EventLogFollower() { closeFile(); }

void EventLogFollower::closeFile() {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    m_readPos = 0;
    m_line = 0;
    m_partial.clear();
}

void EventLogFollower::readAvailable(EventLogChunk& chunk, std::size_t maxBytes) {
    char buffer[64 * 1024];
    std::size_t readNow = 0;
    chunk.atEnd = false;
    while (maxBytes == 0 || readNow < maxBytes) {
        const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            chunk.problems.push_back(m_path + ": cannot read: " + systemError(errno));
            return;
        }
        if (n == 0) {
            chunk.atEnd = true;
            return;
        }
        readNow += static_cast<std::size_t>(n);
        m_readPos += n;
        std::size_t start = 0;
        for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
            if (buffer[i] != '\n') continue;
            m_partial.append(buffer + start, i - start);
            start = i + 1;
            ++m_line;
            std::string line;
            line.swap(m_partial);
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue; // blank lines are no events
            const auto json = nlohmann::json::parse(line, nullptr, false);
            const std::string where = m_path + " line " + std::to_string(m_line) + ": ";
            if (json.is_discarded()) {
                chunk.problems.push_back(where + "not valid JSON");
                continue;
            }
            try {
                chunk.events.push_back(TrainingEvent::fromJson(json));
            } catch (const std::exception& e) {
                chunk.problems.push_back(where + e.what());
            }
        }
        m_partial.append(buffer + start, static_cast<std::size_t>(n) - start);
        if (m_partial.size() > kMaxLineBytes) {
            chunk.problems.push_back(m_path + " line " + std::to_string(m_line + 1) + ": longer than 64 MiB; skipped");
            m_partial.clear();
        }
    }
}

EventLogChunk EventLogFollower::poll(std::size_t maxBytes) {
    EventLogChunk chunk;
    struct stat st {};
    if (::stat(m_path.c_str(), &st) != 0) {
        // Not there (yet, or renamed away and not recreated): what the old file still holds counts.
        if (m_fd >= 0) readAvailable(chunk, maxBytes);
        else chunk.atEnd = true;
        return chunk;
    }
    chunk.exists = true;
    if (m_fd >= 0 && (static_cast<uint64_t>(st.st_dev) != m_device || static_cast<uint64_t>(st.st_ino) != m_inode)) {
        // Replaced: the lines the writer appended to the old file before the switch come first. A last
        // line the old file never finished is dropped (its writer stopped in the middle of it).
        readAvailable(chunk, 0);
        closeFile();
        chunk.restarted = true;
    }
    if (m_fd < 0) {
        const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat opened {};
        if (fd < 0 || ::fstat(fd, &opened) != 0) {
            chunk.problems.push_back(m_path + ": cannot open: " + systemError(errno));
            if (fd >= 0) ::close(fd);
            return chunk;
        }
        m_fd = fd;
        m_device = static_cast<uint64_t>(opened.st_dev);
        m_inode = static_cast<uint64_t>(opened.st_ino);
        if (m_seenFile) chunk.restarted = true; // the followed file was deleted, and this is a new one
        m_seenFile = true;
    } else {
        struct stat now {};
        if (::fstat(m_fd, &now) == 0 && now.st_size < m_readPos) {
            // Truncated in place (copytruncate rotation, or a writer that started over): from the top.
            ::lseek(m_fd, 0, SEEK_SET);
            m_readPos = 0;
            m_line = 0;
            m_partial.clear();
            chunk.restarted = true;
        }
    }
    readAvailable(chunk, maxBytes);
    return chunk;
}

} // namespace captioner
