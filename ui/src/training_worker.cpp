// Core (torch) headers first: Qt's `slots` keyword macro breaks ATen's headers that come after it.
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/image_io.h"
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
QString path(const std::string& s) { return QDir::toNativeSeparators(qs(s)); }
} // namespace

struct TrainingWorker::Private : TrainingObserver {
    TrainingWorker* q = nullptr;
    std::mutex mutex;
    Trainer* trainer = nullptr; // set while run() is inside Trainer::run
    bool pauseRequested = false, cancelRequested = false;

    void onEvent(const TrainingEvent& event) override { emit q->update(event); }
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

void TrainingWorker::run(const TrainingOptions& options) {
#ifdef Q_OS_LINUX
    // QThread's priorities do nothing under Linux's default scheduler; a nice value on this thread
    // (inherited by the data-loading threads it starts) lets the UI thread win when cores are busy.
    setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif
    TrainingSummary summary;
    try {
        Trainer trainer(options, d.get());
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
    } catch (const std::exception& e) { // the trainer's constructor refused the options
        TrainingEvent failed;
        failed.type = TrainingEventType::Failed;
        failed.message = e.what();
        emit update(failed);
        emit done(QStringLiteral("failed"), qs(failed.message));
        return;
    }
    emit done(qs(summary.status), qs(summary.message));
}

QStringList validateTrainingOptions(const TrainingOptions& o) {
    QStringList problems;
    if (QString::fromStdString(o.modelDir).trimmed().isEmpty()) {
        problems << QObject::tr("Choose the model folder to start from.");
    } else {
        std::string why;
        if (!isGitCheckpoint(o.modelDir, &why))
            problems << QObject::tr("The model folder %1 is not a GIT checkpoint: %2").arg(path(o.modelDir), qs(why));
    }
    const QString dataPath = qs(o.dataPath);
    const QFileInfo data(dataPath);
    if (dataPath.trimmed().isEmpty()) {
        problems << QObject::tr("Choose the dataset to train on.");
    } else if (!data.exists()) {
        problems << QObject::tr("The dataset %1 does not exist.").arg(path(o.dataPath));
    } else if (data.isDir()) {
        // The core's list of image extensions: what the dataset reader will find.
        QStringList images;
        for (const std::string& extension : imageExtensions()) images << QStringLiteral("*") + qs(extension);
        QDirIterator it(dataPath, images, QDir::Files, QDirIterator::Subdirectories);
        if (!it.hasNext()) problems << QObject::tr("The dataset %1 is empty: it has no images.").arg(path(o.dataPath));
    } else if (data.size() == 0) {
        problems << QObject::tr("The caption file %1 is empty.").arg(path(o.dataPath));
    }
    const QString outputDir = qs(o.outputDir);
    if (outputDir.trimmed().isEmpty()) {
        problems << QObject::tr("Choose an output folder for the checkpoints.");
    } else {
        // Checked without creating anything: the nearest existing folder on the path must take a file.
        QFileInfo existing(QDir::cleanPath(QDir(outputDir).absolutePath()));
        while (!existing.exists() && existing.absoluteFilePath() != existing.absolutePath())
            existing = QFileInfo(existing.absolutePath());
        QTemporaryFile probe(existing.absoluteFilePath() + QStringLiteral("/.write-test-XXXXXX"));
        if (!existing.isDir() || !probe.open())
            problems << QObject::tr("The output folder %1 cannot be written to.").arg(path(o.outputDir));
    }
    try {
        checkPrecisionSupported(o.precision, resolveDevice(o.device));
    } catch (const std::exception& e) {
        problems << QObject::tr("Device and precision: %1").arg(QString::fromStdString(e.what()));
    }
    if (o.batchSize < 1 || o.gradientAccumulation < 1)
        problems << QObject::tr("Batch size and accumulation must be at least 1.");
    return problems;
}

TrainingOptions demoTrainingRecipe() { return demoTrainingOptions(DemoRecipe{}); }

} // namespace captioner::ui
