#pragma once
// Shared by the sharded-captioning tests: run `captioner` with a clean launcher environment, and the
// input set (the 14 fixture images plus one undecodable file: 15 inputs, so 3 shards take 5 each).
#include "cli_run.h"
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

namespace caption_shards_test {

struct Result {
    int exitCode = -1;
    std::string out, err;
};

inline const QStringList kLauncherVariables{"SLURM_ARRAY_TASK_ID",
                                            "SLURM_ARRAY_TASK_COUNT",
                                            "SLURM_ARRAY_TASK_MIN",
                                            "SLURM_ARRAY_TASK_MAX",
                                            "SLURM_ARRAY_TASK_STEP",
                                            "JOB_COMPLETION_INDEX",
                                            "RANK",
                                            "WORLD_SIZE",
                                            "LOCAL_RANK",
                                            "CAPTIONER_TEST_STALL_AFTER_RECORDS"};

// The test's own environment without any launcher variable, plus `extra` ("NAME=VALUE").
inline QProcessEnvironment environment(const QStringList& extra = {}) {
    auto env = QProcessEnvironment::systemEnvironment();
    for (const auto& v : kLauncherVariables) env.remove(v);
    for (const auto& kv : extra) env.insert(kv.section('=', 0, 0), kv.section('=', 1));
    return env;
}

// `captioner ARGS` in environment(env); the text as std::string, which these checks use.
inline Result runCli(const QStringList& args, const QStringList& env = {}) {
    const auto r =
        testsupport::runCli(args, testsupport::CliOptions().withEnvironment(environment(env)).withTimeout(300000));
    return {r.exitCode, r.out.toStdString(), r.err.toStdString()};
}

inline std::vector<std::string> textLines(const std::string& path) {
    std::vector<std::string> lines;
    std::istringstream in(testsupport::readFile(path));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

inline std::vector<nlohmann::json> records(const std::string& path) {
    std::vector<nlohmann::json> out;
    for (const auto& l : textLines(path)) out.push_back(nlohmann::json::parse(l));
    return out;
}

// What must not depend on how the work was split: everything but timing and the shard fields. The
// confidence is compared apart (sameConfidence): batching moves float32 logits in their last bits.
inline nlohmann::json deterministic(nlohmann::json r) {
    r.erase("seconds");
    r.erase("confidence");
    r.erase("shard");
    r.erase("shards");
    return r;
}

inline bool sameConfidence(const nlohmann::json& a, const nlohmann::json& b) {
    if (a.contains("confidence") != b.contains("confidence")) return false;
    return !a.contains("confidence") || std::abs(a["confidence"].get<double>() - b["confidence"].get<double>()) < 1e-5;
}

inline int countNewlines(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return 0;
    return static_cast<int>(f.readAll().count('\n'));
}

// Fills `folder` with the inputs; returns their paths sorted (the order every shard agrees on).
inline std::vector<std::string> makeInputs(const QString& folder) {
    QDir().mkpath(folder);
    const QString source = QString::fromStdString(testsupport::fixture("image/input"));
    for (const auto& name : QDir(source).entryList({"*.jpg", "*.png", "*.bmp", "*.webp", "*.tif"}, QDir::Files))
        QFile::copy(source + "/" + name, folder + "/" + name);
    testsupport::writeFile((folder + "/zz_corrupt.jpg").toStdString(), "\xff\xd8\xff\xe0 truncated");
    std::vector<std::string> sorted;
    for (const auto& name : QDir(folder).entryList(QDir::Files)) sorted.push_back((folder + "/" + name).toStdString());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

// `captioner caption` with the small pipeline model, then `more`.
inline QStringList captionArgs(const QStringList& more = {}) {
    return QStringList{"caption", "--model", QString::fromStdString(testsupport::fixture("pipeline/model")),
                       "--max-length", "20"} +
           more;
}

} // namespace caption_shards_test
