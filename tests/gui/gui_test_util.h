#pragma once
// Small helpers the GUI suites share.
#include <QCoreApplication>
#include <QDropEvent>
#include <QMimeData>
#include <QStringList>
#include <QUrl>
#include <QWidget>
#include <QtGlobal>

namespace guitest {

// The widget named `name` under `root`; a missing one ends the test run (a renamed widget is a bug).
template <typename T> T* child(QWidget* root, const char* name) {
    T* w = root->findChild<T*>(QLatin1String(name));
    if (!w) qFatal("no %s", name);
    return w;
}

// What the user drags from a file manager: file URLs delivered to `target` as enter, move and drop
// events. False as soon as the target refuses one of them.
inline bool dropFiles(QWidget* target, const QStringList& files) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& f : files) urls << QUrl::fromLocalFile(f);
    mime.setUrls(urls);
    const QPoint at = target->rect().center();
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    if (!enter.isAccepted()) return false;
    QDragMoveEvent move(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &move);
    if (!move.isAccepted()) return false;
    QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &drop);
    return drop.isAccepted();
}

} // namespace guitest
