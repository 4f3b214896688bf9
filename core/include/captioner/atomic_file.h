#pragma once
// Atomic writes of user data: bytes go to a temporary file next to the target (same folder, so the
// final rename stays on one file system), are flushed to disk, and only then replace the target.
// A reader therefore sees either the old file or the complete new one, never a torn write, and a
// crash or full disk leaves the old file untouched. Errors carry the target path and the reason.
#include <cstddef>
#include <string>

namespace captioner {

// Writes `bytes` to `path` atomically (temp file <path>.tmp-<pid>-<n>-<random>, write, fsync, rename, fsync of
// the folder). Throws Error(path, reason) on any failure, after removing the temp file.
void writeFileAtomically(const std::string& path, const std::string& bytes);

// Streaming form for large files (checkpoints): construct, write() in pieces, commit(). Destroying a
// writer that was not committed (an exception in between, say) discards the temp file and leaves the
// target as it was. An existing target's permission bits are kept. Not thread-safe.
class AtomicFileWriter {
public:
    explicit AtomicFileWriter(std::string path); // creates the temp file; throws Error
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    void write(const void* data, std::size_t size); // throws Error; the temp file is discarded then
    void write(const std::string& bytes) { write(bytes.data(), bytes.size()); }
    void commit();           // flush, fsync, rename, fsync folder; throws Error
    void discard() noexcept; // removes the temp file; the writer is then spent

    const std::string& path() const { return m_path; }
    const std::string& tempPath() const { return m_tempPath; }

private:
    void flushBuffer();
    [[noreturn]] void fail(const std::string& what, int err);

    std::string m_path;
    std::string m_tempPath;
    std::string m_buffer;
    int m_fd = -1;
    bool m_done = false;
};

} // namespace captioner
