#pragma once
// The training event log, OUTPUT/events.jsonl: one TrainingEvent::toJson() object per line, appended
// by the trainer as the run goes, so that anything that can read the output folder (the desktop app's
// Train page, `captioner train --watch`, a script, a person with `tail -f`) can follow a run that was
// started elsewhere: by the CLI, by a cluster job on a shared file system, or by another window.
//
// EventLogWriter appends: the file is opened with O_APPEND and every event is one write() of one
// complete line, so concurrent readers never see a torn line in the middle of the file (only, at
// worst, a last line still being written) and a resumed run continues the same file, which then
// holds the whole history of the output folder (each run begins with a Started event; a resumed one
// says where it resumed). This log is the one user file that is appended rather than replaced
// atomically: replacing it per event would cost a copy of the whole file per step. The writer never
// throws; a failure to open or write is kept in error() (the trainer reports it once as a Log event
// and trains on: the log is for watching, the checkpoints and trainer_state.json are the record).
// A file renamed away (log rotation) or deleted is noticed at the next event and a new one begins.
// Each line reaches the kernel at once (no user-space buffer); the file is also fdatasync'ed at most
// once a second and after Started, eval, checkpoint and end events, so that readers on other machines
// of a network file system (NFS writes back lazily) see a run's progress within about a second.
//
// EventLogFollower reads such a file like `tail -F`: poll() returns the events of the complete lines
// appended since the last call (a last line without its newline waits for the next poll), starts
// from the beginning of the file, waits for a file that does not exist yet, and starts over from the
// beginning of a file that was truncated or replaced (a new inode: rotation, a copy over it). It
// only polls (stat + read), so it works on network and shared file systems where change
// notifications do not arrive. Thread-safety: one object per thread; different objects may follow
// the same file.
#include "captioner/training_events.h"

#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

inline constexpr const char* kEventLogFileName = "events.jsonl";

// OUTPUT/events.jsonl
std::string eventLogPath(const std::string& outputDir);

class EventLogWriter : public TrainingObserver {
public:
    // Nothing is opened until the first event; the file's folder is created then if needed.
    explicit EventLogWriter(std::string path);
    ~EventLogWriter() override;
    EventLogWriter(const EventLogWriter&) = delete;
    EventLogWriter& operator=(const EventLogWriter&) = delete;

    void onEvent(const TrainingEvent& event) override { append(event); }
    // Appends one line; false (and error() says why, naming the file) when it could not be written.
    bool append(const TrainingEvent& event);
    bool appendLine(const std::string& jsonLine); // the line without its newline

    const std::string& path() const { return m_path; }
    const std::string& error() const { return m_error; } // the latest failure; "" after a good write

private:
    bool ensureOpen();
    bool writeAll(const std::string& bytes);
    std::string m_path;
    std::string m_error;
    int m_fd = -1;
    uint64_t m_device = 0, m_inode = 0; // of the open file, to notice it being renamed away
    int64_t m_lastSyncMs = 0;
};

struct EventLogChunk {
    std::vector<TrainingEvent> events;
    // The file was truncated or replaced since the previous poll: `events` start at its beginning.
    bool restarted = false;
    // Lines that are not training events, as "PATH line N: reason"; they are skipped.
    std::vector<std::string> problems;
    bool exists = false; // the file exists now
    bool atEnd = false;  // everything the file held was read (false when maxBytes stopped it)
};

class EventLogFollower {
public:
    explicit EventLogFollower(std::string path);
    ~EventLogFollower();
    EventLogFollower(const EventLogFollower&) = delete;
    EventLogFollower& operator=(const EventLogFollower&) = delete;

    // Reads at most about maxBytes of new data (a big file is then read over several polls, so a
    // caller can show progress); 0 reads to the end. Never throws: an unreadable file is a problem.
    EventLogChunk poll(std::size_t maxBytes = 0);

    const std::string& path() const { return m_path; }
    // Bytes of the current file consumed as complete lines.
    int64_t offset() const { return m_readPos - static_cast<int64_t>(m_partial.size()); }
    int64_t linesRead() const { return m_line; } // complete lines of the current file

private:
    void closeFile();
    void readAvailable(EventLogChunk& chunk, std::size_t maxBytes);
    std::string m_path;
    int m_fd = -1;
    uint64_t m_device = 0, m_inode = 0;
    int64_t m_readPos = 0; // of the next byte to read (m_partial holds those before it not yet in a line)
    int64_t m_line = 0;
    std::string m_partial;   // a last line still waiting for its newline
    bool m_seenFile = false; // a file was followed before (so a new one is a restart)
};

} // namespace captioner
