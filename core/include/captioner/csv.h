#pragma once
// RFC 4180 CSV: comma-separated fields, records ended by CRLF or LF, fields in double quotes may hold
// commas, line breaks and doubled quotes. A leading UTF-8 BOM is ignored. Reading is lenient where
// Python's csv module is (a stray quote inside an unquoted field is kept as a character); an
// unterminated quoted field is an error naming the line it started on. The one CSV reader and writer of
// the project: datasets' metadata.csv, review exports, and the CLI's caption files (`captioner metrics`).
#include <cstddef>
#include <string>
#include <vector>

namespace captioner {

struct CsvRecord {
    std::vector<std::string> fields;
    std::size_t line = 0; // 1-based line the record starts on
};

// Throws Error(nameForErrors + ":" + line, reason) for an unterminated quoted field.
std::vector<CsvRecord> parseCsv(const std::string& text, const std::string& nameForErrors);
// Quotes a field only when it must (comma, quote, CR, LF, or leading/trailing space); CRLF endings.
std::string formatCsvRecord(const std::vector<std::string>& fields);

} // namespace captioner
