// CaptionPage: results out — CSV / JSON Lines export, sidecar .txt files, and the dataset browser.
#include "captioner_ui/caption_page.h"

#include "captioner_ui/caption_export.h"
#include "captioner_ui/caption_queue.h"

#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

namespace captioner::ui {

QVector<CaptionRecord> CaptionPage::records() const {
    QVector<CaptionRecord> out;
    for (const CaptionQueue::Item& item : m_queue->items()) {
        if (item.state != CaptionQueue::State::Done && item.state != CaptionQueue::State::Failed) continue;
        out.push_back({item.path, item.caption, item.seconds, item.error, item.confidence});
    }
    return out;
}

bool CaptionPage::exportTo(const QString& path, QString* error) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool jsonl = suffix == QLatin1String("jsonl") || suffix == QLatin1String("json");
    const QVector<CaptionRecord> rows = records();
    QString why;
    if (!writeFileAtomically(path, jsonl ? captionsToJsonLines(rows) : captionsToCsv(rows), &why)) {
        if (error) *error = why;
        announce(tr("Could not export: %1").arg(why));
        return false;
    }
    announce(
        tr("Exported %n result(s) to %1.", nullptr, static_cast<int>(rows.size())).arg(QDir::toNativeSeparators(path)));
    return true;
}

void CaptionPage::chooseExport() {
    if (records().isEmpty()) {
        announce(tr("Nothing to export yet: no image has been captioned."));
        return;
    }
    const QStringList chosen = chooseFilesDialog(QStringLiteral("export"));
    if (chosen.isEmpty()) return;
    QString error;
    if (!exportTo(chosen.first(), &error) && !hooks().chooseFiles)
        QMessageBox::warning(this, tr("Export Captions"), tr("Could not export the captions.\n\n%1").arg(error));
}

int CaptionPage::writeSidecars() {
    QVector<CaptionQueue::Item> done;
    QStringList existing;
    for (const CaptionQueue::Item& item : m_queue->items()) {
        if (item.state != CaptionQueue::State::Done) continue;
        done << item;
        if (QFileInfo::exists(sidecarPathFor(item.path))) existing << sidecarPathFor(item.path);
    }
    Answer answer = Answer::Overwrite;
    if (!existing.isEmpty()) {
        QStringList shown;
        for (int i = 0; i < existing.size() && i < 5; ++i) shown << QDir::toNativeSeparators(existing[i]);
        if (existing.size() > 5) shown << tr("and %n more", nullptr, static_cast<int>(existing.size() - 5));
        const QString question = tr("%n caption file(s) already exist and would be replaced:\n%1", nullptr,
                                    static_cast<int>(existing.size()))
                                     .arg(shown.join(QLatin1Char('\n')));
        answer = askQuestion(question);
        if (answer == Answer::Cancel) {
            announce(tr("No caption files written."));
            return 0;
        }
    }
    int written = 0;
    QStringList failures;
    for (const CaptionQueue::Item& item : done) {
        const QString file = sidecarPathFor(item.path);
        if (answer == Answer::SkipExisting && existing.contains(file)) continue;
        QString error;
        if (writeFileAtomically(file, sidecarText(item.caption), &error)) ++written;
        else failures << error;
    }
    QString text = tr("Wrote %n caption file(s).", nullptr, written);
    if (!failures.isEmpty())
        text += QLatin1Char(' ') + tr("Could not write %1").arg(failures.join(QStringLiteral("; ")));
    announce(text);
    return written;
}

CaptionPage::Answer CaptionPage::askQuestion(const QString& question) {
    if (hooks().ask) return hooks().ask(question);
    QMessageBox box(QMessageBox::Question, tr("Replace Caption Files?"), question, QMessageBox::NoButton, this);
    QPushButton* overwrite = box.addButton(tr("&Replace"), QMessageBox::DestructiveRole);
    QPushButton* skip = box.addButton(tr("&Keep Existing"), QMessageBox::AcceptRole);
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(skip);
    box.exec();
    if (box.clickedButton() == overwrite) return Answer::Overwrite;
    if (box.clickedButton() == skip) return Answer::SkipExisting;
    Q_UNUSED(cancel);
    return Answer::Cancel;
}

void CaptionPage::addToDataset() {
    QStringList images, captions;
    QVector<double> confidences;
    QVector<QVector<QPair<QString, double>>> words;
    for (const CaptionQueue::Item& item : m_queue->items()) {
        if (item.state != CaptionQueue::State::Done || item.caption.isEmpty()) continue;
        images << item.path;
        captions << item.caption;
        confidences << item.confidence;
        QVector<QPair<QString, double>> ws;
        for (const CaptionWord& w : item.words) ws.append({w.word, w.confidence});
        words << ws;
    }
    if (images.isEmpty()) {
        announce(tr("No captions to add yet."));
        return;
    }
    emit addToDatasetRequested(images, captions, confidences, words);
}

} // namespace captioner::ui
