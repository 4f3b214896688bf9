// HubDownloadDialog: "Download from Hugging Face…" — repository id, type, revision, progress, cancel,
// then Open (the Dataset page for a dataset, the Caption page for a model).
#include "captioner_ui/hub_dialogs.h"

#include "hub_dialog_util.h"

#include "captioner_hub/hub_download.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace captioner::ui {

using hubui::describe;

HubDownloadDialog::HubDownloadDialog(QWidget* parent) : QDialog(parent), m_job(new HubJobThread(this)) {
    hub::useProxiesFromEnvironment();
    setWindowTitle(tr("Download from Hugging Face"));
    setObjectName(QStringLiteral("hubDownloadDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_repo = new QLineEdit(this);
    m_repo->setPlaceholderText(QStringLiteral("microsoft/git-base"));
    describe(m_repo, QStringLiteral("hubRepoId"), tr("Repository id"),
             tr("The Hub repository to download, as namespace/name"));
    m_type = new QComboBox(this);
    m_type->addItem(tr("Model"));
    m_type->addItem(tr("Dataset"));
    describe(m_type, QStringLiteral("hubRepoType"), tr("Repository type"),
             tr("Whether the repository is a model or a dataset"));
    m_revision = new QLineEdit(QStringLiteral("main"), this);
    describe(m_revision, QStringLiteral("hubRevision"), tr("Revision"), tr("Branch, tag or commit hash to download"));
    m_all = new QCheckBox(tr("Download &every file (not only what a GIT checkpoint needs)"), this);
    describe(m_all, QStringLiteral("hubAllFiles"), tr("Every file"),
             tr("Models: also fetch files Captioner does not use, such as PyTorch .bin weights"));
    form->addRow(tr("&Repository:"), m_repo);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("Re&vision:"), m_revision);
    form->addRow(QString(), m_all);
    layout->addLayout(form);

    const hub::HubSettings settings = hub::HubSettings::fromEnvironment();
    m_endpoint =
        new QLabel(tr("From %1 into %2. %3")
                       .arg(settings.endpoint, QDir::toNativeSeparators(settings.cacheDir),
                            settings.token.isEmpty() ? tr("No token: private and gated repositories need HF_TOKEN.")
                                                     : tr("Using your Hugging Face token.")),
                   this);
    m_endpoint->setObjectName(QStringLiteral("hubEndpoint"));
    m_endpoint->setAccessibleName(tr("Download source and cache"));
    m_endpoint->setWordWrap(true);
    m_endpoint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_endpoint);

    m_progress = new QProgressBar(this);
    describe(m_progress, QStringLiteral("hubProgress"), tr("Download progress"),
             tr("Bytes downloaded of the files needed"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setTextVisible(true);
    m_progress->setFormat(QString());
    layout->addWidget(m_progress);
    m_log = new QPlainTextEdit(this);
    describe(m_log, QStringLiteral("hubLog"), tr("Download log"),
             tr("What the download did, file by file, and any error"));
    m_log->setReadOnly(true);
    m_log->setMinimumHeight(140);
    layout->addWidget(m_log, 1);

    auto* buttons = new QDialogButtonBox(this);
    m_download = buttons->addButton(tr("&Download"), QDialogButtonBox::AcceptRole);
    describe(m_download, QStringLiteral("hubStartDownload"), tr("Download"),
             tr("Fetch the repository into the Hugging Face cache"));
    m_cancel = buttons->addButton(tr("&Cancel Download"), QDialogButtonBox::ActionRole);
    describe(m_cancel, QStringLiteral("hubCancelDownload"), tr("Cancel download"),
             tr("Stop; what was fetched stays in the cache and the next download resumes it"));
    m_open = buttons->addButton(tr("&Open"), QDialogButtonBox::ActionRole);
    describe(m_open, QStringLiteral("hubOpenDownloaded"), tr("Open"), tr("Open the downloaded model or dataset"));
    auto* close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("hubClose"));
    layout->addWidget(buttons);
    m_cancel->setEnabled(false);
    m_open->setEnabled(false);
    m_download->setDefault(true);
    connect(m_download, &QPushButton::clicked, this, &HubDownloadDialog::startDownload);
    connect(m_job, &HubJobThread::finished, this, [this] { setRunning(false); });
    connect(m_cancel, &QPushButton::clicked, this, &HubDownloadDialog::cancelDownload);
    connect(m_open, &QPushButton::clicked, this, [this] {
        emit openRequested(m_snapshot, isDataset());
        accept();
    });
    connect(close, &QPushButton::clicked, this, &HubDownloadDialog::reject);
    connect(m_repo, &QLineEdit::textChanged, this,
            [this] { m_download->setEnabled(!m_job->isRunning() && !m_repo->text().trimmed().isEmpty()); });
    m_download->setEnabled(false);
    resize(620, 420);
}

void HubDownloadDialog::setRepo(const QString& id, bool dataset, const QString& revision) {
    m_repo->setText(id);
    m_type->setCurrentIndex(dataset ? 1 : 0);
    m_revision->setText(revision);
}

bool HubDownloadDialog::isDataset() const { return m_type->currentIndex() == 1; }

void HubDownloadDialog::setRunning(bool running) {
    for (QWidget* w : {static_cast<QWidget*>(m_repo), static_cast<QWidget*>(m_type), static_cast<QWidget*>(m_revision),
                       static_cast<QWidget*>(m_all)})
        w->setEnabled(!running);
    m_download->setEnabled(!running && !m_repo->text().trimmed().isEmpty());
    m_cancel->setEnabled(running);
}

void HubDownloadDialog::startDownload() {
    if (m_job->isRunning()) return;
    hub::HubDownload::Options o;
    o.repo.type = isDataset() ? HubRepoType::Dataset : HubRepoType::Model;
    o.repo.id = m_repo->text().trimmed();
    o.repo.revision = m_revision->text().trimmed().isEmpty() ? QStringLiteral("main") : m_revision->text().trimmed();
    o.all = m_all->isChecked();
    m_snapshot.clear();
    m_error.clear();
    m_open->setEnabled(false);
    m_log->clear();
    m_progress->setValue(0);
    m_progress->setFormat(tr("Starting…"));
    auto* job = new hub::HubDownload(hub::HubSettings::fromEnvironment(), o);
    connect(job, &hub::HubDownload::status, this, [this](const QString& text) { m_log->appendPlainText(text); });
    connect(job, &hub::HubDownload::progress, this, [this](qint64 done, qint64 total, const QString& file) {
        hubui::showTransferProgress(m_progress, done, total, file);
    });
    // Connected before run(): this handler runs before the worker thread is told to quit, so the job
    // is still alive when its results are read.
    connect(
        job, &hub::HubDownload::finished, this,
        [this, job](bool ok) {
            m_snapshot = job->snapshotPath();
            m_error = job->errorString();
            if (ok) {
                m_progress->setValue(1000);
                m_progress->setFormat(tr("Done"));
                m_log->appendPlainText(tr("Ready in %1").arg(QDir::toNativeSeparators(m_snapshot)));
                m_open->setEnabled(true);
                m_open->setFocus();
                if (m_openWhenDone) m_open->click();
            } else {
                m_progress->setFormat(tr("Stopped"));
                m_log->appendPlainText(tr("Error: %1").arg(m_error));
            }
        },
        Qt::QueuedConnection);
    setRunning(true);
    m_job->run(job);
}

void HubDownloadDialog::cancelDownload() { m_job->cancel(); }

void HubDownloadDialog::reject() {
    m_job->cancel(); // the partial file stays for the next attempt
    QDialog::reject();
}

} // namespace captioner::ui
