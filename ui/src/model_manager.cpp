// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/error.h"
#include "captioner/git_config.h"
#include "captioner/inference_precision.h"
#include "captioner/tokenizer.h"
#include "captioner/trainer.h"
#include "captioner/training_events.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/model_manager.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QStandardPaths>
#include <QThread>

#include <atomic>
#include <mutex>

namespace captioner::ui {

namespace {

QString native(const QString& path) { return QDir::toNativeSeparators(path); }

bool isFile(const QString& dir, const char* name) {
    return QFileInfo(QDir(dir).filePath(QLatin1String(name))).isFile();
}

qint64 folderFileBytes(const QString& folder) {
    qint64 total = 0;
    for (const QFileInfo& info : QDir(folder).entryInfoList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot))
        total += info.size();
    return total;
}

QString tokenizerKindName(const std::string& kind) {
    if (kind == "wordpiece") return QStringLiteral("WordPiece");
    if (kind == "sentencepiece") return QStringLiteral("SentencePiece");
    return QString::fromStdString(kind);
}

// The stored device setting, made runnable: "cuda" where this LibTorch has none falls back to the CPU
// (the Settings dialog offers CUDA only where it works; a setting from another machine may remain).
std::string deviceForLoading() {
    const QString wanted = AppSettings::device();
    if (wanted == QLatin1String("cuda") && !ModelManager::cudaAvailable()) return "cpu";
    return wanted.toStdString();
}

// The stored captioning precision, made runnable: bf16 without native bf16 and int8 on CUDA load in fp32
// (the Settings dialog offers only what runs here; a setting from another machine may remain).
InferencePrecision precisionForLoading(const torch::Device& device) {
    const InferencePrecision wanted = parseInferencePrecision(AppSettings::captionPrecision().toStdString());
    if (wanted == InferencePrecision::Bf16 && !device.is_cuda() && !bf16Availability().available)
        return InferencePrecision::Fp32;
    if (wanted == InferencePrecision::Int8 && (device.is_cuda() || !int8Availability().available))
        return InferencePrecision::Fp32;
    return wanted;
}

} // namespace

struct ModelManager::LoadResult {
    bool ok = false;
    QString message;
    std::shared_ptr<GitCheckpoint> model;
    ModelFacts facts;
};

struct ModelManager::DemoJob {
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    Trainer* trainer = nullptr; // while training runs; guarded by mutex
};

ModelManager::ModelManager(QObject* parent)
    : QObject(parent),
      m_demoFolder(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo")),
      m_demoRecipe(std::make_unique<DemoRecipe>()) {
    qRegisterMetaType<std::shared_ptr<captioner::GitCheckpoint>>();
    qRegisterMetaType<ModelFacts>();
}

ModelManager::~ModelManager() {
    cancelDemo();
    if (m_demoThread) {
        m_demoThread->wait();
        delete m_demoThread;
    }
    for (QThread* thread : std::as_const(m_loadThreads)) {
        thread->wait();
        delete thread;
    }
}

QString ModelManager::stageName(Stage stage) {
    switch (stage) {
    case Stage::CheckingFiles: return tr("Checking files");
    case Stage::ReadingConfig: return tr("Reading config");
    case Stage::LoadingWeights: return tr("Loading weights");
    case Stage::Tokenizer: return tr("Loading tokenizer");
    }
    return {};
}

QString ModelManager::checkFolder(const QString& folder) {
    const QString shown = native(folder);
    if (!QFileInfo(folder).isDir()) return tr("%1 is not a folder.").arg(shown);
    if (!isFile(folder, "config.json")) return tr("%1 is not a GIT model folder: config.json is missing.").arg(shown);
    std::string whyNot;
    if (!isGitCheckpoint(folder.toStdString(), &whyNot))
        return tr("%1 is not a GIT checkpoint: %2").arg(shown, QString::fromStdString(whyNot));
    if (!isFile(folder, "model.safetensors") && !isFile(folder, "model.safetensors.index.json")) {
        if (isFile(folder, "pytorch_model.bin"))
            return tr("%1 has only pytorch_model.bin: model.safetensors is missing (pickle files are not read; save the "
                      "model with safe_serialization=True).")
                .arg(shown);
        return tr("%1 is not a complete GIT checkpoint: model.safetensors is missing.").arg(shown);
    }
    if (!isFile(folder, "tokenizer.json") && !isFile(folder, "vocab.txt") && !isFile(folder, "tokenizer.model"))
        return tr("%1 has no tokenizer: tokenizer.json, vocab.txt or tokenizer.model is missing.").arg(shown);
    return {};
}

bool ModelManager::cudaAvailable(QString* whyNot) {
    try {
        resolveDevice("cuda");
        return true;
    } catch (const Error& e) {
        if (whyNot) *whyNot = QString::fromStdString(e.reason());
        return false;
    }
}

QList<ModelManager::RecentModel> ModelManager::recentModels() {
    QList<RecentModel> list;
    const QString prefix = QStringLiteral("model:");
    for (const QString& entry : AppSettings::recent()) {
        if (!entry.startsWith(prefix)) continue;
        RecentModel r;
        r.folder = entry.mid(prefix.size());
        r.available = QFileInfo(r.folder).isDir() && isFile(r.folder, "config.json");
        list << r;
    }
    return list;
}

void ModelManager::open(const QString& folder) {
    const QString path = QFileInfo(folder).absoluteFilePath();
    const quint64 generation = ++m_generation;
    m_loadingGeneration = generation;
    m_loadingFolder = path;
    emit loadStarted(path);
    emit loadProgress(path, static_cast<int>(Stage::CheckingFiles), stageName(Stage::CheckingFiles));

    auto result = std::make_shared<LoadResult>();
    const std::string device = deviceForLoading();
    QThread* thread = QThread::create([this, path, generation, result, device] {
        auto stage = [&](Stage s) {
            QMetaObject::invokeMethod(
                this,
                [this, path, generation, s] {
                    if (generation == m_loadingGeneration) emit loadProgress(path, static_cast<int>(s), stageName(s));
                },
                Qt::QueuedConnection);
        };
        QElapsedTimer timer;
        timer.start();
        try {
            result->message = checkFolder(path);
            if (result->message.isEmpty()) {
                const std::string dir = path.toStdString();
                stage(Stage::ReadingConfig);
                loadGitConfig(QDir(path).filePath(QStringLiteral("config.json")).toStdString());
                loadImageProcessor(dir);
                stage(Stage::LoadingWeights);
                CheckpointLoadOptions options;
                options.device = device;
                options.loadTokenizer = false;
                auto ck = std::make_shared<GitCheckpoint>(loadCheckpoint(dir, options));
                stage(Stage::Tokenizer);
                ck->tokenizer = loadTokenizer(dir);
                if (ck->tokenizer->vocabSize() > ck->config.vocabSize)
                    throw Error(dir, "the tokenizer has " + std::to_string(ck->tokenizer->vocabSize()) +
                                         " tokens but the model's vocab_size is " +
                                         std::to_string(ck->config.vocabSize));
                ModelFacts& f = result->facts;
                f.folder = path;
                f.parameters = ck->parameterCount();
                f.vocabularySize = ck->config.vocabSize;
                f.tokenizerSize = ck->tokenizer->vocabSize();
                f.tokenizerKind = tokenizerKindName(ck->tokenizer->kind());
                f.imageSize = static_cast<int>(ck->config.vision.imageSize);
                f.dtype = QString::fromStdString(ck->storedDtype);
                f.device = QString::fromStdString(resolveDevice(device).str());
                const InferencePrecision precision = precisionForLoading(resolveDevice(device));
                applyInferencePrecision(*ck, precision);
                f.precision = QString::fromStdString(inferencePrecisionName(precision));
                f.folderBytes = folderFileBytes(path);
                f.loadSeconds = timer.nsecsElapsed() / 1e9;
                result->model = std::move(ck);
                result->ok = true;
            }
        } catch (const std::exception& e) {
            result->message = tr("Could not load the model in %1: %2").arg(native(path), QString::fromUtf8(e.what()));
        }
        QMetaObject::invokeMethod(
            this, [this, generation, result] { finishLoad(generation, result); }, Qt::QueuedConnection);
    });
    thread->setObjectName(QStringLiteral("model-load"));
    m_loadThreads << thread;
    connect(thread, &QThread::finished, this, [this, thread] {
        m_loadThreads.removeAll(thread);
        thread->deleteLater();
    });
    thread->start();
}

void ModelManager::cancelLoad() {
    m_loadingGeneration = 0;
    m_loadingFolder.clear();
}

void ModelManager::finishLoad(quint64 generation, const std::shared_ptr<LoadResult>& result) {
    if (generation != m_loadingGeneration) return; // superseded or cancelled
    const QString folder = m_loadingFolder;
    m_loadingGeneration = 0;
    m_loadingFolder.clear();
    if (!result->ok) {
        m_lastError = result->message;
        emit loadFailed(folder, result->message);
        return;
    }
    m_lastError.clear();
    m_model = result->model;
    m_folder = folder;
    m_facts = result->facts;
    AppSettings::addRecent(QStringLiteral("model"), folder);
    emit recentChanged();
    emit modelReady(m_model, folder);
}

void ModelManager::setDemoRecipe(const DemoRecipe& recipe) { *m_demoRecipe = recipe; }

QString ModelManager::demoModelFolder() const {
    return QString::fromStdString(demoPaths(m_demoFolder.toStdString()).model);
}

bool ModelManager::demoModelExists() const { return checkFolder(demoModelFolder()).isEmpty(); }

namespace {

// Forwards the trainer's events to the manager's progress signal (queued: the trainer's thread).
class DemoObserver : public TrainingObserver {
public:
    explicit DemoObserver(std::function<void(const QString&, qint64, qint64, double)> progress)
        : m_progress(std::move(progress)) {}
    void onEvent(const TrainingEvent& e) override {
        switch (e.type) {
        case TrainingEventType::Started:
            m_max = e.maxSteps;
            m_progress(QObject::tr("Training the demo model"), e.resumedFromStep, m_max, -1);
            break;
        case TrainingEventType::Step:
            m_progress(QObject::tr("Training the demo model"), e.step, m_max, e.etaSeconds);
            break;
        case TrainingEventType::Evaluated:
            m_progress(QObject::tr("Checking the demo model on held-out images"), e.step, m_max, -1);
            break;
        case TrainingEventType::CheckpointSaved:
            m_progress(QObject::tr("Saving the demo model"), e.step, m_max, -1);
            break;
        default: break;
        }
    }

private:
    std::function<void(const QString&, qint64, qint64, double)> m_progress;
    qint64 m_max = 0;
};

} // namespace

void ModelManager::prepareDemoModel() {
    if (m_demoThread) return;
    if (demoModelExists()) {
        open(demoModelFolder());
        return;
    }
    auto job = std::make_shared<DemoJob>();
    m_demoJob = job;
    DemoRecipe recipe = *m_demoRecipe;
    recipe.dir = m_demoFolder.toStdString();
    auto progress = [this](const QString& text, qint64 step, qint64 maxSteps, double eta) {
        QMetaObject::invokeMethod(
            this, [this, text, step, maxSteps, eta] { emit demoProgress(text, step, maxSteps, eta); },
            Qt::QueuedConnection);
    };
    m_demoThread = QThread::create([this, job, recipe, progress] {
        bool ok = false;
        QString message;
        try {
            progress(tr("Preparing the demo data and the untrained model"), 0, 0, -1);
            const DemoPaths paths = prepareDemo(recipe, {}, [job] { return job->cancel.load(); });
            if (job->cancel) throw Error("demo", "cancelled");
            TrainingOptions options = demoTrainingOptions(recipe);
            options.resume = !listCheckpoints(paths.model).empty();
            DemoObserver observer(progress);
            Trainer trainer(options, &observer);
            {
                std::lock_guard<std::mutex> lock(job->mutex);
                job->trainer = &trainer;
                if (job->cancel) trainer.cancel();
            }
            const TrainingSummary summary = trainer.run();
            {
                std::lock_guard<std::mutex> lock(job->mutex);
                job->trainer = nullptr;
            }
            ok = summary.status == "completed";
            message = ok                              ? QString()
                      : summary.status == "cancelled" ? tr("cancelled")
                                                      : QString::fromStdString(summary.message);
        } catch (const std::exception& e) {
            message = job->cancel ? tr("cancelled") : QString::fromUtf8(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, ok, message] { finishDemo(ok, message); }, Qt::QueuedConnection);
    });
    m_demoThread->setObjectName(QStringLiteral("demo-model"));
    m_demoThread->start();
    emit demoStarted();
}

void ModelManager::cancelDemo() {
    if (!m_demoJob) return;
    m_demoJob->cancel = true;
    std::lock_guard<std::mutex> lock(m_demoJob->mutex);
    if (m_demoJob->trainer) m_demoJob->trainer->cancel();
}

void ModelManager::finishDemo(bool ok, const QString& message) {
    if (m_demoThread) {
        m_demoThread->wait(); // it has posted this call as its last act
        delete m_demoThread;
        m_demoThread = nullptr;
    }
    m_demoJob.reset();
    emit demoFinished(ok, message);
    if (ok) open(demoModelFolder());
}

} // namespace captioner::ui
