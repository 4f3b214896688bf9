#include "test_support.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace testsupport {

std::string fixture(const std::string& relative) { return std::string(CAPTIONER_FIXTURES_DIR) + "/" + relative; }

std::string binDir() { return CAPTIONER_BIN_DIR; }

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

nlohmann::json readJson(const std::string& path) { return nlohmann::json::parse(readFile(path)); }

} // namespace testsupport
