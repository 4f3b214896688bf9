#include "captioner/atomic_file.h"

#include "captioner_ui/caption_export.h"

#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

#include <cmath>
#include <exception>

namespace captioner::ui {

namespace {
QByteArray csvField(const QString& text) {
    QByteArray bytes = text.toUtf8();
    if (!bytes.contains(',') && !bytes.contains('"') && !bytes.contains('\r') && !bytes.contains('\n')) return bytes;
    bytes.replace("\"", "\"\"");
    return '"' + bytes + '"';
}
} // namespace

QString formatSeconds(double seconds) { return QString::number(seconds, 'f', 3); }
QString formatConfidence(double confidence) { return confidence < 0 ? QString() : QString::number(confidence, 'f', 6); }

QByteArray captionsToCsv(const QVector<CaptionRecord>& records) {
    // confidence was added last, so readers of the older four columns still work.
    QByteArray out = "image,caption,seconds,error,confidence\r\n";
    for (const CaptionRecord& r : records) {
        out += csvField(r.image) + ',' + csvField(r.caption) + ',' + formatSeconds(r.seconds).toUtf8() + ',' +
               csvField(r.error) + ',' + formatConfidence(r.confidence).toUtf8() + "\r\n";
    }
    return out;
}

QByteArray captionsToJsonLines(const QVector<CaptionRecord>& records) {
    QByteArray out;
    for (const CaptionRecord& r : records) {
        nlohmann::ordered_json line;
        line["image"] = r.image.toStdString();
        line["caption"] = r.caption.toStdString();
        line["seconds"] = std::round(r.seconds * 1000.0) / 1000.0;
        if (r.error.isEmpty()) line["error"] = nullptr;
        else line["error"] = r.error.toStdString();
        if (r.confidence < 0) line["confidence"] = nullptr;
        else line["confidence"] = std::round(r.confidence * 1e6) / 1e6;
        out += QByteArray::fromStdString(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) + '\n';
    }
    return out;
}

QString sidecarPathFor(const QString& image) {
    const QFileInfo info(image);
    return info.dir().filePath(info.completeBaseName() + QStringLiteral(".txt"));
}

QByteArray sidecarText(const QString& caption) {
    QString text = caption;
    text.replace(QLatin1String("\r\n"), QLatin1String(" "));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    return text.toUtf8() + '\n';
}

bool writeFileAtomically(const QString& path, const QByteArray& bytes, QString* error) {
    try {
        captioner::writeFileAtomically(path.toStdString(), bytes.toStdString());
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

} // namespace captioner::ui
