// Parquet files (Hub datasets): footer (Thrift compact), schema, row groups, page headers, levels,
// encodings and codecs, every column of every row group; then the same file as a caption dataset.
#include "captioner/dataset.h"
#include "captioner/parquet.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz::writeScratch("train.parquet", data, size);
    fuzz::expectOnlyErrors("parquet", [&] {
        const auto file = captioner::ParquetFile::open(path);
        for (std::size_t g = 0; g < file.numRowGroups(); ++g)
            for (std::size_t c = 0; c < file.columns().size(); ++c) {
                const auto column = file.readColumn(g, c);
                for (std::size_t row = 0; row < column.size(); ++row)
                    if (column.repeated && !column.isNull(row)) (void)column.stringsOf(row);
            }
    });
    fuzz::expectOnlyErrors("parquet dataset", [&] { (void)captioner::CaptionDataset::open(path); });
    return 0;
}
