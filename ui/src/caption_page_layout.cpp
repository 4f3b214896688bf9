// CaptionPage: building the drop zone, the side panel (decoding options, folder option, result
// commands), the page's commands with their shortcuts, and the speech engine check.
#include "captioner_ui/caption_page.h"

#include "accessible.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_queue.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QAbstractItemView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTextToSpeech>
#include <QVBoxLayout>
#include <QVoice>

#include <climits>
#include <initializer_list>

namespace captioner::ui {

QWidget* CaptionPage::buildDropZone() {
    auto* zone = new QFrame(this);
    zone->setObjectName(QStringLiteral("captionDropZone"));
    zone->setFrameShape(QFrame::StyledPanel);
    zone->setFrameShadow(QFrame::Sunken);
    zone->setAcceptDrops(true);
    zone->installEventFilter(this);
    zone->setAccessibleName(tr("Drop zone"));
    zone->setAccessibleDescription(
        tr("Drop images or folders here, paste with Ctrl+V, or use Add Images and Add Folder"));
    m_dropHint =
        new QLabel(tr("Drop images or folders here to caption them\nor paste an image or file (Ctrl+V)"), zone);
    m_dropHint->setAlignment(Qt::AlignCenter);
    m_dropHint->setWordWrap(true);
    QFont big = m_dropHint->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_dropHint->setFont(big);
    auto* images = described(new QPushButton(tr("Add &Images…"), zone), tr("Add Images…"),
                             tr("Choose image files to caption (Ctrl+I)"));
    images->setObjectName(QStringLiteral("captionAddImages"));
    auto* folder =
        described(new QPushButton(tr("Add &Folder…"), zone), tr("Add Folder…"),
                  tr("Choose a folder; its images and those of its subfolders are captioned (Ctrl+Shift+I)"));
    folder->setObjectName(QStringLiteral("captionAddFolder"));
    auto* paste = described(new QPushButton(tr("&Paste"), zone), tr("Paste"),
                            tr("Caption the image or the image files on the clipboard (Ctrl+V)"));
    paste->setObjectName(QStringLiteral("captionPaste"));
    connect(images, &QPushButton::clicked, this, &CaptionPage::chooseImages);
    connect(folder, &QPushButton::clicked, this, &CaptionPage::chooseFolder);
    connect(paste, &QPushButton::clicked, this, &CaptionPage::paste);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(images);
    buttons->addWidget(folder);
    buttons->addWidget(paste);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(zone);
    layout->addStretch();
    layout->addWidget(m_dropHint);
    layout->addLayout(buttons);
    layout->addStretch();
    return zone;
}

QWidget* CaptionPage::buildSidePanel() {
    auto* panel = new QWidget(this);
    panel->setObjectName(QStringLiteral("captionSidePanel"));
    panel->setMinimumWidth(260);
    panel->setMaximumWidth(420);
    m_sideLayout = new QVBoxLayout(panel);
    m_sideLayout->setContentsMargins(0, 0, 0, 0);

    // Shown until the model manager's panel is set: what model is in use and a way to choose one.
    m_fallbackModelBox = new QGroupBox(tr("Model"), panel);
    m_modelLabel = new QLabel(tr("No model open: images wait until one is."), m_fallbackModelBox);
    m_modelLabel->setObjectName(QStringLiteral("captionModelLabel"));
    m_modelLabel->setWordWrap(true);
    m_modelLabel->setTextFormat(Qt::PlainText);
    auto* open = described(new QPushButton(tr("Open &Model…"), m_fallbackModelBox), tr("Open Model…"),
                           tr("Choose a GIT model folder (Ctrl+Shift+O)"));
    connect(open, &QPushButton::clicked, this, &CaptionPage::openModelRequested);
    auto* modelLayout = new QVBoxLayout(m_fallbackModelBox);
    modelLayout->addWidget(m_modelLabel);
    modelLayout->addWidget(open, 0, Qt::AlignLeft);
    m_sideLayout->addWidget(m_fallbackModelBox);

    const AppSettings::Decoding d = AppSettings::decoding();
    auto* decoding = new QGroupBox(tr("Decoding"), panel);
    m_method = described(new QComboBox(decoding), tr("Search"),
                         tr("Greedy search takes the likeliest word each step; "
                            "beam search keeps several candidates"));
    m_method->setObjectName(QStringLiteral("captionMethod"));
    m_method->addItems({tr("Greedy"), tr("Beam search")});
    m_method->setCurrentIndex(d.beamSearch ? 1 : 0);
    m_method->view()->setAccessibleName(tr("Search methods"));
    m_method->view()->setAccessibleDescription(m_method->accessibleDescription());
    m_beams = described(new QSpinBox(decoding), tr("Beams"), tr("How many candidate captions beam search keeps"));
    m_beams->setObjectName(QStringLiteral("captionBeams"));
    m_beams->setRange(2, 16);
    m_beams->setValue(qBound(2, d.numBeams, 16));
    m_maxLength =
        described(new QSpinBox(decoding), tr("Max length"), tr("Longest caption in tokens, counting the start token"));
    m_maxLength->setObjectName(QStringLiteral("captionMaxLength"));
    m_maxLength->setRange(2, 512);
    m_maxLength->setValue(qBound(2, d.maxLength, 512));
    m_lengthPenalty = described(new QDoubleSpinBox(decoding), tr("Length penalty"),
                                tr("Beam search: above 1 favours longer captions, below 1 shorter ones"));
    m_lengthPenalty->setObjectName(QStringLiteral("captionLengthPenalty"));
    m_lengthPenalty->setRange(-5.0, 5.0);
    m_lengthPenalty->setSingleStep(0.1);
    m_lengthPenalty->setDecimals(2);
    m_lengthPenalty->setValue(d.lengthPenalty);
    auto updateBeamControls = [this] {
        const bool beam = m_method->currentIndex() == 1;
        m_beams->setEnabled(beam);
        m_lengthPenalty->setEnabled(beam);
    };
    connect(m_method, &QComboBox::currentIndexChanged, this, updateBeamControls);
    updateBeamControls();
    // The queue sends its jobs with these options (and keys a folder's saved results by them).
    connect(m_method, &QComboBox::currentIndexChanged, this, &CaptionPage::syncDecoding);
    for (QSpinBox* box : {m_beams, m_maxLength})
        connect(box, &QSpinBox::valueChanged, this, &CaptionPage::syncDecoding);
    connect(m_lengthPenalty, &QDoubleSpinBox::valueChanged, this, &CaptionPage::syncDecoding);
    syncDecoding();
    m_recaptionAll = described(new QPushButton(tr("Re-caption &All"), decoding), tr("Re-caption All"),
                               tr("Caption every image again with these options (Shift+F5)"));
    m_recaptionAll->setObjectName(QStringLiteral("captionRecaptionAll"));
    connect(m_recaptionAll, &QPushButton::clicked, this, &CaptionPage::recaptionAll);
    auto* defaults = described(new QPushButton(tr("&Defaults"), decoding), tr("Defaults"),
                               tr("Reset the options to the defaults from Settings"));
    connect(defaults, &QPushButton::clicked, this, [this] {
        const AppSettings::Decoding s = AppSettings::decoding();
        m_method->setCurrentIndex(s.beamSearch ? 1 : 0);
        m_beams->setValue(s.numBeams);
        m_maxLength->setValue(s.maxLength);
        m_lengthPenalty->setValue(s.lengthPenalty);
    });
    // Screen readers announce the spin boxes' editors, not the boxes: they need the names too.
    for (QAbstractSpinBox* box : std::initializer_list<QAbstractSpinBox*>{m_beams, m_maxLength, m_lengthPenalty}) {
        if (auto* edit = box->findChild<QLineEdit*>()) {
            edit->setAccessibleName(box->accessibleName());
            edit->setAccessibleDescription(box->accessibleDescription());
        }
    }
    auto* form = new QFormLayout(decoding);
    form->addRow(tr("&Search:"), m_method);
    form->addRow(tr("&Beams:"), m_beams);
    form->addRow(tr("Max &length:"), m_maxLength);
    form->addRow(tr("Length &penalty:"), m_lengthPenalty);
    auto* decodingButtons = new QHBoxLayout;
    decodingButtons->addWidget(m_recaptionAll);
    decodingButtons->addWidget(defaults);
    form->addRow(decodingButtons);
    m_sideLayout->addWidget(decoding);

    auto* folders = new QGroupBox(tr("Folders"), panel);
    m_skipCaptioned = described(new QCheckBox(tr("S&kip images that have a caption file"), folders),
                                tr("Skip images that have a caption file"),
                                tr("When adding a folder, leave out images with a .txt caption beside them"));
    m_skipCaptioned->setObjectName(QStringLiteral("captionSkipCaptioned"));
    auto* foldersLayout = new QVBoxLayout(folders);
    foldersLayout->addWidget(m_skipCaptioned);
    m_sideLayout->addWidget(folders);

    auto* results = new QGroupBox(tr("Results"), panel);
    m_export = described(new QPushButton(tr("&Export…"), results), tr("Export…"),
                         tr("Save every result as CSV or JSON Lines (Ctrl+E)"));
    m_export->setObjectName(QStringLiteral("captionExport"));
    m_sidecars = described(new QPushButton(tr("&Write Caption Files"), results), tr("Write Caption Files"),
                           tr("Write each caption to a .txt file beside its image (Ctrl+Shift+T)"));
    m_sidecars->setObjectName(QStringLiteral("captionWriteSidecars"));
    m_toDataset = described(new QPushButton(tr("Add to Data&set"), results), tr("Add to Dataset"),
                            tr("Bring the captioned images into the dataset browser for review (Ctrl+Shift+D)"));
    m_toDataset->setObjectName(QStringLiteral("captionAddToDataset"));
    m_clear = described(new QPushButton(tr("C&lear"), results), tr("Clear"), tr("Remove every result from the page"));
    m_clear->setObjectName(QStringLiteral("captionClear"));
    connect(m_export, &QPushButton::clicked, this, &CaptionPage::chooseExport);
    connect(m_sidecars, &QPushButton::clicked, this, &CaptionPage::writeSidecars);
    connect(m_toDataset, &QPushButton::clicked, this, &CaptionPage::addToDataset);
    connect(m_clear, &QPushButton::clicked, this, &CaptionPage::clearResults);
    auto* resultsLayout = new QVBoxLayout(results);
    for (QPushButton* b : {m_export, m_sidecars, m_toDataset, m_clear}) resultsLayout->addWidget(b);
    m_sideLayout->addWidget(results);
    m_sideLayout->addWidget(buildCompareBox(panel));
    m_sideLayout->addStretch();
    return panel;
}

void CaptionPage::createActions() {
    auto make = [this](const QString& text, const char* name, const QList<QKeySequence>& keys, const QString& tip,
                       auto slot) {
        auto* a = new QAction(text, this);
        a->setObjectName(QLatin1String(name));
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut); // only while the Caption page has the focus
        a->setStatusTip(tip);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        m_actions << a;
        return a;
    };
    make(tr("Add &Images…"), "actionCaptionAddImages", {QKeySequence(Qt::CTRL | Qt::Key_I)},
         tr("Choose image files to caption"), [this] { chooseImages(); });
    make(tr("Add &Folder…"), "actionCaptionAddFolder", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I)},
         tr("Choose a folder of images to caption"), [this] { chooseFolder(); });
    make(tr("&Paste Images"), "actionCaptionPaste", {QKeySequence::Paste},
         tr("Caption the image or files on the clipboard"), [this] { paste(); });
    m_copyAction = make(tr("&Copy Caption"), "actionCaptionCopy", {QKeySequence::Copy},
                        tr("Copy the caption of the current card"), [this] { copyCaption(currentCard()); });
    m_speakAction = make(tr("Spea&k Caption"), "actionCaptionSpeak", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K)},
                         tr("Read the caption of the current card aloud"), [this] { speak(currentCard()); });
    m_recaptionAction = make(tr("&Re-caption"), "actionCaptionRecaption", {QKeySequence(Qt::Key_F5)},
                             tr("Caption the current image again"), [this] {
                                 if (CaptionCard* c = currentCard()) m_queue->recaption(c->id());
                             });
    m_recaptionAllAction =
        make(tr("Re-caption &All"), "actionCaptionRecaptionAll", {QKeySequence(Qt::SHIFT | Qt::Key_F5)},
             tr("Caption every image again with the current options"), [this] { recaptionAll(); });
    m_cancelAction = make(tr("Ca&ncel Captioning"), "actionCaptionCancel", {QKeySequence(Qt::Key_Escape)},
                          tr("Stop captioning after the images in progress"), [this] { cancel(); });
    m_exportAction = make(tr("&Export Captions…"), "actionCaptionExport", {QKeySequence(Qt::CTRL | Qt::Key_E)},
                          tr("Save the results as CSV or JSON Lines"), [this] { chooseExport(); });
    m_sidecarAction =
        make(tr("&Write Caption Files"), "actionCaptionSidecars", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)},
             tr("Write each caption to a .txt file beside its image"), [this] { writeSidecars(); });
    m_datasetAction =
        make(tr("Add to Data&set"), "actionCaptionToDataset", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D)},
             tr("Bring the captioned images into the dataset browser for review"), [this] { addToDataset(); });
    m_compareAction = make(
        tr("Compare With &Model…"), "actionCaptionCompare", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M)},
        tr("Caption the same images with a second model and show both captions"), [this] { chooseCompareModel(); });
    m_compareExportAction = make(tr("Export Compa&rison…"), "actionCaptionCompareExport", {},
                                 tr("Save both models' captions, confidences and the references as CSV or JSON Lines"),
                                 [this] { chooseCompareExport(); });
    m_clearAction = make(tr("C&lear Results"), "actionCaptionClear", {}, tr("Remove every result from the page"),
                         [this] { clearResults(); });
}

void CaptionPage::setupSpeech() {
    if (QTextToSpeech::availableEngines().isEmpty()) {
        m_speechWhy = tr("Reading aloud is not available: no speech engine is installed (for example the "
                         "qt6-speech-flite-plugin package).");
    } else {
        m_speech = new QTextToSpeech(this);
        if (m_speech->state() == QTextToSpeech::Error) {
            m_speechWhy = tr("Reading aloud is not available: the speech engine did not start (%1).")
                              .arg(m_speech->errorString());
        } else if (m_speech->availableVoices().isEmpty()) {
            m_speechWhy = tr("Reading aloud is not available: the speech engine has no voices.");
        } else {
            m_speechAvailable = true;
        }
        connect(m_speech, &QTextToSpeech::errorOccurred, this, [this](QTextToSpeech::ErrorReason, const QString& why) {
            announce(tr("Could not read the caption aloud: %1").arg(why.isEmpty() ? tr("no audio output") : why));
        });
    }
    m_speakAction->setEnabled(m_speechAvailable);
    if (!m_speechAvailable) m_speakAction->setStatusTip(m_speechWhy);
}

} // namespace captioner::ui
