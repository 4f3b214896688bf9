#pragma once
// The JSONL file of a sharded captioning run: one line per image, written as each image finishes, so
// a killed shard keeps what it had done and a re-run appends the rest. A line is
//   {"image", "caption", "token_ids", "seconds", "confidence", "index", "shard", "shards", "total"}
// or, for an image that could not be captioned, {"image", "error", "index", ...}. image, caption,
// token_ids, seconds and confidence mean what they mean in `captioner caption --json`; index is the image's
// position in the sorted, de-duplicated inputs (of `total`), shard/shards the K/N that wrote it, so
// `caption merge` can order lines and tell which shard a missing image belongs to.
//
// This file is appended to, not replaced atomically: replacing a million-line file per image would
// cost more than the captioning. Each line goes out in one write() and is fdatasync'ed before the
// next image counts as done; what a kill can leave is a last line without its newline, which the
// reader reports (tornTail) and the writer cuts off before appending.
#include "caption_shards.h"

#include "captioner/caption_pipeline.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cli {

struct CaptionRecord {
    int64_t index = 0, total = 0;
    int shard = 0, shards = 1;
    std::string image;
    bool failed = false; // an "error" line
    std::string line;    // the JSON text as stored, without the newline
    int lineNumber = 0;  // 1-based, for messages
};

struct RecordFile {
    std::vector<CaptionRecord> records;
    uint64_t completeBytes = 0; // bytes up to and including the last newline
    bool tornTail = false;      // bytes after the last newline: an interrupted write
};

// Reads a record file; a file that does not exist reads as empty. Throws captioner::Error naming
// "FILE:LINE" when a complete line is not a caption record.
RecordFile readRecordFile(const std::string& path);

// A path as a record stores it: bytes that are not UTF-8 become U+FFFD.
std::string storedPath(const std::string& path);

// The line (with its newline) for one result of shard `s` at input `index` of `total`.
std::string recordLine(const captioner::CaptionResult& r, std::size_t index, const ShardSelection& s,
                       std::size_t total);

// Appends lines to a record file, holding an exclusive lock on it so that two shards given the same
// --out fail at once instead of interleaving. Creates the file (and syncs its folder) if needed.
class RecordAppender {
public:
    explicit RecordAppender(std::string path); // throws captioner::Error
    ~RecordAppender();
    RecordAppender(const RecordAppender&) = delete;
    RecordAppender& operator=(const RecordAppender&) = delete;

    void truncate(uint64_t size);         // drops a torn tail; throws captioner::Error
    void append(const std::string& line); // one write, then fdatasync; throws captioner::Error

private:
    std::string m_path;
    int m_fd = -1;
};

} // namespace cli
