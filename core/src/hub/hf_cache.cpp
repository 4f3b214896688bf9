#include "captioner/hf_cache.h"

#include "captioner/atomic_file.h"
#include "captioner/error.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

namespace fs = std::filesystem;

namespace captioner {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

std::string homeDir() {
    const std::string home = env("HOME");
    return home.empty() ? std::string("/") : home;
}

std::string trim(const std::string& s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

std::string readSmallFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const char* folderPrefix(HubRepoType type) {
    switch (type) {
    case HubRepoType::Model: return "models";
    case HubRepoType::Dataset: return "datasets";
    case HubRepoType::Space: return "spaces";
    }
    return "models";
}

int64_t mtimeSeconds(const fs::path& p) {
    std::error_code ec;
    const auto t = fs::last_write_time(p, ec);
    if (ec) return 0;
    // file_time_type's clock is not system_clock in C++17: convert through the two clocks' "now".
    const auto sys = std::chrono::system_clock::now() + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                                            t - fs::file_time_type::clock::now());
    return std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
}

} // namespace

std::string hubRepoTypeName(HubRepoType type) {
    switch (type) {
    case HubRepoType::Model: return "model";
    case HubRepoType::Dataset: return "dataset";
    case HubRepoType::Space: return "space";
    }
    return "model";
}

std::optional<HubRepoType> parseHubRepoType(const std::string& name) {
    if (name == "model" || name == "models") return HubRepoType::Model;
    if (name == "dataset" || name == "datasets") return HubRepoType::Dataset;
    if (name == "space" || name == "spaces") return HubRepoType::Space;
    return std::nullopt;
}

std::string hfHomeDir() {
    const std::string home = env("HF_HOME");
    if (!home.empty()) return home;
    const std::string xdg = env("XDG_CACHE_HOME");
    return (fs::path(xdg.empty() ? homeDir() + "/.cache" : xdg) / "huggingface").string();
}

std::string hfHubCacheDir() {
    std::string dir = env("HF_HUB_CACHE");
    if (dir.empty()) dir = env("HUGGINGFACE_HUB_CACHE");
    if (!dir.empty()) return dir;
    return (fs::path(hfHomeDir()) / "hub").string();
}

std::string hfTokenPath() {
    const std::string p = env("HF_TOKEN_PATH");
    return p.empty() ? (fs::path(hfHomeDir()) / "token").string() : p;
}

std::string hfToken() {
    std::string t = trim(env("HF_TOKEN"));
    if (t.empty()) t = trim(env("HUGGING_FACE_HUB_TOKEN"));
    if (t.empty()) t = trim(readSmallFile(hfTokenPath()));
    return t;
}

bool isValidHubRepoId(const std::string& repoId, std::string* whyNot) {
    auto fail = [&](const std::string& why) {
        if (whyNot) *whyNot = why;
        return false;
    };
    if (repoId.empty()) return fail("the repository id is empty");
    const size_t slash = repoId.find('/');
    if (slash != std::string::npos && repoId.find('/', slash + 1) != std::string::npos)
        return fail("a repository id is 'name' or 'namespace/name', with at most one '/'");
    auto part = [&](const std::string& p, const char* what) {
        if (p.empty()) return fail(std::string("the ") + what + " is empty");
        if (p.size() > 96) return fail(std::string("the ") + what + " is longer than 96 characters");
        for (char c : p)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
                return fail(std::string("the ") + what + " may hold only letters, digits, '-', '_' and '.'");
        if (p.front() == '-' || p.front() == '.' || p.back() == '-' || p.back() == '.')
            return fail(std::string("the ") + what + " may not start or end with '-' or '.'");
        return true;
    };
    if (slash != std::string::npos && !part(repoId.substr(0, slash), "namespace")) return false;
    if (!part(slash == std::string::npos ? repoId : repoId.substr(slash + 1), "name")) return false;
    if (repoId.find("--") != std::string::npos || repoId.find("..") != std::string::npos)
        return fail("'--' and '..' are not allowed in a repository id");
    if (repoId.size() >= 4 && repoId.compare(repoId.size() - 4, 4, ".git") == 0)
        return fail("a repository id cannot end with '.git'");
    return true;
}

std::string hubRepoFolderName(HubRepoType type, const std::string& repoId) {
    std::string name = std::string(folderPrefix(type)) + "--";
    for (char c : repoId) {
        if (c == '/') name += "--";
        else name += c;
    }
    return name;
}

std::string normalizeEtag(const std::string& etag) {
    std::string e = trim(etag);
    if (e.rfind("W/", 0) == 0) e = e.substr(2);
    if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
    return e;
}

bool isCommitHash(const std::string& revision) {
    if (revision.size() != 40) return false;
    return std::all_of(revision.begin(), revision.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

const HfCachedSnapshot* HfCachedRepo::preferredSnapshot() const {
    const auto main = refs.find("main");
    if (main != refs.end())
        for (const auto& s : snapshots)
            if (s.commit == main->second) return &s;
    return snapshots.empty() ? nullptr : &snapshots.front();
}

std::vector<HfCachedRepo> scanHfCache(const std::string& cacheDir, bool listFiles) {
    std::vector<HfCachedRepo> repos;
    std::error_code ec;
    if (!fs::is_directory(cacheDir, ec)) return repos;
    for (fs::directory_iterator it(cacheDir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const size_t sep = name.find("--");
        if (sep == std::string::npos || !it->is_directory(ec)) continue;
        const auto type = parseHubRepoType(name.substr(0, sep));
        if (!type) continue;
        // "models--org--name" -> "org/name"; repo ids cannot hold "--", so each one is a '/'.
        std::string id = name.substr(sep + 2);
        for (size_t p; (p = id.find("--")) != std::string::npos;) id.replace(p, 2, "/");
        HfCachedRepo repo;
        repo.type = *type;
        repo.repoId = id;
        repo.folder = it->path().string();
        const fs::path refsDir = it->path() / "refs";
        if (fs::is_directory(refsDir, ec))
            for (fs::recursive_directory_iterator r(refsDir, ec), rend; !ec && r != rend; r.increment(ec))
                if (r->is_regular_file(ec))
                    repo.refs[r->path().lexically_relative(refsDir).generic_string()] = trim(readSmallFile(r->path()));
        ec.clear();
        const fs::path blobs = it->path() / "blobs";
        if (listFiles && fs::is_directory(blobs, ec))
            for (fs::directory_iterator b(blobs, ec), bend; !ec && b != bend; b.increment(ec)) {
                const std::string bn = b->path().filename().string();
                if (bn.size() > 11 && bn.compare(bn.size() - 11, 11, ".incomplete") == 0) continue;
                std::error_code sec;
                const auto size = b->file_size(sec);
                if (!sec) repo.sizeOnDisk += static_cast<int64_t>(size);
            }
        ec.clear();
        const fs::path snaps = it->path() / "snapshots";
        if (fs::is_directory(snaps, ec))
            for (fs::directory_iterator s(snaps, ec), send; !ec && s != send; s.increment(ec)) {
                if (!s->is_directory(ec)) continue;
                HfCachedSnapshot snap;
                snap.commit = s->path().filename().string();
                snap.path = s->path().string();
                if (listFiles)
                    for (fs::recursive_directory_iterator f(s->path(), ec), fend; !ec && f != fend; f.increment(ec)) {
                        std::error_code fec;
                        // is_regular_file follows the symlink: a link whose blob is missing is not a file here.
                        if (!fs::is_regular_file(f->path(), fec)) continue;
                        snap.files.push_back(f->path().lexically_relative(s->path()).generic_string());
                        snap.bytes += static_cast<int64_t>(fs::file_size(f->path(), fec));
                    }
                ec.clear();
                std::sort(snap.files.begin(), snap.files.end());
                for (const auto& [ref, commit] : repo.refs)
                    if (commit == snap.commit) snap.refs.push_back(ref);
                repo.lastModified = std::max(repo.lastModified, mtimeSeconds(s->path()));
                repo.snapshots.push_back(std::move(snap));
            }
        ec.clear();
        std::sort(repo.snapshots.begin(), repo.snapshots.end(),
                  [](const HfCachedSnapshot& a, const HfCachedSnapshot& b) {
                      const int64_t ta = mtimeSeconds(a.path), tb = mtimeSeconds(b.path);
                      return ta != tb ? ta > tb : a.commit < b.commit;
                  });
        repos.push_back(std::move(repo));
    }
    std::sort(repos.begin(), repos.end(), [](const HfCachedRepo& a, const HfCachedRepo& b) {
        return a.type != b.type ? a.type < b.type : a.repoId < b.repoId;
    });
    return repos;
}

std::string cachedSnapshotPath(const std::string& cacheDir, HubRepoType type, const std::string& repoId,
                               const std::string& revision) {
    const fs::path repoDir = hfRepoCacheDir(cacheDir, type, repoId);
    std::string commit = revision;
    if (!isCommitHash(revision)) {
        commit = trim(readSmallFile(repoDir / "refs" / revision));
        if (commit.empty()) return {};
    }
    std::error_code ec;
    const fs::path snap = repoDir / "snapshots" / commit;
    return fs::is_directory(snap, ec) ? snap.string() : std::string();
}

std::optional<std::pair<HubRepoType, std::string>> hubRepoFromCachePath(const std::string& path) {
    const fs::path p = fs::path(path).lexically_normal();
    std::vector<std::string> parts;
    for (const auto& part : p) parts.push_back(part.string());
    for (size_t i = 0; i + 2 < parts.size(); ++i) {
        if (parts[i + 1] != "snapshots") continue;
        const size_t sep = parts[i].find("--");
        if (sep == std::string::npos) continue;
        const auto type = parseHubRepoType(parts[i].substr(0, sep));
        if (!type) continue;
        std::string id = parts[i].substr(sep + 2);
        for (size_t q; (q = id.find("--")) != std::string::npos;) id.replace(q, 2, "/");
        if (!isValidHubRepoId(id)) continue;
        return std::make_pair(*type, id);
    }
    return std::nullopt;
}

std::string hfRepoCacheDir(const std::string& cacheDir, HubRepoType type, const std::string& repoId) {
    return (fs::path(cacheDir) / hubRepoFolderName(type, repoId)).string();
}

std::string hfBlobPath(const std::string& repoDir, const std::string& etag) {
    return (fs::path(repoDir) / "blobs" / etag).string();
}

void hfWriteRef(const std::string& repoDir, const std::string& revision, const std::string& commit) {
    if (revision == commit) return;
    const fs::path ref = fs::path(repoDir) / "refs" / revision;
    std::error_code ec;
    fs::create_directories(ref.parent_path(), ec);
    if (ec) throw Error(ref.parent_path().string(), "cannot create the folder (" + ec.message() + ")");
    if (trim(readSmallFile(ref)) == commit) return;
    writeFileAtomically(ref.string(), commit);
}

void hfLinkSnapshotFile(const std::string& repoDir, const std::string& commit, const std::string& relativePath,
                        const std::string& etag) {
    const fs::path link = fs::path(repoDir) / "snapshots" / commit / fs::path(relativePath);
    const fs::path blob = fs::path(repoDir) / "blobs" / etag;
    std::error_code ec;
    fs::create_directories(link.parent_path(), ec);
    if (ec) throw Error(link.parent_path().string(), "cannot create the folder (" + ec.message() + ")");
    const fs::path target = blob.lexically_relative(link.parent_path());
    if (fs::is_symlink(link, ec) && fs::read_symlink(link, ec) == target) return;
    // Build the new link beside the old one and rename over it: readers never see no file at all.
    const fs::path temp = link.parent_path() / ("." + link.filename().string() + ".link-tmp");
    fs::remove(temp, ec);
    fs::create_symlink(target, temp, ec);
    if (ec) throw Error(link.string(), "cannot create the symbolic link (" + ec.message() + ")");
    fs::rename(temp, link, ec);
    if (ec) {
        const std::string why = ec.message();
        fs::remove(temp, ec);
        throw Error(link.string(), "cannot create the symbolic link (" + why + ")");
    }
}

} // namespace captioner
