#include "captioner_ui/model_panel.h"

#include "captioner_ui/locale_format.h"
#include "captioner_ui/hub_dialogs.h"

#include "captioner_ui/model_manager.h"
#include "captioner_ui/translations.h"

#include <QAccessible>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace captioner::ui {

namespace {

const char* kFactKeys[] = {"parameters", "vocabulary", "tokenizer", "image", "weights", "device", "size"};

// The exact count and, from a million on, the count in millions: "1,054,698 (1.1 M)".
QString formatParameterCount(qint64 n) {
    if (n >= 1000000)
        return ModelPanel::tr("%1 (%2 M)", "a count and the count in millions")
            .arg(formatCount(n), formatDecimal(n / 1e6, 1));
    return formatCount(n);
}

QString formatEta(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds)) return {};
    return ModelPanel::tr("about %1 left", "a duration: 3 min 5 s").arg(formatDuration(seconds));
}

// Tells screen readers about a label whose text just changed: an alert for errors (read at once),
// a name change otherwise (read when the reader follows the panel).
void announce(QLabel* label, QAccessible::Event kind) {
    QAccessibleEvent event(label, kind);
    QAccessible::updateAccessibility(&event);
}

} // namespace

ModelPanel::ModelPanel(ModelManager* manager, QWidget* parent)
    : QWidget(parent), m_manager(manager), m_model(new QLabel(this)), m_path(new QLabel(this)),
      m_factsBox(new QWidget(this)), m_facts(new QFormLayout(m_factsBox)), m_status(new QLabel(this)),
      m_progress(new QProgressBar(this)), m_cancel(new QPushButton(tr("Cancel"), this)), m_error(new QLabel(this)),
      m_demoBox(new QWidget(this)), m_demoText(new QLabel(m_demoBox)), m_demoButton(new QPushButton(m_demoBox)),
      m_hubButton(new QPushButton(m_demoBox)), m_open(new QPushButton(tr("Open &Model…"), this)),
      m_recent(new QPushButton(tr("Rece&nt"), this)), m_recentMenu(new QMenu(this)) {
    setObjectName(QStringLiteral("modelPanel"));
    setAccessibleName(tr("Model"));
    setAccessibleDescription(tr("The model used for captioning, its facts, and opening another one"));

    auto* box = new QGroupBox(tr("Model"), this);
    box->setObjectName(QStringLiteral("modelBox"));

    m_model->setObjectName(QStringLiteral("modelName"));
    m_model->setWordWrap(true);
    m_model->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setObjectName(QStringLiteral("modelPath"));
    m_path->setWordWrap(true);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setForegroundRole(QPalette::PlaceholderText);

    m_factsBox->setObjectName(QStringLiteral("modelFacts"));
    m_facts->setContentsMargins(0, 0, 0, 0);
    m_facts->setLabelAlignment(Qt::AlignLeft);
    m_facts->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    const QString names[] = {tr("Parameters"), tr("Vocabulary"), tr("Tokenizer"), tr("Image size"),
                             tr("Weights"),    tr("Device"),     tr("Files")};
    for (int i = 0; i < 7; ++i) {
        auto* value = new QLabel(m_factsBox);
        value->setObjectName(QStringLiteral("modelFact_") + QLatin1String(kFactKeys[i]));
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setWordWrap(true);
        m_facts->addRow(names[i] + QLatin1Char(':'), value);
    }
    m_factsBox->hide();

    m_status->setObjectName(QStringLiteral("modelStatus"));
    m_status->setWordWrap(true);
    m_progress->setObjectName(QStringLiteral("modelProgress"));
    m_progress->setAccessibleName(tr("Model progress"));
    m_progress->setTextVisible(true);
    m_cancel->setObjectName(QStringLiteral("modelCancel"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_cancel->setAccessibleDescription(tr("Stop loading the model or preparing the demo model (training keeps a "
                                          "checkpoint and continues from it next time)"));
    connect(m_cancel, &QPushButton::clicked, this, &ModelPanel::cancel);

    m_error->setObjectName(QStringLiteral("modelError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_error->setFocusPolicy(Qt::TabFocus); // so a screen reader user can reach and re-read it
    m_error->setAccessibleName(tr("Model error"));
    m_error->setAccessibleDescription(tr("Why the model could not be opened"));
    m_error->setFrameShape(QFrame::Box);
    m_error->setMargin(4);
    m_error->hide();

    m_demoBox->setObjectName(QStringLiteral("modelDemoBox"));
    m_demoText->setWordWrap(true);
    m_demoButton->setObjectName(QStringLiteral("modelDemoButton"));
    connect(m_demoButton, &QPushButton::clicked, m_manager, &ModelManager::prepareDemoModel);
    auto* demoLayout = new QVBoxLayout(m_demoBox);
    demoLayout->setContentsMargins(0, 4, 0, 4);
    demoLayout->addWidget(m_demoText);
    demoLayout->addWidget(m_demoButton, 0, Qt::AlignLeft);
    // A real model in one click: the download dialog shows the size the Hub reports and the progress.
    m_hubButton->setObjectName(QStringLiteral("modelHubButton"));
    // On two lines: the side panel can be as narrow as 260 px.
    m_hubButton->setText(tr("&Get %1\nfrom Hugging Face").arg(suggestedHubModel()));
    m_hubButton->setAccessibleName(tr("Get %1 from Hugging Face").arg(suggestedHubModel()));
    m_hubButton->setAccessibleDescription(
        tr("Download Microsoft's GIT base model (captions real photos) from the Hugging Face Hub into the shared "
           "cache, with progress; an interrupted download resumes; then use it for captioning"));
    m_hubButton->setToolTip(m_hubButton->accessibleDescription());
    connect(m_hubButton, &QPushButton::clicked, this, [this] { emit hubModelRequested(suggestedHubModel()); });
    demoLayout->addWidget(m_hubButton, 0, Qt::AlignLeft);

    m_open->setObjectName(QStringLiteral("modelOpen"));
    m_open->setAccessibleName(tr("Open model"));
    m_open->setAccessibleDescription(tr("Choose a Hugging Face GIT checkpoint folder (config.json, model.safetensors, "
                                        "tokenizer files)"));
    connect(m_open, &QPushButton::clicked, this, &ModelPanel::openRequested);
    m_recent->setObjectName(QStringLiteral("modelRecent"));
    m_recent->setAccessibleName(tr("Recent models"));
    m_recent->setAccessibleDescription(tr("Open one of the models opened before"));
    m_recent->setMenu(m_recentMenu);
    m_recentMenu->setObjectName(QStringLiteral("modelRecentMenu"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &ModelPanel::rebuildRecentMenu);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_recent);
    buttons->addStretch();
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(box);
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_model);
    layout->addWidget(m_path);
    layout->addWidget(m_factsBox);
    layout->addWidget(m_status);
    layout->addLayout(progressRow);
    layout->addWidget(m_error);
    layout->addWidget(m_demoBox);
    layout->addLayout(buttons);

    connect(m_manager, &ModelManager::loadStarted, this, &ModelPanel::onLoadStarted);
    connect(m_manager, &ModelManager::loadProgress, this, &ModelPanel::onLoadProgress);
    connect(m_manager, &ModelManager::modelReady, this,
            [this](const std::shared_ptr<captioner::GitCheckpoint>&, const QString& folder) { onModelReady(folder); });
    connect(m_manager, &ModelManager::loadFailed, this, &ModelPanel::onLoadFailed);
    connect(m_manager, &ModelManager::recentChanged, this, &ModelPanel::rebuildRecentMenu);
    connect(m_manager, &ModelManager::demoStarted, this, [this] {
        m_error->hide();
        showBusy(true);
        m_progress->setRange(0, 0);
        m_status->setText(tr("Preparing the demo model…"));
        updateDemoOffer();
    });
    connect(m_manager, &ModelManager::demoProgress, this, &ModelPanel::onDemoProgress);
    connect(m_manager, &ModelManager::demoFinished, this, &ModelPanel::onDemoFinished);

    showBusy(false);
    m_status->hide();
    if (m_manager->model()) onModelReady(m_manager->folder());
    else m_model->setText(tr("No model chosen yet."));
    m_path->setVisible(!m_path->text().isEmpty());
    rebuildRecentMenu();
    updateDemoOffer();
}

QString ModelPanel::modelText() const { return m_model->text(); }
QString ModelPanel::statusText() const { return m_status->text(); }
QString ModelPanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }
bool ModelPanel::isDemoOffered() const { return !m_demoBox->isHidden(); }
QString ModelPanel::suggestedHubModel() { return QStringLiteral("microsoft/git-base"); }

QString ModelPanel::factText(const QString& key) const {
    auto* label = m_factsBox->findChild<QLabel*>(QStringLiteral("modelFact_") + key);
    return label ? label->text() : QString();
}

void ModelPanel::setFact(const QString& key, const QString& value) {
    if (auto* label = m_factsBox->findChild<QLabel*>(QStringLiteral("modelFact_") + key)) {
        label->setText(value);
        label->setAccessibleName(value);
    }
}

void ModelPanel::rebuildRecentMenu() {
    m_recentMenu->clear();
    const auto recent = ModelManager::recentModels();
    for (const auto& r : recent) {
        const QString shown = QDir::toNativeSeparators(r.folder);
        QAction* action = m_recentMenu->addAction(r.available ? shown : tr("%1 (unavailable)").arg(shown));
        action->setEnabled(r.available);
        action->setToolTip(r.available ? tr("Open this model")
                                       : tr("This folder no longer exists or holds no config.json"));
        const QString folder = r.folder;
        connect(action, &QAction::triggered, m_manager, [this, folder] { m_manager->open(folder); });
    }
    if (recent.isEmpty()) m_recentMenu->addAction(tr("No recent models"))->setEnabled(false);
    // Models Python's huggingface_hub (or File › Download from Hugging Face) put in the shared cache.
    const int cached = addHubCacheActions(m_recentMenu, true, false,
                                          [this](const QString& snapshot, bool) { m_manager->open(snapshot); });
    m_recent->setEnabled(!recent.isEmpty() || cached > 0);
}

void ModelPanel::showBusy(bool busy) {
    m_progress->setVisible(busy);
    m_cancel->setVisible(busy);
    m_status->setVisible(busy || !m_status->text().isEmpty());
    m_open->setEnabled(!m_manager->isPreparingDemo());
    m_recent->setEnabled(!m_manager->isPreparingDemo() && m_recentMenu->actions().size() > 1);
}

void ModelPanel::updateDemoOffer() {
    const bool offer = !m_manager->model() && !m_manager->isLoading();
    m_demoBox->setVisible(offer);
    if (!offer) return;
    const bool preparing = m_manager->isPreparingDemo();
    const bool exists = m_manager->demoModelExists();
    m_demoButton->setEnabled(!preparing);
    if (exists) {
        m_demoText->setText(tr("The built-in demo model is ready: it captions simple shapes, so you can try the app "
                               "without downloading anything."));
        m_demoButton->setText(tr("&Use Demo Model"));
        m_demoButton->setAccessibleDescription(tr("Open the demo model made earlier"));
    } else {
        m_demoText->setText(tr("No model yet? The built-in demo model learns to caption simple shapes in a few CPU "
                               "minutes, in the background. For real photos, get a real model from Hugging Face, or "
                               "open a GIT checkpoint folder."));
        m_demoButton->setText(tr("&Prepare Demo Model"));
        m_demoButton->setAccessibleDescription(tr("Generate the demo images and train the tiny demo model in the "
                                                  "background, then use it for captioning"));
    }
    m_demoButton->setAccessibleName(withoutMnemonic(m_demoButton->text()));
}

void ModelPanel::onLoadStarted(const QString& folder) {
    m_error->hide();
    m_progress->setRange(0, ModelManager::kStageCount);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m"));
    m_status->setText(tr("Opening %1…").arg(QFileInfo(folder).fileName()));
    m_status->setToolTip(QDir::toNativeSeparators(folder));
    showBusy(true);
    updateDemoOffer();
}

void ModelPanel::onLoadProgress(const QString& folder, int stage, const QString& text) {
    m_progress->setValue(stage);
    m_status->setText(tr("%1: %2…").arg(QFileInfo(folder).fileName(), text));
}

void ModelPanel::onModelReady(const QString& folder) {
    const ModelFacts& f = m_manager->facts();
    m_model->setText(displayName(folder));
    m_path->setText(QDir::toNativeSeparators(folder));
    m_path->setVisible(true);
    setFact(QStringLiteral("parameters"), formatParameterCount(f.parameters));
    setFact(QStringLiteral("vocabulary"),
            f.tokenizerSize == f.vocabularySize
                ? tr("%1 tokens").arg(formatCount(f.vocabularySize))
                : tr("%1 tokens (tokenizer: %2)").arg(formatCount(f.vocabularySize), formatCount(f.tokenizerSize)));
    setFact(QStringLiteral("tokenizer"), f.tokenizerKind);
    setFact(QStringLiteral("image"), tr("%1 × %1 px").arg(f.imageSize));
    setFact(QStringLiteral("weights"), f.dtype);
    setFact(QStringLiteral("device"), f.device == QLatin1String("cpu") ? tr("CPU") : f.device);
    setFact(QStringLiteral("size"), formatDataSize(f.folderBytes));
    m_factsBox->show();
    m_status->setText(tr("Loaded in %1 s.").arg(formatDecimal(f.loadSeconds, 1)));
    showBusy(false);
    updateDemoOffer();
    announce(m_model, QAccessible::NameChanged);
}

QString ModelPanel::displayName(const QString& folder) const {
    if (QFileInfo(folder) == QFileInfo(m_manager->demoModelFolder())) return tr("Built-in demo model");
    // Training output folders are named alike ("model", "checkpoint-500"): say whose they are.
    const QFileInfo info(folder);
    const QString name = info.fileName();
    if (name == QLatin1String("model") || name.startsWith(QLatin1String("checkpoint-")))
        return info.dir().dirName() + QLatin1Char('/') + name;
    return name;
}

void ModelPanel::onLoadFailed(const QString& folder, const QString& message) {
    Q_UNUSED(folder);
    m_error->setText(message);
    m_error->setAccessibleDescription(message);
    m_error->show();
    m_status->setText(m_manager->model() ? tr("Still using %1.").arg(displayName(m_manager->folder())) : QString());
    showBusy(false);
    updateDemoOffer();
    announce(m_error, QAccessible::Alert);
}

void ModelPanel::onDemoProgress(const QString& text, qint64 step, qint64 maxSteps, double eta) {
    if (maxSteps > 0) {
        m_progress->setRange(0, static_cast<int>(maxSteps));
        m_progress->setValue(static_cast<int>(step));
        m_progress->setFormat(tr("step %v of %m"));
        const QString left = formatEta(eta);
        m_status->setText(left.isEmpty() ? text : tr("%1, %2").arg(text, left));
    } else {
        m_progress->setRange(0, 0);
        m_status->setText(text);
    }
}

void ModelPanel::onDemoFinished(bool ok, const QString& message) {
    showBusy(false);
    if (ok) {
        m_status->setText(tr("Demo model ready; opening it…"));
    } else if (message == tr("cancelled")) {
        m_status->setText(tr("Demo model cancelled; preparing it again continues where it stopped."));
    } else {
        m_error->setText(tr("The demo model could not be made: %1").arg(message));
        m_error->show();
        announce(m_error, QAccessible::Alert);
    }
    m_status->setVisible(!m_status->text().isEmpty());
    updateDemoOffer();
}

void ModelPanel::cancel() {
    if (m_manager->isPreparingDemo()) {
        m_manager->cancelDemo();
        m_status->setText(tr("Cancelling: saving a checkpoint first…"));
        m_cancel->setEnabled(false);
        connect(
            m_manager, &ModelManager::demoFinished, m_cancel, [this] { m_cancel->setEnabled(true); },
            Qt::SingleShotConnection);
        return;
    }
    if (m_manager->isLoading()) {
        m_manager->cancelLoad();
        m_status->setText(m_manager->model() ? tr("Still using %1.").arg(displayName(m_manager->folder()))
                                             : tr("Loading cancelled."));
        showBusy(false);
        updateDemoOffer();
    }
}

} // namespace captioner::ui
