#include "data/parquet/thrift_compact.h"

#include "captioner/error.h"

#include <cstring>

namespace captioner::parquet {

void ThriftReader::fail(const std::string& reason) const {
    throw Error(m_file, std::string("corrupt Parquet ") + m_what + " at byte " + std::to_string(m_pos) + ": " + reason);
}

uint8_t ThriftReader::byte() {
    if (m_pos >= m_size) fail("truncated");
    return m_data[m_pos++];
}

uint64_t ThriftReader::varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        const uint8_t b = byte();
        v |= uint64_t(b & 0x7f) << shift;
        if (!(b & 0x80)) return v;
    }
    fail("varint longer than 10 bytes");
}

void ThriftReader::beginStruct() {
    if (m_depth >= 63) fail("structures nested too deeply");
    m_lastField[++m_depth] = 0;
}

void ThriftReader::endStruct() { --m_depth; }

bool ThriftReader::nextField(int16_t& id, ThriftType& type) {
    const uint8_t b = byte();
    type = ThriftType(b & 0x0f);
    if (type == ThriftType::Stop) return false;
    if (uint8_t(type) > 12) fail("unknown field type " + std::to_string(int(type)));
    const int delta = b >> 4;
    if (delta) {
        id = int16_t(m_lastField[m_depth] + delta);
    } else {
        const uint64_t z = varint();
        id = int16_t(int64_t(z >> 1) ^ -int64_t(z & 1));
    }
    m_lastField[m_depth] = id;
    return true;
}

bool ThriftReader::readBool(ThriftType fieldType) {
    if (fieldType == ThriftType::BoolTrue) return true;
    if (fieldType == ThriftType::BoolFalse) return false;
    fail("expected a boolean field");
}

int32_t ThriftReader::readI32() {
    const uint64_t z = varint();
    if (z > 0xffffffffull) fail("32-bit integer out of range");
    return int32_t(int64_t(z >> 1) ^ -int64_t(z & 1));
}

int64_t ThriftReader::readI64() {
    const uint64_t z = varint();
    return int64_t(z >> 1) ^ -int64_t(z & 1);
}

double ThriftReader::readDouble() {
    if (m_size - m_pos < 8) fail("truncated");
    double d;
    std::memcpy(&d, m_data + m_pos, 8);
    m_pos += 8;
    return d;
}

std::string ThriftReader::readBinary(std::size_t maxLength) {
    const uint64_t n = varint();
    if (n > m_size - m_pos) fail("string of " + std::to_string(n) + " bytes runs past the end");
    if (n > maxLength) fail("string of " + std::to_string(n) + " bytes is too long");
    std::string s(reinterpret_cast<const char*>(m_data + m_pos), std::size_t(n));
    m_pos += std::size_t(n);
    return s;
}

std::size_t ThriftReader::readListHeader(ThriftType& elementType) {
    const uint8_t b = byte();
    elementType = ThriftType(b & 0x0f);
    uint64_t n = b >> 4;
    if (n == 15) n = varint();
    if (n > m_size - m_pos) fail("list of " + std::to_string(n) + " elements runs past the end");
    return std::size_t(n);
}

void ThriftReader::skip(ThriftType type) {
    switch (type) {
    case ThriftType::BoolTrue:
    case ThriftType::BoolFalse: return;
    case ThriftType::Byte: byte(); return;
    case ThriftType::I16:
    case ThriftType::I32:
    case ThriftType::I64: varint(); return;
    case ThriftType::Double: readDouble(); return;
    case ThriftType::Binary: {
        const uint64_t n = varint();
        if (n > m_size - m_pos) fail("string runs past the end");
        m_pos += std::size_t(n);
        return;
    }
    case ThriftType::List:
    case ThriftType::Set: {
        ThriftType t;
        const std::size_t n = readListHeader(t);
        if (m_depth >= 63) fail("structures nested too deeply");
        ++m_depth;
        // Inside containers a bool is a whole byte, not a type nibble.
        for (std::size_t i = 0; i < n; ++i) {
            if (t == ThriftType::BoolTrue || t == ThriftType::BoolFalse) byte();
            else skip(t);
        }
        --m_depth;
        return;
    }
    case ThriftType::Map: {
        const uint64_t n = varint();
        if (n == 0) return;
        if (n > m_size - m_pos) fail("map runs past the end");
        const uint8_t kv = byte();
        const ThriftType k = ThriftType(kv >> 4), v = ThriftType(kv & 0x0f);
        if (m_depth >= 63) fail("structures nested too deeply");
        ++m_depth;
        for (uint64_t i = 0; i < n; ++i) {
            if (k == ThriftType::BoolTrue || k == ThriftType::BoolFalse) byte();
            else skip(k);
            if (v == ThriftType::BoolTrue || v == ThriftType::BoolFalse) byte();
            else skip(v);
        }
        --m_depth;
        return;
    }
    case ThriftType::Struct: {
        beginStruct();
        int16_t id;
        ThriftType t;
        while (nextField(id, t)) skip(t);
        endStruct();
        return;
    }
    case ThriftType::Stop: break;
    }
    fail("cannot skip field of type " + std::to_string(int(type)));
}

} // namespace captioner::parquet
