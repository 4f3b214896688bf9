// A data or dictionary page's header: a Thrift struct in front of every page (parquet.thrift's
// PageHeader, only the fields the reader uses).
#include "data/parquet/parquet_format.h"
#include "data/parquet/thrift_compact.h"

namespace captioner::parquet {

PageHeader readPageHeader(ThriftReader& r) {
    PageHeader h;
    int16_t id;
    ThriftType t;
    r.beginStruct();
    while (r.nextField(id, t)) {
        if (id == 1 && t == ThriftType::I32) h.type = r.readI32();
        else if (id == 2 && t == ThriftType::I32) h.uncompressedSize = r.readI32();
        else if (id == 3 && t == ThriftType::I32) h.compressedSize = r.readI32();
        else if ((id == 5 || id == 7 || id == 8) && t == ThriftType::Struct) {
            // 5: DataPageHeader, 7: DictionaryPageHeader, 8: DataPageHeaderV2
            r.beginStruct();
            int16_t f;
            ThriftType ft;
            while (r.nextField(f, ft)) {
                if (f == 1 && ft == ThriftType::I32) h.numValues = r.readI32();
                else if (id == 5 && f == 2 && ft == ThriftType::I32) h.encoding = r.readI32();
                else if (id == 5 && f == 3 && ft == ThriftType::I32) h.defLevelEncoding = r.readI32();
                else if (id == 7 && f == 2 && ft == ThriftType::I32) h.encoding = r.readI32();
                else if (id == 8 && f == 4 && ft == ThriftType::I32) h.encoding = r.readI32();
                else if (id == 8 && f == 5 && ft == ThriftType::I32) h.defLevelsLength = r.readI32();
                else if (id == 8 && f == 6 && ft == ThriftType::I32) h.repLevelsLength = r.readI32();
                else if (id == 8 && f == 7 && (ft == ThriftType::BoolTrue || ft == ThriftType::BoolFalse))
                    h.isCompressed = r.readBool(ft);
                else r.skip(ft);
            }
            r.endStruct();
        } else {
            r.skip(t);
        }
    }
    r.endStruct();
    return h;
}

} // namespace captioner::parquet
