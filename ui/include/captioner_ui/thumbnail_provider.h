#pragma once
// ThumbnailProvider hands the grid small previews without ever decoding on the UI thread. A request
// for an image not in memory queues it and returns a null image (the grid paints a placeholder);
// a small pool of threads takes the newest requests first (what is on screen now), reads them
// through the core's on-disk ThumbnailCache and reports back with ready() on the UI thread. Old
// requests beyond a cap are dropped, so fast scrolling through 10,000 images never builds a backlog,
// and decoded previews live in a cache bounded by bytes, so memory stays flat however many images
// the dataset has. The destructor drops the queue and waits for the threads.
#include <QCache>
#include <QHash>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

#include <memory>

namespace captioner {
class ThumbnailCache;
}

namespace captioner::ui {

class ThumbnailProvider : public QObject {
    Q_OBJECT
public:
    // cacheDir: where the core keeps its thumbnail files; maxSide: the previews' longest side.
    explicit ThumbnailProvider(const QString& cacheDir, int maxSide = 256, QObject* parent = nullptr);
    ~ThumbnailProvider() override;

    // The preview when it is in memory; otherwise queues it (once) and returns a null image.
    QImage thumbnail(const QString& imagePath);
    bool hasFailed(const QString& imagePath) const { return m_failed.contains(imagePath); }
    QString failure(const QString& imagePath) const { return m_failed.value(imagePath); }
    bool isPending(const QString& imagePath) const { return m_pending.contains(imagePath); }
    // Forgets queued requests and previews in memory (a new dataset was opened).
    void clear();

    int maxSide() const { return m_maxSide; }
    qint64 memoryLimitBytes() const { return qint64(m_memory.maxCost()) * 1024; }
    void setMemoryLimitBytes(qint64 bytes);
    qint64 memoryBytes() const { return qint64(m_memory.totalCost()) * 1024; }
    int pendingCount() const { return int(m_pending.size()); }
    // Requests kept waiting at most; older ones are dropped (they scrolled out of view).
    static constexpr int kMaxQueued = 400;

signals:
    void ready(const QString& imagePath);
    void failed(const QString& imagePath, const QString& reason);

private:
    struct Shared;
    void drain();
    void deliver(const QString& path, const QImage& image, const QString& error);

    int m_maxSide;
    std::shared_ptr<captioner::ThumbnailCache> m_cache;
    std::shared_ptr<Shared> m_shared;
    QThreadPool m_pool;
    QCache<QString, QImage> m_memory; // cost in KiB
    QSet<QString> m_pending;          // queued or being decoded
    QHash<QString, QString> m_failed; // path -> reason
};

} // namespace captioner::ui
