#include "util/file_io.h"

#include "captioner/error.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace captioner {

namespace detail {

std::string uniqueTempPath(const std::string& path) {
    // The counter separates threads of this process, the pid other processes; the random part keeps a
    // leftover of a crashed run with a recycled pid from ever being taken for ours.
    static std::atomic<unsigned long> counter{0};
    static const unsigned long long salt = [] {
        std::random_device rd;
        return (static_cast<unsigned long long>(rd()) << 32) ^ rd();
    }();
    const unsigned long n = counter++;
    char random[17];
    std::snprintf(random, sizeof random, "%08llx", (salt ^ (n * 0x9E3779B97F4A7C15ULL)) & 0xffffffffULL);
    return path + ".tmp-" + std::to_string(static_cast<long>(::getpid())) + "-" + std::to_string(n) + "-" + random;
}

namespace {

template <typename Bytes> Bytes readWhole(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        struct stat st {};
        if (err == ENOENT) throw Error(path, "file not found");
        if (::stat(path.c_str(), &st) != 0) throw Error(path, std::string("cannot access: ") + std::strerror(errno));
        throw Error(path, std::string("cannot open: ") + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(path, std::string("cannot access: ") + std::strerror(err));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Error(path, "is a directory, expected a file");
    }
    Bytes bytes;
    if (S_ISREG(st.st_mode)) bytes.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            throw Error(path, std::string("cannot read: ") + std::strerror(err));
        }
        bytes.insert(bytes.end(), buf, buf + n);
    }
    ::close(fd);
    return bytes;
}

} // namespace

std::string readWholeFile(const std::string& path) { return readWhole<std::string>(path); }
std::vector<uint8_t> readWholeFileBytes(const std::string& path) { return readWhole<std::vector<uint8_t>>(path); }

std::string readWholeFile(const std::string& path, const std::string& what) {
    try {
        return readWhole<std::string>(path);
    } catch (const Error& e) {
        throw Error(path, what + ": " + e.reason());
    }
}

} // namespace detail

namespace {

constexpr std::size_t kBufferSize = 1 << 16;

std::string folderOf(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

} // namespace

AtomicFileWriter::AtomicFileWriter(std::string path) : m_path(std::move(path)) {
    if (m_path.empty()) throw Error("", "cannot write a file with an empty path");
    m_tempPath = detail::uniqueTempPath(m_path);
    m_fd = ::open(m_tempPath.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (m_fd < 0) {
        const int err = errno;
        m_done = true;
        throw Error(m_path, "cannot create temporary file " + m_tempPath + ": " + std::strerror(err));
    }
    // Replacing a file should not change who may read it (QSaveFile does the same).
    struct stat st {};
    if (::stat(m_path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) (void)::fchmod(m_fd, st.st_mode & 07777);
    m_buffer.reserve(kBufferSize);
}

AtomicFileWriter::~AtomicFileWriter() { discard(); }

void AtomicFileWriter::discard() noexcept {
    if (m_done) return;
    m_done = true;
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
    ::unlink(m_tempPath.c_str());
}

void AtomicFileWriter::fail(const std::string& what, int err) {
    discard();
    throw Error(m_path, what + ": " + std::strerror(err));
}

void AtomicFileWriter::write(const void* data, std::size_t size) {
    if (m_done) throw Error(m_path, "write after the file was committed or discarded");
    if (size == 0) return;
    if (m_buffer.size() + size <= kBufferSize) {
        m_buffer.append(static_cast<const char*>(data), size);
        return;
    }
    flushBuffer();
    if (size < kBufferSize) {
        m_buffer.append(static_cast<const char*>(data), size);
        return;
    }
    const char* p = static_cast<const char*>(data);
    while (size > 0) {
        const ssize_t n = ::write(m_fd, p, size);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", errno);
        }
        p += n;
        size -= static_cast<std::size_t>(n);
    }
}

void AtomicFileWriter::flushBuffer() {
    std::size_t done = 0;
    while (done < m_buffer.size()) {
        const ssize_t n = ::write(m_fd, m_buffer.data() + done, m_buffer.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("cannot write", errno);
        }
        done += static_cast<std::size_t>(n);
    }
    m_buffer.clear();
}

void AtomicFileWriter::commit() {
    if (m_done) throw Error(m_path, "commit after the file was committed or discarded");
    flushBuffer();
    if (::fsync(m_fd) != 0) fail("cannot flush to disk", errno);
    const int fd = m_fd;
    m_fd = -1;
    if (::close(fd) != 0) fail("cannot close", errno);
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0) fail("cannot replace the file", errno);
    m_done = true;
    // The rename is durable only once the folder is flushed; failing that is not worth an error
    // (some file systems refuse fsync on directories), the data itself is safe.
    const int dir = ::open(folderOf(m_path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
    }
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
    AtomicFileWriter writer(path);
    writer.write(bytes);
    writer.commit();
}

} // namespace captioner
