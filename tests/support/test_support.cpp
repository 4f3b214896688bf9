#include "test_support.h"

#include "captioner/error.h"

#include <QtTest/QtTest>

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

void expectError(const std::function<void()>& f, const std::string& subject,
                 const std::vector<std::string>& reasonParts) {
    try {
        f();
    } catch (const captioner::Error& e) {
        QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(subject));
        for (const auto& part : reasonParts)
            QVERIFY2(e.reason().find(part) != std::string::npos,
                     qPrintable("'" + QString::fromStdString(part) + "' not in: " + QString(e.what())));
        return;
    }
    QFAIL(qPrintable(QString::fromStdString("no captioner::Error thrown; expected one about " + subject)));
}

} // namespace testsupport
