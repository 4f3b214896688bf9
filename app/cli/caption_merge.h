#pragma once
// `captioner caption merge OUT.jsonl SHARD.jsonl...`: joins the record files of a sharded run into one
// file in input order (by each line's index), reports duplicates (one kept) and gaps (images no file
// holds, with the shard they belong to and the file that should hold them). Gaps make it fail without
// writing unless allowGaps; OUT is written atomically. Returns the exit code; throws
// captioner::Error (a missing or malformed shard file, shards of different runs) or UsageError.
#include <string>
#include <vector>

namespace cli {

int mergeShardFiles(const std::vector<std::string>& args, bool allowGaps);

} // namespace cli
