// `captioner dataset DIR|FILE [--json]`: the dataset report (counts, caption lengths, unreadable
// images, missing and orphan captions, duplicates, splits).
// `captioner dataset convert SRC --to imagefolder|sidecar --out DIR`: writes a converted copy (also the
// way to edit a read-only Parquet dataset: its images become files).
#include "command.h"

#include "captioner/dataset.h"
#include "captioner/dataset_report.h"
#include "captioner/runtime.h"

#include <iostream>

namespace {

int runDataset(const cli::ArgParser& args) {
    const std::vector<std::string> pos = args.positionals("PATH");
    captioner::DatasetOpenOptions open;
    open.imageRoot = args.value("image-root");
    if (pos.front() == "convert" && pos.size() == 2) {
        if (!args.isSet("to")) throw cli::UsageError("convert needs --to imagefolder|sidecar");
        if (!args.isSet("out")) throw cli::UsageError("convert needs --out DIR");
        const std::string to = args.value("to");
        if (to != "imagefolder" && to != "sidecar")
            throw cli::UsageError("--to expects imagefolder or sidecar, got '" + to + "'");
        const auto d = captioner::CaptionDataset::open(pos[1], open);
        d.saveAs(args.value("out"), captioner::parseDatasetFormat(to));
        std::size_t captions = 0;
        for (const auto& item : d.items()) captions += item.captions.size();
        std::cout << "wrote " << d.items().size() << " images and " << captions << " captions as " << to << " to "
                  << args.value("out") << "\n";
        return 0;
    }
    if (pos.size() != 1) throw cli::UsageError("expected one dataset path, or: convert SRC --to FORMAT --out DIR");
    if (args.isSet("to") || args.isSet("out")) throw cli::UsageError("--to and --out belong to 'dataset convert'");
    const auto d = captioner::CaptionDataset::open(pos.front(), open);
    captioner::ReportOptions ro;
    ro.decodeImages = !args.flag("no-decode");
    ro.threads = captioner::currentThreads();
    const auto report = captioner::buildReport(d, ro);
    if (args.flag("json")) std::cout << report.toJson().dump(2) << "\n";
    else std::cout << report.toText();
    return 0;
}

cli::CommandRegistrar
    reg({"dataset", "Report on a captioned image dataset, or convert it (dataset convert SRC --to FORMAT --out DIR)",
         [](cli::ArgParser& p) {
             p.addPositional("PATH",
                             "dataset folder, metadata file or .parquet file (a folder with data/*.parquet is one "
                             "dataset); or 'convert' followed by the source",
                             true, 1);
             p.addFlag("json", "print the report as JSON");
             p.addFlag("no-decode", "only read image headers (faster; truncated images go unnoticed)");
             p.addOption("image-root", "DIR", "where COCO / Flickr images are, if not beside the caption file");
             p.addOption("to", "FORMAT", "convert: imagefolder or sidecar");
             p.addOption("out", "DIR", "convert: output folder");
         },
         runDataset});

} // namespace
