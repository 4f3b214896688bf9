#include "caption_merge.h"

#include "args.h"
#include "caption_records.h"

#include "captioner/atomic_file.h"
#include "captioner/distributed.h"
#include "captioner/error.h"

#include <filesystem>
#include <iostream>
#include <map>
#include <set>

namespace cli {

namespace {

namespace fs = std::filesystem;

constexpr int kMaxListed = 20; // lines of gaps or duplicates shown before "... and N more"
const char* kPrefix = "captioner caption merge: ";

struct Held {
    const CaptionRecord* record = nullptr;
    const std::string* file = nullptr;
};

std::string where(const std::string& file, const CaptionRecord& r) { return file + ":" + std::to_string(r.lineNumber); }

bool sameFile(const std::string& a, const std::string& b) {
    std::error_code ec;
    return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

std::string joined(const std::set<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s;
}

} // namespace

int mergeShardFiles(const std::vector<std::string>& args, bool allowGaps) {
    if (args.size() < 2)
        throw UsageError("merge needs the output file and at least one shard file: merge OUT.jsonl SHARD.jsonl...");
    const std::string out = args.front();
    const std::vector<std::string> shardFiles(args.begin() + 1, args.end());
    for (const auto& f : shardFiles)
        if (f == out || sameFile(f, out))
            throw UsageError("merge: " + out + " is also one of the shard files; write the merged file elsewhere");

    std::vector<RecordFile> files;
    files.reserve(shardFiles.size());
    for (const auto& f : shardFiles) {
        std::error_code ec;
        if (!fs::is_regular_file(f, ec)) throw captioner::Error(f, "no such shard file");
        files.push_back(readRecordFile(f));
        if (files.back().tornTail)
            std::cerr << kPrefix << f
                      << ": ignored a partial last line (the shard was interrupted; re-run it to finish it)\n";
    }

    // Every line must come from one run: the same number of shards over the same number of inputs.
    const CaptionRecord* first = nullptr;
    const std::string* firstFile = nullptr;
    for (std::size_t i = 0; i < files.size() && !first; ++i)
        if (!files[i].records.empty()) first = &files[i].records.front(), firstFile = &shardFiles[i];
    if (!first) throw captioner::Error("", "the shard files hold no records; nothing to merge");
    const int64_t total = first->total;
    const int shards = first->shards;

    std::vector<Held> held(static_cast<std::size_t>(total));
    std::map<int, std::set<std::string>> filesOfShard;
    std::map<int, std::set<int64_t>> indicesOfShard;
    int64_t duplicates = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        for (const auto& r : files[i].records) {
            if (r.total != total || r.shards != shards)
                throw captioner::Error(where(shardFiles[i], r),
                                       "is from a run of " + std::to_string(r.shards) + " shards over " +
                                           std::to_string(r.total) + " inputs, but " + where(*firstFile, *first) +
                                           " is from " + std::to_string(shards) + " shards over " +
                                           std::to_string(total) + " inputs: these files come from different runs");
            const int owner = shardOfIndex(static_cast<std::size_t>(r.index), static_cast<std::size_t>(total), shards);
            if (owner != r.shard)
                throw captioner::Error(where(shardFiles[i], r), "says shard " + std::to_string(r.shard) + ", but #" +
                                                                    std::to_string(r.index) + " belongs to shard " +
                                                                    std::to_string(owner));
            filesOfShard[r.shard].insert(shardFiles[i]);
            indicesOfShard[r.shard].insert(r.index);
            Held& h = held[static_cast<std::size_t>(r.index)];
            if (!h.record) {
                h = {&r, &shardFiles[i]};
                continue;
            }
            if (h.record->image != r.image)
                throw captioner::Error(where(shardFiles[i], r), "#" + std::to_string(r.index) + " is " + r.image +
                                                                    " here but " + h.record->image + " in " +
                                                                    where(*h.file, *h.record) +
                                                                    ": the shards were made from different inputs");
            // A caption beats an error line for the same image (a later run may have read it fine).
            const bool replace = h.record->failed && !r.failed;
            if (++duplicates <= kMaxListed)
                std::cerr << kPrefix << "#" << r.index << " (" << r.image << ") is in " << where(*h.file, *h.record)
                          << " and " << where(shardFiles[i], r) << "; kept "
                          << (replace ? where(shardFiles[i], r) : where(*h.file, *h.record)) << "\n";
            if (replace) h = {&r, &shardFiles[i]};
        }
    }
    if (duplicates > kMaxListed) std::cerr << kPrefix << "... and " << duplicates - kMaxListed << " more duplicates\n";

    // Gaps, grouped into runs of consecutive indices of one shard.
    int64_t missing = 0, groups = 0, failed = 0;
    std::string text;
    for (int64_t i = 0; i < total;) {
        if (held[static_cast<std::size_t>(i)].record) {
            failed += held[static_cast<std::size_t>(i)].record->failed;
            text += held[static_cast<std::size_t>(i)].record->line + "\n";
            ++i;
            continue;
        }
        const int k = shardOfIndex(static_cast<std::size_t>(i), static_cast<std::size_t>(total), shards);
        const auto part = captioner::shardRange(static_cast<std::size_t>(total), k, shards);
        const std::pair<std::size_t, std::size_t> range{part.begin, part.end};
        int64_t j = i;
        while (j < total && static_cast<std::size_t>(j) < range.second && !held[static_cast<std::size_t>(j)].record)
            ++j;
        if (missing == 0) std::cerr << kPrefix << "images missing:\n";
        missing += j - i;
        if (++groups <= kMaxListed) {
            std::cerr << "  #" << i << (j - i > 1 ? " to #" + std::to_string(j - 1) : std::string()) << ": shard " << k
                      << "/" << shards;
            if (filesOfShard.count(k))
                std::cerr << ", expected in " << joined(filesOfShard[k]) << " (it holds " << indicesOfShard[k].size()
                          << " of the shard's " << range.second - range.first << " images)\n";
            else std::cerr << ", which none of the given files holds\n";
        }
        i = j;
    }
    if (groups > kMaxListed) std::cerr << "  ... and " << groups - kMaxListed << " more gaps\n";
    if (missing > 0) {
        std::cerr << kPrefix << missing << " of " << total << " images missing";
        if (!allowGaps) {
            std::cerr << "; nothing written (re-run those shards, which resume, or pass --allow-gaps)\n";
            return 1;
        }
        std::cerr << "\n";
    }
    captioner::writeFileAtomically(out, text);
    std::cout << "merged " << total - missing << " of " << total << " images (" << failed << " failed) from "
              << shardFiles.size() << " shard files into " << out << "\n";
    return 0;
}

} // namespace cli
