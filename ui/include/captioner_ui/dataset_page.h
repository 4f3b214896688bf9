#pragma once
// DatasetPage shows the images of the dataset folder the user opened. The folder is listed by
// QFileSystemModel, which reads directories on its own thread, so large folders never stall the
// window. Folders can also be dropped onto the page.
#include <QWidget>

class QFileSystemModel;
class QLabel;
class QListView;
class QStackedLayout;

namespace captioner::ui {

class EmptyState;

class DatasetPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPage(QWidget* parent = nullptr);

    QString folder() const { return m_folder; }
    void openFolder(const QString& folder);
    bool isEmptyStateShown() const;
    // Image file patterns shown, e.g. "*.jpg".
    static QStringList imageNameFilters();

signals:
    void openRequested();
    // A folder (or the folder of a dropped file) was dropped onto the page.
    void folderDropped(const QString& folder);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void updateSummary();

    QString m_folder;
    bool m_loaded = false;
    EmptyState* m_empty;
    QWidget* m_content;
    QStackedLayout* m_stack;
    QLabel* m_summary;
    QListView* m_view;
    QFileSystemModel* m_model;
};

} // namespace captioner::ui
