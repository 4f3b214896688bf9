#pragma once
// Caption files as other tools write them, read for `captioner metrics`: one image key and one or more
// captions per row, in JSON Lines, a JSON array (COCO's results format) or a COCO captions file
// ({"annotations": [...]}), or CSV with a header row (RFC 4180).
//
// - Format: by extension (.jsonl/.ndjson, .json, .csv); any other name is JSON Lines when its first
//   character that is not a space is '{', a JSON document when it is '[', else CSV.
// - Key field: the first of kKeyFields that the first row (CSV: the header) has, unless one is named.
//   Integers (COCO's image_id) become their decimal text, so 42 and "42" are the same key.
// - Caption field: likewise from kCaptionFields. Its value is one caption (a string) or several (a JSON
//   list of strings; in CSV only in a column named `captions` or `references`, whose cells are then
//   JSON lists, while any other column's cell is always plain text).
// - A row with a non-empty "error" and no caption (a line of a `captioner caption --out` file for an
//   image that could not be captioned; CSV: an empty caption cell) is kept as failed, not an error. Blank lines are
//   skipped.
// Every problem throws captioner::Error naming "FILE:LINE" (a .json file: "FILE: entry N").
#include <string>
#include <vector>

namespace cli {

inline const std::vector<std::string> kKeyFields = {"image", "file_name", "image_id", "filename", "path", "file", "id"};
inline const std::vector<std::string> kCaptionFields = {"caption",   "captions",   "text",    "prediction",
                                                        "reference", "references", "sentence"};

struct CaptionRow {
    std::string key;
    std::vector<std::string> captions; // empty only when failed
    bool failed = false;               // an error row of `captioner caption --out`
    std::string where;                 // "FILE:LINE" (or "FILE: entry N"), for messages
};

struct CaptionTable {
    std::string keyField, captionField; // the fields used
    std::vector<CaptionRow> rows;       // in file order
};

// keyField / captionField: "" picks from the lists above.
CaptionTable readCaptionTable(const std::string& path, const std::string& keyField = {},
                              const std::string& captionField = {});

} // namespace cli
