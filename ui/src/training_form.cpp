#include "training_form.h"

#include "training_worker.h"
#include "captioner_ui/translations.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QAbstractItemView>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace captioner::ui {

namespace {
void describe(QWidget* w, const QString& name, const QString& objectName, const QString& description) {
    w->setObjectName(objectName);
    w->setAccessibleName(name);
    w->setAccessibleDescription(description);
    w->setToolTip(description);
    if (auto* combo = qobject_cast<QComboBox*>(w)) { // its popup list takes focus too
        combo->view()->setAccessibleName(name);
        combo->view()->setAccessibleDescription(description);
    }
    for (QLineEdit* edit : w->findChildren<QLineEdit*>()) { // a spin box's editor takes focus too
        edit->setAccessibleName(name);
        edit->setAccessibleDescription(description);
    }
}
QString plain(const QString& label) { return withoutMnemonic(label).remove(QLatin1Char(':')); }
} // namespace

TrainingForm::TrainingForm(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto* folders = new QGroupBox(tr("Folders"), this);
    auto* folderForm = new QFormLayout(folders);
    m_model = addFolder(folderForm, tr("&Model:"), QStringLiteral("trainModel"),
                        tr("GIT checkpoint folder to start from"), false);
    m_data = addFolder(folderForm, tr("D&ataset:"), QStringLiteral("trainDataset"),
                       tr("Dataset folder or caption file to train on"), false);
    m_output = addFolder(folderForm, tr("O&utput:"), QStringLiteral("trainOutput"),
                         tr("Folder for the checkpoints and the final model"), false);
    m_resume = new QCheckBox(tr("&Resume from the newest checkpoint in the output folder"), folders);
    describe(m_resume, plain(m_resume->text()), QStringLiteral("trainResume"),
             tr("Continue a previous run where its newest checkpoint left off; its charts are rebuilt"));
    auto* showRun = new QPushButton(tr("S&how Run"), folders);
    describe(showRun, tr("Show run"), QStringLiteral("trainShowRun"),
             tr("Show the charts and checkpoints of the run already in the output folder"));
    connect(showRun, &QPushButton::clicked, this, &TrainingForm::showRunRequested);
    auto* resumeRow = new QHBoxLayout;
    resumeRow->addWidget(m_resume, 1);
    resumeRow->addWidget(showRun);
    folderForm->addRow(resumeRow);
    layout->addWidget(folders);

    auto* recipe = new QGroupBox(tr("Recipe"), this);
    auto* form = new QFormLayout(recipe);
    m_device = new QComboBox(recipe);
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(tr("CUDA GPU"), QStringLiteral("cuda"));
    describe(m_device, tr("Device"), QStringLiteral("trainDevice"), tr("Where the model trains"));
    form->addRow(tr("&Device:"), m_device);
    m_precision = new QComboBox(recipe);
    m_precision->addItem(tr("fp32 (full precision)"), QStringLiteral("fp32"));
    m_precision->addItem(tr("bf16 (autocast)"), QStringLiteral("bf16"));
    m_precision->addItem(tr("fp16 (autocast + loss scaling, CUDA)"), QStringLiteral("fp16"));
    describe(m_precision, tr("Precision"), QStringLiteral("trainPrecision"),
             tr("Mixed precision as Hugging Face's --bf16 / --fp16"));
    form->addRow(tr("&Precision:"), m_precision);
    m_learningRate = addDouble(form, tr("&Learning rate:"), QStringLiteral("trainLearningRate"),
                               tr("AdamW peak learning rate"), 1e-8, 1, 8);
    m_scheduler = new QComboBox(recipe);
    for (const char* kind : {"linear", "cosine", "constant", "constant_with_warmup"})
        m_scheduler->addItem(QLatin1String(kind), QLatin1String(kind));
    describe(m_scheduler, tr("Schedule"), QStringLiteral("trainScheduler"),
             tr("How the learning rate changes over the run"));
    form->addRow(tr("Sche&dule:"), m_scheduler);
    m_warmup = addDouble(form, tr("&Warm-up ratio:"), QStringLiteral("trainWarmup"),
                         tr("Warm-up as a fraction of all steps"), 0, 1, 3);
    m_weightDecay =
        addDouble(form, tr("Weight deca&y:"), QStringLiteral("trainWeightDecay"), tr("AdamW weight decay"), 0, 1, 4);
    m_epochs =
        addInt(form, tr("&Epochs:"), QStringLiteral("trainEpochs"), tr("Passes over the training images"), 1, 100000);
    m_batch = addInt(form, tr("&Batch size:"), QStringLiteral("trainBatchSize"), tr("Images per batch"), 1, 4096);
    m_accumulation = addInt(form, tr("Gradient a&ccumulation:"), QStringLiteral("trainAccumulation"),
                            tr("Batches per optimizer step"), 1, 1024);
    m_dataParallel = addInt(form, tr("Data-parallel threads (CPU &only):"), QStringLiteral("trainDataParallelThreads"),
                            tr("On the CPU, split each batch over this many threads (1: one thread); runs repeat "
                               "exactly; for models without dropout"),
                            1, 64);
    m_maxSteps =
        addInt(form, tr("Ma&x steps:"), QStringLiteral("trainMaxSteps"),
               tr("Stop after this many optimizer steps; 'from epochs' lets the epochs decide"), -1, 100000000);
    m_maxSteps->setSpecialValueText(tr("from epochs"));
    m_loggingSteps = addInt(form, tr("Lo&g every:"), QStringLiteral("trainLoggingSteps"),
                            tr("Steps between training-loss entries in trainer_state.json"), 1, 1000000);
    m_evalSteps = addInt(form, tr("E&valuate every:"), QStringLiteral("trainEvalSteps"),
                         tr("Steps between evaluations; 0 never evaluates"), 0, 1000000);
    m_saveSteps = addInt(form, tr("&Save every:"), QStringLiteral("trainSaveSteps"),
                         tr("Steps between checkpoints; 0 saves only at the end"), 0, 1000000);
    m_saveLimit = addInt(form, tr("&Keep checkpoints:"), QStringLiteral("trainSaveLimit"),
                         tr("Checkpoints kept (the best is always kept); 0 keeps all"), 0, 1000);
    m_evalGenerate =
        addInt(form, tr("Captions per e&val:"), QStringLiteral("trainEvalGenerate"),
               tr("Held-out images captioned at each evaluation for WER; 'all' captions every one"), -1, 1000000);
    m_evalGenerate->setSpecialValueText(tr("all"));
    m_seed = addInt(form, tr("See&d:"), QStringLiteral("trainSeed"), tr("Seed of the split, data order and dropout"), 0,
                    2147483647);
    auto* presets = new QHBoxLayout;
    auto* guide = new QPushButton(tr("&Guide Defaults"), recipe);
    describe(guide, tr("Guide defaults"), QStringLiteral("trainGuideDefaults"),
             tr("Fill in the recipe of Hugging Face's image captioning guide"));
    connect(guide, &QPushButton::clicked, this, [this] { setRecipe(TrainingOptions{}); });
    auto* demo = new QPushButton(tr("Demo Reci&pe"), recipe);
    describe(demo, tr("Demo recipe"), QStringLiteral("trainDemoRecipe"),
             tr("Fill in the recipe of the tiny demo model (fast on a CPU)"));
    connect(demo, &QPushButton::clicked, this, [this] { setRecipe(demoTrainingRecipe()); });
    presets->addWidget(guide);
    presets->addWidget(demo);
    form->addRow(presets);
    layout->addWidget(recipe);
    layout->addStretch();
    setOptions(TrainingOptions{});
}

QLineEdit* TrainingForm::addFolder(QFormLayout* form, const QString& label, const QString& name,
                                   const QString& description, bool) {
    auto* edit = new QLineEdit(this);
    describe(edit, plain(label), name, description);
    edit->setClearButtonEnabled(true);
    connect(edit, &QLineEdit::textChanged, this, &TrainingForm::foldersChanged);
    auto* browse = new QToolButton(this);
    browse->setText(tr("…"));
    describe(browse, tr("Browse for %1").arg(plain(label).toLower()), name + QStringLiteral("Browse"),
             tr("Choose the folder in a dialog"));
    connect(browse, &QToolButton::clicked, this, [this, edit, label] {
        const QString folder = QFileDialog::getExistingDirectory(this, plain(label), edit->text());
        if (!folder.isEmpty()) edit->setText(QDir::toNativeSeparators(folder));
    });
    auto* row = new QHBoxLayout;
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    if (auto* l = qobject_cast<QLabel*>(form->labelForField(row))) l->setBuddy(edit);
    return edit;
}

QSpinBox* TrainingForm::addInt(QFormLayout* form, const QString& label, const QString& name, const QString& description,
                               int min, int max) {
    auto* box = new QSpinBox(this);
    box->setRange(min, max);
    describe(box, plain(label), name, description);
    form->addRow(label, box);
    return box;
}

QDoubleSpinBox* TrainingForm::addDouble(QFormLayout* form, const QString& label, const QString& name,
                                        const QString& description, double min, double max, int decimals) {
    auto* box = new QDoubleSpinBox(this);
    box->setDecimals(decimals);
    box->setRange(min, max);
    box->setSingleStep(std::pow(10.0, -decimals + 1));
    describe(box, plain(label), name, description);
    form->addRow(label, box);
    return box;
}

TrainingOptions TrainingForm::options() const {
    auto native = [](const QString& path) { return QDir::toNativeSeparators(path).toStdString(); };
    TrainingOptions o;
    o.modelDir = native(modelFolder());
    o.dataPath = native(datasetPath());
    o.outputDir = native(outputFolder());
    o.device = m_device->currentData().toString().toStdString();
    o.precision = parsePrecision(m_precision->currentData().toString().toStdString()); // the box holds valid names
    o.lrScheduler = m_scheduler->currentData().toString().toStdString();
    o.learningRate = m_learningRate->value();
    o.warmupRatio = m_warmup->value();
    o.weightDecay = m_weightDecay->value();
    o.numEpochs = m_epochs->value();
    o.batchSize = m_batch->value();
    o.gradientAccumulation = m_accumulation->value();
    o.dataParallelThreads = m_dataParallel->value();
    o.maxSteps = m_maxSteps->value() == 0 ? -1 : m_maxSteps->value();
    o.loggingSteps = m_loggingSteps->value();
    o.evalSteps = m_evalSteps->value();
    o.saveSteps = m_saveSteps->value();
    o.saveTotalLimit = m_saveLimit->value();
    o.evalGenerateLimit = m_evalGenerate->value();
    o.seed = static_cast<uint64_t>(m_seed->value());
    o.resume = m_resume->isChecked();
    return o;
}

void TrainingForm::setOptions(const TrainingOptions& o) {
    setModelFolder(QString::fromStdString(o.modelDir));
    setDatasetPath(QString::fromStdString(o.dataPath));
    setOutputFolder(QString::fromStdString(o.outputDir));
    m_resume->setChecked(o.resume);
    setRecipe(o);
}

void TrainingForm::setRecipe(const TrainingOptions& o) {
    auto select = [](QComboBox* box, const std::string& value) {
        box->setCurrentIndex(qMax(0, box->findData(QString::fromStdString(value))));
    };
    select(m_device, o.device);
    select(m_precision, precisionName(o.precision));
    select(m_scheduler, o.lrScheduler);
    m_learningRate->setValue(o.learningRate);
    m_warmup->setValue(o.warmupRatio);
    m_weightDecay->setValue(o.weightDecay);
    m_epochs->setValue(int(o.numEpochs));
    m_batch->setValue(o.batchSize);
    m_accumulation->setValue(o.gradientAccumulation);
    m_dataParallel->setValue(o.dataParallelThreads);
    m_maxSteps->setValue(o.maxSteps <= 0 ? -1 : int(o.maxSteps));
    m_loggingSteps->setValue(int(o.loggingSteps));
    m_evalSteps->setValue(int(o.evalSteps));
    m_saveSteps->setValue(int(o.saveSteps));
    m_saveLimit->setValue(o.saveTotalLimit);
    m_evalGenerate->setValue(o.evalGenerateLimit);
    m_seed->setValue(int(o.seed));
}

QString TrainingForm::modelFolder() const { return QDir::fromNativeSeparators(m_model->text().trimmed()); }
QString TrainingForm::datasetPath() const { return QDir::fromNativeSeparators(m_data->text().trimmed()); }
QString TrainingForm::outputFolder() const { return QDir::fromNativeSeparators(m_output->text().trimmed()); }
void TrainingForm::setModelFolder(const QString& folder) { m_model->setText(QDir::toNativeSeparators(folder)); }
void TrainingForm::setDatasetPath(const QString& path) { m_data->setText(QDir::toNativeSeparators(path)); }
void TrainingForm::setOutputFolder(const QString& folder) { m_output->setText(QDir::toNativeSeparators(folder)); }

} // namespace captioner::ui
