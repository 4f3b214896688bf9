// HubJobThread: a hub job on a worker thread (hashing and file writes never touch the UI thread).
#include "captioner_ui/hub_dialogs.h"

#include <QThread>

namespace captioner::ui {

HubJobThread::HubJobThread(QObject* parent) : QObject(parent) {}

HubJobThread::~HubJobThread() {
    if (!m_thread) return;
    cancel();
    m_thread->quit();
    m_thread->wait();
}

void HubJobThread::startThread(QObject* job, std::function<void()> cancel) {
    if (m_thread) { // the previous job has finished (run is only offered then)
        m_thread->quit();
        m_thread->wait();
        delete m_thread;
    }
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("hub-job"));
    m_cancel = std::move(cancel);
    job->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, job, &QObject::deleteLater);
    m_thread->start();
}

void HubJobThread::jobFinished(bool ok) {
    m_cancel = nullptr;
    m_thread->quit();
    emit finished(ok);
}

void HubJobThread::cancel() {
    if (m_cancel) m_cancel(); // the jobs' cancel() is thread-safe
}

} // namespace captioner::ui
