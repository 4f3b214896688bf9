#pragma once
// ThumbnailDelegate paints one grid tile: the preview (or a placeholder while it loads, or a broken
// image mark), the split and review badges, a problem mark, and the caption elided to two lines.
// Badges are light text on a dark plate so they read on any image and in any palette; selection
// and focus use the palette's highlight, with a thick focus frame that stays visible in
// high-contrast themes.
#include <QStyledItemDelegate>

namespace captioner::ui {

class ThumbnailDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    explicit ThumbnailDelegate(QObject* parent = nullptr);

    void setThumbnailSize(int side) { m_side = side; }
    int thumbnailSize() const { return m_side; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    int m_side = 128;
};

} // namespace captioner::ui
