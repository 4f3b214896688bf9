#include "caption_table.h"

#include "captioner/csv.h"
#include "captioner/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace cli {
namespace {

using captioner::Error;
using nlohmann::json;

std::string readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, std::string("cannot open: ") + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw Error(path, "read failed");
    std::string text = s.str();
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3); // UTF-8 BOM
    return text;
}

bool endsWith(const std::string& s, const std::string& suffix) {
    if (s.size() < suffix.size()) return false;
    return std::equal(suffix.rbegin(), suffix.rend(), s.rbegin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

std::string inQuotes(const std::string& s) { return "\"" + s + "\""; }

std::string fieldList(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out;
}

// The first of `candidates` (or exactly `chosen`) that `has` says is present; "" if none.
template <typename Has>
std::string pickField(const std::string& chosen, const std::vector<std::string>& candidates, Has has) {
    if (!chosen.empty()) return has(chosen) ? chosen : std::string();
    for (const auto& c : candidates)
        if (has(c)) return c;
    return {};
}

std::string keyText(const json& v, const std::string& where, const std::string& field) {
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        if (s.empty()) throw Error(where, "empty " + inQuotes(field));
        return s;
    }
    if (v.is_number_integer())
        return v.is_number_unsigned() ? std::to_string(v.get<uint64_t>()) : std::to_string(v.get<int64_t>());
    throw Error(where, inQuotes(field) + " must be a string or an integer, not " + v.type_name());
}

std::vector<std::string> captionsOf(const json& v, const std::string& where, const std::string& field) {
    if (v.is_string()) return {v.get<std::string>()};
    if (v.is_array()) {
        std::vector<std::string> out;
        for (const auto& c : v) {
            if (!c.is_string()) throw Error(where, inQuotes(field) + " must hold strings, found " + c.type_name());
            out.push_back(c.get<std::string>());
        }
        if (out.empty()) throw Error(where, inQuotes(field) + " is an empty list");
        return out;
    }
    throw Error(where, inQuotes(field) + " must be a string or a list of strings, not " + v.type_name());
}

bool isErrorRow(const json& row) {
    const auto it = row.find("error");
    return it != row.end() && it->is_string() && !it->get<std::string>().empty();
}

// Rows of JSON objects (JSONL lines or the entries of a JSON document), each with where it came from.
CaptionTable fromObjects(const std::vector<std::pair<json, std::string>>& objects, const std::string& path,
                         const std::string& keyField, const std::string& captionField) {
    CaptionTable t;
    if (objects.empty()) throw Error(path, "no rows");
    const json& first = objects.front().first;
    t.keyField = pickField(keyField, kKeyFields, [&](const std::string& f) { return first.contains(f); });
    if (t.keyField.empty())
        throw Error(objects.front().second, keyField.empty()
                                                ? "no image key field (looked for " + fieldList(kKeyFields) + ")"
                                                : "no field " + inQuotes(keyField));
    for (const auto& [row, where] : objects) {
        if (!t.captionField.empty()) break;
        t.captionField = pickField(captionField, kCaptionFields, [&](const std::string& f) { return row.contains(f); });
    }
    if (t.captionField.empty())
        throw Error(objects.front().second, captionField.empty()
                                                ? "no caption field (looked for " + fieldList(kCaptionFields) + ")"
                                                : "no field " + inQuotes(captionField));
    for (const auto& [row, where] : objects) {
        CaptionRow r;
        r.where = where;
        const auto key = row.find(t.keyField);
        if (key == row.end()) throw Error(where, "no " + inQuotes(t.keyField) + " (the image key of this file)");
        r.key = keyText(*key, where, t.keyField);
        const auto caption = row.find(t.captionField);
        if (caption == row.end() || caption->is_null()) {
            if (!isErrorRow(row))
                throw Error(where, "no " + inQuotes(t.captionField) + " (the caption field of this file)");
            r.failed = true;
        } else {
            r.captions = captionsOf(*caption, where, t.captionField);
        }
        t.rows.push_back(std::move(r));
    }
    return t;
}

CaptionTable readJsonLines(const std::string& path, const std::string& text, const std::string& keyField,
                           const std::string& captionField) {
    std::vector<std::pair<json, std::string>> objects;
    size_t lineNumber = 0, start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) continue;
        const std::string where = path + ":" + std::to_string(lineNumber);
        json row = json::parse(line, nullptr, false);
        if (row.is_discarded()) throw Error(where, "not a JSON object (malformed JSON)");
        if (!row.is_object()) throw Error(where, std::string("not a JSON object but ") + row.type_name());
        objects.emplace_back(std::move(row), where);
    }
    return fromObjects(objects, path, keyField, captionField);
}

CaptionTable readJsonDocument(const std::string& path, const std::string& text, const std::string& keyField,
                              const std::string& captionField) {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded()) throw Error(path, "not valid JSON");
    const json* list = &doc;
    if (doc.is_object() && doc.contains("annotations")) list = &doc.at("annotations");
    if (!list->is_array())
        throw Error(path, "expected a JSON array of rows or a COCO captions file ({\"annotations\": [...]})");
    std::vector<std::pair<json, std::string>> objects;
    for (size_t i = 0; i < list->size(); ++i) {
        const std::string where = path + ": entry " + std::to_string(i + 1);
        if (!(*list)[i].is_object()) throw Error(where, std::string("not a JSON object but ") + (*list)[i].type_name());
        objects.emplace_back((*list)[i], where);
    }
    return fromObjects(objects, path, keyField, captionField);
}

CaptionTable readCsv(const std::string& path, const std::string& text, const std::string& keyField,
                     const std::string& captionField) {
    const auto records = captioner::parseCsv(text, path); // RFC 4180, as metadata.csv is read
    if (records.empty()) throw Error(path, "empty CSV file (a header row is needed)");
    const auto& header = records.front().fields;
    auto column = [&](const std::string& name) {
        return static_cast<size_t>(std::find(header.begin(), header.end(), name) - header.begin());
    };
    auto has = [&](const std::string& name) { return column(name) < header.size(); };
    const std::string headerWhere = path + ":" + std::to_string(records.front().line);
    CaptionTable t;
    t.keyField = pickField(keyField, kKeyFields, has);
    if (t.keyField.empty())
        throw Error(headerWhere, keyField.empty()
                                     ? "no image key column in the header (looked for " + fieldList(kKeyFields) + ")"
                                     : "no column " + inQuotes(keyField) + " in the header");
    t.captionField = pickField(captionField, kCaptionFields, has);
    if (t.captionField.empty())
        throw Error(headerWhere, captionField.empty()
                                     ? "no caption column in the header (looked for " + fieldList(kCaptionFields) + ")"
                                     : "no column " + inQuotes(captionField) + " in the header");
    const size_t keyColumn = column(t.keyField), captionColumn = column(t.captionField), errorColumn = column("error");
    const bool listColumn = t.captionField == "captions" || t.captionField == "references";
    for (size_t k = 1; k < records.size(); ++k) {
        const auto& fields = records[k].fields;
        CaptionRow r;
        r.where = path + ":" + std::to_string(records[k].line);
        if (fields.size() != header.size())
            throw Error(r.where,
                        std::to_string(fields.size()) + " fields, but the header has " + std::to_string(header.size()));
        r.key = fields[keyColumn];
        if (r.key.empty()) throw Error(r.where, "empty " + inQuotes(t.keyField));
        const std::string& cell = fields[captionColumn];
        if (cell.empty() && errorColumn < header.size() && !fields[errorColumn].empty()) {
            r.failed = true;
        } else if (listColumn) {
            const json list = json::parse(cell, nullptr, false);
            if (list.is_discarded() || !list.is_array())
                throw Error(r.where, "a " + inQuotes(t.captionField) +
                                         " cell must be a JSON list of strings, e.g. [\"a dog\", \"a cat\"]");
            r.captions = captionsOf(list, r.where, t.captionField);
        } else {
            r.captions = {cell};
        }
        t.rows.push_back(std::move(r));
    }
    if (t.rows.empty()) throw Error(path, "no rows after the header");
    return t;
}

} // namespace

CaptionTable readCaptionTable(const std::string& path, const std::string& keyField, const std::string& captionField) {
    const std::string text = readWholeFile(path);
    if (endsWith(path, ".jsonl") || endsWith(path, ".ndjson")) return readJsonLines(path, text, keyField, captionField);
    if (endsWith(path, ".json")) return readJsonDocument(path, text, keyField, captionField);
    if (endsWith(path, ".csv")) return readCsv(path, text, keyField, captionField);
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '{') return readJsonLines(path, text, keyField, captionField);
    if (first != std::string::npos && text[first] == '[') return readJsonDocument(path, text, keyField, captionField);
    return readCsv(path, text, keyField, captionField);
}

} // namespace cli
