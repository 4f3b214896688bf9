// CaptionPage: adding folders (listed off the UI thread, optionally skipping images with a caption
// file) and the per-folder progress files that let an interrupted folder resume where it stopped.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"

#include "captioner_ui/caption_page.h"

#include "caption_worker.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_export.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardPaths>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

namespace captioner::ui {

void CaptionPage::addFolder(const QString& folderIn) {
    const QString folder = QDir(folderIn).absolutePath();
    const bool skipCaptioned = m_skipCaptioned->isChecked();
    announce(tr("Looking for images in %1…").arg(QDir::toNativeSeparators(folder)));
    // Listing a large folder (and checking each image for a caption file) can take seconds on a slow
    // disk: it runs off the UI thread and the cards follow.
    struct Listing {
        QStringList images;
        int skipped = 0;
        QString error;
    };
    auto* watcher = new QFutureWatcher<Listing>(this);
    connect(watcher, &QFutureWatcher<Listing>::finished, this, [this, watcher, folder] {
        watcher->deleteLater();
        const Listing listing = watcher->result();
        if (!listing.error.isEmpty()) {
            announce(tr("Could not read %1: %2").arg(QDir::toNativeSeparators(folder), listing.error));
            return;
        }
        m_folderRuns[folder] = FolderRun{folder, listing.images};
        const int restored = restoreFolderProgress(folder, listing.images);
        const QSet<QString> present = cardsPathSet();
        QStringList rest;
        for (const QString& image : listing.images)
            if (!present.contains(image)) rest << image;
        addImages(rest, folder);
        if (listing.images.isEmpty() && listing.skipped == 0) {
            announce(tr("No images in %1.").arg(QDir::toNativeSeparators(folder)));
            return;
        }
        QStringList parts;
        parts << tr("%n image(s) in %1", nullptr, static_cast<int>(listing.images.size() + listing.skipped))
                     .arg(QDir::toNativeSeparators(folder));
        if (listing.skipped) parts << tr("%n skipped (caption file present)", nullptr, listing.skipped);
        if (restored) parts << tr("%n restored from an interrupted run", nullptr, restored);
        announce(parts.join(QStringLiteral("; ")) + QLatin1Char('.'));
    });
    watcher->setFuture(QtConcurrent::run([folder, skipCaptioned] {
        Listing out;
        try {
            for (const std::string& path : captioner::listImageFiles(folder.toStdString())) {
                const QString image = QString::fromStdString(path);
                if (skipCaptioned && QFileInfo::exists(sidecarPathFor(image))) ++out.skipped;
                else out.images << image;
            }
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

// ---- folder progress files ----

QString CaptionPage::progressFilePath(const QString& folder) const {
    const QByteArray hash = QCryptographicHash::hash(folder.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/caption-progress/") + QString::fromLatin1(hash) + QStringLiteral(".json");
}

void CaptionPage::saveFolderProgress(const QString& folder) {
    if (!m_folderRuns.contains(folder)) return;
    QJsonArray results;
    bool complete = true;
    for (CaptionCard* card : m_cards) {
        if (m_cardFolder.value(card->id()) != folder) continue;
        if (card->state() != CaptionCard::State::Done && card->state() != CaptionCard::State::Failed) {
            complete = false;
            continue;
        }
        results.append(QJsonObject{{QStringLiteral("image"), card->path()},
                                   {QStringLiteral("caption"), card->caption()},
                                   {QStringLiteral("seconds"), card->seconds()},
                                   {QStringLiteral("error"), card->error()}});
    }
    const QString file = progressFilePath(folder);
    if (complete) {
        // The folder is done: nothing to resume. Its results live on the page and in exports.
        QFile::remove(file);
        return;
    }
    const QJsonObject root{{QStringLiteral("folder"), folder},
                           {QStringLiteral("model"), m_folder},
                           {QStringLiteral("decoding"), decodingKey()},
                           {QStringLiteral("results"), results}};
    QDir().mkpath(QFileInfo(file).absolutePath());
    QString error;
    if (!writeFileAtomically(file, QJsonDocument(root).toJson(QJsonDocument::Compact), &error))
        announce(tr("Could not save the folder's progress: %1").arg(error));
}

int CaptionPage::restoreFolderProgress(const QString& folder, const QStringList& images) {
    QFile file(progressFilePath(folder));
    if (!file.open(QIODevice::ReadOnly)) return 0;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    // Results of another model or other decoding options are not this run's: caption afresh.
    if (root.value(QStringLiteral("folder")).toString() != folder ||
        root.value(QStringLiteral("model")).toString() != m_folder ||
        root.value(QStringLiteral("decoding")).toString() != decodingKey())
        return 0;
    const QSet<QString> wanted(images.begin(), images.end());
    const QSet<QString> present = cardsPathSet();
    int restored = 0;
    for (const QJsonValue& v : root.value(QStringLiteral("results")).toArray()) {
        const QJsonObject r = v.toObject();
        const QString image = r.value(QStringLiteral("image")).toString();
        if (!wanted.contains(image) || present.contains(image)) continue;
        CaptionCard* card = addCard(image);
        m_cardFolder.insert(card->id(), folder);
        card->setResult(r.value(QStringLiteral("caption")).toString(), r.value(QStringLiteral("seconds")).toDouble(),
                        r.value(QStringLiteral("error")).toString(), true);
        ++restored;
    }
    return restored;
}

} // namespace captioner::ui
