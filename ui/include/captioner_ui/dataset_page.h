#pragma once
// DatasetPage is the dataset browser: a grid of thumbnails with captions (QListView in icon mode over
// DatasetModel through DatasetFilterModel), a search box, kind and sort choosers, a thumbnail size
// slider, the detail pane with the caption editor, and review mode for stepping through images with
// the keyboard. Opening, report building, previews and saving run off the UI thread; the page shows
// progress meanwhile and stays usable. Folders and dataset files can be dropped onto it.
#include <QList>
#include <QPair>
#include <QVector>
#include <QWidget>

#include <memory>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QProgressBar;
class QPushButton;
class QSlider;
class QSplitter;
class QStackedLayout;
class QUndoStack;

namespace captioner {
struct DatasetReport;
}

namespace captioner::ui {

class DatasetFilterModel;
class DatasetLoader;
class DatasetModel;
class DetailPane;
class EmptyState;
class ReviewPanel;
class ThumbnailDelegate;
class ThumbnailProvider;

class DatasetPage : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPage(QWidget* parent = nullptr);
    ~DatasetPage() override;

    // What was opened: a folder, or a dataset file (metadata.jsonl/.csv, COCO .json, Flickr token
    // file, .parquet).
    QString folder() const { return m_folder; }
    // The folder of what was opened: folder() itself, or the folder holding the dataset file.
    QString rootFolder() const;
    // Opens a dataset folder or dataset file in the background; opened() or openFailed() follows.
    void openFolder(const QString& folder);
    // Opens the built-in demo dataset, generating it first when it is not there yet.
    void openDemo();
    bool isEmptyStateShown() const;
    bool isLoading() const;
    bool hasDataset() const;
    static QStringList imageNameFilters();
    // Whether a file name is one of the dataset files CaptionDataset::open reads, by extension:
    // .json (COCO), .jsonl/.csv (imagefolder metadata), .parquet, .txt/.token (Flickr).
    static bool isDatasetFileName(const QString& path);
    // The file dialog filter for those files.
    static QString datasetFileFilter();

    DatasetModel* model() const { return m_model; }
    DatasetFilterModel* filterModel() const { return m_filter; }
    QListView* view() const { return m_view; }
    DetailPane* detailPane() const { return m_detail; }
    ReviewPanel* reviewPanel() const { return m_review; }
    QUndoStack* undoStack() const { return m_undo; }
    ThumbnailProvider* thumbnails() const { return m_thumbnails; }

    // Commands for the main window's menus (they carry their shortcuts).
    QList<QAction*> editActions() const;
    QList<QAction*> reviewActions() const;
    QList<QAction*> viewActions() const; // find

    // The current image as a row of model() (-1: none), and selecting one.
    int currentRow() const;
    void selectRow(int modelRow);
    int thumbnailSize() const;
    void setThumbnailSize(int side);
    bool isReviewMode() const;
    void setReviewMode(bool on);
    bool hasUnsavedChanges() const;

    // Saves captions in the background (CaptionDataset::save: atomic, keeps a .bak); saved() follows.
    void save();
    // Takes in captions made on the Caption page for review: images of the open dataset without a
    // caption get the model's caption as one undoable step (unsaved until Save); captioned images keep
    // theirs. The first changed image is selected. Returns how many images changed; `summary` says
    // what happened, naming those not in the dataset. With `confidences` (parallel to images; -1:
    // unknown) and the words' confidences, each caption taken in keeps them in review.jsonl
    // (DatasetModel::setModelConfidence): the detail pane shows them and "Least confident first" orders by them.
    int addModelCaptions(const QStringList& images, const QStringList& captions, QString* summary = nullptr,
                         const QVector<double>& confidences = {},
                         const QVector<QVector<QPair<QString, double>>>& words = {});
    // Writes the review of every image as CSV or JSON Lines (by the extension); false and a message.
    bool exportReview(const QString& path, QString* error = nullptr);
    // Import Captions…: takes in a file of captions a model made elsewhere (what `captioner caption
    // --json` or `--out` writes, or the Caption page's CSV / JSON Lines export; captioner/caption_import.h),
    // read and matched to the open dataset's images off the UI thread (by path, else by the path relative
    // to the dataset root: captioner::matchDatasetImages), then as addModelCaptions does: images without
    // a caption get the file's caption in one undoable step, with its confidence and its words' kept in
    // review.jsonl; captioned images keep theirs. captionsImported() follows with the summary (also sent
    // as message()); a malformed file fails naming FILE:LINE. Nothing happens while an import runs.
    void importCaptions(const QString& path);
    bool isImporting() const { return m_importing; }

public slots:
    void nextImage();
    void previousImage();
    void acceptCurrent();
    // Flags the current image with the reason box's text (focuses the box when it is empty).
    void flagCurrent();
    void usePreviousCaption();
    void editCaption();
    void chooseExport();
    void chooseImportCaptions();

signals:
    void openRequested();
    void openDemoRequested();
    // A folder or dataset file was dropped (a dropped image stands for its folder).
    void folderDropped(const QString& folder);
    void opened(const QString& folder);
    void openFailed(const QString& folder, const QString& message);
    void reportReady();
    void saved(bool ok, const QString& message);
    void message(const QString& text);
    // An import has finished: ok false (nothing changed) when the file could not be read or parsed.
    void captionsImported(bool ok, const QString& summary);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    QWidget* buildToolbar();
    void createActions();
    void startOpen(const QString& folder, bool demo);
    void onOpened(const QString& folder);
    void onReport(const captioner::DatasetReport& report);
    void onCurrentChanged();
    void updateCounter();
    void updateSummary();
    void updateActions();
    void applyFilter();
    void moveBy(int step);
    // What addModelCaptions and importCaptions share: row i of the model gets captions[i] (with its
    // confidence and words; -1: unknown) unless it has a caption or came earlier in `rows`, as one undo
    // step named undoText; the first changed row is selected.
    struct Taken {
        int changed = 0;        // rows that got their caption
        int withConfidence = 0; // of them, with the model's confidence kept
        int kept = 0;           // rows that kept their own caption
        int repeated = 0;       // rows named again after their first time (ignored)
    };
    Taken takeModelCaptions(const QVector<int>& rows, const QStringList& captions, const QVector<double>& confidences,
                            const QVector<QVector<QPair<QString, double>>>& words, const QString& undoText);
    struct ImportResult;
    void finishImport(const QString& path, const ImportResult& result);

    QString m_folder;
    QString m_pendingFolder;
    EmptyState* m_empty;
    QWidget* m_content;
    QWidget* m_loading;
    QStackedLayout* m_stack;
    QLabel* m_summary;
    QLabel* m_problems;
    QLabel* m_counter;
    QLabel* m_loadingLabel;
    QProgressBar* m_loadingBar;
    QProgressBar* m_reportBar;
    QLineEdit* m_search;
    QCheckBox* m_wholeWords;
    QComboBox* m_show;
    QComboBox* m_sort;
    QSlider* m_size;
    QSplitter* m_splitter;
    QListView* m_view;
    DatasetModel* m_model;
    DatasetFilterModel* m_filter;
    ThumbnailProvider* m_thumbnails;
    ThumbnailDelegate* m_delegate;
    DatasetLoader* m_loader;
    DetailPane* m_detail;
    ReviewPanel* m_review;
    QUndoStack* m_undo;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QAction* m_saveAction = nullptr;
    QAction* m_reviewModeAction = nullptr;
    QAction* m_acceptAction = nullptr;
    QAction* m_flagAction = nullptr;
    QAction* m_nextAction = nullptr;
    QAction* m_previousAction = nullptr;
    QAction* m_usePreviousAction = nullptr;
    QAction* m_editAction = nullptr;
    QAction* m_exportAction = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_focusSearchAction = nullptr;
    bool m_saving = false;
    bool m_importing = false;
    bool m_importInteractive = false; // chosen in the file dialog: a failure is shown in a message box too
    quint64 m_datasetSerial = 0;      // counts opened datasets: an import for an earlier one is dropped
};

} // namespace captioner::ui
