// HubPushDialog: "Push to Hub…" for a finished run's model folder — repository, privacy, branch,
// commit message, the model card that will be written (or the folder's own README.md), progress.
#include "captioner_ui/hub_dialogs.h"

#include "hub_dialog_util.h"

#include "captioner/error.h"
#include "captioner/model_card.h"
#include "captioner_hub/hub_push.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace captioner::ui {

using hubui::describe;

HubPushDialog::HubPushDialog(const QString& folder, QWidget* parent)
    : QDialog(parent), m_folder(folder), m_job(new HubJobThread(this)) {
    hub::useProxiesFromEnvironment();
    setWindowTitle(tr("Push to Hugging Face Hub"));
    setObjectName(QStringLiteral("hubPushDialog"));
    auto* layout = new QVBoxLayout(this);
    auto* intro =
        new QLabel(tr("Upload the model in %1 to a repository on the Hub, in one commit. Checkpoint folders stay here.")
                       .arg(QDir::toNativeSeparators(folder)),
                   this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_repo = new QLineEdit(this);
    m_repo->setPlaceholderText(tr("your-name/%1").arg(QFileInfo(folder).fileName()));
    describe(m_repo, QStringLiteral("hubPushRepo"), tr("Repository id"),
             tr("namespace/name of the model repository; it is created when missing"));
    m_private = new QCheckBox(tr("&Private repository"), this);
    m_private->setChecked(true);
    describe(m_private, QStringLiteral("hubPushPrivate"), tr("Private"),
             tr("Create the repository as private (only when it does not exist yet)"));
    m_branch = new QLineEdit(QStringLiteral("main"), this);
    describe(m_branch, QStringLiteral("hubPushBranch"), tr("Branch"), tr("The branch the commit goes to"));
    m_message = new QLineEdit(tr("Upload model with Captioner"), this);
    describe(m_message, QStringLiteral("hubPushMessage"), tr("Commit message"), tr("Summary of the commit"));
    m_baseModel = new QLineEdit(this);
    m_baseModel->setPlaceholderText(tr("derived from the training recipe"));
    describe(m_baseModel, QStringLiteral("hubPushBaseModel"), tr("Base model"),
             tr("Hub id of the model this one was fine-tuned from, for the model card"));
    form->addRow(tr("&Repository:"), m_repo);
    form->addRow(QString(), m_private);
    form->addRow(tr("&Branch:"), m_branch);
    form->addRow(tr("Commit &message:"), m_message);
    form->addRow(tr("Base mo&del:"), m_baseModel);
    layout->addLayout(form);
    const hub::HubSettings settings = hub::HubSettings::fromEnvironment();
    m_token = new QLabel(
        settings.token.isEmpty()
            ? tr("No Hugging Face token found: set HF_TOKEN or run `huggingface-cli login` with a write token, then open this dialog again.")
            : tr("Pushing to %1 with your Hugging Face token.").arg(settings.endpoint),
        this);
    m_token->setObjectName(QStringLiteral("hubPushToken"));
    m_token->setAccessibleName(tr("Token status"));
    m_token->setWordWrap(true);
    layout->addWidget(m_token);
    auto* cardLabel = new QLabel(tr("Model &card (README.md):"), this);
    layout->addWidget(cardLabel);
    m_card = new QPlainTextEdit(this);
    describe(m_card, QStringLiteral("hubPushCard"), tr("Model card"), tr("The README.md that goes with the model"));
    m_card->setReadOnly(true);
    cardLabel->setBuddy(m_card);
    layout->addWidget(m_card, 1);
    m_progress = new QProgressBar(this);
    describe(m_progress, QStringLiteral("hubPushProgress"), tr("Upload progress"), tr("Bytes of large files uploaded"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(QString());
    layout->addWidget(m_progress);
    m_log = new QPlainTextEdit(this);
    describe(m_log, QStringLiteral("hubPushLog"), tr("Push log"), tr("What the push did and any error"));
    m_log->setReadOnly(true);
    m_log->setMaximumHeight(110);
    layout->addWidget(m_log);
    auto* buttons = new QDialogButtonBox(this);
    m_push = buttons->addButton(tr("&Push"), QDialogButtonBox::AcceptRole);
    describe(m_push, QStringLiteral("hubPushStart"), tr("Push"),
             tr("Create the repository if needed and upload the folder"));
    m_cancel = buttons->addButton(tr("&Cancel Push"), QDialogButtonBox::ActionRole);
    describe(m_cancel, QStringLiteral("hubPushCancel"), tr("Cancel push"), tr("Stop the upload; nothing is committed"));
    auto* close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("hubPushClose"));
    layout->addWidget(buttons);
    m_cancel->setEnabled(false);
    m_push->setEnabled(false);
    connect(m_repo, &QLineEdit::textChanged, this, [this] {
        m_push->setEnabled(!m_job->isRunning() && !m_repo->text().trimmed().isEmpty());
        updateCard();
    });
    connect(m_baseModel, &QLineEdit::textChanged, this, &HubPushDialog::updateCard);
    connect(m_push, &QPushButton::clicked, this, &HubPushDialog::startPush);
    connect(m_job, &HubJobThread::finished, this, [this] { setRunning(false); });
    connect(m_cancel, &QPushButton::clicked, this, &HubPushDialog::cancelPush);
    connect(close, &QPushButton::clicked, this, &HubPushDialog::reject);
    updateCard();
    resize(680, 620);
}

void HubPushDialog::updateCard() {
    const QString existing = m_folder + QStringLiteral("/README.md");
    if (QFileInfo::exists(existing)) {
        QFile f(existing);
        m_card->setPlainText(f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll())
                                                         : tr("(README.md cannot be read: %1)").arg(f.errorString()));
        return;
    }
    ModelCardOptions o;
    o.repoId = m_repo->text().trimmed().toStdString();
    o.baseModel = m_baseModel->text().trimmed().toStdString();
    try { // small JSON files: fast enough for the UI thread
        m_card->setPlainText(QString::fromStdString(modelCardMarkdown(m_folder.toStdString(), o)));
    } catch (const Error& e) {
        m_card->setPlainText(tr("The model card cannot be written: %1").arg(QString::fromStdString(e.what())));
    }
}

void HubPushDialog::setRunning(bool running) {
    for (QWidget* w : {static_cast<QWidget*>(m_repo), static_cast<QWidget*>(m_private), static_cast<QWidget*>(m_branch),
                       static_cast<QWidget*>(m_message), static_cast<QWidget*>(m_baseModel)})
        w->setEnabled(!running);
    m_push->setEnabled(!running && !m_repo->text().trimmed().isEmpty());
    m_cancel->setEnabled(running);
}

void HubPushDialog::startPush() {
    if (m_job->isRunning()) return;
    hub::HubPush::Options o;
    o.folder = m_folder;
    o.repo.id = m_repo->text().trimmed();
    o.repo.revision = m_branch->text().trimmed().isEmpty() ? QStringLiteral("main") : m_branch->text().trimmed();
    o.isPrivate = m_private->isChecked();
    o.message = m_message->text().trimmed();
    o.card.baseModel = m_baseModel->text().trimmed().toStdString();
    m_log->clear();
    m_error.clear();
    m_progress->setValue(0);
    m_progress->setFormat(tr("Hashing the files…"));
    auto* job = new hub::HubPush(hub::HubSettings::fromEnvironment(), o);
    connect(job, &hub::HubPush::status, this, [this](const QString& text) { m_log->appendPlainText(text); });
    connect(job, &hub::HubPush::progress, this, [this](qint64 done, qint64 total, const QString& file) {
        hubui::showTransferProgress(m_progress, done, total, file);
    });
    // Connected before run(): the job is still alive when this reads its results.
    connect(
        job, &hub::HubPush::finished, this,
        [this, job](bool ok) {
            m_error = job->errorString();
            m_commitUrl = job->commitUrl();
            if (ok) {
                m_progress->setValue(1000);
                m_progress->setFormat(tr("Pushed"));
                m_log->appendPlainText(tr("Committed %1 %2").arg(job->commitOid(), m_commitUrl));
            } else {
                m_progress->setFormat(tr("Stopped"));
                m_log->appendPlainText(tr("Error: %1").arg(m_error));
            }
            updateCard();
        },
        Qt::QueuedConnection);
    setRunning(true);
    m_job->run(job);
}

void HubPushDialog::cancelPush() { m_job->cancel(); }

void HubPushDialog::reject() {
    m_job->cancel();
    QDialog::reject();
}

} // namespace captioner::ui
