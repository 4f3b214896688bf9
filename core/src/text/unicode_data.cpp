#include "text/unicode_data.h"

#include <algorithm>

namespace captioner::text {
namespace {

// Hangul syllables decompose and compose arithmetically (Unicode 3.12), not through the tables.
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr char32_t kLCount = 19, kVCount = 21, kTCount = 28;
constexpr char32_t kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

std::uint8_t combiningClass(char32_t cp) {
    const auto* begin = tables::kCombiningRuns;
    const auto* end = begin + tables::kCombiningRunCount;
    auto it = std::upper_bound(begin, end, cp, [](char32_t c, const tables::CombiningRun& r) { return c < r.first; });
    if (it == begin) return 0;
    --it;
    return cp <= it->last ? it->ccc : 0;
}

void decomposeInto(char32_t cp, std::u32string& out) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
        const char32_t s = cp - kSBase;
        out.push_back(kLBase + s / kNCount);
        out.push_back(kVBase + (s % kNCount) / kTCount);
        if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
        return;
    }
    const auto* begin = tables::kDecompositions;
    const auto* end = begin + tables::kDecompositionCount;
    auto it = std::lower_bound(begin, end, cp, [](const tables::Decomposition& d, char32_t c) { return d.cp < c; });
    if (it == end || it->cp != cp) {
        out.push_back(cp);
        return;
    }
    decomposeInto(it->first, out);
    if (it->second != 0) decomposeInto(it->second, out);
}

char32_t composePair(char32_t first, char32_t second) {
    if (first >= kLBase && first < kLBase + kLCount && second >= kVBase && second < kVBase + kVCount)
        return kSBase + ((first - kLBase) * kVCount + (second - kVBase)) * kTCount;
    if (first >= kSBase && first < kSBase + kSCount && (first - kSBase) % kTCount == 0 && second > kTBase &&
        second < kTBase + kTCount)
        return first + (second - kTBase);
    const auto* begin = tables::kCompositions;
    const auto* end = begin + tables::kCompositionCount;
    auto it = std::lower_bound(begin, end, std::make_pair(first, second),
                               [](const tables::Composition& c, const std::pair<char32_t, char32_t>& key) {
                                   return c.first < key.first || (c.first == key.first && c.second < key.second);
                               });
    if (it != end && it->first == first && it->second == second) return it->composite;
    return 0;
}

} // namespace

CharClass charClass(char32_t cp) {
    const auto* begin = tables::kClassRuns;
    const auto* end = begin + tables::kClassRunCount;
    auto it = std::upper_bound(begin, end, cp, [](char32_t c, const tables::ClassRun& r) { return c < r.start; });
    if (it == begin) return CharClass::Other;
    return static_cast<CharClass>((it - 1)->cls);
}

bool isPythonSpace(char32_t cp) {
    return std::binary_search(tables::kPythonSpaces, tables::kPythonSpaces + tables::kPythonSpaceCount, cp);
}

void appendLower(char32_t cp, std::u32string& out) {
    if (cp < 0x80) {
        out.push_back(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        return;
    }
    const auto* begin = tables::kLowerMappings;
    const auto* end = begin + tables::kLowerMappingCount;
    auto it = std::lower_bound(begin, end, cp, [](const tables::CaseMapping& m, char32_t c) { return m.cp < c; });
    if (it == end || it->cp != cp) {
        out.push_back(cp);
        return;
    }
    out.append(tables::kLowerPool + it->offset, it->length);
}

std::u32string nfd(const std::u32string& text) {
    std::u32string out;
    out.reserve(text.size());
    for (char32_t cp : text) decomposeInto(cp, out);
    // Canonical ordering: a stable sort of each run of combining marks by combining class.
    std::size_t i = 0;
    while (i < out.size()) {
        if (combiningClass(out[i]) == 0) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < out.size() && combiningClass(out[j]) != 0) ++j;
        if (j - i > 1)
            std::stable_sort(out.begin() + static_cast<std::ptrdiff_t>(i), out.begin() + static_cast<std::ptrdiff_t>(j),
                             [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
    return out;
}

std::u32string nfc(const std::u32string& text) {
    std::u32string decomposed = nfd(text);
    std::u32string out;
    out.reserve(decomposed.size());
    std::ptrdiff_t starter = -1; // index in out of the last starter
    int lastClass = -1;          // class of the last char after the starter; -1: none yet
    for (char32_t cp : decomposed) {
        const int cls = combiningClass(cp);
        if (starter >= 0) {
            const bool blocked = lastClass != -1 && (lastClass == 0 || lastClass >= cls);
            if (!blocked) {
                if (char32_t composite = composePair(out[static_cast<std::size_t>(starter)], cp)) {
                    out[static_cast<std::size_t>(starter)] = composite;
                    continue;
                }
            }
        }
        if (cls == 0) {
            starter = static_cast<std::ptrdiff_t>(out.size());
            lastClass = -1;
        } else {
            lastClass = cls;
        }
        out.push_back(cp);
    }
    return out;
}

std::u32string utf8ToUtf32(const std::string& text) {
    std::u32string out;
    out.reserve(text.size());
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char b = s[i];
        int len = 0;
        char32_t cp = 0, min = 0;
        if (b < 0x80) {
            out.push_back(b);
            ++i;
            continue;
        }
        if ((b & 0xE0) == 0xC0) {
            len = 2;
            cp = b & 0x1F;
            min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            len = 3;
            cp = b & 0x0F;
            min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            len = 4;
            cp = b & 0x07;
            min = 0x10000;
        }
        bool ok = len != 0 && i + static_cast<std::size_t>(len) <= n;
        for (int k = 1; ok && k < len; ++k) {
            if ((s[i + static_cast<std::size_t>(k)] & 0xC0) != 0x80) ok = false;
            else cp = (cp << 6) | (s[i + static_cast<std::size_t>(k)] & 0x3F);
        }
        if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            out.push_back(0xFFFD);
            ++i;
            continue;
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(len);
    }
    return out;
}

std::string utf32ToUtf8(const std::u32string& text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t cp : text) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    return out;
}

} // namespace captioner::text
