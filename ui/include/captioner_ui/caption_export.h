#pragma once
// The Caption page's result files. One record per image: the image path, its caption, the seconds
// captioning took and the error (empty when it worked).
//
// CSV (RFC 4180): UTF-8 without a byte-order mark, CRLF line ends, the header
// `image,caption,seconds,error`, a field quoted only when it holds a comma, a double quote, CR or LF
// (quotes inside doubled); seconds with three decimals.
// JSON Lines: UTF-8, one object per line ending in LF, keys in the order image, caption, seconds,
// error; seconds rounded to milliseconds; error is null when captioning worked.
// Sidecar: `<image stem>.txt` beside the image holding the caption and a LF, line breaks inside the
// caption turned into spaces (one caption per line is what sidecar datasets read).
#include <QByteArray>
#include <QString>
#include <QVector>

namespace captioner::ui {

struct CaptionRecord {
    QString image; // absolute path
    QString caption;
    double seconds = 0;
    QString error;          // empty: captioned
    double confidence = -1; // the caption's confidence (geometric mean of its token probabilities); < 0: unknown
};

QByteArray captionsToCsv(const QVector<CaptionRecord>& records);
QByteArray captionsToJsonLines(const QVector<CaptionRecord>& records);
QString sidecarPathFor(const QString& image);
QByteArray sidecarText(const QString& caption);
QString formatSeconds(double seconds); // "0.123"
// "0.123456"; empty for an unknown confidence (< 0). The CSV's last column, after error.
QString formatConfidence(double confidence);

// Writes through captioner::writeFileAtomically; false and a message naming the file on failure.
bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error);

} // namespace captioner::ui
