#pragma once
// The Hugging Face Hub cache as huggingface_hub lays it out, so that Python tools and Captioner share
// downloads. Under the cache folder each repository has a folder `models--org--name` (or
// `datasets--…`) holding blobs/<etag> (file contents named by their ETag: the git blob SHA-1 of a
// regular file, the SHA-256 of an LFS file), snapshots/<commit>/<path> (relative symlinks into
// blobs/) and refs/<revision> (the commit a branch or tag pointed to when last fetched). A download in
// progress is blobs/<etag>.incomplete: it is never mistaken for a blob, and a later download resumes
// it. Reading and writing here needs no Qt; the network client lives in the hub library.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace captioner {

enum class HubRepoType { Model, Dataset, Space };

std::string hubRepoTypeName(HubRepoType type); // "model", "dataset", "space"
// Accepts "model", "dataset", "space" (and the plural forms); nullopt otherwise.
std::optional<HubRepoType> parseHubRepoType(const std::string& name);

// $HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface (as huggingface_hub's constants).
std::string hfHomeDir();
// $HF_HUB_CACHE, else $HUGGINGFACE_HUB_CACHE, else <hfHomeDir>/hub.
std::string hfHubCacheDir();
// $HF_TOKEN_PATH, else <hfHomeDir>/token.
std::string hfTokenPath();
// $HF_TOKEN (or the older $HUGGING_FACE_HUB_TOKEN), else the stored token file; "" when there is none.
// Surrounding white space is stripped.
std::string hfToken();

// "org/name" or "name": letters, digits, '-', '_', '.'; no "--" or ".." and no leading/trailing '-' or '.'.
bool isValidHubRepoId(const std::string& repoId, std::string* whyNot = nullptr);
// "models--org--name" for ("model", "org/name").
std::string hubRepoFolderName(HubRepoType type, const std::string& repoId);
// Strips a weak-validator prefix and quotes: W/"abc" -> abc.
std::string normalizeEtag(const std::string& etag);
bool isCommitHash(const std::string& revision); // 40 lower-case hex digits

struct HfCachedSnapshot {
    std::string commit;
    std::string path;               // <repo folder>/snapshots/<commit>
    std::vector<std::string> refs;  // revisions that point here ("main", …)
    std::vector<std::string> files; // relative paths whose blob is present, sorted
    int64_t bytes = 0;              // size of those files
};

struct HfCachedRepo {
    HubRepoType type = HubRepoType::Model;
    std::string repoId;                      // "org/name"
    std::string folder;                      // <cache>/models--org--name
    std::map<std::string, std::string> refs; // revision -> commit
    std::vector<HfCachedSnapshot> snapshots; // newest first
    int64_t sizeOnDisk = 0;                  // blobs/ (complete blobs only)
    int64_t lastModified = 0;                // newest snapshot, seconds since the epoch
    // The snapshot of "main" when that ref exists, else the newest; nullptr when there is none.
    const HfCachedSnapshot* preferredSnapshot() const;
};

// Every repository folder in cacheDir (missing folder: empty list). Folders that do not follow the
// layout are skipped; nothing here throws for a damaged entry. With listFiles false only refs and
// snapshot folders are read (no blob sizes, no snapshot file lists, so sizeOnDisk, files and bytes
// stay empty): a few stats per repository, cheap enough to fill a menu on the UI thread.
std::vector<HfCachedRepo> scanHfCache(const std::string& cacheDir, bool listFiles = true);

// The snapshot folder for a revision (a ref name such as "main", or a commit hash), or "" when the
// cache does not hold it.
std::string cachedSnapshotPath(const std::string& cacheDir, HubRepoType type, const std::string& repoId,
                               const std::string& revision);

// When path lies in a cache snapshot (…/models--org--name/snapshots/<commit>[/…]), the repo's type
// and id.
std::optional<std::pair<HubRepoType, std::string>> hubRepoFromCachePath(const std::string& path);

// Writing the layout (what huggingface_hub's file_download does).
std::string hfRepoCacheDir(const std::string& cacheDir, HubRepoType type, const std::string& repoId);
std::string hfBlobPath(const std::string& repoDir, const std::string& etag);
// refs/<revision> holds the commit (no newline), written atomically; nothing when revision is the commit.
void hfWriteRef(const std::string& repoDir, const std::string& revision, const std::string& commit);
// snapshots/<commit>/<relativePath> -> ../../blobs/<etag> (one more ../ per folder level), replacing
// whatever is there. Throws Error naming the link on failure.
void hfLinkSnapshotFile(const std::string& repoDir, const std::string& commit, const std::string& relativePath,
                        const std::string& etag);

} // namespace captioner
