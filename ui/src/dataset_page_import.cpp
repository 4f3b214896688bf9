// DatasetPage: Import Captions… A file of captions a model made elsewhere (`captioner caption --json`
// or `--out`, the Caption page's exports) is read and its images matched to the open dataset off the UI
// thread (captioner/caption_import.h); the captions then go the way of addModelCaptions: one undo step,
// captioned images keep theirs, each caption's confidence and its words' kept in review.jsonl.
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"

#include "captioner/caption_import.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMessageBox>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <memory>

namespace captioner::ui {

struct DatasetPage::ImportResult {
    std::vector<captioner::ImportedCaption> captions;
    std::vector<captioner::ImageMatch> matches; // parallel to captions
    QString error;                              // "" when the file was read
};

namespace {

constexpr int kNamesShown = 3; // images named in a summary part before "…"

QString someNames(const QStringList& names) {
    QStringList shown = names.mid(0, kNamesShown);
    if (names.size() > kNamesShown) shown << QStringLiteral("…");
    return shown.join(QStringLiteral(", "));
}

} // namespace

void DatasetPage::chooseImportCaptions() {
    if (!m_model->hasDataset() || m_importing) return;
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import Captions"), rootFolder(), tr("Caption files (*.jsonl *.json *.ndjson *.csv);;All files (*)"));
    if (path.isEmpty()) return;
    m_importInteractive = true;
    importCaptions(path);
}

void DatasetPage::importCaptions(const QString& path) {
    if (m_importing) return;
    auto refuse = [this](const QString& why) {
        m_importInteractive = false;
        emit message(why);
        emit captionsImported(false, why);
    };
    if (!m_model->hasDataset()) return refuse(tr("Open a dataset first, then import captions into it."));
    if (!m_model->dataset().canSave())
        return refuse(tr("Could not import captions: captions inside a Parquet file cannot be changed here."));
    m_importing = true;
    updateActions();
    emit message(tr("Importing captions from %1…").arg(QDir::toNativeSeparators(path)));
    const quint64 serial = m_datasetSerial;
    // A copy: the dataset shown may change while the file is read.
    auto dataset = std::make_shared<const captioner::CaptionDataset>(m_model->dataset());
    auto work = [dataset, file = path.toStdString(), base = QFileInfo(path).absolutePath().toStdString()] {
        ImportResult r;
        try {
            r.captions = captioner::readImportedCaptions(file);
            std::vector<std::string> names;
            names.reserve(r.captions.size());
            for (const auto& c : r.captions) names.push_back(c.image);
            r.matches = captioner::matchDatasetImages(*dataset, names, base);
        } catch (const std::exception& e) {
            r.error = QString::fromStdString(e.what());
            r.captions.clear();
        }
        return r;
    };
    auto* watcher = new QFutureWatcher<ImportResult>(this);
    connect(watcher, &QFutureWatcher<ImportResult>::finished, this, [this, watcher, path, serial] {
        const ImportResult result = watcher->result();
        watcher->deleteLater();
        m_importing = false;
        updateActions();
        if (serial != m_datasetSerial) {
            m_importInteractive = false;
            const QString text =
                tr("Import of %1 dropped: another dataset was opened meanwhile.").arg(QDir::toNativeSeparators(path));
            emit message(text);
            emit captionsImported(false, text);
            return;
        }
        finishImport(path, result);
    });
    watcher->setFuture(QtConcurrent::run(work));
}

void DatasetPage::finishImport(const QString& path, const ImportResult& result) {
    const bool interactive = m_importInteractive;
    m_importInteractive = false;
    if (!result.error.isEmpty()) {
        const QString text = tr("Could not import captions: %1").arg(result.error);
        emit message(text);
        emit captionsImported(false, text);
        if (interactive) QMessageBox::warning(this, tr("Import Captions"), text);
        return;
    }
    QVector<int> rows;
    QStringList captions, outside, ambiguous;
    QVector<double> confidences;
    QVector<QVector<QPair<QString, double>>> words;
    int failed = 0, byFileName = 0;
    for (std::size_t i = 0; i < result.captions.size(); ++i) {
        const captioner::ImportedCaption& c = result.captions[i];
        const captioner::ImageMatch& m = result.matches[i];
        const QString image = QDir::toNativeSeparators(QString::fromStdString(c.image));
        if (c.failed()) {
            ++failed;
            continue;
        }
        if (m.how == captioner::ImageMatch::How::Ambiguous) {
            ambiguous << image;
            continue;
        }
        if (!m.found() || m.item >= static_cast<std::size_t>(m_model->rowCount())) {
            outside << image;
            continue;
        }
        if (m.how == captioner::ImageMatch::How::FileName) ++byFileName;
        rows << static_cast<int>(m.item);
        captions << QString::fromStdString(c.caption);
        confidences << c.confidence;
        QVector<QPair<QString, double>> ws;
        for (const auto& w : c.words) ws.append({QString::fromStdString(w.word), w.confidence});
        words << ws;
    }
    const QString file = QFileInfo(path).fileName();
    const Taken t = takeModelCaptions(rows, captions, confidences, words, tr("Import Captions from %1").arg(file));
    QStringList parts;
    QString got = tr("%n image(s) got the model's caption for review (save with Ctrl+S)", nullptr, t.changed);
    if (t.changed > 0) got += tr(", %n with its confidence", nullptr, t.withConfidence);
    parts << got;
    if (byFileName) parts << tr("%n matched by file name alone (the folders differ)", nullptr, byFileName);
    if (t.kept) parts << tr("%n already had a caption and kept it", nullptr, t.kept);
    if (!outside.isEmpty())
        parts
            << tr("%n not in the open dataset (%1)", nullptr, static_cast<int>(outside.size())).arg(someNames(outside));
    if (!ambiguous.isEmpty())
        parts << tr("%n left out: more than one image of the dataset has that name (%1)", nullptr,
                    static_cast<int>(ambiguous.size()))
                     .arg(someNames(ambiguous));
    if (t.repeated) parts << tr("%n line(s) repeated an image named earlier and were ignored", nullptr, t.repeated);
    if (failed) parts << tr("%n line(s) for images the model could not caption, skipped", nullptr, failed);
    const QString text = tr("Imported %1: %2").arg(file, parts.join(tr("; ", "between the parts of a summary"))) +
                         tr(".", "ends a summary");
    emit message(text);
    emit captionsImported(true, text);
}

} // namespace captioner::ui
