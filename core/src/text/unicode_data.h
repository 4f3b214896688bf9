#pragma once
// The slice of Unicode that BERT's tokenizer relies on, as Python's unicodedata defines it: general
// category classes, Python's whitespace set, str.lower() per character, and NFD/NFC. The tables are
// generated (unicode_tables.cpp, by gen_unicode_tables.py) so results match Hugging Face's slow
// BertTokenizer character for character.
#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::text {

// Only the distinctions BERT makes; must match char_class() in gen_unicode_tables.py.
enum class CharClass : std::uint8_t { Other = 0, NonspacingMark = 1, Punctuation = 2, Control = 3, SpaceSeparator = 4 };

CharClass charClass(char32_t cp);
bool isPythonSpace(char32_t cp);                    // str.isspace()
void appendLower(char32_t cp, std::u32string& out); // chr(cp).lower()
std::u32string nfd(const std::u32string& text);
std::u32string nfc(const std::u32string& text);

// Invalid UTF-8 bytes become U+FFFD (as Python's errors="replace"), which BERT then drops.
std::u32string utf8ToUtf32(const std::string& text);
std::string utf32ToUtf8(const std::u32string& text);

namespace tables {
struct ClassRun {
    char32_t start;
    std::uint8_t cls;
};
struct CaseMapping {
    char32_t cp;
    std::uint32_t offset;
    std::uint32_t length;
};
struct Decomposition {
    char32_t cp;
    char32_t first;
    char32_t second;
}; // second 0: singleton
struct Composition {
    char32_t first;
    char32_t second;
    char32_t composite;
};
struct CombiningRun {
    char32_t first;
    char32_t last;
    std::uint8_t ccc;
};

extern const char* const kUnicodeVersion;
extern const ClassRun kClassRuns[];
extern const std::size_t kClassRunCount;
extern const char32_t kPythonSpaces[];
extern const std::size_t kPythonSpaceCount;
extern const CaseMapping kLowerMappings[];
extern const std::size_t kLowerMappingCount;
extern const char32_t kLowerPool[];
extern const Decomposition kDecompositions[];
extern const std::size_t kDecompositionCount;
extern const Composition kCompositions[];
extern const std::size_t kCompositionCount;
extern const CombiningRun kCombiningRuns[];
extern const std::size_t kCombiningRunCount;
} // namespace tables

} // namespace captioner::text
