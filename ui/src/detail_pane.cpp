#include "detail_pane.h"

#include "caption_commands.h"
#include "captioner_ui/locale_format.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/dataset_model.h"

#include "captioner/caption_search.h"
#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/image_source.h"
#include "captioner/review_store.h"

#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace captioner::ui {

namespace {
constexpr int kPreviewSide = 1024;

ImageFacts loadFacts(int row, const QString& path, const QString& split) {
    ImageFacts out;
    out.row = row;
    const std::string p = path.toStdString();
    QStringList facts;
    try {
        // A Parquet row's image is no file of its own: the core knows its size.
        facts << formatDataSize(qint64(captioner::imageByteSize(p)));
        const captioner::ImageInfo info = captioner::probeImage(p);
        facts << DetailPane::tr("%1 × %2 px").arg(info.width).arg(info.height)
              << QString::fromStdString(info.format).toUpper()
              << DetailPane::tr("%n channel(s)", nullptr, info.channels);
        if (info.bitDepth != 8) facts << DetailPane::tr("%1-bit").arg(info.bitDepth);
        const cv::Mat rgb = captioner::decodeThumbnailRgb(p, kPreviewSide);
        out.image = QImage(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888).copy();
    } catch (const captioner::Error& e) {
        out.error = QString::fromStdString(e.reason());
    }
    if (!split.isEmpty()) facts << DetailPane::tr("split: %1").arg(split);
    out.facts = facts.join(QStringLiteral(" · "));
    return out;
}
} // namespace

DetailPane::DetailPane(DatasetModel* model, QUndoStack* undo, QWidget* parent)
    : QWidget(parent), m_model(model), m_undo(undo), m_title(new QLabel(this)), m_picture(new QLabel(this)),
      m_facts(new QLabel(this)), m_problem(new QLabel(this)), m_captions(new QListWidget(this)),
      m_editor(new QPlainTextEdit(this)), m_hint(new QLabel(this)), m_confidence(new QLabel(this)) {
    setObjectName(QStringLiteral("detailPane"));
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_picture->setObjectName(QStringLiteral("detailImage"));
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setMinimumSize(160, 160);
    m_picture->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_picture->setAccessibleName(tr("Selected image"));

    m_facts->setObjectName(QStringLiteral("detailFacts"));
    m_facts->setWordWrap(true);
    m_facts->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setObjectName(QStringLiteral("detailProblem"));
    m_problem->setWordWrap(true);
    m_problem->setVisible(false);

    m_captions->setObjectName(QStringLiteral("captionList"));
    m_captions->setAccessibleName(tr("Captions of the image"));
    m_captions->setAccessibleDescription(tr("Every caption of the selected image; choose one to edit it below"));
    m_captions->setMaximumHeight(120);
    m_captions->setWordWrap(true);
    connect(m_captions, &QListWidget::currentRowChanged, this, [this](int index) {
        if (index < 0 || m_updatingEditor) return;
        m_captionIndex = index;
        endEditSession();
        refresh();
    });

    m_editor->setObjectName(QStringLiteral("captionEditor"));
    m_editor->setAccessibleName(tr("Caption"));
    m_editor->setAccessibleDescription(tr("Edit the caption; every change can be undone with Ctrl+Z and is "
                                          "written to disk with Ctrl+S"));
    m_editor->setTabChangesFocus(true);
    m_editor->setUndoRedoEnabled(false); // one history for the page: the QUndoStack
    m_editor->setPlaceholderText(tr("No caption yet: type one here"));
    m_editor->setMaximumHeight(110);
    connect(m_editor, &QPlainTextEdit::textChanged, this, &DetailPane::onEditorChanged);
    m_editor->installEventFilter(this);

    m_hint->setObjectName(QStringLiteral("captionLengthHint"));
    m_hint->setWordWrap(true);
    m_confidence->setObjectName(QStringLiteral("detailConfidence"));
    m_confidence->setWordWrap(true);
    m_confidence->setTextFormat(Qt::PlainText);
    m_confidence->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_confidence->setAccessibleName(tr("Model confidence"));
    m_confidence->setVisible(false);

    auto* captionLabel = new QLabel(tr("C&aption:"), this);
    captionLabel->setBuddy(m_editor);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_picture, 1);
    layout->addWidget(m_facts);
    layout->addWidget(m_problem);
    layout->addWidget(m_confidence);
    layout->addWidget(m_captions);
    layout->addWidget(captionLabel);
    layout->addWidget(m_editor);
    layout->addWidget(m_hint);

    connect(&m_watcher, &QFutureWatcher<ImageFacts>::finished, this, &DetailPane::onImageLoaded);
    connect(m_model, &DatasetModel::captionChanged, this, [this](int row) {
        if (row == m_row) refresh();
    });
    connect(m_model, &DatasetModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
        if (m_row >= from.row() && m_row <= to.row()) {
            const QString problem = m_model->data(m_model->index(m_row), DatasetModel::ProblemTextRole).toString();
            m_problem->setText(problem.isEmpty() ? QString() : QStringLiteral("⚠ ") + problem);
            m_problem->setVisible(!problem.isEmpty());
            updateConfidence();
        }
    });
    connect(m_model, &DatasetModel::modelReset, this, [this] { setCurrentRow(-1); });
    setCurrentRow(-1);
}

void DetailPane::setCurrentRow(int row) {
    if (row >= m_model->rowCount()) row = -1;
    if (row != m_row) {
        m_row = row;
        m_captionIndex = 0;
        endEditSession();
        m_image = QImage();
        m_picture->clear();
        if (row >= 0) {
            const QModelIndex idx = m_model->index(row);
            m_picture->setText(tr("Loading…"));
            m_facts->setText(tr("Reading file…"));
            const QString path = idx.data(DatasetModel::ImagePathRole).toString();
            const QString split = idx.data(DatasetModel::SplitRole).toString();
            m_watcher.setFuture(QtConcurrent::run([row, path, split] { return loadFacts(row, path, split); }));
        }
    }
    refresh();
}

void DetailPane::refresh() {
    const bool has = m_row >= 0;
    m_editor->setEnabled(has);
    m_captions->setEnabled(has);
    if (!has) {
        m_title->setText(tr("No image selected"));
        m_facts->clear();
        m_problem->hide();
        m_picture->setText(tr("Select an image in the grid to see it here."));
        m_updatingEditor = true;
        m_captions->clear();
        m_editor->clear();
        m_updatingEditor = false;
        updateLengthHint();
        updateConfidence();
        return;
    }
    const QModelIndex idx = m_model->index(m_row);
    m_title->setText(idx.data(DatasetModel::FileNameRole).toString());
    const QString problem = idx.data(DatasetModel::ProblemTextRole).toString();
    m_problem->setText(problem.isEmpty() ? QString() : QStringLiteral("⚠ ") + problem);
    m_problem->setVisible(!problem.isEmpty());
    refreshCaptions();
    updateConfidence();
    const QStringList captions = m_model->captions(m_row);
    const QString text = m_captionIndex < captions.size() ? captions[m_captionIndex] : QString();
    if (m_editor->toPlainText() != text) {
        m_updatingEditor = true;
        m_editor->setPlainText(text);
        m_editor->moveCursor(QTextCursor::End);
        m_updatingEditor = false;
    }
    updateLengthHint();
}

void DetailPane::refreshCaptions() {
    m_updatingEditor = true;
    const QStringList captions = m_model->captions(m_row);
    m_captions->clear();
    for (int i = 0; i < captions.size(); ++i)
        m_captions->addItem(tr("%1. %2").arg(i + 1).arg(captions[i].isEmpty() ? tr("(empty)") : captions[i]));
    if (captions.isEmpty()) m_captions->addItem(tr("No captions"));
    m_captions->setCurrentRow(qMin(m_captionIndex, m_captions->count() - 1));
    m_captions->setVisible(captions.size() > 1);
    m_updatingEditor = false;
}

void DetailPane::onEditorChanged() {
    if (m_updatingEditor || m_row < 0) {
        updateLengthHint();
        return;
    }
    const QStringList captions = m_model->captions(m_row);
    const QString before = m_captionIndex < captions.size() ? captions[m_captionIndex] : QString();
    const QString after = m_editor->toPlainText();
    if (before != after) m_undo->push(new SetCaptionCommand(m_model, m_row, m_captionIndex, before, after, m_session));
    updateLengthHint();
}

void DetailPane::replaceCaption(const QString& text) {
    if (m_row < 0) return;
    const QStringList captions = m_model->captions(m_row);
    const QString before = m_captionIndex < captions.size() ? captions[m_captionIndex] : QString();
    if (before == text) return;
    m_undo->push(new SetCaptionCommand(m_model, m_row, m_captionIndex, before, text, -1));
    endEditSession();
}

QString DetailPane::lengthHint() const { return m_hint->text(); }
QString DetailPane::factsText() const { return m_facts->text(); }

void DetailPane::updateLengthHint() {
    const auto length = captioner::captionLength(m_editor->toPlainText().toStdString());
    const auto guidance = captioner::kAltTextGuidance;
    QString text = tr("%n character(s)", nullptr, int(length));
    if (length == 0) text = tr("Empty caption: screen readers will have nothing to say for this image.");
    else if (length > guidance)
        text += tr(" — %1 over the ~%2-character alt-text guidance; consider a shorter caption")
                    .arg(length - guidance)
                    .arg(guidance);
    else text += tr(" (alt-text guidance: about %1 at most)").arg(guidance);
    m_hint->setText(text);
    m_hint->setAccessibleName(text);
    m_editor->setAccessibleDescription(tr("Edit the caption (%1); Ctrl+Z undoes, Ctrl+S saves").arg(text));
}

void DetailPane::onImageLoaded() {
    const ImageFacts facts = m_watcher.result();
    if (facts.row != m_row) return; // the user moved on meanwhile
    m_shownRow = facts.row;
    m_facts->setText(facts.facts);
    m_image = facts.image;
    if (m_image.isNull()) m_picture->setText(tr("This image cannot be shown: %1").arg(facts.error));
    showImage();
}

void DetailPane::showImage() {
    if (m_image.isNull()) return;
    const QSize room = m_picture->size();
    QPixmap pixmap = QPixmap::fromImage(m_image);
    // Small images (the 64 px demo) are enlarged to be seen; large ones shrunk to fit.
    m_picture->setPixmap(pixmap.scaled(room, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    m_picture->setAccessibleDescription(m_model->data(m_model->index(m_row), DatasetModel::CaptionRole).toString());
}

bool DetailPane::eventFilter(QObject* watched, QEvent* event) {
    // The editor would claim Ctrl+Z / Ctrl+Shift+Z for its own (disabled) history; leave them to
    // Edit › Undo / Redo, which work on the page's stack.
    if (watched == m_editor && event->type() == QEvent::ShortcutOverride) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->matches(QKeySequence::Undo) || key->matches(QKeySequence::Redo)) {
            event->ignore();
            return true;
        }
    }
    if (watched == m_editor && event->type() == QEvent::FocusOut) endEditSession();
    return QWidget::eventFilter(watched, event);
}

void DetailPane::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    showImage();
}

QString DetailPane::confidenceText() const {
    if (m_row < 0) return {};
    const captioner::ReviewEntry entry = m_model->reviewEntry(m_row);
    if (!entry.hasModelConfidence()) return {};
    const QString percent = QString::number(qRound(entry.confidence * 100));
    if (m_model->modelConfidence(m_row) < 0)
        return tr("Model confidence %1% (in the model's caption; the caption was edited since)").arg(percent);
    QStringList uncertain;
    for (const captioner::ReviewWord& w : entry.words)
        if (w.confidence < CaptionCard::kUncertainWordThreshold)
            uncertain << tr("%1 (%2%)", "an uncertain word and its confidence")
                             .arg(QString::fromStdString(w.word), QString::number(qRound(w.confidence * 100)));
    QString text = tr("Model confidence %1%").arg(percent);
    if (!uncertain.isEmpty())
        text += tr("; ", "joins parts of a card's description") +
                tr("uncertain words: %1").arg(uncertain.join(tr(", ", "joins the uncertain words of a caption")));
    return text;
}

void DetailPane::updateConfidence() {
    const QString text = confidenceText();
    m_confidence->setText(text);
    m_confidence->setVisible(!text.isEmpty());
}

} // namespace captioner::ui
