#pragma once
// The Hugging Face Hub dialogs: download a repository into the shared cache (id, type, revision,
// progress, cancel), browse that cache (models and datasets with Open buttons), and push a finished
// training run's model folder to a repository (model card preview, privacy, commit message). Network
// work runs in hub jobs on a worker thread; the dialogs only show their signals.
#include <QDialog>

#include <functional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QThread;
class QTreeWidget;

class QMenu;

namespace captioner::ui {

// Adds what the Hugging Face cache holds (the folder Python's huggingface_hub shares) to a picker
// menu: a section per kind with one action per cached repository ("org/name · revision"), opening its
// preferred snapshot (main, else the newest). Models are listed only when the snapshot has a
// config.json. wantModels / wantDatasets choose the kinds. Returns how many actions it added.
int addHubCacheActions(QMenu* menu, bool wantModels, bool wantDatasets,
                       const std::function<void(const QString& snapshot, bool isModel)>& open);

// Runs a hub job (HubDownload, HubPush) on its own thread and reports its end; cancels and joins it
// when destroyed. The job's other signals are connected by the caller (they arrive queued).
class HubJobThread : public QObject {
    Q_OBJECT
public:
    explicit HubJobThread(QObject* parent = nullptr);
    ~HubJobThread() override;
    template <class Job> void run(Job* job) { // takes ownership
        startThread(job, [job] { job->cancel(); });
        connect(
            job, &Job::finished, this, [this](bool ok) { jobFinished(ok); }, Qt::QueuedConnection);
        QMetaObject::invokeMethod(job, &Job::start, Qt::QueuedConnection);
    }
    void cancel();
    bool isRunning() const { return static_cast<bool>(m_cancel); }

signals:
    void finished(bool ok);

private:
    void startThread(QObject* job, std::function<void()> cancel);
    void jobFinished(bool ok);

    QThread* m_thread = nullptr;
    std::function<void()> m_cancel;
};

class HubDownloadDialog : public QDialog {
    Q_OBJECT
public:
    explicit HubDownloadDialog(QWidget* parent = nullptr);
    void setRepo(const QString& id, bool dataset = false, const QString& revision = QStringLiteral("main"));
    // When on, a download that succeeds emits openRequested and closes the dialog by itself (a failed
    // or cancelled one leaves it open with the log, and Download resumes it).
    void setOpenWhenDone(bool on) { m_openWhenDone = on; }
    QString snapshotPath() const { return m_snapshot; }
    bool isDataset() const;

public slots:
    void startDownload();
    void cancelDownload();

signals:
    void openRequested(const QString& folder, bool dataset);

protected:
    void reject() override;

private:
    void setRunning(bool running);

    QLineEdit* m_repo;
    QComboBox* m_type;
    QLineEdit* m_revision;
    QCheckBox* m_all;
    QLabel* m_endpoint;
    QProgressBar* m_progress;
    QPlainTextEdit* m_log;
    QPushButton* m_download;
    QPushButton* m_cancel;
    QPushButton* m_open;
    HubJobThread* m_job;
    QString m_snapshot;
    QString m_error;
    bool m_openWhenDone = false;
};

class HubCacheDialog : public QDialog {
    Q_OBJECT
public:
    explicit HubCacheDialog(QWidget* parent = nullptr);
    int repoCount() const;

public slots:
    void refresh();

signals:
    void openRequested(const QString& folder, bool dataset);
    void downloadRequested();

private:
    void openSelected();

    QLabel* m_summary;
    QTreeWidget* m_list;
    QPushButton* m_open;
    QPushButton* m_reveal;
    QPushButton* m_refresh;
};

class HubPushDialog : public QDialog {
    Q_OBJECT
public:
    explicit HubPushDialog(const QString& folder, QWidget* parent = nullptr);
    QString commitUrl() const { return m_commitUrl; }

public slots:
    void startPush();
    void cancelPush();

protected:
    void reject() override;

private:
    void updateCard();
    void setRunning(bool running);

    QString m_folder;
    QLineEdit* m_repo;
    QCheckBox* m_private;
    QLineEdit* m_branch;
    QLineEdit* m_message;
    QLineEdit* m_baseModel;
    QLabel* m_token;
    QPlainTextEdit* m_card;
    QProgressBar* m_progress;
    QPlainTextEdit* m_log;
    QPushButton* m_push;
    QPushButton* m_cancel;
    HubJobThread* m_job;
    QString m_commitUrl;
    QString m_error;
};

} // namespace captioner::ui
