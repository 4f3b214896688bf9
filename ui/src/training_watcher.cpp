// Core (torch) headers first: Qt's `slots` keyword macro breaks ATen's headers that come after it.
#include "captioner/event_log.h"

#include "training_watcher.h"

#include <QDir>
#include <QThread>
#include <QTimer>

#include <memory>

namespace captioner::ui {

namespace {

constexpr int kPollMs = 250;
constexpr std::size_t kBatchBytes = 1u << 20;

// Lives on the watcher's thread: owns the follower and the poll timer there.
class Poller : public QObject {
public:
    Poller(TrainingWatcher* watcher, const QString& path)
        : m_watcher(watcher), m_follower(QDir::toNativeSeparators(path).toStdString()) {}

    void start() {
        m_timer = new QTimer(this);
        m_timer->setSingleShot(true);
        connect(m_timer, &QTimer::timeout, this, &Poller::poll);
        poll();
    }

private:
    void poll() {
        EventLogChunk chunk = m_follower.poll(kBatchBytes);
        QList<TrainingEvent> updates(chunk.events.begin(), chunk.events.end());
        QStringList problems;
        for (const std::string& p : chunk.problems) problems.append(QString::fromStdString(p));
        // Only what changes is sent: an idle file costs one stat every 250 ms and no signal.
        if (!updates.isEmpty() || !problems.isEmpty() || chunk.restarted || chunk.exists != m_exists || m_first)
            emit m_watcher->batch(updates, chunk.exists, chunk.restarted, problems);
        m_exists = chunk.exists;
        m_first = false;
        // More than one piece waiting (a long history): read on at once, the UI takes them in turn.
        m_timer->start(chunk.atEnd ? kPollMs : 0);
    }

    TrainingWatcher* m_watcher;
    EventLogFollower m_follower;
    QTimer* m_timer = nullptr;
    bool m_exists = false, m_first = true;
};

} // namespace

TrainingWatcher::TrainingWatcher(const QString& outputFolder, QObject* parent)
    : QObject(parent), m_folder(outputFolder), m_thread(new QThread) {
    qRegisterMetaType<QList<TrainingEvent>>();
    m_thread->setObjectName(QStringLiteral("training-watch"));
    auto* poller = new Poller(this, logPath());
    m_poller = poller;
    poller->moveToThread(m_thread);
    connect(m_thread, &QThread::started, poller, [poller] { poller->start(); });
    connect(m_thread, &QThread::finished, poller, &QObject::deleteLater);
}

void TrainingWatcher::start() {
    if (!m_thread->isRunning()) m_thread->start();
}

TrainingWatcher::~TrainingWatcher() {
    if (!m_thread->isRunning() && !m_thread->isFinished()) delete m_poller; // never started
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

QString TrainingWatcher::logPath() const { return QDir(m_folder).filePath(QString::fromLatin1(kEventLogFileName)); }

} // namespace captioner::ui
