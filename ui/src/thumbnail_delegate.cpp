#include "thumbnail_delegate.h"

#include "captioner_ui/dataset_model.h"

#include "captioner/review_store.h"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QTextLayout>

namespace captioner::ui {

namespace {
constexpr int kPad = 6;

// Up to two lines of `text` that fit `width`; the second is elided.
QStringList twoLines(const QString& text, const QFontMetrics& fm, int width) {
    QStringList lines;
    QTextLayout layout(text);
    layout.beginLayout();
    QTextLine first = layout.createLine();
    if (!first.isValid()) {
        layout.endLayout();
        return lines;
    }
    first.setLineWidth(width);
    lines << text.mid(first.textStart(), first.textLength()).trimmed();
    layout.endLayout();
    const QString rest = text.mid(first.textStart() + first.textLength()).trimmed();
    if (!rest.isEmpty()) lines << fm.elidedText(rest, Qt::ElideRight, width);
    return lines;
}

void drawBadge(QPainter* p, const QRect& anchor, const QString& text, Qt::Alignment corner, const QColor& plate) {
    const QFontMetrics fm = p->fontMetrics();
    const QSize size(fm.horizontalAdvance(text) + 8, fm.height() + 2);
    QRect r(QPoint(), size);
    if (corner & Qt::AlignRight) r.moveTopRight(anchor.topRight() + QPoint(-3, 3));
    else r.moveTopLeft(anchor.topLeft() + QPoint(3, 3));
    if (corner & Qt::AlignBottom) r.moveBottom(anchor.bottom() - 3);
    QPainterPath path;
    path.addRoundedRect(r, 4, 4);
    p->fillPath(path, plate);
    p->setPen(Qt::white);
    p->drawText(r, Qt::AlignCenter, text);
}
} // namespace

ThumbnailDelegate::ThumbnailDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

QSize ThumbnailDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const int line = option.fontMetrics.height();
    return {m_side + 2 * kPad, m_side + 2 * line + 3 * kPad};
}

void ThumbnailDelegate::paint(QPainter* p, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QPalette& pal = opt.palette;
    const bool selected = opt.state & QStyle::State_Selected;
    p->save();
    p->setRenderHint(QPainter::Antialiasing, true);
    p->setRenderHint(QPainter::SmoothPixmapTransform, true);

    const QRect tile = opt.rect.adjusted(2, 2, -2, -2);
    if (selected) p->fillRect(tile, pal.brush(QPalette::Highlight));

    // Preview area: a square of m_side at the top, the image centred and scaled to fit.
    const QRect box(tile.left() + kPad - 2, tile.top() + kPad - 2, m_side, m_side);
    const QImage image = index.data(Qt::DecorationRole).value<QImage>();
    const auto state = index.data(DatasetModel::ThumbnailStateRole).toInt();
    if (!image.isNull()) {
        const QSize fitted = image.size().scaled(box.size(), Qt::KeepAspectRatio);
        QRect target(QPoint(), fitted);
        target.moveCenter(box.center());
        p->drawImage(target, image);
    } else {
        p->fillRect(box, pal.color(QPalette::AlternateBase));
        p->setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DashLine));
        p->drawRect(box.adjusted(0, 0, -1, -1));
        p->setPen(pal.color(QPalette::Text));
        const QString what = state == DatasetModel::ThumbnailFailed ? tr("Cannot show image") : tr("Loading…");
        p->drawText(box.adjusted(4, 4, -4, -4), Qt::AlignCenter | Qt::TextWordWrap, what);
    }

    const QString split = index.data(DatasetModel::SplitRole).toString();
    if (!split.isEmpty()) drawBadge(p, box, split, Qt::AlignLeft | Qt::AlignTop, QColor(20, 20, 20, 210));
    const auto status = static_cast<captioner::ReviewStatus>(index.data(DatasetModel::ReviewStatusRole).toInt());
    switch (status) {
    case captioner::ReviewStatus::Accepted:
        drawBadge(p, box, tr("✓ accepted"), Qt::AlignRight, QColor(0, 100, 0, 230));
        break;
    case captioner::ReviewStatus::Edited:
        drawBadge(p, box, tr("✎ edited"), Qt::AlignRight, QColor(0, 70, 140, 230));
        break;
    case captioner::ReviewStatus::Flagged:
        drawBadge(p, box, tr("⚑ flagged"), Qt::AlignRight, QColor(150, 0, 0, 230));
        break;
    case captioner::ReviewStatus::Unreviewed: break;
    }
    const int problems = index.data(DatasetModel::ProblemsRole).toInt();
    if (problems) {
        const QString text = (problems & DatasetModel::Unreadable) ? tr("⚠ unreadable") : tr("⚠ no caption");
        drawBadge(p, box, text, Qt::AlignLeft | Qt::AlignBottom, QColor(150, 60, 0, 235));
    }

    // Caption, two lines under the preview.
    const QRect textRect(tile.left() + kPad - 2, box.bottom() + kPad, m_side, tile.bottom() - box.bottom() - kPad);
    QString caption = index.data(DatasetModel::CaptionRole).toString();
    p->setPen(pal.color(selected ? QPalette::HighlightedText : QPalette::Text));
    if (caption.isEmpty()) {
        QFont italic = p->font();
        italic.setItalic(true);
        p->setFont(italic);
        caption = tr("(no caption)");
    }
    const QFontMetrics fm = p->fontMetrics();
    const QStringList lines = twoLines(caption, fm, textRect.width());
    for (int i = 0; i < lines.size(); ++i)
        p->drawText(QRect(textRect.left(), textRect.top() + i * fm.height(), textRect.width(), fm.height()),
                    Qt::AlignHCenter | Qt::AlignVCenter, lines[i]);

    if (opt.state & QStyle::State_HasFocus) {
        // A 3 px frame in the text colour over the highlight: visible in every palette.
        p->setRenderHint(QPainter::Antialiasing, false);
        p->setPen(QPen(pal.color(selected ? QPalette::HighlightedText : QPalette::Highlight), 3));
        p->setBrush(Qt::NoBrush);
        p->drawRect(tile.adjusted(1, 1, -2, -2));
    }
    p->restore();
}

} // namespace captioner::ui
