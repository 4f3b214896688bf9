#include "captioner/csv.h"

#include "captioner/error.h"

namespace captioner {

std::vector<CsvRecord> parseCsv(const std::string& input, const std::string& nameForErrors) {
    std::vector<CsvRecord> records;
    size_t i = 0;
    const size_t n = input.size();
    if (n >= 3 && input.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
    size_t line = 1;
    CsvRecord rec;
    rec.line = line;
    std::string field;
    bool fieldStarted = false; // distinguishes an empty last field from no field at all
    auto endField = [&] {
        rec.fields.push_back(std::move(field));
        field.clear();
        fieldStarted = false;
    };
    auto endRecord = [&] {
        endField();
        // A blank line is no record (Python's csv yields [] for it; pandas skips it).
        if (!(rec.fields.size() == 1 && rec.fields[0].empty())) records.push_back(std::move(rec));
        rec = CsvRecord();
        rec.line = line;
    };
    while (i < n) {
        const char c = input[i];
        if (c == '"' && !fieldStarted && field.empty()) {
            const size_t startLine = line;
            ++i;
            bool closed = false;
            while (i < n) {
                const char q = input[i];
                if (q == '"') {
                    if (i + 1 < n && input[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (q == '\n') ++line;
                field += q;
                ++i;
            }
            if (!closed) throw Error(nameForErrors + ":" + std::to_string(startLine), "unterminated quoted field");
            fieldStarted = true;
            continue;
        }
        if (c == ',') {
            endField(); // the field after the comma is pushed by the next comma or the record's end
            ++i;
            continue;
        }
        if (c == '\r' || c == '\n') {
            i += (c == '\r' && i + 1 < n && input[i + 1] == '\n') ? 2 : 1;
            ++line;
            endRecord();
            continue;
        }
        field += c;
        fieldStarted = true;
        ++i;
    }
    if (fieldStarted || !field.empty() || !rec.fields.empty()) endRecord();
    return records;
}

std::string formatCsvRecord(const std::vector<std::string>& fields) {
    std::string out;
    for (size_t k = 0; k < fields.size(); ++k) {
        if (k) out += ',';
        const std::string& f = fields[k];
        const bool quote =
            f.find_first_of(",\"\r\n") != std::string::npos || (!f.empty() && (f.front() == ' ' || f.back() == ' '));
        if (!quote) {
            out += f;
            continue;
        }
        out += '"';
        for (char c : f) {
            if (c == '"') out += '"';
            out += c;
        }
        out += '"';
    }
    out += "\r\n";
    return out;
}

} // namespace captioner
