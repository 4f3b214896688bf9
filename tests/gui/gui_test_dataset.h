#pragma once
// A small generated imagefolder for the GUI suites: six entries whose captions make filtering,
// sorting and problems checkable with exact expectations.
//   0000.png "a red circle on a white background"
//   0001.png "a blue square"
//   0002.png "a red square beside a circle"
//   0003.png ""                      (missing caption)
//   0004.png not an image            (unreadable)
//   0005.png "circles everywhere"
#include <QByteArray>
#include <QColor>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QStringList>
#include <QTest>

namespace guitest {

inline const QStringList& captions() {
    static const QStringList list{"a red circle on a white background",
                                  "a blue square",
                                  "a red square beside a circle",
                                  "",
                                  "a broken file",
                                  "circles everywhere"};
    return list;
}

inline QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

inline bool writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Writes the dataset into dir (which must exist); false on any failure.
inline bool writeDataset(const QString& dir) {
    QByteArray meta;
    for (int i = 0; i < captions().size(); ++i) {
        const QString name = QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0'));
        const QString path = QDir(dir).filePath(name);
        if (i == 4) {
            if (!writeAll(path, "this is not an image")) return false;
        } else {
            QImage image(48, 32, QImage::Format_RGB888);
            image.fill(QColor::fromHsv(i * 60, 200, 220));
            if (!image.save(path)) return false;
        }
        meta += "{\"file_name\": \"" + name.toUtf8() + "\", \"text\": \"" + captions()[i].toUtf8() + "\"}\n";
    }
    return writeAll(QDir(dir).filePath(QStringLiteral("metadata.jsonl")), meta);
}

} // namespace guitest
