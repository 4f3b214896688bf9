#pragma once
// Which columns of a Parquet file hold a dataset's images and captions, as the Hugging Face
// `datasets` library writes them: an Image feature is a struct {bytes: binary, path: string};
// plain binary columns of image bytes are accepted too.
#include "captioner/parquet.h"

#include <string>

namespace captioner::parquet {

struct ImageColumns {
    std::string name; // top-level field, e.g. "image"
    int bytes = -1;   // index into ParquetFile::columns()
    int path = -1;    // the struct's "path" leaf, -1 when there is none
};
// bytes == -1 when no column looks like images.
ImageColumns findImageColumns(const ParquetFile& file);

// The caption column by the names the Hub uses: text, caption, captions, sentences, sentences_raw, raw,
// description, sentence, caption_list, texts, alt_text (first found). A list<string> field counts as
// the field itself; in a struct field (sentences {tokens, raw}) its raw/text/caption leaf, else its only
// text leaf. -1 when none.
int findCaptionColumn(const ParquetFile& file);

// "a, b, c" of the top-level fields, for error messages.
std::string fieldList(const ParquetFile& file);

} // namespace captioner::parquet
