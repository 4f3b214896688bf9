#include "json_file.h"

#include "captioner/error.h"
#include "util/file_io.h"

namespace captioner::detail {

nlohmann::json readJsonFile(const std::string& path) {
    const std::string text = readWholeFile(path, "missing or unreadable");
    try {
        return nlohmann::json::parse(text);
    } catch (const std::exception& e) {
        throw Error(path, std::string("not valid JSON (") + e.what() + ")");
    }
}

} // namespace captioner::detail
