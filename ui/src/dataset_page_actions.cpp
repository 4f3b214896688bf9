// DatasetPage's commands: caption undo/redo and save, review mode (step, accept, flag, reuse the
// previous caption, export) and selection. Kept apart from the page's layout and loading.
#include "caption_commands.h"
#include "captioner_ui/dataset_filter_model.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"
#include "detail_pane.h"
#include "review_panel.h"

#include "captioner/error.h"
#include "captioner/review_store.h"

#include <QAction>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QUndoStack>
#include <QtConcurrent/QtConcurrentRun>

namespace captioner::ui {

namespace {
QAction* makeAction(QObject* parent, const QString& text, const char* name, const QList<QKeySequence>& keys,
                    const QString& tip) {
    auto* a = new QAction(text, parent);
    a->setObjectName(QLatin1String(name));
    a->setShortcuts(keys);
    a->setStatusTip(tip);
    a->setToolTip(tip);
    return a;
}
} // namespace

void DatasetPage::createActions() {
    m_undoAction = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAction->setObjectName(QStringLiteral("actionUndo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setStatusTip(tr("Take back the last caption change"));
    m_redoAction = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAction->setObjectName(QStringLiteral("actionRedo"));
    m_redoAction->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)});
    m_redoAction->setStatusTip(tr("Apply the caption change again"));
    m_saveAction = makeAction(this, tr("&Save Captions"), "actionSave", {QKeySequence::Save},
                              tr("Write the edited captions to the dataset (the previous file is kept as .bak)"));
    connect(m_saveAction, &QAction::triggered, this, &DatasetPage::save);
    m_focusSearchAction =
        makeAction(this, tr("&Find…"), "actionFind", {QKeySequence::Find}, tr("Search the captions and file names"));
    connect(m_focusSearchAction, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });

    m_reviewModeAction = makeAction(this, tr("&Review Mode"), "actionReviewMode", {QKeySequence(Qt::CTRL | Qt::Key_R)},
                                    tr("Show the review controls to step through the images"));
    m_reviewModeAction->setCheckable(true);
    connect(m_reviewModeAction, &QAction::toggled, this, &DatasetPage::setReviewMode);
    m_acceptAction = makeAction(this, tr("&Accept"), "actionAccept",
                                {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)},
                                tr("Accept the caption (as edited) and go to the next image"));
    connect(m_acceptAction, &QAction::triggered, this, &DatasetPage::acceptCurrent);
    m_flagAction = makeAction(this, tr("&Flag…"), "actionFlag", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F)},
                              tr("Flag the image: choose or type a reason, then press Enter"));
    connect(m_flagAction, &QAction::triggered, this, [this] {
        setReviewMode(true);
        m_review->focusReason();
    });
    m_nextAction = makeAction(this, tr("&Next Image"), "actionNextImage", {QKeySequence(Qt::ALT | Qt::Key_Right)},
                              tr("Go to the next image in the grid"));
    connect(m_nextAction, &QAction::triggered, this, &DatasetPage::nextImage);
    m_previousAction = makeAction(this, tr("&Previous Image"), "actionPreviousImage",
                                  {QKeySequence(Qt::ALT | Qt::Key_Left)}, tr("Go to the previous image in the grid"));
    connect(m_previousAction, &QAction::triggered, this, &DatasetPage::previousImage);
    m_usePreviousAction =
        makeAction(this, tr("&Use Previous Caption"), "actionUsePreviousCaption",
                   {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P)}, tr("Start from the previous image's caption"));
    connect(m_usePreviousAction, &QAction::triggered, this, &DatasetPage::usePreviousCaption);
    m_editAction = makeAction(this, tr("&Edit Caption"), "actionEditCaption", {QKeySequence(Qt::Key_F2)},
                              tr("Move the keyboard focus to the caption editor"));
    connect(m_editAction, &QAction::triggered, this, &DatasetPage::editCaption);
    m_exportAction =
        makeAction(this, tr("E&xport Review…"), "actionExportReview", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)},
                   tr("Save every image's review status as CSV or JSON Lines"));
    connect(m_exportAction, &QAction::triggered, this, &DatasetPage::chooseExport);
    m_importAction = makeAction(this, tr("&Import Captions…"), "actionImportCaptions", {},
                                tr("Take in captions a model wrote to a file (captioner caption --json, or the Caption "
                                   "page's export) for review, with their confidence"));
    connect(m_importAction, &QAction::triggered, this, &DatasetPage::chooseImportCaptions);

    // On the page too, so the shortcuts work wherever the page is shown (not only under menus).
    addActions(editActions() + reviewActions());
    m_review->addActionRow({m_previousAction, m_nextAction, m_usePreviousAction});
    m_review->addActionRow({m_acceptAction, m_flagAction, m_exportAction});
    connect(m_review, &ReviewPanel::flagConfirmed, this, &DatasetPage::flagCurrent);
}

QList<QAction*> DatasetPage::editActions() const {
    return {m_undoAction, m_redoAction, m_saveAction, m_focusSearchAction};
}

QList<QAction*> DatasetPage::reviewActions() const {
    return {m_reviewModeAction,  m_acceptAction, m_flagAction,   m_nextAction,  m_previousAction,
            m_usePreviousAction, m_editAction,   m_importAction, m_exportAction};
}

QList<QAction*> DatasetPage::viewActions() const { return {m_focusSearchAction}; }

void DatasetPage::updateActions() {
    const bool has = m_model->hasDataset();
    // Parquet datasets are read-only (captions live inside the file): review still works, edits do not.
    const bool editable = has && m_model->dataset().canSave();
    m_saveAction->setEnabled(editable && !m_saving && !m_undo->isClean());
    for (QAction* a : {m_acceptAction, m_flagAction, m_nextAction, m_previousAction, m_exportAction, m_reviewModeAction,
                       m_focusSearchAction})
        a->setEnabled(has);
    for (QAction* a : {m_usePreviousAction, m_editAction}) a->setEnabled(editable);
    m_importAction->setEnabled(editable && !m_importing);
    m_importAction->setStatusTip(has && !editable ? tr("Read-only: captions inside a Parquet file cannot be changed "
                                                       "here")
                                                  : m_importAction->toolTip());
    QPlainTextEdit* editor = m_detail->editor();
    editor->setReadOnly(has && !editable);
    editor->setToolTip(has && !editable ? tr("Read-only: captions inside a Parquet file cannot be changed here; "
                                             "`captioner dataset convert` makes an editable copy")
                                        : QString());
}

int DatasetPage::currentRow() const {
    const QModelIndex idx = m_view->currentIndex();
    return idx.isValid() ? m_filter->mapToSource(idx).row() : -1;
}

int DatasetPage::addModelCaptions(const QStringList& images, const QStringList& captions, QString* summary,
                                  const QVector<double>& confidences,
                                  const QVector<QVector<QPair<QString, double>>>& words) {
    QHash<QString, int> rowOf;
    for (int row = 0; row < m_model->rowCount(); ++row)
        rowOf.insert(
            QFileInfo(m_model->data(m_model->index(row), DatasetModel::ImagePathRole).toString()).absoluteFilePath(),
            row);
    QStringList outside;
    QVector<int> rows;
    QStringList taken;
    QVector<double> takenConfidences;
    QVector<QVector<QPair<QString, double>>> takenWords;
    for (int i = 0; i < images.size() && i < captions.size(); ++i) {
        const auto it = rowOf.constFind(QFileInfo(images[i]).absoluteFilePath());
        if (it == rowOf.constEnd()) {
            outside << QDir::toNativeSeparators(images[i]);
            continue;
        }
        rows << *it;
        taken << captions[i];
        takenConfidences << confidences.value(i, -1);
        takenWords << words.value(i);
    }
    const Taken t = takeModelCaptions(rows, taken, takenConfidences, takenWords, tr("Add captions from the model"));
    const int changed = t.changed, kept = t.kept;
    if (summary) {
        QStringList parts;
        parts << tr("%n image(s) got the model's caption for review (save with Ctrl+S)", nullptr, changed);
        if (kept) parts << tr("%n already had a caption and kept it", nullptr, kept);
        if (!outside.isEmpty())
            parts << tr("%n not in the open dataset: %1", nullptr, static_cast<int>(outside.size()))
                         .arg(outside.join(QStringLiteral(", ")));
        *summary = parts.join(tr("; ", "between the parts of a summary")) + tr(".", "ends a summary");
    }
    return changed;
}

DatasetPage::Taken DatasetPage::takeModelCaptions(const QVector<int>& rows, const QStringList& captions,
                                                  const QVector<double>& confidences,
                                                  const QVector<QVector<QPair<QString, double>>>& words,
                                                  const QString& undoText) {
    Taken t;
    QList<QPair<int, QString>> changes;
    QHash<int, int> indexOf; // row -> its first index in rows
    for (int i = 0; i < rows.size() && i < captions.size(); ++i) {
        const int row = rows[i];
        if (indexOf.contains(row)) {
            ++t.repeated; // the same image twice: the first caption is taken
            continue;
        }
        indexOf.insert(row, i);
        const QStringList existing = m_model->captions(row);
        if (!existing.isEmpty() && !existing.first().trimmed().isEmpty()) {
            ++t.kept;
            continue;
        }
        changes.append({row, captions[i]});
    }
    t.changed = static_cast<int>(changes.size());
    if (t.changed == 0) return t;
    m_undo->beginMacro(undoText);
    for (const auto& change : changes)
        m_undo->push(new SetCaptionCommand(m_model, change.first, 0, QString(), change.second, -1));
    m_undo->endMacro();
    // What the model said of each caption, kept in review.jsonl (written at once, like verdicts).
    for (const auto& change : changes) {
        const int i = indexOf.value(change.first);
        if (i >= confidences.size() || confidences[i] < 0) continue;
        std::vector<captioner::ReviewWord> ws;
        for (const auto& w : words.value(i)) ws.push_back({w.first.toStdString(), w.second});
        if (m_model->setModelConfidence(change.first, change.second, confidences[i], ws)) ++t.withConfidence;
    }
    selectRow(changes.first().first);
    return t;
}

void DatasetPage::selectRow(int modelRow) {
    const int proxy = m_filter->proxyRow(modelRow);
    if (proxy < 0) return;
    const QModelIndex idx = m_filter->index(proxy, 0);
    m_view->selectionModel()->setCurrentIndex(idx, QItemSelectionModel::ClearAndSelect);
    m_view->scrollTo(idx);
}

void DatasetPage::onCurrentChanged() {
    const int row = currentRow();
    m_detail->setCurrentRow(row);
    m_review->setCurrentRow(row);
}

void DatasetPage::moveBy(int step) {
    const int count = m_filter->rowCount();
    if (count == 0) return;
    const QModelIndex idx = m_view->currentIndex();
    const int proxy = idx.isValid() ? qBound(0, idx.row() + step, count - 1) : 0;
    selectRow(m_filter->sourceRow(proxy));
}

void DatasetPage::nextImage() { moveBy(1); }
void DatasetPage::previousImage() { moveBy(-1); }

bool DatasetPage::isReviewMode() const { return m_review->isVisible() || m_reviewModeAction->isChecked(); }

void DatasetPage::setReviewMode(bool on) {
    m_reviewModeAction->setChecked(on);
    m_review->setVisible(on);
    if (on && currentRow() < 0) moveBy(0);
}

void DatasetPage::acceptCurrent() {
    const int row = currentRow();
    if (row < 0) return;
    m_detail->endEditSession();
    captioner::ReviewEntry entry;
    const QString caption = m_model->data(m_model->index(row), DatasetModel::CaptionRole).toString();
    entry.status =
        caption == m_model->originalCaption(row) ? captioner::ReviewStatus::Accepted : captioner::ReviewStatus::Edited;
    entry.caption = caption.toStdString();
    entry.reviewedAt = captioner::utcTimestamp();
    if (m_model->setReview(row, entry)) nextImage();
}

void DatasetPage::flagCurrent() {
    const int row = currentRow();
    if (row < 0) return;
    const QString reason = m_review->reason();
    if (reason.isEmpty()) {
        m_review->focusReason();
        emit message(tr("Type or choose a reason to flag the image"));
        return;
    }
    m_detail->endEditSession();
    captioner::ReviewEntry entry;
    entry.status = captioner::ReviewStatus::Flagged;
    entry.reason = reason.toStdString();
    entry.caption = m_model->data(m_model->index(row), DatasetModel::CaptionRole).toString().toStdString();
    entry.reviewedAt = captioner::utcTimestamp();
    if (!m_model->setReview(row, entry)) return;
    nextImage();
    m_view->setFocus(Qt::OtherFocusReason);
}

void DatasetPage::usePreviousCaption() {
    const QModelIndex idx = m_view->currentIndex();
    if (!idx.isValid() || idx.row() == 0) {
        emit message(tr("There is no previous image"));
        return;
    }
    const int previous = m_filter->sourceRow(idx.row() - 1);
    m_detail->replaceCaption(m_model->data(m_model->index(previous), DatasetModel::CaptionRole).toString());
    editCaption();
}

void DatasetPage::editCaption() {
    m_detail->editor()->setFocus(Qt::ShortcutFocusReason);
    m_detail->editor()->moveCursor(QTextCursor::End);
}

bool DatasetPage::hasUnsavedChanges() const { return !m_undo->isClean(); }

void DatasetPage::save() {
    if (!m_model->hasDataset() || m_saving) return;
    m_saving = true;
    updateActions();
    const int index = m_undo->index();
    auto copy = std::make_shared<captioner::CaptionDataset>(m_model->saveCopy());
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, index] {
        const QString error = watcher->result();
        watcher->deleteLater();
        m_saving = false;
        // Edits made while saving are not in the file: only then is the stack clean.
        if (error.isEmpty() && m_undo->index() == index) m_undo->setClean();
        updateActions();
        emit saved(error.isEmpty(), error.isEmpty() ? tr("Captions saved") : tr("Could not save: %1").arg(error));
    });
    watcher->setFuture(QtConcurrent::run([copy]() -> QString {
        try {
            copy->save();
            return {};
        } catch (const std::exception& e) {
            return QString::fromLocal8Bit(e.what());
        }
    }));
}

bool DatasetPage::exportReview(const QString& path, QString* error) {
    try {
        const QString suffix = QFileInfo(path).suffix().toLower();
        if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("json"))
            captioner::exportReviewJsonl(path.toStdString(), m_model->dataset(), m_model->review());
        else captioner::exportReviewCsv(path.toStdString(), m_model->dataset(), m_model->review());
        return true;
    } catch (const captioner::Error& e) {
        if (error) *error = QString::fromLocal8Bit(e.what());
        return false;
    }
}

void DatasetPage::chooseExport() {
    QString selected;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export Review"), rootFolder() + QStringLiteral("/review.csv"),
                                     tr("CSV (*.csv);;JSON Lines (*.jsonl)"), &selected);
    if (path.isEmpty()) return;
    QString error;
    if (exportReview(path, &error)) emit message(tr("Review exported to %1").arg(path));
    else emit message(tr("Could not export the review: %1").arg(error));
}

} // namespace captioner::ui
