// The Hugging Face Hub's answers: a repository's file listing (GET /api/models/ID/revision/REV).
#include "captioner_hub/hub_client.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const QByteArray json(reinterpret_cast<const char*>(data), static_cast<int>(size));
    fuzz::expectOnlyErrors("Hub listing", [&] {
        const auto listing = captioner::hub::parseRepoListing(json, QStringLiteral("fuzz/repo"));
        QString note;
        (void)captioner::hub::selectFilesToDownload(captioner::HubRepoType::Model, listing.files, false, &note);
    });
    return 0;
}
