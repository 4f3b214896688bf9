#include "json_file.h"

#include "captioner/error.h"

#include <fstream>
#include <sstream>

namespace captioner::detail {

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path, "missing or unreadable");
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return nlohmann::json::parse(ss.str());
    } catch (const std::exception& e) {
        throw Error(path, std::string("not valid JSON (") + e.what() + ")");
    }
}

} // namespace captioner::detail
