#include "captioner_ui/thumbnail_provider.h"

#include "captioner/error.h"
#include "captioner/thumbnail_cache.h"

#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>

#include <deque>

namespace captioner::ui {

// The queue shared with the pool's threads. Paths pushed by the UI thread, newest at the back.
struct ThumbnailProvider::Shared {
    QMutex mutex;
    std::deque<QString> queue;
    int drainers = 0;
    bool stopping = false;
};

ThumbnailProvider::ThumbnailProvider(const QString& cacheDir, int maxSide, QObject* parent)
    : QObject(parent), m_maxSide(maxSide),
      m_cache(std::make_shared<captioner::ThumbnailCache>(cacheDir.toStdString(), maxSide)),
      m_shared(std::make_shared<Shared>()) {
    // Decoding is I/O and libjpeg/libpng bound; all cores keep up with scrolling, more do not help.
    m_pool.setMaxThreadCount(qBound(1, QThread::idealThreadCount(), 8));
    setMemoryLimitBytes(96LL * 1024 * 1024);
}

ThumbnailProvider::~ThumbnailProvider() {
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->queue.clear();
        m_shared->stopping = true;
    }
    m_pool.waitForDone();
}

void ThumbnailProvider::setMemoryLimitBytes(qint64 bytes) {
    m_memory.setMaxCost(int(qMax<qint64>(1024, bytes) / 1024));
}

QImage ThumbnailProvider::thumbnail(const QString& imagePath) {
    if (const QImage* image = m_memory.object(imagePath)) return *image;
    if (imagePath.isEmpty() || m_pending.contains(imagePath) || m_failed.contains(imagePath)) return {};
    m_pending.insert(imagePath);
    bool startDrainer = false;
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->queue.push_back(imagePath);
        while (m_shared->queue.size() > size_t(kMaxQueued)) {
            m_pending.remove(m_shared->queue.front()); // asked again if it scrolls back into view
            m_shared->queue.pop_front();
        }
        if (m_shared->drainers < m_pool.maxThreadCount()) {
            ++m_shared->drainers;
            startDrainer = true;
        }
    }
    if (startDrainer) m_pool.start([this] { drain(); });
    return {};
}

// Runs on a pool thread: decodes the newest queued paths until the queue is empty.
void ThumbnailProvider::drain() {
    for (;;) {
        QString path;
        {
            QMutexLocker lock(&m_shared->mutex);
            if (m_shared->queue.empty() || m_shared->stopping) {
                --m_shared->drainers;
                return;
            }
            path = m_shared->queue.back();
            m_shared->queue.pop_back();
        }
        QImage image;
        QString error;
        try {
            const cv::Mat rgb = m_cache->thumbnail(path.toStdString());
            image = QImage(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888).copy();
        } catch (const captioner::Error& e) {
            error = QString::fromStdString(e.reason());
        } catch (const std::exception& e) {
            error = QString::fromLocal8Bit(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, path, image, error] { deliver(path, image, error); }, Qt::QueuedConnection);
    }
}

void ThumbnailProvider::deliver(const QString& path, const QImage& image, const QString& error) {
    if (!m_pending.remove(path)) return; // cleared (new dataset) while it was being decoded
    if (!error.isEmpty()) {
        m_failed.insert(path, error);
        emit failed(path, error);
        return;
    }
    m_memory.insert(path, new QImage(image), int(qMax<qint64>(1, image.sizeInBytes() / 1024)));
    emit ready(path);
}

void ThumbnailProvider::clear() {
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->queue.clear();
    }
    m_pending.clear();
    m_memory.clear();
    m_failed.clear();
}

} // namespace captioner::ui
