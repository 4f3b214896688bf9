#pragma once
// DatasetLoader does the slow parts of opening a dataset away from the UI thread: generating the
// built-in demo dataset on first use, reading the dataset and its review file, and then building
// the dataset report (header probe of every image) while the grid is already usable. Each step
// reports progress and can be cancelled; opening another dataset cancels the one under way, and
// results of a cancelled or superseded job are dropped. Nothing throws across the thread: failures
// arrive as failed(message).
#include "captioner/dataset.h"
#include "captioner/dataset_report.h"
#include "captioner/review_store.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

namespace captioner::ui {

class DatasetLoader : public QObject {
    Q_OBJECT
public:
    explicit DatasetLoader(QObject* parent = nullptr);
    ~DatasetLoader() override; // cancels and waits for the job under way

    // Opens `folder` (any layout CaptionDataset reads).
    void open(const QString& folder);
    // Generates the demo dataset into `folder` when it is not there yet, then opens it.
    void openDemo(const QString& folder);
    void cancel();
    bool isBusy() const { return m_busy; }
    // <AppLocalDataLocation>/demo-dataset
    static QString demoFolder();

signals:
    // phase: what is being done, for people; done/total may be 0/0 when unknown.
    void progress(const QString& phase, qint64 done, qint64 total);
    // The receiver may move from *dataset: it is its own copy.
    void opened(const QString& folder, std::shared_ptr<captioner::CaptionDataset> dataset,
                std::shared_ptr<captioner::ReviewStore> review);
    void reportReady(std::shared_ptr<captioner::DatasetReport> report);
    void failed(const QString& folder, const QString& message);
    void cancelled();
    void finished(); // after opened + reportReady, failed or cancelled

private:
    void start(const QString& folder, bool demo);

    struct Job;
    std::shared_ptr<Job> m_job;               // the current one
    std::vector<std::shared_ptr<Job>> m_jobs; // every job not known to be finished
    bool m_busy = false;
};

} // namespace captioner::ui
