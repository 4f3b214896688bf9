#pragma once
// MainWindow is the desktop app's frame: menus with keyboard shortcuts, the Dataset / Train /
// Caption pages in tabs, a toolbar, and a status bar with the runtime (threads, LibTorch device). It owns no
// long-running work itself; pages run theirs off the UI thread. Geometry, window state, font zoom
// and recent folders persist in QSettings.
#include <QMainWindow>

class QLabel;
class QMenu;
class QTabWidget;

namespace captioner::ui {

class DatasetPage;
class TrainPage;
class CaptionPage;
class HubDownloadDialog;
class ModelManager;
class ModelPanel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum class Page { Dataset = 0, Train = 1, Caption = 2 };

    explicit MainWindow(QWidget* parent = nullptr);

    Page currentPage() const;
    void showPage(Page page);
    DatasetPage* datasetPage() const { return m_datasetPage; }
    TrainPage* trainPage() const { return m_trainPage; }
    CaptionPage* captionPage() const { return m_captionPage; }
    ModelManager* modelManager() const { return m_modelManager; }
    ModelPanel* modelPanel() const { return m_modelPanel; }

    // Opens a dataset folder or dataset file (metadata.jsonl/.csv, COCO .json, Flickr token file,
    // .parquet) in the background (the Dataset page shows progress).
    void openDataset(const QString& folder);
    // What the command line and a drop on the window give: the first folder or dataset file
    // (DatasetPage::isDatasetFileName) is opened as the dataset (further ones are left out), every other
    // file goes to the Caption page to be captioned (missing files get a message there). Returns whether
    // a dataset was opened.
    bool openPaths(const QStringList& paths);
    // Opens the Hub download dialog for `repo` (a model), starts the download at once and opens the
    // model when it is done (the Model panel's "Get microsoft/git-base from Hugging Face").
    void downloadHubModel(const QString& repo);
    // Opens the built-in demo dataset, generating it on first use.
    void openDemoDataset();
    // Loads a model folder in the background (ModelManager); the Train page fine-tunes from it too.
    void openModel(const QString& folder);
    // Opens the newest recent model that still exists (at start-up); false when there is none.
    bool openLastModel();
    // Font size steps applied by View > Zoom (0 = platform size).
    int fontZoom() const { return m_fontZoom; }
    void setFontZoom(int steps);
    // Refreshes the runtime part of the status bar (after the thread count changed).
    void updateRuntimeStatus();

public slots:
    // File › Open Dataset Folder… (Ctrl+O).
    void chooseDataset();
    // File › Open Dataset File… (Ctrl+Alt+O): a metadata, COCO, Flickr or Parquet file.
    void chooseDatasetFile();
    void chooseModel();
    void showShortcuts();
    // Edit > Preferences (Ctrl+,): the Settings dialog; OK/Apply apply at once.
    void showSettings();
    void showAbout();
    // Makes a checkpoint folder the Caption page's model (the Train page's "Use for Captioning").
    void useCheckpointForCaptioning(const QString& folder);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    // File › Download from Hugging Face…: the dialog (deleted on close) opens what it downloaded.
    HubDownloadDialog* showHubDownloadDialog();
    void rebuildRecentMenu();
    void restoreSettings();
    void onDatasetOpened(const QString& folder);
    void onDatasetFailed(const QString& folder, const QString& message);
    void applySettings(bool deviceChanged);

    QTabWidget* m_tabs;
    DatasetPage* m_datasetPage;
    TrainPage* m_trainPage;
    CaptionPage* m_captionPage;
    ModelManager* m_modelManager = nullptr;
    ModelPanel* m_modelPanel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QLabel* m_runtimeLabel;
    int m_baseFontSize = 0;
    int m_fontZoom = 0;
};

} // namespace captioner::ui
