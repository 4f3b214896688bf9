// Core (torch) headers first: Qt's `slots` keyword macro breaks ATen's headers that come after it.
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/mixed_precision.h"
#include "captioner/trainer.h"

#include "training_worker.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QTemporaryFile>

#include <mutex>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace captioner::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
} // namespace

TrainingUpdate toTrainingUpdate(const TrainingEvent& e) {
    TrainingUpdate u;
    u.type = static_cast<TrainingUpdate::Type>(static_cast<int>(e.type));
    u.step = e.step;
    u.maxSteps = e.maxSteps;
    u.epoch = e.epoch;
    u.loss = e.loss;
    u.learningRate = e.learningRate;
    u.gradNorm = e.gradNorm;
    u.samplesPerSecond = e.samplesPerSecond;
    u.etaSeconds = e.etaSeconds;
    if (e.type == TrainingEventType::Evaluated) {
        u.evalLoss = e.eval.loss;
        u.evalWerTeacherForced = e.eval.werTeacherForced.wer;
        if (e.eval.generated.count > 0) {
            u.evalWer = e.eval.generated.wer.wer;
            u.rougeL = e.eval.generated.rougeL;
            u.bleu4 = e.eval.generated.bleu4;
            u.cider = e.eval.generated.cider;
        }
        for (const EvalSample& s : e.eval.samples)
            u.samples.append({qs(s.imagePath), qs(s.prediction), qs(s.reference)});
    }
    u.path = qs(e.path);
    u.isBest = e.isBest;
    u.bestCheckpoint = qs(e.bestCheckpoint);
    u.bestMetric = e.bestMetric;
    u.status = qs(e.status);
    u.message = qs(e.message);
    u.lastCheckpoint = qs(e.lastCheckpoint);
    u.stepsPerEpoch = e.stepsPerEpoch;
    u.numEpochs = e.numEpochs;
    u.trainCount = e.trainCount;
    u.testCount = e.testCount;
    u.resumedFromStep = e.resumedFromStep;
    u.device = qs(e.device);
    u.precision = qs(e.precision);
    return u;
}

namespace {

TrainingSettings fromOptions(const TrainingOptions& o) {
    TrainingSettings s;
    s.device = qs(o.device);
    s.precision = qs(precisionName(o.precision));
    s.learningRate = o.learningRate;
    s.warmupRatio = o.warmupRatio;
    s.weightDecay = o.weightDecay;
    s.lrScheduler = qs(o.lrScheduler);
    s.numEpochs = static_cast<int>(o.numEpochs);
    s.batchSize = o.batchSize;
    s.gradientAccumulation = o.gradientAccumulation;
    s.maxSteps = static_cast<int>(o.maxSteps);
    s.loggingSteps = static_cast<int>(o.loggingSteps);
    s.evalSteps = static_cast<int>(o.evalSteps);
    s.saveSteps = static_cast<int>(o.saveSteps);
    s.saveTotalLimit = o.saveTotalLimit;
    s.evalGenerateLimit = o.evalGenerateLimit;
    s.sampleCount = o.sampleCount;
    s.seed = static_cast<int>(o.seed);
    return s;
}

TrainingOptions toOptions(const TrainingSettings& s) {
    TrainingOptions o;
    o.modelDir = QDir::toNativeSeparators(s.modelDir).toStdString();
    o.dataPath = QDir::toNativeSeparators(s.dataPath).toStdString();
    o.outputDir = QDir::toNativeSeparators(s.outputDir).toStdString();
    o.device = s.device.toStdString();
    o.precision = parsePrecision(s.precision.toStdString());
    o.learningRate = s.learningRate;
    o.warmupRatio = s.warmupRatio;
    o.weightDecay = s.weightDecay;
    o.lrScheduler = s.lrScheduler.toStdString();
    o.numEpochs = s.numEpochs;
    o.batchSize = s.batchSize;
    o.gradientAccumulation = s.gradientAccumulation;
    o.maxSteps = s.maxSteps;
    o.loggingSteps = s.loggingSteps;
    o.evalSteps = s.evalSteps;
    o.saveSteps = s.saveSteps;
    o.saveTotalLimit = s.saveTotalLimit;
    o.evalGenerateLimit = s.evalGenerateLimit;
    o.sampleCount = s.sampleCount;
    o.seed = static_cast<uint64_t>(qMax(0, s.seed));
    o.resume = s.resume;
    return o;
}

} // namespace

struct TrainingWorker::Private : TrainingObserver {
    TrainingWorker* q = nullptr;
    std::mutex mutex;
    Trainer* trainer = nullptr; // set while run() is inside Trainer::run
    bool pauseRequested = false, cancelRequested = false;

    void onEvent(const TrainingEvent& event) override { emit q->update(toTrainingUpdate(event)); }
};

TrainingWorker::TrainingWorker(QObject* parent) : QObject(parent), d(std::make_unique<Private>()) { d->q = this; }

TrainingWorker::~TrainingWorker() = default;

void TrainingWorker::pause() {
    std::lock_guard<std::mutex> lock(d->mutex);
    d->pauseRequested = true;
    if (d->trainer) d->trainer->pause();
}

void TrainingWorker::resume() {
    std::lock_guard<std::mutex> lock(d->mutex);
    d->pauseRequested = false;
    if (d->trainer) d->trainer->resume();
}

void TrainingWorker::cancel() {
    std::lock_guard<std::mutex> lock(d->mutex);
    d->cancelRequested = true;
    if (d->trainer) d->trainer->cancel();
}

void TrainingWorker::run(const TrainingSettings& settings) {
#ifdef Q_OS_LINUX
    // QThread's priorities do nothing under Linux's default scheduler; a nice value on this thread
    // (inherited by the data-loading threads it starts) lets the UI thread win when cores are busy.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
    TrainingSummary summary;
    try {
        Trainer trainer(toOptions(settings), d.get());
        {
            std::lock_guard<std::mutex> lock(d->mutex);
            if (d->cancelRequested) {
                emit done(QStringLiteral("cancelled"), tr("Cancelled before it started."));
                return;
            }
            if (d->pauseRequested) trainer.pause();
            d->trainer = &trainer;
        }
        summary = trainer.run(); // never throws
        std::lock_guard<std::mutex> lock(d->mutex);
        d->trainer = nullptr;
    } catch (const std::exception& e) { // bad settings caught while converting them
        TrainingUpdate failed;
        failed.type = TrainingUpdate::Failed;
        failed.message = QString::fromStdString(e.what());
        emit update(failed);
        emit done(QStringLiteral("failed"), failed.message);
        return;
    }
    emit done(qs(summary.status), qs(summary.message));
}

QStringList validateTrainingSettings(const TrainingSettings& s) {
    QStringList problems;
    if (s.modelDir.trimmed().isEmpty()) {
        problems << QObject::tr("Choose the model folder to start from.");
    } else {
        std::string why;
        if (!isGitCheckpoint(s.modelDir.toStdString(), &why))
            problems << QObject::tr("The model folder %1 is not a GIT checkpoint: %2")
                            .arg(QDir::toNativeSeparators(s.modelDir), qs(why));
    }
    const QFileInfo data(s.dataPath);
    if (s.dataPath.trimmed().isEmpty()) {
        problems << QObject::tr("Choose the dataset to train on.");
    } else if (!data.exists()) {
        problems << QObject::tr("The dataset %1 does not exist.").arg(QDir::toNativeSeparators(s.dataPath));
    } else if (data.isDir()) {
        static const QStringList images = {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"),
                                           QStringLiteral("*.bmp"), QStringLiteral("*.webp"), QStringLiteral("*.tif"),
                                           QStringLiteral("*.tiff")};
        QDirIterator it(s.dataPath, images, QDir::Files, QDirIterator::Subdirectories);
        if (!it.hasNext())
            problems
                << QObject::tr("The dataset %1 is empty: it has no images.").arg(QDir::toNativeSeparators(s.dataPath));
    } else if (data.size() == 0) {
        problems << QObject::tr("The caption file %1 is empty.").arg(QDir::toNativeSeparators(s.dataPath));
    }
    if (s.outputDir.trimmed().isEmpty()) {
        problems << QObject::tr("Choose an output folder for the checkpoints.");
    } else {
        // Checked without creating anything: the nearest existing folder on the path must take a file.
        QFileInfo existing(QDir::cleanPath(QDir(s.outputDir).absolutePath()));
        while (!existing.exists() && existing.absoluteFilePath() != existing.absolutePath())
            existing = QFileInfo(existing.absolutePath());
        QTemporaryFile probe(existing.absoluteFilePath() + QStringLiteral("/.write-test-XXXXXX"));
        if (!existing.isDir() || !probe.open())
            problems
                << QObject::tr("The output folder %1 cannot be written to.").arg(QDir::toNativeSeparators(s.outputDir));
    }
    try {
        const Precision precision = parsePrecision(s.precision.toStdString());
        checkPrecisionSupported(precision, resolveDevice(s.device.toStdString()));
    } catch (const std::exception& e) {
        problems << QObject::tr("Device and precision: %1").arg(QString::fromStdString(e.what()));
    }
    if (s.batchSize < 1 || s.gradientAccumulation < 1)
        problems << QObject::tr("Batch size and accumulation must be at least 1.");
    return problems;
}

TrainingSettings guideTrainingSettings() { return fromOptions(TrainingOptions{}); }

TrainingSettings demoTrainingSettings() { return fromOptions(demoTrainingOptions(DemoRecipe{})); }

} // namespace captioner::ui
