// `captioner hub`: the Hugging Face Hub. `download` fetches a model or dataset repository into the
// Hugging Face cache (shared with Python's huggingface_hub), `list` shows what that cache holds, and
// `push` uploads a model folder (writing its model card first). download and push need the Qt Network
// client (libcaptioner_hub), built with Qt; `list` reads the cache with the core alone.
#include "command.h"

#include "captioner/error.h"
#include "captioner/hf_cache.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>

#ifdef CAPTIONER_HAVE_HUB
#include "captioner_hub/hub_download.h"
#include "captioner_hub/hub_push.h"

#include <QCoreApplication>
#endif

namespace {

using nlohmann::json;

std::string sizeText(int64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1000 && u < 4) {
        v /= 1000;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, u ? "%.1f %s" : "%.0f %s", v, units[u]);
    return buf;
}

captioner::HubRepoType repoType(const cli::ArgParser& p) {
    const auto t = captioner::parseHubRepoType(p.value("repo-type"));
    if (!t || *t == captioner::HubRepoType::Space)
        throw cli::UsageError("--repo-type must be model or dataset, not '" + p.value("repo-type") + "'");
    return *t;
}

int list(const cli::ArgParser& p) {
    const std::string cache = captioner::hfHubCacheDir();
    const auto repos = captioner::scanHfCache(cache);
    if (p.flag("json")) {
        json out = json::array();
        for (const auto& r : repos) {
            json snaps = json::array();
            for (const auto& s : r.snapshots)
                snaps.push_back(
                    {{"commit", s.commit}, {"path", s.path}, {"refs", s.refs}, {"files", s.files}, {"bytes", s.bytes}});
            const auto* pref = r.preferredSnapshot();
            out.push_back({{"type", captioner::hubRepoTypeName(r.type)},
                           {"repo_id", r.repoId},
                           {"folder", r.folder},
                           {"refs", r.refs},
                           {"size_on_disk", r.sizeOnDisk},
                           {"snapshot", pref ? pref->path : std::string()},
                           {"snapshots", snaps}});
        }
        std::cout << out.dump() << "\n";
        return 0;
    }
    if (repos.empty()) {
        std::cout << "The Hugging Face cache " << cache << " holds no models or datasets.\n";
        return 0;
    }
    std::cout << "Hugging Face cache: " << cache << "\n";
    for (const auto& r : repos) {
        const auto* pref = r.preferredSnapshot();
        std::string refs;
        for (const auto& [ref, commit] : r.refs) refs += (refs.empty() ? "" : ",") + ref;
        std::cout << captioner::hubRepoTypeName(r.type) << "\t" << r.repoId << "\t" << sizeText(r.sizeOnDisk) << "\t"
                  << (refs.empty() ? "-" : refs) << "\t" << (pref ? pref->path : std::string("(no snapshot)")) << "\n";
    }
    return 0;
}

#ifdef CAPTIONER_HAVE_HUB

// QNetworkAccessManager needs an application object; the CLI has none elsewhere.
struct QtApp {
    int argc = 1;
    char name[10] = "captioner";
    char* argv[2] = {name, nullptr};
    QCoreApplication app{argc, argv};
};

template <class Job> void report(Job& job, bool asJson) {
    QObject::connect(&job, &Job::status, [asJson](const QString& text) {
        if (asJson) std::cout << json{{"event", "status"}, {"message", text.toStdString()}}.dump() << std::endl;
        else std::cerr << text.toStdString() << std::endl;
    });
    auto lastPercent = std::make_shared<int>(-1);
    QObject::connect(&job, &Job::progress, [asJson, lastPercent](qint64 done, qint64 total, const QString& file) {
        if (asJson) {
            std::cout
                << json{{"event", "progress"}, {"done", done}, {"total", total}, {"file", file.toStdString()}}.dump()
                << std::endl;
            return;
        }
        const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 0;
        if (percent / 10 == *lastPercent / 10) return;
        *lastPercent = percent;
        std::cerr << percent << "% (" << sizeText(done) << " of " << sizeText(total) << ")" << std::endl;
    });
}

int download(const cli::ArgParser& p, const std::vector<std::string>& rest) {
    if (rest.size() != 1) throw cli::UsageError("hub download takes one repository id, e.g. microsoft/git-base");
    QtApp qt;
    captioner::hub::useProxiesFromEnvironment();
    captioner::hub::HubDownload::Options o;
    o.repo.type = repoType(p);
    o.repo.id = QString::fromStdString(rest[0]);
    o.repo.revision = QString::fromStdString(p.value("revision"));
    o.all = p.flag("all");
    captioner::hub::HubDownload job(captioner::hub::HubSettings::fromEnvironment(), o);
    const bool asJson = p.flag("json");
    report(job, asJson);
    if (!captioner::hub::runDownload(job)) {
        if (asJson)
            std::cout << json{{"event", "error"}, {"message", job.errorString().toStdString()}}.dump() << std::endl;
        throw captioner::Error("", job.errorString().toStdString());
    }
    if (asJson) {
        json files = json::array();
        for (const QString& f : job.files()) files.push_back(f.toStdString());
        std::cout << json{{"event", "done"},
                          {"snapshot", job.snapshotPath().toStdString()},
                          {"commit", job.commit().toStdString()},
                          {"files", files},
                          {"from_cache", job.fromCacheOnly()}}
                         .dump()
                  << std::endl;
    } else {
        std::cout << job.snapshotPath().toStdString() << "\n";
    }
    return 0;
}

int push(const cli::ArgParser& p, const std::vector<std::string>& rest) {
    if (rest.size() != 2) throw cli::UsageError("hub push takes a folder and a repository id: hub push DIR REPO");
    QtApp qt;
    captioner::hub::useProxiesFromEnvironment();
    captioner::hub::HubPush::Options o;
    o.folder = QString::fromStdString(rest[0]);
    o.repo.type = repoType(p);
    o.repo.id = QString::fromStdString(rest[1]);
    o.repo.revision = QString::fromStdString(p.value("revision"));
    o.isPrivate = p.flag("private");
    o.message = QString::fromStdString(p.value("message"));
    o.card.baseModel = p.value("base-model");
    if (p.isSet("dataset")) o.card.datasets.push_back(p.value("dataset"));
    captioner::hub::HubPush job(captioner::hub::HubSettings::fromEnvironment(), o);
    const bool asJson = p.flag("json");
    report(job, asJson);
    if (!captioner::hub::runPush(job)) {
        if (asJson)
            std::cout << json{{"event", "error"}, {"message", job.errorString().toStdString()}}.dump() << std::endl;
        throw captioner::Error("", job.errorString().toStdString());
    }
    if (asJson)
        std::cout << json{{"event", "done"},
                          {"commit", job.commitOid().toStdString()},
                          {"url", job.commitUrl().toStdString()},
                          {"model_card_written", job.wroteModelCard()}}
                         .dump()
                  << std::endl;
    else
        std::cout << "pushed " << rest[0] << " to " << rest[1] << ": commit " << job.commitOid().toStdString()
                  << (job.commitUrl().isEmpty() ? std::string() : " " + job.commitUrl().toStdString()) << "\n";
    return 0;
}

#endif

cli::CommandRegistrar
    reg({"hub", "Hugging Face Hub: download a model or dataset, list the cache, push a model (hub download|list|push)",
         [](cli::ArgParser& p) {
             p.addPositional("ACTION", "download REPO | list | push DIR REPO");
             p.addPositional("ARGS", "download: the repository id (org/name); push: the folder, then the repository id",
                             true, 0);
             p.addOption("repo-type", "TYPE", "model or dataset", "model");
             p.addOption("revision", "REV", "Branch, tag or commit to download, or the branch to push to", "main");
             p.addFlag("all", "download: every file of a model repository, not only what a GIT checkpoint needs");
             p.addFlag("json", "One JSON object per line (status, progress, done or error); list: one JSON array");
             p.addFlag("private", "push: create the repository as private");
             p.addOption("message", "TEXT", "push: the commit message", "Upload model with Captioner");
             p.addOption("base-model", "ID",
                         "push: base_model of the model card (default: from training_args.json's model path)");
             p.addOption("dataset", "ID",
                         "push: dataset of the model card (default: from training_args.json's data path)");
         },
         [](const cli::ArgParser& p) {
             const std::string action = p.positional("ACTION");
             const auto rest = p.positionals("ARGS");
             if (action == "list") {
                 if (!rest.empty()) throw cli::UsageError("hub list takes no arguments");
                 return list(p);
             }
             if (action != "download" && action != "push")
                 throw cli::UsageError("unknown hub action '" + action + "' (download, list or push)");
#ifdef CAPTIONER_HAVE_HUB
             return action == "download" ? download(p, rest) : push(p, rest);
#else
             std::cerr
                 << "captioner hub " << action
                 << ": this captioner was built without Qt (CAPTIONER_BUILD_GUI=OFF), so it has "
                    "no Hugging Face Hub client. Rebuild with Qt 6 (Core, Network), or fetch the repository with Python's "
                    "`huggingface-cli download` and pass its snapshot folder; `captioner hub list` shows the cache.\n";
             return 1;
#endif
         }});

} // namespace
