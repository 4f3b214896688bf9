#pragma once
// TrainPage sets up fine-tuning and follows it live: the recipe as a form, Start / Pause / Resume /
// Cancel, charts of loss, eval metrics and learning rate, progress with samples/s and ETA, a log,
// sample captions next to their images at each eval, and the run's checkpoints with their metrics.
// Training runs in a worker object on its own QThread; its events arrive as queued signals, so the
// window stays responsive. A failed run keeps its charts and shows why it stopped.
// Watch Run Folder… (Ctrl+Shift+W) follows a run this window does not own through its output
// folder's events.jsonl — started by the CLI, a cluster job or another window — on the same charts,
// progress, samples and checkpoints, read-only (no pause or cancel; the form is locked while watching).
#include <QStringList>
#include <QWidget>

#include <memory>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;
class QTreeWidget;

namespace captioner {
struct TrainingEvent;
struct TrainingHistory;
struct TrainingOptions;
} // namespace captioner

namespace captioner::ui {

class TrainingCharts;
class TrainingForm;
class TrainingWatcher;
class TrainingWorker;

class TrainPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainPage(QWidget* parent = nullptr);
    ~TrainPage() override; // cancels a running training (it saves a checkpoint) and waits for it

    void setDatasetFolder(const QString& folder);
    void setModelFolder(const QString& folder);
    void setOutputFolder(const QString& folder);
    // What is still missing before training can start, or that it is ready.
    QString statusText() const;
    // Problems of the current settings (missing model files, empty dataset, unwritable output).
    QStringList validate() const;

    bool isRunning() const;
    bool isWatching() const { return m_watcher != nullptr; }
    bool isPaused() const { return m_paused; }
    qint64 currentStep() const { return m_step; }
    QString lastStatus() const { return m_lastStatus; } // "completed", "cancelled", "failed" or ""
    int chartPointCount(const QString& series) const;
    bool exportChartData(const QString& csvFile) const;  // every charted value, one row per step
    bool exportChartImage(const QString& pngFile) const; // the four charts in one PNG

public slots:
    bool start(); // false (with the reasons shown) when the settings do not validate
    void pause();
    void resume();
    void cancel();
    // Rebuilds charts and checkpoints from the trainer_state.json of a previous run's output folder.
    bool loadRun(const QString& outputFolder);
    // Follows outputFolder/events.jsonl from its start (waiting for it if it is not there yet); false
    // while this window trains. Watching another folder stops watching the first.
    bool watchRun(const QString& outputFolder);
    void chooseWatchFolder(); // asks for the folder, then watchRun
    void stopWatching();      // the charts stay as they are

signals:
    void openDatasetRequested();
    void openModelRequested();
    void useCheckpointRequested(const QString& folder); // "Use for Captioning"
    void runningChanged(bool running);
    void runFinished(const QString& status);
    void progressChanged(int percent); // of the running training; -1 when none runs

private:
    void onUpdate(const captioner::TrainingEvent& event);
    void onDone(const QString& status, const QString& message);
    void onThreadFinished();
    void onWatchedBatch(const QList<captioner::TrainingEvent>& events, bool exists, bool restarted,
                        const QStringList& problems);
    void applyPendingFolders();
    QString watchingText() const;
    void showWatchedRecipe();
    void clearRunView();
    void applyHistory(const captioner::TrainingHistory& history);
    void refreshCheckpoints();
    void addSamples(const captioner::TrainingEvent& event);
    void appendLog(const QString& line);
    void showProgress(const captioner::TrainingEvent& event);
    void showProblem(const QString& text);
    void updateButtons();
    void updateReadiness();

    TrainingForm* m_form;
    TrainingCharts* m_charts;
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_resume;
    QPushButton* m_cancel;
    QPushButton* m_useCheckpoint;
    QPushButton* m_watch;
    QPushButton* m_stopWatch;
    QLabel* m_readiness;
    QLabel* m_problem;
    QLabel* m_stats;
    QProgressBar* m_progress;
    QPlainTextEdit* m_log;
    QTreeWidget* m_samples;
    QTreeWidget* m_checkpoints;
    QThread* m_thread = nullptr;
    TrainingWorker* m_worker = nullptr;
    TrainingWatcher* m_watcher = nullptr;
    // The form as it was before watching (restored by stopWatching); while watching it shows the
    // watched run's recipe once its first checkpoint's training_args.json exists.
    std::unique_ptr<captioner::TrainingOptions> m_formBeforeWatch;
    bool m_watchRecipeShown = false;
    int m_watchGeneration = 0;                           // batches queued by a watcher that was stopped are dropped
    bool m_batching = false, m_checkpointsStale = false; // one checkpoint refresh per watched batch
    QString m_runOutput;
    QString m_autoOutput;
    QString m_pendingDataset, m_pendingModel; // chosen while a run was using the form
    QString m_lastStatus;
    qint64 m_step = 0;
    bool m_paused = false;
    bool m_cancelling = false;
};

} // namespace captioner::ui
