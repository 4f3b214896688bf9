#pragma once
// A bounds-checked reader of Thrift's compact protocol, enough for Parquet's footer and page headers.
// Every read checks the remaining bytes; nesting depth is bounded so hostile input cannot exhaust the
// stack. Failures throw captioner::Error naming the file and what was being read.
#include <cstddef>
#include <cstdint>
#include <string>

namespace captioner::parquet {

enum class ThriftType : uint8_t {
    Stop = 0,
    BoolTrue = 1,
    BoolFalse = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12
};

class ThriftReader {
public:
    ThriftReader(const uint8_t* data, std::size_t size, const std::string& file, const char* what)
        : m_data(data), m_size(size), m_file(file), m_what(what) {}

    std::size_t position() const { return m_pos; }

    // Struct fields: call beginStruct, then nextField until it returns false, then endStruct.
    void beginStruct();
    bool nextField(int16_t& id, ThriftType& type);
    void endStruct();

    bool readBool(ThriftType fieldType); // a struct field's bool lives in its type nibble
    int32_t readI32();
    int64_t readI64();
    double readDouble();
    std::string readBinary(std::size_t maxLength = std::size_t(1) << 30);
    // List header: element type and count. The count is checked against the bytes left (each
    // element takes at least one byte) so no caller reserves memory for a made-up count.
    std::size_t readListHeader(ThriftType& elementType);
    void skip(ThriftType type);

    [[noreturn]] void fail(const std::string& reason) const;

private:
    uint8_t byte();
    uint64_t varint();

    const uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    const std::string& m_file;
    const char* m_what;
    int16_t m_lastField[64] = {};
    int m_depth = 0;
};

} // namespace captioner::parquet
