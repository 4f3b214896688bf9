#include "captioner_ui/dataset_loader.h"

#include "captioner/demo_dataset.h"
#include "captioner/error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFuture>
#include <QMetaObject>
#include <QPointer>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace captioner::ui {

// One open: its cancellation flag and the future to wait for. Shared with the worker so a
// superseded job can finish on its own while a new one starts.
struct DatasetLoader::Job {
    std::atomic<bool> cancel{false};
    QFuture<void> future;
    QElapsedTimer sinceProgress;
};

DatasetLoader::DatasetLoader(QObject* parent) : QObject(parent) {
    qRegisterMetaType<std::shared_ptr<captioner::CaptionDataset>>();
    qRegisterMetaType<std::shared_ptr<captioner::ReviewStore>>();
    qRegisterMetaType<std::shared_ptr<captioner::DatasetReport>>();
}

DatasetLoader::~DatasetLoader() {
    // Superseded jobs may still be running too: none may outlive the object it reports to.
    for (const auto& job : m_jobs) job->cancel = true;
    for (const auto& job : m_jobs) job->future.waitForFinished();
}

QString DatasetLoader::demoFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/demo-dataset");
}

void DatasetLoader::open(const QString& folder) { start(folder, false); }
void DatasetLoader::openDemo(const QString& folder) { start(folder, true); }

void DatasetLoader::cancel() {
    if (m_job) m_job->cancel = true;
}

void DatasetLoader::start(const QString& folder, bool demo) {
    if (m_job) m_job->cancel = true; // its late results are dropped: they belong to another job
    auto job = std::make_shared<Job>();
    m_job = job;
    m_jobs.erase(std::remove_if(m_jobs.begin(), m_jobs.end(), [](const auto& j) { return j->future.isFinished(); }),
                 m_jobs.end());
    m_jobs.push_back(job);
    m_busy = true;
    job->sinceProgress.start();
    QPointer<DatasetLoader> self(this);

    // Runs `f` on the UI thread if this job is still the current one.
    auto post = [self, job](auto f) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, job, f] {
                if (self && self->m_job == job) f(self.data());
            },
            Qt::QueuedConnection);
    };
    // Throttled: a progress event per ~50 ms is plenty for a progress bar.
    auto report = [post, job](const QString& phase, qint64 done, qint64 total) {
        if (done != total && job->sinceProgress.elapsed() < 50) return;
        job->sinceProgress.restart();
        post([phase, done, total](DatasetLoader* l) { emit l->progress(phase, done, total); });
    };
    const auto finish = [](DatasetLoader* l) {
        l->m_busy = false;
        emit l->finished();
    };

    job->future = QtConcurrent::run([folder, demo, job, post, report, finish] {
        const std::string path = folder.toStdString();
        const auto shouldCancel = [job] { return job->cancel.load(); };
        try {
            if (demo && !QFileInfo::exists(folder + QStringLiteral("/metadata.jsonl"))) {
                QDir().mkpath(QFileInfo(folder).absolutePath());
                captioner::DemoDatasetOptions options;
                options.progress = [report](int done, int total) {
                    report(tr("Creating the demo dataset"), done, total);
                };
                options.shouldCancel = shouldCancel;
                captioner::writeDemoDataset(path, options);
            }
            report(tr("Reading the dataset"), 0, 0);
            auto dataset = std::make_shared<captioner::CaptionDataset>(captioner::CaptionDataset::open(path));
            if (job->cancel) throw captioner::Error(path, "cancelled");
            auto review = std::make_shared<captioner::ReviewStore>(
                captioner::ReviewStore::load(captioner::ReviewStore::defaultPath(*dataset)));
            // The UI takes its own copy: the report below keeps reading `dataset` on this thread.
            auto forUi = std::make_shared<captioner::CaptionDataset>(*dataset);
            post([folder, forUi, review](DatasetLoader* l) { emit l->opened(folder, forUi, review); });

            captioner::ReportOptions options;
            options.decodeImages = false; // header probe: fast; a broken body shows when its preview fails
            options.progress = [report](std::size_t done, std::size_t total) {
                report(tr("Checking images"), qint64(done), qint64(total));
            };
            options.shouldCancel = shouldCancel;
            auto result = std::make_shared<captioner::DatasetReport>(captioner::buildReport(*dataset, options));
            post([result, finish](DatasetLoader* l) {
                emit l->reportReady(result);
                finish(l);
            });
        } catch (const std::exception& e) {
            if (job->cancel) {
                post([finish](DatasetLoader* l) {
                    emit l->cancelled();
                    finish(l);
                });
                return;
            }
            const QString message = QString::fromLocal8Bit(e.what());
            post([folder, message, finish](DatasetLoader* l) {
                emit l->failed(folder, message);
                finish(l);
            });
        }
    });
}

} // namespace captioner::ui
